// Per-type checks of POST /<phone-number-id>/messages bodies, with the codes Meta uses:
//   100     a member of the wrong type, an unknown member, a value outside an enum
//   131008  a required member is missing
//   131009  a value breaks a limit (length, count, range, uniqueness)
// error_data.details always names the member, in Meta's `Param x['y'][0]['z']` notation, and
// the limit it breaks.

import {
	invalidParameter,
	invalidValue,
	missingParameter,
	unexpectedKey,
} from './metaErrors';
import { validateTemplateMessage } from './metaTemplates';
import type { MetaTemplate } from './metaTemplates';
import { isHttpUrl, isPlainObject } from './util';

export const MESSAGE_TYPES = [
	'audio',
	'contacts',
	'document',
	'image',
	'interactive',
	'location',
	'reaction',
	'sticker',
	'template',
	'text',
	'video',
] as const;

export type MessageType = (typeof MESSAGE_TYPES)[number];

export interface ValidationContext {
	/** The WABA's templates, for `template` messages. */
	templates: readonly MetaTemplate[];
}

/** Checks the content stored under the message's type key; throws a MetaError. */
export type TypeValidator = (content: unknown, context: ValidationContext) => void;

export function isMessageType(value: string): value is MessageType {
	return (MESSAGE_TYPES as readonly string[]).includes(value);
}

// ---------------------------------------------------------------------------------------------
// Helpers. `param` is the path of the object being checked, e.g. `image` or
// `interactive['action']['buttons'][0]`.

export function member(param: string, key: string | number): string {
	return typeof key === 'number' ? `${param}[${key}]` : `${param}['${key}']`;
}

export function requireObject(value: unknown, param: string): Record<string, unknown> {
	if (value === undefined || value === null) throw missingParameter(`The parameter ${param} is required.`);
	if (!isPlainObject(value)) throw invalidParameter(`Param ${param} must be a JSON object.`);
	return value;
}

export function allowKeys(object: Record<string, unknown>, allowed: readonly string[], param: string): void {
	for (const key of Object.keys(object)) {
		if (!allowed.includes(key)) throw unexpectedKey(key, param);
	}
}

interface TextRule {
	max?: number;
	/** Default 1: an empty string counts as missing text. */
	min?: number;
}

export function requireString(object: Record<string, unknown>, key: string, param: string, rule: TextRule = {}): string {
	const value = object[key];
	const name = member(param, key);
	if (value === undefined || value === null) throw missingParameter(`The parameter ${name} is required.`);
	return checkString(value, name, rule);
}

export function optionalString(
	object: Record<string, unknown>,
	key: string,
	param: string,
	rule: TextRule = {},
): string | undefined {
	const value = object[key];
	if (value === undefined) return undefined;
	return checkString(value, member(param, key), rule);
}

function checkString(value: unknown, name: string, { max, min = 1 }: TextRule): string {
	if (typeof value !== 'string') throw invalidParameter(`Param ${name} must be a string.`);
	if (value.length < min) throw invalidValue(`Param ${name} must be at least ${min} character${min === 1 ? '' : 's'} long.`);
	if (max !== undefined && value.length > max) throw invalidValue(`Param ${name} must be at most ${max} characters long.`);
	return value;
}

function requireArray(object: Record<string, unknown>, key: string, param: string, min: number, max: number): unknown[] {
	const value = object[key];
	const name = member(param, key);
	if (value === undefined || value === null) throw missingParameter(`The parameter ${name} is required.`);
	if (!Array.isArray(value)) throw invalidParameter(`Param ${name} must be an array.`);
	if (value.length < min) throw invalidValue(`Param ${name} must have at least ${min} element${min === 1 ? '' : 's'}.`);
	if (value.length > max) throw invalidValue(`Param ${name} must have at most ${max} elements.`);
	return value;
}

function optionalArray(object: Record<string, unknown>, key: string, param: string): unknown[] | undefined {
	const value = object[key];
	if (value === undefined) return undefined;
	if (!Array.isArray(value)) throw invalidParameter(`Param ${member(param, key)} must be an array.`);
	return value;
}

