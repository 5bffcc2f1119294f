import { updateDisplayOptions, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import type { WhatsAppProvider } from '../../providers/types';
import { mediaReferenceFields, readMediaRef } from './reference';

export const description = updateDisplayOptions({ show: { resource: ['media'], operation: ['delete'] } }, mediaReferenceFields(false));

export async function execute(this: IExecuteFunctions, itemIndex: number, provider: WhatsAppProvider): Promise<IDataObject> {
	const result = await provider.deleteMedia(readMediaRef.call(this, itemIndex, false));
	return { provider: result.provider, success: result.success, deleted: result.mediaIds };
}
