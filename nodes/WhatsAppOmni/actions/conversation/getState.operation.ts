import { updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { recipientContact } from '../../helpers/conversationStore';
import { recipientAddress } from '../../helpers/recipient';
import type { WhatsAppProvider } from '../../providers/types';
import { flowStateJson } from './flowState';
import { contactField, readContact, readStore, requireStoreScope } from './storeAccess';

const properties: INodeProperties[] = [
	contactField('Their flow state is read from the conversation store; a phone number and the BSUID linked to it find the same state.'),
];

export const description = updateDisplayOptions({ show: { resource: ['conversation'], operation: ['getState'] } }, properties);

/**
 * Where the contact is in a flow: the state Set State wrote, shared by every n8n process through
 * the store. No state (never set, expired or cleared) is an item too, with found false and
 * version 0, so the workflow can branch on it and write with Expected Version 0.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number, provider: WhatsAppProvider): Promise<IDataObject> {
	const recipient = readContact.call(this, itemIndex);
	const scope = requireStoreScope(provider);
	const state = await readStore(this.getNode(), itemIndex, async (store) => await store.getFlowState(scope, recipientContact(recipient)));
	const head = { contact: recipientAddress(recipient), provider: provider.name };
	return state ? { ...head, found: true, ...flowStateJson(state) } : { ...head, found: false, state: {}, version: 0 };
}
