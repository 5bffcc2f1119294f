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
import type { TwilioClient } from './client';
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

interface WhatsAppApproval {
	status?: string;
	category?: string;
	name?: string;
}

/** ContentAndApprovals puts the WhatsApp approval at the top level; ApprovalRequests under `whatsapp`. */
function whatsAppApproval(approval: Record<string, unknown> | null | undefined): WhatsAppApproval | undefined {
	if (!approval || typeof approval !== 'object') return undefined;
	const nested = approval.whatsapp;
	const source = (nested && typeof nested === 'object' ? nested : approval) as Record<string, unknown>;
	if (typeof source.status !== 'string' || source.status === '') return undefined;
	return {
		status: source.status,
		...(typeof source.category === 'string' && source.category ? { category: source.category } : {}),
		...(typeof source.name === 'string' && source.name ? { name: source.name } : {}),
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
export async function findContentSidByName(client: TwilioClient, name: string): Promise<string> {
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
	const given = ref.id.trim();
	if (!given) {
		throw new ValidationError('Template', 'No template was chosen', 'Pick a template from the list, or give its Content SID (HX…).');
	}
	const sid = CONTENT_SID.test(given) ? given : await findContentSidByName(client, given);
	const context = client.content.v1.contents(sid);
	const [content, approval] = await Promise.all([
		context.fetch().catch((error: unknown) => {
			if (error instanceof ProviderError && error.httpStatus === 404) {
				throw new ValidationError(
					'Template',
					`There is no Content template ${sid} in this Twilio account`,
					'Check the Content SID (Twilio Console › Messaging › Content Template Builder) and that the credential belongs to the account that owns it.',
				);
			}
			throw error;
		}),
		// A Content never submitted to WhatsApp has no approval to read; it can still be sent in a session.
		context
			.approvalFetch()
			.fetch()
			.then((found) => whatsAppApproval(found.whatsapp as Record<string, unknown>))
			.catch((error: unknown) => {
				if (error instanceof ProviderError && error.httpStatus === 404) return undefined;
				throw error;
			}),
	]);
	return twilioTemplateDefinition(content as unknown as ContentLike, approval);
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
