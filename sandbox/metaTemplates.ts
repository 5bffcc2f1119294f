// Message templates of the sandbox's WhatsApp Business Account: the seed, the list and read
// routes (GET /<waba-id>/message_templates, GET /<template-id>), and the check of `template`
// messages against the stored template.

import { createHash } from 'node:crypto';

import {
	invalidParameter,
	invalidValue,
	missingParameter,
	MetaError,
	nonexistingField,
	templateDisabled,
	templateMissing,
	templateParamCount,
	templateParamFormat,
	templatePaused,
} from './metaErrors';
import { allowKeys, member, requireObject, requireString, validateLocationObject, validateMediaObject } from './metaMessages';
import { isHttpUrl } from './util';

export type MetaTemplateStatus = 'APPROVED' | 'PENDING' | 'REJECTED' | 'PAUSED' | 'DISABLED';
export type MetaTemplateCategory = 'MARKETING' | 'UTILITY' | 'AUTHENTICATION';
export type MetaParameterFormat = 'POSITIONAL' | 'NAMED';

export interface MetaNamedParamExample {
	param_name: string;
	example: string;
}

export interface MetaTemplateHeader {
	type: 'HEADER';
	format: 'TEXT' | 'IMAGE' | 'VIDEO' | 'DOCUMENT' | 'LOCATION';
	text?: string;
	example?: {
		header_text?: string[];
		header_text_named_params?: MetaNamedParamExample[];
		header_handle?: string[];
	};
}

export interface MetaTemplateBody {
	type: 'BODY';
	text: string;
	example?: { body_text?: string[][]; body_text_named_params?: MetaNamedParamExample[] };
}

export interface MetaTemplateFooter {
	type: 'FOOTER';
	text: string;
}

export type MetaTemplateButton =
	| { type: 'QUICK_REPLY'; text: string }
	| { type: 'URL'; text: string; url: string; example?: string[] }
	| { type: 'PHONE_NUMBER'; text: string; phone_number: string }
	| { type: 'COPY_CODE'; text: string; example: string };

export interface MetaTemplateButtons {
	type: 'BUTTONS';
	buttons: MetaTemplateButton[];
}

export type MetaTemplateComponent = MetaTemplateHeader | MetaTemplateBody | MetaTemplateFooter | MetaTemplateButtons;

/** A template as GET /<waba-id>/message_templates answers it. */
export interface MetaTemplate {
	/** Numeric string. */
	id: string;
	name: string;
	/** e.g. `en_US`, `es`. */
	language: string;
	status: MetaTemplateStatus;
	category: MetaTemplateCategory;
	parameter_format: MetaParameterFormat;
	components: MetaTemplateComponent[];
	/** `NONE` unless rejected. */
	rejected_reason?: string;
}

/** What addMetaTemplate() takes: the id is made up when absent; status defaults to APPROVED. */
export type MetaTemplateInput = Pick<MetaTemplate, 'name' | 'language' | 'components'> &
	Partial<Pick<MetaTemplate, 'id' | 'status' | 'category' | 'parameter_format' | 'rejected_reason'>>;

// ---------------------------------------------------------------------------------------------
// Seed

/** A stable numeric id from a name, so seeded ids do not change between runs. */
function stableId(seed: string, digits: number): string {
	const hash = BigInt(`0x${createHash('sha256').update(seed).digest('hex').slice(0, 24)}`);
	const floor = 10n ** BigInt(digits - 1);
	return (floor + (hash % (9n * floor))).toString();
}

function seeded(input: MetaTemplateInput): MetaTemplate {
	return {
		id: stableId(`template:${input.name}:${input.language}`, 16),
		status: 'APPROVED',
		category: 'UTILITY',
		parameter_format: 'POSITIONAL',
		rejected_reason: 'NONE',
		...input,
	};
}

const FILLER_TOPICS = [
	'account_update',
	'appointment_confirmed',
	'back_in_stock',
	'delivery_window',
	'feedback_request',
	'invoice_ready',
	'kyc_reminder',
	'maintenance_notice',
	'new_login',
	'order_cancelled',
	'password_changed',
	'payment_received',
	'pickup_ready',
	'plan_renewed',
	'refund_processed',
	'reservation_held',
	'return_received',
	'service_restored',
	'subscription_paused',
	'support_ticket_closed',
	'trial_ending',
	'welcome_back',
];

