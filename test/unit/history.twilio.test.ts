import nock from 'nock';
import { DEFAULT_DELIVERY_SETTINGS, withDeliverySettings } from '../../nodes/WhatsAppOmni/helpers/retryPolicy';

import { ValidationError } from '../../nodes/WhatsAppOmni/helpers/ValidationError';
import { ProviderError } from '../../nodes/WhatsAppOmni/providers/ProviderError';
import { clearTwilioClients } from '../../nodes/WhatsAppOmni/providers/twilio/client';
import { toStoredMessage, type TwilioMessageJson } from '../../nodes/WhatsAppOmni/providers/twilio/history';
import { TwilioProvider } from '../../nodes/WhatsAppOmni/providers/twilio/TwilioProvider';
import type { TwilioCredentials } from '../../nodes/WhatsAppOmni/providers/types';
import { rejectionOf, useNock } from './nockHelpers';
import { ACCOUNT, twilioCredentials as credentials, twilioHost } from './twilioFixtures';

const BUSINESS = 'whatsapp:+14155238886';
const CONTACT = 'whatsapp:+15551234567';
const LIST_PATH = `/2010-04-01/Accounts/${ACCOUNT}/Messages.json`;
const api = () => twilioHost('api');
const provider = (overrides: Partial<TwilioCredentials> = {}) => new TwilioProvider({ ...credentials, ...overrides });

const sid = (n: number, prefix = 'SM') => `${prefix}${String(n).padStart(32, '0')}`;

/** A Message resource as Twilio sends it; `minute` is the minute of 2025-01-10 12:00 UTC it was sent. */
function wire(n: number, minute: number, inbound: boolean, overrides: Partial<TwilioMessageJson> = {}): TwilioMessageJson {
	const at = new Date(Date.UTC(2025, 0, 10, 12, minute)).toUTCString().replace('GMT', '+0000');
	return {
		account_sid: ACCOUNT,
		api_version: '2010-04-01',
		body: `message ${n}`,
		date_created: at,
		date_sent: at,
		date_updated: at,
		direction: inbound ? 'inbound' : 'outbound-api',
		error_code: null,
		error_message: null,
		from: inbound ? CONTACT : BUSINESS,
		messaging_service_sid: null,
		num_media: '0',
		num_segments: '1',
		price: '-0.00500',
		price_unit: 'USD',
		sid: sid(n),
		status: inbound ? 'received' : 'delivered',
		subresource_uris: { media: `/2010-04-01/Accounts/${ACCOUNT}/Messages/${sid(n)}/Media.json` },
		to: inbound ? BUSINESS : CONTACT,
		uri: `/2010-04-01/Accounts/${ACCOUNT}/Messages/${sid(n)}.json`,
		...overrides,
	};
}

/** Twilio's v2010 list envelope. */
function page(messages: TwilioMessageJson[], query: Record<string, string>, next?: Record<string, string>) {
	const uri = (q: Record<string, string>) => `${LIST_PATH}?${new URLSearchParams(q).toString()}`;
	return {
		end: Math.max(messages.length - 1, 0),
		first_page_uri: uri({ ...query, Page: '0' }),
		messages,
		next_page_uri: next ? uri(next) : null,
		page: 0,
		page_size: Number(query.PageSize),
		previous_page_uri: null,
		start: 0,
		uri: uri(query),
	};
}

const outboundQuery = (extra: Record<string, string> = {}) => ({ To: CONTACT, From: BUSINESS, ...extra });
const inboundQuery = (extra: Record<string, string> = {}) => ({ From: CONTACT, To: BUSINESS, ...extra });
const ids = (messages: Array<{ messageId: string }>) => messages.map((m) => m.messageId);

useNock(clearTwilioClients);

