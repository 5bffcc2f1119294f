import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
	method: string;
	/** Path and query, as the request line had them. */
	url: string;
	headers: IncomingHttpHeaders;
	rawBody: Buffer;
}

/**
 * A stand-in for n8n's webhook endpoint on loopback: answers Meta's verification GET (or
 * refuses it), answers POSTs with a set status, and keeps every request with its raw bytes.
 */
export class WebhookServer {
	readonly received: Received[] = [];
	/** The token the GET handler expects in hub.verify_token. */
	verifyToken = 'n8n-verify-token';
	/** `answer`: 200 + challenge when the token matches (403 otherwise). */
	handshake: 'answer' | 'forbid' | 'wrong-challenge' = 'answer';
	postStatus = 200;
	postBody = '';
	private server: Server | undefined;
	private port = 0;

	async start(): Promise<this> {
		const server = createServer((req, res) => {
			const chunks: Buffer[] = [];
			req.on('data', (chunk: Buffer) => chunks.push(chunk));
			req.on('end', () => {
				this.received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, rawBody: Buffer.concat(chunks) });
				if (req.method === 'GET') {
					const query = new URL(req.url ?? '/', 'http://x').searchParams;
					const matches = query.get('hub.mode') === 'subscribe' && query.get('hub.verify_token') === this.verifyToken;
					if (this.handshake === 'forbid' || !matches) {
						res.writeHead(403, { 'content-type': 'text/plain' }).end('Forbidden');
					} else if (this.handshake === 'wrong-challenge') {
						res.writeHead(200, { 'content-type': 'text/plain' }).end('not-the-challenge');
					} else {
						res.writeHead(200, { 'content-type': 'text/plain' }).end(query.get('hub.challenge') ?? '');
					}
					return;
				}
				res.writeHead(this.postStatus, { 'content-type': 'text/plain' }).end(this.postBody);
			});
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		this.port = (server.address() as AddressInfo).port;
		this.server = server;
		return this;
	}

	async stop(): Promise<void> {
		const server = this.server;
		if (!server) return;
		this.server = undefined;
		server.closeAllConnections();
		await new Promise<void>((resolve) => server.close(() => resolve()));
	}

	url(path = '/webhook/trigger'): string {
		return `http://127.0.0.1:${this.port}${path}`;
	}

	/** Forgets received requests and restores the default answers. */
	reset(): void {
		this.received.length = 0;
		this.handshake = 'answer';
		this.postStatus = 200;
		this.postBody = '';
	}

	posts(): Received[] {
		return this.received.filter((r) => r.method !== 'GET');
	}
}
