import { updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { collectPages, readLimit, returnAllOrLimit } from '../../helpers/paging';
import { ValidationError } from '../../helpers/ValidationError';
import type { ProviderName, TemplateCategory, TemplateQuery, WhatsAppProvider } from '../../providers/types';
import { CATEGORY_OPTIONS } from './create.operation';
import { templateInfoJson } from './get.operation';

/** Templates asked for per request; Meta serves up to 100, Twilio's pages are larger. */
const PAGE_SIZE = 100;
const CATEGORIES = CATEGORY_OPTIONS.map((option) => option.value);

/** Get Many's filters on one provider; only Status differs, as their status words differ. */
function filters(provider: ProviderName, statusDescription: string, statuses: string[]): INodeProperties {
	return {
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		description: 'Only templates that match every filter given',
		displayOptions: { show: { '/provider': [provider] } },
		options: [
			{
				displayName: 'Category',
				name: 'category',
				type: 'options',
				default: 'UTILITY',
				description: 'The template category',
				options: CATEGORY_OPTIONS.map(({ name, value }) => ({ name, value })),
			},
			{
				displayName: 'Language',
				name: 'language',
				type: 'string',
				default: '',
				placeholder: 'en_US',
				description: 'The language code, exactly as the template has it (Meta: en_US, es; Twilio: en, es)',
			},
			{
				displayName: 'Name',
				name: 'name',
				type: 'string',
				default: '',
				placeholder: 'order',
				description: 'Part of the template name (Twilio: of the friendly name or the WhatsApp approval name)',
			},
			{
				displayName: 'Status',
				name: 'status',
				type: 'options',
				default: 'APPROVED',
				description: statusDescription,
				options: statuses.map((value) => ({ name: value.charAt(0) + value.slice(1).toLowerCase(), value })),
			},
		],
	};
}

const properties: INodeProperties[] = [
	...returnAllOrLimit,
	filters('meta', 'The review status Meta gives the template', ['APPROVED', 'DISABLED', 'PAUSED', 'PENDING', 'REJECTED']),
	filters(
		'twilio',
		'The WhatsApp approval status Twilio reports. Received: submitted, not yet in review (Pending includes it). Unsubmitted: content never submitted for approval.',
		['APPROVED', 'DISABLED', 'PAUSED', 'PENDING', 'RECEIVED', 'REJECTED', 'UNSUBMITTED'],
	),
];

export const description = updateDisplayOptions({ show: { resource: ['template'], operation: ['getMany'] } }, properties);

function readQuery(this: IExecuteFunctions, itemIndex: number): Omit<TemplateQuery, 'cursor' | 'pageSize'> {
	const filters = this.getNodeParameter('filters', itemIndex, {}) as Record<string, unknown>;
	const text = (key: string) => (typeof filters[key] === 'string' && (filters[key] as string).trim() ? (filters[key] as string).trim() : undefined);
	const category = text('category')?.toUpperCase();
	if (category && !CATEGORIES.includes(category as TemplateCategory)) {
		throw new ValidationError('Filters › Category', `Category "${category}" is not one of ${CATEGORIES.join(', ')}`);
	}
	const name = text('name');
	const status = text('status');
	const language = text('language');
	return {
		...(name ? { name } : {}),
		...(status ? { status } : {}),
		...(language ? { language } : {}),
		...(category ? { category: category as TemplateCategory } : {}),
	};
}

export async function execute(this: IExecuteFunctions, itemIndex: number, provider: WhatsAppProvider): Promise<IDataObject[]> {
	const query = readQuery.call(this, itemIndex);
	const limit = readLimit.call(this, itemIndex);
	const templates = await collectPages(async (cursor, remaining) => {
		const page = await provider.queryTemplates({
			...query,
			...(cursor ? { cursor } : {}),
			pageSize: Math.min(PAGE_SIZE, remaining ?? PAGE_SIZE),
		});
		return { items: page.templates, nextCursor: page.nextCursor };
	}, limit);
	return templates.map((template) => templateInfoJson(provider, template));
}
