import { readFileSync } from 'node:fs';
import path from 'node:path';

import * as phoneNumber from '../../nodes/WhatsAppOmni/helpers/phoneNumber';
import type { UnifiedEvent } from '../../nodes/WhatsAppOmni/providers/events';
import { TWILIO_ERRORS } from '../../nodes/WhatsAppOmni/providers/twilio/errors';
import { parseTwilioWebhook } from '../../nodes/WhatsAppOmni/providers/twilio/webhook';
import { DEPTH_MARKER, MAX_EVENT_DEPTH } from '../../nodes/WhatsAppOmni/providers/webhookEvents';
import { WebhookFormatError } from '../../nodes/WhatsAppOmni/providers/WebhookFormatError';
import { copyAsN8nDoes, depthOf, nestedJson } from '../deepNesting';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'webhooks', 'twilio');
const NOW = new Date('2025-06-09T08:00:00.000Z');
const TIMESTAMP = '2025-06-09T08:00:00.000Z';

type Params = Record<string, string | string[]>;

function load(name: string): Params {
	return JSON.parse(readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8')) as Params;
}

function withoutRaw(events: UnifiedEvent[]): Array<Omit<UnifiedEvent, 'raw'>> {
	return events.map(({ raw: _raw, ...rest }) => rest);
}

const ACCOUNT = 'AC3f9e1c7b2d6a48e5b0c4f7a9d1e2b386';
const BUSINESS = { phoneNumber: '+14155238886' };
const LUCAS = { id: '+5511987654321', waId: '5511987654321', phoneNumber: '+5511987654321', name: 'Lucas Silva' };
const mediaUrl = (mm: string, me: string) => `https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT}/Messages/${mm}/Media/${me}`;

/** One inbound message: the exact event, and raw = the very parameters object. */
function expectMessage(name: string, id: string, message: unknown, contact: unknown = LUCAS): void {
	const params = load(name);
	const events = parseTwilioWebhook(params, NOW);
	expect(withoutRaw(events)).toStrictEqual([
		{ event: 'message', provider: 'twilio', id, timestamp: TIMESTAMP, business: BUSINESS, contact, message },
	]);
	expect(events[0].raw).toBe(params);
}

describe('parseTwilioWebhook: inbound messages', () => {
	it('text, with the ExternalUserId as userId', () => {
		expectMessage(
			'text',
			'SM8f2a6c1e9b3d47a0c5e1f9b2d4a6c8e0',
			{ type: 'text', text: 'Olá! Is the Saturday workshop still on?' },
			{ ...LUCAS, userId: 'BR.59371034928175' },
		);
	});

	it('image: the caption comes from Body', () => {
		const id = 'MMd41c7a9e3b2f45c8a6e0b1d9f3c7a2e5';
		expectMessage('image', id, {
			type: 'image',
			media: { url: mediaUrl(id, 'ME5b8e2a4c9d1f47b3a0c6e8d2f4b1a9c7'), mimeType: 'image/jpeg', caption: 'Here is the receipt' },
		});
	});

	it('two media: the first in media, the second only in raw', () => {
		const id = 'MM2c9e7a1b4d3f48e6a0c5b9d1e7f3a2c4';
		expectMessage('two-media', id, {
			type: 'image',
			media: { url: mediaUrl(id, 'ME1a2b3c4d5e6f708192a3b4c5d6e7f809'), mimeType: 'image/jpeg', caption: 'Front and back' },
		});
		const [event] = parseTwilioWebhook(load('two-media'), NOW);
		expect((event.raw as Params).MediaUrl1).toBe(mediaUrl(id, 'ME9f8e7d6c5b4a39281706f5e4d3c2b1a0'));
		expect((event.raw as Params).MediaContentType1).toBe('image/png');
	});

	it('audio', () => {
		const id = 'MM7a3c5e9b1d2f46a8c0e4b6d8f1a3c5e7';
		expectMessage('audio', id, { type: 'audio', media: { url: mediaUrl(id, 'ME3c5e7a9b1d2f48c6a0e2b4d6f8a1c3e5'), mimeType: 'audio/ogg' } });
	});

	it('video', () => {
		const id = 'MM4e6a8c0b2d1f43e5a7c9b1d3f5a7c9e1';
		expectMessage('video', id, {
			type: 'video',
			media: { url: mediaUrl(id, 'ME6a8c0e2b4d1f45a7c9e1b3d5f7a9c1e3'), mimeType: 'video/mp4', caption: 'The noise it makes' },
		});
	});

	it('document (PDF)', () => {
		const id = 'MM9b1d3f5a7c2e48b0d2f4a6c8e1b3d5f7';
		expectMessage('document-pdf', id, {
			type: 'document',
			media: { url: mediaUrl(id, 'ME2d4f6a8c0e1b43d5f7a9c1e3b5d7f9a1'), mimeType: 'application/pdf', caption: 'Invoice for June' },
		});
	});

	it('sticker (webp)', () => {
		const id = 'MM5c7e9a1b3d2f46c8e0a2b4d6f8a1c3e5';
		expectMessage('sticker-webp', id, { type: 'sticker', media: { url: mediaUrl(id, 'ME8e0a2c4b6d1f43e5a7c9b1d3f5a7c9e2'), mimeType: 'image/webp' } });
	});

	it('a vCard (no MessageType) is inferred as contacts and carries the vCard media', () => {
		const id = 'MM1f3a5c7e9b2d48f0a2c4e6b8d1f3a5c7';
		const vcard = { url: mediaUrl(id, 'ME4a6c8e0b2d1f47a9c1e3b5d7f9a1c3e6'), mimeType: 'text/vcard' };
		expectMessage('vcard-contact', id, { type: 'contacts', media: vcard, contacts: [vcard] });
	});

	it('location with Label and Address', () => {
		expectMessage('location', 'SM3e5a7c9b1d2f40e6a8c0b2d4f6a8c0e2', {
			type: 'location',
			location: { latitude: -23.561414, longitude: -46.655881, name: 'MASP', address: 'Av. Paulista, 1578 - Bela Vista, São Paulo - SP, 01310-200' },
		});
	});

	it('quick-reply button → reply kind button, id from ButtonPayload', () => {
		expectMessage('quick-reply-button', 'SM6b8d0f2a4c1e43b5d7f9a1c3e5b7d9f1', {
			type: 'button',
			reply: { id: 'confirm_booking_4821', title: 'Yes, confirm', payload: 'confirm_booking_4821', kind: 'button' },
			context: { messageId: 'SMc0e2a4b6d8f1a3c5e7b9d1f3a5c7e9b2', from: '+14155238886' },
		});
	});

	it('list-picker reply (MessageType interactive) → reply kind list', () => {
		expectMessage('list-reply', 'SM0d2f4a6c8e1b43d5f7a9c1e3b5d7f9a3', {
			type: 'interactive',
			reply: { id: 'flight_den_0715', title: 'Denver', payload: 'flight_den_0715', kind: 'list' },
			context: { messageId: 'SMe4a6c8b0d2f1a3e5c7b9d1f3a5c7e9b4', from: '+14155238886' },
		});
	});

	it('a reply carries the replied-to message in context', () => {
		expectMessage('reply-context', 'SM2a4c6e8b0d1f43a5c7e9b1d3f5a7c9e5', {
			type: 'text',
			text: 'Tuesday at 10 works',
			context: { messageId: 'SMf1b3d5a7c9e2f44b6d8a0c2e4f6b8d0a', from: '+14155238886' },
		});
	});

	it('forwarded', () => {
		expectMessage('forwarded', 'SM8c0e2a4b6d1f45c7e9a1b3d5f7a9c1e6', {
			type: 'text',
			text: 'Is this offer from you? 50% off all plants today only',
			context: { messageId: '', forwarded: true },
		});
	});

	it('click-to-WhatsApp ad referral in camelCase', () => {
		expectMessage('referral', 'SM4b6d8f0a2c1e47b9d1f3a5c7e9b1d3f7', {
			type: 'text',
			text: 'Hi! I saw your ad about the spring sale',
			referral: {
				sourceUrl: 'https://fb.me/3cr4Wqqkv',
				sourceId: '120226305854810726',
				sourceType: 'ad',
				headline: 'Chat with us',
				body: 'Spring sale: 30% off every plant this week.',
				mediaId: '1206519720611474',
				mediaContentType: 'image/jpeg',
				mediaUrl: mediaUrl('SM4b6d8f0a2c1e47b9d1f3a5c7e9b1d3f7', 'ME7c9e1a3b5d2f48c0e2a4b6d8f1a3c5e8'),
				ctwaClid: 'ARAkLkA8rmlFeiCktEJQ-QTwRiyYHAFDLMNDBH0CD3qpjd0HR4irJ6LEkR7JwFF4XvnO2E4Nx0-eM-GABDLOPaOdRMv-_zfUQ2a',
				numMedia: 1,
			},
		});
	});

	it('uses the time of parsing when no `now` is given', () => {
		const before = Date.now();
		const [event] = parseTwilioWebhook(load('text'));
		const at = Date.parse(event.timestamp);
		expect(at).toBeGreaterThanOrEqual(before);
		expect(at).toBeLessThanOrEqual(Date.now());
	});
});

describe('parseTwilioWebhook: inferring the type without MessageType', () => {
	const base = (extra: Params): Params => ({
		MessageSid: 'SM00000000000000000000000000000001',
		SmsStatus: 'received',
		From: 'whatsapp:+5511987654321',
		To: 'whatsapp:+14155238886',
		WaId: '5511987654321',
		...extra,
	});
	const typeOf = (extra: Params) => parseTwilioWebhook(base(extra), NOW)[0].message;

	it.each([
		['image/jpeg', 'image'],
		['image/webp', 'sticker'],
		['audio/mpeg', 'audio'],
		['video/3gpp', 'video'],
		['application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'document'],
		['text/plain', 'document'],
		['text/x-vcard', 'contacts'],
	])('%s → %s', (contentType, type) => {
		expect(typeOf({ NumMedia: '1', MediaUrl0: 'https://api.twilio.com/x', MediaContentType0: contentType })?.type).toBe(type);
	});

	it('Latitude/Longitude → location', () => {
		expect(typeOf({ Latitude: '51.5074', Longitude: '-0.1278', Body: '' })).toStrictEqual({
			type: 'location',
			location: { latitude: 51.5074, longitude: -0.1278 },
		});
	});

	it('ButtonText without payload → reply whose id is the text', () => {
		expect(typeOf({ ButtonText: 'Maybe later', Body: 'Maybe later' })).toStrictEqual({
			type: 'button',
			reply: { id: 'Maybe later', title: 'Maybe later', kind: 'button' },
		});
	});

	it('an interactive reply without Button* falls back to Body', () => {
		expect(typeOf({ MessageType: 'interactive', Body: 'Chicago' })).toStrictEqual({
			type: 'interactive',
			reply: { id: 'Chicago', title: 'Chicago', kind: 'list' },
		});
	});

	it('Body only (also without any status) → text', () => {
		const params: Params = { MessageSid: 'SM1', From: 'whatsapp:+5511987654321', To: 'whatsapp:+14155238886', Body: 'hi' };
		expect(parseTwilioWebhook(params, NOW)[0]).toMatchObject({ event: 'message', message: { type: 'text', text: 'hi' } });
	});

	it('an unknown MessageType → unsupported, keeping the Body as text', () => {
		expect(typeOf({ MessageType: 'poll', Body: 'Which day?' })).toStrictEqual({ type: 'unsupported', text: 'Which day?' });
	});

	it('repeated parameters use their first value', () => {
		const [event] = parseTwilioWebhook(base({ Body: ['first', 'second'], MessageSid: ['SM1', 'SM2'] }), NOW);
		expect(event.id).toBe('SM1');
		expect(event.message).toStrictEqual({ type: 'text', text: 'first' });
	});
});

describe('parseTwilioWebhook: people without a visible phone number', () => {
	const KERRY = { id: 'US.1234', name: 'Kerry Fisher', username: 'kfisher', userId: 'US.1234', parentUserId: 'US.ENT.5678' };

	it('From=whatsapp:US.1234 is not read as a phone number: no phoneNumber, no waId, contact.id is the BSUID', () => {
		expectMessage('text-bsuid-only', 'SM3b7d1f5a9c2e46b8d0f4a6c8e1b3d5f7', { type: 'text', text: 'Hello from my username' }, KERRY);
	});

	it('without ExternalUserId, the BSUID in From is the userId; a WaId holding the BSUID is not a waId', () => {
		const params: Params = { ...load('text-bsuid-only'), WaId: 'US.1234' };
		delete params.ExternalUserId;
		delete params.ParentExternalUserId;
		const [event] = parseTwilioWebhook(params, NOW);
		expect(event.contact).toStrictEqual({ id: 'US.1234', name: 'Kerry Fisher', username: 'kfisher', userId: 'US.1234' });
	});

	it('a BSUID only in WaId (From unreadable) is still the userId', () => {
		const params: Params = { ...load('text-bsuid-only'), From: 'whatsapp:', WaId: 'US.1234' };
		delete params.ExternalUserId;
		expect(parseTwilioWebhook(params, NOW)[0].contact).toMatchObject({ id: 'US.1234', userId: 'US.1234' });
	});

	it('with a phone number, contact.id is the number even when ExternalUserId names the BSUID', () => {
		const [event] = parseTwilioWebhook(load('text'), NOW);
		expect(event.contact).toMatchObject({ id: '+5511987654321', phoneNumber: '+5511987654321', userId: 'BR.59371034928175' });
	});

	it('a status of a message sent to a BSUID: contact.id and recipient are the BSUID', () => {
		const params = { ...load('status-delivered'), To: 'whatsapp:US.1234', ChannelToAddress: 'US.1234' };
		const [event] = parseTwilioWebhook(params, NOW);
		expect(event.contact).toStrictEqual({ id: 'US.1234', userId: 'US.1234' });
		expect(event.status).toMatchObject({ status: 'delivered', recipient: 'US.1234' });
	});
});

describe('parseTwilioWebhook: status callbacks', () => {
	const SID = 'SM7e9a1c3b5d2f46e8a0c2b4d6f8a1c3e9';
	const CONTACT = { id: '+5511987654321', waId: '5511987654321', phoneNumber: '+5511987654321' };

	function expectStatus(name: string, status: unknown): void {
		const params = load(name);
		const events = parseTwilioWebhook(params, NOW);
		expect(withoutRaw(events)).toStrictEqual([
			{ event: 'status', provider: 'twilio', id: SID, timestamp: TIMESTAMP, business: BUSINESS, contact: CONTACT, status },
		]);
		expect(events[0].raw).toBe(params);
	}

	it.each(['sent', 'delivered', 'read'])('%s', (status) => {
		expectStatus(`status-${status}`, { status, recipient: '+5511987654321' });
	});

	it('failed, with ErrorCode and ChannelStatusMessage', () => {
		expectStatus('status-failed', {
			status: 'failed',
			recipient: '+5511987654321',
			errors: [
				{
					code: 63016,
					// The title is the package's own line for the code (twilio/errors.ts).
					title: TWILIO_ERRORS[63016].message,
					message: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
				},
			],
		});
	});

	it('undelivered, with an ErrorCode only', () => {
		expectStatus('status-undelivered', {
			status: 'undelivered',
			recipient: '+5511987654321',
			errors: [{ code: 63024, title: TWILIO_ERRORS[63024].message }],
		});
	});

	it('an error code the package does not know has no title', () => {
		expect(TWILIO_ERRORS[63999]).toBeUndefined();
		const params = { ...load('status-failed'), ErrorCode: '63999', ChannelStatusMessage: '' };
		expect(parseTwilioWebhook(params, NOW)[0].status).toStrictEqual({ status: 'failed', recipient: '+5511987654321', errors: [{ code: 63999 }] });
	});

	it('queued and other states are statuses too, read from SmsStatus when MessageStatus is missing', () => {
		const params = load('status-sent');
		delete params.MessageStatus;
		params.SmsStatus = 'queued';
		expect(parseTwilioWebhook(params, NOW)[0]).toMatchObject({ event: 'status', status: { status: 'queued' } });
	});

	it('MessageStatus=received is an inbound message, not a status', () => {
		const params = { ...load('text'), MessageStatus: 'received' };
		expect(parseTwilioWebhook(params, NOW)[0].event).toBe('message');
	});
});

describe('parseTwilioWebhook: malformed requests', () => {
	it.each([
		['null', null],
		['an array', [{ MessageSid: 'SM1' }]],
		['a string', 'MessageSid=SM1'],
	])('throws WebhookFormatError for %s', (_label, params) => {
		expect(() => parseTwilioWebhook(params as unknown as Params)).toThrow(WebhookFormatError);
	});

	it('throws without a MessageSid', () => {
		const params = load('text');
		delete params.MessageSid;
		const run = () => parseTwilioWebhook(params);
		expect(run).toThrow(WebhookFormatError);
		try {
			run();
		} catch (error) {
			expect((error as WebhookFormatError).reason).toBe('there is no MessageSid parameter');
			expect((error as WebhookFormatError).provider).toBe('twilio');
		}
		expect(() => parseTwilioWebhook({ MessageSid: '' })).toThrow(WebhookFormatError);
		expect(() => parseTwilioWebhook({})).toThrow(WebhookFormatError);
	});

	it('does not throw for a MessageSid with nothing else', () => {
		expect(withoutRaw(parseTwilioWebhook({ MessageSid: 'SM1' }, NOW))).toStrictEqual([
			{ event: 'message', provider: 'twilio', id: 'SM1', timestamp: TIMESTAMP, business: {}, contact: {}, message: { type: 'unsupported' } },
		]);
	});
});

describe('parseTwilioWebhook: a request it cannot read in full is still an event', () => {
	it('a JSON body with a parameter nested 10,000 levels deep: emitted with the deep part cut and named, and n8n can copy it', () => {
		const params = { ...load('text'), Extra: JSON.parse(nestedJson(10000)) } as unknown as Params;
		const [event] = parseTwilioWebhook(params, NOW);
		expect(withoutRaw([event])).toStrictEqual([
			{
				event: 'message',
				provider: 'twilio',
				id: 'SM8f2a6c1e9b3d47a0c5e1f9b2d4a6c8e0',
				timestamp: TIMESTAMP,
				business: BUSINESS,
				contact: { ...LUCAS, userId: 'BR.59371034928175' },
				message: { type: 'text', text: 'Olá! Is the Saturday workshop still on?' },
				// event › raw › Extra (depth 2) › a … the object at depth 65 is cut.
				truncated: [`raw.Extra${'.a'.repeat(63)}`],
			},
		]);
		let cut: any = (event.raw as any).Extra;
		for (let i = 0; i < 63; i++) cut = cut.a;
		expect(cut).toBe(DEPTH_MARKER);
		expect((event.raw as Params).Body).toBe(params.Body);
		expect(depthOf(event)).toBeLessThanOrEqual(MAX_EVENT_DEPTH + 1);
		expect(() => copyAsN8nDoes(event)).not.toThrow();
		// The request's own parameters are not changed.
		expect(depthOf(params)).toBeGreaterThan(10000);
	});

	it('never has timestampInvalid: Twilio sends no timestamp, the time of receipt is the timestamp', () => {
		const [event] = parseTwilioWebhook({ ...load('status-delivered'), Timestamp: '9999999999999' }, NOW);
		expect(event.timestamp).toBe(TIMESTAMP);
		expect(event).not.toHaveProperty('timestampInvalid');
	});

	describe('when parsing throws past the MessageSid check', () => {
		let spy: jest.SpyInstance;
		beforeEach(() => {
			spy = jest.spyOn(phoneNumber, 'phoneNumberOrUndefined').mockImplementation(() => {
				throw new TypeError('cannot read this number');
			});
		});
		afterEach(() => spy.mockRestore());

		it.each([
			['an inbound message', 'text', 'message'],
			['a status callback', 'status-failed', 'status'],
		])('%s becomes an unsupported event with the reason and the parameters', (_label, fixture, item) => {
			const params = load(fixture);
			const events = parseTwilioWebhook(params, NOW);
			expect(events).toStrictEqual([
				{
					event: 'unsupported',
					provider: 'twilio',
					id: params.MessageSid,
					timestamp: TIMESTAMP,
					business: {},
					contact: {},
					update: { field: 'messages', item, parseError: 'TypeError: cannot read this number' },
					raw: params,
				},
			]);
			expect(events[0].raw).toBe(params);
		});
	});
});
