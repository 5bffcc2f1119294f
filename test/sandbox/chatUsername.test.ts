/**
 * The chat user with a username and no visible phone number (Meta): what the trigger receives,
 * replies sent to the user's BSUID, and a change of the BSUID.
 */
import { parseMetaWebhook } from '../../nodes/WhatsAppOmni/providers/meta/webhook';
import { parseTwilioWebhook } from '../../nodes/WhatsAppOmni/providers/twilio/webhook';
import { DEFAULT_CHAT_USER, Sandbox, startSandbox } from '../../sandbox';
import { metaPost } from './helpers';
import { chatPost, chatSend, chatState, EventStream, formOf, jsonOf, metaSignatureValid, pathOf, registerMeta, registerTwilio, waitFor } from './chatHelpers';
import { WebhookServer, type Received } from './webhookServer';

const BSUID = 'US.13491208655302741918';

describe('sandbox chat: a user with a username and no visible number', () => {
	let sandbox: Sandbox;
	let n8n: WebhookServer;
	const streams: EventStream[] = [];

	beforeEach(async () => {
		[sandbox, n8n] = await Promise.all([startSandbox({ webhookTimeoutMs: 2000, statusDelayMs: 10 }), new WebhookServer().start()]);
		await registerMeta(sandbox, n8n);
	});
	afterEach(async () => {
		for (const stream of streams.splice(0)) stream.close();
		await Promise.all([sandbox.stop(), n8n.stop()]);
	});

	const hideNumber = async () => {
		const answer = await chatPost(sandbox, 'user', { phoneHidden: true });
		expect(answer.status).toBe(200);
		return answer.body.user;
	};
	/** The user's inbound messages that reached the Meta URL, as Meta's JSON. */
	const inbound = () =>
		n8n
			.posts()
			.filter((r: Received) => pathOf(r) === '/meta' && jsonOf(r).entry[0].changes[0].value.messages !== undefined)
			.map(jsonOf);
	const statusesOf = (wamid: string) =>
		n8n
			.posts()
			.map((r: Received) => jsonOf(r).entry[0].changes[0].value.statuses?.[0])
			.filter((s: any) => s?.id === wamid);

	it('starts with a visible number and a BSUID, which every Meta webhook carries', async () => {
		expect(sandbox.chat.user).toEqual(DEFAULT_CHAT_USER);
		expect(DEFAULT_CHAT_USER).toMatchObject({ userId: BSUID, phoneHidden: false });
		await chatSend(sandbox, { provider: 'meta', type: 'text', text: 'with my number' });
		const [event] = parseMetaWebhook(inbound()[0]);
		expect(event.contact).toEqual({ id: '+16505551234', waId: '16505551234', phoneNumber: '+16505551234', name: 'Sheena Nelson', userId: BSUID });
	});

	it('with the number hidden, Meta webhooks carry no from and no wa_id, only the BSUID and the username: contact.id is the BSUID', async () => {
		expect(await hideNumber()).toMatchObject({ phone: '+16505551234', userId: BSUID, username: 'sheena.nelson', phoneHidden: true });
		const answer = await chatSend(sandbox, { provider: 'meta', type: 'text', text: 'Hi, it is me' });
		expect(answer.body.delivery).toMatchObject({ delivered: true, status: 200 });

		const [body] = inbound();
		const value = body.entry[0].changes[0].value;
		expect(value.contacts).toEqual([{ profile: { name: 'Sheena Nelson', username: 'sheena.nelson' }, user_id: BSUID }]);
		expect(value.messages[0]).not.toHaveProperty('from');
		expect(value.messages[0]).toMatchObject({ from_user_id: BSUID, id: answer.body.message.id, type: 'text', text: { body: 'Hi, it is me' } });
		expect(JSON.stringify(body)).not.toContain('16505551234');
		expect(n8n.posts().every((r: Received) => metaSignatureValid(r, sandbox.meta.appSecret))).toBe(true);

		const [event] = parseMetaWebhook(body);
		expect(event.contact).toEqual({ id: BSUID, name: 'Sheena Nelson', username: 'sheena.nelson', userId: BSUID });

		// Replies, reactions and taps of the user leave the number out too.
		const quoted = await chatSend(sandbox, { provider: 'meta', type: 'text', text: 'and again', replyTo: answer.body.message.id });
		const reaction = await chatSend(sandbox, { provider: 'meta', type: 'reaction', messageId: answer.body.message.id, emoji: '👍' });
		expect([quoted, reaction].map((a) => a.status)).toEqual([200, 200]);
		const [, second, third] = inbound().map((b: any) => b.entry[0].changes[0].value.messages[0]);
		expect(second.context).toEqual({ id: answer.body.message.id });
		for (const message of [second, third]) {
			expect(message).not.toHaveProperty('from');
			expect(message.from_user_id).toBe(BSUID);
		}
	});

	it('a reply sent to the BSUID (recipient) shows in the user’s conversation, and its statuses name the BSUID', async () => {
		await hideNumber();
		const stream = await new EventStream(sandbox, 'page', 'meta').open();
		streams.push(stream);
		await chatSend(sandbox, { provider: 'meta', type: 'text', text: 'Hello?' });

		const sent = await metaPost(sandbox, `/v24.0/${sandbox.meta.phoneNumberId}/messages`, { messaging_product: 'whatsapp', recipient: BSUID, type: 'text', text: { body: 'Hi Sheena' } });
		expect(sent.status).toBe(200);
		const wamid = sent.body.messages[0].id as string;
		expect(sandbox.chat.get(wamid)).toMatchObject({ provider: 'meta', direction: 'out', type: 'text', text: 'Hi Sheena', to: BSUID });
		expect((await chatState(sandbox)).messages.map((m: any) => [m.direction, m.text])).toEqual([
			['in', 'Hello?'],
			['out', 'Hi Sheena'],
		]);

		await waitFor(() => statusesOf(wamid).length === 3, 3000, 'sent, delivered and read');
		for (const status of statusesOf(wamid)) {
			expect(status).not.toHaveProperty('recipient_id');
			expect(status.recipient_user_id).toBe(BSUID);
		}
		const sentPost = n8n.posts().find((r: Received) => jsonOf(r).entry[0].changes[0].value.statuses?.[0]?.id === wamid)!;
		const [event] = parseMetaWebhook(jsonOf(sentPost));
		expect(event).toMatchObject({ event: 'status', contact: { id: BSUID, userId: BSUID }, status: { status: 'sent', recipient: BSUID } });
		await waitFor(() => sandbox.chat.get(wamid)?.status === 'read', 1000, 'the read tick');
	});

	it('a reply sent to the number still reaches the user, and its statuses carry the BSUID too', async () => {
		const sent = await metaPost(sandbox, `/v24.0/${sandbox.meta.phoneNumberId}/messages`, { messaging_product: 'whatsapp', to: '16505551234', type: 'text', text: { body: 'By number' } });
		const wamid = sent.body.messages[0].id as string;
		expect(sandbox.chat.get(wamid)).toMatchObject({ direction: 'out', to: '+16505551234' });
		await waitFor(() => statusesOf(wamid).length >= 1, 3000, 'the sent status');
		expect(statusesOf(wamid)[0]).toMatchObject({ recipient_id: '16505551234', recipient_user_id: BSUID });
	});

	it('the Twilio conversation keeps the number', async () => {
		await registerTwilio(sandbox, n8n);
		await hideNumber();
		await chatSend(sandbox, { provider: 'twilio', type: 'text', text: 'via Twilio' });
		const post = n8n.posts().find((r: Received) => pathOf(r) === '/twilio')!;
		expect(formOf(post)).toMatchObject({ From: 'whatsapp:+16505551234', WaId: '16505551234' });
		expect(parseTwilioWebhook(formOf(post))[0].contact.id).toBe('+16505551234');
	});

	it('changeUserId delivers user_changed_user_id (from the old BSUID, naming the new), which the trigger reads as an identity event; later messages carry the new BSUID', async () => {
		await hideNumber();
		const stream = await new EventStream(sandbox, 'page', 'meta').open();
		streams.push(stream);
		const answer = await chatPost(sandbox, 'identity', { userId: 'US.24810175936240186523' });
		expect(answer.status).toBe(200);
		expect(answer.body).toMatchObject({ previousUserId: BSUID, userId: 'US.24810175936240186523', delivery: { delivered: true, status: 200 } });
		expect((await stream.next('user', (u) => u.userId === 'US.24810175936240186523')).data).toMatchObject({ phoneHidden: true });

		const [body] = inbound();
		const message = body.entry[0].changes[0].value.messages[0];
		expect(body.entry[0].changes[0].value).not.toHaveProperty('contacts');
		expect(message).toMatchObject({ from_user_id: BSUID, type: 'system', system: { type: 'user_changed_user_id', user_id: 'US.24810175936240186523' } });
		expect(message).not.toHaveProperty('from');
		expect(parseMetaWebhook(body)).toMatchObject([
			{
				event: 'identity',
				contact: { id: 'US.24810175936240186523', userId: 'US.24810175936240186523' },
				identity: { change: 'userId', previous: { userId: BSUID }, current: { userId: 'US.24810175936240186523' } },
			},
		]);

		await chatSend(sandbox, { provider: 'meta', type: 'text', text: 'new me' });
		expect(inbound()[1].entry[0].changes[0].value.messages[0].from_user_id).toBe('US.24810175936240186523');
		expect(sandbox.chat.user.userId).toBe('US.24810175936240186523');
	});

	it('with the number shown, the identity change names it; without a userId a new BSUID is made up', async () => {
		const changed = await sandbox.chat.changeUserId();
		expect(changed.userId).toMatch(/^US\.\d{20}$/);
		expect(changed.userId).not.toBe(BSUID);
		const message = inbound()[0].entry[0].changes[0].value.messages[0];
		expect(message).toMatchObject({ from: '16505551234', from_user_id: BSUID, system: { type: 'user_changed_user_id', user_id: changed.userId, wa_id: '16505551234' } });
		const [event] = parseMetaWebhook(inbound()[0]);
		expect(event.contact).toEqual({ id: '+16505551234', waId: '16505551234', phoneNumber: '+16505551234', userId: changed.userId });
	});

	it('refuses what it cannot do, with the reason', async () => {
		expect((await chatPost(sandbox, 'user', { phoneHidden: 'yes' })).body).toEqual({ error: "'phoneHidden' must be true or false" });
		const bad = await chatPost(sandbox, 'identity', { userId: '16505551234' });
		expect(bad.status).toBe(400);
		expect(bad.body.error).toMatch(/business-scoped user ID/);
		expect((await chatPost(sandbox, 'identity', { userId: BSUID })).body.error).toMatch(/already/);
		expect(() => new Sandbox({ chatUser: { userId: 'nope' } })).toThrow(RangeError);
		expect(inbound()).toEqual([]);
	});
});
