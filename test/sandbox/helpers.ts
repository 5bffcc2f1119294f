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
