import type { Sandbox } from '../../sandbox';

export interface Answer {
	status: number;
	headers: Headers;
	body: any;
	text: string;
}

/** fetch that reads the answer once and parses JSON when it is JSON. */
export async function call(url: string, init: RequestInit = {}): Promise<Answer> {
	const response = await fetch(url, init);
	const text = await response.text();
	let body: unknown = text;
	if ((response.headers.get('content-type') ?? '').includes('json')) body = JSON.parse(text);
	return { status: response.status, headers: response.headers, body, text };
}

export function basic(user: string, password: string): string {
	return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

export function form(fields: Record<string, string | string[]>): URLSearchParams {
	const params = new URLSearchParams();
	for (const [key, value] of Object.entries(fields)) {
		for (const item of Array.isArray(value) ? value : [value]) params.append(key, item);
	}
	return params;
}

export function metaGet(sandbox: Sandbox, path: string, token = sandbox.meta.accessToken): Promise<Answer> {
	return call(`${sandbox.graphBaseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
}

export function metaPost(sandbox: Sandbox, path: string, body: unknown, token = sandbox.meta.accessToken): Promise<Answer> {
	return call(`${sandbox.graphBaseUrl}${path}`, {
		method: 'POST',
		headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
		body: JSON.stringify(body),
	});
}

export function twilioAuth(sandbox: Sandbox): string {
	return basic(sandbox.twilio.accountSid, sandbox.twilio.authToken);
}

export function twilioGet(sandbox: Sandbox, path: string, auth = twilioAuth(sandbox)): Promise<Answer> {
	return call(`${sandbox.twilioBaseUrl}${path}`, { headers: { authorization: auth } });
}

export function twilioPostForm(
	sandbox: Sandbox,
	path: string,
	fields: Record<string, string | string[]>,
	auth = twilioAuth(sandbox),
): Promise<Answer> {
	return call(`${sandbox.twilioBaseUrl}${path}`, {
		method: 'POST',
		headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
		body: form(fields),
	});
}

export function messagesPath(sandbox: Sandbox, accountSid = sandbox.twilio.accountSid): string {
	return `/api/2010-04-01/Accounts/${accountSid}/Messages.json`;
}

export const RFC_2822 = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} \+0000$/;

export interface UploadFile {
	bytes: Uint8Array;
	filename?: string;
	/** The part's own Content-Type. */
	contentType?: string;
}

/** POST /<phone-number-id>/media as multipart/form-data; fields in the given order. */
export function metaUpload(
	sandbox: Sandbox,
	fields: Record<string, string | UploadFile>,
	phoneNumberId = sandbox.meta.phoneNumberId,
	token = sandbox.meta.accessToken,
): Promise<Answer> {
	const data = new FormData();
	for (const [name, value] of Object.entries(fields)) {
		if (typeof value === 'string') data.append(name, value);
		else data.append(name, new Blob([value.bytes], { type: value.contentType ?? '' }), value.filename ?? 'blob');
	}
	return call(`${sandbox.graphBaseUrl}/v24.0/${phoneNumberId}/media`, {
		method: 'POST',
		headers: { authorization: `Bearer ${token}` },
		body: data,
	});
}

export function twilioPostJson(sandbox: Sandbox, path: string, body: unknown, auth = twilioAuth(sandbox)): Promise<Answer> {
	return call(`${sandbox.twilioBaseUrl}${path}`, {
		method: 'POST',
		headers: { authorization: auth, 'content-type': 'application/json' },
		body: JSON.stringify(body),
	});
}

/** A real 1×1 PNG (67 bytes). */
export const PNG_1X1 = Buffer.from(
	'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
	'base64',
);

/** Meta error bodies: `{error: {message, type, code, error_data?, fbtrace_id}}`. */
export function expectMetaError(answer: Answer, status: number, code: number, explanation?: RegExp): void {
	expect({ status: answer.status, code: answer.body?.error?.code }).toEqual({ status, code });
	expect(answer.body.error.type).toMatch(/Exception$/);
	expect(typeof answer.body.error.fbtrace_id).toBe('string');
	if (explanation) expect(answer.body.error.error_data?.details ?? answer.body.error.message).toMatch(explanation);
	if (answer.body.error.error_data) expect(answer.body.error.error_data.messaging_product).toBe('whatsapp');
}

/** Twilio error bodies: `{code, message, more_info, status}`. */
export function expectTwilioError(answer: Answer, status: number, code: number, message?: RegExp): void {
	expect(answer.status).toBe(status);
	expect(answer.body).toEqual({
		code,
		message: expect.any(String),
		more_info: `https://www.twilio.com/docs/errors/${code}`,
		status,
	});
	if (message) expect(answer.body.message).toMatch(message);
}
