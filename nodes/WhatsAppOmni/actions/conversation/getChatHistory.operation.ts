import { updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { recipientContact } from '../../helpers/conversationStore';
import { collectPages, returnAllOrLimit, readLimit } from '../../helpers/paging';
import { ValidationError } from '../../helpers/ValidationError';
import { PROVIDER_NAMES, type Recipient, type WhatsAppProvider } from '../../providers/types';
import { storedMessageJson } from '../message/getStatus.operation';
import { readInstant } from './instant';
import { contactField, readContact, readStore, requireStoreScope } from './storeAccess';
import { recordedMessageJson } from './recordedJson';

const properties: INodeProperties[] = [
	contactField(
		'Every message between them and your business number is returned, both directions. Twilio looks up phone numbers only. Meta keeps no history: there it comes from the conversation store, which the WhatsApp Omni Trigger fills with what it receives and this node with what it sends.',
	),
	...returnAllOrLimit,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'After',
				name: 'after',
				type: 'dateTime',
				default: '',
				description: 'Only messages sent at or after this moment (in the workflow’s time zone unless the value names one)',
			},
			{
				displayName: 'Before',
				name: 'before',
				type: 'dateTime',
				default: '',
				description: 'Only messages sent at or before this moment (in the workflow’s time zone unless the value names one)',
			},
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['conversation'], operation: ['getChatHistory'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number, provider: WhatsAppProvider): Promise<IDataObject[]> {
	const contact = readContact.call(this, itemIndex);
	const limit = readLimit.call(this, itemIndex);
	const options = this.getNodeParameter('options', itemIndex, {}) as { after?: unknown; before?: unknown };
	const timeZone = this.getTimezone();
	const after = readInstant(options.after, 'After', timeZone);
	const before = readInstant(options.before, 'Before', timeZone, { wholeDay: true });
	if (after !== undefined && before !== undefined && after >= before) {
		throw new ValidationError(
			'After',
			`After (${new Date(after).toISOString()}) must be earlier than Before (${new Date(before).toISOString()})`,
			'Swap the two dates, or leave one of them empty.',
		);
	}
	const range = {
		...(after !== undefined ? { after: new Date(after).toISOString() } : {}),
		...(before !== undefined ? { before: new Date(before).toISOString() } : {}),
	};
	if (!provider.getChatHistory) return await storedHistory.call(this, itemIndex, provider, contact, range, limit);
	if (contact.kind !== 'phone') {
		throw new ValidationError(
			'Contact',
			`${PROVIDER_NAMES[provider.name]} keeps message history by phone number, so it cannot look up the business-scoped user ID (BSUID) "${contact.userId}"`,
			'Give the person’s phone number (the trigger’s {{ $json.contact.phoneNumber }}).',
		);
	}
	const messages = await provider.getChatHistory({ contact: contact.phoneNumber, ...range, ...(limit !== undefined ? { limit } : {}) });
	return messages.map(storedMessageJson);
}

/** Messages read from the store per request when all are wanted. */
const PAGE_SIZE = 500;

/** Providers that keep no history (Meta): what the trigger and this node recorded, newest first. */
async function storedHistory(
	this: IExecuteFunctions,
	itemIndex: number,
	provider: WhatsAppProvider,
	contact: Recipient,
	range: { after?: string; before?: string },
	limit: number | undefined,
): Promise<IDataObject[]> {
	const scope = requireStoreScope(provider);
	const messages = await readStore(this.getNode(), itemIndex, async (store) =>
		await collectPages(async (cursor, remaining) => {
			const page = await store.getHistory(scope, recipientContact(contact), { limit: Math.min(remaining ?? PAGE_SIZE, PAGE_SIZE), ...range, ...(cursor ? { cursor } : {}) });
			return { items: page.messages, nextCursor: page.nextCursor };
		}, limit),
	);
	return messages.map((message) => recordedMessageJson(provider.name, message));
}