/**
 * The templates every sandbox starts with, in list order. Their ids are stable. Variables:
 * - hello_world (en_US): none.
 * - order_update (en_US, es): body {{1}} {{2}}; URL button 0 with a {{1}} suffix.
 * - shipping_named (en_US, NAMED): header {{customer_name}}; body {{customer_name}}, {{order_id}}.
 * - promo_image (en_US, MARKETING): IMAGE header; body {{1}}; quick replies 0 and 1; copy code 2.
 * - invoice_doc (en_US): DOCUMENT header; body {{1}} {{2}}.
 * - store_location (en_US): LOCATION header; no variables.
 * - loyalty_pending (PENDING), flash_sale_rejected (REJECTED), seasonal_paused (PAUSED).
 * - filler_01 … filler_22 (en_US, UTILITY): no variables.
 */
export const META_TEMPLATE_SEED: readonly MetaTemplate[] = Object.freeze(
	[
		seeded({
			name: 'hello_world',
			language: 'en_US',
			components: [
				{ type: 'HEADER', format: 'TEXT', text: 'Hello World' },
				{
					type: 'BODY',
					text: 'Welcome and congratulations!! This message demonstrates your ability to send a WhatsApp message notification from the Cloud API, hosted by Meta. Thank you for taking the time to test with us.',
				},
				{ type: 'FOOTER', text: 'WhatsApp Business Platform sample message' },
			],
		}),
		seeded({
			name: 'order_update',
			language: 'en_US',
			components: [
				{
					type: 'BODY',
					text: 'Hi {{1}}, your order {{2}} has shipped. Track it with the button below.',
					example: { body_text: [['Ada', 'A-1042']] },
				},
				{ type: 'FOOTER', text: 'Omni Sandbox Store' },
				{
					type: 'BUTTONS',
					buttons: [{ type: 'URL', text: 'Track order', url: 'https://shop.example.com/track/{{1}}', example: ['https://shop.example.com/track/A-1042'] }],
				},
			],
		}),
		seeded({
			name: 'order_update',
			language: 'es',
			components: [
				{
					type: 'BODY',
					text: 'Hola {{1}}, tu pedido {{2}} ya fue enviado. Síguelo con el botón de abajo.',
					example: { body_text: [['Ada', 'A-1042']] },
				},
				{ type: 'FOOTER', text: 'Omni Sandbox Store' },
				{
					type: 'BUTTONS',
					buttons: [{ type: 'URL', text: 'Seguir pedido', url: 'https://shop.example.com/track/{{1}}', example: ['https://shop.example.com/track/A-1042'] }],
				},
			],
		}),
		seeded({
			name: 'shipping_named',
			language: 'en_US',
			parameter_format: 'NAMED',
			components: [
				{
					type: 'HEADER',
					format: 'TEXT',
					text: 'Good news, {{customer_name}}!',
					example: { header_text_named_params: [{ param_name: 'customer_name', example: 'Ada' }] },
				},
				{
					type: 'BODY',
					text: 'Hi {{customer_name}}, order {{order_id}} is on its way.',
					example: {
						body_text_named_params: [
							{ param_name: 'customer_name', example: 'Ada' },
							{ param_name: 'order_id', example: 'A-1042' },
						],
					},
				},
			],
		}),
		seeded({
			name: 'promo_image',
			language: 'en_US',
			category: 'MARKETING',
			components: [
				{ type: 'HEADER', format: 'IMAGE', example: { header_handle: ['4::aW1hZ2UvcG5n:ARb-sandbox-sample-handle'] } },
				{ type: 'BODY', text: 'This week only: {{1}} off everything in store.', example: { body_text: [['25%']] } },
				{ type: 'FOOTER', text: 'Reply STOP to opt out' },
				{
					type: 'BUTTONS',
					buttons: [
						{ type: 'QUICK_REPLY', text: 'Show me' },
						{ type: 'QUICK_REPLY', text: 'Not interested' },
						{ type: 'COPY_CODE', text: 'Copy offer code', example: 'SAVE25' },
					],
				},
			],
		}),
		seeded({
			name: 'invoice_doc',
			language: 'en_US',
			components: [
				{ type: 'HEADER', format: 'DOCUMENT', example: { header_handle: ['4::YXBwbGljYXRpb24vcGRm:ARb-sandbox-sample-handle'] } },
				{ type: 'BODY', text: 'Invoice {{1}} for {{2}} is attached.', example: { body_text: [['INV-7', '$42.00']] } },
			],
		}),
		seeded({
			name: 'store_location',
			language: 'en_US',
			components: [
				{ type: 'HEADER', format: 'LOCATION' },
				{ type: 'BODY', text: 'Our store is open 9am to 6pm. See you soon!' },
			],
		}),
		seeded({
			name: 'loyalty_pending',
			language: 'en_US',
			status: 'PENDING',
			category: 'MARKETING',
			components: [{ type: 'BODY', text: 'You have {{1}} loyalty points.', example: { body_text: [['120']] } }],
		}),
		seeded({
			name: 'flash_sale_rejected',
			language: 'en_US',
			status: 'REJECTED',
			category: 'MARKETING',
			rejected_reason: 'PROMOTIONAL',
			components: [{ type: 'BODY', text: 'FLASH SALE!!! Everything must go!!!' }],
		}),
		seeded({
			name: 'seasonal_paused',
			language: 'en_US',
			status: 'PAUSED',
			category: 'MARKETING',
			components: [{ type: 'BODY', text: 'Season greetings from Omni Sandbox.' }],
		}),
		...FILLER_TOPICS.map((topic, index) =>
			seeded({
				name: `filler_${String(index + 1).padStart(2, '0')}`,
				language: 'en_US',
				components: [{ type: 'BODY', text: `Sandbox notice (${topic.replace(/_/g, ' ')}): no action is needed.` }],
			}),
		),
	].map((template) => Object.freeze(template)),
);

