import { baseMimeType } from '../../helpers/mimeTypes';
import { ValidationError } from '../../helpers/ValidationError';
import { CredentialError } from '../CredentialError';
import type {
	BinaryFile,
	DeletedTemplate,
	MediaSource,
	NewTemplate,
	NewTemplateButton,
	TemplateDeletion,
	TemplateHeaderFormat,
	TemplateInfo,
	TemplateInfoPage,
	TemplateQuery,
	TemplateRef,
} from '../types';
import { UnsupportedError } from '../UnsupportedError';
import { REQUEST_TIMEOUT_MS } from './client';
import type { MetaContext } from './context';
import {
	component,
	findMetaTemplate,
	findMetaTemplatesByName,
	headerFormat,
	metaTemplateDefinition,
	nextPage,
	placeholders,
	splitMetaTemplateRef,
	type GraphTemplate,
	type GraphTemplateComponent,
	type GraphTemplateList,
} from './templates';

/**
 * Template management on the Graph API: list with filters, read one, create (with the
 * Resumable Upload API for media header samples) and delete. Only this file and templates.ts
 * know the `message_templates` wire format.
 */

/** Everything Template › Get / Get Many show, `rejected_reason` included. */
export const META_TEMPLATE_INFO_FIELDS = 'id,name,language,status,category,components,parameter_format,rejected_reason';
/** Meta's default page is 25; it serves up to 100 templates per request. */
const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 100;
const NUMERIC_ID = /^\d+$/;
const UPLOAD_SESSION = /^upload:[^/\s]+$/;

const BUTTON_TYPES: Record<string, string> = {
	QUICK_REPLY: 'quickReply',
	URL: 'url',
	PHONE_NUMBER: 'phoneNumber',
	COPY_CODE: 'copyCode',
};

/** A Graph template as the provider-neutral TemplateInfo. */
export function metaTemplateInfo(template: GraphTemplate, raw: unknown = template): TemplateInfo {
	const definition = metaTemplateDefinition(template);
	const header = component(template, 'HEADER');
	const body = component(template, 'BODY')?.text;
	const footer = component(template, 'FOOTER')?.text;
	const buttons = component(template, 'BUTTONS')?.buttons;
	const format: TemplateHeaderFormat = headerFormat(template);
	const rejected = template.rejected_reason && template.rejected_reason !== 'NONE' ? template.rejected_reason : undefined;
	const parameterFormat = template.parameter_format?.toUpperCase();
	return {
		id: definition.id,
		name: definition.name,
		language: definition.language,
		status: definition.status,
		...(definition.category ? { category: definition.category } : {}),
		...(definition.preview ? { preview: definition.preview } : {}),
		templateId: template.id ?? '',
		...(parameterFormat === 'NAMED' ? { parameterFormat: 'named' as const } : parameterFormat === 'POSITIONAL' ? { parameterFormat: 'positional' as const } : {}),
		...(header ? { header: { format, ...(header.text ? { text: header.text } : {}) } } : {}),
		...(body !== undefined ? { body } : {}),
		...(footer !== undefined ? { footer } : {}),
		...(buttons
			? {
					buttons: buttons.map((button) => ({
						type: BUTTON_TYPES[button.type?.toUpperCase()] ?? button.type?.toLowerCase(),
						...(button.text ? { text: button.text } : {}),
						...(button.url ? { url: button.url } : {}),
						...(button.phone_number ? { phoneNumber: button.phone_number } : {}),
					})),
				}
			: {}),
		variables: definition.variables,
		...(rejected ? { rejectionReason: rejected } : {}),
		raw,
	};
}

// ---------------------------------------------------------------------------------------------
// Get Many

function matches(template: GraphTemplate, query: TemplateQuery): boolean {
	const name = query.name?.trim().toLowerCase();
	const status = query.status?.trim().toUpperCase();
	const language = query.language?.trim();
	return (
		(!name || template.name.toLowerCase().includes(name)) &&
		(!status || template.status?.toUpperCase() === status) &&
		(!language || template.language === language) &&
		(!query.category || template.category?.toUpperCase() === query.category)
	);
}

