import { readFileSync } from 'node:fs';
import path from 'node:path';

import { MetaProvider } from '../../nodes/WhatsAppOmni/providers/meta/MetaProvider';
import { callWebhook, signedMetaCall, signedTwilioCall, triggerBinding, WEBHOOK_URL, type TriggerSetup, type WebhookCall } from './context';
import { useFreshStore } from '../storeHelpers';

const fixture = (provider: string, name: string) =>
	JSON.parse(readFileSync(path.join(__dirname, '..', 'fixtures', 'webhooks', provider, `${name}.json`), 'utf8'));

const APP_SECRET = 'trigger-test-app-secret';
const AUTH_TOKEN = '0123456789abcdef0123456789abcdef';

const metaCredentials = {
	accessToken: 'EAAG-trigger',
	phoneNumberId: '106540352242922',
	businessAccountId: '102290129340398',
	appId: '1234567890',
	appSecret: APP_SECRET,
	// Nothing listens here: media downloads fail fast.
	baseUrl: 'http://127.0.0.1:1',
};
const twilioCredentials = {
	accountSid: 'AC0123456789abcdef0123456789abcdef',
	authToken: AUTH_TOKEN,
	whatsAppNumber: '+14155238886',
};

const setup = (provider: 'meta' | 'twilio', parameters: object = {}): TriggerSetup => ({
	parameters: { provider, ...parameters },
	credentials: { whatsAppOmniMetaApi: metaCredentials, whatsAppOmniTwilioApi: twilioCredentials },
	webhookUrl: WEBHOOK_URL,
});

/** A POST as Meta sends it: JSON with non-ASCII escaped, signed over those exact bytes. */
function metaPost(payload: unknown, signature: 'valid' | 'wrong' | 'missing' = 'valid'): WebhookCall {
	const text = JSON.stringify(payload).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
	return signedMetaCall(text, { valid: APP_SECRET, wrong: 'not-the-secret', missing: undefined }[signature]);
}

const twilioPost = (params: Record<string, string>, signedUrl = WEBHOOK_URL) => signedTwilioCall(params, AUTH_TOKEN, signedUrl);

const handshake = (query: Record<string, string>): WebhookCall => ({ webhookName: 'setup', url: '/webhook/0f1e2d3c/webhook', headers: {}, query, body: {}, rawBody: Buffer.from('') });

beforeEach(async () => {
	await useFreshStore();
});

describe('Meta handshake', () => {
	const token = new MetaProvider(metaCredentials).createVerifyToken(triggerBinding());

	it('answers the challenge as text for our verify token', async () => {
		const { response, executed } = await callWebhook(setup('meta'), handshake({ 'hub.mode': 'subscribe', 'hub.verify_token': token, 'hub.challenge': '1158201444' }));
		expect(response).toEqual({ status: 200, contentType: 'text/plain', body: '1158201444' });
		expect(executed).toBe(false);
	});

	it.each([
		['a wrong token', { 'hub.mode': 'subscribe', 'hub.verify_token': 'guess', 'hub.challenge': '1' }],
		['a token made with another secret', { 'hub.mode': 'subscribe', 'hub.verify_token': new MetaProvider({ ...metaCredentials, appSecret: 'x' }).createVerifyToken(triggerBinding()), 'hub.challenge': '1' }],
		['another mode', { 'hub.mode': 'unsubscribe', 'hub.verify_token': token, 'hub.challenge': '1' }],
		['no challenge', { 'hub.mode': 'subscribe', 'hub.verify_token': token }],
	])('refuses %s with 403', async (_name, query) => {
		const { response, executed } = await callWebhook(setup('meta'), handshake(query));
		expect(response.status).toBe(403);
		expect(executed).toBe(false);
	});

	it('uses the node’s own Verify Token with Manual registration', async () => {
		const manual = setup('meta', { metaRegistration: 'manual', verifyToken: 'my-own-token' });
		expect((await callWebhook(manual, handshake({ 'hub.mode': 'subscribe', 'hub.verify_token': 'my-own-token', 'hub.challenge': '42' }))).response.body).toBe('42');
		expect((await callWebhook(manual, handshake({ 'hub.mode': 'subscribe', 'hub.verify_token': token, 'hub.challenge': '42' }))).response.status).toBe(403);
	});

	it('is not offered on Twilio', async () => {
		expect((await callWebhook(setup('twilio'), handshake({ 'hub.mode': 'subscribe' }))).response.status).toBe(405);
	});
});

