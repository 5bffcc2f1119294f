// The sandbox calling out, as the providers call a webhook URL: Meta's verification GET and
// both providers' deliveries. node:http rather than fetch, so the request carries exactly the
// headers a provider sends (fetch adds its own, e.g. accept-language and sec-fetch-mode).

import { request as httpRequest, STATUS_CODES } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';

export const DEFAULT_WEBHOOK_TIMEOUT_MS = 10_000;

export interface CalloutRequest {
	method: string;
	url: string;
	headers?: Record<string, string>;
	body?: Buffer | string;
	timeoutMs: number;
}

export interface CalloutAnswer {
	/** 0 when no answer came. */
	status: number;
	statusText: string;
	headers: IncomingHttpHeaders;
	body: Buffer;
	/** Network error code or `timeout` when no answer came. */
	error?: string;
}

/** Never rejects: a failed call answers status 0 with the error. Redirects are not followed. */
export function callout(call: CalloutRequest): Promise<CalloutAnswer> {
	return new Promise((resolve) => {
		let url: URL;
		try {
			url = new URL(call.url);
		} catch {
			resolve({ status: 0, statusText: 'invalid URL', headers: {}, body: Buffer.alloc(0), error: 'EINVALIDURL' });
			return;
		}
		const send = url.protocol === 'https:' ? httpsRequest : url.protocol === 'http:' ? httpRequest : undefined;
		if (!send) {
			resolve({ status: 0, statusText: `unsupported protocol ${url.protocol}`, headers: {}, body: Buffer.alloc(0), error: 'EPROTO' });
			return;
		}
		const body = call.body === undefined ? undefined : Buffer.isBuffer(call.body) ? call.body : Buffer.from(call.body, 'utf8');
		const headers: Record<string, string> = { ...call.headers };
		if (body !== undefined) headers['Content-Length'] = String(body.length);
		let settled = false;
		const finish = (answer: CalloutAnswer) => {
			if (settled) return;
			settled = true;
			clearTimeout(timer);
			resolve(answer);
		};
		const req = send(url, { method: call.method, headers, agent: false }, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (chunk: Buffer) => chunks.push(chunk));
			res.on('end', () => {
				const status = res.statusCode ?? 0;
				finish({
					status,
					statusText: res.statusMessage || STATUS_CODES[status] || '',
					headers: res.headers,
					body: Buffer.concat(chunks),
				});
			});
			res.on('error', (error: NodeJS.ErrnoException) => {
				finish({ status: 0, statusText: error.message, headers: {}, body: Buffer.alloc(0), error: error.code ?? 'ERESPONSE' });
			});
		});
		const timer = setTimeout(() => {
			finish({ status: 0, statusText: `no answer within ${call.timeoutMs} ms`, headers: {}, body: Buffer.alloc(0), error: 'timeout' });
			req.destroy();
		}, call.timeoutMs);
		req.on('error', (error: NodeJS.ErrnoException) => {
			finish({ status: 0, statusText: error.message, headers: {}, body: Buffer.alloc(0), error: error.code ?? 'EREQUEST' });
		});
		req.end(body);
	});
}
