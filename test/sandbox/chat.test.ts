import twilio from 'twilio';

import { CHAT_PLACES, startSandbox, type Sandbox } from '../../sandbox';
import { call, messagesPath, metaGet, metaPost, metaUpload, PNG_1X1, twilioPostForm } from './helpers';
import {
	chatPost,
	chatSend,
	chatState,
	EventStream,
	formOf,
	jsonOf,
	metaSignatureValid,
	pathOf,
	registerMeta,
	registerTwilio,
	waitFor,
} from './chatHelpers';
import { WebhookServer, type Received } from './webhookServer';

const USER_WA_ID = '16505551234';
const USER = 'whatsapp:+16505551234';

describe('sandbox chat: the WhatsApp user talking to both numbers', () => {
	let sandbox: Sandbox;
	let n8n: WebhookServer;
	const streams: EventStream[] = [];

	beforeAll(async () => {
		[sandbox, n8n] = await Promise.all([startSandbox({ webhookTimeoutMs: 2000, statusDelayMs: 10 }), new WebhookServer().start()]);
	});
	afterAll(async () => {
		await Promise.all([sandbox.stop(), n8n.stop()]);
	});
	beforeEach(() => {
		sandbox.chat.clear();
		sandbox.setStatusDelay(10);
		sandbox.resetWebhooks();
		sandbox.clearDeliveries();
		sandbox.clearRequests();
		sandbox.clearOutbound();
		n8n.reset();
	});
	afterEach(() => {
		for (const stream of streams.splice(0)) stream.close();
	});

	const openStream = (view: 'meta' | 'twilio' | 'none', client = `page-${Math.random().toString(36).slice(2)}`) => {
		const stream = new EventStream(sandbox, client, view);
		streams.push(stream);
		return stream.open();
	};
	const twilioSignatureValid = (received: Received, path: string) =>
		twilio.validateRequest(sandbox.twilio.authToken, received.headers['x-twilio-signature'] as string, n8n.url(path), formOf(received));
	const postsTo = (path: string) => n8n.posts().filter((r) => pathOf(r) === path);
	const metaMessage = (received: Received) => jsonOf(received).entry[0].changes[0].value.messages[0];
	/** The user's messages that reached the Meta URL (status webhooks of business messages go there too). */
	const metaInbound = () => postsTo('/meta').filter((r) => jsonOf(r).entry[0].changes[0].value.messages !== undefined);

	const sendMetaInteractive = async (interactive: Record<string, unknown>) => {
		const answer = await metaPost(sandbox, `/v24.0/${sandbox.meta.phoneNumberId}/messages`, {
			messaging_product: 'whatsapp',
			to: USER_WA_ID,
			type: 'interactive',
			interactive,
		});
		expect(answer.status).toBe(200);
		return answer.body.messages[0].id as string;
	};
	const sendTwilio = async (fields: Record<string, string>) => {
		const answer = await twilioPostForm(sandbox, messagesPath(sandbox), { From: sandbox.twilio.whatsAppNumber, To: USER, ...fields });
		expect(answer.status).toBe(201);
		return answer.body.sid as string;
	};
	const contentSid = (name: string) => sandbox.twilioContents.find((c) => c.friendly_name === name)!.sid;

	describe('nobody listening', () => {
		it('answers with the message to show, for each provider, and keeps the message as not delivered', async () => {
			for (const [provider, name] of [
				['meta', 'Meta'],
				['twilio', 'Twilio'],
			] as const) {
				const answer = await chatSend(sandbox, { provider, type: 'text', text: 'Anyone there?' });
				expect(answer.status).toBe(200);
				expect(answer.body.delivery).toMatchObject({
					delivered: false,
					listening: false,
					error: `No workflow is listening for ${name} messages: activate a workflow with a WhatsApp Omni Trigger`,
				});
				expect(answer.body.message).toMatchObject({ provider, direction: 'in', type: 'text', text: 'Anyone there?', status: 'failed' });
			}
			const state = await chatState(sandbox);
			expect(state.listening).toEqual({ meta: false, twilio: false });
			expect(state.messages.map((m: { provider: string }) => m.provider)).toEqual(['meta', 'twilio']);
			expect(n8n.received).toEqual([]);
			expect(sandbox.deliveries).toEqual([]);
		});

		it('reports listening once a trigger registered', async () => {
			await registerMeta(sandbox, n8n);
			await registerTwilio(sandbox, n8n);
			expect((await chatState(sandbox)).listening).toEqual({ meta: true, twilio: true });
		});
	});

	describe('what the user sends', () => {
		it('delivers a text to the Meta trigger URL, signed with the app secret', async () => {
			await registerMeta(sandbox, n8n);
			const answer = await chatSend(sandbox, { provider: 'meta', type: 'text', text: 'Hi *there* 👋' });
			expect(answer.body.delivery).toEqual({ delivered: true, listening: true, status: 200, url: n8n.url('/meta') });
			expect(answer.body.message).toMatchObject({ direction: 'in', type: 'text', status: 'delivered', text: 'Hi *there* 👋' });

			const [post] = metaInbound();
			expect(pathOf(post)).toBe('/meta');
			expect(metaSignatureValid(post, sandbox.meta.appSecret)).toBe(true);
			expect(metaSignatureValid(post, 'another-secret')).toBe(false);
			const value = jsonOf(post).entry[0].changes[0].value;
			// Every user has a BSUID; the number is shown (the username only while it is hidden).
			expect(value.contacts).toEqual([{ profile: { name: 'Sheena Nelson' }, wa_id: USER_WA_ID, user_id: 'US.13491208655302741918' }]);
			expect(value.messages[0]).toMatchObject({ from: USER_WA_ID, from_user_id: 'US.13491208655302741918', id: answer.body.message.id, type: 'text', text: { body: 'Hi *there* 👋' } });
			// The chat is the sandbox's own page, not a call to an emulated API.
			expect(sandbox.requests.filter((r) => r.path.includes('chat'))).toEqual([]);
		});

		it('delivers a text to the Twilio sender URL, signed so that twilio.validateRequest accepts it', async () => {
			await registerTwilio(sandbox, n8n);
			const answer = await chatSend(sandbox, { provider: 'twilio', type: 'text', text: 'Olá & hello' });
			expect(answer.body.delivery).toMatchObject({ delivered: true, status: 200 });
			const [post] = postsTo('/twilio');
			expect(twilioSignatureValid(post, '/twilio')).toBe(true);
			expect(formOf(post)).toMatchObject({
				MessageSid: answer.body.message.id,
				Body: 'Olá & hello',
				From: USER,
				To: sandbox.twilio.whatsAppNumber,
				ProfileName: 'Sheena Nelson',
				MessageType: 'text',
			});
		});

		it('shows the HTTP status when the trigger refuses the webhook', async () => {
			await registerMeta(sandbox, n8n);
			n8n.postStatus = 401;
			const answer = await chatSend(sandbox, { provider: 'meta', type: 'text', text: 'hello' });
			expect(answer.body.delivery).toMatchObject({ delivered: false, listening: true, status: 401, error: 'not delivered: HTTP 401' });
			expect(answer.body.message.status).toBe('failed');
			expect(sandbox.chat.get(answer.body.message.id)?.delivery?.status).toBe(401);
		});

		it('sends the sample photo as media the trigger can download, on both providers', async () => {
			await registerMeta(sandbox, n8n);
			await registerTwilio(sandbox, n8n);
			const meta = await chatSend(sandbox, { provider: 'meta', type: 'image', caption: 'Sunset' });
			const image = metaMessage(metaInbound()[0]).image;
			expect(image).toMatchObject({ mime_type: 'image/png', caption: 'Sunset', id: expect.stringMatching(/^\d+$/) });
			expect(meta.body.message.media).toEqual({ kind: 'image', mimeType: 'image/png', fileName: 'sunset.png', url: `/chat/api/media/meta/${image.id}` });
			const described = await metaGet(sandbox, `/v24.0/${image.id}`);
			expect(described.body).toMatchObject({ mime_type: 'image/png', id: image.id });
			const served = await fetch(`${sandbox.url}${meta.body.message.media.url}`);
			expect(served.headers.get('content-type')).toBe('image/png');
			const sample = Buffer.from(await (await fetch(`${sandbox.url}/chat/assets/sample.png`)).arrayBuffer());
			expect(Buffer.from(await served.arrayBuffer()).equals(sample)).toBe(true);
			expect(sample.length).toBe(Number(described.body.file_size));

			const twilioAnswer = await chatSend(sandbox, { provider: 'twilio', type: 'image' });
			const form = formOf(postsTo('/twilio')[0]);
			expect(form).toMatchObject({ NumMedia: '1', MediaContentType0: 'image/png', MessageType: 'image', MessageSid: twilioAnswer.body.message.id });
			expect(form.MediaUrl0).toMatch(new RegExp(`^${sandbox.twilioBaseUrl}/api/2010-04-01/Accounts/.+/Media/ME[0-9a-f]{32}$`));
			const file = await fetch(`${sandbox.url}${twilioAnswer.body.message.media.url}`);
			expect(file.status).toBe(200);
			expect(file.headers.get('content-type')).toBe('image/png');
		});

		it('sends a file from disk by its MIME type (a document keeps its name)', async () => {
			await registerMeta(sandbox, n8n);
			const pdf = Buffer.from('%PDF-1.4\n%%EOF\n');
			const answer = await chatSend(sandbox, { provider: 'meta', type: 'file', data: `data:application/pdf;base64,${pdf.toString('base64')}`, mimeType: 'application/pdf', fileName: 'quote.pdf' });
			expect(answer.body.message).toMatchObject({ type: 'document', media: { kind: 'document', fileName: 'quote.pdf', mimeType: 'application/pdf' } });
			expect(metaMessage(metaInbound()[0])).toMatchObject({ type: 'document', document: { filename: 'quote.pdf', mime_type: 'application/pdf' } });
			const png = await chatSend(sandbox, { provider: 'meta', type: 'file', data: PNG_1X1.toString('base64'), mimeType: 'image/png' });
			expect(png.body.message.type).toBe('image');
			const bytes = Buffer.from(await (await fetch(`${sandbox.url}${png.body.message.media.url}`)).arrayBuffer());
			expect(bytes.equals(PNG_1X1)).toBe(true);
		});

		it('shares a preset place, and a dropped pin without name or address', async () => {
			await registerMeta(sandbox, n8n);
			await registerTwilio(sandbox, n8n);
			const eiffel = CHAT_PLACES.find((p) => p.id === 'eiffel-tower')!;
			const answer = await chatSend(sandbox, { provider: 'meta', type: 'location', place: 'eiffel-tower' });
			expect(answer.body.message.location).toMatchObject({ latitude: eiffel.latitude, longitude: eiffel.longitude, name: 'Eiffel Tower', mapUrl: expect.stringContaining('openstreetmap.org') });
			expect(metaMessage(metaInbound()[0]).location).toEqual({ latitude: eiffel.latitude, longitude: eiffel.longitude, name: 'Eiffel Tower', address: eiffel.address });
			await chatSend(sandbox, { provider: 'meta', type: 'location', place: 'dropped-pin' });
			expect(Object.keys(metaMessage(metaInbound()[1]).location).sort()).toEqual(['latitude', 'longitude']);

			await chatSend(sandbox, { provider: 'twilio', type: 'location', place: 'eiffel-tower' });
			expect(formOf(postsTo('/twilio')[0])).toMatchObject({ MessageType: 'location', Latitude: String(eiffel.latitude), Longitude: String(eiffel.longitude), Label: 'Eiffel Tower', Address: eiffel.address });
			expect((await chatSend(sandbox, { provider: 'meta', type: 'location', place: 'atlantis' })).status).toBe(400);
		});

		it('quotes a message when replying with text', async () => {
			await registerMeta(sandbox, n8n);
			await registerTwilio(sandbox, n8n);
			const wamid = await sendMetaInteractive({ type: 'button', body: { text: 'Pick one' }, action: { buttons: [{ type: 'reply', reply: { id: 'a', title: 'A' } }] } });
			const answer = await chatSend(sandbox, { provider: 'meta', type: 'text', text: 'About this…', replyTo: wamid });
			expect(answer.body.message.context).toEqual({ id: wamid, preview: 'Pick one', direction: 'out' });
			expect(metaMessage(metaInbound()[0]).context).toEqual({ from: '15550100000', id: wamid });

			const sid = await sendTwilio({ Body: 'Your order shipped' });
			await chatSend(sandbox, { provider: 'twilio', type: 'text', text: 'Thanks', replyTo: sid });
			expect(formOf(postsTo('/twilio')[0])).toMatchObject({ OriginalRepliedMessageSid: sid, OriginalRepliedMessageSender: sandbox.twilio.whatsAppNumber });
		});

		it('sends a Meta reaction to a business message; Twilio keeps it on the page', async () => {
			await registerMeta(sandbox, n8n);
			const wamid = await sendMetaInteractive({ type: 'button', body: { text: 'Rate us' }, action: { buttons: [{ type: 'reply', reply: { id: 'ok', title: 'OK' } }] } });
			const answer = await chatSend(sandbox, { provider: 'meta', type: 'reaction', messageId: wamid, emoji: '❤️' });
			expect(answer.body).toMatchObject({ message: { id: wamid, reactions: { user: '❤️' } }, delivery: { delivered: true } });
			const post = metaInbound()[0];
			expect(metaSignatureValid(post, sandbox.meta.appSecret)).toBe(true);
			expect(metaMessage(post)).toMatchObject({ type: 'reaction', reaction: { message_id: wamid, emoji: '❤️' } });
			const removed = await chatSend(sandbox, { provider: 'meta', type: 'reaction', messageId: wamid, emoji: '' });
			expect(removed.body.message.reactions).toEqual({});
			expect(metaMessage(metaInbound()[1]).reaction).toEqual({ message_id: wamid, emoji: '' });

			const sid = await sendTwilio({ Body: 'Hello' });
			const twilioAnswer = await chatSend(sandbox, { provider: 'twilio', type: 'reaction', messageId: sid, emoji: '👍' });
			expect(twilioAnswer.body.message.reactions).toEqual({ user: '👍' });
			expect(twilioAnswer.body.delivery).toMatchObject({ delivered: false, note: expect.stringMatching(/Twilio does not send reactions/) });
		});

		it('refuses malformed actions with 400 and what is wrong', async () => {
			const cases: Array<[Record<string, unknown>, RegExp]> = [
				[{ provider: 'sms', type: 'text', text: 'x' }, /'provider' must be/],
				[{ provider: 'meta', type: 'shout', text: 'x' }, /'type' must be one of/],
				[{ provider: 'meta', type: 'text' }, /needs 'text'/],
				[{ provider: 'meta', type: 'reply', messageId: 'wamid.nope', replyId: 'x' }, /No Meta business message/],
				[{ provider: 'meta', type: 'reaction', messageId: 'wamid.nope', emoji: '👍' }, /No Meta message/],
				[{ provider: 'meta', type: 'file', data: '', mimeType: 'image/png' }, /'data'/],
				[{ provider: 'meta', type: 'location', latitude: 91, longitude: 0 }, /latitude/],
			];
			for (const [action, message] of cases) {
				const answer = await chatSend(sandbox, action);
				expect({ status: answer.status, error: answer.body.error }).toEqual({ status: 400, error: expect.stringMatching(message) });
			}
		});
	});

	describe('taps on what the workflows sent', () => {
		it('shows a Meta reply-button message with its buttons and sends button_reply with the id, title and context', async () => {
			await registerMeta(sandbox, n8n);
			const wamid = await sendMetaInteractive({
				type: 'button',
				header: { type: 'text', text: 'Delivery' },
				body: { text: 'When should we come?' },
				footer: { text: 'Omni Store' },
				action: {
					buttons: [
						{ type: 'reply', reply: { id: 'slot-am', title: 'Morning' } },
						{ type: 'reply', reply: { id: 'slot-pm', title: 'Afternoon' } },
					],
				},
			});
			const shown = (await chatState(sandbox)).messages.find((m: { id: string }) => m.id === wamid);
			expect(shown).toMatchObject({
				provider: 'meta',
				direction: 'out',
				type: 'interactive',
				header: { text: 'Delivery' },
				text: 'When should we come?',
				footer: 'Omni Store',
				buttons: [
					{ kind: 'reply', title: 'Morning', replyId: 'slot-am' },
					{ kind: 'reply', title: 'Afternoon', replyId: 'slot-pm' },
				],
				to: '+16505551234',
			});

			const answer = await chatSend(sandbox, { provider: 'meta', type: 'reply', messageId: wamid, replyId: 'slot-pm' });
			expect(answer.body.message).toMatchObject({ direction: 'in', type: 'interactive', text: 'Afternoon', context: { id: wamid, direction: 'out' }, status: 'delivered' });
			const post = metaInbound()[0];
			expect(metaSignatureValid(post, sandbox.meta.appSecret)).toBe(true);
			expect(metaMessage(post)).toMatchObject({
				from: USER_WA_ID,
				type: 'interactive',
				context: { from: '15550100000', id: wamid },
				interactive: { type: 'button_reply', button_reply: { id: 'slot-pm', title: 'Afternoon' } },
			});
			expect((await chatSend(sandbox, { provider: 'meta', type: 'reply', messageId: wamid, replyId: 'slot-xx' })).body.error).toMatch(/has no reply button or list row 'slot-xx' \(it has slot-am, slot-pm\)/);
		});

		it('shows a Meta list and sends list_reply with the row id, title and description', async () => {
			await registerMeta(sandbox, n8n);
			const wamid = await sendMetaInteractive({
				type: 'list',
				body: { text: 'Choose a shipping option' },
				action: {
					button: 'Options',
					sections: [
						{ title: 'Fast', rows: [{ id: 'express', title: 'Express', description: 'Next day' }] },
						{ title: 'Cheap', rows: [{ id: 'ground', title: 'Ground' }] },
					],
				},
			});
			expect(sandbox.chat.get(wamid)?.list).toEqual({
				button: 'Options',
				sections: [
					{ title: 'Fast', rows: [{ replyId: 'express', title: 'Express', description: 'Next day' }] },
					{ title: 'Cheap', rows: [{ replyId: 'ground', title: 'Ground' }] },
				],
			});
			await chatSend(sandbox, { provider: 'meta', type: 'reply', messageId: wamid, replyId: 'express' });
			await chatSend(sandbox, { provider: 'meta', type: 'reply', messageId: wamid, replyId: 'ground' });
			const [express, ground] = metaInbound().map(metaMessage);
			expect(express).toMatchObject({ type: 'interactive', context: { id: wamid }, interactive: { type: 'list_reply', list_reply: { id: 'express', title: 'Express', description: 'Next day' } } });
			expect(ground.interactive.list_reply).toEqual({ id: 'ground', title: 'Ground' });
		});

		it('renders a Meta template from the template store and sends a quick-reply tap as a button message with its payload', async () => {
			await registerMeta(sandbox, n8n);
			const answer = await metaPost(sandbox, `/v24.0/${sandbox.meta.phoneNumberId}/messages`, {
				messaging_product: 'whatsapp',
				to: USER_WA_ID,
				type: 'template',
				template: {
					name: 'promo_image',
					language: { code: 'en_US' },
					components: [
						{ type: 'header', parameters: [{ type: 'image', image: { link: 'https://example.com/promo.jpg' } }] },
						{ type: 'body', parameters: [{ type: 'text', text: '25%' }] },
						{ type: 'button', sub_type: 'quick_reply', index: 0, parameters: [{ type: 'payload', payload: 'PROMO_YES' }] },
						{ type: 'button', sub_type: 'copy_code', index: 2, parameters: [{ type: 'coupon_code', coupon_code: 'SAVE25' }] },
					],
				},
			});
			expect(answer.status).toBe(200);
			const wamid = answer.body.messages[0].id;
			expect(sandbox.chat.get(wamid)).toMatchObject({
				type: 'template',
				template: { name: 'promo_image', language: 'en_US' },
				header: { media: { kind: 'image', url: 'https://example.com/promo.jpg' } },
				text: 'This week only: 25% off everything in store.',
				footer: 'Reply STOP to opt out',
				buttons: [
					{ kind: 'reply', title: 'Show me', replyId: 'button-0', payload: 'PROMO_YES' },
					{ kind: 'reply', title: 'Not interested', replyId: 'button-1', payload: 'Not interested' },
					{ kind: 'copy_code', title: 'Copy offer code', code: 'SAVE25' },
				],
			});
			await chatSend(sandbox, { provider: 'meta', type: 'reply', messageId: wamid, replyId: 'button-0' });
			await chatSend(sandbox, { provider: 'meta', type: 'reply', messageId: wamid, replyId: 'button-1' });
			const [first, second] = metaInbound().map(metaMessage);
			expect(first).toMatchObject({ type: 'button', button: { payload: 'PROMO_YES', text: 'Show me' }, context: { from: '15550100000', id: wamid } });
			expect(second.button).toEqual({ payload: 'Not interested', text: 'Not interested' });
		});

		it('shows a Twilio quick-reply content with its variables filled and sends ButtonText/ButtonPayload with OriginalRepliedMessageSid', async () => {
			await registerTwilio(sandbox, n8n);
			const sid = await sendTwilio({ ContentSid: contentSid('appointment_reminder'), ContentVariables: JSON.stringify({ 1: 'Grace', 2: 'June 1', 3: '09:00' }) });
			expect(sandbox.chat.get(sid)).toMatchObject({
				provider: 'twilio',
				direction: 'out',
				type: 'content',
				text: 'Hi Grace, your appointment is on June 1 at 09:00. Can you make it?',
				buttons: [
					{ kind: 'reply', title: 'Yes, confirm', replyId: 'confirm' },
					{ kind: 'reply', title: 'Reschedule', replyId: 'reschedule' },
				],
				template: { name: 'appointment_reminder', sid: contentSid('appointment_reminder') },
			});
			const answer = await chatSend(sandbox, { provider: 'twilio', type: 'reply', messageId: sid, replyId: 'confirm' });
			expect(answer.body.message).toMatchObject({ type: 'button', text: 'Yes, confirm', context: { id: sid } });
			const post = postsTo('/twilio')[0];
			expect(twilioSignatureValid(post, '/twilio')).toBe(true);
			expect(formOf(post)).toMatchObject({
				MessageType: 'button',
				ButtonText: 'Yes, confirm',
				ButtonPayload: 'confirm',
				Body: 'Yes, confirm',
				OriginalRepliedMessageSid: sid,
				OriginalRepliedMessageSender: sandbox.twilio.whatsAppNumber,
				From: USER,
			});
		});

		it('shows a Twilio list picker and sends a pick as an interactive message', async () => {
			await registerTwilio(sandbox, n8n);
			const sid = await sendTwilio({ ContentSid: contentSid('support_menu_list') });
			expect(sandbox.chat.get(sid)?.list).toEqual({
				button: 'Choose a topic',
				sections: [
					{
						rows: [
							{ replyId: 'orders', title: 'Orders', description: 'Status, changes, returns' },
							{ replyId: 'billing', title: 'Billing', description: 'Invoices and payments' },
							{ replyId: 'other', title: 'Something else' },
						],
					},
				],
			});
			await chatSend(sandbox, { provider: 'twilio', type: 'reply', messageId: sid, replyId: 'billing' });
			expect(formOf(postsTo('/twilio')[0])).toMatchObject({ MessageType: 'interactive', ButtonText: 'Billing', ButtonPayload: 'billing', OriginalRepliedMessageSid: sid });
		});

		it('refuses a tap on a message of the other provider or on the user\'s own message', async () => {
			const wamid = await sendMetaInteractive({ type: 'button', body: { text: 'x' }, action: { buttons: [{ type: 'reply', reply: { id: 'a', title: 'A' } }] } });
			expect((await chatSend(sandbox, { provider: 'twilio', type: 'reply', messageId: wamid, replyId: 'a' })).status).toBe(400);
			const own = await chatSend(sandbox, { provider: 'meta', type: 'text', text: 'mine' });
			expect((await chatSend(sandbox, { provider: 'meta', type: 'reply', messageId: own.body.message.id, replyId: 'a' })).status).toBe(400);
		});
	});

	describe('what the workflows send, as WhatsApp shows it', () => {
		const sendMeta = async (type: string, content: unknown, extra: Record<string, unknown> = {}) => {
			const answer = await metaPost(sandbox, `/v24.0/${sandbox.meta.phoneNumberId}/messages`, { messaging_product: 'whatsapp', to: USER_WA_ID, type, [type]: content, ...extra });
			expect(answer.status).toBe(200);
			return sandbox.chat.get(answer.body.messages[0].id)!;
		};

		it('renders text, media, location, contacts, call-to-action and replies of Meta messages', async () => {
			expect(await sendMeta('text', { body: 'Your code is *1234*' })).toMatchObject({ type: 'text', text: 'Your code is *1234*', status: 'pending' });
			expect(await sendMeta('document', { link: 'https://example.com/files/invoice.pdf', caption: 'Invoice' })).toMatchObject({
				type: 'document',
				text: 'Invoice',
				media: { kind: 'document', url: 'https://example.com/files/invoice.pdf', fileName: 'invoice.pdf' },
			});
			expect(await sendMeta('image', { id: '1234567890' })).toMatchObject({ media: { kind: 'image', url: '/chat/api/media/meta/1234567890' } });
			const pdf = Buffer.from('%PDF-1.4\n%%EOF\n');
			const upload = await metaUpload(sandbox, { messaging_product: 'whatsapp', type: 'application/pdf', file: { bytes: pdf, filename: 'terms.pdf', contentType: 'application/pdf' } });
			const uploaded = await sendMeta('document', { id: upload.body.id });
			expect(uploaded.media).toEqual({ kind: 'document', url: `/chat/api/media/meta/${upload.body.id}`, mimeType: 'application/pdf', fileName: 'terms.pdf' });
			const served = await fetch(`${sandbox.url}${uploaded.media?.url}`);
			expect(Buffer.from(await served.arrayBuffer()).equals(pdf)).toBe(true);
			expect(await sendMeta('sticker', { link: 'https://example.com/s.webp' })).toMatchObject({ type: 'sticker', media: { kind: 'sticker' } });
			expect(await sendMeta('location', { latitude: 48.8584, longitude: 2.2945, name: 'Eiffel Tower', address: 'Paris' })).toMatchObject({
				location: { latitude: 48.8584, longitude: 2.2945, name: 'Eiffel Tower', address: 'Paris', mapUrl: 'https://www.openstreetmap.org/?mlat=48.8584&mlon=2.2945#map=16/48.8584/2.2945' },
			});
			expect(await sendMeta('contacts', [{ name: { formatted_name: 'Ada Lovelace' }, phones: [{ phone: '+44 20 7946 0000' }], org: { company: 'Engines' } }])).toMatchObject({
				contacts: [{ name: 'Ada Lovelace', phones: ['+44 20 7946 0000'], emails: [], org: 'Engines' }],
			});
			expect(
				await sendMeta('interactive', { type: 'cta_url', body: { text: 'See the menu' }, action: { name: 'cta_url', parameters: { display_text: 'Open menu', url: 'https://example.com/menu' } } }),
			).toMatchObject({ buttons: [{ kind: 'url', title: 'Open menu', url: 'https://example.com/menu' }] });

			const inbound = await chatSend(sandbox, { provider: 'meta', type: 'text', text: 'Where is my order?' });
			const reply = await sendMeta('text', { body: 'On its way' }, { context: { message_id: inbound.body.message.id } });
			expect(reply.context).toEqual({ id: inbound.body.message.id, preview: 'Where is my order?', direction: 'in' });
		});

		it('fills a Meta template with named parameters and its URL button', async () => {
			const named = await sendMeta('template', {
				name: 'shipping_named',
				language: { code: 'en_US' },
				components: [
					{ type: 'header', parameters: [{ type: 'text', parameter_name: 'customer_name', text: 'Ada' }] },
					{
						type: 'body',
						parameters: [
							{ type: 'text', parameter_name: 'customer_name', text: 'Ada' },
							{ type: 'text', parameter_name: 'order_id', text: 'B-7' },
						],
					},
				],
			});
			expect(named).toMatchObject({ header: { text: 'Good news, Ada!' }, text: 'Hi Ada, order B-7 is on its way.' });
			const tracked = await sendMeta('template', {
				name: 'order_update',
				language: { code: 'es' },
				components: [
					{ type: 'body', parameters: [{ type: 'text', text: 'Ada' }, { type: 'text', text: 'A-9' }] },
					{ type: 'button', sub_type: 'url', index: 0, parameters: [{ type: 'text', text: 'A-9' }] },
				],
			});
			expect(tracked).toMatchObject({ text: 'Hola Ada, tu pedido A-9 ya fue enviado. Síguelo con el botón de abajo.', buttons: [{ kind: 'url', title: 'Seguir pedido', url: 'https://shop.example.com/track/A-9' }] });
		});

		it('shows a business reaction on the user\'s message instead of as a bubble', async () => {
			const inbound = await chatSend(sandbox, { provider: 'meta', type: 'text', text: 'Thanks!' });
			await sendMeta('reaction', { message_id: inbound.body.message.id, emoji: '🙏' });
			expect(sandbox.chat.get(inbound.body.message.id)?.reactions).toEqual({ business: '🙏' });
		});

		it('renders Twilio text, media by extension, location, call-to-action and text contents', async () => {
			expect(sandbox.chat.get(await sendTwilio({ Body: 'Hello _there_' }))).toMatchObject({ type: 'text', text: 'Hello _there_', to: '+16505551234' });
			expect(sandbox.chat.get(await sendTwilio({ Body: 'Look', MediaUrl: 'https://example.com/a/photo.jpg' }))).toMatchObject({
				type: 'image',
				text: 'Look',
				media: { kind: 'image', url: 'https://example.com/a/photo.jpg', fileName: 'photo.jpg' },
			});
			expect(sandbox.chat.get(await sendTwilio({ Body: 'Omni Store', PersistentAction: 'geo:37.7886,-122.3931|Omni Store' }))).toMatchObject({
				type: 'location',
				location: { latitude: 37.7886, longitude: -122.3931, name: 'Omni Store' },
			});
			expect(sandbox.chat.get(await sendTwilio({ ContentSid: contentSid('track_order_cta'), ContentVariables: JSON.stringify({ 1: 'Z-1' }) }))).toMatchObject({
				text: 'Order Z-1 is on its way.',
				buttons: [{ kind: 'url', title: 'Track order', url: 'https://shop.example.com/track/Z-1' }],
			});
			// Variables left out take the content's defaults.
			expect(sandbox.chat.get(await sendTwilio({ ContentSid: contentSid('order_update') }))).toMatchObject({ text: 'Hi Ada, your order A-1042 has shipped.' });
		});

		it('leaves SMS sent through the Messaging Service out of the chat', async () => {
			const answer = await twilioPostForm(sandbox, messagesPath(sandbox), { MessagingServiceSid: sandbox.twilio.messagingServiceSid, To: '+16505551234', Body: 'SMS' });
			expect(answer.status).toBe(201);
			expect(sandbox.chat.list('twilio')).toEqual([]);
		});
	});

	describe('status webhooks', () => {
		it('sends Meta statuses sent → delivered (with pricing), and read only once the conversation is on screen', async () => {
			await registerMeta(sandbox, n8n);
			const elsewhere = await openStream('twilio');
			const answer = await metaPost(sandbox, `/v24.0/${sandbox.meta.phoneNumberId}/messages`, { messaging_product: 'whatsapp', to: USER_WA_ID, type: 'text', text: { body: 'Hi' } });
			const wamid = answer.body.messages[0].id;
			const statusesOf = () => n8n.posts().map((r) => jsonOf(r).entry[0].changes[0].value.statuses?.[0]).filter((s) => s?.id === wamid);
			await waitFor(() => statusesOf().length === 2, 3000, 'sent and delivered');
			await new Promise((resolve) => setTimeout(resolve, 100));
			expect(statusesOf().map((s) => s.status)).toEqual(['sent', 'delivered']);
			expect(sandbox.chat.get(wamid)?.status).toBe('delivered');

			await openStream('meta');
			await waitFor(() => statusesOf().length === 3, 3000, 'read');
			const [sent, delivered, read] = statusesOf();
			expect(sent).toMatchObject({ status: 'sent', recipient_id: USER_WA_ID, pricing: { billable: false, pricing_model: 'PMP', category: 'service' } });
			expect(delivered.pricing).toEqual(sent.pricing);
			expect(read).not.toHaveProperty('pricing');
			expect(n8n.posts().every((r) => metaSignatureValid(r, sandbox.meta.appSecret))).toBe(true);
			// The webhook's answer is recorded once it is back, a moment after the receiver got it.
			await waitFor(() => sandbox.chat.get(wamid)?.status === 'read' && sandbox.chat.get(wamid)?.statusWebhooks?.length === 3, 1000, 'the read tick');
			expect(sandbox.chat.get(wamid)?.statusWebhooks?.map((s) => [s.status, s.httpStatus])).toEqual([
				['sent', 200],
				['delivered', 200],
				['read', 200],
			]);
			elsewhere.close();
		});

		it('sends Twilio status callbacks sent → delivered → read to the status URL, signed, while the page shows the chat', async () => {
			await registerTwilio(sandbox, n8n);
			await openStream('twilio');
			const sid = await sendTwilio({ Body: 'Your table is ready' });
			await waitFor(() => postsTo('/twilio-status').length === 3, 3000, 'three status callbacks');
			const posts = postsTo('/twilio-status');
			expect(posts.map((r) => formOf(r).MessageStatus)).toEqual(['sent', 'delivered', 'read']);
			for (const post of posts) {
				expect(twilioSignatureValid(post, '/twilio-status')).toBe(true);
				expect(formOf(post)).toMatchObject({ MessageSid: sid, To: USER, From: sandbox.twilio.whatsAppNumber, ChannelPrefix: 'whatsapp' });
			}
			await waitFor(() => sandbox.chat.get(sid)?.status === 'read', 1000, 'the read tick');
		});

		it('sends Twilio statuses of a message sent through the Messaging Service with its SID, and to a per-message StatusCallback', async () => {
			await registerTwilio(sandbox, n8n);
			await openStream('twilio');
			const answer = await twilioPostForm(sandbox, messagesPath(sandbox), {
				MessagingServiceSid: sandbox.twilio.messagingServiceSid,
				To: USER,
				Body: 'Via service',
				StatusCallback: n8n.url('/per-message'),
			});
			await waitFor(() => postsTo('/per-message').length === 3, 3000, 'three status callbacks');
			expect(formOf(postsTo('/per-message')[0])).toMatchObject({ MessageSid: answer.body.sid, MessagingServiceSid: sandbox.twilio.messagingServiceSid, From: sandbox.twilio.whatsAppNumber });
			expect(postsTo('/twilio-status')).toEqual([]);
		});

		it('bills template messages in the template\'s category', async () => {
			await registerMeta(sandbox, n8n);
			const answer = await metaPost(sandbox, `/v24.0/${sandbox.meta.phoneNumberId}/messages`, {
				messaging_product: 'whatsapp',
				to: USER_WA_ID,
				type: 'template',
				template: { name: 'hello_world', language: { code: 'en_US' } },
			});
			await waitFor(() => n8n.posts().length >= 1, 3000, 'the sent status');
			expect(jsonOf(n8n.posts()[0]).entry[0].changes[0].value.statuses[0]).toMatchObject({
				id: answer.body.messages[0].id,
				status: 'sent',
				pricing: { billable: true, pricing_model: 'PMP', type: 'regular', category: 'utility' },
			});
		});

		it('waits the configured delay between statuses', async () => {
			await registerTwilio(sandbox, n8n);
			sandbox.setStatusDelay(150);
			expect(sandbox.statusDelayMs).toBe(150);
			const started = Date.now();
			await sendTwilio({ Body: 'slow' });
			await waitFor(() => postsTo('/twilio-status').length === 2, 3000, 'two status callbacks');
			expect(Date.now() - started).toBeGreaterThanOrEqual(290);
			const sid = sandbox.outbound[0].id;
			expect(sandbox.chat.get(sid)?.statusWebhooks?.[0].at).toBeGreaterThanOrEqual(started + 140);
			expect(() => sandbox.setStatusDelay(-1)).toThrow(RangeError);
		});

		it('still moves the ticks when no status URL is registered', async () => {
			const sid = await sendTwilio({ Body: 'nobody hears the statuses' });
			await waitFor(() => sandbox.chat.get(sid)?.status === 'delivered', 3000, 'delivered');
			expect(sandbox.chat.get(sid)?.statusWebhooks?.[0]).toMatchObject({ status: 'sent', error: expect.stringMatching(/no status callback URL/) });
		});

		it('stops the statuses of a cleared conversation', async () => {
			await registerTwilio(sandbox, n8n);
			sandbox.setStatusDelay(100);
			await sendTwilio({ Body: 'forget me' });
			sandbox.chat.clear('twilio');
			await new Promise((resolve) => setTimeout(resolve, 300));
			expect(postsTo('/twilio-status')).toEqual([]);
		});
	});

	describe('mark as read from the workflows', () => {
		it('turns the user\'s Meta messages read, this one and the earlier ones', async () => {
			await registerMeta(sandbox, n8n);
			const first = await chatSend(sandbox, { provider: 'meta', type: 'text', text: 'one' });
			const second = await chatSend(sandbox, { provider: 'meta', type: 'text', text: 'two' });
			const third = await chatSend(sandbox, { provider: 'meta', type: 'text', text: 'three' });
			const read = await metaPost(sandbox, `/v24.0/${sandbox.meta.phoneNumberId}/messages`, { messaging_product: 'whatsapp', status: 'read', message_id: second.body.message.id });
			expect(read.body).toEqual({ success: true });
			expect([first, second, third].map((a) => sandbox.chat.get(a.body.message.id)?.status)).toEqual(['read', 'read', 'delivered']);
		});

		it('turns a Twilio message read with the typing indicator', async () => {
			await registerTwilio(sandbox, n8n);
			const sent = await chatSend(sandbox, { provider: 'twilio', type: 'text', text: 'typing?' });
			const typing = await twilioPostForm(sandbox, '/messaging/v2/Indicators/Typing.json', { channel: 'whatsapp', messageId: sent.body.message.id });
			expect(typing.status).toBe(200);
			expect(sandbox.chat.get(sent.body.message.id)?.status).toBe('read');
		});
	});

	describe('GET /chat/api/events', () => {
		it('sends a snapshot, then each new message and each update', async () => {
			await registerMeta(sandbox, n8n);
			const stream = await openStream('meta');
			expect(stream.contentType).toBe('text/event-stream; charset=utf-8');
			const snapshot = await stream.next('snapshot');
			expect(snapshot.data).toMatchObject({
				user: { phone: '+16505551234', name: 'Sheena Nelson' },
				business: { meta: { name: 'Omni Sandbox', number: '+1 555-010-0000' }, twilio: { number: '+14155238886' } },
				listening: { meta: true, twilio: false },
				statusDelayMs: 10,
				messages: [],
			});
			expect(snapshot.data.places.length).toBeGreaterThan(2);

			const answer = await chatSend(sandbox, { provider: 'meta', type: 'text', text: 'live' });
			const id = answer.body.message.id;
			expect((await stream.next('message', (m) => m.id === id)).data).toMatchObject({ direction: 'in', text: 'live', status: 'pending' });
			expect((await stream.next('update', (m) => m.id === id && m.status === 'delivered')).data.delivery).toMatchObject({ delivered: true, status: 200 });

			const wamid = await sendMetaInteractive({ type: 'button', body: { text: 'Pick' }, action: { buttons: [{ type: 'reply', reply: { id: 'p', title: 'P' } }] } });
			expect((await stream.next('message', (m) => m.id === wamid)).data).toMatchObject({ direction: 'out', buttons: [{ replyId: 'p' }] });
			await stream.next('update', (m) => m.id === wamid && m.status === 'read');
			const ids = stream.events.map((e) => Number(e.id));
			expect(ids).toEqual([...ids].sort((a, b) => a - b));
			// Each copy of a message carries a revision, so a page keeps the newest of two copies.
			const revs = stream.events.filter((e) => e.data.id === id).map((e) => e.data.rev);
			expect(revs.length).toBeGreaterThanOrEqual(2);
			expect(revs).toEqual([...revs].sort((a, b) => a - b));
			expect(answer.body.message.rev).toBe(revs.at(-1));
		});

		it('tells the page when a trigger registers', async () => {
			const stream = await openStream('twilio');
			expect((await stream.next('snapshot')).data.listening).toEqual({ meta: false, twilio: false });
			await registerTwilio(sandbox, n8n);
			expect((await stream.next('listening', undefined, 3000)).data).toEqual({ meta: false, twilio: true });
		});

		it('switches the conversation on screen with POST /chat/api/view', async () => {
			await registerTwilio(sandbox, n8n);
			const stream = await openStream('none', 'page-one');
			await stream.next('snapshot');
			const sid = await sendTwilio({ Body: 'read me later' });
			await waitFor(() => sandbox.chat.get(sid)?.status === 'delivered', 3000, 'delivered');
			await new Promise((resolve) => setTimeout(resolve, 60));
			expect(sandbox.chat.get(sid)?.status).toBe('delivered');
			expect((await chatPost(sandbox, 'view', { client: 'page-one', view: 'twilio' })).body).toEqual({ streams: 1 });
			await waitFor(() => sandbox.chat.get(sid)?.status === 'read', 3000, 'read');
			expect((await chatPost(sandbox, 'view', { client: 'page-one', view: 'whatsapp' })).status).toBe(400);
		});
	});

	describe('POST /chat/api/clear and the guards', () => {
		it('clears one conversation or both', async () => {
			await chatSend(sandbox, { provider: 'meta', type: 'text', text: 'm' });
			await chatSend(sandbox, { provider: 'twilio', type: 'text', text: 't' });
			expect((await chatPost(sandbox, 'clear', { provider: 'meta' })).body).toEqual({ cleared: 'meta' });
			expect(sandbox.chat.list().map((m) => m.provider)).toEqual(['twilio']);
			await chatPost(sandbox, 'clear', {});
			expect(sandbox.chat.list()).toEqual([]);
		});

		it('takes JSON only, from its own origin, on a loopback host', async () => {
			const plain = await call(`${sandbox.url}/chat/api/send`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ provider: 'meta', type: 'text', text: 'x' }) });
			expect(plain.status).toBe(415);
			const foreign = await chatSend(sandbox, { provider: 'meta', type: 'text', text: 'x' }).then(() =>
				chatPost(sandbox, 'send', { provider: 'meta', type: 'text', text: 'x' }, { origin: 'https://evil.example' }),
			);
			expect(foreign.status).toBe(403);
			const same = await chatPost(sandbox, 'send', { provider: 'meta', type: 'text', text: 'x' }, { origin: sandbox.url });
			expect(same.status).toBe(200);
			expect((await call(`${sandbox.url}/chat/api/send`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{nope' })).status).toBe(400);
			expect((await call(`${sandbox.url}/chat/api/nothing`)).status).toBe(404);
		});
	});
});
