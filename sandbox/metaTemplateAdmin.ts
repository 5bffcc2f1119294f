// Template management on the Graph emulation: POST and DELETE /<waba-id>/message_templates,
// and the Resumable Upload API (/<app-id>/uploads, /upload:<id>) for media header samples.

import { invalidParameter, MetaError, requiredParameter, unsupportedRequest } from './metaErrors';
import {
	templateVariables,
	type MetaParameterFormat,
	type MetaTemplate,
	type MetaTemplateButton,
	type MetaTemplateCategory,
	type MetaTemplateComponent,
	type MetaTemplateHeader,
} from './metaTemplates';
import type { SandboxState } from './state';
import type { MetaAccount, SandboxReply, SandboxRequest } from './types';
import { firstValue, isPlainObject, randomAlnum, randomHex } from './util';

export interface MetaRouteContext {
	request: SandboxRequest;
	/** `v24.0` */
	version: string;
	/** First path segment after the version, decoded. */
	id: string;
	/** Second path segment, decoded, if any. */
	edge: string | undefined;
	account: MetaAccount;
	state: SandboxState;
}

// ---------------------------------------------------------------------------------------------
// Errors. Meta answers template-creation failures with `code: 100` and the specific reason as
// `error_subcode` (its reference's "Template creation errors": 2388040 too long, 2388047 header,
// 2388072 body, 2388073 footer, 2388299 leading or trailing variable, 2388024 duplicate), with a
// user-facing `error_user_title` and `error_user_msg`.

function templateError(subcode: number, title: string, userMessage: string): MetaError {
	return new MetaError(400, {
		message: 'Invalid parameter',
		type: 'OAuthException',
		code: 100,
		error_subcode: subcode,
		is_transient: false,
		error_user_title: title,
		error_user_msg: userMessage,
	});
}

const tooLong = (what: string, max: number, count: number) =>
	templateError(2388040, 'Character limit exceeded', `${what} has ${count} characters; the limit is ${max}.`);

/** A template with this name and language exists already. */
const duplicate = (name: string, language: string): MetaError =>
	templateError(
		2388024,
		'Content in This Language Already Exists',
		`There is already ${language} content for the template ${name}. You can create a new template and try again.`,
	);

// ---------------------------------------------------------------------------------------------
// Resumable Upload API

const UPLOAD_TYPES = ['application/pdf', 'image/jpeg', 'image/jpg', 'image/png', 'video/mp4'];

interface UploadSession {
	fileName: string;
	fileLength: number;
	fileType: string;
	handle?: string;
}

interface AdminState {
	uploads: Map<string, UploadSession>;
	/** Handles of finished uploads: a media header sample must be one of them or look like Meta's. */
	handles: Set<string>;
}

const adminStates = new WeakMap<SandboxState, AdminState>();

function adminState(state: SandboxState): AdminState {
	let admin = adminStates.get(state);
	if (!admin) {
		admin = { uploads: new Map(), handles: new Set() };
		adminStates.set(state, admin);
	}
	return admin;
}

function startUpload({ request, state }: MetaRouteContext): SandboxReply {
	const query = request.query;
	const fileName = firstValue(query.file_name);
	const fileLength = firstValue(query.file_length);
	const fileType = firstValue(query.file_type);
	if (fileLength === undefined) throw requiredParameter('file_length');
	if (fileType === undefined) throw requiredParameter('file_type');
	if (!/^\d+$/.test(fileLength) || Number(fileLength) < 1) throw invalidParameter(`Param file_length must be a positive integer - got "${fileLength}".`);
	if (!UPLOAD_TYPES.includes(fileType)) throw invalidParameter(`Param file_type must be one of {${UPLOAD_TYPES.join(', ')}} - got "${fileType}".`);
	const sessionId = `upload:${Buffer.from(`${randomHex(16)}`).toString('base64url')}`;
	adminState(state).uploads.set(sessionId, { fileName: fileName ?? 'file', fileLength: Number(fileLength), fileType });
	return { status: 200, body: { id: sessionId } };
}