export function copyTemplate(template: MetaTemplate): MetaTemplate {
	return structuredClone(template);
}

/** Checks a template given to addMetaTemplate(); throws a plain Error, this is a test-setup mistake. */
export function newTemplate(input: MetaTemplateInput, existing: readonly MetaTemplate[]): MetaTemplate {
	if (!/^[a-z0-9_]{1,512}$/.test(input.name)) throw new Error(`template name '${input.name}' must be lowercase letters, digits and _`);
	if (!/^[a-z]{2,3}(_[A-Z]{2})?$/.test(input.language)) throw new Error(`template language '${input.language}' is not a locale such as en_US`);
	if (!Array.isArray(input.components) || !input.components.some((c) => c.type === 'BODY')) {
		throw new Error('a template needs a BODY component');
	}
	if (existing.some((t) => t.name === input.name && t.language === input.language)) {
		throw new Error(`template ${input.name} (${input.language}) exists already`);
	}
	const template: MetaTemplate = {
		id: input.id ?? stableId(`template:${input.name}:${input.language}:${Date.now()}:${Math.random()}`, 16),
		status: 'APPROVED',
		category: 'UTILITY',
		parameter_format: 'POSITIONAL',
		rejected_reason: 'NONE',
		...structuredClone(input),
	};
	if (existing.some((t) => t.id === template.id)) throw new Error(`template id ${template.id} exists already`);
	return template;
}

// ---------------------------------------------------------------------------------------------
// GET /<waba-id>/message_templates and GET /<template-id>

const TEMPLATE_NODE_TYPE = 'WhatsAppMessageTemplate';
const TEMPLATE_FIELDS = ['id', 'name', 'language', 'status', 'category', 'parameter_format', 'components', 'rejected_reason'];
const DEFAULT_TEMPLATE_FIELDS = ['name', 'parameter_format', 'components', 'language', 'status', 'category'];
const STATUSES: MetaTemplateStatus[] = ['APPROVED', 'PENDING', 'REJECTED', 'PAUSED', 'DISABLED'];
const CATEGORIES: MetaTemplateCategory[] = ['MARKETING', 'UTILITY', 'AUTHENTICATION'];
export const TEMPLATE_PAGE_DEFAULT = 25;
export const TEMPLATE_PAGE_MAX = 100;

