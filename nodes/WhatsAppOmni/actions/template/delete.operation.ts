import { updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { ValidationError } from '../../helpers/ValidationError';
import type { TemplateDeletion, WhatsAppProvider } from '../../providers/types';
import { readTemplateRef, templateLocator } from './get.operation';

const properties: INodeProperties[] = [
	...templateLocator('delete'),
	{
		displayName: 'Delete All Languages',
		name: 'deleteAllLanguages',
		type: 'boolean',
		default: true,
		description:
			'Whether to delete the template in every language it has. Off: only the language given in the Template field (name|language) or in Language. A numeric template ID always names one language only.',
		displayOptions: { show: { '/provider': ['meta'] } },
	},
	{
		displayName: 'Language',
		name: 'language',
		type: 'string',
		default: '',
		placeholder: 'en_US',
		description: 'The language to delete, when the Template field gives only a name',
		displayOptions: { show: { '/provider': ['meta'], deleteAllLanguages: [false] } },
	},
];

export const description = updateDisplayOptions({ show: { resource: ['template'], operation: ['delete'] } }, properties);

function readDeletion(this: IExecuteFunctions, itemIndex: number, provider: WhatsAppProvider): TemplateDeletion {
	const ref = readTemplateRef.call(this, itemIndex);
	if (provider.name !== 'meta') return { id: ref.id };
	const allLanguages = this.getNodeParameter('deleteAllLanguages', itemIndex, true) !== false;
	// A bare number is a template ID, which names one language by itself.
	if (/^\d+$/.test(ref.id) && !ref.language) return { id: ref.id };
	if (allLanguages) return { id: ref.id };
	const language = ref.language ?? (String(this.getNodeParameter('language', itemIndex, '')).trim() || undefined);
	if (!language) {
		throw new ValidationError(
			'Language',
			'Delete All Languages is off, but no language was given',
			'Give the template as name|language (e.g. order_update|en_US), or fill in Language, or turn Delete All Languages on.',
		);
	}
	return { id: ref.id, language };
}

export async function execute(this: IExecuteFunctions, itemIndex: number, provider: WhatsAppProvider): Promise<IDataObject> {
	const result = await provider.deleteTemplate(readDeletion.call(this, itemIndex, provider));
	return { provider: result.provider, deleted: result.deleted, success: result.success };
}