describe('Meta events', () => {
	it('emits the unified event for a signed message and answers 200', async () => {
		const { response, items, result } = await callWebhook(setup('meta'), metaPost(fixture('meta', 'text')));
		expect(response.status).toBe(200);
		expect(result.noWebhookResponse).toBe(true);
		expect(items).toHaveLength(1);
		expect(items[0].json).toMatchObject({ event: 'message', provider: 'meta', message: { type: 'text' }, business: { phoneNumberId: expect.any(String) } });
	});

	it.each(['wrong', 'missing'] as const)('refuses a %s signature with 401 and no execution', async (signature) => {
		const { response, executed } = await callWebhook(setup('meta'), metaPost(fixture('meta', 'text'), signature));
		expect(response).toMatchObject({ status: 401 });
		expect(executed).toBe(false);
	});

	it('accepts unsigned requests only when verification is turned off', async () => {
		const { executed } = await callWebhook(setup('meta', { verifySignature: false }), metaPost(fixture('meta', 'text'), 'missing'));
		expect(executed).toBe(true);
	});

	it('answers 400 to a body that is not a WhatsApp webhook', async () => {
		const { response, executed } = await callWebhook(setup('meta'), metaPost({ object: 'page', entry: [] }));
		expect(response.status).toBe(400);
		expect(executed).toBe(false);
	});

	it('emits one item per message and status of a batch (App registration: several WABAs and numbers in one delivery)', async () => {
		const batch = fixture('meta', 'batch');
		const { items } = await callWebhook(setup('meta', { events: ['messages', 'statuses'], metaRegistration: 'app' }), metaPost(batch));
		const expected = batch.entry.flatMap((e: { changes: Array<{ value: { messages?: unknown[]; statuses?: unknown[] } }> }) =>
			e.changes.flatMap((c) => [...(c.value.messages ?? []), ...(c.value.statuses ?? [])]),
		).length;
		expect(expected).toBeGreaterThan(2);
		expect(items).toHaveLength(expected);
	});

	it('drops filtered-out events: 200, no execution', async () => {
		const statusOnly = await callWebhook(setup('meta', { events: ['messages'] }), metaPost(fixture('meta', 'status-read')));
		expect(statusOnly.response.status).toBe(200);
		expect(statusOnly.executed).toBe(false);

		const failedOnly = setup('meta', { events: ['statuses'], statusValues: ['failed'] });
		expect((await callWebhook(failedOnly, metaPost(fixture('meta', 'status-read')))).executed).toBe(false);
		expect((await callWebhook(failedOnly, metaPost(fixture('meta', 'status-failed')))).items[0].json).toMatchObject({ event: 'status', status: { status: 'failed' } });

		const imagesOnly = setup('meta', { messageTypes: ['image'] });
		expect((await callWebhook(imagesOnly, metaPost(fixture('meta', 'text')))).executed).toBe(false);
		expect((await callWebhook(imagesOnly, metaPost(fixture('meta', 'image')))).executed).toBe(true);
	});

	it('drops a redelivered message, unless asked not to', async () => {
		const first = await callWebhook(setup('meta'), metaPost(fixture('meta', 'text')));
		const again = await callWebhook(setup('meta'), metaPost(fixture('meta', 'text')));
		expect(first.executed).toBe(true);
		expect(again.executed).toBe(false);
		expect(again.response.status).toBe(200);
		const keep = await callWebhook(setup('meta', { options: { ignoreDuplicates: false } }), metaPost(fixture('meta', 'text')));
		expect(keep.executed).toBe(true);
	});

	it('keeps the message when its media cannot be downloaded, and says why', async () => {
		const { items } = await callWebhook(setup('meta', { options: { downloadMedia: true } }), metaPost(fixture('meta', 'image')));
		expect(items).toHaveLength(1);
		expect(items[0].json).toMatchObject({ message: { type: 'image' }, mediaDownloadError: expect.stringMatching(/refused|reach/) });
		expect(items[0].binary).toBeUndefined();
	});

	it('passes an unknown webhook field on as an unsupported event', async () => {
		const { items } = await callWebhook(setup('meta'), metaPost(fixture('meta', 'unknown-field')));
		expect(items[0].json).toMatchObject({ event: 'unsupported' });
	});
});

describe('Twilio events', () => {
	it('emits the unified event and answers empty TwiML', async () => {
		const { response, items } = await callWebhook(setup('twilio'), twilioPost(fixture('twilio', 'text')));
		expect(response).toEqual({ status: 200, contentType: 'text/xml', body: '<?xml version="1.0" encoding="UTF-8"?><Response></Response>' });
		expect(items[0].json).toMatchObject({ event: 'message', provider: 'twilio', contact: { phoneNumber: '+5511987654321', name: 'Lucas Silva' }, message: { type: 'text' } });
	});

	it('refuses a request signed for another URL, or with a changed parameter', async () => {
		expect((await callWebhook(setup('twilio'), twilioPost(fixture('twilio', 'text'), 'https://evil.example.com/webhook'))).response.status).toBe(401);
		const call = twilioPost(fixture('twilio', 'text'));
		(call.body as Record<string, string>).Body = 'forged';
		const forged = await callWebhook(setup('twilio'), call);
		expect(forged.response.status).toBe(401);
		expect(forged.executed).toBe(false);
	});

	it('filters status callbacks by value', async () => {
		const failedOnly = setup('twilio', { events: ['statuses'], statusValues: ['failed', 'undelivered'] });
		expect((await callWebhook(failedOnly, twilioPost(fixture('twilio', 'status-delivered')))).executed).toBe(false);
		const { items } = await callWebhook(failedOnly, twilioPost(fixture('twilio', 'status-failed')));
		expect(items[0].json).toMatchObject({ event: 'status', status: { status: 'failed', errors: [expect.objectContaining({ code: expect.any(Number) })] } });
	});

	it('answers 400 to a form that is not a Twilio webhook', async () => {
		const { response, executed } = await callWebhook(setup('twilio'), twilioPost({ hello: 'world' }));
		expect(response.status).toBe(400);
		expect(executed).toBe(false);
	});
});