export function readTemplate(template: MetaTemplate, fieldsParam: string | undefined): Record<string, unknown> {
	const asked = fieldsParam
		? fieldsParam
				.split(',')
				.map((f) => f.split('{')[0].trim())
				.filter((f) => f.length > 0)
		: DEFAULT_TEMPLATE_FIELDS;
	const out: Record<string, unknown> = {};
	for (const field of asked) {
		if (!TEMPLATE_FIELDS.includes(field)) throw nonexistingField(field, TEMPLATE_NODE_TYPE);
		if (field === 'id') continue;
		out[field] = structuredClone(template[field as keyof MetaTemplate] ?? 'NONE');
	}
	out.id = template.id;
	return out;
}

function cursorOf(template: MetaTemplate): string {
	return Buffer.from(template.id, 'utf8').toString('base64url');
}

function listFilter(query: Record<string, string | undefined>): (template: MetaTemplate) => boolean {
	const upperList = (value: string | undefined, allowed: readonly string[], param: string) => {
		if (value === undefined || value === '') return undefined;
		const values = value.split(',').map((v) => v.trim().toUpperCase());
		for (const v of values) {
			if (!allowed.includes(v)) throw invalidParameter(`Param ${param} must be one of {${allowed.join(', ')}} - got "${v}".`);
		}
		return values;
	};
	const statuses = upperList(query.status, STATUSES, 'status');
	const categories = upperList(query.category, CATEGORIES, 'category');
	const name = query.name?.toLowerCase();
	const language = query.language;
	// Meta's other text filters: `content` searches the body, `name_or_content` either.
	const content = query.content?.toLowerCase();
	const nameOrContent = query.name_or_content?.toLowerCase();
	const bodyOf = (t: MetaTemplate) => (t.components.find((c): c is MetaTemplateBody => c.type === 'BODY')?.text ?? '').toLowerCase();
	return (t) =>
		(!statuses || statuses.includes(t.status)) &&
		(!categories || categories.includes(t.category)) &&
		(!name || t.name.toLowerCase().includes(name)) &&
		(!language || t.language === language) &&
		(!content || bodyOf(t).includes(content)) &&
		(!nameOrContent || t.name.toLowerCase().includes(nameOrContent) || bodyOf(t).includes(nameOrContent));
}

export interface TemplateListRequest {
	templates: readonly MetaTemplate[];
	query: Record<string, string | undefined>;
	/** The absolute URL of this edge without a query, for `next`/`previous`. */
	edgeUrl: string;
}

/** Graph's cursor paging: `after`/`before` hold the id of the last/first template of a page. */
export function listTemplates({ templates, query, edgeUrl }: TemplateListRequest): Record<string, unknown> {
	let limit = TEMPLATE_PAGE_DEFAULT;
	if (query.limit !== undefined) {
		if (!/^\d+$/.test(query.limit) || Number(query.limit) < 1) {
			throw invalidParameter(`Param limit must be a positive integer - got "${query.limit}".`);
		}
		limit = Math.min(Number(query.limit), TEMPLATE_PAGE_MAX);
	}
	const matching = templates.filter(listFilter(query));

	const indexOfCursor = (cursor: string, param: string) => {
		const id = Buffer.from(cursor, 'base64url').toString('utf8');
		const index = matching.findIndex((t) => t.id === id);
		if (index < 0) throw invalidParameter(`Param ${param} is not a valid cursor for this list.`);
		return index;
	};
	let start = 0;
	let end: number;
	if (query.after !== undefined) {
		start = indexOfCursor(query.after, 'after') + 1;
		end = Math.min(matching.length, start + limit);
	} else if (query.before !== undefined) {
		end = indexOfCursor(query.before, 'before');
		start = Math.max(0, end - limit);
	} else {
		end = Math.min(matching.length, limit);
	}

	const page = matching.slice(start, end);
	const data = page.map((t) => readTemplate(t, query.fields));
	if (page.length === 0) return { data };

	const link = (key: 'after' | 'before', cursor: string) => {
		const params = new URLSearchParams();
		for (const [name, value] of Object.entries(query)) {
			if (value !== undefined && name !== 'after' && name !== 'before' && name !== 'limit') params.set(name, value);
		}
		params.set('limit', String(limit));
		params.set(key, cursor);
		return `${edgeUrl}?${params.toString()}`;
	};
	const before = cursorOf(page[0]);
	const after = cursorOf(page[page.length - 1]);
	const paging: Record<string, unknown> = { cursors: { before, after } };
	if (start > 0) paging.previous = link('before', before);
	if (end < matching.length) paging.next = link('after', after);
	return { data, paging };
}

