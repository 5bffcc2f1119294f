import { readFileSync } from 'node:fs';
import path from 'node:path';

import * as phoneNumber from '../../nodes/WhatsAppOmni/helpers/phoneNumber';
import type { UnifiedEvent } from '../../nodes/WhatsAppOmni/providers/events';
import { parseMetaWebhook } from '../../nodes/WhatsAppOmni/providers/meta/webhook';
import { DEPTH_MARKER, MAX_EVENT_DEPTH } from '../../nodes/WhatsAppOmni/providers/webhookEvents';
import { WebhookFormatError } from '../../nodes/WhatsAppOmni/providers/WebhookFormatError';
import { copyAsN8nDoes, depthOf, nested, nestedJson } from '../deepNesting';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'webhooks', 'meta');
const NOW = new Date('2025-06-09T08:00:00.000Z');

function load(name: string): any {
	return JSON.parse(readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8'));
}

function parse(name: string): { body: any; value: any; events: UnifiedEvent[] } {
	const body = load(name);
	return { body, value: body.entry[0].changes[0].value, events: parseMetaWebhook(body, NOW) };
}

function withoutRaw(events: UnifiedEvent[]): Array<Omit<UnifiedEvent, 'raw'>> {
	return events.map(({ raw: _raw, ...rest }) => rest);
}

const BUSINESS = { phoneNumber: '+15550783881', phoneNumberId: '106540352242922', wabaId: '102290129340398' };
const SHEENA = { id: '+16505551234', waId: '16505551234', phoneNumber: '+16505551234', name: 'Sheena Nelson' };

/** One inbound message: the event (minus raw) and raw = that message with its metadata and contact. */
function expectSingleMessage(name: string, id: string, timestamp: string, message: unknown, contact: unknown = SHEENA): void {
	const { value, events } = parse(name);
	expect(events).toHaveLength(1);
	expect(withoutRaw(events)).toStrictEqual([
		{ event: 'message', provider: 'meta', id, timestamp, business: BUSINESS, contact, message },
	]);
	const raw = events[0].raw as any;
	expect(raw.message).toBe(value.messages[0]);
	expect(raw.metadata).toBe(value.metadata);
	if (value.contacts) expect(raw.contact).toBe(value.contacts[0]);
	else expect(raw).not.toHaveProperty('contact');
	expect(Object.keys(raw).sort()).toEqual(value.contacts ? ['contact', 'message', 'metadata'] : ['message', 'metadata']);
}

describe('parseMetaWebhook: inbound messages', () => {
	it('text, with the BSUID from contacts and from_user_id', () => {
		expectSingleMessage(
			'text',
			'wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=',
			'2025-06-08T20:59:43.000Z',
			{ type: 'text', text: 'Hi! Do you ship to Canada?' },
			{ ...SHEENA, userId: 'US.13491208655302741918' },
		);
	});

	it('image with caption and download URL', () => {
		expectSingleMessage('image', 'wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQUI0QkE5MDJBMzVEMEZGNEQ2NQA=', '2025-06-08T20:59:50.000Z', {
			type: 'image',
			media: {
				id: '1003383421387256',
				url: 'https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1003383421387256&ext=1749416690&hash=ATuHbyRqLQ8m9zYHQGKVcJ1t',
				mimeType: 'image/jpeg',
				sha256: 'rCK4DxTHpCYbUDHSxKNpmc2mPn3fPpNgNl3eoDSmuFE=',
				caption: 'The box arrived damaged',
			},
		});
	});

	it('audio voice note keeps voice: true', () => {
		expectSingleMessage('audio-voice', 'wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQUQ3NzZFMEY3QjYzNEI5QjU3QQA=', '2025-06-08T21:00:01.000Z', {
			type: 'audio',
			media: {
				id: '1546716409395658',
				url: 'https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1546716409395658&ext=1749416701&hash=ATvT4i9z2lw2bH3h6mV4F1xA',
				mimeType: 'audio/ogg; codecs=opus',
				sha256: 'Yp1CmFwZfEMhAmJZ5DFw3iWDWxO1BAYyq5Pf3o7U4yk=',
				voice: true,
			},
		});
	});

	it('video', () => {
		expectSingleMessage('video', 'wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQTk1QjQ3NjQ4MkMxNjAwNzUzRgA=', '2025-06-08T21:00:12.000Z', {
			type: 'video',
			media: {
				id: '1166846181421424',
				url: 'https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1166846181421424&ext=1749416712&hash=ATsa1bGQJ6JbVxE2kT9p0Qvw',
				mimeType: 'video/mp4',
				sha256: 'PJkL0l3gSsQ1cPqN6vU4wMhjXy7h2Qq2lfU0qZ7w4xk=',
				caption: 'Unboxing',
			},
		});
	});

	it('document with filename and caption', () => {
		expectSingleMessage('document', 'wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQUM5MjFGRkE1MjJEQkRBMjQxNgA=', '2025-06-08T21:00:20.000Z', {
			type: 'document',
			media: {
				id: '1233541374773474',
				url: 'https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1233541374773474&ext=1749416720&hash=ATtyvH0rBvXf3bQ2yMZl8pQk',
				mimeType: 'application/pdf',
				sha256: 'wGyYKGrEp8u0nIVJ3Ks8cY3Zj8K5Yq5FHj3x3v1pW9A=',
				caption: 'My invoice',
				filename: 'invoice-2025-0612.pdf',
			},
		});
	});

	it('animated sticker keeps animated: true', () => {
		expectSingleMessage('sticker-animated', 'wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQUVDQUU5NjQ3RkM3NDBERUJDRAA=', '2025-06-08T21:00:31.000Z', {
			type: 'sticker',
			media: {
				id: '1080948127112345',
				url: 'https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1080948127112345&ext=1749416731&hash=ATsQ8F2tR0vNn3aP1uYw2kLm',
				mimeType: 'image/webp',
				sha256: 'nzLHo+o8y1mR2QwF4Qb0Iyx3nU9Ab6b2r7sV9m+4sUo=',
				animated: true,
			},
		});
	});

	it('location', () => {
		expectSingleMessage('location', 'wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQUIwM0QyQzc3RTA1NDRDN0MzMAA=', '2025-06-08T21:00:40.000Z', {
			type: 'location',
			location: {
				latitude: 37.483307,
				longitude: -122.148981,
				name: 'Philz Coffee',
				address: '1 Hacker Way, Menlo Park, CA 94025',
				url: 'https://www.philzcoffee.com',
			},
		});
	});

	it('contacts keeps Meta\u2019s contact cards as they are', () => {
		const { value, events } = parse('contacts');
		expectSingleMessage('contacts', 'wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQUY0NEZBNjE4RDM0OEE2QjE2RQA=', '2025-06-08T21:00:52.000Z', {
			type: 'contacts',
			contacts: [
				{
					addresses: [{ city: 'Menlo Park', country: 'United States', country_code: 'us', state: 'CA', street: '1 Hacker Way', type: 'WORK', zip: '94025' }],
					birthday: '1990-07-14',
					emails: [{ email: 'kevin.ortiz@example.com', type: 'WORK' }],
					name: { formatted_name: 'Kevin Ortiz', first_name: 'Kevin', last_name: 'Ortiz' },
					org: { company: 'Lucky Shrub', department: 'Sales', title: 'Manager' },
					phones: [{ phone: '+1 (650) 555-1200', wa_id: '16505551200', type: 'WORK' }],
					urls: [{ url: 'https://www.luckyshrub.com', type: 'WORK' }],
				},
			],
		});
		expect(events[0].message?.contacts).toBe(value.messages[0].contacts);
	});

	it('interactive button_reply → reply kind button, with context', () => {
		expectSingleMessage('interactive-button-reply', 'wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQUNCNjk5RDUwNUZGMUZEM0VBRAA=', '2025-06-08T21:01:00.000Z', {
			type: 'interactive',
			reply: { id: 'cancel-button', title: 'Cancel', kind: 'button' },
			context: { messageId: 'wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI0QzZCMTE3OUVGMUM4OEI0NUEA', from: '+15550783881' },
		});
	});

	it('interactive list_reply → reply kind list with description', () => {
		expectSingleMessage('interactive-list-reply', 'wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQTFGMjA5QjMxQzA5QTMxRUU1MAA=', '2025-06-08T21:01:10.000Z', {
			type: 'interactive',
			reply: { id: 'priority_express', title: 'Priority Mail Express', description: 'Next Day to 2 Days', kind: 'list' },
			context: { messageId: 'wamid.HBgLMTY1MDU1NTEyMzQVAgARGBJCOTk0RkU2NUI2QjJBOTg2NTUA', from: '+15550783881' },
		});
	});

	it('interactive nfm_reply (Flow) → reply kind flow with response_json in payload', () => {
		expectSingleMessage('interactive-nfm-reply', 'wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQTBBQkJGOUM2RDk0NzNBMzg3QQA=', '2025-06-08T21:01:20.000Z', {
			type: 'interactive',
			reply: {
				id: 'flow',
				title: 'Sent',
				payload: '{"flow_token":"AQAAAAACS5FpgQ_cAAAAAD0QI3s.","appointment_date":"2025-06-20","appointment_time":"10:30","party_size":"2"}',
				kind: 'flow',
			},
			context: { messageId: 'wamid.HBgLMTY1MDU1NTEyMzQVAgARGBJGRjZFRDM4RUI2MzY1RjkwNjMA', from: '+15550783881' },
		});
	});

	it('template quick-reply button → reply kind template_button', () => {
		expectSingleMessage('template-button', 'wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQThCMzU1QkE3ODI3MDMyQTdGMgA=', '2025-06-08T21:01:30.000Z', {
			type: 'button',
			reply: { id: 'unsubscribe_promotions', title: 'Stop promotions', payload: 'unsubscribe_promotions', kind: 'template_button' },
			context: { messageId: 'wamid.HBgLMTY1MDU1NTEyMzQVAgARGBJDQ0YxMjgwMTM2NTNDMEY4MDMA', from: '+15550783881' },
		});
	});

	it('reaction', () => {
		expectSingleMessage('reaction', 'wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQTZFMjdDMDkzNEE1RDY5NjQxOAA=', '2025-06-08T21:01:40.000Z', {
			type: 'reaction',
			reaction: { messageId: 'wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI1QzU4RkY2M0EwNzE1OTFGNzMA', emoji: '\u{1F44D}' },
		});
	});

	it('reaction removed has no emoji', () => {
		expectSingleMessage('reaction-removed', 'wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQTNDNDVBN0U2MkE0OEFFMTc3MQA=', '2025-06-08T21:01:50.000Z', {
			type: 'reaction',
			reaction: { messageId: 'wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI1QzU4RkY2M0EwNzE1OTFGNzMA' },
		});
	});

	it('order', () => {
		expectSingleMessage('order', 'wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQTc0QjYwOUJGNEJFRDRFOEE4OAA=', '2025-06-08T21:02:00.000Z', {
			type: 'order',
			order: {
				catalogId: '194836987003835',
				text: 'Please gift-wrap the plant',
				items: [
					{ productId: 'di9ozbzfi4', quantity: 2, price: 30, currency: 'USD' },
					{ productId: 'nqryix03ez', quantity: 1, price: 25.5, currency: 'USD' },
				],
			},
		});
	});

	it('system messages other than identity changes stay messages of type system', () => {
		const body = load('system-user-changed-number');
		const message = body.entry[0].changes[0].value.messages[0];
		message.system = { type: 'customer_identity_changed', body: 'User A’s security code changed', identity: 'abc=' };
		const [event] = parseMetaWebhook(body, NOW);
		expect(event.event).toBe('message');
		expect(event.message).toStrictEqual({ type: 'system', system: { type: 'customer_identity_changed', body: 'User A’s security code changed' } });
		expect(event.contact).toStrictEqual({ id: '+16505551234', waId: '16505551234', phoneNumber: '+16505551234' });
	});

	it('request_welcome', () => {
		expectSingleMessage('request-welcome', 'wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQURGRTBCNjNCOUM2NzI0QjIxNAA=', '2025-06-08T21:02:20.000Z', {
			type: 'request_welcome',
		});
	});

	it('unsupported keeps Meta\u2019s errors', () => {
		expectSingleMessage('unsupported', 'wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQTQ4QTg3MzlBNzE0MzEyNjNDOQA=', '2025-06-08T21:02:30.000Z', {
			type: 'unsupported',
			errors: [
				{ code: 131051, title: 'Message type unknown', message: 'Message type unknown', details: 'Message type is currently not supported.' },
			],
		});
	});

	it('an unknown message type becomes unsupported, without throwing', () => {
		expectSingleMessage('unknown-type', 'wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQTk5ODg3NzY2NTU0NDMzMjIxMQA=', '2025-06-08T21:02:35.000Z', {
			type: 'unsupported',
		});
	});

	it('click-to-WhatsApp ad referral in camelCase', () => {
		expectSingleMessage('referral-text', 'wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQTJENkFCNUQ2RjI0NzU5ODlCRAA=', '2025-06-08T21:02:40.000Z', {
			type: 'text',
			text: 'Hi! I saw your ad about the spring sale',
			referral: {
				sourceUrl: 'https://fb.me/3cr4Wqqkv',
				sourceId: '120226305854810726',
				sourceType: 'ad',
				body: 'Spring sale: 30% off every plant this week.',
				headline: 'Chat with us',
				mediaType: 'image',
				imageUrl: 'https://scontent.xx.fbcdn.net/v/t45.1600-4/518949135_1203839741437894_n.jpg',
				ctwaClid:
					'Aff-n8ZTODiE79d22KtAwQKj9e_mIEOOj27vDVwFjN80dp4_0NiNhEgpGo0AHemvuSoifXaytfTzcchptiErTKCqTrJ5nW1h7IHYeYymGb5K5J5iTROpBhWAGaIAeUzHL50',
				welcomeMessage: { text: 'Hi there! Let us know how we can help!' },
			},
		});
	});

	it('a reply carries the quoted message in context', () => {
		expectSingleMessage('context-reply', 'wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQUIxQjhFMEM3RkQ0QzRGQjQxQQA=', '2025-06-08T21:02:50.000Z', {
			type: 'text',
			text: 'Yes, Tuesday works for me',
			context: { messageId: 'wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI3QTI4NjAxQjI2RkU2RTkxMDMA', from: '+15550783881' },
		});
	});

	it('forwarded and frequently forwarded messages: a context without a message ID', () => {
		const { value, events } = parse('context-forwarded');
		expect(withoutRaw(events)).toStrictEqual([
			{
				event: 'message',
				provider: 'meta',
				id: 'wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQUE5MEVBQzk2QzYzNkZBNTc3MAA=',
				timestamp: '2025-06-08T21:03:00.000Z',
				business: BUSINESS,
				contact: SHEENA,
				message: { type: 'text', text: 'Is this offer from you?', context: { forwarded: true } },
			},
			{
				event: 'message',
				provider: 'meta',
				id: 'wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQTFEOTQ1QzQ1QkMzQjA2RjVDRAA=',
				timestamp: '2025-06-08T21:03:01.000Z',
				business: BUSINESS,
				contact: SHEENA,
				message: {
					type: 'image',
					media: {
						id: '1298705581453210',
						url: 'https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1298705581453210&ext=1749416881&hash=ATs0cT9mUq7sHk2rLq1pZ3Xn',
						mimeType: 'image/jpeg',
						sha256: 'b4X8Zt2e2Hq0S3Iv8Qp4zq7k9CXk1kK3b2nP6T1cW1s=',
					},
					context: { frequentlyForwarded: true },
				},
			},
		]);
		expect((events[0].raw as any).message).toBe(value.messages[0]);
		expect((events[1].raw as any).message).toBe(value.messages[1]);
	});

	it('edit: the new content, with the edited message’s ID', () => {
		expectSingleMessage('edit', 'wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQUVEMTIzNDU2Nzg5MEFCQ0RFRgA=', '2025-06-08T21:03:10.000Z', {
			type: 'edit',
			text: 'Hi! Do you ship to Canada and Mexico?',
			edit: { originalMessageId: 'wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=' },
		});
	});

	it('revoke: the deleted message’s ID', () => {
		expectSingleMessage('revoke', 'wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQVJFVk9LRTEyMzQ1Njc4OTBBQgA=', '2025-06-08T21:03:20.000Z', {
			type: 'revoke',
			revoke: { originalMessageId: 'wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQUIxQjhFMEM3RkQ0QzRGQjQxQQA=' },
		});
	});

	it('a username user without `from`: contact by BSUID, no phone number', () => {
		expectSingleMessage(
			'username-bsuid',
			'wamid.HBgUVVMuODIwMzc0NjE1NjI5OTE4NBUCABIYFDNBNUFCMzE0MzE2Mzc0NDc4QTNBAA==',
			'2026-04-22T10:30:22.000Z',
			{ type: 'text', text: 'Hello from my username account' },
			{ id: 'US.8203746156299184', name: 'Mara Quinn', username: '@maraquinn', userId: 'US.8203746156299184' },
		);
	});
});

describe('parseMetaWebhook: people without a visible phone number, and identity changes', () => {
	const only = (body: unknown): UnifiedEvent => {
		const events = parseMetaWebhook(body, NOW);
		expect(events).toHaveLength(1);
		return events[0];
	};
	const numberChange = (from: string | undefined, system: Record<string, unknown>, extra: Record<string, unknown> = {}) => {
		const body = load('system-user-changed-number');
		const message = body.entry[0].changes[0].value.messages[0];
		if (from === undefined) delete message.from;
		else message.from = from;
		message.system = system;
		Object.assign(message, extra);
		return body;
	};

	it('contact.id is the phone number whenever the event has one, also next to a BSUID', () => {
		const { events } = parse('text');
		expect(events[0].contact).toMatchObject({ id: '+16505551234', phoneNumber: '+16505551234', userId: 'US.13491208655302741918' });
	});

	it('a username user without `from` or `wa_id`: contact.id is the BSUID, with the parent BSUID and the username', () => {
		const { value, events } = parse('username-parent-bsuid');
		expect(withoutRaw(events)).toStrictEqual([
			{
				event: 'message',
				provider: 'meta',
				id: 'wamid.HBgGVVMuMTIzNBUCABIYFDNBMTIzNEtGSVNIRVIwMDAwMDAxAA==',
				timestamp: '2016-01-30T01:57:09.000Z',
				business: BUSINESS,
				contact: { id: 'US.1234', name: 'Kerry Fisher', username: 'kfisher', userId: 'US.1234', parentUserId: 'US.ENT.5678' },
				message: { type: 'text', text: 'Hello World' },
			},
		]);
		expect(events[0].contact).not.toHaveProperty('phoneNumber');
		expect((events[0].raw as any).contact).toBe(value.contacts[0]);
	});

	it('a message with from_parent_user_id but no contacts entry keeps both BSUIDs', () => {
		const body = load('username-parent-bsuid');
		delete body.entry[0].changes[0].value.contacts;
		expect(only(body).contact).toStrictEqual({ id: 'US.1234', userId: 'US.1234', parentUserId: 'US.ENT.5678' });
	});

	it('a status of a message sent to a BSUID (no recipient_id): contact.id and recipient are the BSUID', () => {
		const { events } = parse('status-delivered-bsuid');
		expect(withoutRaw(events)).toStrictEqual([
			{
				event: 'status',
				provider: 'meta',
				id: 'wamid.HBgGVVMuMTIzNBUCABEYEjRCMkM5RDhFN0YxQTNCNkMwNQA=',
				timestamp: '2016-01-30T01:58:20.000Z',
				business: BUSINESS,
				contact: { id: 'US.1234', name: 'Kerry Fisher', username: 'kfisher', userId: 'US.1234', parentUserId: 'US.ENT.5678' },
				status: {
					status: 'delivered',
					recipient: 'US.1234',
					pricing: { billable: false, pricingModel: 'PMP', category: 'service', type: 'free_customer_service' },
				},
			},
		]);
	});

	it.each(['parent_recipient_user_id', 'recipient_parent_user_id'])('the parent BSUID of a status recipient is read from %s', (key) => {
		const body = load('status-delivered-bsuid');
		const value = body.entry[0].changes[0].value;
		delete value.contacts;
		const status = value.statuses[0];
		delete status.parent_recipient_user_id;
		status[key] = 'US.ENT.5678';
		expect(only(body).contact).toStrictEqual({ id: 'US.1234', userId: 'US.1234', parentUserId: 'US.ENT.5678' });
	});

	it('user_changed_number is an identity event (not a system message): old number from `from`, new from wa_id', () => {
		const { value, events } = parse('system-user-changed-number');
		expect(withoutRaw(events)).toStrictEqual([
			{
				event: 'identity',
				provider: 'meta',
				id: 'wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQUJCQ0NERUVGMDEyMzQ1Njc4OQA=',
				timestamp: '2025-06-08T21:02:10.000Z',
				business: BUSINESS,
				contact: { id: '+16505559876', waId: '16505559876', phoneNumber: '+16505559876' },
				identity: {
					change: 'phoneNumber',
					previous: { phoneNumber: '+16505551234' },
					current: { phoneNumber: '+16505559876' },
					description: 'User Sheena Nelson changed from 16505551234 to 16505559876',
				},
			},
		]);
		expect(events[0].raw).toStrictEqual({ metadata: value.metadata, message: value.messages[0] });
	});

	it('user_changed_number without `from` or wa_id: both numbers from the body, when it says them exactly', () => {
		const body = numberChange(undefined, { type: 'user_changed_number', body: 'User Sheena Nelson changed from 16505551234 to 16505559876' });
		expect(only(body).identity).toStrictEqual({
			change: 'phoneNumber',
			previous: { phoneNumber: '+16505551234' },
			current: { phoneNumber: '+16505559876' },
			description: 'User Sheena Nelson changed from 16505551234 to 16505559876',
		});
		expect(only(body).contact).toStrictEqual({ id: '+16505559876', waId: '16505559876', phoneNumber: '+16505559876' });
	});

	it.each([
		['another wording', 'Sheena Nelson has a new number'],
		['a number that is not only digits', 'User Sheena Nelson changed from 16505551234 to a new number'],
		['text after the numbers', 'User Sheena Nelson changed from 16505551234 to 16505559876 yesterday'],
	])('user_changed_number whose body is %s: the number it does not give stays unknown', (_label, text) => {
		const event = only(numberChange(undefined, { type: 'user_changed_number', body: text }));
		expect(event.event).toBe('identity');
		expect(event.identity).toStrictEqual({ change: 'phoneNumber', previous: {}, current: {}, description: text });
		expect(event.contact).toStrictEqual({});
	});

	it('user_changed_number: `from` and wa_id win over the body', () => {
		const event = only(numberChange('16505550000', { type: 'user_changed_number', wa_id: '16505551111', body: 'User X changed from 16505552222 to 16505553333' }));
		expect(event.identity).toMatchObject({ previous: { phoneNumber: '+16505550000' }, current: { phoneNumber: '+16505551111' } });
	});

	it('user_changed_number with new BSUIDs: the previous ones from Meta’s previous_* fields', () => {
		const event = only(
			numberChange(
				'16505551234',
				{
					type: 'user_changed_number',
					wa_id: '16505559876',
					user_id: 'US.2222',
					parent_user_id: 'US.ENT.2222',
					previous_user_id: 'US.1111',
					previous_parent_user_id: 'US.ENT.1111',
					body: 'User Sheena Nelson changed from 16505551234 to 16505559876',
				},
				{ from_user_id: 'US.9999' },
			),
		);
		expect(event.identity).toStrictEqual({
			change: 'phoneNumber',
			previous: { phoneNumber: '+16505551234', userId: 'US.1111', parentUserId: 'US.ENT.1111' },
			current: { phoneNumber: '+16505559876', userId: 'US.2222', parentUserId: 'US.ENT.2222' },
			description: 'User Sheena Nelson changed from 16505551234 to 16505559876',
		});
		expect(event.contact).toStrictEqual({ id: '+16505559876', waId: '16505559876', phoneNumber: '+16505559876', userId: 'US.2222', parentUserId: 'US.ENT.2222' });
	});

	it('user_changed_user_id is an identity event: the old BSUIDs are the sender’s, the new ones in system', () => {
		const { value, events } = parse('system-user-changed-user-id');
		expect(withoutRaw(events)).toStrictEqual([
			{
				event: 'identity',
				provider: 'meta',
				id: 'wamid.HBgUVVMuMTM0OTEyMDg2NTUzMDI3NDE5MTgVAgASGBQzQUNIQU5HRURVU0VSSUQwMDAxAA==',
				timestamp: '2026-04-23T10:26:40.000Z',
				business: BUSINESS,
				contact: { id: 'US.24810175936240186523', userId: 'US.24810175936240186523', parentUserId: 'US.ENT.30264718592047318865' },
				identity: {
					change: 'userId',
					previous: { userId: 'US.13491208655302741918', parentUserId: 'US.ENT.11815799212886844830' },
					current: { userId: 'US.24810175936240186523', parentUserId: 'US.ENT.30264718592047318865' },
				},
			},
		]);
		expect(events[0].raw).toStrictEqual({ metadata: value.metadata, message: value.messages[0] });
	});

	it('user_changed_user_id of a person with a number: contact.id stays the number', () => {
		const body = load('system-user-changed-user-id');
		const message = body.entry[0].changes[0].value.messages[0];
		message.from = '16505551234';
		message.system.wa_id = '16505551234';
		const event = only(body);
		expect(event.contact).toMatchObject({ id: '+16505551234', waId: '16505551234', phoneNumber: '+16505551234', userId: 'US.24810175936240186523' });
		expect(event.identity?.previous).toStrictEqual({ userId: 'US.13491208655302741918', parentUserId: 'US.ENT.11815799212886844830' });
	});

	it('user_changed_user_id: Meta’s previous_user_id wins over the sender; a sender equal to the new ID is no old ID', () => {
		const body = load('system-user-changed-user-id');
		const message = body.entry[0].changes[0].value.messages[0];
		message.system.previous_user_id = 'US.1111';
		expect(only(body).identity?.previous.userId).toBe('US.1111');

		delete message.system.previous_user_id;
		message.from_user_id = message.system.user_id;
		delete message.from_parent_user_id;
		expect(only(body).identity?.previous).toStrictEqual({});

		// Without the new ID the sender's cannot be placed: before or after the change.
		message.from_user_id = 'US.13491208655302741918';
		delete message.system.user_id;
		expect(only(body).identity).toStrictEqual({ change: 'userId', previous: {}, current: { parentUserId: 'US.ENT.30264718592047318865' } });
	});

	it('user_id_update: one identity event per item, with the number when the item has one', () => {
		const { value, events } = parse('user-id-update');
		expect(withoutRaw(events)).toStrictEqual([
			{
				event: 'identity',
				provider: 'meta',
				id: 'user_id_update:106540352242922:US.1349120865530274:US.2481017593624018:1700000003',
				timestamp: '2023-11-14T22:13:23.000Z',
				business: BUSINESS,
				contact: { id: '+15557654321', waId: '15557654321', phoneNumber: '+15557654321', userId: 'US.2481017593624018' },
				identity: {
					change: 'userId',
					previous: { userId: 'US.1349120865530274' },
					current: { userId: 'US.2481017593624018' },
					description: 'User id for Test User has been updated.',
				},
			},
		]);
		expect(events[0].raw).toStrictEqual({ metadata: value.metadata, update: value.user_id_update[0] });

		const body = load('user-id-update');
		const items = body.entry[0].changes[0].value.user_id_update;
		items.push({ detail: 'Again', user_id: { previous: 'US.2481017593624018', current: 'US.3' } });
		delete items[0].timestamp;
		const two = parseMetaWebhook(body, NOW);
		expect(two.map((e) => [e.event, e.id, e.timestamp, e.contact.id])).toEqual([
			['identity', 'user_id_update:106540352242922:US.1349120865530274:US.2481017593624018:1700000004', '2023-11-14T22:13:24.000Z', '+15557654321'],
			['identity', 'user_id_update:106540352242922:US.2481017593624018:US.3:1700000004', '2023-11-14T22:13:24.000Z', 'US.3'],
		]);
	});

	it('a user_id_update without its list stays an unsupported update, with its raw', () => {
		const body = load('user-id-update');
		body.entry[0].changes[0].value = { user_id: { previous: 'US.1', current: 'US.2' } };
		const event = only(body);
		expect([event.event, event.update]).toEqual(['unsupported', { field: 'user_id_update' }]);
		expect(event.raw).toBe(body.entry[0].changes[0]);
	});
});

describe('parseMetaWebhook: statuses', () => {
	const SENT_ID = 'wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI3RjlGNDNCQUQ5RDZGRjFEQUQA';

	function expectSingleStatus(name: string, expected: Omit<UnifiedEvent, 'raw' | 'event' | 'provider' | 'business'>): void {
		const { value, events } = parse(name);
		expect(withoutRaw(events)).toStrictEqual([{ event: 'status', provider: 'meta', business: BUSINESS, ...expected }]);
		const raw = events[0].raw as any;
		expect(raw.status).toBe(value.statuses[0]);
		expect(raw.metadata).toBe(value.metadata);
		if (value.contacts) expect(raw.contact).toBe(value.contacts[0]);
		else expect(raw).not.toHaveProperty('contact');
	}

	it('sent, with pricing and conversation in camelCase', () => {
		expectSingleStatus('status-sent', {
			id: SENT_ID,
			timestamp: '2025-06-08T21:03:20.000Z',
			contact: { ...SHEENA, userId: 'US.13491208655302741918' },
			status: {
				status: 'sent',
				recipient: '+16505551234',
				pricing: { billable: false, pricingModel: 'PMP', category: 'service', type: 'free_customer_service' },
				conversation: { id: 'c2b27e9e5d8f0e3f4bd0a5a6d1f2c3b4', expirationTimestamp: '1749503000', origin: { type: 'service' } },
			},
		});
	});

	it('delivered, with pricing', () => {
		expectSingleStatus('status-delivered', {
			id: SENT_ID,
			timestamp: '2025-06-08T21:03:23.000Z',
			contact: SHEENA,
			status: {
				status: 'delivered',
				recipient: '+16505551234',
				pricing: { billable: true, pricingModel: 'PMP', category: 'utility', type: 'regular' },
			},
		});
	});

	it('read', () => {
		expectSingleStatus('status-read', {
			id: SENT_ID,
			timestamp: '2025-06-08T21:04:00.000Z',
			contact: SHEENA,
			status: { status: 'read', recipient: '+16505551234' },
		});
	});

	it('failed, with errors (no contacts entry on failures)', () => {
		expectSingleStatus('status-failed', {
			id: 'wamid.HBgLMTY1MDU1NTEyMzQVAgARGBJERUFEQkVFRjAxMjM0NTY3ODkA',
			timestamp: '2025-06-08T21:04:10.000Z',
			contact: { id: '+16505551234', waId: '16505551234', phoneNumber: '+16505551234' },
			status: {
				status: 'failed',
				recipient: '+16505551234',
				errors: [
					{
						code: 131047,
						title: 'Re-engagement message',
						message: 'Re-engagement message',
						details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
					},
				],
			},
		});
	});
});

describe('parseMetaWebhook: other updates', () => {
	it('a value-level error becomes an error event', () => {
		const { value, events } = parse('errors-value');
		expect(withoutRaw(events)).toStrictEqual([
			{
				event: 'error',
				provider: 'meta',
				id: 'error:106540352242922:130429',
				timestamp: NOW.toISOString(),
				business: BUSINESS,
				contact: {},
				update: {
					field: 'messages',
					code: 130429,
					title: 'Rate limit hit',
					message: 'Rate limit hit',
					details: 'Message failed to send because there were too many messages sent from this phone number in a short period of time',
					href: '/documentation/business-messaging/whatsapp/support/error-codes',
				},
			},
		]);
		expect(events[0].raw).toStrictEqual({ metadata: value.metadata, error: value.errors[0] });
		expect((events[0].raw as any).error).toBe(value.errors[0]);
	});

	it('message_template_status_update → template event, keyed by template ID', () => {
		const { body, events } = parse('template-status-update');
		expect(withoutRaw(events)).toStrictEqual([
			{
				event: 'template',
				provider: 'meta',
				id: '1689556908129832',
				timestamp: '2025-06-08T21:11:40.000Z',
				business: { wabaId: '102290129340398' },
				contact: {},
				update: {
					field: 'message_template_status_update',
					event: 'REJECTED',
					messageTemplateId: 1689556908129832,
					messageTemplateName: 'order_confirmation',
					messageTemplateLanguage: 'en_US',
					reason: 'INVALID_FORMAT',
					messageTemplateCategory: 'UTILITY',
					rejectionInfo: {
						reason: 'The template has a variable at the start of the body.',
						recommendation: 'Move the variable away from the start of the body text.',
					},
				},
			},
		]);
		expect(events[0].raw).toBe(body.entry[0].changes[0]);
	});

	it('template_category_update → template event', () => {
		const { body, events } = parse('template-category-update');
		expect(withoutRaw(events)).toStrictEqual([
			{
				event: 'template',
				provider: 'meta',
				id: '278077987592745',
				timestamp: '2025-06-08T21:13:20.000Z',
				business: { wabaId: '102290129340398' },
				contact: {},
				update: {
					field: 'template_category_update',
					messageTemplateId: 278077987592745,
					messageTemplateName: 'welcome_offer',
					messageTemplateLanguage: 'en_US',
					previousCategory: 'UTILITY',
					newCategory: 'MARKETING',
				},
			},
		]);
		expect(events[0].raw).toBe(body.entry[0].changes[0]);
	});

	it('account_update → account event', () => {
		const { body, events } = parse('account-update');
		expect(withoutRaw(events)).toStrictEqual([
			{
				event: 'account',
				provider: 'meta',
				id: 'account_update:102290129340398:ACCOUNT_VIOLATION:1749417300',
				timestamp: '2025-06-08T21:15:00.000Z',
				business: { phoneNumber: '+15550783881', wabaId: '102290129340398' },
				contact: {},
				update: {
					field: 'account_update',
					phoneNumber: '15550783881',
					event: 'ACCOUNT_VIOLATION',
					violationInfo: { violationType: 'SCAM' },
				},
			},
		]);
		expect(events[0].raw).toBe(body.entry[0].changes[0]);
	});

	it('phone_number_quality_update → account event', () => {
		const { events } = parse('phone-number-quality-update');
		expect(withoutRaw(events)).toStrictEqual([
			{
				event: 'account',
				provider: 'meta',
				id: 'phone_number_quality_update:102290129340398:FLAGGED:1749417400',
				timestamp: '2025-06-08T21:16:40.000Z',
				business: { phoneNumber: '+15550783881', wabaId: '102290129340398' },
				contact: {},
				update: {
					field: 'phone_number_quality_update',
					displayPhoneNumber: '15550783881',
					event: 'FLAGGED',
					currentLimit: 'TIER_10K',
					oldLimit: 'TIER_10K',
				},
			},
		]);
	});

	it('an unknown field becomes an unsupported event carrying the change', () => {
		const { body, events } = parse('unknown-field');
		expect(withoutRaw(events)).toStrictEqual([
			{
				event: 'unsupported',
				provider: 'meta',
				id: 'user_preferences:102290129340398:1749417500',
				timestamp: '2025-06-08T21:18:20.000Z',
				business: BUSINESS,
				contact: {},
				update: { field: 'user_preferences' },
			},
		]);
		expect(events[0].raw).toBe(body.entry[0].changes[0]);
	});

	it('a messages change with none of messages, statuses or errors becomes unsupported', () => {
		const change = { field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' }, polls: [{ id: 'x' }] } };
		const events = parseMetaWebhook({ object: 'whatsapp_business_account', entry: [{ id: '102290129340398', changes: [change] }] }, NOW);
		expect(withoutRaw(events)).toStrictEqual([
			{
				event: 'unsupported',
				provider: 'meta',
				id: 'messages:102290129340398',
				timestamp: NOW.toISOString(),
				business: BUSINESS,
				contact: {},
				update: { field: 'messages' },
			},
		]);
		expect(events[0].raw).toBe(change);
	});
});

describe('parseMetaWebhook: batches', () => {
	it('yields one event per message and status, in order, across entries and changes', () => {
		const body = load('batch');
		const events = parseMetaWebhook(body, NOW);
		expect(events.map((e) => [e.event, e.id, e.message?.type ?? e.status?.status, e.business.phoneNumberId, e.contact.name])).toEqual([
			['message', 'wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQTAwMUY4QkU5MkQ1OTNDNDYxMQA=', 'text', '106540352242922', 'Sheena Nelson'],
			['message', 'wamid.HBgMNDQ3NzAwOTAwMTIzFQIAEhgUM0EyNzA0QUM1QjhFNkIzRjlDMjgA', 'text', '106540352242922', 'Kai Tanaka'],
			['message', 'wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQTVDOEQxRjA3NkEzOUU2QkQ0MgA=', 'reaction', '106540352242922', 'Sheena Nelson'],
			['status', 'wamid.HBgLMTY1MDU1NTEyMzQVAgARGBJFMkQ0NkI3QTkwQzMxRjU4QjcA', 'delivered', '106540352242922', 'Sheena Nelson'],
			['status', 'wamid.HBgLMTY1MDU1NTEyMzQVAgARGBJFMkQ0NkI3QTkwQzMxRjU4QjcA', 'read', '106540352242922', 'Sheena Nelson'],
			['status', 'wamid.HBgMNDQ3NzAwOTAwMTIzFQIAERgSMDlGN0EyQzU0QjNFODZEMTAA', 'failed', '107349252013733', undefined],
			['message', 'wamid.HBgMNDQ3NzAwOTAwMTIzFQIAEhgUM0FGMkI5ODBENDE2QzcyRTVBMDEA', 'text', '107349252013733', 'Kai Tanaka'],
		]);
		// Each event carries its own WABA, number and contact, and only its own item in raw.
		expect(events[1].contact).toStrictEqual({ id: '+447700900123', waId: '447700900123', phoneNumber: '+447700900123', name: 'Kai Tanaka' });
		expect(events[5].business).toStrictEqual({ phoneNumber: '+15550199342', phoneNumberId: '107349252013733', wabaId: '109876543210987' });
		expect(events[6].business.wabaId).toBe('109876543210987');
		expect((events[1].raw as any).message).toBe(body.entry[0].changes[0].value.messages[1]);
		expect((events[1].raw as any).contact).toBe(body.entry[0].changes[0].value.contacts[1]);
		expect((events[4].raw as any).status).toBe(body.entry[0].changes[1].value.statuses[1]);
		expect(events[2].message?.reaction).toStrictEqual({ messageId: 'wamid.HBgLMTY1MDU1NTEyMzQVAgARGBIwQjE3QzA5RjNFNTk2OUIyMUEA', emoji: '\u2764\uFE0F' });
		// Events do not share mutable objects.
		expect(events[0].business).not.toBe(events[1].business);
	});

	it('an empty entry array yields no events', () => {
		expect(parseMetaWebhook({ object: 'whatsapp_business_account', entry: [] })).toEqual([]);
	});
});

describe('parseMetaWebhook: malformed bodies', () => {
	it.each([
		['null', null],
		['a string', '{"object":"whatsapp_business_account"}'],
		['an array', [{ object: 'whatsapp_business_account', entry: [] }]],
		['a number', 42],
	])('throws WebhookFormatError for %s', (_label, body) => {
		expect(() => parseMetaWebhook(body)).toThrow(WebhookFormatError);
	});

	it('throws for another object type, naming it', () => {
		const run = () => parseMetaWebhook({ object: 'page', entry: [] });
		expect(run).toThrow(WebhookFormatError);
		expect(run).toThrow('"object" is "page", not "whatsapp_business_account"');
		try {
			run();
		} catch (error) {
			expect(error).toBeInstanceOf(Error);
			expect((error as WebhookFormatError).reason).toBe('"object" is "page", not "whatsapp_business_account"');
			expect((error as WebhookFormatError).provider).toBe('meta');
		}
	});

	it('throws when entry is missing or not an array', () => {
		expect(() => parseMetaWebhook({ object: 'whatsapp_business_account' })).toThrow(WebhookFormatError);
		expect(() => parseMetaWebhook({ object: 'whatsapp_business_account', entry: { id: '1' } })).toThrow('"entry" is not an array');
	});

	it('throws when an entry has no changes array or a change has no field', () => {
		expect(() => parseMetaWebhook({ object: 'whatsapp_business_account', entry: [{ id: '1' }] })).toThrow('entry[0] has no "changes" array');
		expect(() => parseMetaWebhook({ object: 'whatsapp_business_account', entry: ['x'] })).toThrow(WebhookFormatError);
		expect(() =>
			parseMetaWebhook({ object: 'whatsapp_business_account', entry: [{ id: '1', changes: [{ value: {} }] }] }),
		).toThrow('entry[0].changes[0] has no "field"');
	});
});

describe('parseMetaWebhook: never throws inside a well-formed envelope', () => {
	const envelope = (value: unknown, field = 'messages') => ({
		object: 'whatsapp_business_account',
		entry: [{ id: '102290129340398', changes: [{ field, value }] }],
	});

	it.each([
		['a message with no type', { messages: [{ from: '16505551234', id: 'wamid.A', timestamp: '1749416383' }] }],
		['a text message without its text object', { messages: [{ from: '16505551234', id: 'wamid.A', timestamp: '1749416383', type: 'text' }] }],
		['an interactive message of an unknown kind', { messages: [{ id: 'wamid.A', type: 'interactive', interactive: { type: 'carousel_reply', carousel_reply: {} } }] }],
		['a location without coordinates', { messages: [{ id: 'wamid.A', type: 'location', location: { name: 'Somewhere' } }] }],
		['items that are not objects', { messages: ['x', null], statuses: [1], errors: [false] }],
		['a value that is not an object', 'nonsense'],
		['a status without anything', { statuses: [{}] }],
	])('%s', (_label, value) => {
		expect(() => parseMetaWebhook(envelope(value), NOW)).not.toThrow();
	});

	it('reads what it can of odd items and uses `now`, marked with timestampInvalid, for unreadable timestamps', () => {
		const events = parseMetaWebhook(
			envelope({ messages: [{ id: 'wamid.A', timestamp: 'soon', type: 'interactive', interactive: { type: 'carousel_reply' } }], statuses: [{}] }),
			NOW,
		);
		expect(withoutRaw(events)).toStrictEqual([
			{ event: 'message', provider: 'meta', id: 'wamid.A', timestamp: NOW.toISOString(), timestampInvalid: 'soon', business: { wabaId: '102290129340398' }, contact: {}, message: { type: 'unsupported' } },
			{ event: 'status', provider: 'meta', id: '', timestamp: NOW.toISOString(), business: { wabaId: '102290129340398' }, contact: {}, status: { status: '', recipient: '' } },
		]);
	});

	it('a call permission reply is an interactive reply of kind call_permission', () => {
		const [event] = parseMetaWebhook(
			envelope({
				messages: [
					{
						from: '16505551234',
						id: 'wamid.C',
						timestamp: '1749416383',
						type: 'interactive',
						interactive: { type: 'call_permission_reply', call_permission_reply: { response: 'accept', is_permanent: false, expiration_timestamp: 1750021183, response_source: 'user_action' } },
					},
				],
			}),
			NOW,
		);
		expect(event.message).toStrictEqual({ type: 'interactive', reply: { id: 'accept', title: 'accept', kind: 'call_permission' } });
	});

	it('a messages change whose arrays are not arrays becomes unsupported', () => {
		const events = parseMetaWebhook(envelope({ messages: 'x' }), NOW);
		expect(events.map((e) => [e.event, e.update])).toStrictEqual([['unsupported', { field: 'messages' }]]);
	});

	it('statuses of group messages use the participant as contact and the group as recipient', () => {
		const [event] = parseMetaWebhook(
			envelope({
				statuses: [
					{ id: 'wamid.G', status: 'read', timestamp: '1749416383', recipient_id: '120363025246125486@g.us', recipient_type: 'group', recipient_participant_id: '16505551234' },
				],
			}),
			NOW,
		);
		expect(event.contact).toStrictEqual({ id: '+16505551234', waId: '16505551234', phoneNumber: '+16505551234' });
		expect(event.status).toStrictEqual({ status: 'read', recipient: '120363025246125486@g.us' });
	});

	it('a status sent to a BSUID has the BSUID as recipient', () => {
		const [event] = parseMetaWebhook(
			envelope({ statuses: [{ id: 'wamid.U', status: 'delivered', timestamp: '1776853822', recipient_user_id: 'US.8203746156299184' }] }),
			NOW,
		);
		expect(event.contact).toStrictEqual({ id: 'US.8203746156299184', userId: 'US.8203746156299184' });
		expect(event.status).toStrictEqual({ status: 'delivered', recipient: 'US.8203746156299184' });
	});
});

describe('parseMetaWebhook: an item it cannot read does not fail the batch', () => {
	const METADATA = { display_phone_number: '15550783881', phone_number_id: '106540352242922' };
	const batch = (value: object, field = 'messages', time?: unknown): any => ({
		object: 'whatsapp_business_account',
		entry: [{ id: '102290129340398', ...(time === undefined ? {} : { time }), changes: [{ field, value }] }],
	});
	const text = (id: string, timestamp: unknown, extra: object = {}) => ({ from: '16505551234', id, timestamp, type: 'text', text: { body: id }, ...extra });

	it.each([
		['a string beyond the date range', '9999999999999', '9999999999999'],
		['a number beyond the date range', 1e300, '1e+300'],
		['text', 'abc', 'abc'],
		['a negative number', -5, '-5'],
		['an object', { seconds: 1 }, '{"seconds":1}'],
	])('a message timestamp that is %s: the message is kept at the time of receipt, with timestampInvalid', (_label, timestamp, invalid) => {
		const body = batch({ metadata: METADATA, messages: [text('wamid.GOOD1', '1749416383'), text('wamid.BAD', timestamp), text('wamid.GOOD2', '1749416384')] });
		const events = parseMetaWebhook(body, NOW);
		expect(events.map((e) => [e.event, e.id, e.timestamp, e.timestampInvalid, e.message?.text])).toStrictEqual([
			['message', 'wamid.GOOD1', '2025-06-08T20:59:43.000Z', undefined, 'wamid.GOOD1'],
			['message', 'wamid.BAD', NOW.toISOString(), invalid, 'wamid.BAD'],
			['message', 'wamid.GOOD2', '2025-06-08T20:59:44.000Z', undefined, 'wamid.GOOD2'],
		]);
		expect(events[0]).not.toHaveProperty('timestampInvalid');
		expect((events[1].raw as any).message.timestamp).toBe(timestamp);
	});

	it('a far but valid timestamp is read, not marked', () => {
		const [event] = parseMetaWebhook(batch({ metadata: METADATA, messages: [text('wamid.FAR', '9999999999')] }), NOW);
		expect(event.timestamp).toBe('2286-11-20T17:46:39.000Z');
		expect(event).not.toHaveProperty('timestampInvalid');
	});

	it('a status timestamp beyond the date range: the status is kept, marked', () => {
		const statuses = [
			{ id: 'wamid.S1', status: 'delivered', timestamp: 1e300, recipient_id: '16505551234' },
			{ id: 'wamid.S2', status: 'read', timestamp: '1749416383', recipient_id: '16505551234' },
		];
		const events = parseMetaWebhook(batch({ metadata: METADATA, statuses }), NOW);
		expect(events.map((e) => [e.event, e.status?.status, e.timestamp, e.timestampInvalid])).toStrictEqual([
			['status', 'delivered', NOW.toISOString(), '1e+300'],
			['status', 'read', '2025-06-08T20:59:43.000Z', undefined],
		]);
	});

	it.each([
		['a template update', 'message_template_status_update', { event: 'APPROVED', message_template_id: 1, message_template_name: 't' }, 'template'],
		['an account update', 'account_update', { event: 'VERIFIED_ACCOUNT' }, 'account'],
		['an unknown field', 'brand_new_field', { x: 1 }, 'unsupported'],
		['a value-level error', 'messages', { metadata: METADATA, errors: [{ code: 130429, title: 'Rate limit hit' }] }, 'error'],
	])('an entry.time beyond the date range on %s: the event is kept, marked', (_label, field, value, kind) => {
		const events = parseMetaWebhook(batch(value, field, '9999999999999'), NOW);
		expect(events.map((e) => [e.event, e.timestamp, e.timestampInvalid])).toStrictEqual([[kind, NOW.toISOString(), '9999999999999']]);
	});

	it.each([2000, 20000])('an account update nested %i levels deep: camelCase near the top, the deep part cut instead of overflowing', (depth) => {
		const value = { event: 'ACCOUNT_VIOLATION', violation_info: { violation_type: 'SCAM', next_level: nested(depth, 'bottom', 'next_level') } };
		const body = batch(value, 'account_update', 1749417300);
		const [event] = parseMetaWebhook(body, NOW);
		expect(event).toMatchObject({ event: 'account', timestamp: '2025-06-08T21:15:00.000Z', update: { field: 'account_update', event: 'ACCOUNT_VIOLATION', violationInfo: { violationType: 'SCAM', nextLevel: { nextLevel: {} } } } });
		// event › update › violationInfo › nextLevel (depth 3) … the object at depth 65 is cut.
		expect(event.truncated).toStrictEqual([`update.violationInfo${'.nextLevel'.repeat(63)}`, `raw.value.violation_info${'.next_level'.repeat(62)}`]);
		let cut: any = event.update!.violationInfo;
		for (let i = 0; i < 63; i++) cut = cut.nextLevel;
		expect(cut).toBe(DEPTH_MARKER);
		expect(depthOf(event)).toBeLessThanOrEqual(MAX_EVENT_DEPTH + 1);
		expect(() => copyAsN8nDoes(event)).not.toThrow();
		// The request's own body is not changed.
		expect(depthOf(body.entry[0].changes[0].value)).toBeGreaterThan(depth);
	});

	it('a message carrying a payload nested 6,000 levels deep: emitted with the deep part cut and named, and n8n can copy it', () => {
		const deep = JSON.parse(nestedJson(6000));
		const body = batch({ metadata: METADATA, messages: [text('wamid.DEEP', '1749416383', { extra: deep }), text('wamid.PLAIN', '1749416384')] });
		const events = parseMetaWebhook(body, NOW);
		expect(events.map((e) => [e.event, e.id, e.message?.type])).toStrictEqual([
			['message', 'wamid.DEEP', 'text'],
			['message', 'wamid.PLAIN', 'text'],
		]);
		// event › raw › message › extra (depth 3) › a … the object at depth 65 is cut.
		expect(events[0].truncated).toStrictEqual([`raw.message.extra${'.a'.repeat(62)}`]);
		let cut: any = (events[0].raw as any).message.extra;
		for (let i = 0; i < 62; i++) cut = cut.a;
		expect(cut).toBe(DEPTH_MARKER);
		expect(events[1]).not.toHaveProperty('truncated');
		for (const event of events) expect(() => copyAsN8nDoes(event)).not.toThrow();
		// Only the path to the cut is copied: the metadata is still the request's own object.
		expect((events[0].raw as any).metadata).toBe(body.entry[0].changes[0].value.metadata);
		expect(depthOf(body.entry[0].changes[0].value.messages[0])).toBeGreaterThan(6000);
	});

	it('a deep referral or Flow answer is cut too', () => {
		const message = {
			from: '16505551234',
			id: 'wamid.FLOW',
			timestamp: '1749416383',
			type: 'interactive',
			interactive: { type: 'nfm_reply', nfm_reply: { name: 'flow', body: 'Sent', response_json: nested(6000) } },
			referral: { source_url: 'https://example.com', deep_field: nested(6000) },
		};
		const [event] = parseMetaWebhook(batch({ metadata: METADATA, messages: [message] }), NOW);
		expect(event.message).toMatchObject({ type: 'interactive', reply: { kind: 'flow', payload: expect.stringContaining(DEPTH_MARKER) }, referral: { sourceUrl: 'https://example.com' } });
		expect(event.truncated).toEqual(expect.arrayContaining([expect.stringMatching(/^message\.referral\.deepField(\.a)+$/), expect.stringMatching(/^raw\.message\.referral\.deep_field(\.a)+$/)]));
		expect(() => copyAsN8nDoes(event)).not.toThrow();
	});

	it('an envelope whose "object" is nested 10,000 levels deep is still a 400 (WebhookFormatError), not a crash', () => {
		const run = () => parseMetaWebhook({ object: JSON.parse(nestedJson(10000)), entry: [] }, NOW);
		expect(run).toThrow(WebhookFormatError);
		expect(run).toThrow(`"object" is {"a":{"a":{"a":{"a":{"a":"${DEPTH_MARKER}"}}}}}, not "whatsapp_business_account"`);
	});

	describe('an item whose parsing throws', () => {
		const BROKEN = '19990000000';
		let spy: jest.SpyInstance;
		beforeEach(() => {
			const original = phoneNumber.phoneNumberOrUndefined;
			spy = jest.spyOn(phoneNumber, 'phoneNumberOrUndefined').mockImplementation((value) => {
				if (value === BROKEN) throw new TypeError('cannot read this number');
				return original(value);
			});
		});
		afterEach(() => spy.mockRestore());

		it('becomes an unsupported event with the reason and its raw; the rest of the batch goes on', () => {
			const broken = { from: BROKEN, id: 'wamid.BROKEN', timestamp: '1749416383', type: 'text', text: { body: 'x' } };
			const statuses = [
				{ id: 'wamid.S1', status: 'read', timestamp: '1749416383', recipient_id: BROKEN },
				{ id: 'wamid.S2', status: 'read', timestamp: '1749416383', recipient_id: '16505551234' },
			];
			const body = batch({ metadata: METADATA, messages: [text('wamid.GOOD1', '1749416383'), broken, text('wamid.GOOD2', '1749416383')], statuses });
			const events = parseMetaWebhook(body, NOW);
			expect(events.map((e) => [e.event, e.id])).toStrictEqual([
				['message', 'wamid.GOOD1'],
				['unsupported', 'wamid.BROKEN'],
				['message', 'wamid.GOOD2'],
				['unsupported', 'wamid.S1'],
				['status', 'wamid.S2'],
			]);
			expect(events[1]).toStrictEqual({
				event: 'unsupported',
				provider: 'meta',
				id: 'wamid.BROKEN',
				timestamp: NOW.toISOString(),
				business: BUSINESS,
				contact: {},
				update: { field: 'messages', item: 'message', parseError: 'TypeError: cannot read this number' },
				raw: { metadata: METADATA, message: broken },
			});
			expect(events[3].update).toStrictEqual({ field: 'messages', item: 'status', parseError: 'TypeError: cannot read this number' });
			expect((events[3].raw as any).status).toBe(statuses[0]);
		});

		it('a change that fails before its events becomes one unsupported event for the change', () => {
			const body = {
				object: 'whatsapp_business_account',
				entry: [
					{ id: '102290129340398', time: 1749417300, changes: [{ field: 'account_update', value: { phone_number: BROKEN, event: 'X' } }, { field: 'messages', value: { metadata: METADATA, messages: [text('wamid.OK', '1749416383')] } }] },
				],
			};
			const events = parseMetaWebhook(body, NOW);
			expect(withoutRaw(events)[0]).toStrictEqual({
				event: 'unsupported',
				provider: 'meta',
				id: 'account_update:102290129340398:1749417300',
				timestamp: NOW.toISOString(),
				business: { wabaId: '102290129340398' },
				contact: {},
				update: { field: 'account_update', item: 'update', parseError: 'TypeError: cannot read this number' },
			});
			expect(events[0].raw).toBe(body.entry[0].changes[0]);
			expect(events[1]).toMatchObject({ event: 'message', id: 'wamid.OK' });
		});
	});
});