export async function queryMetaTemplates(ctx: MetaContext, query: TemplateQuery): Promise<TemplateInfoPage> {
	const params: Record<string, string | number> = {
		fields: META_TEMPLATE_INFO_FIELDS,
		limit: Math.min(Math.max(1, Math.floor(query.pageSize ?? DEFAULT_PAGE_SIZE)), MAX_PAGE_SIZE),
	};
	// All four are filters of the message_templates edge; the same checks run again below, so
	// the result does not depend on how loosely Meta matches (its name filter matches parts).
	if (query.name?.trim()) params.name = query.name.trim();
	if (query.status?.trim()) params.status = query.status.trim().toUpperCase();
	if (query.language?.trim()) params.language = query.language.trim();
	if (query.category) params.category = query.category;
	if (query.cursor) params.after = query.cursor;
	const { data } = await ctx.client.get<GraphTemplateList>(`${ctx.wabaId()}/message_templates`, { params });
	const templates = (data.data ?? []).filter((t) => matches(t, query)).map((t) => metaTemplateInfo(t));
	return { templates, ...nextPage(data) };
}

// ---------------------------------------------------------------------------------------------
// Get

/** A bare number is a template ID (hsm_id); anything else a name or `name|language`. */
function isTemplateId(ref: TemplateRef): boolean {
	return NUMERIC_ID.test(ref.id.trim()) && !ref.language;
}

async function readById(ctx: MetaContext, id: string): Promise<GraphTemplate> {
	const { data } = await ctx.client.get<GraphTemplate>(encodeURIComponent(id), { params: { fields: META_TEMPLATE_INFO_FIELDS } });
	return data;
}

export async function getMetaTemplateInfo(ctx: MetaContext, ref: TemplateRef): Promise<TemplateInfo> {
	if (isTemplateId(ref)) return metaTemplateInfo(await readById(ctx, ref.id.trim()));
	return metaTemplateInfo(await findMetaTemplate(ctx.client, ctx.wabaId(), ref, META_TEMPLATE_INFO_FIELDS));
}

// ---------------------------------------------------------------------------------------------
// Create

interface UploadSession {
	id: string;
}

/** The sample types Meta's Resumable Upload API takes for each media header, and their size limits. */
const SAMPLE_TYPES: Record<'image' | 'video' | 'document', { mimeTypes: string[]; maxBytes: number; label: string }> = {
	image: { mimeTypes: ['image/jpeg', 'image/jpg', 'image/png'], maxBytes: 5 * 1024 * 1024, label: 'a JPEG or PNG image up to 5 MB' },
	video: { mimeTypes: ['video/mp4'], maxBytes: 16 * 1024 * 1024, label: 'an MP4 video up to 16 MB' },
	document: { mimeTypes: ['application/pdf'], maxBytes: 100 * 1024 * 1024, label: 'a PDF document up to 100 MB' },
};

/** The Graph client's timeout is too short for a large sample: allow 10 s more per MB. */
export function uploadTimeoutMs(size: number): number {
	return REQUEST_TIMEOUT_MS + Math.ceil(size / (1024 * 1024)) * 10_000;
}

function checkSample(format: 'image' | 'video' | 'document', file: BinaryFile): void {
	const rule = SAMPLE_TYPES[format];
	const mustBe = `The sample of ${format === 'image' ? 'an' : 'a'} ${format} header must be ${rule.label}; "${file.fileName}" is`;
	if (!rule.mimeTypes.includes(baseMimeType(file.mimeType))) {
		throw new ValidationError(
			'Input Binary Field',
			`${mustBe} ${file.mimeType || 'of unknown type'}`,
			'Give a sample file of the header’s type, or change Header Type.',
		);
	}
	if (file.size < 1 || file.size > rule.maxBytes) {
		throw new ValidationError(
			'Input Binary Field',
			`${mustBe} ${file.size} bytes`,
			file.size < 1 ? 'The file is empty: check the binary field.' : 'Give a smaller sample file.',
		);
	}
}

/**
 * A media header sample as a handle from the Resumable Upload API: open a session on the app,
 * then send the file in one piece. The file is streamed, never read whole into memory.
 */