describe('Twilio Get Status: getMessage', () => {
	it('fetches Messages/{Sid}.json and maps it to the unified message, raw being the wire JSON', async () => {
		const body = wire(1, 5, false, {
			sid: sid(1, 'MM'),
			num_media: '1',
			status: 'undelivered',
			error_code: 63016,
			error_message: 'Outside the 24-hour window',
			date_sent: 'Fri, 10 Jan 2025 12:05:02 +0000',
			date_updated: 'Fri, 10 Jan 2025 12:05:09 +0000',
		});
		const scope = api().get(`/2010-04-01/Accounts/${ACCOUNT}/Messages/${sid(1, 'MM')}.json`).reply(200, body);

		const message = await provider().getMessage(` ${sid(1, 'MM')} `);

		expect(scope.isDone()).toBe(true);
		expect(message).toEqual({
			provider: 'twilio',
			messageId: sid(1, 'MM'),
			direction: 'outbound',
			status: 'undelivered',
			providerStatus: 'undelivered',
			from: '+14155238886',
			to: '+15551234567',
			contact: '+15551234567',
			text: 'message 1',
			mediaCount: 1,
			error: { code: 63016, message: 'Outside the 24-hour window' },
			createdAt: '2025-01-10T12:05:00.000Z',
			sentAt: '2025-01-10T12:05:02.000Z',
			updatedAt: '2025-01-10T12:05:09.000Z',
			price: { amount: '-0.00500', currency: 'USD' },
			raw: body,
		});
	});

	it('maps an inbound message: the contact is the sender, status received, no price when Twilio has none', async () => {
		const body = wire(2, 0, true, { price: null, date_sent: null });
		api().get(`/2010-04-01/Accounts/${ACCOUNT}/Messages/${sid(2)}.json`).reply(200, body);
		const message = await provider().getMessage(sid(2));
		expect(message).toMatchObject({ direction: 'inbound', status: 'received', from: '+15551234567', to: '+14155238886', contact: '+15551234567' });
		expect(message).not.toHaveProperty('price');
		expect(message).not.toHaveProperty('sentAt');
		expect(message).not.toHaveProperty('error');
	});

	it.each(['', 'wamid.HBgLMTU1NTEyMzQ1NjcVAgARGBI', 'SM123', `XX${'0'.repeat(32)}`, `SM${'g'.repeat(32)}`])(
		'refuses %p before any request, naming the field',
		async (id) => {
			const error = await rejectionOf(provider().getMessage(id));
			expect(error).toBeInstanceOf(ValidationError);
			expect(error).toMatchObject({ field: 'Message ID' });
			expect((error as ValidationError).message).toMatch(id ? /is not a Twilio message SID/ : /is empty/);
			expect(nock.pendingMocks()).toEqual([]);
		},
	);

	it('turns Twilio’s 404 into a ProviderError with code 20404 and a hint', async () => {
		api()
			.get(`/2010-04-01/Accounts/${ACCOUNT}/Messages/${sid(3)}.json`)
			.reply(404, { code: 20404, message: `The requested resource ${LIST_PATH} was not found`, more_info: 'https://www.twilio.com/docs/errors/20404', status: 404 });
		const error = await rejectionOf(provider().getMessage(sid(3)));
		expect(error).toBeInstanceOf(ProviderError);
		expect(error).toMatchObject({ provider: 'twilio', code: 20404, httpStatus: 404, message: 'The Twilio resource was not found' });
	});

	it.each([
		['accepted', false, 'queued'],
		['scheduled', false, 'queued'],
		['queued', false, 'queued'],
		['sending', false, 'queued'],
		['sent', false, 'sent'],
		['delivered', false, 'delivered'],
		['read', false, 'read'],
		['failed', false, 'failed'],
		['canceled', false, 'failed'],
		['undelivered', false, 'undelivered'],
		['partially_delivered', false, 'undelivered'],
		['receiving', true, 'received'],
		['received', true, 'received'],
		['some_future_word', true, 'received'],
		['some_future_word', false, 'queued'],
	])('status %s (inbound: %s) → %s, the raw word kept', (status, inbound, unified) => {
		const message = toStoredMessage(wire(4, 0, inbound, { status }));
		expect({ status: message.status, providerStatus: message.providerStatus }).toEqual({ status: unified, providerStatus: status });
	});

	it.each(['outbound-api', 'outbound-reply', 'outbound-call'])('direction %s is outbound, the contact the recipient', (direction) => {
		expect(toStoredMessage(wire(5, 0, false, { direction }))).toMatchObject({ direction: 'outbound', contact: '+15551234567' });
	});
});

