import nock from 'nock';
import { Readable } from 'node:stream';

import { ValidationError } from '../../nodes/WhatsAppOmni/helpers/ValidationError';
import { clearGraphClients } from '../../nodes/WhatsAppOmni/providers/meta/client';
import { MetaProvider } from '../../nodes/WhatsAppOmni/providers/meta/MetaProvider';
import { ProviderError } from '../../nodes/WhatsAppOmni/providers/ProviderError';
import { clearTwilioClients } from '../../nodes/WhatsAppOmni/providers/twilio/client';
import { TwilioProvider } from '../../nodes/WhatsAppOmni/providers/twilio/TwilioProvider';
import type { BinaryFile, MetaCredentials } from '../../nodes/WhatsAppOmni/providers/types';
import { UnsupportedError } from '../../nodes/WhatsAppOmni/providers/UnsupportedError';
import { rejectionOf, useNock } from './nockHelpers';
import { ACCOUNT, twilioCredentials as twilio, twilioHost } from './twilioFixtures';

const GRAPH = 'https://graph.facebook.com';
const meta: MetaCredentials = { accessToken: 'EAAG-unit', phoneNumberId: '106540352242922', graphApiVersion: 'v24.0' };
const MESSAGE = 'MM0123456789abcdef0123456789abcdef';
const MEDIA = 'ME0123456789abcdef0123456789abcdef';
const mediaUri = `/2010-04-01/Accounts/${ACCOUNT}/Messages/${MESSAGE}/Media/${MEDIA}.json`;
const mediaResource = { sid: MEDIA, account_sid: ACCOUNT, parent_sid: MESSAGE, content_type: 'image/jpeg', uri: mediaUri, date_created: null, date_updated: null };

useNock(() => {
	clearGraphClients();
	clearTwilioClients();
});

async function readAll(stream: Readable): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of stream) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks);
}

describe('Meta media requests', () => {
	it('Upload: POST /{phone-id}/media, multipart with the file, returns the id', async () => {
		let body = '';
		const scope = nock(GRAPH, { reqheaders: { authorization: 'Bearer EAAG-unit' } })
			.post('/v24.0/106540352242922/media', (b: string) => {
				body = b;
				return true;
			})
			.reply(200, { id: '999000111' });
		const file: BinaryFile = { fileName: 'a.png', mimeType: 'image/png', size: 4, open: async () => Readable.from([Buffer.from('\x89PNG')]) };
		const result = await new MetaProvider(meta).uploadMedia(file);
		expect(scope.isDone()).toBe(true);
		expect(result).toEqual({ provider: 'meta', mediaId: '999000111', mimeType: 'image/png', size: 4 });
		expect(body).toContain('name="messaging_product"\r\n\r\nwhatsapp');
		expect(body).toContain('name="type"\r\n\r\nimage/png');
		expect(body).toContain('filename="a.png"');
	});

	it('Get URL: GET /{media-id} with the token, URL expiring in 5 minutes', async () => {
		const answer = { messaging_product: 'whatsapp', url: 'https://lookaside.fbsbx.com/x?y=1', mime_type: 'image/png', sha256: 'ab'.repeat(32), file_size: 303, id: '999000111' };
		const scope = nock(GRAPH, { reqheaders: { authorization: 'Bearer EAAG-unit' } }).get('/v24.0/999000111').reply(200, answer);
		const [info] = await new MetaProvider(meta).getMedia({ id: '999000111' });
		expect(scope.isDone()).toBe(true);
		expect(info).toEqual({ provider: 'meta', mediaId: '999000111', url: answer.url, mimeType: 'image/png', sha256: answer.sha256, size: 303, urlExpiresInSeconds: 300, raw: answer });
	});

	it('Download: GET /{media-id}, then the URL with the same Bearer token, with the sha256', async () => {
		const graph = nock(GRAPH, { reqheaders: { authorization: 'Bearer EAAG-unit' } })
			.get('/v24.0/999000111')
			.reply(200, { url: 'https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1', mime_type: 'image/png', sha256: 'cd'.repeat(32), file_size: 5, id: '999000111' });
		const cdn = nock('https://lookaside.fbsbx.com', { reqheaders: { authorization: 'Bearer EAAG-unit' } })
			.get('/whatsapp_business/attachments/')
			.query({ mid: '1' })
			.reply(200, 'bytes', { 'content-type': 'image/png' });
		const media = await new MetaProvider(meta).openMedia({ id: '999000111' });
		expect(await readAll(media.stream)).toEqual(Buffer.from('bytes'));
		expect(graph.isDone() && cdn.isDone()).toBe(true);
		expect(media).toMatchObject({ mimeType: 'image/png', size: 5, sha256: 'cd'.repeat(32) });
	});

	it('Delete: DELETE /{media-id}', async () => {
		const scope = nock(GRAPH, { reqheaders: { authorization: 'Bearer EAAG-unit' } }).delete('/v24.0/999000111').reply(200, { success: true });
		expect(await new MetaProvider(meta).deleteMedia({ id: '999000111' })).toEqual({ provider: 'meta', mediaIds: ['999000111'], success: true });
		expect(scope.isDone()).toBe(true);
	});

	it('refuses a non-numeric media ID before any request', async () => {
		expect(await rejectionOf(new MetaProvider(meta).getMedia({ id: MESSAGE }))).toBeInstanceOf(ValidationError);
	});

	it('turns Graph errors into provider errors', async () => {
		nock(GRAPH).get('/v24.0/42').reply(400, { error: { message: 'Unsupported get request', type: 'GraphMethodException', code: 100, error_subcode: 33 } });
		const error = await rejectionOf(new MetaProvider(meta).getMedia({ id: '42' }));
		expect(error).toBeInstanceOf(ProviderError);
		expect((error as ProviderError).code).toBe(100);
	});
});

