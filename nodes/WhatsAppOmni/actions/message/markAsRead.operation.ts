import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';

import { ValidationError } from '../../helpers/ValidationError';
import type { WhatsAppProvider } from '../../providers/types';

const properties: INodeProperties[] = [
	{
		displayName: 'Message ID',
		name: 'messageId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'wamid.HBgL… or SM…',
		description: 'The received message to mark as read (blue ticks): the message ID in the trigger’s output. Meta: a wamid.… ID, which also marks the earlier messages of the chat. Twilio: the message SID (SM… or MM…).',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'Show Typing Indicator',
				name: 'typingIndicator',
				type: 'boolean',
				default: false,
				description:
					'Whether the person also sees "typing…" until you reply or for up to 25 seconds. On Twilio this is always on: its typing indicator is how it marks messages read.',
			},
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['message'], operation: ['markAsRead'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number, provider: WhatsAppProvider): Promise<IDataObject> {
	const messageId = String(this.getNodeParameter('messageId', itemIndex, '')).trim();
	if (!messageId) {
		throw new ValidationError('Message ID', 'Message ID is empty', 'Map the received message’s ID, e.g. {{ $json.id }} after the trigger.');
	}
	const options = this.getNodeParameter('options', itemIndex, {}) as { typingIndicator?: boolean };
	const result = await provider.markAsRead(messageId, { typingIndicator: options.typingIndicator === true });
	return {
		provider: result.provider,
		messageId: result.messageId,
		success: result.success,
		typingIndicator: result.typingIndicator,
		raw: result.raw as IDataObject,
	};
}
