import type { AxiosInstance } from 'axios';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';

import type { BinaryFile } from '../types';

/**
 * The multipart body of `POST /{phone-number-id}/media`, produced as a stream around the file's
 * own stream: a 100 MB document never sits in memory. The length is known up front, so the
 * request carries Content-Length, as the Graph API expects for uploads.
 */
export function mediaUploadBody(file: BinaryFile, fileStream: Readable) {
	const boundary = `----WhatsAppOmni${randomBytes(12).toString('hex')}`;
	const safeName = file.fileName.replace(/["\r\n\\]/g, '_') || 'file';
	const head = Buffer.from(
		`--${boundary}\r\nContent-Disposition: form-data; name="messaging_product"\r\n\r\nwhatsapp\r\n` +
			`--${boundary}\r\nContent-Disposition: form-data; name="type"\r\n\r\n${file.mimeType}\r\n` +
			`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${safeName}"\r\nContent-Type: ${file.mimeType}\r\n\r\n`,
	);
	const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
	async function* parts() {
		yield head;
		yield* fileStream;
		yield tail;
	}
	return {
		body: Readable.from(parts(), { objectMode: false }),
		contentType: `multipart/form-data; boundary=${boundary}`,
		contentLength: head.length + file.size + tail.length,
	};
}

export async function uploadMedia(client: AxiosInstance, phoneNumberId: string, file: BinaryFile): Promise<string> {
	const upload = mediaUploadBody(file, await file.open());
	const response = await client.post<{ id: string }>(`${phoneNumberId}/media`, upload.body, {
		headers: { 'Content-Type': upload.contentType, 'Content-Length': String(upload.contentLength) },
		maxBodyLength: Infinity,
		// No transformRequest: the stream must go out as it is.
		transformRequest: [(data) => data],
	});
	return response.data.id;
}
