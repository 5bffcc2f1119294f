import type { ILoadOptionsFunctions, ResourceMapperFields } from 'n8n-workflow';

import { loadOptionsError, loadOptionsProvider, templateRefFromValue, variableField } from './shared';

const EXPRESSION_NOTICE =
	'The template comes from an expression that can only be worked out when the node runs, so its variables cannot be listed here. Give the values in Options › Variables (JSON).';

/** One field per value the chosen template needs, read from the template itself. */
export async function getTemplateVariables(this: ILoadOptionsFunctions): Promise<ResourceMapperFields> {
	let raw: unknown;
	try {
		raw = this.getNodeParameter('template', undefined, { extractValue: true });
	} catch {
		raw = '=';
	}
	if (typeof raw === 'string' && raw.startsWith('=')) return { fields: [], emptyFieldsNotice: EXPRESSION_NOTICE };
	const ref = templateRefFromValue(raw);
	if (!ref.id) {
		return { fields: [], emptyFieldsNotice: 'Choose a template first; its variables then show up here.' };
	}
	try {
		const provider = await loadOptionsProvider.call(this);
		const definition = await provider.getTemplate(ref);
		return {
			fields: definition.variables.map(variableField),
			...(definition.variables.length === 0
				? { emptyFieldsNotice: `The template "${definition.name}" has no variables: there is nothing to fill in.` }
				: {}),
		};
	} catch (error) {
		throw loadOptionsError.call(this, error);
	}
}