// ---------------------------------------------------------------------------------------------
// Sending: template messages must name an approved template and fill exactly its variables.

const POSITIONAL_VARIABLE = /\{\{\s*(\d+)\s*\}\}/g;
const NAMED_VARIABLE = /\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}/g;

/** Distinct variables of a text: positional `1`, `2`… or named `customer_name`… */
export function templateVariables(text: string | undefined, format: MetaParameterFormat): string[] {
	if (!text) return [];
	const pattern = format === 'NAMED' ? NAMED_VARIABLE : POSITIONAL_VARIABLE;
	return [...new Set([...text.matchAll(pattern)].map((m) => m[1]))];
}

interface GivenComponent {
	param: string;
	parameters: Array<Record<string, unknown>>;
	subType?: string;
	index?: number;
}

const COMPONENT_TYPES = ['header', 'body', 'button'];
const BODY_PARAMETER_TYPES = ['text', 'currency', 'date_time'];
const MEDIA_HEADER_FORMATS = ['IMAGE', 'VIDEO', 'DOCUMENT'];
const BUTTON_SUB_TYPES = ['quick_reply', 'url', 'copy_code', 'flow', 'catalog', 'mpm', 'voice_call'];

function readComponents(value: unknown): { header?: GivenComponent; body?: GivenComponent; buttons: GivenComponent[] } {
	const out: { header?: GivenComponent; body?: GivenComponent; buttons: GivenComponent[] } = { buttons: [] };
	if (value === undefined) return out;
	const listParam = "template['components']";
	if (!Array.isArray(value)) throw invalidParameter(`Param ${listParam} must be an array.`);
	value.forEach((item, i) => {
		const param = member(listParam, i);
		const component = requireObject(item, param);
		allowKeys(component, ['type', 'sub_type', 'index', 'parameters'], param);
		const type = requireString(component, 'type', param).toLowerCase();
		if (!COMPONENT_TYPES.includes(type)) {
			throw invalidParameter(`Param ${member(param, 'type')} must be one of {HEADER, BODY, BUTTON} - got "${String(component.type)}".`);
		}
		const parametersValue = component.parameters ?? [];
		if (!Array.isArray(parametersValue)) throw invalidParameter(`Param ${member(param, 'parameters')} must be an array.`);
		const parameters = parametersValue.map((p, j) => requireObject(p, member(member(param, 'parameters'), j)));
		const given: GivenComponent = { param, parameters };
		if (type === 'button') {
			const subType = requireString(component, 'sub_type', param).toLowerCase();
			if (!BUTTON_SUB_TYPES.includes(subType)) {
				throw invalidParameter(`Param ${member(param, 'sub_type')} must be one of {${BUTTON_SUB_TYPES.map((s) => s.toUpperCase()).join(', ')}} - got "${subType}".`);
			}
			const rawIndex = component.index;
			if (rawIndex === undefined || rawIndex === null) throw missingParameter(`The parameter ${member(param, 'index')} is required.`);
			const index = Number(rawIndex);
			if ((typeof rawIndex !== 'string' && typeof rawIndex !== 'number') || !Number.isInteger(index) || index < 0 || index > 9) {
				throw invalidValue(`Param ${member(param, 'index')} must be a button index from 0 to 9.`);
			}
			if (out.buttons.some((b) => b.index === index)) throw invalidValue(`Param ${member(param, 'index')} repeats button index ${index}.`);
			out.buttons.push({ ...given, subType, index });
		} else {
			if (out[type as 'header' | 'body']) throw invalidValue(`Param ${param} repeats the ${type} component.`);
			out[type as 'header' | 'body'] = given;
		}
	});
	return out;
}

