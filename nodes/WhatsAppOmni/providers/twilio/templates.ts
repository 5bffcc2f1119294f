import { ValidationError } from '../../helpers/ValidationError';
import { ProviderError } from '../ProviderError';
import type {
	TemplateContent,
	TemplateDefinition,
	TemplateListOptions,
	TemplatePage,
	TemplateRef,
	TemplateSummary,
	TemplateVariable,
} from '../types';
import { withRawResponse, type TwilioClient } from './client';
import { CONTENT_NAME_PREFIX } from './content';

/**
 * Twilio Content templates: listed from ContentAndApprovals (paged, with the WhatsApp approval),
 * one Content's variables, and `ContentSid` + `ContentVariables` for a send. A variable `{{1}}`
 * of the Content is the node's `body.1`, wherever in the Content it appears.
 */

export const TWILIO_TEMPLATE_PAGE_SIZE = 100;
/** Pages read for one picker call while a filter matches nothing yet. */
const MAX_SEARCH_PAGES = 10;
const PREVIEW_LENGTH = 80;
const CONTENT_SID = /^HX[0-9a-fA-F]{32}$/;
const CONTENT_HOST = 'https://content.twilio.com';
const LIST_PATH = '/v1/ContentAndApprovals';

/** What ContentAndApprovals and Content hand back, as the SDK models them. */
interface ContentLike {
	sid: string;
	friendlyName: string;
	language: string;
	variables?: Record<string, unknown> | null;
	types?: Record<string, unknown> | null;
	approvalRequests?: Record<string, unknown> | null;
}

/** A Content as the Content and ContentAndApprovals endpoints send it. */
export interface WireContent {
	sid: string;
	friendly_name?: string | null;
	language?: string | null;
	variables?: Record<string, unknown> | null;
	types?: Record<string, unknown> | null;
	approval_requests?: Record<string, unknown> | null;
	date_created?: string | null;
	date_updated?: string | null;
}

/** The WhatsApp approval, from ApprovalRequests (nested under `whatsapp`) or ContentAndApprovals. */
export interface WireApproval {
	name?: string;
	category?: string;
	status?: string;
	rejection_reason?: string;
	content_type?: string;
}

interface WhatsAppApproval {
	status?: string;
	category?: string;
	name?: string;
}

/** ContentAndApprovals puts the WhatsApp approval at the top level; ApprovalRequests under `whatsapp`. */
export function approvalOf(source: unknown): WireApproval | undefined {
	if (!source || typeof source !== 'object') return undefined;
	const record = source as Record<string, unknown>;
	const approval = (record.whatsapp && typeof record.whatsapp === 'object' ? record.whatsapp : record) as WireApproval;
	return typeof approval.status === 'string' && approval.status !== '' ? approval : undefined;
}

function whatsAppApproval(source: unknown): WhatsAppApproval | undefined {
	const approval = approvalOf(source) as Record<string, unknown> | undefined;
	if (!approval) return undefined;
	return {
		status: approval.status as string,
		...(typeof approval.category === 'string' && approval.category ? { category: approval.category } : {}),
		...(typeof approval.name === 'string' && approval.name ? { name: approval.name } : {}),
	};
}

function shorten(text: string, max = PREVIEW_LENGTH): string {
	const flat = text.replace(/\s+/g, ' ').trim();
	const chars = [...flat];
	return chars.length > max ? `${chars.slice(0, max - 1).join('').trimEnd()}…` : flat;
}

/** The body (or title) of the Content's first type. */
function previewOf(types: ContentLike['types']): string | undefined {
	const first = Object.values(types ?? {})[0] as Record<string, unknown> | undefined;
	const text = first?.body ?? first?.title;
	return typeof text === 'string' && text.trim() ? shorten(text) : undefined;
}

function summary(content: ContentLike, approval: WhatsAppApproval | undefined): TemplateSummary {
	const preview = previewOf(content.types);
	return {
		id: content.sid,
		name: content.friendlyName || content.sid,
		...(content.language ? { language: content.language } : {}),
		// Upper case like Meta's, so one comparison works for both providers; Twilio's own word stays in raw.
		status: (approval?.status ?? 'unsubmitted').toUpperCase(),
		...(approval?.category ? { category: approval.category } : {}),
		...(preview ? { preview } : {}),
	};
}

/**
 * A page token from an earlier call, turned back into a ContentAndApprovals URL on Twilio's own
 * host: only its query is kept, so a forged token can never send the credentials elsewhere.
 */
