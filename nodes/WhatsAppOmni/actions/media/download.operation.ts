import { updateDisplayOptions, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';
import { createHash } from 'node:crypto';
import { pipeline, Transform, type TransformCallback } from 'node:stream';

import { formatBytes } from '../../helpers/validation';
import { ValidationError } from '../../helpers/ValidationError';
import type { WhatsAppProvider } from '../../providers/types';
import { OperationItem } from '../node.type';
import { mediaReferenceFields, readMediaRef } from './reference';

const MB = 1024 * 1024;

const properties: INodeProperties[] = [
	...mediaReferenceFields(true),
	{
		displayName: 'Put Output File in Field',
		name: 'binaryProperty',
		type: 'string',
		default: 'data',
		required: true,
		hint: 'The name of the output binary field to put the file in',
		description: 'The binary field of the output item that receives the file. It is streamed to n8n’s binary data store, never held whole in memory.',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'File Name',
				name: 'fileName',
				type: 'string',
				default: '',
				description: 'Name of the file in the binary data; default the provider’s name for it, or the media ID with an extension from its type',
			},
			{
				displayName: 'Maximum Size (MB)',
				name: 'maxSizeMb',
				type: 'number',
				typeOptions: { minValue: 0.001, numberPrecision: 3 },
				default: 100,
				description: 'Fail, and stop downloading, when the file is larger than this. WhatsApp documents go up to 100 MB.',
			},
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['media'], operation: ['download'] } }, properties);

const EXTENSIONS: Record<string, string> = {
	'image/jpeg': 'jpg',
	'image/png': 'png',
	'image/webp': 'webp',
	'video/mp4': 'mp4',
	'video/3gpp': '3gp',
	'audio/ogg': 'ogg',
	'audio/mpeg': 'mp3',
	'audio/aac': 'aac',
	'audio/amr': 'amr',
	'audio/mp4': 'm4a',
	'application/pdf': 'pdf',
	'text/plain': 'txt',
	'text/vcard': 'vcf',
};

/** `declared`: the provider said the size up front; else the download was stopped at `size` bytes. */
function tooLarge(size: number, max: number, declared: boolean) {
	const what = declared ? formatBytes(size) : `over ${formatBytes(max)} (stopped after ${formatBytes(size)})`;
	return new ValidationError(
		'Maximum Size (MB)',
		`The media is larger than the maximum size: ${what}, at most ${formatBytes(max)} allowed`,
		'Raise "Maximum Size (MB)" in the options if such files are expected.',
	);
}

/** Counts and hashes the bytes as they pass; fails the stream once it exceeds the maximum. */
class CheckedStream extends Transform {
	private readonly hash = createHash('sha256');

	bytes = 0;

	constructor(private readonly maxBytes: number) {
		super();
	}

	_transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
		this.bytes += chunk.length;
		if (this.bytes > this.maxBytes) {
			callback(tooLarge(this.bytes, this.maxBytes, false));
			return;
		}
		this.hash.update(chunk);
		callback(null, chunk);
	}

	digest(): string {
		return this.hash.digest('hex');
	}
}

export async function execute(this: IExecuteFunctions, itemIndex: number, provider: WhatsAppProvider): Promise<OperationItem> {
	const ref = readMediaRef.call(this, itemIndex, true);
	const property = String(this.getNodeParameter('binaryProperty', itemIndex, 'data')).trim() || 'data';
	const options = this.getNodeParameter('options', itemIndex, {}) as { fileName?: string; maxSizeMb?: number };
	const maxBytes = Math.round((options.maxSizeMb ?? 100) * MB);
	if (!(maxBytes > 0)) throw new ValidationError('Maximum Size (MB)', 'Maximum Size (MB) must be a positive number');

	const media = await provider.openMedia(ref);
	if (media.size !== undefined && media.size > maxBytes) {
		media.stream.destroy();
		throw tooLarge(media.size, maxBytes, true);
	}
	const mimeType = media.mimeType?.split(';')[0].trim() || 'application/octet-stream';
	const baseName = (ref.id ?? 'media').replace(/[^A-Za-z0-9_.-]/g, '_');
	const extension = EXTENSIONS[mimeType];
	const fileName = options.fileName?.trim() || media.fileName || (extension ? `${baseName}.${extension}` : baseName);

	const checked = new CheckedStream(maxBytes);
	// pipeline destroys the download too when the check fails, so the connection is dropped.
	pipeline(media.stream, checked, () => {});
	const binary = await this.helpers.prepareBinaryData(checked, fileName, mimeType);
	const sha256 = checked.digest();
	if (media.sha256 && media.sha256.toLowerCase() !== sha256) {
		throw new ValidationError(
			'Media',
			`The downloaded file is damaged: its SHA-256 is ${sha256}, but ${provider.name === 'meta' ? 'Meta' : 'the provider'} gives ${media.sha256}`,
			'Run the node again; if it keeps failing, the media may have been replaced or the download is being altered on the way.',
		);
	}
	return new OperationItem(
		{
			provider: provider.name,
			...(ref.id ? { mediaId: ref.id } : { url: ref.url }),
			fileName,
			mimeType,
			size: checked.bytes,
			sha256,
			sha256Checked: !!media.sha256,
			binaryProperty: property,
		},
		{ [property]: binary },
	);
}
