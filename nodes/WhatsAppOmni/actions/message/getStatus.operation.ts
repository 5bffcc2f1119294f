import { updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { ValidationError } from '../../helpers/ValidationError';
import type { StoredMessage, WhatsAppProvider } from '../../providers/types';
import { readStore, requireStoreScope } from '../conversation/storeAccess';
import { recordedStatusJson } from '../conversation/recordedJson';

const properties: INodeProperties[] = [
	{
		displayName: 'Message ID',
		name: 'messageId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'SM0123456789abcdef0123456789abcdef',
		description:
			'The message to look up: the messageId a send returned, or the ID in the trigger’s output. Twilio: the message SID (SM… or MM…), read from Twilio. Meta: the wamid.… ID, read from the conversation store, which the WhatsApp Omni Trigger fills with every status it receives (Meta has no status look-up).',
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
	if (provider.getMessage) return storedMessageJson(await provider.getMessage(messageId));
	return await storedStatus.call(this, itemIndex, provider, messageId);
}

/** Providers without a status look-up (Meta): the statuses the trigger recorded. */
async function storedStatus(this: IExecuteFunctions, itemIndex: number, provider: WhatsAppProvider, messageId: string): Promise<IDataObject> {
	const scope = requireStoreScope(provider);
	const status = await readStore(this.getNode(), itemIndex, async (store) => await store.getStatus(scope, messageId));
	if (!status) {
		throw new ValidationError(
			'Message ID',
			`The conversation store has no status of message "${messageId}"`,
			'Statuses come from the WhatsApp Omni Trigger: it records each one it receives while its workflow is active with "Record in Store" on (the default), whatever its Events filter. A message sent while no trigger listened, or sent from another phone number, has none; a status may also take a few seconds to arrive after a send.',
		);
	}
	return recordedStatusJson(provider.name, status);
}