/**
 * A business-scoped user ID (BSUID): a country code in two capital letters, `.ENT` for an
 * enterprise's parent ID, a dot, then 1 to 128 letters and digits (`US.13491208655302741918`).
 */
export const BSUID = /^[A-Z]{2}(\.ENT)?\.[A-Za-z0-9]{1,128}$/;

export function isBsuid(value: unknown): value is string {
	return typeof value === 'string' && BSUID.test(value);
}

export function isWamid(value: unknown): value is string {
	return typeof value === 'string' && /^wamid\.[A-Za-z0-9+/=_-]{8,}$/.test(value);
}

// ---------------------------------------------------------------------------------------------
// text

export const TEXT_BODY_MAX = 4096;

function validateText(content: unknown): void {
	const text = requireObject(content, 'text');
	const body = text.body;
	if (body === undefined || body === null) throw missingParameter("The parameter text['body'] is required.");
	if (typeof body !== 'string') throw invalidParameter("Param text['body'] must be a string.");
	if (body.length === 0) throw invalidParameter("Param text['body'] must be at least 1 character long.");
	if (body.length > TEXT_BODY_MAX) {
		throw invalidParameter(`Param text['body'] must be at most ${TEXT_BODY_MAX} characters long.`);
	}
	if (text.preview_url !== undefined && typeof text.preview_url !== 'boolean') {
		throw invalidParameter("Param text['preview_url'] must be a boolean.");
	}
}

// ---------------------------------------------------------------------------------------------
// image, video, audio, document, sticker

export const CAPTION_MAX = 1024;
const FILENAME_MAX = 240;

const MEDIA_KEYS: Record<'image' | 'video' | 'audio' | 'document' | 'sticker', readonly string[]> = {
	image: ['id', 'link', 'caption'],
	video: ['id', 'link', 'caption'],
	audio: ['id', 'link', 'voice'],
	document: ['id', 'link', 'caption', 'filename'],
	sticker: ['id', 'link'],
};

/**
 * `{id | link, …}` as used by media messages, interactive headers and template parameters.
 * Any numeric id is accepted, as Meta accepts the send and fails it later for an unknown id.
 */
export function validateMediaObject(value: unknown, param: string, allowed: readonly string[]): Record<string, unknown> {
	const media = requireObject(value, param);
	allowKeys(media, allowed, param);
	const hasId = media.id !== undefined;
	const hasLink = media.link !== undefined;
	if (!hasId && !hasLink) throw missingParameter(`Param ${param} must contain either 'id' or 'link'.`);
	if (hasId && hasLink) throw invalidValue(`Param ${param} must contain either 'id' or 'link', not both.`);
	if (hasId) {
		const id = media.id;
		const numeric = (typeof id === 'string' && /^\d{1,20}$/.test(id)) || (typeof id === 'number' && Number.isSafeInteger(id) && id > 0);
		if (!numeric) throw invalidParameter(`Param ${member(param, 'id')} must be a media id (digits) returned by the media upload.`);
	}
	if (hasLink) {
		if (typeof media.link !== 'string') throw invalidParameter(`Param ${member(param, 'link')} must be a string.`);
		if (!isHttpUrl(media.link)) throw invalidValue(`Param ${member(param, 'link')} must be a valid http or https URL.`);
	}
	optionalString(media, 'caption', param, { max: CAPTION_MAX });
	optionalString(media, 'filename', param, { max: FILENAME_MAX });
	if (media.voice !== undefined && typeof media.voice !== 'boolean') {
		throw invalidParameter(`Param ${member(param, 'voice')} must be a boolean.`);
	}
	return media;
}

function mediaValidator(type: keyof typeof MEDIA_KEYS): TypeValidator {
	return (content) => {
		validateMediaObject(content, type, MEDIA_KEYS[type]);
	};
}

// ---------------------------------------------------------------------------------------------
// location

function requireCoordinate(object: Record<string, unknown>, key: string, param: string, limit: number): void {
	const value = object[key];
	const name = member(param, key);
	if (value === undefined || value === null) throw missingParameter(`The parameter ${name} is required.`);
	if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidParameter(`Param ${name} must be a number.`);
	if (value < -limit || value > limit) throw invalidValue(`Param ${name} must be between -${limit} and ${limit}.`);
}

