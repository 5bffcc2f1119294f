import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { MediaKind, MessageContent } from '../../providers/types';
import { mediaSourceFields, readMediaContent } from './media';
import { sendDescription, sendOperation, type MessageType } from './send';

export const fields: INodeProperties[] = [
	{
		displayName: 'Media Type',
		name: 'mediaType',
		type: 'options',
		default: 'image',
		options: [
			{ name: 'Audio', value: 'audio', description: 'AAC, AMR, MP3, MP4 audio or OGG/OPUS, up to 16 MB' },
			{ name: 'Image', value: 'image', description: 'JPEG or PNG, up to 5 MB' },
			{ name: 'Video', value: 'video', description: 'MP4 (H.264 + AAC), up to 16 MB; Meta also takes 3GPP' },
		],
		description: 'What kind of media to send. Documents and stickers have their own operations.',
	},
	...mediaSourceFields('file'),
];

export const optionFields: INodeProperties[] = [
	{
		displayName: 'Caption',
		name: 'caption',
		type: 'string',
		default: '',
		typeOptions: { rows: 2 },
		description: 'Text shown under an image or video, up to 1,024 characters. Audio has no caption.',
	},
	{
		displayName: 'Voice Note',
		name: 'voice',
		type: 'boolean',
		default: false,
		description:
			'Whether to send audio as a voice note (played inline, with a microphone icon). Meta only; the file must be OGG/OPUS.',
	},
];

async function readContent(this: IExecuteFunctions, itemIndex: number): Promise<MessageContent> {
	const mediaType = this.getNodeParameter('mediaType', itemIndex, 'image') as MediaKind;
	const options = this.getNodeParameter('options', itemIndex, {}) as { caption?: string; voice?: boolean };
	return await readMediaContent.call(this, itemIndex, mediaType, {
		...(options.caption ? { caption: options.caption } : {}),
		...(options.voice ? { voice: true } : {}),
	});
}

export const messageType: MessageType = { fields, optionFields, readContent };

export const description = sendDescription('sendMedia', messageType);

export const sendsMessages = true;

export const execute = sendOperation(messageType);
