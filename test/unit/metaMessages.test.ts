import nock from 'nock';
import { Readable } from 'node:stream';

import { DEFAULT_DELIVERY_SETTINGS, withDeliverySettings } from '../../nodes/WhatsAppOmni/helpers/retryPolicy';
import { ValidationError } from '../../nodes/WhatsAppOmni/helpers/ValidationError';
import { clearGraphClients } from '../../nodes/WhatsAppOmni/providers/meta/client';
import { MetaProvider } from '../../nodes/WhatsAppOmni/providers/meta/MetaProvider';
import type { MessageContent, MetaCredentials } from '../../nodes/WhatsAppOmni/providers/types';
import { UnsupportedError } from '../../nodes/WhatsAppOmni/providers/UnsupportedError';
import { useNock } from './nockHelpers';

const credentials: MetaCredentials = { accessToken: 'EAAG-unit', phoneNumberId: '106540352242922', graphApiVersion: 'v24.0' };
const GRAPH = 'https://graph.facebook.com';
const MESSAGES = '/v24.0/106540352242922/messages';
const provider = () => new MetaProvider(credentials);
const UNPACED = { ...DEFAULT_DELIVERY_SETTINGS, perRecipient: { messages: 0, windowSeconds: 60 } };

useNock(clearGraphClients);

/** Sends and returns the exact JSON body Meta received. */
async function sentBody(content: MessageContent, replyTo?: string): Promise<Record<string, unknown>> {
	let body: Record<string, unknown> = {};
	const scope = nock(GRAPH, { reqheaders: { authorization: 'Bearer EAAG-unit' } })
		.post(MESSAGES, (b) => {
			body = b;
			return true;
		})
		.reply(200, { messaging_product: 'whatsapp', messages: [{ id: 'wamid.OUT' }] });
	// Every body goes to one person: no pair-rate pacing here, these tests are about the bodies.
	const result = await withDeliverySettings(UNPACED, () =>
		provider().sendMessage({ to: { kind: 'phone' as const, phoneNumber: '+15551234567' }, content, ...(replyTo ? { replyTo } : {}) }),
	);
	expect(scope.isDone()).toBe(true);
	expect(result.messageId).toBe('wamid.OUT');
	return body;
}

const envelope = { messaging_product: 'whatsapp', recipient_type: 'individual', to: '15551234567' };