export function contentPageUrl(cursor: string): string {
	let url: URL;
	try {
		url = new URL(cursor);
	} catch {
		throw new ValidationError('Template', 'The template list’s page token is not valid', 'Reload the template list.');
	}
	if (!url.pathname.endsWith(LIST_PATH)) {
		throw new ValidationError('Template', 'The template list’s page token is not valid', 'Reload the template list.');
	}
	return `${CONTENT_HOST}${LIST_PATH}${url.search}`;
}

type ApprovalsPage = Awaited<ReturnType<TwilioClient['content']['v1']['contentAndApprovals']['page']>>;

async function firstPage(client: TwilioClient, cursor: string | undefined): Promise<ApprovalsPage> {
	const list = client.content.v1.contentAndApprovals;
	return cursor ? await list.getPage(contentPageUrl(cursor)) : await list.page({ pageSize: TWILIO_TEMPLATE_PAGE_SIZE });
}

function matches(content: ContentLike, approval: WhatsAppApproval | undefined, options: TemplateListOptions): boolean {
	// Contents this node made for Send Interactive are not templates anyone picked.
	if (content.friendlyName?.startsWith(CONTENT_NAME_PREFIX)) return false;
	if (!options.includeUnapproved && approval?.status?.toLowerCase() !== 'approved') return false;
	const needle = options.filter?.trim().toLowerCase();
	if (!needle) return true;
	return (content.friendlyName ?? '').toLowerCase().includes(needle) || content.sid.toLowerCase() === needle;
}

export async function listTwilioTemplates(client: TwilioClient, options: TemplateListOptions): Promise<TemplatePage> {
	const templates: TemplateSummary[] = [];
	let page: ApprovalsPage | undefined = await firstPage(client, options.cursor);
	for (let read = 1; ; read++) {
		for (const instance of page.instances as ContentLike[]) {
			const approval = whatsAppApproval(instance.approvalRequests);
			if (matches(instance, approval, options)) templates.push(summary(instance, approval));
		}
		// Keep reading while a filter has found nothing, so a picker never shows an empty page
		// with more behind it; stop after a few pages and hand back the cursor instead.
		if (templates.length > 0 || !page.nextPageUrl || read >= MAX_SEARCH_PAGES) break;
		page = await client.content.v1.contentAndApprovals.getPage(contentPageUrl(page.nextPageUrl));
	}
	return { templates, ...(page.nextPageUrl ? { nextCursor: page.nextPageUrl } : {}) };
}

/** Where in the Content a placeholder is used, in words. */
function placeOf(types: ContentLike['types'], key: string): string {
	const needle = `{{${key}}}`;
	let found: string | undefined;
	// `field` is the nearest object key: an array's items take the key of the array.
	const walk = (value: unknown, field: string) => {
		if (found !== undefined) return;
		if (typeof value === 'string') {
			if (value.replace(/\{\{\s*/g, '{{').replace(/\s*\}\}/g, '}}').includes(needle)) found = field;
		} else if (Array.isArray(value)) {
			for (const item of value) walk(item, field);
		} else if (value && typeof value === 'object') {
			for (const [k, v] of Object.entries(value)) walk(v, k);
		}
	};
	walk(types ?? {}, '');
	switch (found) {
		case 'body':
			return 'Body';
		case 'media':
		case 'media_url':
			return 'Media URL';
		case 'url':
			return 'Button URL';
		case 'title':
		case 'subtitle':
		case 'header_text':
			return 'Title';
		case 'footer':
			return 'Footer';
		default:
			return 'Variable';
	}
}

const byNumberThenName = (a: string, b: string) => {
	const [na, nb] = [Number(a), Number(b)];
	if (Number.isInteger(na) && Number.isInteger(nb)) return na - nb;
	return a.localeCompare(b);
};

export function twilioTemplateDefinition(content: ContentLike, approval: WhatsAppApproval | undefined): TemplateDefinition {
	const types = content.types ?? {};
	const keys = Object.keys(content.variables ?? {}).sort(byNumberThenName);
	const variables: TemplateVariable[] = keys.map((key) => {
		const sample = content.variables?.[key];
		return {
			key: `body.${key}`,
			label: `${placeOf(types, key)} {{${key}}}`,
			component: 'body',
			kind: 'text',
			name: key,
			...(sample !== undefined && sample !== null && String(sample) !== '' ? { example: String(sample) } : {}),
			required: true,
		};
	});
	return { ...summary(content, approval), headerFormat: 'none', variables };
}

