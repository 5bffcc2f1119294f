import type { AxiosInstance } from 'axios';

import { ValidationError } from '../../helpers/ValidationError';
import type {
	TemplateContent,
	TemplateDefinition,
	TemplateHeaderFormat,
	TemplateListOptions,
	TemplatePage,
	TemplateRef,
	TemplateSummary,
	TemplateVariable,
} from '../types';

/**
 * Meta message templates: listing (cursor-paged), reading one template's variables from its
 * components, and building `template.components` for a send. The variable keys are the
 * node's vocabulary (`body.1`, `header.media`, `button.0.urlSuffix`…); only this file maps them
 * to Graph API fields.
 */

export const META_TEMPLATE_FIELDS = 'name,language,status,category,components,parameter_format';
/** Templates per page in pickers; Meta's default is 25. */
export const META_TEMPLATE_PAGE_SIZE = 50;
const LOOKUP_PAGE_SIZE = 100;
/** Pages read while looking for one template before giving up. */
const MAX_LOOKUP_PAGES = 20;
const PREVIEW_LENGTH = 80;

export interface GraphTemplateButton {
	type: string;
	text?: string;
	url?: string;
	phone_number?: string;
	otp_type?: string;
	example?: string[] | string;
}

export interface GraphTemplateComponent {
	type: string;
	format?: string;
	text?: string;
	example?: {
		header_text?: string[];
		header_text_named_params?: Array<{ param_name: string; example?: string }>;
		header_handle?: string[];
		body_text?: string[][];
		body_text_named_params?: Array<{ param_name: string; example?: string }>;
	};
	buttons?: GraphTemplateButton[];
}

export interface GraphTemplate {
	id?: string;
	name: string;
	language: string;
	status: string;
	category?: string;
	parameter_format?: string;
	components?: GraphTemplateComponent[];
	rejected_reason?: string;
}

export interface GraphTemplateList {
	data?: GraphTemplate[];
	paging?: { cursors?: { before?: string; after?: string }; next?: string };
}

/** The cursor of the next page, if any: Meta names an `after` cursor on the last page too, without `next`. */
export function nextPage(list: GraphTemplateList): { nextCursor?: string } {
	const after = list.paging?.cursors?.after;
	return list.paging?.next && after ? { nextCursor: after } : {};
}

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;

/** Placeholder names in order of first appearance, each once. */
export function placeholders(text: string | undefined): string[] {
	const names: string[] = [];
	for (const match of (text ?? '').matchAll(PLACEHOLDER)) {
		if (!names.includes(match[1])) names.push(match[1]);
	}
	return names;
}

const isPositional = (name: string) => /^\d+$/.test(name);

function shorten(text: string, max = PREVIEW_LENGTH): string {
	const flat = text.replace(/\s+/g, ' ').trim();
	const chars = [...flat];
	return chars.length > max ? `${chars.slice(0, max - 1).join('').trimEnd()}…` : flat;
}

export function component(template: GraphTemplate, type: string): GraphTemplateComponent | undefined {
	return template.components?.find((c) => c.type?.toUpperCase() === type);
}

/** The value a picker and TemplateRef take: `<name>|<language>`. */
export function metaTemplateId(name: string, language: string): string {
	return `${name}|${language}`;
}

export function summary(template: GraphTemplate): TemplateSummary {
	const body = component(template, 'BODY')?.text;
	return {
		id: metaTemplateId(template.name, template.language),
		name: template.name,
		language: template.language,
		status: template.status,
		...(template.category ? { category: template.category } : {}),
		...(body ? { preview: shorten(body) } : {}),
	};
}

export async function listMetaTemplates(
	client: AxiosInstance,
	wabaId: string,
	options: TemplateListOptions,
): Promise<TemplatePage> {
	const filter = options.filter?.trim();
	const params: Record<string, string | number> = {
		fields: META_TEMPLATE_FIELDS,
		limit: META_TEMPLATE_PAGE_SIZE,
	};
	if (!options.includeUnapproved) params.status = 'APPROVED';
	if (filter) params.name = filter;
	if (options.cursor) params.after = options.cursor;
	const { data } = await client.get<GraphTemplateList>(`${wabaId}/message_templates`, { params });
	const needle = filter?.toLowerCase();
	const templates = (data.data ?? [])
		// Meta's name filter already narrows the list; this keeps the result the same whatever it matches.
		.filter((template) => !needle || template.name.toLowerCase().includes(needle))
		.map(summary);
	return { templates, ...nextPage(data) };
}

