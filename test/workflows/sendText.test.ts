import type { INodeExecutionData } from 'n8n-workflow';

import { startSandbox, type Sandbox } from '../../sandbox';
import { sandboxCredentials } from '../sandboxCredentials';
import { runWorkflow, sendWorkflow, type RunResult } from './harness';

let sandbox: Sandbox;
beforeAll(async () => {
	sandbox = await startSandbox();
});
afterAll(async () => sandbox.stop());
beforeEach(() => {
	sandbox.clearRequests();
	sandbox.clearInjections();
	sandbox.setFaults(undefined);
});

const credentials = (overrides: { meta?: object; twilio?: object } = {}) => sandboxCredentials(sandbox, overrides);
const sendText = (provider: 'meta' | 'twilio', parameters: object = {}) => ({
	provider,
	resource: 'message',
	operation: 'sendText',
	to: '={{ $json.phone }}',
	text: '={{ $json.text }}',
	...parameters,
});
const ONE_ATTEMPT = { bulkSending: { maxAttempts: 1 } };
const items = (...rows: Array<[string, string]>): INodeExecutionData[] =>
	rows.map(([phone, text]) => ({ json: { phone, text } }));

/** Everything n8n keeps of a run, as text: what a leaked secret would show up in. */
const everything = (result: RunResult) => JSON.stringify(result.run, (_key, value) =>
	value instanceof Error ? { ...value, message: value.message, stack: value.stack } : value,
);

describe('Send Text through Meta in the n8n engine', () => {
	it('sends a text and outputs the unified result', async () => {
		const result = await runWorkflow(
			sendWorkflow(sendText('meta', { to: '+1 (555) 123-4567', text: 'Hello from n8n', options: { previewUrl: true } })),
			{ credentials: credentials() },
		);
		expect(result.error).toBeUndefined();
		const [item] = result.output('WhatsApp Omni');
		expect(item.json).toEqual({
			provider: 'meta',
			messageId: expect.stringMatching(/^wamid\.HBgL/),
			to: '+15551234567',
			status: 'accepted',
			raw: expect.objectContaining({ messaging_product: 'whatsapp' }),
		});
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(sandbox.requests).toHaveLength(1);
		expect(sandbox.requests[0]).toMatchObject({
			method: 'POST',
			path: `/v24.0/${sandbox.meta.phoneNumberId}/messages`,
			headers: expect.objectContaining({ authorization: `Bearer ${sandbox.meta.accessToken}` }),
			body: {
				messaging_product: 'whatsapp',
				recipient_type: 'individual',
				to: '15551234567',
				type: 'text',
				text: { body: 'Hello from n8n', preview_url: true },
			},
		});
	});

	it('sends one message per item, in order, each paired with its item', async () => {
		const result = await runWorkflow(sendWorkflow(sendText('meta')), {
			credentials: credentials(),
			input: items(['+15550000001', 'first'], ['whatsapp:+15550000002', 'second'], ['15550000003', 'third']),
		});
		expect(result.error).toBeUndefined();
		const output = result.output('WhatsApp Omni');
		expect(output.map((item) => [item.json.to, item.pairedItem])).toEqual([
			['+15550000001', { item: 0 }],
			['+15550000002', { item: 1 }],
			['+15550000003', { item: 2 }],
		]);
		expect(sandbox.requests.map((request) => (request.body as { text: { body: string } }).text.body)).toEqual([
			'first',
			'second',
			'third',
		]);
	});

	it('maps a wrong token to Meta\u2019s code with a hint, and never shows the token', async () => {
		const result = await runWorkflow(sendWorkflow(sendText('meta')), {
			credentials: credentials({ meta: { accessToken: 'EAAG-wrong-secret-token' } }),
			input: items(['+15551234567', 'hi']),
		});
		expect(result.error?.message).toBe('Meta (WhatsApp Cloud API) error 190: The access token is invalid or has expired');
		expect(result.error?.description).toMatch(/System User token/);
		expect((result.error as { httpCode?: string }).httpCode).toBe('401');
		expect(everything(result)).not.toContain('EAAG-wrong-secret-token');
	});

	it('maps 131047 (24-hour window) to a template hint', async () => {
		sandbox.injectResponse(
			{ provider: 'meta', path: /\/messages$/ },
			{
				status: 400,
				body: { error: { message: '(#131047) Re-engagement message', type: 'OAuthException', code: 131047, error_data: { messaging_product: 'whatsapp', details: 'More than 24 hours have passed since the recipient last replied' }, fbtrace_id: 'Ab1' } },
			},
		);
		const result = await runWorkflow(sendWorkflow(sendText('meta')), {
			credentials: credentials(),
			input: items(['+15551234567', 'hi']),
		});
		expect(result.error?.message).toBe('Meta (WhatsApp Cloud API) error 131047: The 24-hour window is closed');
		expect(result.error?.description).toMatch(/Send a template message instead/);
		expect(result.error?.description).toMatch(/More than 24 hours have passed/);
	});

	it('maps a 429 with Retry-After and a 500', async () => {
		sandbox.setFaults({ rate: 1, kinds: ['429'], retryAfterSeconds: 9 });
		// One attempt: what a refusal says once retries are over (retries: bulkSending.test.ts).
		const limited = await runWorkflow(sendWorkflow(sendText('meta', ONE_ATTEMPT)), { credentials: credentials(), input: items(['+15551234567', 'hi']) });
		expect(limited.error?.message).toBe('Meta (WhatsApp Cloud API) error 130429: Throughput limit reached');
		expect((limited.error as { httpCode?: string }).httpCode).toBe('429');
		expect(limited.error?.description).toMatch(/Nothing was sent\. Meta asked to wait 9 s before retrying: run it again after that\./);

		sandbox.setFaults({ rate: 1, kinds: ['500'] });
		const broken = await runWorkflow(sendWorkflow(sendText('meta', ONE_ATTEMPT)), { credentials: credentials(), input: items(['+15551234567', 'hi']) });
		expect(broken.error?.message).toMatch(/^Meta \(WhatsApp Cloud API\) error( \d+)?: /);
		expect((broken.error as { httpCode?: string }).httpCode).toBe('500');
	});

	it('says a reset connection may have delivered the message', async () => {
		sandbox.setFaults({ rate: 1, kinds: ['reset'] });
		const result = await runWorkflow(sendWorkflow(sendText('meta')), { credentials: credentials(), input: items(['+15551234567', 'hi']) });
		expect(result.error?.message).toMatch(/ECONNRESET|reset/);
		expect(result.error?.description).toMatch(/may have reached the provider/);
	});
});

