import { updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { ValidationError } from '../../helpers/ValidationError';
import { templateRefFromValue } from '../../methods/shared';
import type { TemplateInfo, TemplateRef, WhatsAppProvider } from '../../providers/types';
import { metaTemplateMode, templateLocators } from '../templateLocatorModes';

/** The template picker of Get and Delete: every template, approved or not. */
export function templateLocator(purpose: string): INodeProperties[] {
	return templateLocators(
		{
			description: `The template to ${purpose}. On Meta a template is named by its name and language (order_update|en_US), by its name alone, or by its numeric template ID.`,
			mode: metaTemplateMode(
				'By Name, Language or ID',
				'The template name and its language code (order_update|en_US), the name alone, or the numeric template ID',
				'Give the template as name|language (e.g. order_update|en_US), a name, or a numeric ID',
			),
		},
		`The template to ${purpose}: a Twilio Content template, named by its Content SID (HX…)`,
	);
}

/** The Template locator's value; `hint` says what the operation's locator takes when it is empty. */
export function readTemplateRef(
	this: IExecuteFunctions,
	itemIndex: number,
	hint = 'Pick a template from the list, or give its ID: on Meta name|language (e.g. order_update|en_US), a name or a numeric template ID; on Twilio the Content SID (HX…).',
): TemplateRef {
	const ref = templateRefFromValue(this.getNodeParameter('template', itemIndex, '', { extractValue: true }));
	if (!ref.id) throw new ValidationError('Template', 'No template was chosen', hint);
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
