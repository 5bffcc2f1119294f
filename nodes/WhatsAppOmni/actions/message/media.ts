import type { IDisplayOptions, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { Readable } from 'node:stream';

import { ValidationError } from '../../helpers/ValidationError';
import { mimeTypeFromUrl } from '../../helpers/mimeTypes';
import { isAnimatedWebp } from '../../helpers/validation';
import type { BinaryFile, MediaContent, MediaKind, MediaSource } from '../../providers/types';

/** Where a file to send comes from: the fields Send Media, Send Document and Send Sticker share. */
export function mediaSourceFields(noun: string, extraShow: IDisplayOptions['show'] = {}): INodeProperties[] {
	const show = (source: string) => ({ show: { ...extraShow, source: [source] } });
	return [
		{
			displayName: 'Source',
			name: 'source',
			type: 'options',
			default: 'url',
			options: [
				{ name: 'Public URL', value: 'url', description: `A public http(s) address of the ${noun}; the provider downloads it` },
				{ name: 'Media ID (Meta)', value: 'id', description: `The ID of a ${noun} already uploaded to Meta (Media › Upload or a received message). Meta only.` },
				{ name: 'Binary File (Meta)', value: 'binary', description: 'A file in this item’s binary data, e.g. from Read Binary File or HTTP Request; uploaded to Meta first. Meta only: Twilio needs a public URL.' },
			],
			description: `Where the ${noun} comes from`,
			...(Object.keys(extraShow).length ? { displayOptions: { show: extraShow } } : {}),
		},
		{
			displayName: 'URL',
			name: 'url',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'https://example.com/file.jpg',
			description: `Public http(s) URL of the ${noun}. The provider fetches it, so it must be reachable from the internet without a login.`,
			displayOptions: show('url'),
		},
		{
			displayName: 'Media ID',
			name: 'mediaId',
			type: 'string',
			default: '',
			required: true,
			placeholder: '1234567890123456',
			description: 'A Meta media ID: returned by an upload (valid 30 days) or found in a received media message (valid 7 days)',
			displayOptions: show('id'),
		},
		{
			displayName: 'Input Binary Field',
			name: 'binaryProperty',
			type: 'string',
			default: 'data',
			required: true,
			hint: 'The name of the binary field of the input item that holds the file',
			description: 'The binary field holding the file. It is streamed to Meta, never loaded whole into memory.',
			displayOptions: show('binary'),
		},
	];
}

/** A binary field of the input item as a file to stream, with its exact size. */
export async function binaryFile(this: IExecuteFunctions, itemIndex: number, property: string): Promise<BinaryFile> {
	let binary;
	try {
		binary = this.helpers.assertBinaryData(itemIndex, property);
	} catch {
		throw new ValidationError(
			'Input Binary Field',
			`The input item has no binary field "${property}"`,
			'Put the file into this binary field first (e.g. with HTTP Request › Response Format: File), or change the field name.',
		);
	}
	const fileName = binary.fileName ?? `file${binary.fileExtension ? `.${binary.fileExtension}` : ''}`;
	const mimeType = binary.mimeType;
	if (binary.id) {
		const id = binary.id;
		const metadata = await this.helpers.getBinaryMetadata(id);
		return { fileName, mimeType, size: metadata.fileSize, open: async () => await this.helpers.getBinaryStream(id) };
	}
	// Without an id the data is kept in the item itself (n8n's default in-memory mode).
	const buffer = Buffer.from(binary.data, 'base64');
	return { fileName, mimeType, size: buffer.length, open: async () => Readable.from([buffer]) };
}

/** The first bytes of a file, to tell an animated sticker from a static one. */
async function head(file: BinaryFile, bytes = 64 * 1024): Promise<Buffer> {
	const stream = await file.open();
	const chunks: Buffer[] = [];
	let length = 0;
	for await (const chunk of stream) {
		chunks.push(chunk as Buffer);
		length += (chunk as Buffer).length;
		if (length >= bytes) break;
	}
	stream.destroy();
	return Buffer.concat(chunks).subarray(0, bytes);
}

export async function readMediaSource(this: IExecuteFunctions, itemIndex: number): Promise<MediaSource> {
	const source = this.getNodeParameter('source', itemIndex, 'url') as string;
	if (source === 'id') return { kind: 'id', id: String(this.getNodeParameter('mediaId', itemIndex, '')).trim() };
	if (source === 'binary') {
		const property = String(this.getNodeParameter('binaryProperty', itemIndex, 'data')).trim();
		return { kind: 'binary', file: await binaryFile.call(this, itemIndex, property) };
	}
	return { kind: 'url', url: String(this.getNodeParameter('url', itemIndex, '')).trim() };
}

export async function readMediaContent(
	this: IExecuteFunctions,
	itemIndex: number,
	mediaType: MediaKind,
	extra: Partial<MediaContent> = {},
): Promise<MediaContent> {
	const source = await readMediaSource.call(this, itemIndex);
	const content: MediaContent = { type: 'media', mediaType, source, ...extra };
	if (source.kind === 'url') {
		// Lets a .gif image or a .mov video be refused before the provider fails to fetch it.
		const guessed = mimeTypeFromUrl(source.url);
		if (guessed) content.mimeType = guessed;
	}
	if (source.kind === 'binary') {
		content.mimeType = source.file.mimeType;
		if (mediaType === 'sticker') content.animated = isAnimatedWebp(await head(source.file));
	}
	return content;
}
