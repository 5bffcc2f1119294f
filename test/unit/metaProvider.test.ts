import http from 'node:http';
import type { AddressInfo } from 'node:net';
import nock from 'nock';

import { DEFAULT_DELIVERY_SETTINGS, withDeliverySettings } from '../../nodes/WhatsAppOmni/helpers/retryPolicy';
import { CredentialError } from '../../nodes/WhatsAppOmni/providers/CredentialError';
import { rejectionOf, useNock } from './nockHelpers';
import { clearGraphClients } from '../../nodes/WhatsAppOmni/providers/meta/client';
import { MetaProvider } from '../../nodes/WhatsAppOmni/providers/meta/MetaProvider';
import { ProviderError } from '../../nodes/WhatsAppOmni/providers/ProviderError';
import type { MetaCredentials } from '../../nodes/WhatsAppOmni/providers/types';

const credentials: MetaCredentials = {
	accessToken: 'EAAG-unit-secret-token',
	phoneNumberId: '106540352242922',
	businessAccountId: '102290129340398',
	graphApiVersion: 'v24.0',
};

const text = (body: string, previewUrl?: boolean) => ({
	to: { kind: 'phone' as const, phoneNumber: '+15551234567' },
	content: { type: 'text' as const, text: body, ...(previewUrl !== undefined ? { previewUrl } : {}) },
});

async function caught(promise: Promise<unknown>): Promise<ProviderError> {
	const error = await rejectionOf(promise);
	expect(error).toBeInstanceOf(ProviderError);
	return error as ProviderError;
}

useNock(clearGraphClients);

describe('MetaProvider.sendMessage', () => {
	it('sends exactly the Graph API text request', async () => {
		const scope = nock('https://graph.facebook.com', {
			reqheaders: {
				authorization: 'Bearer EAAG-unit-secret-token',
				'content-type': /application\/json/,
			},
		})
			.post('/v24.0/106540352242922/messages', {
				messaging_product: 'whatsapp',
				recipient_type: 'individual',
				to: '15551234567',
				type: 'text',
				text: { body: 'Hello there', preview_url: true },
			})
			.reply(200, {
				messaging_product: 'whatsapp',
				contacts: [{ input: '15551234567', wa_id: '15551234567' }],
				messages: [{ id: 'wamid.HBgLMTU1NTEyMzQ1NjcVAgARGBI5', message_status: 'accepted' }],
			});

		const result = await new MetaProvider(credentials).sendMessage(text('Hello there', true));

		expect(scope.isDone()).toBe(true);
		expect(result).toEqual({
			provider: 'meta',
			messageId: 'wamid.HBgLMTU1NTEyMzQ1NjcVAgARGBI5',
			to: '+15551234567',
			status: 'accepted',
			raw: expect.objectContaining({ messages: [expect.objectContaining({ id: expect.any(String) })] }),
		});
	});

	it('leaves preview_url out when not chosen, and honours version and base URL overrides', async () => {
		const scope = nock('http://127.0.0.1:9999')
			.post('/graph/v25.0/106540352242922/messages', (body) => {
				expect(body).toEqual({
					messaging_product: 'whatsapp',
					recipient_type: 'individual',
					to: '15551234567',
					type: 'text',
					text: { body: 'Hi' },
				});
				return true;
			})
			.reply(200, { messages: [{ id: 'wamid.X' }] });

		const result = await new MetaProvider({
			...credentials,
			graphApiVersion: 'v25.0',
			baseUrl: 'http://127.0.0.1:9999/graph/',
		}).sendMessage(text('Hi'));
		expect(scope.isDone()).toBe(true);
		expect(result.status).toBe('accepted');
	});

	it('reuses one HTTP client per credential', async () => {
		nock('https://graph.facebook.com')
			.post('/v24.0/106540352242922/messages')
			.times(2)
			.reply(200, { messages: [{ id: 'wamid.A' }] });
		const { getGraphClient } = await import('../../nodes/WhatsAppOmni/providers/meta/client');
		expect(getGraphClient({ ...credentials })).toBe(getGraphClient({ ...credentials }));
		expect(getGraphClient(credentials)).not.toBe(getGraphClient({ ...credentials, accessToken: 'other' }));
	});
});

describe('MetaProvider credential checks', () => {
	it('refuses an empty token or a phone number given as the Phone Number ID, before any request', () => {
		expect(() => new MetaProvider({ ...credentials, accessToken: '' })).toThrow(CredentialError);
		expect(() => new MetaProvider({ ...credentials, phoneNumberId: '+1 555 010 0000' })).toThrow(
			/Phone Number ID "\+1 555 010 0000" in the Meta credential is not valid/,
		);
	});
});

