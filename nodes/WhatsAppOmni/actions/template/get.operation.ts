import { updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import type { WhatsAppProvider } from '../../providers/types';

// STUB: to be implemented.
const properties: INodeProperties[] = [];

export const description = updateDisplayOptions({ show: { resource: ['template'], operation: ['get'] } }, properties);

export async function execute(this: IExecuteFunctions, _itemIndex: number, _provider: WhatsAppProvider): Promise<IDataObject> {
	throw new Error('not implemented');
}