/** The SID of the one Content with this friendly name; a ValidationError when none or several. */
async function findContentSidByName(client: TwilioClient, name: string): Promise<string> {
	const found: ContentLike[] = [];
	let page: ApprovalsPage | undefined = await client.content.v1.contentAndApprovals.page({ pageSize: TWILIO_TEMPLATE_PAGE_SIZE });
	for (let read = 1; page; read++) {
		found.push(...(page.instances as ContentLike[]).filter((c) => c.friendlyName === name));
		if (!page.nextPageUrl || read >= MAX_SEARCH_PAGES * 5) break;
		page = await client.content.v1.contentAndApprovals.getPage(contentPageUrl(page.nextPageUrl));
	}
	if (found.length === 1) return found[0].sid;
	if (found.length === 0) {
		throw new ValidationError(
			'Template',
			`"${name}" is neither a Content SID nor the name of a Content template in this Twilio account`,
			'Pick the template from the list, or give its Content SID (HX followed by 32 characters) from Twilio Console › Messaging › Content Template Builder.',
		);
	}
	throw new ValidationError(
		'Template',
		`Several Content templates are named "${name}" (${found.map((c) => c.sid).join(', ')})`,
		'Give the Content SID of the one to send.',
	);
}

export async function getTwilioTemplate(client: TwilioClient, ref: TemplateRef): Promise<TemplateDefinition> {
	const { content, approvals } = await fetchContent(client, await contentSidOf(client, ref.id));
	return twilioTemplateDefinition(contentLike(content), whatsAppApproval(approvals));
}

/** The Content SID given, or the SID of the one Content with that friendly name. */
export async function contentSidOf(client: TwilioClient, given: string, whenEmpty = 'No template was chosen'): Promise<string> {
	const id = given.trim();
	if (!id) throw new ValidationError('Template', whenEmpty, 'Pick a template from the list, or give its Content SID (HX…).');
	return CONTENT_SID.test(id) ? id : await findContentSidByName(client, id);
}

/**
 * Twilio's 404 for a Content, in words that name the SID. It stays Twilio's answer: its code
 * (20404), HTTP status and details are kept, as for every other provider error.
 */
export function noSuchContent(sid: string, answer: ProviderError): ProviderError {
	return new ProviderError({
		provider: 'twilio',
		code: answer.code,
		httpStatus: answer.httpStatus,
		message: `There is no Content template ${sid} in this Twilio account`,
		hint: 'Check the Content SID (Twilio Console › Messaging › Content Template Builder) and that the credential belongs to the account that owns it.',
		details: answer.details,
	});
}

export const isNotFound = (error: unknown): error is ProviderError => error instanceof ProviderError && error.httpStatus === 404;

/** A Content and its approval requests as the API sends them; no approvals for a 404 there. */
export async function fetchContent(client: TwilioClient, sid: string): Promise<{ content: WireContent; approvals: unknown }> {
	const context = client.content.v1.contents(sid);
	const [content, approvals] = await Promise.all([
		withRawResponse(() => context.fetch()).catch((error: unknown) => {
			throw isNotFound(error) ? noSuchContent(sid, error) : error;
		}),
		// A Content never submitted to WhatsApp has no approval to read; it can still be sent in a session.
		withRawResponse(() => context.approvalFetch().fetch()).catch((error: unknown) => {
			if (isNotFound(error)) return undefined;
			throw error;
		}),
	]);
	return { content: content.raw as WireContent, approvals: approvals?.raw };
}

export function contentLike(content: WireContent): ContentLike {
	return {
		sid: content.sid,
		friendlyName: content.friendly_name ?? '',
		language: content.language ?? '',
		variables: content.variables,
		types: content.types ?? {},
	};
}

/** `ContentSid` and `ContentVariables` of a send; the keys lose their `body.` prefix. */
export function buildTwilioTemplate(content: TemplateContent): { contentSid: string; contentVariables?: string } {
	const variables: Record<string, string> = {};
	for (const [key, value] of Object.entries(content.values)) {
		if (value === undefined || value === null || String(value) === '') continue;
		variables[key.startsWith('body.') ? key.slice('body.'.length) : key] = String(value);
	}
	const contentSid = content.definition.id || content.template.id.trim();
	return Object.keys(variables).length > 0 ? { contentSid, contentVariables: JSON.stringify(variables) } : { contentSid };
}
