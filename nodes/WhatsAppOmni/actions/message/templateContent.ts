import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { parseJsonParameter } from '../../helpers/json';
import { ValidationError } from '../../helpers/ValidationError';
import type {
	MessageContent,
	TemplateDefinition,
	TemplateRef,
	WhatsAppProvider,
} from '../../providers/types';
import { readTemplateRef } from '../template/get.operation';
import { metaTemplateMode, templateLocators } from '../templateLocatorModes';

/**
 * A template message read from the node's parameters: Send Template's fields, and the template
 * a free-form send falls back to when the 24-hour window is closed (Window Check). Kept apart from
 * send.ts, which imports the fallback from here.
 */

export const fields: INodeProperties[] = [
	...templateLocators(
		{
			description:
				'The approved WhatsApp message template to send. Templates are messages WhatsApp reviewed in advance; they are the only messages that reach someone who has not written to you in the last 24 hours. On Meta a template is named by its name and language, e.g. order_update|en_US.',
			mode: metaTemplateMode(
				'By Name and Language',
				'The template name, a |, and its language code, as in WhatsApp Manager, e.g. order_update|en_US',
				'Give the template as name|language, e.g. order_update|en_US',
			),
		},
		'The approved WhatsApp message template to send. Templates are messages WhatsApp reviewed in advance; they are the only messages that reach someone who has not written to you in the last 24 hours. On Twilio a template is a Content template, named by its Content SID (HX…); it must be approved for WhatsApp to be sent outside the 24 hours.',
	),
	{
		displayName: 'Template Variables',
		name: 'variables',
		type: 'resourceMapper',
		noDataExpression: true,
		default: { mappingMode: 'defineBelow', value: null },
		description:
			'The values the template needs, one field per variable, read from the chosen template: body placeholders ({{1}} or {{name}}), a media header’s public URL, a URL button’s suffix, a coupon code. Each field takes text or an expression. Every required field must be filled in; refresh the list after changing the template.',
		typeOptions: {
			loadOptionsDependsOn: ['template.value', 'provider'],
			resourceMapper: {
				resourceMapperMethod: 'getTemplateVariables',
				mode: 'add',
				fieldWords: { singular: 'variable', plural: 'variables' },
				addAllFields: true,
				multiKeyMatch: false,
				supportAutoMap: false,
				noFieldsError: 'This template has no variables: there is nothing to fill in.',
			},
		},
	},
];

export const optionFields: INodeProperties[] = [
	{
		displayName: 'Include Unapproved Templates',
		name: 'includeUnapproved',
		type: 'boolean',
		default: false,
		description:
			'Whether the template list also shows templates that are not approved yet (pending, rejected, paused). Meta only sends approved templates; Twilio sends unapproved Content only inside the 24-hour window.',
	},
	{
		displayName: 'Variables (JSON)',
		name: 'variablesJson',
		type: 'json',
		default: '',
		description:
			'The template’s values as one JSON object, used instead of the fields above when set. Keys are the variable keys: body.1, body.2 (or body.customer_name for named parameters), header.1, header.media (a public URL), header.location ("lat,long,name,address"), button.0.urlSuffix, button.1.payload, button.2.couponCode. A bare "1" or "customer_name" means the body variable of that name. On Twilio the keys are body.1, body.2, ….',
	},
];

/** Templates read in this execution, so many items with one template cost one lookup. */
const definitions = new WeakMap<object, Map<string, Promise<TemplateDefinition>>>();

function definitionFor(context: object, provider: WhatsAppProvider, ref: TemplateRef): Promise<TemplateDefinition> {
	let cache = definitions.get(context);
	if (!cache) {
		cache = new Map();
		definitions.set(context, cache);
	}
	const key = `${provider.name}:${ref.id}|${ref.language ?? ''}`;
	let definition = cache.get(key);
	if (!definition) {
		definition = provider.getTemplate(ref);
		cache.set(key, definition);
	}
	return definition;
}

function toText(key: string, value: unknown, field: string): string | undefined {
	if (value === undefined || value === null) return undefined;
	if (typeof value === 'string') return value;
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	throw new ValidationError(field, `The value of "${key}" is not text but ${Array.isArray(value) ? 'a list' : 'an object'}`, 'Give every template variable as text.');
}

/** A JSON key as the template's variable key: exact, `body.<key>`, or the only variable of that name. */
function variableKey(key: string, definition: TemplateDefinition): string {
	const keys = definition.variables.map((v) => v.key);
	if (keys.includes(key)) return key;
	if (keys.includes(`body.${key}`)) return `body.${key}`;
	const named = definition.variables.filter((v) => v.name === key);
	return named.length === 1 ? named[0].key : key;
}

function parseVariablesJson(raw: unknown): Record<string, unknown> | undefined {
	const value = parseJsonParameter(raw, 'Variables (JSON)');
	if (value === undefined || value === null) return undefined;
	if (typeof value !== 'object' || Array.isArray(value)) {
		throw new ValidationError('Variables (JSON)', 'Variables (JSON) must be one JSON object of key → value', 'E.g. {"body.1": "Ana", "body.2": "#1234"}.');
	}
	return Object.keys(value).length > 0 ? (value as Record<string, unknown>) : undefined;
}

function readValues(this: IExecuteFunctions, itemIndex: number, definition: TemplateDefinition): Record<string, string> {
	const values: Record<string, string> = {};
	const { variablesJson } = this.getNodeParameter('options', itemIndex, {}) as { variablesJson?: unknown };
	const json = parseVariablesJson(variablesJson);
	if (json) {
		for (const [key, value] of Object.entries(json)) {
			const text = toText(key, value, 'Variables (JSON)');
			if (text !== undefined) values[variableKey(key, definition)] = text;
		}
		return values;
	}
	// The whole mapper parameter rather than its `.value`: n8n's own check of `.value` would
	// refuse an empty required field with a message that does not say which template needs it.
	const mapper = this.getNodeParameter('variables', itemIndex, {}) as { value?: Record<string, unknown> | null };
	for (const [key, value] of Object.entries(mapper?.value ?? {})) {
		const text = toText(key, value, 'Template Variables');
		if (text !== undefined) values[key] = text;
	}
	return values;
}

/** The chosen template with its values, checked against the template's definition. */
export async function readTemplateContent(this: IExecuteFunctions, itemIndex: number, provider: WhatsAppProvider): Promise<MessageContent> {
	const template = readTemplateRef.call(
		this,
		itemIndex,
		'Pick a template from the list, or give its ID: on Meta name|language (e.g. order_update|en_US), on Twilio the Content SID (HX…).',
	);
	const definition = await definitionFor(this, provider, template);
	return { type: 'template', template, definition, values: readValues.call(this, itemIndex, definition) };
}

