import nock from 'nock';
import { DEFAULT_DELIVERY_SETTINGS, withDeliverySettings } from '../../nodes/WhatsAppOmni/helpers/retryPolicy';

import { CredentialError } from '../../nodes/WhatsAppOmni/providers/CredentialError';
import { ProviderError } from '../../nodes/WhatsAppOmni/providers/ProviderError';
import { clearTwilioClients, rewriteTwilioUrl } from '../../nodes/WhatsAppOmni/providers/twilio/client';
import { TwilioProvider } from '../../nodes/WhatsAppOmni/providers/twilio/TwilioProvider';
import { captureForm, rejectionOf, useNock } from './nockHelpers';
import { ACCOUNT, basicAuth, twilioCredentials as credentials } from './twilioFixtures';

const messageBody = (overrides: object = {}) => ({
	sid: 'SM0123456789abcdef0123456789abcdef',
	account_sid: ACCOUNT,
	to: 'whatsapp:+15551234567',
	from: 'whatsapp:+14155238886',
	body: 'Hello there',
	status: 'queued',
	num_media: '0',
	direction: 'outbound-api',
	...overrides,
});
const text = (body: string) => ({ to: { kind: 'phone' as const, phoneNumber: '+15551234567' }, content: { type: 'text' as const, text: body } });

const caught = rejectionOf;

useNock(clearTwilioClients);

describe('TwilioProvider.sendMessage', () => {
	it('sends exactly the Messages API request with Auth Token basic auth', async () => {
		const { captured, matcher } = captureForm();
		const scope = nock('https://api.twilio.com', {
			reqheaders: {
				authorization: basicAuth(ACCOUNT, 'unit-secret-auth-token-0123456789'),
				'content-type': 'application/x-www-form-urlencoded',
			},
		})
			.post(`/2010-04-01/Accounts/${ACCOUNT}/Messages.json`, matcher)
			.reply(201, messageBody());

		const result = await new TwilioProvider(credentials).sendMessage(text('Hello there'));

		expect(scope.isDone()).toBe(true);
		expect(captured.form).toEqual({ To: 'whatsapp:+15551234567', From: 'whatsapp:+14155238886', Body: 'Hello there' });
		expect(result).toEqual({
			provider: 'twilio',
			messageId: 'SM0123456789abcdef0123456789abcdef',
			to: '+15551234567',
			status: 'queued',
			raw: messageBody(),
		});
	});

	it('signs in with an API key and still addresses the account, and adds the Messaging Service', async () => {
		const { captured, matcher } = captureForm();
		const scope = nock('https://api.twilio.com', {
			reqheaders: { authorization: basicAuth('SK0123456789abcdef0123456789abcdef', 'key-secret') },
		})
			.post(`/2010-04-01/Accounts/${ACCOUNT}/Messages.json`, matcher)
			.reply(201, messageBody());
		await new TwilioProvider({
			...credentials,
			authType: 'apiKey',
			apiKeySid: 'SK0123456789abcdef0123456789abcdef',
			apiKeySecret: 'key-secret',
			whatsAppNumber: 'whatsapp:+1 (415) 523-8886',
			messagingServiceSid: 'MG0123456789abcdef0123456789abcdef',
		}).sendMessage(text('Hi'));
		expect(scope.isDone()).toBe(true);
		expect(captured.form).toEqual({
			To: 'whatsapp:+15551234567',
			From: 'whatsapp:+14155238886',
			MessagingServiceSid: 'MG0123456789abcdef0123456789abcdef',
			Body: 'Hi',
		});
	});

	it('sends through the Messaging Service alone when no number is set', async () => {
		const { captured, matcher } = captureForm();
		nock('https://api.twilio.com')
			.post(`/2010-04-01/Accounts/${ACCOUNT}/Messages.json`, matcher)
			.reply(201, messageBody());
		await new TwilioProvider({
			...credentials,
			whatsAppNumber: '',
			messagingServiceSid: 'MG0123456789abcdef0123456789abcdef',
		}).sendMessage(text('Hi'));
		expect(captured.form).toEqual({
			To: 'whatsapp:+15551234567',
			MessagingServiceSid: 'MG0123456789abcdef0123456789abcdef',
			Body: 'Hi',
		});
	});

	it('honours region and edge', async () => {
		const scope = nock('https://api.dublin.ie1.twilio.com')
			.post(`/2010-04-01/Accounts/${ACCOUNT}/Messages.json`)
			.reply(201, messageBody());
		await new TwilioProvider({ ...credentials, region: 'ie1', edge: 'dublin' }).sendMessage(text('Hi'));
		expect(scope.isDone()).toBe(true);
	});

	it('sends to the base URL override as <base>/<product>/<path>', async () => {
		const scope = nock('http://127.0.0.1:9999')
			.post(`/twilio/api/2010-04-01/Accounts/${ACCOUNT}/Messages.json`)
			.reply(201, messageBody());
		await new TwilioProvider({ ...credentials, baseUrl: 'http://127.0.0.1:9999/twilio/' }).sendMessage(text('Hi'));
		expect(scope.isDone()).toBe(true);
	});

	it.each([
		['https://api.twilio.com/2010-04-01/Accounts/AC1.json', 'http://h/t/api/2010-04-01/Accounts/AC1.json'],
		['https://content.twilio.com/v1/Content?PageSize=50', 'http://h/t/content/v1/Content?PageSize=50'],
		['https://messaging.dublin.ie1.twilio.com/v2/Channels/Senders', 'http://h/t/messaging/v2/Channels/Senders'],
	])('rewrites %s', (from, to) => {
		expect(rewriteTwilioUrl(from, 'http://h/t/')).toBe(to);
	});

	it('refuses a credential with no sender before any request', () => {
		expect(() => new TwilioProvider({ ...credentials, whatsAppNumber: '' })).toThrow(CredentialError);
		expect(() => new TwilioProvider({ ...credentials, whatsAppNumber: 'sandbox' })).toThrow(
			/WhatsApp number "sandbox" in the Twilio credential is not valid/,
		);
		expect(() => new TwilioProvider({ ...credentials, messagingServiceSid: 'MG123' })).toThrow(
			/Messaging Service SID "MG123" is not valid/,
		);
		expect(() => new TwilioProvider({ ...credentials, accountSid: 'ACshort' })).toThrow(/Account SID .* not valid/);
		expect(() => new TwilioProvider({ ...credentials, authToken: ' ' })).toThrow(/has no Auth Token/);
		expect(() => new TwilioProvider({ ...credentials, authType: 'apiKey', apiKeySid: 'SK1' })).toThrow(
			/API key but its SID or secret is empty/,
		);
	});
});

