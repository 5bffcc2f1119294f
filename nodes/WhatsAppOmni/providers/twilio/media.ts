import axios from 'axios';
import type { Readable } from 'node:stream';

import { networkError } from '../ProviderError';
import type { DownloadedMedia } from '../types';
import { toTwilioError } from './errors';

const MAX_REDIRECTS = 3;

/**
 * Twilio media URLs answer with a redirect to a short-lived CDN address. The account's
 * credentials go to Twilio only: a redirect to another host is followed without them.
 */
export async function downloadTwilioMedia(
	url: string,
	auth: { username: string; password: string },
	mimeType?: string,
): Promise<DownloadedMedia> {
	let target = new URL(url);
	const twilioHost = target.host;
	for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
		let response;
		try {
			response = await axios.get<Readable>(target.toString(), {
				responseType: 'stream',
				maxRedirects: 0,
				validateStatus: () => true,
				timeout: 60_000,
				...(target.host === twilioHost ? { auth } : {}),
			});
		} catch (error) {
			throw networkError('twilio', (error as NodeJS.ErrnoException).code, target.host);
		}
		const { status, headers, data } = response;
		if (status >= 300 && status < 400 && headers.location) {
			data.resume();
			target = new URL(String(headers.location), target);
			continue;
		}
		if (status >= 400) {
			const chunks: Buffer[] = [];
			for await (const chunk of data) chunks.push(chunk as Buffer);
			throw toTwilioError(status, Buffer.concat(chunks).toString('utf8'), headers as Record<string, unknown>);
		}
		const length = Number(headers['content-length']);
		return {
			stream: data,
			mimeType: String(headers['content-type'] ?? mimeType ?? '') || undefined,
			size: Number.isFinite(length) && length > 0 ? length : undefined,
		};
	}
	throw toTwilioError(508, { message: `More than ${MAX_REDIRECTS} redirects for ${url}` }, undefined);
}
