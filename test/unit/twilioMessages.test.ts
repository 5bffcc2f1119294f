import nock from 'nock';
import { Readable } from 'node:stream';

import { ValidationError } from '../../nodes/WhatsAppOmni/helpers/ValidationError';
import { clearTwilioClients } from '../../nodes/WhatsAppOmni/providers/twilio/client';
import { contentFriendlyName, forgetKnownContent, interactiveContentTypes } from '../../nodes/WhatsAppOmni/providers/twilio/content';
import { TwilioProvider } from '../../nodes/WhatsAppOmni/providers/twilio/TwilioProvider';
import type { InteractiveContent, MessageContent, TwilioCredentials } from '../../nodes/WhatsAppOmni/providers/types';
import { UnsupportedError } from '../../nodes/WhatsAppOmni/providers/UnsupportedError';
import { captureForm, useNock } from './nockHelpers';

const ACCOUNT = 'AC0123456789abcdef0123456789abcdef';
const credentials: TwilioCredentials = { accountSid: ACCOUNT, authToken: 'unit-token', whatsAppNumber: '+14155238886' };
const API = 'https://api.twilio.com';
const CONTENT = 'https://content.twilio.com';
const MESSAGES = `/2010-04-01/Accounts/${ACCOUNT}/Messages.json`;
const SID = 'SM0123456789abcdef0123456789abcdef';
const provider = () => new TwilioProvider(credentials);
const to = { kind: 'phone' as const, phoneNumber: '+15551234567' };

useNock(() => {
	clearTwilioClients();
	forgetKnownContent();
});

async function sentForm(content: MessageContent, options: { replyTo?: string; drop?: boolean } = {}) {
	const { captured, matcher } = captureForm();
	const scope = nock(API).post(MESSAGES, matcher).reply(201, { sid: SID, status: 'queued' });
	const result = await provider().sendMessage(
		{ to, content, ...(options.replyTo ? { replyTo: options.replyTo } : {}) },
		{ dropUnsupportedQuote: options.drop },
	);
	expect(scope.isDone()).toBe(true);
	return { form: captured.form, result };
}

const base = { To: 'whatsapp:+15551234567', From: 'whatsapp:+14155238886' };

describe('Twilio message requests', () => {
	it.each<[string, MessageContent, Record<string, unknown>]>([
		['image with caption', { type: 'media', mediaType: 'image', source: { kind: 'url', url: 'https://x.io/a.png' }, caption: 'Look' }, { MediaUrl: 'https://x.io/a.png', Body: 'Look' }],
		['document', { type: 'media', mediaType: 'document', source: { kind: 'url', url: 'https://x.io/i.pdf' } }, { MediaUrl: 'https://x.io/i.pdf' }],
		['sticker', { type: 'media', mediaType: 'sticker', source: { kind: 'url', url: 'https://x.io/s.webp' } }, { MediaUrl: 'https://x.io/s.webp' }],
		['location with name and address', { type: 'location', latitude: 52.52, longitude: 13.405, name: 'Gate', address: 'Pariser Platz' }, { PersistentAction: 'geo:52.52,13.405|Gate', Body: 'Gate\nPariser Platz' }],
		['location without a name', { type: 'location', latitude: -33.8688, longitude: 151.2093 }, { PersistentAction: 'geo:-33.8688,151.2093', Body: '-33.8688, 151.2093' }],
		['contact as a vCard URL', { type: 'contacts', contacts: [], vCardUrl: 'https://x.io/ana.vcf' }, { MediaUrl: 'https://x.io/ana.vcf' }],
	])('%s', async (_name, content, expected) => {
		expect((await sentForm(content)).form).toEqual({ ...base, ...expected });
	});

	it.each<[string, MessageContent, RegExp]>([
		['a binary file', { type: 'media', mediaType: 'image', source: { kind: 'binary', file: { fileName: 'a.png', mimeType: 'image/png', size: 1, open: async () => Readable.from([]) } } }, /public URL/],
		['a Meta media ID', { type: 'media', mediaType: 'image', source: { kind: 'id', id: '123' } }, /Media IDs belong to Meta/],
		['a document caption', { type: 'media', mediaType: 'document', source: { kind: 'url', url: 'https://x.io/i.pdf' }, caption: 'Invoice' }, /without a caption or file name/],
		['a voice note', { type: 'media', mediaType: 'audio', source: { kind: 'url', url: 'https://x.io/a.ogg' }, voice: true }, /no voice-note flag/],
		['contacts without a vCard URL', { type: 'contacts', contacts: [{ name: { formattedName: 'Ana' } }] }, /vCard file from a public URL/],
		['a media header on buttons', { type: 'interactive', kind: 'buttons', body: 'b', header: { type: 'image', url: 'https://x.io/a.png' }, buttons: [{ id: 'a', title: 'A' }] }, /cannot have a media header/],
	])('refuses %s before any request, naming the alternative', (_name, content, message) => {
		let error: unknown;
		try {
			provider().assertSupported({ to, content });
		} catch (e) {
			error = e;
		}
		expect(error).toBeInstanceOf(UnsupportedError);
		expect((error as UnsupportedError).message).toMatch(message);
		expect((error as UnsupportedError).alternative.length).toBeGreaterThan(20);
	});

	it('refuses a quoted reply unless told to drop the quote, then says it dropped it', async () => {
		expect(() => provider().assertSupported({ to, content: { type: 'text', text: 'x' }, replyTo: 'SMabc' })).toThrow(/no quoted replies/);
		const { form, result } = await sentForm({ type: 'text', text: 'Sure' }, { replyTo: 'wamid.X', drop: true });
		expect(form).toEqual({ ...base, Body: 'Sure' });
		expect(result.quoteDropped).toBe(true);
	});

	it('marks as read through the typing indicator', async () => {
		const { captured, matcher } = captureForm();
		nock('https://messaging.twilio.com').post('/v2/Indicators/Typing.json', matcher).reply(200, { success: true });
		const result = await provider().markAsRead(SID);
		expect(captured.form).toEqual({ channel: 'whatsapp', messageId: SID });
		expect(result).toMatchObject({ provider: 'twilio', success: true, typingIndicator: true });
	});

	it('refuses to mark a wamid as read on Twilio, before any request', async () => {
		await expect(provider().markAsRead('wamid.X')).rejects.toThrow(ValidationError);
	});
});