function countMismatch(where: string, given: number, expected: number): MetaError {
	return templateParamCount(`${where}: number of localizable_params (${given}) does not match the expected number of params (${expected})`);
}

function checkTextParameter(parameter: Record<string, unknown>, param: string, allowedTypes: readonly string[]): void {
	const type = requireString(parameter, 'type', param);
	if (!allowedTypes.includes(type)) {
		throw templateParamFormat(`${param}: Format mismatch, expected ${allowedTypes.map((t) => t.toUpperCase()).join(' or ')}, received ${type.toUpperCase()}`);
	}
	if (type === 'text') {
		allowKeys(parameter, ['type', 'text', 'parameter_name'], param);
		requireString(parameter, 'text', param, { max: 32768 });
	} else {
		allowKeys(parameter, ['type', type, 'parameter_name'], param);
		const inner = requireObject(parameter[type], member(param, type));
		requireString(inner, 'fallback_value', member(param, type));
	}
}

/** For NAMED templates, the given parameter names must be exactly the template's. */
function checkNames(where: string, parameters: Array<Record<string, unknown>>, expected: string[], param: string): void {
	const given: string[] = [];
	parameters.forEach((p, i) => {
		const name = p.parameter_name;
		if (name === undefined) throw missingParameter(`The parameter ${member(member(param, i), 'parameter_name')} is required for a template with named parameters.`);
		if (typeof name !== 'string') throw invalidParameter(`Param ${member(member(param, i), 'parameter_name')} must be a string.`);
		given.push(name);
	});
	const missing = expected.filter((n) => !given.includes(n));
	const extra = given.filter((n) => !expected.includes(n));
	if (missing.length > 0 || extra.length > 0 || given.length !== expected.length) {
		const parts = [];
		if (missing.length > 0) parts.push(`missing ${missing.join(', ')}`);
		if (extra.length > 0) parts.push(`unexpected ${extra.join(', ')}`);
		if (parts.length === 0) parts.push('a name is repeated');
		throw templateParamCount(`${where}: named parameters do not match the template's (${expected.join(', ') || 'none'}): ${parts.join('; ')}`);
	}
}

function checkHeader(template: MetaTemplate, given: GivenComponent | undefined): void {
	const header = template.components.find((c): c is MetaTemplateHeader => c.type === 'HEADER');
	const parameters = given?.parameters ?? [];
	const param = given ? member(given.param, 'parameters') : 'header';
	if (!header || (header.format === 'TEXT' && templateVariables(header.text, template.parameter_format).length === 0)) {
		if (parameters.length > 0) throw countMismatch('header', parameters.length, 0);
		return;
	}
	if (parameters.length !== 1) throw countMismatch('header', parameters.length, 1);
	const parameter = parameters[0];
	const parameterParam = member(param, 0);
	if (header.format === 'TEXT') {
		checkTextParameter(parameter, parameterParam, ['text']);
		if (template.parameter_format === 'NAMED') checkNames('header', parameters, templateVariables(header.text, 'NAMED'), param);
		return;
	}
	const expected = header.format.toLowerCase();
	const type = requireString(parameter, 'type', parameterParam);
	if (type !== expected) throw templateParamFormat(`header: Format mismatch, expected ${header.format}, received ${type.toUpperCase()}`);
	allowKeys(parameter, ['type', expected], parameterParam);
	if (MEDIA_HEADER_FORMATS.includes(header.format)) {
		const keys = header.format === 'DOCUMENT' ? ['id', 'link', 'filename'] : ['id', 'link'];
		validateMediaObject(parameter[expected], member(parameterParam, expected), keys);
	} else {
		validateLocationObject(parameter[expected], member(parameterParam, expected));
	}
}

function checkBody(template: MetaTemplate, given: GivenComponent | undefined): void {
	const body = template.components.find((c): c is MetaTemplateBody => c.type === 'BODY');
	const expected = templateVariables(body?.text, template.parameter_format);
	const parameters = given?.parameters ?? [];
	const param = given ? member(given.param, 'parameters') : 'body';
	if (parameters.length !== expected.length) throw countMismatch('body', parameters.length, expected.length);
	parameters.forEach((p, i) => checkTextParameter(p, member(param, i), BODY_PARAMETER_TYPES));
	if (template.parameter_format === 'NAMED') checkNames('body', parameters, expected, param);
}

