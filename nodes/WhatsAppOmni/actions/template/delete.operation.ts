import { updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import type { TemplateDeletion, WhatsAppProvider } from '../../providers/types';
import { readTemplateRef, templateLocator } from './get.operation';

const properties: INodeProperties[] = [
	...templateLocator('delete'),
	{
		displayName: 'Delete All Languages',
		name: 'deleteAllLanguages',
		type: 'boolean',
		default: false,
		description:
			'Whether to delete the template in every language it has, whatever the Template field says. Off: a name|language value (as the list gives) or Language deletes that one language; a bare name with Language empty deletes every language; a numeric template ID always deletes one language.',
		displayOptions: { show: { '/provider': ['meta'] } },
	},
	{
		displayName: 'Language',
		name: 'language',
		type: 'string',
		default: '',
		placeholder: 'en_US',
		description: 'The one language to delete when the Template field gives only a name. Empty: every language of that name.',
		displayOptions: { show: { '/provider': ['meta'], deleteAllLanguages: [false] } },
	},
];

export const description = updateDisplayOptions({ show: { resource: ['template'], operation: ['delete'] } }, properties);

function readDeletion(this: IExecuteFunctions, itemIndex: number, provider: WhatsAppProvider): TemplateDeletion {
	const ref = readTemplateRef.call(this, itemIndex);
	if (provider.name !== 'meta') return { id: ref.id };
	if (this.getNodeParameter('deleteAllLanguages', itemIndex, false) === true) return { id: ref.id };
	// A bare number is a template ID, which names one language by itself.
	if (/^\d+$/.test(ref.id) && !ref.language) return { id: ref.id };
	const language = ref.language ?? (String(this.getNodeParameter('language', itemIndex, '')).trim() || undefined);
	return language ? { id: ref.id, language } : { id: ref.id };
}

export async function execute(this: IExecuteFunctions, itemIndex: number, provider: WhatsAppProvider): Promise<IDataObject> {
	const result = await provider.deleteTemplate(readDeletion.call(this, itemIndex, provider));
	return { provider: result.provider, deleted: result.deleted, success: result.success };
}
