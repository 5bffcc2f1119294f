import type { ContentApprovalRequest } from 'twilio/lib/rest/content/v1/content/approvalCreate';
import type { ContentCreateRequest } from 'twilio/lib/rest/content/v1/content';

import { ValidationError } from '../../helpers/ValidationError';
import { ProviderError } from '../ProviderError';
import { UnsupportedError } from '../UnsupportedError';
import type {
	DeletedTemplate,
	NewTemplate,
	NewTemplateButton,
	TemplateDeletion,
	TemplateHeaderFormat,
	TemplateInfo,
	TemplateInfoPage,
	TemplateQuery,
	TemplateRef,
} from '../types';
import { withRawResponse } from './client';
import type { TwilioContext } from './context';
import {
	approvalOf,
	contentLike,
	contentPageUrl,
	contentSidOf,
	fetchContent,
	isNotFound,
	noSuchContent,
	twilioTemplateDefinition,
	TWILIO_TEMPLATE_PAGE_SIZE,
	type WireApproval,
	type WireContent,
} from './templates';

/**
 * Template management on Twilio: a template is a Content (`POST /v1/Content`) that is optionally
 * submitted to WhatsApp (`POST /v1/Content/{HX}/ApprovalRequests/whatsapp`). Everything here works
 * on the wire bodies (snake_case), which are also what the output's `raw` shows.
 */

/** Twilio's largest ContentAndApprovals page. */
const MAX_PAGE_SIZE = 1000;
/** Twilio's quick-reply titles are shorter than WhatsApp's 25 characters. */
const QUICK_REPLY_TITLE_MAX = 20;
/**
 * WhatsApp shows its own fixed label on a copy-code button; Twilio still requires a title, and
 * NewTemplate has none for this button.
 */
const COPY_CODE_TITLE = 'Copy code';
const UNSUBMITTED = 'unsubmitted';
const NO_TEMPLATE = 'No template was given';

// ------------------------------------------------------------------------------------------
// Content → TemplateInfo

/**
 * When a Content carries several types, WhatsApp gets the richest one it supports (Twilio's
 * "most complex translation" rule), so that one describes the template.
 */
const TYPE_PRIORITY = [
	'whatsapp/card',
	'twilio/card',
	'twilio/call-to-action',
	'twilio/quick-reply',
	'twilio/list-picker',
	'twilio/media',
	'twilio/location',
	'twilio/text',
];

function mainType(types: Record<string, unknown>): [string, Record<string, unknown>] | undefined {
	const name = TYPE_PRIORITY.find((type) => type in types) ?? Object.keys(types)[0];
	const payload = name ? types[name] : undefined;
	return name && payload && typeof payload === 'object' ? [name, payload as Record<string, unknown>] : undefined;
}