describe('Send Text through Twilio in the n8n engine', () => {
	it('sends a text and the sandbox sees exactly the Messages API request', async () => {
		const result = await runWorkflow(sendWorkflow(sendText('twilio', { to: 'whatsapp:+15551234567', text: 'Hola' })), {
			credentials: credentials(),
		});
		expect(result.error).toBeUndefined();
		const [item] = result.output('WhatsApp Omni');
		expect(item.json).toEqual({
			provider: 'twilio',
			messageId: expect.stringMatching(/^SM[0-9a-f]{32}$/),
			to: '+15551234567',
			status: 'queued',
			raw: expect.objectContaining({ sid: item.json.messageId, to: 'whatsapp:+15551234567', body: 'Hola' }),
		});
		expect(sandbox.requests).toHaveLength(1);
		const [request] = sandbox.requests;
		expect(request).toMatchObject({
			provider: 'twilio',
			method: 'POST',
			path: `/api/2010-04-01/Accounts/${sandbox.twilio.accountSid}/Messages.json`,
			body: { To: 'whatsapp:+15551234567', From: sandbox.twilio.whatsAppNumber, Body: 'Hola' },
			status: 201,
		});
		expect(request.headers.authorization).toBe(
			`Basic ${Buffer.from(`${sandbox.twilio.accountSid}:${sandbox.twilio.authToken}`).toString('base64')}`,
		);
	});

	it('signs in with an API key', async () => {
		const result = await runWorkflow(sendWorkflow(sendText('twilio')), {
			credentials: credentials({ twilio: { authType: 'apiKey', apiKeySid: sandbox.twilio.apiKeySid, apiKeySecret: sandbox.twilio.apiKeySecret, authToken: '' } }),
			input: items(['+15551234567', 'hi']),
		});
		expect(result.error).toBeUndefined();
		expect(sandbox.requests[0].headers.authorization).toBe(
			`Basic ${Buffer.from(`${sandbox.twilio.apiKeySid}:${sandbox.twilio.apiKeySecret}`).toString('base64')}`,
		);
	});

	it('refuses text over 1,600 characters before any request', async () => {
		const result = await runWorkflow(sendWorkflow(sendText('twilio')), {
			credentials: credentials(),
			input: items(['+15551234567', 'x'.repeat(1601)]),
		});
		expect(result.error?.message).toBe('Item 1: Text has 1601 characters; Twilio allows at most 1600');
		expect(sandbox.requests).toHaveLength(0);
	});

	it('maps a wrong auth token, a 429 and a 500 to Twilio\u2019s codes, never showing the token', async () => {
		const wrong = await runWorkflow(sendWorkflow(sendText('twilio')), {
			credentials: credentials({ twilio: { authToken: 'wrong-secret-auth-token' } }),
			input: items(['+15551234567', 'hi']),
		});
		expect(wrong.error?.message).toBe('Twilio error 20003: Twilio rejected the credentials');
		expect(wrong.error?.description).toMatch(/Account SID and Auth Token/);
		expect(everything(wrong)).not.toContain('wrong-secret-auth-token');

		sandbox.setFaults({ rate: 1, kinds: ['429'], retryAfterSeconds: 4 });
		const limited = await runWorkflow(sendWorkflow(sendText('twilio', ONE_ATTEMPT)), { credentials: credentials(), input: items(['+15551234567', 'hi']) });
		expect(limited.error?.message).toBe('Twilio error 20429: Too many requests to Twilio');
		expect((limited.error as { httpCode?: string }).httpCode).toBe('429');
		expect(limited.error?.description).toMatch(/Nothing was sent\. Twilio asked to wait 4 s before retrying: run it again after that\./);

		sandbox.setFaults({ rate: 1, kinds: ['500'] });
		const broken = await runWorkflow(sendWorkflow(sendText('twilio', ONE_ATTEMPT)), { credentials: credentials(), input: items(['+15551234567', 'hi']) });
		expect(broken.error?.message).toBe('Twilio error 20500: Twilio had an internal error');
		expect(everything(broken)).not.toContain(sandbox.twilio.authToken);
	});

	it('maps 63016 (24-hour window)', async () => {
		sandbox.injectResponse(
			{ provider: 'twilio', path: /Messages\.json$/ },
			{ status: 400, body: { code: 63016, message: 'Failed to send freeform message because you are outside the allowed window.', more_info: 'https://www.twilio.com/docs/errors/63016', status: 400 } },
		);
		const result = await runWorkflow(sendWorkflow(sendText('twilio')), { credentials: credentials(), input: items(['+15551234567', 'hi']) });
		expect(result.error?.message).toBe('Twilio error 63016: The 24-hour window is closed');
		expect(result.error?.description).toMatch(/approved template/);
	});
});