describe('Twilio interactive messages through the Content API', () => {
	const buttons: InteractiveContent = {
		type: 'interactive',
		kind: 'buttons',
		body: 'Pick one',
		header: { type: 'text', text: 'Menu' },
		footer: 'Reply any time',
		buttons: [{ id: 'y', title: 'Yes' }, { id: 'n', title: 'No' }],
	};

	it('maps each kind to its Twilio content type, header and footer joined to the body', () => {
		expect(interactiveContentTypes(buttons)).toEqual({
			'twilio/quick-reply': { body: '*Menu*\n\nPick one\n\n_Reply any time_', actions: [{ title: 'Yes', id: 'y' }, { title: 'No', id: 'n' }] },
		});
		expect(
			interactiveContentTypes({ type: 'interactive', kind: 'list', body: 'b', buttonText: 'Open', sections: [{ title: 'A', rows: [{ id: '1', title: 'One', description: 'd' }] }, { title: 'B', rows: [{ id: '2', title: 'Two' }] }] }),
		).toEqual({ 'twilio/list-picker': { body: 'b', button: 'Open', items: [{ item: 'One', id: '1', description: 'd' }, { item: 'Two', id: '2' }] } });
		expect(interactiveContentTypes({ type: 'interactive', kind: 'ctaUrl', body: 'b', displayText: 'Go', url: 'https://x.io' })).toEqual({
			'twilio/call-to-action': { body: 'b', actions: [{ type: 'URL', title: 'Go', url: 'https://x.io' }] },
		});
	});

	it('creates the Content once, sends it by ContentSid, and reuses it for identical content', async () => {
		const friendlyName = contentFriendlyName(interactiveContentTypes(buttons));
		let created: Record<string, unknown> = {};
		const list = nock(CONTENT).get('/v1/Content').query({ PageSize: '500' }).reply(200, { contents: [{ sid: 'HXother', friendly_name: 'something else' }], meta: { next_page_url: null, key: 'contents' } });
		const create = nock(CONTENT)
			.post('/v1/Content', (body) => {
				created = body;
				return true;
			})
			.reply(201, { sid: 'HX0123456789abcdef0123456789abcdef', friendly_name: friendlyName });
		const forms: Array<Record<string, unknown>> = [];
		nock(API)
			.post(MESSAGES, (body) => {
				forms.push(typeof body === 'string' ? Object.fromEntries(new URLSearchParams(body)) : body);
				return true;
			})
			.times(2)
			.reply(201, { sid: SID, status: 'queued' });

		const first = await provider().sendMessage({ to, content: buttons });
		const second = await provider().sendMessage({ to, content: { ...buttons } });

		expect(list.isDone() && create.isDone()).toBe(true);
		expect(created).toEqual({ friendly_name: friendlyName, language: 'en', types: interactiveContentTypes(buttons) });
		expect(friendlyName).toMatch(/^omni_[0-9a-f]{32}$/);
		expect(forms).toEqual([
			{ ...base, ContentSid: 'HX0123456789abcdef0123456789abcdef' },
			{ ...base, ContentSid: 'HX0123456789abcdef0123456789abcdef' },
		]);
		expect(first.createdContentId).toBe('HX0123456789abcdef0123456789abcdef');
		expect(second.createdContentId).toBe('HX0123456789abcdef0123456789abcdef');
	});

	it('finds existing Content by its name on a later page instead of creating it again', async () => {
		const friendlyName = contentFriendlyName(interactiveContentTypes(buttons));
		nock(CONTENT)
			.get('/v1/Content')
			.query({ PageSize: '500' })
			.reply(200, { contents: [], meta: { next_page_url: 'https://content.twilio.com/v1/Content?PageSize=500&Page=1&PageToken=PT1', key: 'contents' } });
		nock(CONTENT)
			.get('/v1/Content')
			.query({ PageSize: '500', Page: '1', PageToken: 'PT1' })
			.reply(200, { contents: [{ sid: 'HXexisting00000000000000000000000', friendly_name: friendlyName }], meta: { next_page_url: null, key: 'contents' } });
		const { captured, matcher } = captureForm();
		nock(API).post(MESSAGES, matcher).reply(201, { sid: SID, status: 'queued' });
		await provider().sendMessage({ to, content: buttons });
		expect(captured.form.ContentSid).toBe('HXexisting00000000000000000000000');
	});
});