function uploadBytes({ request, id, state }: MetaRouteContext): SandboxReply {
	const session = adminState(state).uploads.get(id);
	if (!session) throw unsupportedRequest(request.method, id);
	const offset = firstValue(request.headers.file_offset);
	if (offset === undefined) throw requiredParameter('file_offset');
	if (offset !== '0') throw invalidParameter(`file_offset ${offset} does not match the ${0} bytes received so far.`);
	if (request.rawBody.length !== session.fileLength) {
		throw invalidParameter(`The upload has ${request.rawBody.length} bytes; file_length said ${session.fileLength}.`);
	}
	const handle = `4::${Buffer.from(session.fileType).toString('base64')}:ARb${randomAlnum(40)}`;
	session.handle = handle;
	adminState(state).handles.add(handle);
	return { status: 200, body: { h: handle } };
}

// ---------------------------------------------------------------------------------------------
// POST /<waba-id>/message_templates

const CATEGORIES: MetaTemplateCategory[] = ['AUTHENTICATION', 'MARKETING', 'UTILITY'];
const HEADER_FORMATS = ['TEXT', 'IMAGE', 'VIDEO', 'DOCUMENT', 'LOCATION'];
const BUTTON_LIMITS: Record<string, number> = { QUICK_REPLY: 10, URL: 2, PHONE_NUMBER: 1, COPY_CODE: 1 };

const chars = (text: string) => [...text].length;

function stringField(object: Record<string, unknown>, key: string, param: string): string {
	const value = object[key];
	if (value === undefined || value === null || value === '') throw requiredParameter(param);
	if (typeof value !== 'string') throw invalidParameter(`Param ${param} must be a string.`);
	return value;
}

function stringList(value: unknown, param: string): string[] {
	if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || v === '')) {
		throw invalidParameter(`Param ${param} must be an array of non-empty strings.`);
	}
	return value as string[];
}

function namedExamples(value: unknown, param: string): Array<{ param_name: string; example: string }> {
	if (!Array.isArray(value)) throw invalidParameter(`Param ${param} must be an array.`);
	return value.map((item, i) => {
		if (!isPlainObject(item) || typeof item.param_name !== 'string' || typeof item.example !== 'string' || item.example === '') {
			throw invalidParameter(`Param ${param}[${i}] must be {param_name, example} with a non-empty example.`);
		}
		return { param_name: item.param_name, example: item.example };
	});
}

function missingExample(where: string, names: string[]): MetaError {
	return invalidParameter(`Message template "components" param is missing expected field(s): ${where} has variables ${names.map((n) => `{{${n}}}`).join(', ')} but no example values for them.`);
}

function checkVariables(where: string, text: string, format: MetaParameterFormat, code: number): string[] {
	const names = templateVariables(text, format);
	const other = templateVariables(text, format === 'NAMED' ? 'POSITIONAL' : 'NAMED');
	if (other.length > 0) {
		throw templateError(code, 'Message template format is incorrect', `${where} uses ${format === 'NAMED' ? 'positional' : 'named'} parameters but parameter_format is ${format}.`);
	}
	if (format === 'POSITIONAL') {
		names.forEach((name, index) => {
			if (Number(name) !== index + 1) {
				throw templateError(code, 'Message template format is incorrect', `${where}: parameters must be sequential, starting with {{1}}; found {{${name}}} where {{${index + 1}}} was expected.`);
			}
		});
	}
	return names;
}

function checkExamples(where: string, names: string[], format: MetaParameterFormat, positional: string[] | undefined, named: Array<{ param_name: string }> | undefined): void {
	if (names.length === 0) return;
	if (format === 'POSITIONAL') {
		if (!positional || positional.length !== names.length) throw missingExample(where, names);
		return;
	}
	const given = (named ?? []).map((p) => p.param_name);
	if (names.some((name) => !given.includes(name)) || given.length !== names.length) throw missingExample(where, names);
}

