import { ValidationError } from '../../nodes/WhatsAppOmni/helpers/ValidationError';
import { isAnimatedWebp, validateContent } from '../../nodes/WhatsAppOmni/helpers/validation';
import { META_LIMITS } from '../../nodes/WhatsAppOmni/providers/meta/MetaProvider';
import { TWILIO_LIMITS } from '../../nodes/WhatsAppOmni/providers/twilio/TwilioProvider';
import type { BinaryFile, InteractiveContent, MessageContent } from '../../nodes/WhatsAppOmni/providers/types';

const file = (mimeType: string, size: number, fileName = 'file'): BinaryFile => ({
	fileName,
	mimeType,
	size,
	open: async () => {
		throw new Error('not read in validation');
	},
});
const binary = (mediaType: 'image' | 'audio' | 'video' | 'document' | 'sticker', mimeType: string, size: number, extra: object = {}): MessageContent => ({
	type: 'media',
	mediaType,
	source: { kind: 'binary', file: file(mimeType, size, `x.${mimeType.split('/')[1]}`) },
	mimeType,
	...extra,
});
const buttons = (titles: string[], extra: Partial<InteractiveContent> = {}): MessageContent =>
	({ type: 'interactive', kind: 'buttons', body: 'Pick one', buttons: titles.map((title, i) => ({ id: `id${i}`, title })), ...extra }) as MessageContent;
const list = (sections: Array<{ title?: string; rows: number }>, extra: object = {}): MessageContent =>
	({
		type: 'interactive',
		kind: 'list',
		body: 'Menu',
		buttonText: 'Open',
		sections: sections.map((s, si) => ({ title: s.title, rows: Array.from({ length: s.rows }, (_, r) => ({ id: `r${si}-${r}`, title: `Row ${r}` })) })),
		...extra,
	}) as MessageContent;

function refusal(content: MessageContent, limits = META_LIMITS, who = 'Meta (WhatsApp Cloud API)'): ValidationError {
	try {
		validateContent(content, limits, who);
	} catch (error) {
		expect(error).toBeInstanceOf(ValidationError);
		return error as ValidationError;
	}
	throw new Error('expected the content to be refused');
}

const MB = 1024 * 1024;

