import { createHmac, timingSafeEqual } from 'node:crypto';
import { request } from 'node:http';
import type { ClientRequest, IncomingMessage } from 'node:http';

import type { Provider, Sandbox } from '../../sandbox';
import { call, metaPost, twilioPostJson } from './helpers';
import type { Answer } from './helpers';
import type { Received, WebhookServer } from './webhookServer';

export function chatPost(sandbox: Sandbox, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
	return call(`${sandbox.url}/chat/api/${path}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', ...headers },
		body: JSON.stringify(body),
	});
}

export function chatSend(sandbox: Sandbox, action: Record<string, unknown>): Promise<Answer> {
	return chatPost(sandbox, 'send', action);
}

export async function chatState(sandbox: Sandbox): Promise<any> {
	return (await call(`${sandbox.url}/chat/api/state`)).body;
}

/** Meta sends the user's messages to n8n: a phone-number override and the WABA subscription. */
export async function registerMeta(sandbox: Sandbox, n8n: WebhookServer, path = '/meta'): Promise<void> {
	const override = await metaPost(sandbox, `/v24.0/${sandbox.meta.phoneNumberId}`, {
		webhook_configuration: { override_callback_uri: n8n.url(path), verify_token: n8n.verifyToken },
	});
	expect(override.body).toEqual({ success: true });
	const subscribed = await call(`${sandbox.graphBaseUrl}/v24.0/${sandbox.meta.wabaId}/subscribed_apps`, {
		method: 'POST',
		headers: { authorization: `Bearer ${sandbox.meta.accessToken}` },
	});
	expect(subscribed.body).toEqual({ success: true });
	n8n.reset();
}

/** The account's WhatsApp sender posts inbound messages and status callbacks to n8n. */
export async function registerTwilio(sandbox: Sandbox, n8n: WebhookServer, path = '/twilio', statusPath = '/twilio-status'): Promise<void> {
	const answer = await twilioPostJson(sandbox, `/messaging/v2/Channels/Senders/${sandbox.twilioWebhooks.sender.sid}`, {
		webhook: { callback_url: n8n.url(path), status_callback_url: n8n.url(statusPath) },
	});
	expect(answer.status).toBe(202);
}

/** Independent of the sandbox: HMAC-SHA256 of the raw bytes with the app secret. */
export function metaSignatureValid(received: Received, secret: string): boolean {
	const header = received.headers['x-hub-signature-256'];
	if (typeof header !== 'string' || !header.startsWith('sha256=')) return false;
	const expected = createHmac('sha256', secret).update(received.rawBody).digest();
	const given = Buffer.from(header.slice('sha256='.length), 'hex');
	return given.length === expected.length && timingSafeEqual(given, expected);
}

export function formOf(received: Received): Record<string, string> {
	return Object.fromEntries(new URLSearchParams(received.rawBody.toString('utf8')));
}

export function jsonOf(received: Received): any {
	return JSON.parse(received.rawBody.toString('utf8'));
}

export function pathOf(received: Received): string {
	return new URL(received.url, 'http://x').pathname;
}

export async function waitFor<T>(probe: () => T | undefined | false, timeoutMs = 3000, what = 'condition'): Promise<T> {
	const until = Date.now() + timeoutMs;
	for (;;) {
		const value = probe();
		if (value) return value;
		if (Date.now() > until) throw new Error(`Timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}

export interface ServerEvent {
	event: string;
	id?: string;
	data: any;
}

/** A page's event stream: GET /chat/api/events, parsed. */
export class EventStream {
	readonly events: ServerEvent[] = [];
	private req: ClientRequest | undefined;
	private res: IncomingMessage | undefined;
	contentType = '';

	constructor(
		private readonly sandbox: Sandbox,
		readonly client: string,
		private readonly view: Provider | 'none',
	) {}

	open(): Promise<this> {
		return new Promise((resolve, reject) => {
			const url = new URL(`${this.sandbox.url}/chat/api/events?client=${this.client}&view=${this.view}`);
			this.req = request(url, { headers: { accept: 'text/event-stream' } }, (res) => {
				this.res = res;
				this.contentType = String(res.headers['content-type']);
				let buffer = '';
				res.setEncoding('utf8');
				res.on('data', (chunk: string) => {
					buffer += chunk;
					let end = buffer.indexOf('\n\n');
					while (end >= 0) {
						this.parse(buffer.slice(0, end));
						buffer = buffer.slice(end + 2);
						end = buffer.indexOf('\n\n');
					}
				});
				res.on('error', () => undefined);
				resolve(this);
			});
			this.req.on('error', reject);
			this.req.end();
		});
	}

	private parse(block: string): void {
		let event = 'message';
		let id: string | undefined;
		const data: string[] = [];
		for (const line of block.split('\n')) {
			if (line.startsWith(':') || line.startsWith('retry:')) continue;
			if (line.startsWith('event: ')) event = line.slice(7);
			else if (line.startsWith('id: ')) id = line.slice(4);
			else if (line.startsWith('data: ')) data.push(line.slice(6));
		}
		if (data.length > 0) this.events.push({ event, id, data: JSON.parse(data.join('\n')) });
	}

	next(event: string, predicate: (data: any) => boolean = () => true, timeoutMs = 3000): Promise<ServerEvent> {
		return waitFor(() => this.events.find((e) => e.event === event && predicate(e.data)), timeoutMs, `event ${event}`);
	}

	close(): void {
		this.res?.destroy();
		this.req?.destroy();
	}
}
