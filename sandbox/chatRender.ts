// What the chat page shows for a message the business sent: the request body a workflow sent
// through the Graph API or Twilio's Messages API, turned into what WhatsApp would render
// (templates and Twilio contents filled in from the sandbox's stores).

import type { MetaTemplate, MetaTemplateButton } from './metaTemplates';
import type { TwilioContent } from './twilioContent';
import type { OutboundMessage } from './types';
import { isPlainObject } from './util';

export type ChatMediaKind = 'image' | 'video' | 'audio' | 'document' | 'sticker';

export interface ChatMedia {
	kind: ChatMediaKind;
	/** Where the page loads it: a sandbox path (`/chat/api/media/…`) or the URL the workflow gave. */
	url?: string;
	mimeType?: string;
	fileName?: string;
}

export interface ChatLocation {
	latitude: number;
	longitude: number;
	name?: string;
	address?: string;
	/** OpenStreetMap at the coordinates. */
	mapUrl: string;
}

export interface ChatContact {
	name: string;
	phones: string[];
	emails: string[];
	org?: string;
}

/**
 * A button under a bubble. `reply` buttons are tappable (they send a reply webhook, identified
 * by `replyId`); the others are links (`url`, `phone` as a tel: URL) or a code to copy.
 */
export interface ChatButton {
	kind: 'reply' | 'url' | 'phone' | 'copy_code';
	title: string;
	/** For `reply`: what POST /chat/api/send takes as replyId. */
	replyId?: string;
	/** For `reply`: the id/payload the provider reports when it is tapped. */
	payload?: string;
	url?: string;
	code?: string;
}

export interface ChatListRow {
	replyId: string;
	title: string;
	description?: string;
}

export interface ChatList {
	/** The label of the button that opens the list. */
	button: string;
	sections: Array<{ title?: string; rows: ChatListRow[] }>;
}

export interface ChatHeader {
	text?: string;
	media?: ChatMedia;
	location?: ChatLocation;
}

/** The rendering part of a chat message. */
export interface ChatContent {
	/** text, image, …, template, interactive, reaction, button; Twilio contents as `content`. */
	type: string;
	/** The text, caption, or body, with WhatsApp's *bold* / _italic_ marks left for the page. */
	text?: string;
	media?: ChatMedia;
	location?: ChatLocation;
	contacts?: ChatContact[];
	header?: ChatHeader;
	footer?: string;
	buttons?: ChatButton[];
	list?: ChatList;
	/** For reaction messages: the message reacted to and the emoji ('' removes the reaction). */
	reaction?: { messageId: string; emoji: string };
	/** The Meta template or Twilio content it was sent as. */
	template?: { name: string; language?: string; sid?: string };
	/** What the page cannot show as WhatsApp would, e.g. a flow message. */
	note?: string;
}

export interface RenderContext {
	templates: readonly MetaTemplate[];
	contents: readonly TwilioContent[];
	/** A media id uploaded to the Graph API, when the store still has it. */
	metaMedia: (id: string) => { mimeType: string; fileName?: string } | undefined;
}

export function mapUrl(latitude: number, longitude: number): string {
	return `https://www.openstreetmap.org/?mlat=${latitude}&mlon=${longitude}#map=16/${latitude}/${longitude}`;
}

function str(value: unknown): string | undefined {
	return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}

function obj(value: unknown): Record<string, unknown> {
	return isPlainObject(value) ? value : {};
}

function arr(value: unknown): unknown[] {
	return Array.isArray(value) ? value : [];
}

function location(value: unknown): ChatLocation | undefined {
	const o = obj(value);
	const latitude = Number(o.latitude);
	const longitude = Number(o.longitude);
	if (!Number.isFinite(latitude) || !Number.isFinite(longitude)) return undefined;
	const name = str(o.name) ?? str(o.label);
	const address = str(o.address);
	return { latitude, longitude, ...(name ? { name } : {}), ...(address ? { address } : {}), mapUrl: mapUrl(latitude, longitude) };
}

/** A Meta media object ({id | link, caption, filename}). */
function metaMedia(kind: ChatMediaKind, value: unknown, context: RenderContext): ChatMedia {
	const o = obj(value);
	const id = str(o.id);
	const link = str(o.link);
	const stored = id ? context.metaMedia(id) : undefined;
	const mimeType = stored?.mimeType;
	const fileName = str(o.filename) ?? (kind !== 'document' ? undefined : link ? fileNameOf(link) : stored?.fileName);
	return {
		kind,
		...(id ? { url: `/chat/api/media/meta/${encodeURIComponent(id)}` } : link ? { url: link } : {}),
		...(mimeType ? { mimeType } : {}),
		...(fileName ? { fileName } : {}),
	};
}

