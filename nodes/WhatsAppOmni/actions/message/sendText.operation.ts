import {
	NodeOperationError,
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';

import { PROVIDER_LABELS, type WhatsAppProvider } from '../../providers/types';
import { recipientField } from '../common.descriptions';
import { readRecipient, sendResultJson } from './utils';

const properties: INodeProperties[] = [
	recipientField,
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
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'Link Preview',
				name: 'previewUrl',
				type: 'boolean',
				default: false,
				description:
					'Whether WhatsApp shows a preview of the first link in the text. Meta only; Twilio decides this itself.',
				displayOptions: { show: { '/provider': ['meta'] } },
			},
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['sendText'] } },
	properties,
);

export const sendsMessages = true;

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	provider: WhatsAppProvider,
): Promise<IDataObject> {
	const to = readRecipient.call(this, itemIndex);
	const text = this.getNodeParameter('text', itemIndex, '') as string;
	const options = this.getNodeParameter('options', itemIndex, {}) as { previewUrl?: boolean };

	if (typeof text !== 'string' || text.trim() === '') {
		throw new NodeOperationError(this.getNode(), `Item ${itemIndex + 1}: the text is empty`, {
			itemIndex,
			description: 'Type the message, or map a field that holds it.',
		});
	}
	// Code points, not UTF-16 units: an emoji is one character to WhatsApp.
	const length = [...text].length;
	const max = provider.limits.textMaxLength;
	if (length > max) {
		throw new NodeOperationError(
			this.getNode(),
			`Item ${itemIndex + 1}: the text has ${length} characters; ${PROVIDER_LABELS[provider.name]} allows at most ${max}`,
			{ itemIndex, description: 'Shorten the text or split it into several messages.' },
		);
	}

	const result = await provider.sendMessage({
		to,
		// Providers without link-preview control ignore previewUrl; the UI only offers it for Meta.
		content: { type: 'text', text, previewUrl: options.previewUrl },
	});
	return sendResultJson(result);
}
