import { updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { ValidationError } from '../../helpers/ValidationError';
import type { StoredMessage, WhatsAppProvider } from '../../providers/types';

const properties: INodeProperties[] = [
	{
		displayName: 'Message ID',
		name: 'messageId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'SM0123456789abcdef0123456789abcdef',
		description:
			'The message to look up: the messageId a send returned, or the ID in the trigger’s output. Twilio: the message SID (SM… or MM…). Meta has no lookup yet: it needs the conversation store.',
	},
];

export const description = updateDisplayOptions({ show: { resource: ['message'], operation: ['getStatus'] } }, properties);

export function storedMessageJson(message: StoredMessage): IDataObject {
	return { ...message, raw: message.raw as IDataObject } as IDataObject;
}

export async function execute(this: IExecuteFunctions, itemIndex: number, provider: WhatsAppProvider): Promise<IDataObject> {
	const messageId = String(this.getNodeParameter('messageId', itemIndex, '') ?? '').trim();
	if (!messageId) {
		throw new ValidationError(
			'Message ID',
			'Message ID is empty',
			'Map the ID of the message to look up, e.g. {{ $json.messageId }} after a send, or {{ $json.id }} after the trigger (a message or status event).',
		);
	}
	return storedMessageJson(await provider.getMessage(messageId));
}