/** Every language of the template with exactly this name (or only the given language). */
export async function findMetaTemplatesByName(
	client: AxiosInstance,
	wabaId: string,
	name: string,
	language?: string,
	fields = META_TEMPLATE_FIELDS,
): Promise<GraphTemplate[]> {
	const found: GraphTemplate[] = [];
	let after: string | undefined;
	for (let page = 0; page < MAX_LOOKUP_PAGES; page++) {
		const params: Record<string, string | number> = { fields, name, limit: LOOKUP_PAGE_SIZE };
		if (language) params.language = language;
		if (after) params.after = after;
		const { data } = await client.get<GraphTemplateList>(`${wabaId}/message_templates`, { params });
		// Meta's name filter also matches longer names; only the exact one counts.
		found.push(...(data.data ?? []).filter((t) => t.name === name && (!language || t.language === language)));
		after = nextPage(data).nextCursor;
		if (!after) break;
		if (language && found.length > 0) break;
	}
	return found;
}

/** `name|language` as one string (a picker's value) or as two fields. */
export function splitMetaTemplateRef(ref: TemplateRef): { name: string; language?: string } {
	let name = ref.id.trim();
	let language = ref.language?.trim() || undefined;
	const bar = name.lastIndexOf('|');
	if (bar !== -1) {
		language ??= name.slice(bar + 1).trim() || undefined;
		name = name.slice(0, bar).trim();
	}
	return { name, language };
}

export async function getMetaTemplate(
	client: AxiosInstance,
	wabaId: string,
	ref: TemplateRef,
): Promise<TemplateDefinition> {
	return metaTemplateDefinition(await findMetaTemplate(client, wabaId, ref));
}

/**
 * The one template a picker value names: `name|language`, or a bare name that exists in one
 * language only. Errors say which languages exist when the choice is ambiguous or wrong.
 */
export async function findMetaTemplate(
	client: AxiosInstance,
	wabaId: string,
	ref: TemplateRef,
	fields = META_TEMPLATE_FIELDS,
): Promise<GraphTemplate> {
	const { name, language } = splitMetaTemplateRef(ref);
	if (!name) {
		throw new ValidationError('Template', 'No template was chosen', 'Pick a template from the list, or give it as name|language, e.g. order_update|en_US.');
	}
	if (language) {
		const [exact] = await findMetaTemplatesByName(client, wabaId, name, language, fields);
		if (exact) return exact;
	}
	const all = await findMetaTemplatesByName(client, wabaId, name, undefined, fields);
	const languages = [...new Set(all.map((t) => t.language))].sort();
	if (!language && all.length === 1) return all[0];
	if (all.length === 0) {
		throw new ValidationError(
			'Template',
			`There is no template named "${name}" in this WhatsApp Business Account`,
			'Check the spelling (template names are lowercase with underscores) or pick the template from the list. Templates are made in WhatsApp Manager, or with Template › Create.',
		);
	}
	if (!language) {
		throw new ValidationError(
			'Template',
			`The template "${name}" exists in several languages (${languages.join(', ')}); say which one`,
			`Give it as name|language, e.g. ${metaTemplateId(name, languages[0])}.`,
		);
	}
	throw new ValidationError(
		'Template',
		`The template "${name}" has no ${language} version`,
		`It exists in ${languages.join(', ')}. Use e.g. ${metaTemplateId(name, languages[0])}, or add a ${language} translation in WhatsApp Manager.`,
	);
}

export function headerFormat(template: GraphTemplate): TemplateHeaderFormat {
	const header = component(template, 'HEADER');
	switch (header?.format?.toUpperCase()) {
		case undefined:
			return header ? 'text' : 'none';
		case 'TEXT':
			return 'text';
		case 'IMAGE':
			return 'image';
		case 'VIDEO':
		case 'GIF':
			return 'video';
		case 'DOCUMENT':
			return 'document';
		case 'LOCATION':
			return 'location';
		default:
			return 'none';
	}
}

function namedExample(list: Array<{ param_name: string; example?: string }> | undefined, name: string) {
	return list?.find((p) => p.param_name === name)?.example;
}

function textVariables(
	part: 'header' | 'body',
	text: string | undefined,
	exampleFor: (name: string, index: number) => string | undefined,
): TemplateVariable[] {
	const label = part === 'header' ? 'Header' : 'Body';
	return placeholders(text).map((name, index) => {
		const example = exampleFor(name, index);
		return {
			key: `${part}.${name}`,
			label: `${label} {{${name}}}`,
			component: part,
			kind: 'text',
			name,
			...(example !== undefined && example !== '' ? { example: String(example) } : {}),
			required: true,
		};
	});
}

const MEDIA_LABELS: Record<'image' | 'video' | 'document', string> = {
	image: 'Header image URL',
	video: 'Header video URL',
	document: 'Header document URL',
};