describe('Bad input and Continue On Fail', () => {
	it('a credential that cannot work fails with what to fix, before any request', async () => {
		const result = await runWorkflow(sendWorkflow(sendText('twilio')), {
			credentials: credentials({ twilio: { whatsAppNumber: '', messagingServiceSid: '' } }),
			input: items(['+15551234567', 'hi']),
		});
		expect(result.error?.message).toBe('The Twilio credential has no WhatsApp number and no Messaging Service SID');
		expect(result.error?.description).toMatch(/fill in "WhatsApp Number"/);
		expect(sandbox.requests).toHaveLength(0);
	});

	it.each(['meta', 'twilio'] as const)('%s: a bad number fails naming the item and the value, before its request', async (provider) => {
		const result = await runWorkflow(sendWorkflow(sendText(provider)), {
			credentials: credentials(),
			input: items(['+15550000001', 'ok'], ['+1 555 CALL NOW', 'bad']),
		});
		expect(result.error?.message).toBe(
			'Item 2: "+1 555 CALL NOW" is neither a WhatsApp phone number nor a business-scoped user ID (BSUID): it may only hold digits, an optional leading +, spaces, dashes, dots and brackets',
		);
		// The first item went out; the error says so, so a rerun's duplicate is no surprise.
		expect(sandbox.requests).toHaveLength(1);
		expect(result.error?.description ?? '').toMatch(/1 earlier item was already sent/);
	});

	it.each(['meta', 'twilio'] as const)('%s: Continue On Fail gives an error item in place and goes on', async (provider) => {
		sandbox.injectResponse(
			{ provider, method: 'POST' },
			provider === 'meta'
				? { status: 400, body: { error: { message: '(#131026) Message undeliverable', code: 131026, fbtrace_id: 'x' } } }
				: { status: 400, body: { code: 63003, message: 'Channel could not find To address', status: 400 } },
		);
		const result = await runWorkflow(sendWorkflow(sendText(provider), { continueOnFail: true }), {
			credentials: credentials(),
			input: items(['+15550000001', 'undeliverable'], ['12345', 'too short'], ['+15550000003', 'fine']),
		});
		expect(result.error).toBeUndefined();
		const output = result.output('WhatsApp Omni');
		expect(output).toHaveLength(3);
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(output[0].json).toMatchObject(
			provider === 'meta'
				? { provider: 'meta', code: 131026, error: expect.stringMatching(/could not be delivered/), hint: expect.any(String), httpCode: '400' }
				: { provider: 'twilio', code: 63003, error: expect.stringMatching(/not a valid WhatsApp user/), hint: expect.any(String), httpCode: '400' },
		);
		expect(output[1].json.error).toMatch(/Item 2: "12345" is neither a WhatsApp phone number nor a business-scoped user ID \(BSUID\): it has 5 digits/);
		expect(output[2].json).toMatchObject({ provider, to: '+15550000003' });
		// Item 2 never reached the provider; items 1 and 3 did.
		expect(sandbox.requests).toHaveLength(2);
	});
});