describe('Twilio media requests', () => {
	it('Upload is refused without a request, naming the alternative', async () => {
		const error = await rejectionOf(new TwilioProvider(twilio).uploadMedia({ fileName: 'a.png', mimeType: 'image/png', size: 1, open: async () => Readable.from([]) }));
		expect(error).toBeInstanceOf(UnsupportedError);
		expect((error as UnsupportedError).alternative).toMatch(/public URL/);
	});

	it('Get URL by message SID: GET …/Messages/{SID}/Media.json; URL = api.twilio.com + uri without .json', async () => {
		const scope = twilioHost('api')
			.get(`/2010-04-01/Accounts/${ACCOUNT}/Messages/${MESSAGE}/Media.json`)
			.query(true)
			.reply(200, { media_list: [mediaResource], page: 0, page_size: 50, next_page_uri: null, uri: '/x' });
		const list = await new TwilioProvider(twilio).getMedia({ id: MESSAGE });
		expect(scope.isDone()).toBe(true);
		expect(list).toHaveLength(1);
		expect(list[0]).toMatchObject({ provider: 'twilio', mediaId: MEDIA, messageId: MESSAGE, mimeType: 'image/jpeg', url: `https://api.twilio.com${mediaUri.replace('.json', '')}` });
	});

	it('Get URL follows the base URL override', async () => {
		const scope = nock('http://gateway.test')
			.get(`/api/2010-04-01/Accounts/${ACCOUNT}/Messages/${MESSAGE}/Media/${MEDIA}.json`)
			.reply(200, mediaResource);
		const [info] = await new TwilioProvider({ ...twilio, baseUrl: 'http://gateway.test' }).getMedia({ id: MEDIA, messageId: MESSAGE });
		expect(scope.isDone()).toBe(true);
		expect(info.url).toBe(`http://gateway.test/api${mediaUri.replace('.json', '')}`);
	});

	it('a media SID without its message SID is refused before any request', async () => {
		expect(await rejectionOf(new TwilioProvider(twilio).getMedia({ id: MEDIA }))).toBeInstanceOf(ValidationError);
	});

	it('Download by message SID: lists the media, GETs the first with Basic auth, follows the redirect without it', async () => {
		const api = twilioHost('api')
			.get(`/2010-04-01/Accounts/${ACCOUNT}/Messages/${MESSAGE}/Media.json`)
			.query(true)
			.reply(200, { media_list: [mediaResource], page: 0, page_size: 50, next_page_uri: null, uri: '/x' })
			.get(mediaUri.replace('.json', ''))
			.reply(307, '', { location: 'https://mms.twiliocdn.com/file/1' });
		const cdn = nock('https://mms.twiliocdn.com', { badheaders: ['authorization'] }).get('/file/1').reply(200, 'jpegbytes', { 'content-type': 'image/jpeg' });
		const media = await new TwilioProvider(twilio).openMedia({ id: MESSAGE });
		expect(await readAll(media.stream)).toEqual(Buffer.from('jpegbytes'));
		expect(api.isDone() && cdn.isDone()).toBe(true);
		expect(media.mimeType).toBe('image/jpeg');
	});

	it('Delete: DELETE …/Messages/{SID}/Media/{ME}.json', async () => {
		const scope = twilioHost('api').delete(mediaUri).reply(204);
		expect(await new TwilioProvider(twilio).deleteMedia({ id: MEDIA, messageId: MESSAGE })).toEqual({ provider: 'twilio', mediaIds: [MEDIA], success: true });
		expect(scope.isDone()).toBe(true);
	});
});
