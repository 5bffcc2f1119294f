import { updateDisplayOptions, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import type { MediaInfo, WhatsAppProvider } from '../../providers/types';
import { mediaReferenceFields, readMediaRef } from './reference';

export const description = updateDisplayOptions({ show: { resource: ['media'], operation: ['getUrl'] } }, mediaReferenceFields(false));

const META_NOTE = 'The URL expires in about 5 minutes and needs the access token (Authorization: Bearer); use Media › Download to fetch it.';
const TWILIO_NOTE = 'The URL needs the account’s Basic auth and redirects to a short-lived CDN address; use Media › Download to fetch it.';

function toJson(media: MediaInfo): IDataObject {
	return {
		mediaId: media.mediaId,
		url: media.url,
		...(media.mimeType ? { mimeType: media.mimeType } : {}),
		...(media.sha256 ? { sha256: media.sha256 } : {}),
		...(media.size !== undefined ? { size: media.size } : {}),
		...(media.messageId ? { messageId: media.messageId } : {}),
		...(media.urlExpiresInSeconds !== undefined
			? { urlExpiresAt: new Date(Date.now() + media.urlExpiresInSeconds * 1000).toISOString() }
			: {}),
	};
}

export async function execute(this: IExecuteFunctions, itemIndex: number, provider: WhatsAppProvider): Promise<IDataObject> {
	const media = await provider.getMedia(readMediaRef.call(this, itemIndex, false));
	const [first] = media;
	return {
		provider: provider.name,
		...(first ? toJson(first) : {}),
		media: media.map(toJson),
		note: provider.name === 'meta' ? META_NOTE : TWILIO_NOTE,
	};
}
