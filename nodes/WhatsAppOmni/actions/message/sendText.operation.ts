import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { MessageContent } from '../../providers/types';
import { sendDescription, sendOperation, type MessageType } from './send';

export const fields: INodeProperties[] = [
	{
		displayName: 'Text',
		name: 'text',
		type: 'string',
		required: true,
		default: '',
		typeOptions: { rows: 4 },
		description:
			'The message. At most 4,096 characters on Meta and 1,600 on Twilio. WhatsApp formatting works: *bold*, _italic_, ~strikethrough~, ```monospace```. Free-form text only reaches people who wrote to you in the last 24 hours; otherwise send a template.',
	},
];

export const optionFields: INodeProperties[] = [
	{
		displayName: 'Link Preview',
		name: 'previewUrl',
		type: 'boolean',
		default: false,
		description:
			'Whether WhatsApp shows a preview of the first link in the text. Meta only; Twilio decides this itself.',
		displayOptions: { show: { '/provider': ['meta'] } },
	},
];

async function readContent(this: IExecuteFunctions, itemIndex: number): Promise<MessageContent> {
	const text = this.getNodeParameter('text', itemIndex, '') as string;
	const options = this.getNodeParameter('options', itemIndex, {}) as { previewUrl?: boolean };
	// Providers without link-preview control ignore previewUrl; the UI only offers it for Meta.
	return { type: 'text', text: String(text ?? ''), previewUrl: options.previewUrl };
}

export const messageType: MessageType = { fields, optionFields, readContent };

export const description = sendDescription('sendText', messageType);

export const sendsMessages = true;

export const execute = sendOperation(messageType);