describe('Twilio Get Chat History: getChatHistory', () => {
	it('queries both directions with the business number and merges them newest first', async () => {
		const outbound = api()
			.get(LIST_PATH)
			.query(outboundQuery({ PageSize: '1000' }))
			.reply(200, page([wire(4, 40, false), wire(2, 20, false)], outboundQuery({ PageSize: '1000' })));
		const inbound = api()
			.get(LIST_PATH)
			.query(inboundQuery({ PageSize: '1000' }))
			.reply(200, page([wire(5, 50, true), wire(3, 30, true), wire(1, 10, true)], inboundQuery({ PageSize: '1000' })));

		const messages = await provider().getChatHistory({ contact: '+15551234567' });

		expect(outbound.isDone() && inbound.isDone()).toBe(true);
		expect(ids(messages)).toEqual([sid(5), sid(4), sid(3), sid(2), sid(1)]);
		expect(messages.map((m) => m.direction)).toEqual(['inbound', 'outbound', 'inbound', 'outbound', 'inbound']);
		expect(messages[1]).toEqual(toStoredMessage(wire(4, 40, false)));
		expect(messages[1].raw).toEqual(wire(4, 40, false));
	});

	it('follows next_page_uri over several pages and drops a SID it already has', async () => {
		const query = outboundQuery({ PageSize: '1000' });
		const second = { ...query, Page: '1', PageToken: `PA${sid(6)}` };
		const third = { ...query, Page: '2', PageToken: `PA${sid(4)}` };
		const scopes = [
			api().get(LIST_PATH).query(query).reply(200, page([wire(7, 50, false), wire(6, 45, false)], query, second)),
			api().get(LIST_PATH).query(second).reply(200, page([wire(5, 40, false), wire(4, 35, false)], second, third)),
			// A message sent meanwhile can show up on two pages.
			api().get(LIST_PATH).query(third).reply(200, page([wire(4, 35, false), wire(2, 20, false)], third)),
			api().get(LIST_PATH).query(inboundQuery({ PageSize: '1000' })).reply(200, page([wire(3, 30, true)], inboundQuery({ PageSize: '1000' }))),
		];

		const messages = await provider().getChatHistory({ contact: '+15551234567' });

		expect(scopes.every((scope) => scope.isDone())).toBe(true);
		expect(ids(messages)).toEqual([sid(7), sid(6), sid(5), sid(4), sid(3), sid(2)]);
	});

	it('reads only what a Limit needs: page size = limit, no further page', async () => {
		const query = outboundQuery({ PageSize: '2' });
		const later = { ...query, Page: '1', PageToken: `PA${sid(6)}` };
		const outbound = api().get(LIST_PATH).query(query).reply(200, page([wire(7, 50, false), wire(6, 45, false)], query, later));
		const inbound = api()
			.get(LIST_PATH)
			.query(inboundQuery({ PageSize: '2' }))
			.reply(200, page([wire(5, 40, true)], inboundQuery({ PageSize: '2' }), { ...inboundQuery({ PageSize: '2' }), Page: '1', PageToken: `PA${sid(5)}` }));
		const notRead = api().get(LIST_PATH).query(later).reply(200, page([], later));

		const messages = await provider().getChatHistory({ contact: '+15551234567', limit: 2 });

		expect(ids(messages)).toEqual([sid(7), sid(6)]);
		expect(outbound.isDone() && inbound.isDone()).toBe(true);
		expect(notRead.isDone()).toBe(false);
	});

	it('widens a date range to whole UTC days for Twilio and keeps only the exact range', async () => {
		const days = { 'DateSent>': '2025-01-10', 'DateSent<': '2025-01-10' };
		const outbound = api()
			.get(LIST_PATH)
			.query(outboundQuery({ ...days, PageSize: '1000' }))
			.reply(200, page([wire(5, 50, false), wire(4, 40, false), wire(1, 10, false)], outboundQuery({ ...days, PageSize: '1000' })));
		const inbound = api()
			.get(LIST_PATH)
			.query(inboundQuery({ ...days, PageSize: '1000' }))
			.reply(200, page([wire(3, 30, true), wire(2, 20, true)], inboundQuery({ ...days, PageSize: '1000' })));

		const messages = await provider().getChatHistory({
			contact: '+15551234567',
			after: '2025-01-10T12:20:00.000Z',
			before: '2025-01-10T12:40:00.000Z',
		});

		expect(outbound.isDone() && inbound.isDone()).toBe(true);
		// Inclusive at both ends: 12:20 and 12:40 are in, 12:10 and 12:50 are out.
		expect(ids(messages)).toEqual([sid(4), sid(3), sid(2)]);
	});

	it('stops reading a query once its messages are older than After', async () => {
		const query = outboundQuery({ 'DateSent>': '2025-01-10', PageSize: '1000' });
		const next = { ...query, Page: '1', PageToken: `PA${sid(1)}` };
		api().get(LIST_PATH).query(query).reply(200, page([wire(4, 40, false), wire(1, 10, false)], query, next));
		const inboundQ = inboundQuery({ 'DateSent>': '2025-01-10', PageSize: '1000' });
		api().get(LIST_PATH).query(inboundQ).reply(200, page([wire(3, 30, true)], inboundQ));
		const notRead = api().get(LIST_PATH).query(next).reply(200, page([], next));

		const messages = await provider().getChatHistory({ contact: '+15551234567', after: '2025-01-10T12:15:00Z' });

		expect(ids(messages)).toEqual([sid(4), sid(3)]);
		expect(notRead.isDone()).toBe(false);
	});

	it('with only a Messaging Service, filters each direction on the contact alone', async () => {
		const outbound = api()
			.get(LIST_PATH)
			.query({ To: CONTACT, PageSize: '5' })
			.reply(200, page([wire(2, 20, false)], { To: CONTACT, PageSize: '5' }));
		const inbound = api()
			.get(LIST_PATH)
			.query({ From: CONTACT, PageSize: '5' })
			.reply(200, page([wire(1, 10, true)], { From: CONTACT, PageSize: '5' }));

		const messages = await provider({ whatsAppNumber: '', messagingServiceSid: `MG${'0'.repeat(32)}` }).getChatHistory({ contact: '+15551234567', limit: 5 });

		expect(outbound.isDone() && inbound.isDone()).toBe(true);
		expect(ids(messages)).toEqual([sid(2), sid(1)]);
	});

	it('refuses After later than Before, and a date that is none, before any request', async () => {
		const reversed = await rejectionOf(provider().getChatHistory({ contact: '+15551234567', after: '2025-01-11', before: '2025-01-10' }));
		expect(reversed).toBeInstanceOf(ValidationError);
		expect(reversed).toMatchObject({ field: 'After' });
		const invalid = await rejectionOf(provider().getChatHistory({ contact: '+15551234567', before: 'next tuesday' }));
		expect(invalid).toMatchObject({ field: 'Before', message: 'Before "next tuesday" is not a date' });
	});

	it('passes a Twilio error on with its code', async () => {
		api()
			.get(LIST_PATH)
			.query(true)
			.times(2)
			.reply(429, { code: 20429, message: 'Too Many Requests', more_info: 'https://www.twilio.com/docs/errors/20429', status: 429 }, { 'Retry-After': '3' });
		const oneAttempt = { ...DEFAULT_DELIVERY_SETTINGS, maxAttempts: 1 };
		const error = await rejectionOf(withDeliverySettings(oneAttempt, () => provider().getChatHistory({ contact: '+15551234567' })));
		expect(error).toBeInstanceOf(ProviderError);
		expect(error).toMatchObject({ code: 20429, httpStatus: 429, retryAfterSeconds: 3 });
	});
});
