import type { ILoadOptionsFunctions, INodeListSearchItems, INodeListSearchResult } from 'n8n-workflow';

import { loadOptionsError, loadOptionsProvider, templateLabel } from './shared';

/** The template picker: the provider's templates, a page at a time, filtered by name. */
export async function searchTemplates(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	try {
		const provider = await loadOptionsProvider.call(this);
		// Template › Get and Delete manage templates in every state; Send Template only sends approved ones.
		const includeUnapproved =
			this.getNodeParameter('resource', 'message') === 'template' ||
			this.getNodeParameter('options.includeUnapproved', false) === true;
		const page = await provider.listTemplates({
			...(filter?.trim() ? { filter: filter.trim() } : {}),
			...(paginationToken ? { cursor: paginationToken } : {}),
			includeUnapproved,
		});
		const results: INodeListSearchItems[] = page.templates.map((template) => ({
			name: templateLabel(template, provider.name),
			value: template.id,
			...(template.preview ? { description: template.preview } : {}),
		}));
		return { results, ...(page.nextCursor ? { paginationToken: page.nextCursor } : {}) };
	} catch (error) {
		throw loadOptionsError.call(this, error);
	}
}