export async function uploadTemplateSample(ctx: MetaContext, file: BinaryFile, format: 'image' | 'video' | 'document'): Promise<string> {
	checkSample(format, file);
	const appId = ctx.credentials.appId?.trim();
	if (!appId) {
		throw new CredentialError(
			'The Meta credential has no App ID, which a media header sample needs',
			'Meta takes template sample files through the app’s Resumable Upload API: copy the App ID from the app dashboard › App settings › Basic into the WhatsApp Omni Meta credential, or give an existing upload handle instead of a file.',
		);
	}
	const { data: session } = await ctx.client.post<UploadSession>(`${encodeURIComponent(appId)}/uploads`, null, {
		params: { file_name: sampleFileName(file), file_length: file.size, file_type: file.mimeType },
	});
	// The session ID is a path of its own (`upload:<id>`, sometimes with a `?sig=` query): used as given.
	if (!UPLOAD_SESSION.test(session.id ?? '')) {
		throw new Error(`Meta answered the upload request with an unexpected session ID "${String(session.id)}"`);
	}
	const stream = await file.open();
	const { data } = await ctx.client.post<{ h: string }>(session.id, stream, {
		headers: {
			// The upload endpoint documents OAuth rather than Bearer for this one call.
			Authorization: `OAuth ${ctx.credentials.accessToken}`,
			file_offset: '0',
			'Content-Type': file.mimeType,
			'Content-Length': String(file.size),
		},
		maxBodyLength: Infinity,
		timeout: uploadTimeoutMs(file.size),
		transformRequest: [(body) => body],
	});
	return data.h;
}

