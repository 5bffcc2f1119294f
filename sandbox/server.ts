import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { DEFAULT_META_ACCOUNT, DEFAULT_TWILIO_ACCOUNT } from './accounts';
import { createMetaHandler } from './meta';
import { createTwilioHandler } from './twilio';
import type {
	FaultKind,
	FaultOptions,
	InjectedResponse,
	InjectMatch,
	MetaAccount,
	ProviderHandler,
	RecordedRequest,
	SandboxOptions,
	SandboxReply,
	SandboxRequest,
	TwilioAccount,
} from './types';
import { parseBody, seededRandom } from './util';

const HOST = '127.0.0.1';
const MAX_RECORDED_REQUESTS = 10_000;

interface PendingInjection {
	match: InjectMatch;
	response: InjectedResponse;
	remaining: number;
}

export class Sandbox {
	readonly meta: MetaAccount;
	readonly twilio: TwilioAccount;
	/** Every request that reached an emulated API, oldest first. Cleared in place. */
	readonly requests: RecordedRequest[] = [];

	private server: Server | undefined;
	private port: number;
	private latencyMs: number;
	private faults: FaultOptions | undefined;
	private random: () => number = Math.random;
	private readonly injections: PendingInjection[] = [];
	private readonly handlers: ProviderHandler[];

	constructor(options: SandboxOptions = {}) {
		this.port = options.port ?? 0;
		this.latencyMs = options.latencyMs ?? 0;
		this.meta = { ...DEFAULT_META_ACCOUNT, ...options.meta };
		this.twilio = { ...DEFAULT_TWILIO_ACCOUNT, ...options.twilio };
		this.handlers = [createMetaHandler(this.meta), createTwilioHandler(this.twilio)];
		this.setFaults(options.faults);
	}

	get url(): string {
		if (!this.server) throw new Error('Sandbox is not started: call start() first');
		return `http://${HOST}:${this.port}`;
	}

	get graphBaseUrl(): string {
		return `${this.url}/graph`;
	}

	get twilioBaseUrl(): string {
		return `${this.url}/twilio`;
	}

	async start(): Promise<void> {
		if (this.server) return;
		const server = createServer((req, res) => {
			this.onRequest(req, res).catch((error: Error) => {
				// A bug in a route must not take the test run down with an unhandled rejection.
				if (!res.headersSent) {
					res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
					res.end(JSON.stringify({ sandboxError: error.message }));
				} else {
					res.destroy();
				}
			});
		});
		await new Promise<void>((resolve, reject) => {
			server.once('error', reject);
			server.listen(this.port, HOST, () => {
				server.off('error', reject);
				resolve();
			});
		});
		this.port = (server.address() as AddressInfo).port;
		this.server = server;
	}

	async stop(): Promise<void> {
		const server = this.server;
		if (!server) return;
		this.server = undefined;
		// Keep-alive sockets from HTTP clients would otherwise hold close() open for seconds.
		server.closeAllConnections();
		await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
	}

	clearRequests(): void {
		this.requests.length = 0;
	}

	setLatency(ms: number): void {
		this.latencyMs = Math.max(0, ms);
	}

	setFaults(faults: FaultOptions | undefined): void {
		if (faults && (faults.rate < 0 || faults.rate > 1)) throw new RangeError('fault rate must be between 0 and 1');
		this.faults = faults ? { ...faults, kinds: [...faults.kinds] } : undefined;
		this.random = faults?.seed !== undefined ? seededRandom(faults.seed) : Math.random;
	}

	injectResponse(match: InjectMatch, response: InjectedResponse, times = 1): void {
		if (times < 1) return;
		this.injections.push({ match, response, remaining: times });
	}

	/** Drops canned answers not used yet, so one test's leftovers cannot answer the next test. */
	clearInjections(): void {
		this.injections.length = 0;
	}

	private handlerFor(pathname: string): ProviderHandler | undefined {
		return this.handlers.find((h) => pathname === h.prefix || pathname.startsWith(`${h.prefix}/`));
	}

	private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const url = new URL(req.url ?? '/', `http://${HOST}`);
		const rawBody = await readBody(req);
		const handler = this.handlerFor(url.pathname);
		if (!handler) {
			send(res, {
				status: 404,
				body: { sandboxError: `No emulated API under ${url.pathname}: use /graph/... or /twilio/...` },
			});
			return;
		}

