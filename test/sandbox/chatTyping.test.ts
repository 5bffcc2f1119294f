/**
 * The chat page shows "typing…" while the business types: after a typing indicator (Twilio's,
 * which also marks read; Meta's `typing_indicator` with a read receipt) until the business sends
 * a message, for at most 25 s (as WhatsApp).
 */
import { startSandbox, TYPING_INDICATOR_MS, type Sandbox } from '../../sandbox';
import { chatState, EventStream, registerMeta, registerTwilio, waitFor } from './chatHelpers';
import { messagesPath, metaPost, twilioPostForm } from './helpers';
import { WebhookServer } from './webhookServer';

describe('sandbox chat: the business’s typing indicator', () => {
	let sandbox: Sandbox;
	let n8n: WebhookServer;
	let stream: EventStream | undefined;

	beforeAll(async () => {
		[sandbox, n8n] = await Promise.all([startSandbox({ webhookTimeoutMs: 2000, statusDelayMs: 10 }), new WebhookServer().start()]);
		await registerMeta(sandbox, n8n);
		await registerTwilio(sandbox, n8n);
	});
	afterAll(async () => {
		await Promise.all([sandbox.stop(), n8n.stop()]);
	});
	afterEach(() => {
		stream?.close();
		sandbox.chat.clear();
	});

	it('Twilio: the typing indicator shows "typing…" (state, snapshot and event) until the business’s message', async () => {
		stream = await new EventStream(sandbox, 'typing-page', 'twilio').open();
		const { message } = await sandbox.chat.send({ provider: 'twilio', type: 'text', text: 'Anyone there?' });
		expect(sandbox.chat.typing('twilio')).toBe(false);

		const typing = await twilioPostForm(sandbox, '/messaging/v2/Indicators/Typing.json', { channel: 'whatsapp', messageId: message.id });
		expect(typing.status).toBe(200);
		expect(sandbox.chat.typing('twilio')).toBe(true);
		expect(sandbox.chat.typing('meta')).toBe(false);
		expect((await chatState(sandbox)).typing).toEqual({ meta: false, twilio: true });
		await stream.next('typing', (data) => data.twilio === true);

		const sent = await twilioPostForm(sandbox, messagesPath(sandbox), { From: sandbox.twilio.whatsAppNumber, To: 'whatsapp:+16505551234', Body: 'Yes!' });
		expect(sent.status).toBe(201);
		expect(sandbox.chat.typing('twilio')).toBe(false);
		await stream.next('typing', (data) => data.twilio === false);
	});

	it('Meta: only a read receipt with typing_indicator shows it; clearing the chat ends it', async () => {
		const { message } = await sandbox.chat.send({ provider: 'meta', type: 'text', text: 'Hello?' });
		const read = (extra: object) => metaPost(sandbox, `/v24.0/${sandbox.meta.phoneNumberId}/messages`, { messaging_product: 'whatsapp', status: 'read', message_id: message.id, ...extra });
		expect((await read({})).status).toBe(200);
		await waitFor(() => sandbox.chat.get(message.id)?.status === 'read');
		expect(sandbox.chat.typing('meta')).toBe(false);
		expect((await read({ typing_indicator: { type: 'text' } })).status).toBe(200);
		expect(sandbox.chat.typing('meta')).toBe(true);
		sandbox.chat.clear('meta');
		expect(sandbox.chat.typing('meta')).toBe(false);
	});

	it('ends by itself after 25 s, as on WhatsApp', async () => {
		const { message } = await sandbox.chat.send({ provider: 'twilio', type: 'text', text: 'Slow?' });
		await twilioPostForm(sandbox, '/messaging/v2/Indicators/Typing.json', { channel: 'whatsapp', messageId: message.id });
		expect(sandbox.chat.typing('twilio')).toBe(true);
		const now = Date.now();
		const clock = jest.spyOn(Date, 'now').mockReturnValue(now + TYPING_INDICATOR_MS + 1);
		try {
			expect(sandbox.chat.typing('twilio')).toBe(false);
		} finally {
			clock.mockRestore();
		}
	});
});