function sampleFileName(file: BinaryFile): string {
	return file.fileName.replace(/[\r\n"\\/]/g, '_') || 'sample';
}

async function headerHandle(ctx: MetaContext, format: 'image' | 'video' | 'document', sample: MediaSource): Promise<string> {
	if (sample.kind === 'id') return sample.id.trim();
	if (sample.kind === 'binary') return await uploadTemplateSample(ctx, sample.file, format);
	throw new UnsupportedError(
		'meta',
		`Meta does not take a URL as the sample of a ${format} header: it needs the file itself (uploaded as a handle)`,
		'Download the file first (e.g. with an HTTP Request node set to return a file) and choose Binary File as the header sample, or give an upload handle you already have.',
	);
}

function namedExamples(names: string[], examples: Record<string, string>) {
	return names.map((name) => ({ param_name: name, example: examples[name] }));
}

async function headerComponent(ctx: MetaContext, template: NewTemplate): Promise<GraphTemplateComponent | undefined> {
	const { header } = template;
	if (!header) return undefined;
	if (header.format === 'location') return { type: 'HEADER', format: 'LOCATION' };
	if (header.format === 'text') {
		const [name] = placeholders(header.text);
		const example = header.example ?? '';
		return {
			type: 'HEADER',
			format: 'TEXT',
			text: header.text,
			...(name === undefined
				? {}
				: template.parameterFormat === 'named'
					? { example: { header_text_named_params: namedExamples([name], { [name]: example }) } }
					: { example: { header_text: [example] } }),
		};
	}
	const handle = await headerHandle(ctx, header.format, header.sample);
	return { type: 'HEADER', format: header.format.toUpperCase(), example: { header_handle: [handle] } };
}

function bodyComponent(template: NewTemplate): GraphTemplateComponent {
	const names = placeholders(template.body);
	if (names.length === 0) return { type: 'BODY', text: template.body };
	if (template.parameterFormat === 'named') {
		return { type: 'BODY', text: template.body, example: { body_text_named_params: namedExamples(names, template.bodyExamples) } };
	}
	const ordered = [...names].sort((a, b) => Number(a) - Number(b));
	return { type: 'BODY', text: template.body, example: { body_text: [ordered.map((name) => template.bodyExamples[name])] } };
}

function graphButton(button: NewTemplateButton) {
	switch (button.type) {
		case 'quickReply':
			return { type: 'QUICK_REPLY', text: button.text };
		case 'url':
			return { type: 'URL', text: button.text, url: button.url, ...(button.example && button.url.includes('{{') ? { example: [button.example] } : {}) };
		case 'phoneNumber':
			return { type: 'PHONE_NUMBER', text: button.text, phone_number: button.phoneNumber };
		case 'copyCode':
			return { type: 'COPY_CODE', example: button.example };
	}
}

/** The JSON body of `POST /{waba-id}/message_templates`. */
export async function buildMetaTemplateRequest(ctx: MetaContext, template: NewTemplate): Promise<Record<string, unknown>> {
	const components: Array<GraphTemplateComponent | { type: 'BUTTONS'; buttons: unknown[] }> = [];
	const header = await headerComponent(ctx, template);
	if (header) components.push(header);
	components.push(bodyComponent(template));
	if (template.footer) components.push({ type: 'FOOTER', text: template.footer });
	if (template.buttons.length > 0) components.push({ type: 'BUTTONS', buttons: template.buttons.map(graphButton) });
	return {
		name: template.name,
		language: template.language,
		category: template.category,
		parameter_format: template.parameterFormat === 'named' ? 'NAMED' : 'POSITIONAL',
		components,
		...(template.allowCategoryChange !== undefined ? { allow_category_change: template.allowCategoryChange } : {}),
	};
}

interface CreatedTemplate {
	id: string;
	status?: string;
	category?: string;
}

export async function createMetaTemplate(ctx: MetaContext, template: NewTemplate): Promise<TemplateInfo> {
	if (template.category === 'AUTHENTICATION') {
		// Meta takes authentication templates only in its fixed layout (a body it writes itself,
		// with add_security_recommendation, and a one-time-password button), never custom text.
		throw new UnsupportedError(
			'meta',
			'Meta accepts Authentication templates only in its fixed one-time-password layout, not with custom text and buttons',
			'Create the authentication template in WhatsApp Manager (Message templates › Create template › Authentication), or choose the Utility or Marketing category.',
		);
	}
	const wabaId = ctx.wabaId();
	const body = await buildMetaTemplateRequest(ctx, template);
	const { data } = await ctx.client.post<CreatedTemplate>(`${wabaId}/message_templates`, body);
	const created: GraphTemplate = {
		id: data.id,
		name: template.name,
		language: template.language,
		status: data.status ?? 'PENDING',
		category: data.category ?? template.category,
		parameter_format: body.parameter_format as string,
		components: body.components as GraphTemplateComponent[],
	};
	return metaTemplateInfo(created, data);
}

// ---------------------------------------------------------------------------------------------
// Delete

/** How Delete names what went: the name with its language, e.g. `order_update (en_US)`. */
const deletedName = (name: string, language: string | undefined) => (language ? `${name} (${language})` : name);

export async function deleteMetaTemplate(ctx: MetaContext, target: TemplateDeletion): Promise<DeletedTemplate> {
	const wabaId = ctx.wabaId();
	const ref: TemplateRef = { id: target.id, ...(target.language ? { language: target.language } : {}) };
	let name: string;
	let hsmId: string | undefined;
	let languages: Array<string | undefined>;
	if (isTemplateId(ref)) {
		// An ID names one template in one language: only that one goes.
		const template = await readById(ctx, ref.id.trim());
		name = template.name;
		languages = [template.language];
		hsmId = template.id ?? ref.id.trim();
	} else {
		const split = splitMetaTemplateRef(ref);
		name = split.name;
		if (!name) {
			throw new ValidationError('Template', 'No template was chosen', 'Pick a template from the list, or give its name (every language) or name|language (one language).');
		}
		const { language } = split;
		if (language) {
			const [found] = await findMetaTemplatesByName(ctx.client, wabaId, name, language);
			if (!found) {
				const others = [...new Set((await findMetaTemplatesByName(ctx.client, wabaId, name)).map((t) => t.language))].sort();
				throw new ValidationError(
					'Template',
					others.length > 0
						? `The template "${name}" has no ${language} version to delete`
						: `There is no template named "${name}" in this WhatsApp Business Account`,
					others.length > 0
						? `It exists in ${others.join(', ')}. Pick one of those, or delete every language.`
						: 'Check the name (lowercase with underscores) or pick the template from the list.',
				);
			}
			hsmId = found.id;
			languages = [language];
		} else {
			const all = await findMetaTemplatesByName(ctx.client, wabaId, name);
			if (all.length === 0) {
				throw new ValidationError('Template', `There is no template named "${name}" in this WhatsApp Business Account`, 'Check the name (lowercase with underscores) or pick the template from the list.');
			}
			// Deleting by name alone removes every language; the output lists each one that went.
			languages = [...new Set(all.map((t) => t.language))].sort();
		}
	}
	const params: Record<string, string> = { name, ...(hsmId ? { hsm_id: hsmId } : {}) };
	const { data } = await ctx.client.delete<{ success?: boolean }>(`${wabaId}/message_templates`, { params });
	return {
		provider: 'meta',
		deleted: languages.map((language) => deletedName(name, language)),
		success: data.success === true,
	};
}