		const contentType = req.headers['content-type'] ?? '';
		const request: SandboxRequest = {
			method: (req.method ?? 'GET').toUpperCase(),
			path: url.pathname.slice(handler.prefix.length) || '/',
			query: queryRecord(url.searchParams),
			headers: req.headers,
			rawBody,
			body: parseBody(rawBody, contentType),
			contentType,
		};
		const record: RecordedRequest = {
			provider: handler.provider,
			method: request.method,
			path: request.path,
			query: request.query,
			headers: { ...req.headers },
			rawBody,
			body: request.body,
			at: Date.now(),
		};
		this.requests.push(record);
		// A long-running sandbox (`npm start`) must not grow without bound; tests clear far sooner.
		if (this.requests.length > MAX_RECORDED_REQUESTS) this.requests.splice(0, this.requests.length - MAX_RECORDED_REQUESTS);

		if (this.latencyMs > 0) await delay(this.latencyMs);

		let reply: SandboxReply;
		const injected = this.takeInjection(record);
		const fault = injected ? undefined : this.drawFault();
		if (injected) {
			record.injected = true;
			reply = { status: injected.status, body: injected.body, headers: injected.headers };
		} else if (fault === 'reset') {
			record.fault = 'reset';
			req.socket.destroy();
			return;
		} else if (fault) {
			record.fault = fault;
			reply = handler.faultReply(fault, this.faults?.retryAfterSeconds ?? 1);
		} else {
			reply = await handler.handle(request);
		}
		record.status = reply.status;
		send(res, reply);
	}

	private takeInjection(record: RecordedRequest): InjectedResponse | undefined {
		const index = this.injections.findIndex(({ match }) => {
			if (match.provider && match.provider !== record.provider) return false;
			if (match.method && match.method.toUpperCase() !== record.method) return false;
			if (match.path) {
				// A /g regex keeps lastIndex between test() calls; reset it so matching is stateless.
				match.path.lastIndex = 0;
				if (!match.path.test(record.path)) return false;
			}
			return true;
		});
		if (index < 0) return undefined;
		const pending = this.injections[index];
		pending.remaining -= 1;
		if (pending.remaining <= 0) this.injections.splice(index, 1);
		return pending.response;
	}

	private drawFault(): FaultKind | undefined {
		const faults = this.faults;
		if (!faults || faults.rate <= 0 || faults.kinds.length === 0) return undefined;
		if (this.random() >= faults.rate) return undefined;
		return faults.kinds[Math.floor(this.random() * faults.kinds.length)];
	}
}

export async function startSandbox(options?: SandboxOptions): Promise<Sandbox> {
	const sandbox = new Sandbox(options);
	await sandbox.start();
	return sandbox;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => resolve(Buffer.concat(chunks)));
		req.on('error', reject);
	});
}

function queryRecord(params: URLSearchParams): Record<string, string | string[]> {
	const out: Record<string, string | string[]> = {};
	for (const [key, value] of params) {
		const existing = out[key];
		if (existing === undefined) out[key] = value;
		else if (Array.isArray(existing)) existing.push(value);
		else out[key] = [existing, value];
	}
	return out;
}

function delay(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

function send(res: ServerResponse, reply: SandboxReply): void {
	if (res.writableEnded || res.destroyed) return;
	const headers: Record<string, string> = {};
	for (const [key, value] of Object.entries(reply.headers ?? {})) {
		// The length is always computed here, so a canned answer cannot send a wrong one.
		if (key.toLowerCase() !== 'content-length') headers[key] = value;
	}
	let payload: Buffer | string = '';
	if (Buffer.isBuffer(reply.body) || typeof reply.body === 'string') {
		payload = reply.body;
	} else if (reply.body !== undefined) {
		payload = JSON.stringify(reply.body);
		if (!hasHeader(headers, 'content-type')) headers['content-type'] = 'application/json; charset=utf-8';
	}
	headers['content-length'] = String(Buffer.byteLength(payload));
	res.writeHead(reply.status, headers);
	res.end(payload);
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
	return Object.keys(headers).some((key) => key.toLowerCase() === name);
}
