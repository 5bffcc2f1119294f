import { updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { ValidationError } from '../../helpers/ValidationError';
import { templateRefFromValue } from '../../methods/shared';
import type { TemplateInfo, TemplateRef, WhatsAppProvider } from '../../providers/types';
import { contentSidMode, templateListMode } from '../templateLocatorModes';

/** The template picker of Get and Delete: every template, approved or not. */
export function templateLocator(purpose: string): INodeProperties[] {
	return [
		{
			displayName: 'Template',
			name: 'template',
			type: 'resourceLocator',
			required: true,
			default: { mode: 'list', value: '' },
			description: `The template to ${purpose}. On Meta a template is named by its name and language (order_update|en_US), by its name alone, or by its numeric template ID.`,
			displayOptions: { show: { '/provider': ['meta'] } },
			modes: [
				templateListMode,
				{
					displayName: 'By Name, Language or ID',
					name: 'id',
					type: 'string',
					placeholder: 'order_update|en_US',
					hint: 'The template name and its language code (order_update|en_US), the name alone, or the numeric template ID',
					validation: [
						{
							type: 'regex',
							properties: {
								regex: '^\\s*[a-z0-9_]+\\s*(\\|\\s*[A-Za-z]{2,3}(_[A-Za-z0-9]{2,4})?\\s*)?$',
								errorMessage: 'Give the template as name|language (e.g. order_update|en_US), a name, or a numeric ID',
							},
						},
					],
				},
			],
		},
		{
			displayName: 'Template',
			name: 'template',
			type: 'resourceLocator',
			required: true,
			default: { mode: 'list', value: '' },
			description: `The template to ${purpose}: a Twilio Content template, named by its Content SID (HX…)`,
			displayOptions: { show: { '/provider': ['twilio'] } },
			modes: [
				templateListMode,
				contentSidMode,
			],
		},
	];
}

export function readTemplateRef(this: IExecuteFunctions, itemIndex: number): TemplateRef {
	const ref = templateRefFromValue(this.getNodeParameter('template', itemIndex, '', { extractValue: true }));
	if (!ref.id) {
		throw new ValidationError(
			'Template',
			'No template was chosen',
			'Pick a template from the list, or give its ID: on Meta name|language (e.g. order_update|en_US), a name or a numeric template ID; on Twilio the Content SID (HX…).',
		);
	}
	return ref;
}

/** One output item: the unified fields first, the provider's own answer under `raw`. */
export function templateInfoJson(provider: WhatsAppProvider, info: TemplateInfo): IDataObject {
	const { raw, ...rest } = info;
	return { provider: provider.name, ...rest, raw } as unknown as IDataObject;
}

export const description = updateDisplayOptions({ show: { resource: ['template'], operation: ['get'] } }, templateLocator('read'));

export async function execute(this: IExecuteFunctions, itemIndex: number, provider: WhatsAppProvider): Promise<IDataObject> {
	return templateInfoJson(provider, await provider.getTemplateInfo(readTemplateRef.call(this, itemIndex)));
}
