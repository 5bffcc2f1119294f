import { startSandbox, type Sandbox } from '../../sandbox';
import { expectMetaError, metaPost, metaUpload, PNG_1X1 } from './helpers';

const TO = '16505551234';
const WAMID = 'wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA';

describe('sandbox: Meta message types', () => {
	let sandbox: Sandbox;
	let messagesPath: string;

	beforeAll(async () => {
		sandbox = await startSandbox();
		messagesPath = `/v24.0/${sandbox.meta.phoneNumberId}/messages`;
	});
	afterAll(async () => {
		await sandbox.stop();
	});
	beforeEach(() => {
		sandbox.clearRequests();
		sandbox.clearOutbound();
	});

	const message = (type: string, content: unknown, extra: Record<string, unknown> = {}) => ({
		messaging_product: 'whatsapp',
		to: TO,
		type,
		[type]: content,
		...extra,
	});
	const send = (body: unknown) => metaPost(sandbox, messagesPath, body);

	const expectSent = async (body: unknown) => {
		const answer = await send(body);
		expect({ status: answer.status, error: answer.body.error }).toEqual({ status: 200, error: undefined });
		expect(answer.body).toEqual({
			messaging_product: 'whatsapp',
			contacts: [{ input: TO, wa_id: TO }],
			messages: [{ id: expect.stringMatching(/^wamid\./) }],
		});
		return answer.body.messages[0].id as string;
	};

	describe('media: image, video, audio, document, sticker', () => {
		it('sends by link and by the id of an upload, and records the outbound message', async () => {
			const upload = await metaUpload(sandbox, {
				messaging_product: 'whatsapp',
				type: 'image/png',
				file: { bytes: PNG_1X1, filename: 'dot.png', contentType: 'image/png' },
			});
			const byId = await expectSent(message('image', { id: upload.body.id, caption: 'A dot' }));
			const byLink = await expectSent(message('video', { link: 'https://example.com/v.mp4', caption: 'Clip' }));
			await expectSent(message('audio', { link: 'https://example.com/a.ogg', voice: true }));
			await expectSent(message('document', { link: 'https://example.com/r.pdf', caption: 'Report', filename: 'report.pdf' }));
			await expectSent(message('sticker', { id: '1234567890123456' }));

			expect(sandbox.outbound.map((m) => m.type)).toEqual(['image', 'video', 'audio', 'document', 'sticker']);
			expect(sandbox.outbound[0]).toEqual({
				provider: 'meta',
				id: byId,
				to: TO,
				from: sandbox.meta.phoneNumberId,
				type: 'image',
				content: { id: upload.body.id, caption: 'A dot' },
				timestamp: expect.any(Number),
			});
			expect(sandbox.outbound[1].id).toBe(byLink);
		});

		it('accepts a caption of exactly 1024 characters', async () => {
			await expectSent(message('image', { link: 'https://example.com/a.png', caption: 'x'.repeat(1024) }));
		});

		const invalid: Array<[string, unknown, number, RegExp]> = [
			['an image with neither id nor link', message('image', { caption: 'x' }), 131008, /image must contain either 'id' or 'link'/],
			['an image with both id and link', message('image', { id: '123', link: 'https://e.com/a.png' }), 131009, /not both/],
			['a link that is not http(s)', message('image', { link: 'ftp://e.com/a.png' }), 131009, /image\['link'\] must be a valid http or https URL/],
			['an id that is not numeric', message('video', { id: 'abc' }), 100, /video\['id'\]/],
			['a caption of 1025 characters', message('video', { link: 'https://e.com/v.mp4', caption: 'x'.repeat(1025) }), 131009, /video\['caption'\] must be at most 1024/],
			['a caption on audio', message('audio', { link: 'https://e.com/a.ogg', caption: 'x' }), 100, /"caption" on param "audio"/],
			['a caption on a sticker', message('sticker', { id: '123', caption: 'x' }), 100, /"caption" on param "sticker"/],
			['a filename on an image', message('image', { link: 'https://e.com/a.png', filename: 'a.png' }), 100, /"filename" on param "image"/],
			['voice on a video', message('video', { link: 'https://e.com/v.mp4', voice: true }), 100, /"voice" on param "video"/],
			['voice that is not a boolean', message('audio', { link: 'https://e.com/a.ogg', voice: 'yes' }), 100, /audio\['voice'\] must be a boolean/],
		];
		it.each(invalid)('rejects %s', async (_name, body, code, details) => {
			expectMetaError(await send(body), 400, code, details);
			expect(sandbox.outbound).toHaveLength(0);
		});
	});

	describe('location', () => {
		it('sends a location with name and address', async () => {
			await expectSent(message('location', { latitude: 37.4847, longitude: -122.1477, name: 'HQ', address: '1 Hacker Way' }));
			await expectSent(message('location', { latitude: -90, longitude: 180 }));
		});

		it.each([
			['no latitude', { longitude: 1 }, 131008, /location\['latitude'\] is required/],
			['a latitude as text', { latitude: '37.1', longitude: 1 }, 100, /location\['latitude'\] must be a number/],
			['a latitude of 90.5', { latitude: 90.5, longitude: 1 }, 131009, /location\['latitude'\] must be between -90 and 90/],
			['a longitude of -180.1', { latitude: 0, longitude: -180.1 }, 131009, /location\['longitude'\] must be between -180 and 180/],
			['an unknown member', { latitude: 0, longitude: 0, zoom: 3 }, 100, /"zoom" on param "location"/],
		])('rejects %s', async (_name, location, code, details) => {
			expectMetaError(await send(message('location', location)), 400, code, details);
		});
	});

	describe('contacts', () => {
		const ada = {
			name: { formatted_name: 'Ada Lovelace', first_name: 'Ada', last_name: 'Lovelace' },
			phones: [{ phone: '+44 20 7946 0000', type: 'WORK', wa_id: '442079460000' }],
			emails: [{ email: 'ada@example.com', type: 'WORK' }],
			org: { company: 'Analytical Engines', title: 'Programmer' },
			addresses: [{ street: '1 St James Sq', city: 'London', country_code: 'GB', type: 'WORK' }],
			urls: [{ url: 'https://example.com', type: 'WORK' }],
			birthday: '1815-12-10',
		};

		it('sends a full contact card and 257 minimal ones', async () => {
			await expectSent(message('contacts', [ada]));
			await expectSent(message('contacts', Array.from({ length: 257 }, (_, i) => ({ name: { formatted_name: `C${i}` } }))));
			expect(sandbox.outbound[0].content).toEqual([ada]);
		});

		it.each([
			['an empty list', [], 131009, /contacts must have at least 1 element/],
			['258 contacts', Array.from({ length: 258 }, () => ({ name: { formatted_name: 'x' } })), 131009, /at most 257/],
			['a contact without name', [{ phones: [] }], 131008, /contacts\[0\]\['name'\] is required/],
			['a name without formatted_name', [{ name: { first_name: 'Ada' } }], 131008, /contacts\[0\]\['name'\]\['formatted_name'\] is required/],
			['a birthday not in YYYY-MM-DD', [{ ...ada, birthday: '10/12/1815' }], 131009, /contacts\[0\]\['birthday'\] must be a date in YYYY-MM-DD/],
			['an impossible birthday', [{ ...ada, birthday: '1815-02-30' }], 131009, /birthday/],
			['phones that are not a list', [{ ...ada, phones: { phone: '1' } }], 100, /contacts\[0\]\['phones'\] must be an array/],
			['a phone with a non-numeric wa_id', [{ ...ada, phones: [{ phone: '1', wa_id: 'ada' }] }], 131009, /\['phones'\]\[0\]\['wa_id'\]/],
			['an unknown member', [{ ...ada, nickname: 'A' }], 100, /"nickname" on param "contacts\[0\]"/],
			['contacts as an object', { name: { formatted_name: 'x' } }, 100, /contacts must be an array/],
		])('rejects %s', async (_name, contacts, code, details) => {
			expectMetaError(await send(message('contacts', contacts)), 400, code, details);
		});
	});

	describe('interactive', () => {
		const buttons = (list: unknown[], extra: Record<string, unknown> = {}) => ({
			type: 'button',
			body: { text: 'Pick one' },
			action: { buttons: list },
			...extra,
		});
		const reply = (id: string, title: string) => ({ type: 'reply', reply: { id, title } });
		const listMessage = (sections: unknown[], extra: Record<string, unknown> = {}) => ({
			type: 'list',
			body: { text: 'Choose' },
			action: { button: 'Options', sections },
			...extra,
		});
		const rows = (n: number, prefix = 'r') => Array.from({ length: n }, (_, i) => ({ id: `${prefix}${i}`, title: `Row ${i}` }));
		const cta = (parameters: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
			type: 'cta_url',
			body: { text: 'See our site' },
			action: { name: 'cta_url', parameters },
			...extra,
		});

		it('sends reply buttons with every optional part', async () => {
			await expectSent(
				message(
					'interactive',
					buttons([reply('yes', 'Yes'), reply('no', 'No'), reply('x'.repeat(256), 'y'.repeat(20))], {
						header: { type: 'image', image: { link: 'https://e.com/a.png' } },
						footer: { text: 'f'.repeat(60) },
						body: { text: 'b'.repeat(1024) },
					}),
				),
			);
			await expectSent(message('interactive', buttons([reply('a', 'A')], { header: { type: 'text', text: 'h'.repeat(60) } })));
		});

		it('sends a list with 10 rows over several sections, and a CTA URL message', async () => {
			await expectSent(
				message(
					'interactive',
					listMessage(
						[
							{ title: 'First', rows: rows(4, 'a') },
							{ title: 's'.repeat(24), rows: [{ id: 'i'.repeat(200), title: 't'.repeat(24), description: 'd'.repeat(72) }, ...rows(5, 'b')] },
						],
						{ header: { type: 'text', text: 'Menu' }, body: { text: 'x'.repeat(4096) } },
					),
				),
			);
			await expectSent(message('interactive', listMessage([{ rows: rows(1) }])));
			await expectSent(message('interactive', cta({ display_text: 'Visit us', url: 'https://example.com' }, { footer: { text: 'ok' } })));
		});

		const invalid: Array<[string, unknown, number, RegExp]> = [
			['no interactive type', { body: { text: 'x' }, action: {} }, 131008, /interactive\['type'\] is required/],
			['an unknown interactive type', { type: 'carousel_x', body: { text: 'x' }, action: {} }, 100, /interactive\['type'\] must be one of/],
			['buttons without body', { type: 'button', action: { buttons: [reply('a', 'A')] } }, 131008, /interactive\['body'\] is required/],
			['no buttons', buttons([]), 131009, /\['buttons'\] must have at least 1 element/],
			['four buttons', buttons([reply('a', 'A'), reply('b', 'B'), reply('c', 'C'), reply('d', 'D')]), 131009, /\['buttons'\] must have at most 3 elements/],
			['a button title of 21 characters', buttons([reply('a', 'x'.repeat(21))]), 131009, /\['buttons'\]\[0\]\['reply'\]\['title'\] must be at most 20 characters/],
			['a button id of 257 characters', buttons([reply('x'.repeat(257), 'A')]), 131009, /\['reply'\]\['id'\] must be at most 256 characters/],
			['a button id with a trailing space', buttons([reply('a ', 'A')]), 131009, /\['reply'\]\['id'\] must not have leading or trailing spaces/],
			['two buttons with one title', buttons([reply('a', 'Same'), reply('b', 'Same')]), 131009, /\['buttons'\]\[1\]\['reply'\]\['title'\] must be unique/],
			['a button of type url', buttons([{ type: 'url', reply: { id: 'a', title: 'A' } }]), 100, /\['buttons'\]\[0\]\['type'\] must be one of \{REPLY\}/],
			['a button body of 1025 characters', buttons([reply('a', 'A')], { body: { text: 'x'.repeat(1025) } }), 131009, /interactive\['body'\]\['text'\] must be at most 1024/],
			['a header text of 61 characters', buttons([reply('a', 'A')], { header: { type: 'text', text: 'x'.repeat(61) } }), 131009, /interactive\['header'\]\['text'\] must be at most 60/],
			['a footer of 61 characters', buttons([reply('a', 'A')], { footer: { text: 'x'.repeat(61) } }), 131009, /interactive\['footer'\]\['text'\] must be at most 60/],
			['an image header without media', buttons([reply('a', 'A')], { header: { type: 'image' } }), 131008, /interactive\['header'\]\['image'\] is required/],
			['a list without sections', listMessage([]), 131009, /\['sections'\] must have at least 1 element/],
			['11 sections', listMessage(Array.from({ length: 11 }, (_, i) => ({ title: `S${i}`, rows: rows(1, `s${i}`) }))), 131009, /\['sections'\] must have at most 10/],
			['11 rows over two sections', listMessage([{ title: 'A', rows: rows(6, 'a') }, { title: 'B', rows: rows(5, 'b') }]), 131009, /at most 10 rows in total/],
			['two sections, one without title', listMessage([{ title: 'A', rows: rows(1, 'a') }, { rows: rows(1, 'b') }]), 131008, /\['sections'\]\[1\]\['title'\] is required/],
			['a section title of 25 characters', listMessage([{ title: 'x'.repeat(25), rows: rows(1) }]), 131009, /\['sections'\]\[0\]\['title'\] must be at most 24/],
			['a row title of 25 characters', listMessage([{ rows: [{ id: 'a', title: 'x'.repeat(25) }] }]), 131009, /\['rows'\]\[0\]\['title'\] must be at most 24/],
			['a row id of 201 characters', listMessage([{ rows: [{ id: 'x'.repeat(201), title: 'A' }] }]), 131009, /\['rows'\]\[0\]\['id'\] must be at most 200/],
			['a row description of 73 characters', listMessage([{ rows: [{ id: 'a', title: 'A', description: 'x'.repeat(73) }] }]), 131009, /\['description'\] must be at most 72/],
			['two rows with one id', listMessage([{ rows: [{ id: 'a', title: 'A' }, { id: 'a', title: 'B' }] }]), 131009, /\['rows'\]\[1\]\['id'\] must be unique/],
			['a list button of 21 characters', { ...listMessage([{ rows: rows(1) }]), action: { button: 'x'.repeat(21), sections: [{ rows: rows(1) }] } }, 131009, /interactive\['action'\]\['button'\] must be at most 20/],
			['a list body of 4097 characters', listMessage([{ rows: rows(1) }], { body: { text: 'x'.repeat(4097) } }), 131009, /must be at most 4096/],
			['a list with an image header', listMessage([{ rows: rows(1) }], { header: { type: 'image', image: { link: 'https://e.com/a.png' } } }), 131009, /must be text for list messages/],
			['a CTA display_text of 21 characters', cta({ display_text: 'x'.repeat(21), url: 'https://e.com' }), 131009, /\['parameters'\]\['display_text'\] must be at most 20/],
			['a CTA without url', cta({ display_text: 'Go' }), 131008, /\['parameters'\]\['url'\] is required/],
			['a CTA url that is not http(s)', cta({ display_text: 'Go', url: 'javascript:alert(1)' }), 131009, /\['parameters'\]\['url'\] must be a valid http or https URL/],
			['a CTA without body', { type: 'cta_url', action: { name: 'cta_url', parameters: { display_text: 'Go', url: 'https://e.com' } } }, 131008, /interactive\['body'\] is required/],
			['a CTA action of another name', { ...cta({}), action: { name: 'send_location', parameters: {} } }, 100, /\['action'\]\['name'\] must be "cta_url"/],
		];
		it.each(invalid)('rejects %s', async (_name, interactive, code, details) => {
			expectMetaError(await send(message('interactive', interactive)), 400, code, details);
		});
	});

	describe('reaction', () => {
		it('sends and removes a reaction', async () => {
			await expectSent(message('reaction', { message_id: WAMID, emoji: '👍' }));
			await expectSent(message('reaction', { message_id: WAMID, emoji: '' }));
		});

		it('rejects a reaction to something that is not a wamid', async () => {
			expectMetaError(await send(message('reaction', { message_id: 'SM123', emoji: '👍' })), 400, 100, /reaction\['message_id'\]/);
		});
	});

	describe('replies: context', () => {
		it('sends any type as a reply and records the context', async () => {
			await expectSent(message('text', { body: 'Sure' }, { context: { message_id: WAMID } }));
			await expectSent(message('location', { latitude: 1, longitude: 2 }, { context: { message_id: WAMID } }));
			expect(sandbox.outbound.map((m) => m.context)).toEqual([{ message_id: WAMID }, { message_id: WAMID }]);
		});

		it('rejects a context message_id that is not a wamid', async () => {
			const answer = await send(message('text', { body: 'x' }, { context: { message_id: 'SMc0ffee' } }));
			expectMetaError(answer, 400, 100, /context\['message_id'\] must be a WhatsApp message id/);
		});
	});

	describe('mark as read', () => {
		it('answers {success: true}, with and without the typing indicator, and sends nothing', async () => {
			const plain = await send({ messaging_product: 'whatsapp', status: 'read', message_id: WAMID });
			expect(plain.status).toBe(200);
			expect(plain.body).toEqual({ success: true });
			const typing = await send({ messaging_product: 'whatsapp', status: 'read', message_id: WAMID, typing_indicator: { type: 'text' } });
			expect(typing.body).toEqual({ success: true });
			expect(sandbox.outbound).toHaveLength(0);
		});

		it.each([
			['no message_id', { status: 'read' }, /parameter message_id is required/],
			['a message_id that is not a wamid', { status: 'read', message_id: 'SM0123' }, /message_id must be a WhatsApp message id/],
			['a status other than read', { status: 'delivered', message_id: WAMID }, /status must be one of \{READ\}/],
			['a typing indicator of another type', { status: 'read', message_id: WAMID, typing_indicator: { type: 'audio' } }, /typing_indicator/],
			['a to', { status: 'read', message_id: WAMID, to: TO }, /Param to is not valid when marking a message as read/],
		])('rejects %s with code 100', async (_name, extra, details) => {
			expectMetaError(await send({ messaging_product: 'whatsapp', ...extra }), 400, 100, details);
		});
	});

	describe('the outbound list', () => {
		it('keeps messages in order and is cleared in place', async () => {
			const held = sandbox.outbound;
			const first = await expectSent(message('text', { body: 'one' }));
			const second = await expectSent(message('text', { body: 'two' }));
			expect(held.map((m) => [m.id, m.content])).toEqual([
				[first, { body: 'one' }],
				[second, { body: 'two' }],
			]);
			sandbox.clearOutbound();
			expect(held).toHaveLength(0);
			expect(sandbox.outbound).toBe(held);
		});

		it('keeps a copy of the content, not the caller object', async () => {
			await expectSent(message('text', { body: 'copy' }));
			(sandbox.outbound[0].content as { body: string }).body = 'changed';
			expect(sandbox.requests[0].body).toMatchObject({ text: { body: 'copy' } });
		});
	});
});
