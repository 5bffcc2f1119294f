import { updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { baseMimeType } from '../../helpers/mimeTypes';
import { validateMedia } from '../../helpers/validation';
import { ValidationError } from '../../helpers/ValidationError';
import { PROVIDER_LABELS, type MediaKind, type WhatsAppProvider } from '../../providers/types';
import { binaryFile } from '../message/media';

const properties: INodeProperties[] = [
	{
		displayName: 'Twilio has no media upload: it fetches files from a public URL. Use Message › Send Media with Source: Public URL instead.',
		name: 'twilioUploadNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { provider: ['twilio'] } },
	},
	{
		displayName: 'Input Binary Field',
		name: 'binaryProperty',
		type: 'string',
		default: 'data',
		required: true,
		hint: 'The name of the binary field of the input item that holds the file',
		description:
			'The binary field holding the file to upload to Meta (streamed, never loaded whole into memory). Its type and size are checked first: images JPEG/PNG up to 5 MB, audio and video up to 16 MB, documents up to 100 MB, WebP stickers up to 500 KB. The media ID lasts 30 days.',
	},
];

export const description = updateDisplayOptions({ show: { resource: ['media'], operation: ['upload'] } }, properties);

/** The kind whose accepted types include the MIME type; documents are the catch-all. */
function kindOf(mimeType: string, provider: WhatsAppProvider): MediaKind {
	const type = baseMimeType(mimeType);
	const order: MediaKind[] = ['image', 'video', 'audio', 'sticker', 'document'];
	const kind = order.find((k) => provider.limits.media[k]?.mimeTypes.includes(type));
	if (kind) return kind;
	const accepted = order.flatMap((k) => provider.limits.media[k]?.mimeTypes ?? []);
	throw new ValidationError(
		'Input Binary Field',
		`Files of type ${type || '(unknown)'} cannot be uploaded; ${PROVIDER_LABELS[provider.name]} accepts ${accepted.join(', ')}`,
		'Convert the file to one of the accepted types, or set the binary data’s MIME type correctly.',
	);
}

export async function execute(this: IExecuteFunctions, itemIndex: number, provider: WhatsAppProvider): Promise<IDataObject> {
	const property = String(this.getNodeParameter('binaryProperty', itemIndex, 'data')).trim();
	const file = await binaryFile.call(this, itemIndex, property);
	const mediaType = kindOf(file.mimeType, provider);
	validateMedia({ type: 'media', mediaType, source: { kind: 'binary', file }, mimeType: file.mimeType }, provider.limits, PROVIDER_LABELS[provider.name]);
	const uploaded = await provider.uploadMedia(file);
	return { provider: uploaded.provider, mediaId: uploaded.mediaId, mimeType: uploaded.mimeType, size: uploaded.size, fileName: file.fileName };
}