function validateLocation(content: unknown, param = 'location'): void {
	const location = requireObject(content, param);
	allowKeys(location, ['latitude', 'longitude', 'name', 'address'], param);
	requireCoordinate(location, 'latitude', param, 90);
	requireCoordinate(location, 'longitude', param, 180);
	optionalString(location, 'name', param, { max: 1000 });
	optionalString(location, 'address', param, { max: 1000 });
}

/** Location as a template header parameter: the same object. */
export function validateLocationObject(value: unknown, param: string): void {
	validateLocation(value, param);
}

// ---------------------------------------------------------------------------------------------
// contacts

export const CONTACTS_MAX = 257;

function objectList(object: Record<string, unknown>, key: string, param: string, keys: readonly string[]): void {
	const list = optionalArray(object, key, param);
	list?.forEach((item, index) => {
		const name = member(member(param, key), index);
		const entry = requireObject(item, name);
		allowKeys(entry, keys, name);
		for (const field of keys) optionalString(entry, field, name, { min: 0 });
		if (key === 'phones' && entry.wa_id !== undefined && !/^\d{5,15}$/.test(String(entry.wa_id))) {
			throw invalidValue(`Param ${member(name, 'wa_id')} must be a WhatsApp ID (digits with country code).`);
		}
	});
}

function validateContacts(content: unknown): void {
	if (!Array.isArray(content)) throw invalidParameter('Param contacts must be an array of objects.');
	if (content.length === 0) throw invalidValue('Param contacts must have at least 1 element.');
	if (content.length > CONTACTS_MAX) throw invalidValue(`Param contacts must have at most ${CONTACTS_MAX} elements.`);
	content.forEach((item, index) => {
		const param = member('contacts', index);
		const contact = requireObject(item, param);
		allowKeys(contact, ['name', 'phones', 'emails', 'org', 'addresses', 'urls', 'birthday'], param);

		const nameParam = member(param, 'name');
		const name = requireObject(contact.name, nameParam);
		const nameKeys = ['formatted_name', 'first_name', 'last_name', 'middle_name', 'prefix', 'suffix'];
		allowKeys(name, nameKeys, nameParam);
		requireString(name, 'formatted_name', nameParam);
		for (const key of nameKeys.slice(1)) optionalString(name, key, nameParam, { min: 0 });

		objectList(contact, 'phones', param, ['phone', 'type', 'wa_id']);
		objectList(contact, 'emails', param, ['email', 'type']);
		objectList(contact, 'addresses', param, ['street', 'city', 'state', 'zip', 'country', 'country_code', 'type']);
		objectList(contact, 'urls', param, ['url', 'type']);
		if (contact.org !== undefined) {
			const orgParam = member(param, 'org');
			const org = requireObject(contact.org, orgParam);
			allowKeys(org, ['company', 'department', 'title'], orgParam);
			for (const key of ['company', 'department', 'title']) optionalString(org, key, orgParam, { min: 0 });
		}
		if (contact.birthday !== undefined) {
			const birthday = contact.birthday;
			if (typeof birthday !== 'string' || !isIsoDate(birthday)) {
				throw invalidValue(`Param ${member(param, 'birthday')} must be a date in YYYY-MM-DD format.`);
			}
		}
	});
}

function isIsoDate(value: string): boolean {
	const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
	if (!match) return false;
	const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
	return date.toISOString().slice(0, 10) === value;
}

// ---------------------------------------------------------------------------------------------
// reaction

function validateReaction(content: unknown): void {
	const reaction = requireObject(content, 'reaction');
	allowKeys(reaction, ['message_id', 'emoji'], 'reaction');
	const id = requireString(reaction, 'message_id', 'reaction');
	if (!isWamid(id)) throw invalidParameter("Param reaction['message_id'] must be a WhatsApp message id (wamid.…).");
	// An empty emoji removes the reaction.
	optionalString(reaction, 'emoji', 'reaction', { min: 0, max: 10 });
}

// ---------------------------------------------------------------------------------------------
// interactive