function fileNameOf(url: string): string | undefined {
	try {
		const last = new URL(url).pathname.split('/').filter((s) => s.length > 0).pop();
		return last ? decodeURIComponent(last) : undefined;
	} catch {
		return undefined;
	}
}

const EXTENSION_KINDS: Record<string, ChatMediaKind> = {
	jpg: 'image',
	jpeg: 'image',
	png: 'image',
	gif: 'image',
	webp: 'sticker',
	mp4: 'video',
	'3gp': 'video',
	mov: 'video',
	ogg: 'audio',
	opus: 'audio',
	mp3: 'audio',
	m4a: 'audio',
	aac: 'audio',
	amr: 'audio',
};

/** A media URL as Twilio takes it: the kind from the file extension (a document otherwise). */
function urlMedia(url: string): ChatMedia {
	const fileName = fileNameOf(url);
	const extension = fileName?.includes('.') ? fileName.split('.').pop()?.toLowerCase() : undefined;
	const kind = (extension && EXTENSION_KINDS[extension]) || 'document';
	return { kind, url, ...(fileName ? { fileName } : {}) };
}

function contacts(value: unknown): ChatContact[] {
	return arr(value).map((item) => {
		const c = obj(item);
		const name = obj(c.name);
		const formatted = str(name.formatted_name) ?? [str(name.first_name), str(name.last_name)].filter(Boolean).join(' ');
		const org = str(obj(c.org).company);
		return {
			name: formatted || 'Contact',
			phones: arr(c.phones).map((p) => str(obj(p).phone) ?? str(obj(p).wa_id) ?? '').filter((p) => p.length > 0),
			emails: arr(c.emails).map((e) => str(obj(e).email) ?? '').filter((e) => e.length > 0),
			...(org ? { org } : {}),
		};
	});
}

// ---------------------------------------------------------------------------------------------
// Meta

function interactiveHeader(value: unknown, context: RenderContext): ChatHeader | undefined {
	const header = obj(value);
	const type = str(header.type);
	if (!type) return undefined;
	if (type === 'text') return { text: str(header.text) ?? '' };
	if (type === 'image' || type === 'video' || type === 'document') return { media: metaMedia(type, header[type], context) };
	return undefined;
}

function renderInteractive(content: Record<string, unknown>, context: RenderContext): ChatContent {
	const type = str(content.type) ?? '';
	const action = obj(content.action);
	const out: ChatContent = { type: 'interactive', text: str(obj(content.body).text) ?? '' };
	const header = interactiveHeader(content.header, context);
	if (header) out.header = header;
	const footer = str(obj(content.footer).text);
	if (footer) out.footer = footer;
	if (type === 'button') {
		out.buttons = arr(action.buttons).map((item) => {
			const reply = obj(obj(item).reply);
			const id = str(reply.id) ?? '';
			return { kind: 'reply' as const, title: str(reply.title) ?? id, replyId: id, payload: id };
		});
	} else if (type === 'list') {
		out.list = {
			button: str(action.button) ?? 'Options',
			sections: arr(action.sections).map((item) => {
				const section = obj(item);
				const title = str(section.title);
				return {
					...(title ? { title } : {}),
					rows: arr(section.rows).map((rowItem) => {
						const row = obj(rowItem);
						const description = str(row.description);
						return { replyId: str(row.id) ?? '', title: str(row.title) ?? '', ...(description ? { description } : {}) };
					}),
				};
			}),
		};
	} else if (type === 'cta_url') {
		const parameters = obj(action.parameters);
		out.buttons = [{ kind: 'url', title: str(parameters.display_text) ?? 'Open', url: str(parameters.url) ?? '' }];
	} else {
		out.note = `An interactive ${type || 'message'} message: WhatsApp shows it with controls this page does not emulate.`;
	}
	return out;
}

function parameterText(parameter: unknown): string {
	const p = obj(parameter);
	return (
		str(p.text) ??
		str(obj(p.currency).fallback_value) ??
		str(obj(p.date_time).fallback_value) ??
		str(p.payload) ??
		str(p.coupon_code) ??
		''
	);
}