function headerVariables(template: GraphTemplate): TemplateVariable[] {
	const header = component(template, 'HEADER');
	if (!header) return [];
	const format = headerFormat(template);
	if (format === 'text') {
		return textVariables('header', header.text, (name, index) =>
			isPositional(name)
				? header.example?.header_text?.[Number(name) - 1] ?? header.example?.header_text?.[index]
				: namedExample(header.example?.header_text_named_params, name),
		);
	}
	if (format === 'image' || format === 'video' || format === 'document') {
		const gif = header.format?.toUpperCase() === 'GIF';
		return [
			{
				key: 'header.media',
				label: gif ? 'Header GIF URL (an MP4 file)' : MEDIA_LABELS[format],
				component: 'header',
				kind: 'mediaUrl',
				name: 'media',
				mediaType: format,
				// Meta answers with a sample URL here; an upload handle (4::…) is no example for a URL.
				...(/^https?:\/\//.test(header.example?.header_handle?.[0] ?? '') ? { example: header.example!.header_handle![0] } : {}),
				required: true,
			},
		];
	}
	if (format === 'location') {
		return [
			{
				key: 'header.location',
				label: 'Header location (latitude,longitude[,name[,address]])',
				component: 'header',
				kind: 'location',
				name: 'location',
				example: '37.4847,-122.1477,Meta HQ,1 Hacker Way, Menlo Park',
				required: true,
			},
		];
	}
	return [];
}

function bodyVariables(template: GraphTemplate): TemplateVariable[] {
	const body = component(template, 'BODY');
	if (!body) return [];
	const samples = body.example?.body_text?.[0];
	return textVariables('body', body.text, (name, index) =>
		isPositional(name)
			? samples?.[Number(name) - 1] ?? samples?.[index]
			: namedExample(body.example?.body_text_named_params, name),
	);
}

function firstExample(example: string[] | string | undefined): string | undefined {
	return Array.isArray(example) ? example[0] : example;
}

/** The part of an example URL that the button's `{{1}}` stands for. */
function urlSuffixExample(url: string | undefined, example: string | undefined): string | undefined {
	if (!example) return undefined;
	const prefix = (url ?? '').split('{{')[0];
	return prefix && example.startsWith(prefix) ? example.slice(prefix.length) : example;
}

function buttonVariables(template: GraphTemplate): TemplateVariable[] {
	const buttons = component(template, 'BUTTONS')?.buttons ?? [];
	const variables: TemplateVariable[] = [];
	buttons.forEach((button, index) => {
		const n = index + 1;
		const type = button.type?.toUpperCase();
		const base = { component: 'button' as const, buttonIndex: index };
		if (type === 'URL' && placeholders(button.url).length > 0) {
			const example = urlSuffixExample(button.url, firstExample(button.example));
			variables.push({
				...base,
				key: `button.${index}.urlSuffix`,
				label: `Button ${n} (URL) suffix`,
				kind: 'urlSuffix',
				name: placeholders(button.url)[0],
				...(example ? { example } : {}),
				required: true,
			});
		} else if (type === 'QUICK_REPLY') {
			variables.push({
				...base,
				key: `button.${index}.payload`,
				label: `Button ${n} (quick reply${button.text ? ` "${button.text}"` : ''}) payload`,
				kind: 'payload',
				name: String(index),
				required: false,
			});
		} else if (type === 'COPY_CODE') {
			const example = firstExample(button.example);
			variables.push({
				...base,
				key: `button.${index}.couponCode`,
				label: `Button ${n} (copy code) coupon code`,
				kind: 'couponCode',
				name: String(index),
				...(example ? { example } : {}),
				required: true,
			});
		} else if (type === 'OTP') {
			// Authentication templates: the code goes into the body's {{1}} and into this button.
			variables.push({
				...base,
				key: `button.${index}.urlSuffix`,
				label: `Button ${n} (one-time code) code, the same as Body {{1}}`,
				kind: 'urlSuffix',
				name: String(index),
				required: true,
			});
		}
	});
	return variables;
}

/** What a send of this template needs, read from its components. */
export function metaTemplateDefinition(template: GraphTemplate): TemplateDefinition {
	return {
		...summary(template),
		headerFormat: headerFormat(template),
		variables: [...headerVariables(template), ...bodyVariables(template), ...buttonVariables(template)],
	};
}

function filled(values: Record<string, string>, key: string): string | undefined {
	const value = values[key];
	return value === undefined || value === null || String(value).trim() === '' ? undefined : String(value);
}

function textParameters(variables: TemplateVariable[], values: Record<string, string>) {
	// Positional parameters go by number, whatever order the text uses them in.
	const ordered = variables.every((v) => isPositional(v.name))
		? [...variables].sort((a, b) => Number(a.name) - Number(b.name))
		: variables;
	return ordered.flatMap((variable) => {
		const text = filled(values, variable.key);
		if (text === undefined) return [];
		return [{ type: 'text', text, ...(isPositional(variable.name) ? {} : { parameter_name: variable.name }) }];
	});
}

function fileNameFromUrl(url: string): string | undefined {
	try {
		const last = decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '');
		return /\.[A-Za-z0-9]{1,8}$/.test(last) && last.length <= 240 ? last : undefined;
	} catch {
		return undefined;
	}
}