describe('validateContent refuses bad input, naming the field and the limit', () => {
	it.each<[string, MessageContent, RegExp, string?]>([
		['empty text', { type: 'text', text: '  ' }, /^Text is empty$/],
		['text over Meta’s limit', { type: 'text', text: 'é'.repeat(4097) }, /^Text has 4097 characters; Meta \(WhatsApp Cloud API\) allows at most 4096$/],
		['caption over 1,024', { type: 'media', mediaType: 'image', source: { kind: 'url', url: 'https://x.io/a.png' }, caption: 'c'.repeat(1025) }, /^Caption has 1025 characters; .* allows at most 1024$/],
		['a caption on audio', { type: 'media', mediaType: 'audio', source: { kind: 'url', url: 'https://x.io/a.ogg' }, caption: 'hi' }, /^Audio messages cannot have a caption$/],
		['a caption on a sticker', { type: 'media', mediaType: 'sticker', source: { kind: 'url', url: 'https://x.io/a.webp' }, caption: 'hi' }, /^Sticker messages cannot have a caption$/],
		['a file name on an image', { type: 'media', mediaType: 'image', source: { kind: 'url', url: 'https://x.io/a.png' }, filename: 'a.png' }, /^Only documents have a file name/],
		['a voice flag on video', { type: 'media', mediaType: 'video', source: { kind: 'url', url: 'https://x.io/a.mp4' }, voice: true }, /^Only audio can be sent as a voice note$/],
		['a URL that is not http', { type: 'media', mediaType: 'image', source: { kind: 'url', url: 'ftp://x.io/a.png' } }, /^Image URL "ftp:\/\/x.io\/a.png" is not an http\(s\) URL$/],
		['an empty media ID', { type: 'media', mediaType: 'video', source: { kind: 'id', id: '' } }, /^Video Media ID is empty$/],
		['a GIF image', binary('image', 'image/gif', 1000), /^Image files of type image\/gif cannot be sent; .* accepts image\/jpeg, image\/png$/],
		['an image over 5 MB', binary('image', 'image/png', 5 * MB + 1), /is 5\.0 MB; .* allows at most 5 MB for a image$/],
		['a video over 16 MB', binary('video', 'video/mp4', 16 * MB + 1), /allows at most 16 MB for a video$/],
		['audio over 16 MB', binary('audio', 'audio/mpeg', 17 * MB), /is 17 MB; .* allows at most 16 MB for a audio$/],
		['a document over 100 MB', binary('document', 'application/pdf', 101 * MB), /is 101 MB; .* allows at most 100 MB for a document$/],
		['a PNG sticker', binary('sticker', 'image/png', 1000), /^Sticker files of type image\/png cannot be sent; .* accepts image\/webp$/],
		['a static sticker over 100 KB', binary('sticker', 'image/webp', 101 * 1024, { animated: false }), /static sticker .* is 101 KB; .* allows at most 100 KB for a static sticker$/],
		['an animated sticker over 500 KB', binary('sticker', 'image/webp', 501 * 1024, { animated: true }), /animated sticker .* allows at most 500 KB for a animated sticker$/],
		['a voice note that is not OGG', binary('audio', 'audio/mpeg', 1000, { voice: true }), /^A voice note must be OGG\/OPUS audio \(audio\/ogg\), not audio\/mpeg$/],
		['latitude 91', { type: 'location', latitude: 91, longitude: 0 }, /^Latitude 91 is out of range; it must be between -90 and 90$/],
		['longitude -180.5', { type: 'location', latitude: 0, longitude: -180.5 }, /^Longitude -180.5 is out of range; it must be between -180 and 180$/],
		['a latitude that is not a number', { type: 'location', latitude: Number('north'), longitude: 0 }, /^Latitude NaN is out of range/],
		['no contacts', { type: 'contacts', contacts: [] }, /^Add at least one contact$/],
		['a contact without a name', { type: 'contacts', contacts: [{ name: { formattedName: '' } }] }, /^Contact 1 formatted name is empty$/],
		['258 contacts', { type: 'contacts', contacts: Array.from({ length: 258 }, () => ({ name: { formattedName: 'A' } })) }, /There are 258 contacts; WhatsApp allows at most 257/],
		['a bad birthday', { type: 'contacts', contacts: [{ name: { formattedName: 'A' }, birthday: '1990-02-30' }] }, /^Contact 1 birthday "1990-02-30" is not a date in the form YYYY-MM-DD$/],
		['a bad email', { type: 'contacts', contacts: [{ name: { formattedName: 'A' }, emails: [{ email: 'nope' }] }] }, /^Contact 1 email 1 "nope" is not an email address$/],
		['a vCard URL that is not a URL', { type: 'contacts', contacts: [], vCardUrl: 'card.vcf' }, /^vCard URL "card.vcf" is not an http\(s\) URL$/],
		['no buttons', buttons([]), /There are 0 buttons; WhatsApp reply buttons need 1 to 3/],
		['four buttons', buttons(['a', 'b', 'c', 'd']), /There are 4 buttons; WhatsApp reply buttons need 1 to 3/],
		['a button title over 20', buttons(['This title is too long']), /^Button 1 title has 22 characters; WhatsApp allows at most 20$/],
		['duplicate button titles', buttons(['Yes', 'Yes']), /^Button 2 title "Yes" is used twice; button titles must be unique$/],
		['a button ID over 256', { type: 'interactive', kind: 'buttons', body: 'b', buttons: [{ id: 'x'.repeat(257), title: 'A' }] } as MessageContent, /^Button 1 ID has 257 characters; WhatsApp allows at most 256$/],
		['a button ID with spaces around', { type: 'interactive', kind: 'buttons', body: 'b', buttons: [{ id: ' a', title: 'A' }] } as MessageContent, /starts or ends with a space/],
		['a header over 60', buttons(['A'], { header: { type: 'text', text: 'h'.repeat(61) } }), /^Header text has 61 characters; WhatsApp allows at most 60$/],
		['a footer over 60', buttons(['A'], { footer: 'f'.repeat(61) }), /^Footer has 61 characters; WhatsApp allows at most 60$/],
		['an empty body', buttons(['A'], { body: '' }), /^Body is empty$/],
		['a buttons body over 1,024', buttons(['A'], { body: 'b'.repeat(1025) }), /^Body has 1025 characters; WhatsApp allows at most 1024$/],
		['a list button label over 20', list([{ rows: 1 }], { buttonText: 'b'.repeat(21) }), /^Button Text has 21 characters; WhatsApp allows at most 20$/],
		['11 sections', list(Array.from({ length: 11 }, (_, i) => ({ title: `S${i}`, rows: 1 }))), /There are 11 sections; a list needs 1 to 10/],
		['11 rows across sections', list([{ title: 'A', rows: 6 }, { title: 'B', rows: 5 }]), /There are 11 rows in total; a list needs 1 to 10 rows across all its sections/],
		['a missing section title with two sections', list([{ title: 'A', rows: 1 }, { rows: 1 }]), /^Section 2 title is empty$/],
		['a section title over 24', list([{ title: 's'.repeat(25), rows: 1 }]), /^Section 1 title has 25 characters; WhatsApp allows at most 24$/],
		['a row title over 24', { type: 'interactive', kind: 'list', body: 'b', buttonText: 'Open', sections: [{ rows: [{ id: 'a', title: 't'.repeat(25) }] }] } as MessageContent, /^Section 1 row 1 title has 25 characters; WhatsApp allows at most 24$/],
		['a row description over 72', { type: 'interactive', kind: 'list', body: 'b', buttonText: 'Open', sections: [{ rows: [{ id: 'a', title: 'T', description: 'd'.repeat(73) }] }] } as MessageContent, /^Section 1 row 1 description has 73 characters; WhatsApp allows at most 72$/],
		['a row ID over 200', { type: 'interactive', kind: 'list', body: 'b', buttonText: 'Open', sections: [{ rows: [{ id: 'i'.repeat(201), title: 'T' }] }] } as MessageContent, /^Section 1 row 1 ID has 201 characters; WhatsApp allows at most 200$/],
		['a media header on a list', list([{ rows: 1 }], { header: { type: 'image', url: 'https://x.io/a.png' } }), /^A list message can only have a text header$/],
		['a call-to-action label over 20', { type: 'interactive', kind: 'ctaUrl', body: 'b', displayText: 'l'.repeat(21), url: 'https://x.io' } as MessageContent, /^Button Text has 21 characters; WhatsApp allows at most 20$/],
		['a call-to-action URL that is not a URL', { type: 'interactive', kind: 'ctaUrl', body: 'b', displayText: 'Go', url: 'x.io' } as MessageContent, /^Button URL "x.io" is not an http\(s\) URL$/],
	])('%s', (_name, content, message) => {
		expect(refusal(content).message).toMatch(message);
	});

	it('applies Twilio’s own limits: text 1,600 and list body 1,024', () => {
		expect(refusal({ type: 'text', text: 'x'.repeat(1601) }, TWILIO_LIMITS, 'Twilio').message).toBe('Text has 1601 characters; Twilio allows at most 1600');
		expect(() => validateContent(list([{ rows: 1 }], { body: 'b'.repeat(2000) }), META_LIMITS, 'Meta')).not.toThrow();
		expect(refusal(list([{ rows: 1 }], { body: 'b'.repeat(2000) }), TWILIO_LIMITS, 'Twilio').message).toMatch(/Body has 2000 characters; WhatsApp allows at most 1024/);
	});

	it('counts an emoji as one character', () => {
		expect(() => validateContent(buttons(['👍'.repeat(20)]), META_LIMITS, 'Meta')).not.toThrow();
	});

	it('accepts content at every limit', () => {
		expect(() => validateContent(list([{ title: 'A', rows: 5 }, { title: 'B', rows: 5 }]), META_LIMITS, 'Meta')).not.toThrow();
		expect(() => validateContent(binary('document', 'application/pdf', 100 * MB), META_LIMITS, 'Meta')).not.toThrow();
		expect(() => validateContent(binary('sticker', 'image/webp', 500 * 1024, { animated: true }), META_LIMITS, 'Meta')).not.toThrow();
		expect(() => validateContent({ type: 'location', latitude: -90, longitude: 180 }, META_LIMITS, 'Meta')).not.toThrow();
	});
});

describe('isAnimatedWebp', () => {
	const webp = (chunks: string[]) => Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WEBP'), ...chunks.map((c) => Buffer.from(c))]);
	it('tells an animated WebP (ANIM chunk) from a static one', () => {
		expect(isAnimatedWebp(webp(['VP8X', '\0\0\0\0', 'ANIM']))).toBe(true);
		expect(isAnimatedWebp(webp(['VP8 ', '\0\0\0\0']))).toBe(false);
		expect(isAnimatedWebp(Buffer.from('not a webp ANIM'))).toBe(false);
	});
});

describe('media given by URL', () => {
	it('is refused by its file extension when the provider cannot take that type', () => {
		const gif: MessageContent = { type: 'media', mediaType: 'image', source: { kind: 'url', url: 'https://x.io/cat.GIF?x=1' }, mimeType: 'image/gif' };
		expect(refusal(gif, TWILIO_LIMITS, 'Twilio').message).toBe(
			'Image files of type image/gif (judging by the URL’s file extension) cannot be sent; Twilio accepts image/jpeg, image/png',
		);
	});
});
