import { createHash } from 'node:crypto';

import { MEDIA_STORE_MAX_BYTES, startSandbox, type Sandbox } from '../../sandbox';
import { MediaStore } from '../../sandbox/metaMedia';
import { multipartBoundary, parseMultipart } from '../../sandbox/multipart';
import { call, expectMetaError, metaGet, metaUpload, PNG_1X1 } from './helpers';

const MB = 1024 * 1024;

describe('sandbox: Meta media', () => {
	let sandbox: Sandbox;

	beforeAll(async () => {
		sandbox = await startSandbox();
	});
	afterAll(async () => {
		await sandbox.stop();
	});
	beforeEach(() => sandbox.clearRequests());

	const upload = (type: string, bytes: Uint8Array, filename = 'file.bin', contentType = type) =>
		metaUpload(sandbox, { messaging_product: 'whatsapp', type, file: { bytes, filename, contentType } });

	describe('POST /<phone-number-id>/media', () => {
		it('takes a real PNG as multipart and keeps it in the media store', async () => {
			const answer = await upload('image/png', PNG_1X1, 'dot.png');
			expect(answer.status).toBe(200);
			expect(answer.body).toEqual({ id: expect.stringMatching(/^\d{15,17}$/) });

			const stored = sandbox.getMedia(answer.body.id);
			expect(stored).toMatchObject({
				id: answer.body.id,
				mimeType: 'image/png',
				size: PNG_1X1.length,
				sha256: createHash('sha256').update(PNG_1X1).digest('hex'),
				fileName: 'dot.png',
				phoneNumberId: sandbox.meta.phoneNumberId,
			});
			expect(Buffer.compare(stored!.bytes, PNG_1X1)).toBe(0);
		});

		it('records the upload with its fields and a summary of the file', async () => {
			await upload('image/png', PNG_1X1, 'dot.png');
			expect(sandbox.requests).toHaveLength(1);
			expect(sandbox.requests[0]).toMatchObject({
				method: 'POST',
				path: `/v24.0/${sandbox.meta.phoneNumberId}/media`,
				status: 200,
				body: {
					messaging_product: 'whatsapp',
					type: 'image/png',
					file: { filename: 'dot.png', contentType: 'image/png', size: PNG_1X1.length },
				},
			});
			expect(sandbox.requests[0].rawBody.includes(PNG_1X1)).toBe(true);
		});

		it('hands out a new id for every upload', async () => {
			const first = await upload('image/png', PNG_1X1);
			const second = await upload('image/png', PNG_1X1);
			expect(first.body.id).not.toBe(second.body.id);
		});

		it.each([
			['a document over the image limit', 'application/pdf', 6 * MB],
			['a video of exactly 16 MB', 'video/mp4', 16 * MB],
			['a sticker of exactly 500 KB', 'image/webp', 500 * 1024],
			['an OGG voice note', 'audio/ogg', 2048],
			['a DOCX', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 4096],
		])('accepts %s', async (_name, type, size) => {
			const answer = await upload(type, Buffer.alloc(size, 7));
			expect(answer.status).toBe(200);
			expect(sandbox.getMedia(answer.body.id)?.size).toBe(size);
		});

		it.each([
			['an image over 5 MB', 'image/png', 5 * MB + 1, /5 MB limit for image/],
			['a JPEG over 5 MB', 'image/jpeg', 5 * MB + 1, /5 MB limit/],
			['a video over 16 MB', 'video/mp4', 16 * MB + 1, /16 MB limit for video/],
			['an audio file over 16 MB', 'audio/mpeg', 16 * MB + 1, /16 MB limit for audio/],
			['a sticker over 500 KB', 'image/webp', 500 * 1024 + 1, /500 KB limit for sticker/],
		])('refuses %s with 131053 naming the limit', async (_name, type, size, details) => {
			const answer = await upload(type, Buffer.alloc(size));
			expectMetaError(answer, 400, 131053, details);
			expect(answer.body.error.message).toBe('(#131053) Media upload error');
		});

		// One byte over Meta's document limit: the body (over 100 MB) passes the default cap of
		// 101 MiB, so the answer is Meta's size check rather than the sandbox's 413.
		it('takes a body over 100 MB to the document size check', async () => {
			const refused = await upload('application/pdf', Buffer.alloc(100 * MB + 1, 0x25), 'big.pdf');
			expectMetaError(refused, 400, 131053, /104857601 bytes is over the 100 MB limit for document/);
			sandbox.clearRequests();
		});

		it.each(['image/gif', 'video/quicktime', 'application/zip', 'audio/wav'])(
			'refuses the unsupported type %s with 131053',
			async (type) => {
				const answer = await upload(type, Buffer.alloc(10));
				expectMetaError(answer, 400, 131053, new RegExp(`unsupported media type "${type}"`));
			},
		);

		it('refuses an empty file with 131053', async () => {
			expectMetaError(await upload('image/png', Buffer.alloc(0)), 400, 131053, /empty/);
		});

		it.each([
			['messaging_product', { type: 'image/png', file: { bytes: PNG_1X1, filename: 'a.png' } }],
			['file', { messaging_product: 'whatsapp', type: 'image/png' }],
			['type', { messaging_product: 'whatsapp', file: { bytes: PNG_1X1, filename: 'a.png' } }],
		])('answers a missing %s with code 100 naming it', async (field, fields) => {
			const answer = await metaUpload(sandbox, fields as Parameters<typeof metaUpload>[1]);
			expectMetaError(answer, 400, 100, new RegExp(`parameter ${field} is required`));
		});

		it('refuses a messaging_product other than whatsapp', async () => {
			const answer = await metaUpload(sandbox, { messaging_product: 'sms', type: 'image/png', file: { bytes: PNG_1X1 } });
			expectMetaError(answer, 400, 100, /messaging_product/);
		});

		it('answers a JSON body (no file) with code 100 for the file', async () => {
			const answer = await call(`${sandbox.graphBaseUrl}/v24.0/${sandbox.meta.phoneNumberId}/media`, {
				method: 'POST',
				headers: { authorization: `Bearer ${sandbox.meta.accessToken}`, 'content-type': 'application/json' },
				body: JSON.stringify({ messaging_product: 'whatsapp', type: 'image/png' }),
			});
			expectMetaError(answer, 400, 100, /parameter file is required/);
		});

		it('needs the token', async () => {
			const answer = await metaUpload(sandbox, { messaging_product: 'whatsapp', type: 'image/png', file: { bytes: PNG_1X1 } }, undefined, 'nope');
			expectMetaError(answer, 401, 190);
		});

		it('takes uploads only on the own phone number id', async () => {
			const answer = await metaUpload(sandbox, { messaging_product: 'whatsapp', type: 'image/png', file: { bytes: PNG_1X1 } }, '111222333');
			expectMetaError(answer, 400, 100);
			expect(answer.body.error.error_subcode).toBe(33);
		});
	});

	describe('GET and DELETE /<media-id>, and the download URL', () => {
		it('describes an upload and serves its bytes with the Bearer token', async () => {
			const { body } = await upload('image/png', PNG_1X1, 'dot.png');
			const described = await metaGet(sandbox, `/v24.0/${body.id}`);
			expect(described.status).toBe(200);
			expect(described.body).toEqual({
				messaging_product: 'whatsapp',
				url: expect.stringMatching(new RegExp(`^${sandbox.graphBaseUrl}/media-download/${body.id}\\?token=\\w+$`)),
				mime_type: 'image/png',
				sha256: createHash('sha256').update(PNG_1X1).digest('hex'),
				file_size: PNG_1X1.length,
				id: body.id,
			});

			const download = await fetch(described.body.url, { headers: { authorization: `Bearer ${sandbox.meta.accessToken}` } });
			expect(download.status).toBe(200);
			expect(download.headers.get('content-type')).toBe('image/png');
			expect(Buffer.compare(Buffer.from(await download.arrayBuffer()), PNG_1X1)).toBe(0);
		});

		it('refuses the download without the token, and with a wrong URL token', async () => {
			const { body } = await upload('image/png', PNG_1X1);
			const { body: described } = await metaGet(sandbox, `/v24.0/${body.id}`);
			expectMetaError(await call(described.url), 401, 190);
			const wrong = await call(described.url.replace(/token=\w+/, 'token=forged'), {
				headers: { authorization: `Bearer ${sandbox.meta.accessToken}` },
			});
			expect(wrong.status).toBe(404);
		});

		it('answers an unknown media id like any unknown object', async () => {
			const answer = await metaGet(sandbox, '/v24.0/1234567890123456');
			expectMetaError(answer, 400, 100);
			expect(answer.body.error.error_subcode).toBe(33);
		});

		it('deletes media', async () => {
			const { body } = await upload('image/png', PNG_1X1);
			const deleted = await call(`${sandbox.graphBaseUrl}/v24.0/${body.id}`, {
				method: 'DELETE',
				headers: { authorization: `Bearer ${sandbox.meta.accessToken}` },
			});
			expect(deleted.body).toEqual({ success: true });
			expect(sandbox.getMedia(body.id)).toBeUndefined();
			expect((await metaGet(sandbox, `/v24.0/${body.id}`)).status).toBe(400);
		});
	});

	describe('the store bound', () => {
		it('drops the oldest uploads once the store holds more than its budget', () => {
			const store = new MediaStore(10);
			const add = (size: number) => store.add({ mimeType: 'text/plain', fileName: undefined, bytes: Buffer.alloc(size), phoneNumberId: '1' });
			const a = add(4);
			const b = add(4);
			const c = add(4);
			expect(store.get(a.id)).toBeUndefined();
			expect(store.get(b.id)).toBe(b);
			expect(store.get(c.id)).toBe(c);
			expect(store.bytes).toBe(8);
			// One upload larger than the budget is still kept, alone.
			const big = add(11);
			expect(store.get(big.id)).toBe(big);
			expect(store.size).toBe(1);
			expect(store.delete(big.id)).toBe(true);
			expect(store.bytes).toBe(0);
		});

		it('keeps 200 MB by default', () => {
			expect(MEDIA_STORE_MAX_BYTES).toBe(200 * MB);
		});
	});

	describe('the body size cap', () => {
		it('answers a body over maxBodyBytes with 413 and a media upload error, and records it', async () => {
			const small = await startSandbox({ maxBodyBytes: 64 * 1024 });
			try {
				const answer = await metaUpload(small, { messaging_product: 'whatsapp', type: 'image/png', file: { bytes: Buffer.alloc(100 * 1024) } });
				expectMetaError(answer, 413, 131053, /larger than the 65536 bytes/);
				expect(small.requests).toHaveLength(1);
				expect(small.requests[0]).toMatchObject({ status: 413, body: undefined });
				// The server still answers afterwards.
				const ok = await metaUpload(small, { messaging_product: 'whatsapp', type: 'image/png', file: { bytes: PNG_1X1 } });
				expect(ok.status).toBe(200);
			} finally {
				await small.stop();
			}
		});

		it('answers Twilio requests over the cap with a Twilio body', async () => {
			const small = await startSandbox({ maxBodyBytes: 1024 });
			try {
				const answer = await call(`${small.twilioBaseUrl}/content/v1/Content`, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify({ language: 'en', types: { 'twilio/text': { body: 'x'.repeat(2000) } } }),
				});
				expect(answer.status).toBe(413);
				expect(answer.body).toMatchObject({ code: 20413, status: 413 });
			} finally {
				await small.stop();
			}
		});

		it('refuses a non-positive cap', async () => {
			await expect(startSandbox({ maxBodyBytes: 0 })).rejects.toThrow(RangeError);
		});
	});

	describe('the multipart parser', () => {
		const body = (boundary: string) =>
			Buffer.from(
				[
					'preamble to ignore',
					`--${boundary}  `,
					'Content-Disposition: form-data; name="messaging_product"',
					'',
					'whatsapp',
					`--${boundary}`,
					`Content-Disposition: form-data; name="file"; filename="plain.pdf"; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf`,
					'Content-Type: Application/PDF; charset=binary',
					'',
					'%PDF\r\n--not-the-boundary',
					`--${boundary}--`,
					'epilogue',
				].join('\r\n'),
			);

		it('reads fields and files, with quoted boundaries, padding and RFC 5987 file names', () => {
			const contentType = 'multipart/form-data; boundary="a b:c"';
			const boundary = multipartBoundary(contentType)!;
			expect(boundary).toBe('a b:c');
			const parts = parseMultipart(body(boundary), boundary)!;
			expect(parts.map((p) => ({ ...p, data: p.data.toString('latin1') }))).toEqual([
				{ name: 'messaging_product', filename: undefined, contentType: undefined, data: 'whatsapp' },
				{ name: 'file', filename: 'résumé.pdf', contentType: 'application/pdf', data: '%PDF\r\n--not-the-boundary' },
			]);
		});

		it('answers undefined for a body that is not multipart with that boundary', () => {
			expect(parseMultipart(body('xyz'), 'other')).toBeUndefined();
			expect(parseMultipart(Buffer.from('--xyz\r\nContent-Disposition: form-data; name="a"\r\n\r\nno end'), 'xyz')).toBeUndefined();
			expect(multipartBoundary('multipart/form-data')).toBeUndefined();
		});
	});
});