export const INTERACTIVE_LIMITS = {
	headerText: 60,
	buttonBody: 1024,
	listBody: 4096,
	ctaBody: 1024,
	footer: 60,
	buttonsMin: 1,
	buttonsMax: 3,
	buttonId: 256,
	buttonTitle: 20,
	listButton: 20,
	sectionsMax: 10,
	rowsMax: 10,
	rowId: 200,
	rowTitle: 24,
	rowDescription: 72,
	sectionTitle: 24,
	ctaDisplayText: 20,
} as const;

const INTERACTIVE_TYPES = [
	'button',
	'call_permission_request',
	'catalog_message',
	'cta_url',
	'flow',
	'list',
	'location_request_message',
	'product',
	'product_list',
] as const;

function validateHeader(value: unknown, textOnly: boolean): void {
	const param = "interactive['header']";
	const header = requireObject(value, param);
	const type = requireString(header, 'type', param);
	const allowed = textOnly ? ['text'] : ['text', 'image', 'video', 'document'];
	if (!allowed.includes(type)) {
		if (textOnly && ['image', 'video', 'document'].includes(type)) {
			throw invalidValue(`Param ${member(param, 'type')} must be text for list messages - got "${type}".`);
		}
		throw invalidParameter(`Param ${member(param, 'type')} must be one of {${allowed.map((t) => t.toUpperCase()).join(', ')}} - got "${type}".`);
	}
	allowKeys(header, ['type', type], param);
	if (type === 'text') {
		requireString(header, 'text', param, { max: INTERACTIVE_LIMITS.headerText });
	} else {
		const keys = type === 'document' ? ['id', 'link', 'filename'] : ['id', 'link'];
		validateMediaObject(header[type], member(param, type), keys);
	}
}

function validateBodyAndFooter(interactive: Record<string, unknown>, bodyMax: number): void {
	const bodyParam = "interactive['body']";
	const body = requireObject(interactive.body, bodyParam);
	allowKeys(body, ['text'], bodyParam);
	requireString(body, 'text', bodyParam, { max: bodyMax });
	if (interactive.footer !== undefined) {
		const footerParam = "interactive['footer']";
		const footer = requireObject(interactive.footer, footerParam);
		allowKeys(footer, ['text'], footerParam);
		requireString(footer, 'text', footerParam, { max: INTERACTIVE_LIMITS.footer });
	}
}

function validateReplyButtons(action: Record<string, unknown>, param: string): void {
	const { buttonsMin, buttonsMax, buttonId, buttonTitle } = INTERACTIVE_LIMITS;
	allowKeys(action, ['buttons'], param);
	const buttons = requireArray(action, 'buttons', param, buttonsMin, buttonsMax);
	const titles = new Set<string>();
	buttons.forEach((item, index) => {
		const buttonParam = member(member(param, 'buttons'), index);
		const button = requireObject(item, buttonParam);
		allowKeys(button, ['type', 'reply'], buttonParam);
		const type = requireString(button, 'type', buttonParam);
		if (type !== 'reply') throw invalidParameter(`Param ${member(buttonParam, 'type')} must be one of {REPLY} - got "${type}".`);
		const replyParam = member(buttonParam, 'reply');
		const reply = requireObject(button.reply, replyParam);
		allowKeys(reply, ['id', 'title'], replyParam);
		const id = requireString(reply, 'id', replyParam, { max: buttonId });
		if (id.trim() !== id) throw invalidValue(`Param ${member(replyParam, 'id')} must not have leading or trailing spaces.`);
		const title = requireString(reply, 'title', replyParam, { max: buttonTitle });
		if (titles.has(title)) throw invalidValue(`Param ${member(replyParam, 'title')} must be unique: "${title}" is used by another button.`);
		titles.add(title);
	});
}