/** Fills {{1}} or {{name}} from the parameters given, as WhatsApp does. */
function fill(text: string, parameters: unknown[], named: boolean): string {
	if (named) {
		const values = new Map(parameters.map((p) => [str(obj(p).parameter_name) ?? '', parameterText(p)]));
		return text.replace(/\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}/g, (all, name: string) => values.get(name) ?? all);
	}
	return text.replace(/\{\{\s*(\d+)\s*\}\}/g, (all, index: string) => {
		const parameter = parameters[Number(index) - 1];
		return parameter === undefined ? all : parameterText(parameter);
	});
}

function templateButton(button: MetaTemplateButton, index: number, given: unknown[]): ChatButton {
	const parameter = given[0];
	switch (button.type) {
		case 'QUICK_REPLY': {
			// Without a payload parameter, a tap reports the button text as the payload.
			const payload = str(obj(parameter).payload) ?? button.text;
			return { kind: 'reply', title: button.text, replyId: `button-${index}`, payload };
		}
		case 'URL':
			return { kind: 'url', title: button.text, url: button.url.replace(/\{\{\s*1\s*\}\}/, parameterText(parameter)) };
		case 'PHONE_NUMBER':
			return { kind: 'phone', title: button.text, url: `tel:${button.phone_number}` };
		case 'COPY_CODE':
			return { kind: 'copy_code', title: button.text, code: str(obj(parameter).coupon_code) ?? button.example };
		default:
			return { kind: 'url', title: (button as { text?: string }).text ?? 'Button' };
	}
}

function renderTemplate(content: Record<string, unknown>, context: RenderContext): ChatContent {
	const name = str(content.name) ?? '';
	const language = str(obj(content.language).code) ?? '';
	const out: ChatContent = { type: 'template', template: { name, language } };
	const template = context.templates.find((t) => t.name === name && t.language === language);
	if (!template) {
		out.text = `Template ${name} (${language})`;
		out.note = 'This template is no longer in the sandbox, so its text cannot be shown.';
		return out;
	}
	const named = template.parameter_format === 'NAMED';
	const components = arr(content.components).map(obj);
	const given = (type: string) => components.find((c) => str(c.type)?.toLowerCase() === type);
	const buttonParameters = (index: number) =>
		arr(components.find((c) => str(c.type)?.toLowerCase() === 'button' && Number(c.index) === index)?.parameters);

	for (const component of template.components) {
		if (component.type === 'HEADER') {
			const parameters = arr(given('header')?.parameters);
			if (component.format === 'TEXT') out.header = { text: fill(component.text ?? '', parameters, named) };
			else if (component.format === 'LOCATION') {
				const place = location(obj(parameters[0]).location);
				if (place) out.header = { location: place };
			} else {
				const kind = component.format.toLowerCase() as ChatMediaKind;
				out.header = { media: metaMedia(kind, obj(parameters[0])[kind], context) };
			}
		} else if (component.type === 'BODY') {
			out.text = fill(component.text, arr(given('body')?.parameters), named);
		} else if (component.type === 'FOOTER') {
			out.footer = component.text;
		} else if (component.type === 'BUTTONS') {
			out.buttons = component.buttons.map((button, index) => templateButton(button, index, buttonParameters(index)));
		}
	}
	return out;
}

export function renderMetaOutbound(message: OutboundMessage, context: RenderContext): ChatContent {
	const content = message.content;
	const o = obj(content);
	switch (message.type) {
		case 'text':
			return { type: 'text', text: str(o.body) ?? '' };
		case 'image':
		case 'video':
		case 'audio':
		case 'document':
		case 'sticker': {
			const caption = str(o.caption);
			return { type: message.type, media: metaMedia(message.type, o, context), ...(caption ? { text: caption } : {}) };
		}
		case 'location':
			return { type: 'location', ...(location(o) ? { location: location(o) } : {}) };
		case 'contacts':
			return { type: 'contacts', contacts: contacts(content) };
		case 'reaction':
			return { type: 'reaction', reaction: { messageId: str(o.message_id) ?? '', emoji: str(o.emoji) ?? '' } };
		case 'interactive':
			return renderInteractive(o, context);
		case 'template':
			return renderTemplate(o, context);
		default:
			return { type: message.type, note: `A ${message.type} message.` };
	}
}

// ---------------------------------------------------------------------------------------------
// Twilio

/** Every {{key}} in every string of a content's types, filled from the variables. */
function fillContent(value: unknown, variables: Record<string, string>): unknown {
	if (typeof value === 'string') return value.replace(/\{\{\s*([^{}\s]*)\s*\}\}/g, (all, key: string) => variables[key] ?? all);
	if (Array.isArray(value)) return value.map((v) => fillContent(v, variables));
	if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillContent(v, variables)]));
	return value;
}

