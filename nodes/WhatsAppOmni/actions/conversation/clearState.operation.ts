import { updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { recipientContact } from '../../helpers/conversationStore';
import { recipientAddress } from '../../helpers/recipient';
import type { WhatsAppProvider } from '../../providers/types';
import { isFlowStateConflict } from '../../store/types';
import { conflictError, expectedVersionOption, readExpectedVersion } from './flowState';
import { contactField, readContact, requireStoreScope, writeStore } from './storeAccess';

const properties: INodeProperties[] = [
	contactField('Their flow state is removed from the conversation store: the next Get State finds none.'),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [expectedVersionOption('Clear')],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['conversation'], operation: ['clearState'] } }, properties);

/** Ends the contact's flow: their state is gone for every process. Clearing no state is not an error. */
export async function execute(this: IExecuteFunctions, itemIndex: number, provider: WhatsAppProvider): Promise<IDataObject> {
	const recipient = readContact.call(this, itemIndex);
	const expectedVersion = readExpectedVersion(this.getNodeParameter('options', itemIndex, {}) as IDataObject);
	const scope = requireStoreScope(provider);
	const contact = recipientAddress(recipient);
	const result = await writeStore(this.getNode(), itemIndex, async (store) => await store.clearFlowState(scope, recipientContact(recipient), expectedVersion));
	if (isFlowStateConflict(result)) throw conflictError(this.getNode(), itemIndex, 'Clear State', contact, result);
	return { contact, provider: provider.name, cleared: result.cleared, ...(result.version !== undefined ? { version: result.version } : {}) };
}