function readHeader(component: Record<string, unknown>, format: MetaParameterFormat, admin: AdminState): MetaTemplateHeader {
	const headerFormat = stringField(component, 'format', "components['HEADER']['format']").toUpperCase();
	if (!HEADER_FORMATS.includes(headerFormat)) {
		throw templateError(2388047, 'Message header format is incorrect', `format must be one of {${HEADER_FORMATS.join(', ')}} - got "${headerFormat}".`);
	}
	const example = isPlainObject(component.example) ? component.example : undefined;
	if (headerFormat === 'LOCATION') return { type: 'HEADER', format: 'LOCATION' };
	if (headerFormat !== 'TEXT') {
		const handles = example?.header_handle === undefined ? undefined : stringList(example.header_handle, "example['header_handle']");
		const handle = handles?.[0];
		if (!handle) throw missingExample(`The ${headerFormat} header`, ['media sample']);
		if (!admin.handles.has(handle) && !/^4::/.test(handle)) {
			throw templateError(2388047, 'Message header format is incorrect', `header_handle "${handle}" is not a handle from the Resumable Upload API.`);
		}
		return { type: 'HEADER', format: headerFormat as 'IMAGE' | 'VIDEO' | 'DOCUMENT', example: { header_handle: [handle] } };
	}
	const text = stringField(component, 'text', "components['HEADER']['text']");
	if (chars(text) > 60) throw tooLong('The header text', 60, chars(text));
	const names = checkVariables('The header', text, format, 2388047);
	if (names.length > 1) throw templateError(2388047, 'Message header format is incorrect', `A header may have one parameter; it has ${names.length}.`);
	const positional = example?.header_text === undefined ? undefined : stringList(example.header_text, "example['header_text']");
	const named = example?.header_text_named_params === undefined ? undefined : namedExamples(example.header_text_named_params, "example['header_text_named_params']");
	checkExamples('The header', names, format, positional, named);
	return {
		type: 'HEADER',
		format: 'TEXT',
		text,
		...(names.length === 0 ? {} : { example: positional ? { header_text: positional } : { header_text_named_params: named } }),
	};
}

function readBody(component: Record<string, unknown>, format: MetaParameterFormat): MetaTemplateComponent {
	const text = stringField(component, 'text', "components['BODY']['text']");
	if (chars(text) > 1024) throw tooLong('The body text', 1024, chars(text));
	const names = checkVariables('The body', text, format, 2388072);
	const trimmed = text.trim();
	if (names.length > 0 && (/^\{\{[^{}]+\}\}/.test(trimmed) || /\{\{[^{}]+\}\}$/.test(trimmed))) {
		throw templateError(2388299, 'Leading or trailing params are not allowed', 'Variables can\'t be at the start or end of the template.');
	}
	if (/\}\}\s*\{\{/.test(trimmed)) {
		throw templateError(2388072, 'Message body format is incorrect', 'Two parameters may not be next to each other.');
	}
	const example = isPlainObject(component.example) ? component.example : undefined;
	let positional: string[] | undefined;
	if (example?.body_text !== undefined) {
		if (!Array.isArray(example.body_text) || example.body_text.length !== 1) throw invalidParameter("Param example['body_text'] must be an array holding one array of strings.");
		positional = stringList(example.body_text[0], "example['body_text'][0]");
	}
	const named = example?.body_text_named_params === undefined ? undefined : namedExamples(example.body_text_named_params, "example['body_text_named_params']");
	checkExamples('The body', names, format, positional, named);
	return {
		type: 'BODY',
		text,
		...(names.length === 0 ? {} : { example: positional ? { body_text: [positional] } : { body_text_named_params: named } }),
	};
}

