import { updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import type { WhatsAppProvider } from '../../providers/types';

// Being built: template picker (resource locator with list search) and one field per variable
// (resource mapper). Not offered in the operation list until it works.

export const fields: INodeProperties[] = [];

export const description = updateDisplayOptions({ show: { resource: ['message'], operation: ['sendTemplate'] } }, fields);

export const sendsMessages = true;

export async function execute(this: IExecuteFunctions, _itemIndex: number, _provider: WhatsAppProvider): Promise<IDataObject> {
	throw new Error('Send Template is not available yet');
}
