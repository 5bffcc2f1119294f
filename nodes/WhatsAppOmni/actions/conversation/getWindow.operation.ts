import { updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { recipientContact } from '../../helpers/conversationStore';
import { BSUID_EXAMPLE, recipientAddress } from '../../helpers/recipient';
import type { WhatsAppProvider } from '../../providers/types';
import { readContact, readStore, requireStoreScope } from './storeAccess';
import { closedWindowReason, windowOf } from './window';

const properties: INodeProperties[] = [
	{
		displayName: 'Contact',
		name: 'contact',
		type: 'string',
		default: '',
		required: true,
		placeholder: '+15551234567',
		// eslint-disable-next-line n8n-nodes-base/node-param-description-miscased-id, n8n-nodes-base/node-param-description-miscased-json -- an n8n expression, written as it is typed
		description: `The customer: their WhatsApp number with its country code (E.164, e.g. +15551234567) or their business-scoped user ID (BSUID, e.g. ${BSUID_EXAMPLE}). After the WhatsApp Omni Trigger, {{ $json.contact.id }} always works.`,
	},
];

export const description = updateDisplayOptions({ show: { resource: ['conversation'], operation: ['getWindow'] } }, properties);

/**
 * Whether free-form messages reach the contact now: open for 24 hours after their last message.
 * Both providers read the store, which the trigger fills (Twilio has no window look-up either).
 */
export async function execute(this: IExecuteFunctions, itemIndex: number, provider: WhatsAppProvider): Promise<IDataObject> {
	const recipient = readContact.call(this, itemIndex);
	const scope = requireStoreScope(provider);
	const contact = recipientAddress(recipient);
	const stored = await readStore(this.getNode(), itemIndex, async (store) => await store.getContact(scope, recipientContact(recipient)));
	const window = windowOf(stored);
	const note = window.open
		? undefined
		: window.until
			? `${closedWindowReason(contact, window)}: only templates reach them until they write again.`
			: `${closedWindowReason(contact, window)} (the WhatsApp Omni Trigger records them while it is active with Record in Store on): only templates reach them.`;
	return {
		open: window.open,
		...(window.since ? { since: window.since, until: window.until } : {}),
		contact,
		provider: provider.name,
		...(note ? { note } : {}),
	};
}