function readButton(value: unknown, index: number): MetaTemplateButton {
	const param = `buttons[${index}]`;
	if (!isPlainObject(value)) throw invalidParameter(`Param ${param} must be a JSON object.`);
	const type = stringField(value, 'type', `${param}['type']`).toUpperCase();
	const text = (): string => {
		const label = stringField(value, 'text', `${param}['text']`);
		if (chars(label) > 25) throw tooLong(`The text of button ${index}`, 25, chars(label));
		return label;
	};
	switch (type) {
		case 'QUICK_REPLY':
			return { type, text: text() };
		case 'URL': {
			const label = text();
			const url = stringField(value, 'url', `${param}['url']`);
			if (chars(url) > 2000) throw tooLong(`The URL of button ${index}`, 2000, chars(url));
			const variables = url.match(/\{\{[^{}]*\}\}/g) ?? [];
			if (variables.length > 1 || (variables.length === 1 && !url.endsWith('{{1}}'))) {
				throw invalidParameter(`Param ${param}['url'] may have one parameter, {{1}}, at its end.`);
			}
			const example = value.example === undefined ? undefined : stringList(value.example, `${param}['example']`);
			if (variables.length === 1 && !example?.[0]) throw missingExample(`URL button ${index}`, ['1']);
			return { type, text: label, url, ...(example && variables.length === 1 ? { example } : {}) };
		}
		case 'PHONE_NUMBER': {
			const label = text();
			const phone = stringField(value, 'phone_number', `${param}['phone_number']`);
			if (chars(phone) > 20) throw tooLong(`The phone number of button ${index}`, 20, chars(phone));
			return { type, text: label, phone_number: phone };
		}
		case 'COPY_CODE': {
			const example = stringField(value, 'example', `${param}['example']`);
			if (chars(example) > 15) throw tooLong(`The example code of button ${index}`, 15, chars(example));
			// WhatsApp labels the button itself.
			return { type, text: 'Copy offer code', example };
		}
		default:
			throw invalidParameter(`Param ${param}['type'] must be one of {QUICK_REPLY, URL, PHONE_NUMBER, COPY_CODE} - got "${type}".`);
	}
}

function readButtons(component: Record<string, unknown>): MetaTemplateComponent {
	const list = component.buttons;
	if (!Array.isArray(list) || list.length === 0) throw invalidParameter("Param components['BUTTONS']['buttons'] must be a non-empty array.");
	if (list.length > 10) throw invalidParameter(`A template may have at most 10 buttons; it has ${list.length}.`);
	const buttons = list.map(readButton);
	for (const [type, max] of Object.entries(BUTTON_LIMITS)) {
		const count = buttons.filter((b) => b.type === type).length;
		if (count > max) throw invalidParameter(`A template may have at most ${max} ${type} button${max === 1 ? '' : 's'}; it has ${count}.`);
	}
	const groups = buttons.map((b) => (b.type === 'QUICK_REPLY' ? 'q' : 'o')).join('').replace(/(.)\1+/g, '$1');
	if (groups.length > 2) throw invalidParameter('Quick reply buttons must be grouped together, before or after the other buttons.');
	return { type: 'BUTTONS', buttons };
}