interface ButtonRule {
	subType: string;
	/** Whether a component is required for this button. */
	required: boolean;
	/** The one parameter type, or undefined when the button takes no parameter. */
	parameterType?: 'text' | 'payload' | 'coupon_code';
}

function buttonRule(button: MetaTemplateButton): ButtonRule | undefined {
	switch (button.type) {
		case 'URL':
			return /\{\{\s*1\s*\}\}/.test(button.url) ? { subType: 'url', required: true, parameterType: 'text' } : undefined;
		case 'QUICK_REPLY':
			// Optional: without one, a tap sends the button text as the payload.
			return { subType: 'quick_reply', required: false, parameterType: 'payload' };
		case 'COPY_CODE':
			return { subType: 'copy_code', required: true, parameterType: 'coupon_code' };
		default:
			return undefined;
	}
}

function checkButtons(template: MetaTemplate, given: GivenComponent[]): void {
	const buttons = template.components.find((c): c is MetaTemplateButtons => c.type === 'BUTTONS')?.buttons ?? [];
	buttons.forEach((button, index) => {
		const rule = buttonRule(button);
		const component = given.find((g) => g.index === index);
		if (rule?.required && !component) {
			throw templateParamCount(`button at index ${index} (${button.type}): number of localizable_params (0) does not match the expected number of params (1)`);
		}
	});
	for (const component of given) {
		const index = component.index ?? 0;
		const button = buttons[index];
		const rule = button ? buttonRule(button) : undefined;
		const where = `button at index ${index}${button ? ` (${button.type})` : ''}`;
		if (!button || !rule) throw countMismatch(where, component.parameters.length, 0);
		if (component.subType !== rule.subType) {
			throw templateParamFormat(`${where}: sub_type mismatch, expected ${rule.subType.toUpperCase()}, received ${String(component.subType).toUpperCase()}`);
		}
		if (component.parameters.length !== 1) throw countMismatch(where, component.parameters.length, 1);
		const parameter = component.parameters[0];
		const param = member(member(component.param, 'parameters'), 0);
		const type = requireString(parameter, 'type', param);
		if (type !== rule.parameterType) {
			throw templateParamFormat(`${where}: Format mismatch, expected ${String(rule.parameterType).toUpperCase()}, received ${type.toUpperCase()}`);
		}
		allowKeys(parameter, ['type', type], param);
		const value = requireString(parameter, type, param, { max: type === 'payload' ? 1000 : 2000 });
		if (type === 'coupon_code' && value.length > 15) throw invalidValue(`Param ${member(param, 'coupon_code')} must be at most 15 characters long.`);
		if (type === 'text' && button.type === 'URL') {
			const url = button.url.replace(/\{\{\s*1\s*\}\}/, value);
			if (!isHttpUrl(url)) throw invalidValue(`Param ${member(param, 'text')} does not make a valid URL for button ${index}.`);
		}
	}
}

export function validateTemplateMessage(content: unknown, templates: readonly MetaTemplate[]): void {
	const message = requireObject(content, 'template');
	allowKeys(message, ['name', 'language', 'components', 'namespace'], 'template');
	const name = requireString(message, 'name', 'template');
	const languageParam = "template['language']";
	const language = requireObject(message.language, languageParam);
	allowKeys(language, ['code', 'policy'], languageParam);
	const code = requireString(language, 'code', languageParam);
	if (language.policy !== undefined && language.policy !== 'deterministic') {
		throw invalidParameter(`Param ${member(languageParam, 'policy')} must be "deterministic".`);
	}

	const template = templates.find((t) => t.name === name && t.language === code);
	if (!template) throw templateMissing(name, code);
	if (template.status === 'PAUSED') throw templatePaused(name);
	if (template.status === 'DISABLED') throw templateDisabled(name);
	if (template.status !== 'APPROVED') throw templateMissing(name, code);

	const given = readComponents(message.components);
	checkHeader(template, given.header);
	checkBody(template, given.body);
	checkButtons(template, given.buttons);
}