describe('Meta error mapping', () => {
	// What one refusal becomes, to one person many times; retries and pacing have their own tests.
	const once = { ...DEFAULT_DELIVERY_SETTINGS, maxAttempts: 1, perRecipient: { messages: 0, windowSeconds: 60 } };
	const send = () => withDeliverySettings(once, () => new MetaProvider(credentials).sendMessage(text('Hello')));
	const reply = (status: number, error: object, headers?: Record<string, string>) =>
		nock('https://graph.facebook.com')
			.post('/v24.0/106540352242922/messages')
			.reply(status, { error: { fbtrace_id: 'AbC123', ...error } }, headers);

	it('maps an expired token (190, HTTP 401) with a hint naming the credential', async () => {
		reply(401, { message: 'Error validating access token: Session has expired', type: 'OAuthException', code: 190 });
		const error = await caught(send());
		expect(error).toMatchObject({ provider: 'meta', code: 190, httpStatus: 401, traceId: 'AbC123' });
		expect(error.message).toBe('The access token is invalid or has expired');
		expect(error.hint).toMatch(/System User token/);
	});

	it('maps 131047 to the 24-hour window with a template hint', async () => {
		reply(400, {
			message: '(#131047) Re-engagement message',
			code: 131047,
			error_data: { messaging_product: 'whatsapp', details: 'Message failed to send because more than 24 hours have passed' },
		});
		const error = await caught(send());
		expect(error.code).toBe(131047);
		expect(error.message).toMatch(/24-hour window/);
		expect(error.hint).toMatch(/template/);
		expect(error.details).toMatch(/more than 24 hours/);
	});

	it('maps HTTP 429 with Retry-After', async () => {
		reply(429, { message: '(#130429) Rate limit hit', code: 130429 }, { 'Retry-After': '7' });
		const error = await caught(send());
		expect(error).toMatchObject({ code: 130429, httpStatus: 429, retryAfterSeconds: 7, mayHaveBeenSent: false, rateLimited: true });
		expect(error.hint).toMatch(/send fewer items at once/);
	});

	it('reads Retry-After given as an HTTP date', async () => {
		const now = Date.parse('2026-05-04T10:00:00Z');
		jest.spyOn(Date, 'now').mockReturnValue(now);
		reply(429, { message: '(#130429) Rate limit hit', code: 130429 }, { 'Retry-After': new Date(now + 30_000).toUTCString() });
		const error = await caught(send());
		jest.restoreAllMocks();
		expect(error).toMatchObject({ code: 130429, retryAfterSeconds: 30, rateLimited: true });
	});

	it('marks the pair rate limit 131056 as a rate limit, and other codes not', async () => {
		reply(400, { message: '(#131056) Pair rate limit hit', code: 131056 });
		expect(await caught(send())).toMatchObject({ code: 131056, rateLimited: true });
		reply(400, { message: '(#131026) Message undeliverable', code: 131026 });
		expect(await caught(send())).toMatchObject({ code: 131026, rateLimited: false });
	});

	it('maps an unknown 5xx body by its HTTP status', async () => {
		nock('https://graph.facebook.com').post('/v24.0/106540352242922/messages').reply(502, 'Bad gateway');
		const error = await caught(send());
		expect(error).toMatchObject({ httpStatus: 502, code: undefined });
		expect(error.message).toMatch(/internal error \(HTTP 502\)/);
	});

	it('keeps Meta\u2019s own message for codes it does not know', async () => {
		reply(400, { message: '(#999999) Something new', code: 999999 });
		const error = await caught(send());
		expect(error).toMatchObject({ code: 999999, message: '(#999999) Something new' });
	});

	it('maps permission codes in the 200–299 range', async () => {
		reply(403, { message: '(#294) Managing advertisements requires…', code: 294 });
		expect((await caught(send())).message).toBe('Permission denied');
	});

	it('says a reset connection may have sent the message', async () => {
		// A real socket reset on loopback: nock's simulated errors do not reach keep-alive agents.
		const server = http.createServer((req) => req.socket.destroy());
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		nock.enableNetConnect('127.0.0.1');
		try {
			const { port } = server.address() as AddressInfo;
			const error = await caught(
				new MetaProvider({ ...credentials, baseUrl: `http://127.0.0.1:${port}` }).sendMessage(text('Hi')),
			);
			expect(error).toMatchObject({ code: 'ECONNRESET', mayHaveBeenSent: true });
			expect(error.hint).toMatch(/may have reached/);
		} finally {
			nock.disableNetConnect();
			server.close();
		}
	});

	it('never carries the token in the error', async () => {
		reply(401, { message: 'Invalid OAuth access token', code: 190 });
		const error = await caught(send());
		const everything = JSON.stringify({ ...error, message: error.message, stack: error.stack });
		expect(everything).not.toContain(credentials.accessToken);
	});
});