function mediaFormat(url: string): TemplateHeaderFormat {
	const path = url.split(/[?#]/)[0].toLowerCase();
	if (/\.(jpe?g|png|webp|gif)$/.test(path)) return 'image';
	if (/\.(mp4|3gpp?|mov)$/.test(path)) return 'video';
	return 'document';
}

function str(value: unknown): string | undefined {
	return typeof value === 'string' && value !== '' ? value : undefined;
}

type InfoButton = NonNullable<TemplateInfo['buttons']>[number];

function buttonsOf(actions: unknown): InfoButton[] {
	if (!Array.isArray(actions)) return [];
	return actions
		.filter((action): action is Record<string, unknown> => !!action && typeof action === 'object')
		.map((action) => {
			const type = str(action.type)?.toUpperCase() ?? 'QUICK_REPLY';
			const text = str(action.title);
			switch (type) {
				case 'URL':
					return { type: 'url', ...(text ? { text } : {}), ...(str(action.url) ? { url: str(action.url) } : {}) };
				case 'PHONE_NUMBER':
					return { type: 'phoneNumber', ...(text ? { text } : {}), ...(str(action.phone) ? { phoneNumber: str(action.phone) } : {}) };
				case 'COPY_CODE':
					return { type: 'copyCode', ...(text ? { text } : {}) };
				case 'QUICK_REPLY':
					return { type: 'quickReply', ...(text ? { text } : {}) };
				default:
					return { type: type.toLowerCase(), ...(text ? { text } : {}) };
			}
		});
}

/** Body, header, footer and buttons as WhatsApp shows them, from the Content's main type. */
function layoutOf(types: Record<string, unknown>): Pick<TemplateInfo, 'header' | 'body' | 'footer' | 'buttons'> {
	const main = mainType(types);
	if (!main) return { buttons: [] };
	const [type, payload] = main;
	const media = Array.isArray(payload.media) ? str(payload.media[0]) : undefined;
	const header = media
		? { format: mediaFormat(media) }
		: str(payload.header_text)
			? { format: 'text' as const, text: str(payload.header_text) }
			: type === 'twilio/location'
				? { format: 'location' as const }
				: undefined;
	// twilio/card has no body: WhatsApp shows its title there and its subtitle as the footer.
	const body = type === 'twilio/card' ? str(payload.title) : str(payload.body);
	const footer = type === 'twilio/card' ? str(payload.subtitle) : str(payload.footer);
	return {
		...(header ? { header } : {}),
		...(body ? { body } : {}),
		...(footer ? { footer } : {}),
		buttons: buttonsOf(payload.actions),
	};
}

function templateInfo(content: WireContent, approval: WireApproval | undefined, raw: unknown): TemplateInfo {
	const types = content.types ?? {};
	const definition = twilioTemplateDefinition(
		contentLike(content),
		approval?.status ? { status: approval.status, category: approval.category, name: approval.name } : undefined,
	);
	const { headerFormat: _headerFormat, ...summary } = definition;
	return {
		...summary,
		templateId: content.sid,
		parameterFormat: 'positional',
		...layoutOf(types),
		...(approval?.rejection_reason ? { rejectionReason: approval.rejection_reason } : {}),
		raw,
	};
}

// ------------------------------------------------------------------------------------------
// Get Many

function normalizedLanguage(language: string): string {
	return language.trim().toLowerCase().replace(/-/g, '_');
}

function matchesQuery(content: WireContent, approval: WireApproval | undefined, query: TemplateQuery): boolean {
	const status = (approval?.status ?? UNSUBMITTED).toLowerCase();
	const wanted = query.status?.trim().toLowerCase();
	// `received` is Twilio's word for a request WhatsApp has not reviewed yet: pending to a person.
	if (wanted && status !== wanted && !(wanted === 'pending' && status === 'received')) return false;
	if (query.category && approval?.category?.toUpperCase() !== query.category) return false;
	if (query.language?.trim() && normalizedLanguage(content.language ?? '') !== normalizedLanguage(query.language)) return false;
	const needle = query.name?.trim().toLowerCase();
	if (needle) {
		const names = [content.friendly_name, approval?.name].map((name) => (name ?? '').toLowerCase());
		if (!names.some((name) => name.includes(needle))) return false;
	}
	return true;
}

/**
 * One ContentAndApprovals page, filtered here: v1 of that list takes no filters (v2 takes name,
 * language and approval status, but not category). A page may therefore hold fewer matches than
 * it read, or none; `nextCursor` still continues after the last Content read.
 */
export async function queryTwilioTemplates(ctx: TwilioContext, query: TemplateQuery): Promise<TemplateInfoPage> {
	const list = ctx.client.content.v1.contentAndApprovals;
	const asked = Math.max(1, Math.floor(query.pageSize ?? TWILIO_TEMPLATE_PAGE_SIZE));
	// With filters applied here, a small page would mean many requests for few matches.
	const filtered = [query.name, query.status, query.language, query.category].some((value) => value?.trim());
	const pageSize = Math.min(filtered ? Math.max(asked, TWILIO_TEMPLATE_PAGE_SIZE) : asked, MAX_PAGE_SIZE);
	const { result: page, raw } = await withRawResponse(() =>
		query.cursor ? list.getPage(contentPageUrl(query.cursor)) : list.page({ pageSize }),
	);
	const wire = raw as { contents?: WireContent[] } | undefined;
	const contents = wire?.contents ?? [];
	const templates = contents.flatMap((content) => {
		const approval = approvalOf(content.approval_requests);
		return matchesQuery(content, approval, query) ? [templateInfo(content, approval, content)] : [];
	});
	return { templates, ...(page.nextPageUrl ? { nextCursor: page.nextPageUrl } : {}) };
}

// ------------------------------------------------------------------------------------------
// Get

export async function getTwilioTemplateInfo(ctx: TwilioContext, ref: TemplateRef): Promise<TemplateInfo> {
	const { content, approvals } = await fetchContent(ctx.client, await contentSidOf(ctx.client, ref.id, NO_TEMPLATE));
	return templateInfo(content, approvalOf(approvals), { content, approvalRequests: approvals ?? null });
}

// ------------------------------------------------------------------------------------------
// Create

interface TwilioTemplateRequest {
	variables: Record<string, string>;
	types: Record<string, unknown>;
}

function unsupported(message: string, alternative: string): UnsupportedError {
	return new UnsupportedError('twilio', message, alternative);
}

/** What Twilio cannot take of this template, refused before any request. */
function assertTwilioCanCreate(template: NewTemplate): void {
	if (template.parameterFormat === 'named') {
		throw unsupported(
			'Twilio submits Content templates to WhatsApp with numbered variables ({{1}}, {{2}}, …) only',
			'Set Parameter Format to Positional and number the variables in order of appearance.',
		);
	}
	if (template.header?.format === 'location') {
		throw unsupported(
			'Twilio Content templates have no location header',
			'Leave the header out, use a text or media header, or create this template on Meta.',
		);
	}
	if (template.header && template.header.format !== 'text' && template.header.sample.kind !== 'url') {
		throw unsupported(
			'A Twilio Content template takes its header media as a public URL, not as an uploaded file or a Meta media handle',
			'Put the sample file on a public HTTPS address (any file host or storage bucket) and set Header Sample Source to URL.',
		);
	}
	if (template.submitForApproval && template.category === 'AUTHENTICATION') {
		throw unsupported(
			'Twilio submits authentication templates only as whatsapp/authentication Content with a one-time-password button, which this operation does not build',
			'Create it in Twilio Console › Messaging › Content Template Builder (type WhatsApp Authentication), or choose the Utility or Marketing category.',
		);
	}
	if (template.submitForApproval && template.allowCategoryChange === false) {
		throw unsupported(
			'Twilio’s approval request always lets WhatsApp change the category; it has no way to forbid it',
			'Turn Allow Category Change on (or remove it), or create this template on Meta.',
		);
	}
	template.buttons.forEach((button, index) => {
		if (button.type === 'quickReply' && [...button.text].length > QUICK_REPLY_TITLE_MAX) {
			throw new ValidationError(
				'Buttons',
				`Button ${index + 1} ("${button.text}") is over the ${QUICK_REPLY_TITLE_MAX} characters Twilio allows for a quick reply`,
				`Shorten it to at most ${QUICK_REPLY_TITLE_MAX} characters.`,
			);
		}
	});
}

const ONE_VARIABLE = /\{\{\s*1\s*\}\}/;

/**
 * Twilio numbers every variable of a Content in one sequence: the body keeps `{{1}}`…`{{n}}`
 * (Send Template fills them as body.1…), the header's and the URL buttons' own `{{1}}` follow.
 */
function twilioRequest(template: NewTemplate): TwilioTemplateRequest {
	assertTwilioCanCreate(template);
	const variables: Record<string, string> = {};
	for (const [key, value] of Object.entries(template.bodyExamples)) variables[key] = value;
	let next = Object.keys(variables).reduce((max, key) => Math.max(max, Number(key) || 0), 0) + 1;
	const claim = (sample: string) => {
		const key = String(next++);
		variables[key] = sample;
		return `{{${key}}}`;
	};

	let headerText: string | undefined;
	let media: string | undefined;
	const header = template.header;
	if (header?.format === 'text') {
		headerText = header.text;
		if (ONE_VARIABLE.test(header.text)) {
			if (!header.example) {
				throw new ValidationError('Header Example', 'The header has a variable but no example', 'Give a sample value for the header’s {{1}}.');
			}
			headerText = header.text.replace(ONE_VARIABLE, claim(header.example));
		}
	} else if (header && header.format !== 'location' && header.sample.kind === 'url') {
		media = header.sample.url;
	}

	const actions = template.buttons.map((button, index) => cardAction(button, index, claim));
	const quickReplies = template.buttons.every((b) => b.type === 'quickReply');
	const body = template.body;
	const plain = headerText === undefined && template.footer === undefined;

	let types: Record<string, unknown>;
	if (plain && !media && actions.length === 0) {
		types = { 'twilio/text': { body } };
	} else if (plain && media && actions.length === 0) {
		types = { 'twilio/media': { body, media: [media] } };
	} else if (plain && !media && quickReplies) {
		types = { 'twilio/quick-reply': { body, actions: actions.map(({ type: _type, ...rest }) => rest) } };
	} else if (plain && !media && !template.buttons.some((b) => b.type === 'quickReply')) {
		types = { 'twilio/call-to-action': { body, actions } };
	} else {
		// Header text, footer, or media or mixed buttons: only WhatsApp's own card has all of them.
		types = {
			'whatsapp/card': {
				body,
				...(headerText !== undefined ? { header_text: headerText } : {}),
				...(media ? { media: [media] } : {}),
				...(template.footer !== undefined ? { footer: template.footer } : {}),
				...(actions.length > 0 ? { actions } : {}),
			},
		};
	}
	return { variables, types };
}

function cardAction(button: NewTemplateButton, index: number, claim: (sample: string) => string): Record<string, unknown> {
	switch (button.type) {
		case 'quickReply':
			return { type: 'QUICK_REPLY', title: button.text };
		case 'phoneNumber':
			return { type: 'PHONE_NUMBER', title: button.text, phone: button.phoneNumber };
		case 'copyCode':
			return { type: 'COPY_CODE', title: COPY_CODE_TITLE, code: button.example };
		case 'url': {
			if (!ONE_VARIABLE.test(button.url)) return { type: 'URL', title: button.text, url: button.url };
			// Twilio's sample for a URL variable is the part that replaces it, not the whole URL.
			const prefix = button.url.slice(0, button.url.search(ONE_VARIABLE));
			const example = button.example ?? '';
			if (!example.startsWith(prefix) || example.length === prefix.length) {
				throw new ValidationError(
					'Buttons',
					`Button ${index + 1}'s URL example must be the full URL with a value in place of {{1}}, starting with ${prefix}`,
					`For ${button.url}, give e.g. ${prefix}abc123.`,
				);
			}
			return { type: 'URL', title: button.text, url: button.url.replace(ONE_VARIABLE, claim(example.slice(prefix.length))) };
		}
	}
}

export async function createTwilioTemplate(ctx: TwilioContext, template: NewTemplate): Promise<TemplateInfo> {
	const { variables, types } = twilioRequest(template);
	// The SDK posts this object as the JSON body as it is, so it is written in Twilio's wire format.
	const request = {
		friendly_name: template.name,
		language: template.language,
		...(Object.keys(variables).length > 0 ? { variables } : {}),
		types,
	} as unknown as ContentCreateRequest;
	const created = await withRawResponse(() => ctx.client.content.v1.contents.create(request));
	const content = created.raw as WireContent;
	// The media kind is known here; read back, it could only be guessed from the URL.
	const withHeader = (info: TemplateInfo): TemplateInfo =>
		template.header && template.header.format !== 'text' ? { ...info, header: { format: template.header.format } } : info;
	if (!template.submitForApproval) return withHeader(templateInfo(content, undefined, { content, approvalRequest: null }));

	// Twilio's approval request has no category-change flag: it always allows the change.
	const approvalRequest = { name: template.name, category: template.category } as ContentApprovalRequest;
	let submitted;
	try {
		submitted = await withRawResponse(() => ctx.client.content.v1.contents(content.sid).approvalCreate.create(approvalRequest));
	} catch (error) {
		throw contentExistsError(content.sid, error);
	}
	return withHeader(templateInfo(content, approvalOf(submitted.raw), { content, approvalRequest: submitted.raw }));
}

/** The Content is there but unsubmitted: say so, so a rerun does not create a second one. */
function contentExistsError(sid: string, error: unknown): ProviderError {
	const cause = error instanceof ProviderError ? error : undefined;
	const reason = cause ? `${cause.message}${cause.details ? ` (${cause.details})` : ''}` : error instanceof Error ? error.message : String(error);
	return new ProviderError({
		provider: 'twilio',
		code: cause?.code,
		httpStatus: cause?.httpStatus,
		message: `The Content ${sid} was created, but submitting it to WhatsApp for approval failed: ${reason}`,
		hint: `Do not run Create again: that would make a second Content. Fix the cause (${cause?.hint ?? 'see the message'}) and submit ${sid} in Twilio Console › Messaging › Content Template Builder, or delete it with Template › Delete and create it anew.`,
		details: cause?.details,
		retryAfterSeconds: cause?.retryAfterSeconds,
	});
}

// ------------------------------------------------------------------------------------------
// Delete

export async function deleteTwilioTemplate(ctx: TwilioContext, target: TemplateDeletion): Promise<DeletedTemplate> {
	// `target.language` means nothing here: a Content has exactly one language, so deleting it by
	// its SID is the only granularity Twilio has.
	const sid = await contentSidOf(ctx.client, target.id, NO_TEMPLATE);
	try {
		await ctx.client.content.v1.contents(sid).remove();
	} catch (error) {
		throw isNotFound(error) ? noSuchContent(sid, error) : error;
	}
	return { provider: 'twilio', deleted: [sid], success: true };
}
