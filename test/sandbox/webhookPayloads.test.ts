import { createHash } from 'node:crypto';

import { DEFAULT_META_ACCOUNT, DEFAULT_TWILIO_ACCOUNT, metaJson, metaPayload, senderSid, twilioParams, type MetaInboundType } from '../../sandbox';

const WAMID = /^wamid\.[A-Za-z0-9+/]+={0,2}$/;

type Message = Record<string, any>;

function only(payload: ReturnType<typeof metaPayload.message>): { value: Record<string, any>; message: Message } {
	expect(payload.object).toBe('whatsapp_business_account');
	expect(payload.entry).toHaveLength(1);
	expect(payload.entry[0].id).toBe(DEFAULT_META_ACCOUNT.wabaId);
	expect(payload.entry[0].changes).toHaveLength(1);
	const [change] = payload.entry[0].changes;
	expect(change.field).toBe('messages');
	const value = change.value;
	return { value, message: (value.messages as Message[])?.[0] };
}

describe('sandbox: webhook payload builders', () => {
	describe('metaPayload.message', () => {
		it('builds the documented envelope for a text message', () => {
			const before = Math.floor(Date.now() / 1000);
			const { value, message } = only(metaPayload.message({ type: 'text', text: 'hi', from: '15551230000', name: 'Ada' }));
			expect(value.messaging_product).toBe('whatsapp');
			expect(value.metadata).toEqual({ display_phone_number: '15550100000', phone_number_id: DEFAULT_META_ACCOUNT.phoneNumberId });
			expect(value.contacts).toEqual([{ profile: { name: 'Ada' }, wa_id: '15551230000' }]);
			expect(message).toEqual({ from: '15551230000', id: expect.stringMatching(WAMID), timestamp: expect.stringMatching(/^\d{10}$/), type: 'text', text: { body: 'hi' } });
			expect(Number(message.timestamp)).toBeGreaterThanOrEqual(before);
		});

		it.each<[MetaInboundType, string, Record<string, unknown>]>([
			['image', 'image/jpeg', {}],
			['audio', 'audio/ogg; codecs=opus', { voice: true }],
			['video', 'video/mp4', {}],
			['document', 'application/pdf', { filename: 'receipt.pdf' }],
			['sticker', 'image/webp', { animated: false }],
		])('gives a %s message a media id, MIME type and the base64 SHA-256 of its file', (type, mimeType, extra) => {
			const { message } = only(metaPayload.message({ type }));
			const object = message[type];
			expect(object).toEqual({ id: expect.stringMatching(/^\d{16}$/), mime_type: mimeType, sha256: expect.any(String), ...extra });
			expect(object.url).toBeUndefined();
			expect(Buffer.from(object.sha256, 'base64')).toHaveLength(32);
		});

		it('uses given bytes for the hash and a graph base URL for the url', () => {
			const bytes = Buffer.from('hello');
			const { message } = only(metaPayload.message({ type: 'image', media: { bytes, mimeType: 'image/png' }, image: { caption: 'c' } }, { graphBaseUrl: 'http://127.0.0.1:1/graph' }));
			expect(message.image).toMatchObject({ mime_type: 'image/png', caption: 'c', sha256: createHash('sha256').update(bytes).digest('base64') });
			expect(message.image.url).toMatch(/^http:\/\/127\.0\.0\.1:1\/graph\/media-download\/\d+\?token=\w+$/);
		});

		it('builds location, contacts, reaction, order and the reply types with context', () => {
			expect(only(metaPayload.message({ type: 'location' })).message.location).toMatchObject({ latitude: expect.any(Number), longitude: expect.any(Number), name: expect.any(String) });
			expect(only(metaPayload.message({ type: 'contacts' })).message.contacts[0]).toMatchObject({ name: { formatted_name: expect.any(String) }, phones: [expect.objectContaining({ wa_id: expect.any(String) })] });
			expect(only(metaPayload.message({ type: 'reaction' })).message.reaction).toEqual({ message_id: expect.stringMatching(WAMID), emoji: '\u{1F44D}' });
			expect(only(metaPayload.message({ type: 'reaction', reaction: { emoji: undefined } })).message.reaction.emoji).toBeUndefined();
			expect(only(metaPayload.message({ type: 'order' })).message.order).toMatchObject({ catalog_id: expect.any(String), product_items: expect.any(Array) });

			const button = only(metaPayload.message({ type: 'button', button: { text: 'Stop', payload: 'STOP' } })).message;
			expect(button.button).toEqual({ text: 'Stop', payload: 'STOP' });
			expect(button.context).toEqual({ from: '15550100000', id: expect.stringMatching(WAMID) });

			const list = only(metaPayload.message({ type: 'interactive', interactive: { type: 'list_reply' } })).message;
			expect(list.interactive).toEqual({ type: 'list_reply', list_reply: { id: expect.any(String), title: expect.any(String), description: expect.any(String) } });
			const reply = only(metaPayload.message({ type: 'interactive', interactive: { button_reply: { id: 'yes', title: 'Yes' } } })).message;
			expect(reply.interactive).toEqual({ type: 'button_reply', button_reply: { id: 'yes', title: 'Yes' } });
		});

		it('builds system (no contacts), unsupported (error 131051), referral and BSUID variants', () => {
			const system = only(metaPayload.message({ type: 'system' }));
			expect(system.value.contacts).toBeUndefined();
			expect(system.message.system).toMatchObject({ type: 'user_changed_number', wa_id: expect.any(String) });

			const unsupported = only(metaPayload.message({ type: 'unsupported' })).message;
			expect(unsupported.unsupported).toEqual({ type: 'edit' });
			expect(unsupported.errors[0]).toMatchObject({ code: 131051 });

			const referred = only(metaPayload.message({ type: 'text', referral: true })).message;
			expect(referred.referral).toMatchObject({ source_type: 'ad', ctwa_clid: expect.any(String), welcome_message: { text: expect.any(String) } });

			const bsuid = only(metaPayload.message({ type: 'text', userId: 'US.13491208655302741918' }));
			expect(bsuid.message.from_user_id).toBe('US.13491208655302741918');
			expect(bsuid.value.contacts[0].user_id).toBe('US.13491208655302741918');
		});
	});

	describe('people without a visible number, and BSUID changes', () => {
		it('message with from: null (a username user): no from and no wa_id, the BSUIDs and the username', () => {
			const { value, message } = only(
				metaPayload.message({ type: 'text', from: null, userId: 'US.1234', parentUserId: 'US.ENT.5678', username: 'kfisher', name: 'Kerry Fisher', text: 'Hello World' }),
			);
			expect(value.contacts).toEqual([{ profile: { name: 'Kerry Fisher', username: 'kfisher' }, user_id: 'US.1234', parent_user_id: 'US.ENT.5678' }]);
			expect(message).toEqual({
				from_user_id: 'US.1234',
				from_parent_user_id: 'US.ENT.5678',
				id: expect.stringMatching(WAMID),
				timestamp: expect.stringMatching(/^\d{10}$/),
				type: 'text',
				text: { body: 'Hello World' },
			});
			expect(() => metaPayload.message({ type: 'text', from: null })).toThrow(/needs the userId/);
		});

		it('status with recipientId: null (sent to a BSUID): only recipient_user_id and its parent', () => {
			const status = only(metaPayload.status({ status: 'read', id: 'wamid.B', recipientId: null, recipientUserId: 'US.1234', parentRecipientUserId: 'US.ENT.5678' })).value.statuses[0];
			expect(status).toEqual({ id: 'wamid.B', status: 'read', timestamp: expect.stringMatching(/^\d{10}$/), recipient_user_id: 'US.1234', parent_recipient_user_id: 'US.ENT.5678', pricing: expect.any(Object) });
			expect(() => metaPayload.status({ status: 'read', recipientId: null })).toThrow(/needs the recipientUserId/);
		});

		it('userIdChange: a user_changed_user_id system message from the old BSUID, without contacts', () => {
			const { value, message } = only(metaPayload.userIdChange({ previousUserId: 'US.1111', userId: 'US.2222', previousParentUserId: 'US.ENT.1', parentUserId: 'US.ENT.2', id: 'wamid.C', timestamp: 1776940000 }));
			expect(value.contacts).toBeUndefined();
			expect(message).toEqual({
				from_user_id: 'US.1111',
				from_parent_user_id: 'US.ENT.1',
				id: 'wamid.C',
				timestamp: '1776940000',
				type: 'system',
				system: { type: 'user_changed_user_id', user_id: 'US.2222', parent_user_id: 'US.ENT.2' },
			});
			const withNumber = only(metaPayload.userIdChange({ previousUserId: 'US.1111', userId: 'US.2222', from: '16505551234' })).message;
			expect(withNumber).toMatchObject({ from: '16505551234', id: expect.stringMatching(WAMID), system: { wa_id: '16505551234' } });
		});
	});

	describe('metaPayload.status, templateStatus, batch', () => {
		it('builds statuses with pricing, and failed ones with errors', () => {
			const sent = only(metaPayload.status({ status: 'delivered', id: 'wamid.X', recipientId: '15551230000' })).value.statuses[0];
			expect(sent).toEqual({
				id: 'wamid.X',
				status: 'delivered',
				timestamp: expect.stringMatching(/^\d{10}$/),
				recipient_id: '15551230000',
				pricing: { billable: true, pricing_model: 'PMP', type: 'regular', category: 'utility' },
			});
			const failed = only(metaPayload.status({ status: 'failed' })).value.statuses[0];
			expect(failed.pricing).toBeUndefined();
			expect(failed.errors[0]).toMatchObject({ code: 131049, error_data: { details: expect.any(String) } });
		});

		it('builds a template status update with a numeric id and the entry time', () => {
			const payload = metaPayload.templateStatus({ id: '1689556908129832', name: 'order_update', event: 'APPROVED' });
			expect(payload.entry[0].time).toEqual(expect.any(Number));
			expect(payload.entry[0].changes[0]).toEqual({
				field: 'message_template_status_update',
				value: {
					event: 'APPROVED',
					message_template_id: 1689556908129832,
					message_template_name: 'order_update',
					message_template_language: 'en_US',
					reason: 'NONE',
					message_template_category: 'UTILITY',
				},
			});
		});

		it('batches as several changes, or as one value with the messages together', () => {
			const a = metaPayload.message({ type: 'text', from: '15550000001' });
			const b = metaPayload.message({ type: 'text', from: '15550000002' });
			const c = metaPayload.status({ status: 'read' });
			expect(metaPayload.batch([a, b, c]).entry[0].changes).toHaveLength(3);
			const merged = metaPayload.batch([a, b, c], { mode: 'values' }).entry[0].changes;
			expect(merged).toHaveLength(1);
			expect(merged[0].value.messages).toHaveLength(2);
			expect(merged[0].value.statuses).toHaveLength(1);
			expect((merged[0].value.contacts as Array<{ wa_id: string }>).map((x) => x.wa_id)).toEqual(['15550000001', '15550000002']);
			// The parts are not changed.
			expect(a.entry[0].changes[0].value.messages).toHaveLength(1);
		});
	});

	it('metaJson escapes non-ASCII characters as \\uXXXX and stays parseable', () => {
		const json = metaJson({ a: 'é😀' });
		expect(json).toBe('{"a":"\\u00e9\\ud83d\\ude00"}');
		expect(JSON.parse(json)).toEqual({ a: 'é😀' });
	});

	describe('twilioParams', () => {
		it('builds an inbound text message with the documented parameters', () => {
			const params = twilioParams.message({ body: 'hi', from: 'whatsapp:+15551230000', profileName: 'Ada' });
			expect(params).toMatchObject({
				MessageSid: expect.stringMatching(/^SM[0-9a-f]{32}$/),
				AccountSid: DEFAULT_TWILIO_ACCOUNT.accountSid,
				From: 'whatsapp:+15551230000',
				To: DEFAULT_TWILIO_ACCOUNT.whatsAppNumber,
				Body: 'hi',
				NumMedia: '0',
				ProfileName: 'Ada',
				WaId: '15551230000',
				MessageType: 'text',
				SmsStatus: 'received',
				ApiVersion: '2010-04-01',
			});
			expect(params.SmsSid).toBe(params.MessageSid);
			expect(Object.values(params).every((v) => typeof v === 'string')).toBe(true);
		});

		it('builds media, button, location, reply and referral variants', () => {
			const media = twilioParams.message({ type: 'image' });
			expect(media).toMatchObject({ NumMedia: '1', MediaContentType0: 'image/jpeg', MessageType: 'image', Body: '' });
			expect(media.MediaUrl0).toMatch(new RegExp(`^https://api\\.twilio\\.com/2010-04-01/Accounts/${DEFAULT_TWILIO_ACCOUNT.accountSid}/Messages/MM[0-9a-f]{32}/Media/ME[0-9a-f]{32}$`));
			expect(twilioParams.message({ button: { text: 'Yes', payload: 'yes' } })).toMatchObject({ MessageType: 'button', ButtonText: 'Yes', ButtonPayload: 'yes' });
			expect(twilioParams.message({ location: { latitude: 1.5, longitude: -2, label: 'Home' } })).toMatchObject({ MessageType: 'location', Latitude: '1.5', Longitude: '-2', Label: 'Home' });
			expect(twilioParams.message({ replyTo: 'SMabc' })).toMatchObject({ OriginalRepliedMessageSid: 'SMabc', OriginalRepliedMessageSender: DEFAULT_TWILIO_ACCOUNT.whatsAppNumber });
			expect(twilioParams.message({ referral: true })).toMatchObject({ ReferralSourceType: 'ad', ReferralCtwaClid: expect.any(String), ReferralNumMedia: '0' });
		});

		it('builds status callbacks', () => {
			const params = twilioParams.status({ status: 'undelivered', messageSid: `SM${'1'.repeat(32)}`, to: 'whatsapp:+15551230000' });
			expect(params).toEqual({
				ChannelPrefix: 'whatsapp',
				ApiVersion: '2010-04-01',
				MessageStatus: 'undelivered',
				SmsSid: `SM${'1'.repeat(32)}`,
				SmsStatus: 'undelivered',
				ChannelInstallSid: senderSid(DEFAULT_TWILIO_ACCOUNT.accountSid, DEFAULT_TWILIO_ACCOUNT.whatsAppNumber),
				To: 'whatsapp:+15551230000',
				From: DEFAULT_TWILIO_ACCOUNT.whatsAppNumber,
				MessageSid: `SM${'1'.repeat(32)}`,
				StructuredMessage: 'false',
				AccountSid: DEFAULT_TWILIO_ACCOUNT.accountSid,
				ChannelToAddress: '+15551230000',
				ErrorCode: '63016',
			});
			expect(twilioParams.status({ status: 'read' }).ErrorCode).toBeUndefined();
		});
	});
});