/** The content types WhatsApp shows, most specific first. */
const CONTENT_TYPE_ORDER = [
	'twilio/list-picker',
	'twilio/quick-reply',
	'twilio/call-to-action',
	'whatsapp/card',
	'twilio/card',
	'twilio/media',
	'twilio/location',
	'twilio/text',
];

function contentActions(actions: unknown): ChatButton[] {
	return arr(actions).map((item) => {
		const action = obj(item);
		const type = (str(action.type) ?? 'QUICK_REPLY').toUpperCase();
		const title = str(action.title) ?? '';
		if (type === 'URL') return { kind: 'url', title, url: str(action.url) ?? '' };
		if (type === 'PHONE_NUMBER' || type === 'PHONE') return { kind: 'phone', title, url: `tel:${str(action.phone) ?? ''}` };
		if (type === 'COPY_CODE') return { kind: 'copy_code', title, ...(str(action.code) ? { code: str(action.code) } : {}) };
		if (type === 'VOICE_CALL') return { kind: 'phone', title };
		const id = str(action.id) ?? title;
		return { kind: 'reply', title, replyId: id, payload: id };
	});
}

function renderContent(sid: string, variables: Record<string, string>, context: RenderContext): ChatContent {
	const content = context.contents.find((c) => c.sid === sid);
	if (!content) {
		return { type: 'content', text: `Content ${sid}`, note: 'This content is no longer in the sandbox, so its text cannot be shown.', template: { name: sid, sid } };
	}
	const out: ChatContent = { type: 'content', template: { name: content.friendly_name || sid, language: content.language, sid } };
	const kind = CONTENT_TYPE_ORDER.find((t) => content.types[t] !== undefined);
	if (!kind) {
		out.text = content.friendly_name || sid;
		out.note = `Content types ${Object.keys(content.types).join(', ')} are not shown by this page.`;
		return out;
	}
	const payload = obj(fillContent(content.types[kind], { ...content.variables, ...variables }));
	const body = str(payload.body);
	if (body !== undefined) out.text = body;
	switch (kind) {
		case 'twilio/list-picker':
			out.list = {
				button: str(payload.button) ?? 'Options',
				sections: [
					{
						rows: arr(payload.items).map((item) => {
							const row = obj(item);
							const description = str(row.description);
							return { replyId: str(row.id) ?? str(row.item) ?? '', title: str(row.item) ?? '', ...(description ? { description } : {}) };
						}),
					},
				],
			};
			break;
		case 'twilio/quick-reply':
		case 'twilio/call-to-action':
			out.buttons = contentActions(payload.actions);
			break;
		case 'whatsapp/card':
		case 'twilio/card': {
			const media = arr(payload.media).map(str).find((m) => m);
			if (media) out.header = { media: urlMedia(media) };
			const title = str(payload.title);
			if (title !== undefined) out.text = title;
			const subtitle = str(payload.subtitle) ?? str(payload.footer);
			if (subtitle) out.footer = subtitle;
			out.buttons = contentActions(payload.actions);
			break;
		}
		case 'twilio/media': {
			const media = arr(payload.media).map(str).find((m) => m);
			if (media) out.media = urlMedia(media);
			break;
		}
		case 'twilio/location': {
			const place = location(payload);
			if (place) out.location = place;
			break;
		}
		default:
			break;
	}
	return out;
}

export function renderTwilioOutbound(message: OutboundMessage, context: RenderContext): ChatContent {
	const content = obj(message.content);
	const body = str(content.body);
	if (message.type === 'content' && str(content.content_sid)) {
		const variables = obj(content.content_variables) as Record<string, string>;
		return renderContent(str(content.content_sid) ?? '', variables, context);
	}
	if (message.type === 'location') {
		// PersistentAction geo:<lat>,<long>|<label>; the Body is the text shown with it.
		const action = arr(content.persistent_action).map(str).find((a) => a?.startsWith('geo:')) ?? '';
		const match = /^geo:(-?[\d.]+),(-?[\d.]+)(?:\|(.*))?$/s.exec(action);
		const place = match ? location({ latitude: match[1], longitude: match[2], name: match[3] || body }) : undefined;
		if (place && body && place.name !== body) place.address = body;
		return { type: 'location', ...(place ? { location: place } : {}) };
	}
	const urls = arr(content.media_urls).map(str).filter((u): u is string => !!u);
	if (urls.length > 0) {
		const media = urlMedia(urls[0]);
		return { type: media.kind, media, ...(body ? { text: body } : {}) };
	}
	return { type: 'text', text: body ?? '' };
}