describe('Meta message bodies', () => {
	it.each<[string, MessageContent, Record<string, unknown>]>([
		['image by link with caption', { type: 'media', mediaType: 'image', source: { kind: 'url', url: 'https://x.io/a.png' }, caption: 'Look' }, { type: 'image', image: { link: 'https://x.io/a.png', caption: 'Look' } }],
		['video by id', { type: 'media', mediaType: 'video', source: { kind: 'id', id: '123' } }, { type: 'video', video: { id: '123' } }],
		['voice note', { type: 'media', mediaType: 'audio', source: { kind: 'id', id: '9' }, voice: true }, { type: 'audio', audio: { id: '9', voice: true } }],
		['document with caption and file name', { type: 'media', mediaType: 'document', source: { kind: 'url', url: 'https://x.io/i.pdf' }, caption: 'Invoice', filename: 'invoice.pdf' }, { type: 'document', document: { link: 'https://x.io/i.pdf', caption: 'Invoice', filename: 'invoice.pdf' } }],
		['sticker', { type: 'media', mediaType: 'sticker', source: { kind: 'url', url: 'https://x.io/s.webp' } }, { type: 'sticker', sticker: { link: 'https://x.io/s.webp' } }],
		['location', { type: 'location', latitude: 52.52, longitude: 13.405, name: 'Gate', address: 'Pariser Platz' }, { type: 'location', location: { latitude: 52.52, longitude: 13.405, name: 'Gate', address: 'Pariser Platz' } }],
		[
			'contacts',
			{ type: 'contacts', contacts: [{ name: { formattedName: 'Ana Silva', firstName: 'Ana' }, phones: [{ phone: '+5511987654321', type: 'CELL', waId: '5511987654321' }], emails: [{ email: 'ana@x.io' }], organization: { company: 'Acme' }, addresses: [{ city: 'São Paulo', countryCode: 'BR' }], urls: [{ url: 'https://x.io' }], birthday: '1990-04-23' }] },
			{ type: 'contacts', contacts: [{ name: { formatted_name: 'Ana Silva', first_name: 'Ana' }, phones: [{ phone: '+5511987654321', type: 'CELL', wa_id: '5511987654321' }], emails: [{ email: 'ana@x.io' }], org: { company: 'Acme' }, addresses: [{ city: 'São Paulo', country_code: 'BR' }], urls: [{ url: 'https://x.io' }], birthday: '1990-04-23' }] },
		],
		[
			'reply buttons with image header and footer',
			{ type: 'interactive', kind: 'buttons', body: 'Pick', header: { type: 'image', url: 'https://x.io/h.png' }, footer: 'Thanks', buttons: [{ id: 'y', title: 'Yes' }, { id: 'n', title: 'No' }] },
			{ type: 'interactive', interactive: { type: 'button', header: { type: 'image', image: { link: 'https://x.io/h.png' } }, body: { text: 'Pick' }, footer: { text: 'Thanks' }, action: { buttons: [{ type: 'reply', reply: { id: 'y', title: 'Yes' } }, { type: 'reply', reply: { id: 'n', title: 'No' } }] } } },
		],
		[
			'list with sections',
			{ type: 'interactive', kind: 'list', body: 'Menu', header: { type: 'text', text: 'Pizza' }, buttonText: 'Order', sections: [{ title: 'Pizzas', rows: [{ id: 'm', title: 'Margherita', description: 'Classic' }] }, { title: 'Drinks', rows: [{ id: 'c', title: 'Cola' }] }] },
			{ type: 'interactive', interactive: { type: 'list', header: { type: 'text', text: 'Pizza' }, body: { text: 'Menu' }, action: { button: 'Order', sections: [{ title: 'Pizzas', rows: [{ id: 'm', title: 'Margherita', description: 'Classic' }] }, { title: 'Drinks', rows: [{ id: 'c', title: 'Cola' }] }] } } },
		],
		[
			'call-to-action URL',
			{ type: 'interactive', kind: 'ctaUrl', body: 'Track it', displayText: 'Track', url: 'https://x.io/t/1' },
			{ type: 'interactive', interactive: { type: 'cta_url', body: { text: 'Track it' }, action: { name: 'cta_url', parameters: { display_text: 'Track', url: 'https://x.io/t/1' } } } },
		],
	])('%s', async (_name, content, expected) => {
		expect(await sentBody(content)).toEqual({ ...envelope, ...expected });
	});

	it('quotes a message with context.message_id', async () => {
		expect(await sentBody({ type: 'text', text: 'Sure' }, 'wamid.IN1')).toEqual({ ...envelope, context: { message_id: 'wamid.IN1' }, type: 'text', text: { body: 'Sure' } });
	});

	it('refuses to quote something that is not a wamid, before any request', () => {
		expect(() => provider().assertSupported({ to: { kind: 'phone' as const, phoneNumber: '+15551234567' }, content: { type: 'text', text: 'x' }, replyTo: 'SM123' })).toThrow(UnsupportedError);
	});

	it('uploads a binary as a streamed multipart body, then sends it by id', async () => {
		const bytes = Buffer.from('%PDF-1.4 fake pdf bytes');
		let upload = '';
		let uploadHeaders: Record<string, unknown> = {};
		nock(GRAPH)
			.post('/v24.0/106540352242922/media', (body) => {
				upload = typeof body === 'string' ? body : Buffer.from(body).toString('latin1');
				return true;
			})
			.reply(function () {
				uploadHeaders = this.req.headers as Record<string, unknown>;
				return [200, { id: '4490709327384033' }];
			});
		let message: Record<string, unknown> = {};
		nock(GRAPH)
			.post(MESSAGES, (b) => {
				message = b;
				return true;
			})
			.reply(200, { messages: [{ id: 'wamid.DOC' }] });
		const opened = jest.fn(async () => Readable.from([bytes.subarray(0, 5), bytes.subarray(5)]));
		await withDeliverySettings(UNPACED, () => provider().sendMessage({
			to: { kind: 'phone' as const, phoneNumber: '+15551234567' },
			content: { type: 'media', mediaType: 'document', filename: 'fake.pdf', source: { kind: 'binary', file: { fileName: 'fa"ke.pdf', mimeType: 'application/pdf', size: bytes.length, open: opened } } },
		}));
		expect(opened).toHaveBeenCalledTimes(1);
		const boundary = /boundary=(\S+)/.exec(String(uploadHeaders['content-type']))?.[1];
		expect(boundary).toMatch(/^----WhatsAppOmni[0-9a-f]{24}$/);
		expect(Number(uploadHeaders['content-length'])).toBe(Buffer.byteLength(upload, 'latin1'));
		expect(upload).toContain(`--${boundary}\r\nContent-Disposition: form-data; name="messaging_product"\r\n\r\nwhatsapp\r\n`);
		expect(upload).toContain(`Content-Disposition: form-data; name="type"\r\n\r\napplication/pdf\r\n`);
		expect(upload).toContain(`Content-Disposition: form-data; name="file"; filename="fa_ke.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4 fake pdf bytes\r\n--${boundary}--\r\n`);
		expect(message).toEqual({ ...envelope, type: 'document', document: { id: '4490709327384033', filename: 'fake.pdf' } });
	});

	it('marks as read with and without the typing indicator', async () => {
		const bodies: unknown[] = [];
		nock(GRAPH)
			.post(MESSAGES, (b) => {
				bodies.push(b);
				return true;
			})
			.times(2)
			.reply(200, { success: true });
		const read = await provider().markAsRead('wamid.IN1', { typingIndicator: true });
		await provider().markAsRead('wamid.IN2', { typingIndicator: false });
		expect(read).toMatchObject({ provider: 'meta', messageId: 'wamid.IN1', success: true, typingIndicator: true });
		expect(bodies).toEqual([
			{ messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.IN1', typing_indicator: { type: 'text' } },
			{ messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.IN2' },
		]);
	});

	it('refuses to mark a Twilio SID as read on Meta, before any request', async () => {
		await expect(provider().markAsRead('SM0123456789abcdef0123456789abcdef', { typingIndicator: false })).rejects.toThrow(ValidationError);
	});
});
