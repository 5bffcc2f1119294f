import { updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { recipientContact } from '../../helpers/conversationStore';
import { recipientAddress } from '../../helpers/recipient';
import type { WhatsAppProvider } from '../../providers/types';
import { contactField, readContact, readStore, requireStoreScope } from './storeAccess';
import { closedWindowReason, windowOf } from './window';

const properties: INodeProperties[] = [
	contactField('The window is read from the conversation store, which the WhatsApp Omni Trigger fills with the messages people send.'),
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