function validateListAction(action: Record<string, unknown>, param: string): void {
	const limits = INTERACTIVE_LIMITS;
	allowKeys(action, ['button', 'sections'], param);
	requireString(action, 'button', param, { max: limits.listButton });
	const sections = requireArray(action, 'sections', param, 1, limits.sectionsMax);
	let rowCount = 0;
	const rowIds = new Set<string>();
	sections.forEach((item, sectionIndex) => {
		const sectionParam = member(member(param, 'sections'), sectionIndex);
		const section = requireObject(item, sectionParam);
		allowKeys(section, ['title', 'rows', 'product_items'], sectionParam);
		if (sections.length > 1) requireString(section, 'title', sectionParam, { max: limits.sectionTitle });
		else optionalString(section, 'title', sectionParam, { max: limits.sectionTitle });
		const rows = requireArray(section, 'rows', sectionParam, 1, limits.rowsMax);
		rows.forEach((rowItem, rowIndex) => {
			rowCount += 1;
			const rowParam = member(member(sectionParam, 'rows'), rowIndex);
			if (rowCount > limits.rowsMax) {
				throw invalidValue(`Param ${rowParam} is over the limit: a list may have at most ${limits.rowsMax} rows in total across its sections.`);
			}
			const row = requireObject(rowItem, rowParam);
			allowKeys(row, ['id', 'title', 'description'], rowParam);
			const id = requireString(row, 'id', rowParam, { max: limits.rowId });
			if (rowIds.has(id)) throw invalidValue(`Param ${member(rowParam, 'id')} must be unique: "${id}" is used by another row.`);
			rowIds.add(id);
			requireString(row, 'title', rowParam, { max: limits.rowTitle });
			optionalString(row, 'description', rowParam, { max: limits.rowDescription });
		});
	});
}

function validateCtaUrlAction(action: Record<string, unknown>, param: string): void {
	allowKeys(action, ['name', 'parameters'], param);
	const name = requireString(action, 'name', param);
	if (name !== 'cta_url') throw invalidParameter(`Param ${member(param, 'name')} must be "cta_url" - got "${name}".`);
	const parametersParam = member(param, 'parameters');
	const parameters = requireObject(action.parameters, parametersParam);
	allowKeys(parameters, ['display_text', 'url'], parametersParam);
	requireString(parameters, 'display_text', parametersParam, { max: INTERACTIVE_LIMITS.ctaDisplayText });
	const url = requireString(parameters, 'url', parametersParam);
	if (!isHttpUrl(url)) throw invalidValue(`Param ${member(parametersParam, 'url')} must be a valid http or https URL.`);
}

function validateInteractive(content: unknown): void {
	const interactive = requireObject(content, 'interactive');
	const type = interactive.type;
	if (type === undefined || type === null) throw missingParameter("The parameter interactive['type'] is required.");
	if (typeof type !== 'string' || !(INTERACTIVE_TYPES as readonly string[]).includes(type)) {
		throw invalidParameter(
			`Param interactive['type'] must be one of {${INTERACTIVE_TYPES.map((t) => t.toUpperCase()).join(', ')}} - got "${String(type)}".`,
		);
	}
	allowKeys(interactive, ['type', 'header', 'body', 'footer', 'action'], 'interactive');
	const actionParam = "interactive['action']";

	switch (type) {
		case 'button':
			if (interactive.header !== undefined) validateHeader(interactive.header, false);
			validateBodyAndFooter(interactive, INTERACTIVE_LIMITS.buttonBody);
			validateReplyButtons(requireObject(interactive.action, actionParam), actionParam);
			return;
		case 'list':
			if (interactive.header !== undefined) validateHeader(interactive.header, true);
			validateBodyAndFooter(interactive, INTERACTIVE_LIMITS.listBody);
			validateListAction(requireObject(interactive.action, actionParam), actionParam);
			return;
		case 'cta_url':
			if (interactive.header !== undefined) validateHeader(interactive.header, false);
			validateBodyAndFooter(interactive, INTERACTIVE_LIMITS.ctaBody);
			validateCtaUrlAction(requireObject(interactive.action, actionParam), actionParam);
			return;
		default:
			// Catalog, flow, product and permission messages: only their envelope is checked.
			requireObject(interactive.action, actionParam);
	}
}

// ---------------------------------------------------------------------------------------------

export const MESSAGE_VALIDATORS: Record<MessageType, TypeValidator> = {
	audio: mediaValidator('audio'),
	contacts: validateContacts,
	document: mediaValidator('document'),
	image: mediaValidator('image'),
	interactive: validateInteractive,
	location: (content) => validateLocation(content),
	reaction: validateReaction,
	sticker: mediaValidator('sticker'),
	template: (content, context) => validateTemplateMessage(content, context.templates),
	text: validateText,
	video: mediaValidator('video'),
};