function createTemplate({ request, state }: MetaRouteContext): SandboxReply {
	const body = request.body;
	if (!isPlainObject(body)) throw invalidParameter('The request body must be a JSON object.');
	const name = stringField(body, 'name', 'name');
	if (chars(name) > 512) throw tooLong('The template name', 512, chars(name));
	if (!/^[a-z0-9_]+$/.test(name)) throw invalidParameter(`Param name must contain only lowercase letters, numbers and underscores - got "${name}".`);
	const language = stringField(body, 'language', 'language');
	if (!/^[a-z]{2,3}(_[A-Z]{2})?$/.test(language)) throw invalidParameter(`Param language "${language}" is not a supported language code.`);
	const category = stringField(body, 'category', 'category').toUpperCase() as MetaTemplateCategory;
	if (!CATEGORIES.includes(category)) throw invalidParameter(`Param category must be one of {${CATEGORIES.join(', ')}} - got "${category}".`);
	const formatValue = body.parameter_format === undefined ? 'POSITIONAL' : String(body.parameter_format).toUpperCase();
	if (formatValue !== 'POSITIONAL' && formatValue !== 'NAMED') throw invalidParameter(`Param parameter_format must be one of {POSITIONAL, NAMED} - got "${formatValue}".`);
	const format = formatValue as MetaParameterFormat;
	if (body.allow_category_change !== undefined && typeof body.allow_category_change !== 'boolean') {
		throw invalidParameter('Param allow_category_change must be a boolean.');
	}
	if (!Array.isArray(body.components)) throw requiredParameter('components');

	// Meta writes the text of an authentication template itself (BODY with add_security_recommendation,
	// an OTP button); custom text is refused. The exact subcode is not documented: a plain code 100.
	if (category === 'AUTHENTICATION') {
		const custom = body.components.find((c) => isPlainObject(c) && (c.text !== undefined || String(c.type).toUpperCase() === 'HEADER'));
		if (custom !== undefined) {
			throw invalidParameter(
				`Authentication templates use a fixed layout: the BODY takes add_security_recommendation and no text, and the only button is an OTP button (components has ${String((custom as Record<string, unknown>).type)} with custom content).`,
			);
		}
		throw invalidParameter('Authentication templates need the fixed one-time-password layout (BODY with add_security_recommendation, BUTTONS with one OTP button), which this emulator does not create.');
	}

	const admin = adminState(state);
	const byType = new Map<string, MetaTemplateComponent>();
	for (const [index, value] of body.components.entries()) {
		if (!isPlainObject(value)) throw invalidParameter(`Param components[${index}] must be a JSON object.`);
		const type = stringField(value, 'type', `components[${index}]['type']`).toUpperCase();
		if (byType.has(type)) throw invalidParameter(`Param components has more than one ${type}.`);
		if (type === 'HEADER') byType.set(type, readHeader(value, format, admin));
		else if (type === 'BODY') byType.set(type, readBody(value, format));
		else if (type === 'FOOTER') {
			const text = stringField(value, 'text', "components['FOOTER']['text']");
			if (chars(text) > 60) throw tooLong('The footer text', 60, chars(text));
			if (/\{\{/.test(text)) throw templateError(2388073, 'Message footer format is incorrect', 'A footer may not have parameters.');
			byType.set(type, { type: 'FOOTER', text });
		} else if (type === 'BUTTONS') byType.set(type, readButtons(value));
		else throw invalidParameter(`Param components[${index}]['type'] must be one of {HEADER, BODY, FOOTER, BUTTONS} - got "${type}".`);
	}
	if (!byType.has('BODY')) throw invalidParameter('Message template "components" param is missing expected field(s): BODY.');
	if (state.metaTemplates.some((t) => t.name === name && t.language === language)) throw duplicate(name, language);

	const components = ['HEADER', 'BODY', 'FOOTER', 'BUTTONS'].flatMap((type) => (byType.has(type) ? [byType.get(type)!] : []));
	const template: MetaTemplate = {
		id: newTemplateId(state),
		name,
		language,
		// New templates wait for review; tests approve them with the sandbox's knobs if they need to.
		status: 'PENDING',
		category,
		parameter_format: format,
		components,
		rejected_reason: 'NONE',
	};
	state.metaTemplates.push(template);
	return { status: 200, body: { id: template.id, status: template.status, category: template.category } };
}

function newTemplateId(state: SandboxState): string {
	for (;;) {
		const id = `${1 + Math.floor(Math.random() * 9)}${Array.from({ length: 15 }, () => Math.floor(Math.random() * 10)).join('')}`;
		if (!state.metaTemplates.some((t) => t.id === id)) return id;
	}
}

// ---------------------------------------------------------------------------------------------
// DELETE /<waba-id>/message_templates?name=…[&hsm_id=…]

function deleteTemplates({ request, state }: MetaRouteContext): SandboxReply {
	const name = firstValue(request.query.name);
	const hsmId = firstValue(request.query.hsm_id);
	if (!name) throw requiredParameter('name');
	const doomed = state.metaTemplates.filter((t) => t.name === name && (hsmId === undefined || t.id === hsmId));
	if (doomed.length === 0) {
		throw invalidParameter(
			hsmId === undefined
				? `Message template "${name}" was not found in this WhatsApp Business Account.`
				: `Message template "${name}" has no version with hsm_id ${hsmId}.`,
		);
	}
	for (const template of doomed) state.metaTemplates.splice(state.metaTemplates.indexOf(template), 1);
	return { status: 200, body: { success: true } };
}

// ---------------------------------------------------------------------------------------------

/** Returns undefined for requests it does not handle. */
export function routeMetaTemplateAdmin(context: MetaRouteContext): SandboxReply | Promise<SandboxReply> | undefined {
	const { request, id, edge, account } = context;
	if (id === account.wabaId && edge === 'message_templates') {
		if (request.method === 'POST') return createTemplate(context);
		if (request.method === 'DELETE') return deleteTemplates(context);
		return undefined;
	}
	if (id === account.appId && edge === 'uploads' && request.method === 'POST') return startUpload(context);
	if (id.startsWith('upload:') && edge === undefined) {
		if (request.method !== 'POST') throw unsupportedRequest(request.method, id);
		return uploadBytes(context);
	}
	return undefined;
}