const COORDINATE = /^[-+]?\d+(\.\d+)?$/;

/** `lat,long[,name[,address]]`; the address may itself contain commas. */
export function parseTemplateLocation(label: string, value: string) {
	const [lat = '', long = '', name, ...address] = value.split(',').map((part) => part.trim());
	const latitude = Number(lat);
	const longitude = Number(long);
	if (!COORDINATE.test(lat) || !COORDINATE.test(long) || Math.abs(latitude) > 90 || Math.abs(longitude) > 180) {
		throw new ValidationError(
			label,
			`${label} "${value}" is not a location`,
			'Give latitude,longitude and optionally a name and an address, separated by commas, e.g. 37.4847,-122.1477,Meta HQ,1 Hacker Way, Menlo Park.',
		);
	}
	const addressText = address.join(', ').trim();
	return {
		latitude,
		longitude,
		...(name ? { name } : {}),
		...(addressText ? { address: addressText } : {}),
	};
}

function headerParameters(definition: TemplateDefinition, variables: TemplateVariable[], values: Record<string, string>) {
	const parameters: Array<Record<string, unknown>> = [];
	for (const variable of variables) {
		const value = filled(values, variable.key);
		if (value === undefined) continue;
		if (variable.kind === 'mediaUrl') {
			const type = variable.mediaType ?? (definition.headerFormat as 'image' | 'video' | 'document');
			const link = value.trim();
			const filename = type === 'document' ? fileNameFromUrl(link) : undefined;
			parameters.push({ type, [type]: { link, ...(filename ? { filename } : {}) } });
		} else if (variable.kind === 'location') {
			parameters.push({ type: 'location', location: parseTemplateLocation(variable.label, value) });
		}
	}
	return [...parameters, ...textParameters(variables.filter((v) => v.kind === 'text'), values)];
}

const BUTTONS: Partial<Record<TemplateVariable['kind'], { subType: string; parameter: (value: string) => Record<string, string> }>> = {
	urlSuffix: { subType: 'url', parameter: (text) => ({ type: 'text', text }) },
	payload: { subType: 'quick_reply', parameter: (payload) => ({ type: 'payload', payload }) },
	couponCode: { subType: 'copy_code', parameter: (code) => ({ type: 'coupon_code', coupon_code: code }) },
};

/** The Graph API `template` object of a send: name, language and the filled-in components. */
export function buildMetaTemplate(content: TemplateContent): Record<string, unknown> {
	const { definition, values } = content;
	const ref = splitMetaTemplateRef(content.template);
	const name = definition.name || ref.name;
	const language = definition.language || ref.language;
	if (definition.status && definition.status.toUpperCase() !== 'APPROVED') {
		throw new ValidationError(
			'Template',
			`The template "${name}" (${language}) is ${definition.status}; Meta only sends approved templates`,
			'Wait for Meta’s review to approve it (see WhatsApp Manager), or pick an approved template.',
		);
	}
	const of = (part: TemplateVariable['component']) => definition.variables.filter((v) => v.component === part);
	const components: Array<Record<string, unknown>> = [];

	const header = headerParameters(definition, of('header'), values);
	if (header.length > 0) components.push({ type: 'header', parameters: header });

	const body = textParameters(of('body'), values);
	if (body.length > 0) components.push({ type: 'body', parameters: body });

	const buttons = of('button').sort((a, b) => (a.buttonIndex ?? 0) - (b.buttonIndex ?? 0));
	for (const variable of buttons) {
		const value = filled(values, variable.key);
		const button = BUTTONS[variable.kind];
		// An optional value left empty (a quick reply's payload) sends no button component at all.
		if (value === undefined || !button) continue;
		components.push({
			type: 'button',
			sub_type: button.subType,
			index: String(variable.buttonIndex ?? 0),
			parameters: [button.parameter(value)],
		});
	}

	return { name, language: { code: language }, ...(components.length > 0 ? { components } : {}) };
}