describe('Twilio error mapping', () => {
	// What one refusal becomes; the retries that may come before it have their own tests.
	const send = () => withDeliverySettings({ ...DEFAULT_DELIVERY_SETTINGS, maxAttempts: 1 }, () => new TwilioProvider(credentials).sendMessage(text('Hello')));
	const reply = (status: number, body: object, headers?: Record<string, string>) =>
		nock('https://api.twilio.com').post(`/2010-04-01/Accounts/${ACCOUNT}/Messages.json`).reply(status, body, headers);

	it('maps a 401 to the credential hint', async () => {
		reply(401, { code: 20003, message: 'Authenticate', more_info: 'https://www.twilio.com/docs/errors/20003', status: 401 });
		const error = (await caught(send())) as ProviderError;
		expect(error).toBeInstanceOf(ProviderError);
		expect(error).toMatchObject({ provider: 'twilio', code: 20003, httpStatus: 401 });
		expect(error.hint).toMatch(/Account SID and Auth Token/);
	});

	it('maps 63016 to the 24-hour window', async () => {
		reply(400, { code: 63016, message: 'Failed to send freeform message because you are outside the allowed window.', status: 400 });
		const error = (await caught(send())) as ProviderError;
		expect(error.code).toBe(63016);
		expect(error.message).toMatch(/24-hour window/);
		expect(error.hint).toMatch(/template/);
	});

	it('maps a 429 and keeps Retry-After', async () => {
		reply(429, { code: 20429, message: 'Too Many Requests', status: 429 }, { 'Retry-After': '3' });
		const error = (await caught(send())) as ProviderError;
		expect(error).toMatchObject({ code: 20429, httpStatus: 429, retryAfterSeconds: 3, rateLimited: true });
	});

	it('reads Retry-After given as an HTTP date', async () => {
		const now = Date.parse('2026-05-04T10:00:00Z');
		jest.spyOn(Date, 'now').mockReturnValue(now);
		reply(429, { code: 20429, message: 'Too Many Requests', status: 429 }, { 'Retry-After': new Date(now + 45_000).toUTCString() });
		const error = (await caught(send())) as ProviderError;
		jest.restoreAllMocks();
		expect(error).toMatchObject({ code: 20429, retryAfterSeconds: 45, rateLimited: true });
	});

	it('marks 63018 as a rate limit', async () => {
		reply(429, { code: 63018, message: 'Rate limit exceeded', status: 429 });
		expect(await caught(send())).toMatchObject({ code: 63018, rateLimited: true });
	});

	it('maps a 500', async () => {
		reply(500, { code: 20500, message: 'Internal Server Error', status: 500 });
		const error = (await caught(send())) as ProviderError;
		expect(error).toMatchObject({ code: 20500, httpStatus: 500 });
		expect(error.message).toBe('Twilio had an internal error');
	});

	it('never carries the auth token in the error', async () => {
		reply(401, { code: 20003, message: 'Authenticate', status: 401 });
		const error = (await caught(send())) as ProviderError;
		expect(JSON.stringify({ ...error, message: error.message, stack: error.stack })).not.toContain(
			credentials.authToken,
		);
	});
});
