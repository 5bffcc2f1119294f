// Twilio's Content API (content.twilio.com/v1) for the sandbox: the content store, its seed,
// and the type checks WhatsApp applies.
//
// Error codes chosen where Twilio documents none for a Content API check:
//   21658  a text is over its character limit ("Parameter exceeded character limit", which
//          Twilio's error page ties to content creation)
//   20001  anything else malformed in a type payload (Twilio's generic "Invalid parameter")

import { createHash } from 'node:crypto';

import { TWILIO_PAGE_DEFAULT } from './twilioPaging';
import type { TwilioAccount } from './types';
import { isPlainObject, randomHex } from './util';

export type TwilioApprovalStatus = 'approved' | 'pending' | 'rejected' | 'unsubmitted' | 'received' | 'paused' | 'disabled';

export interface TwilioContentApproval {
	/** The WhatsApp template name it was submitted as. */
	name: string;
	category: 'UTILITY' | 'MARKETING' | 'AUTHENTICATION';
	status: Exclude<TwilioApprovalStatus, 'unsubmitted'>;
	rejection_reason: string;
}

export interface TwilioContent {
	/** `HX` + 32 hex. */
	sid: string;
	friendly_name: string;
	language: string;
	/** Default (sample) values, used at send time for variables ContentVariables leaves out. */
	variables: Record<string, string>;
	/** Keyed by content type, e.g. `twilio/text`. */
	types: Record<string, unknown>;
	/** ISO 8601, e.g. `2025-03-01T10:00:00Z`. */
	date_created: string;
	date_updated: string;
	/** WhatsApp approval; undefined means never submitted (`unsubmitted`). */
	approval?: TwilioContentApproval;
}

/** What addTwilioContent() takes; the sid and dates are made up when absent. */
export interface TwilioContentInput {
	sid?: string;
	friendly_name?: string;
	language: string;
	variables?: Record<string, string>;
	types: Record<string, unknown>;
	approval?: TwilioContentApproval;
	date_created?: string;
}

export class TwilioContentError extends Error {
	constructor(
		readonly code: number,
		message: string,
	) {
		super(message);
	}
}

export function isoSeconds(date: Date = new Date()): string {
	return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// ---------------------------------------------------------------------------------------------
// Type checks

export const CONTENT_LIMITS = {
	textBody: 1600,
	mediaBody: 1600,
	quickReplyBody: 1024,
	quickReplyActionsMax: 10,
	quickReplyTitle: 20,
	actionId: 200,
	listBody: 1024,
	listButton: 20,
	listItemsMax: 10,
	listItem: 24,
	listDescription: 72,
	ctaBody: 1024,
	ctaTitle: 25,
	ctaUrlMax: 2,
	cardBody: 1024,
	cardHeaderText: 60,
	cardFooter: 60,
	cardActionsMax: 10,
	variableKey: 16,
	variableValue: 1600,
} as const;

const PLACEHOLDER = /\{\{\s*([^{}\s]*)\s*\}\}/g;

function tooLong(field: string, max: number): TwilioContentError {
	return new TwilioContentError(21658, `Parameter exceeded character limit: ${field} must be at most ${max} characters`);
}

function invalid(message: string): TwilioContentError {
	return new TwilioContentError(20001, message);
}

function text(payload: Record<string, unknown>, key: string, field: string, max: number, required: boolean): string | undefined {
	const value = payload[key];
	if (value === undefined || value === null) {
		if (required) throw invalid(`Missing required parameter: ${field}`);
		return undefined;
	}
	if (typeof value !== 'string') throw invalid(`Invalid parameter ${field}: must be a string`);
	if (required && value.trim() === '') throw invalid(`Invalid parameter ${field}: must not be empty`);
	if (value.length > max) throw tooLong(field, max);
	return value;
}

function list(payload: Record<string, unknown>, key: string, field: string, min: number, max: number): Array<Record<string, unknown>> {
	const value = payload[key];
	if (!Array.isArray(value)) throw invalid(`Missing required parameter: ${field}`);
	if (value.length < min || value.length > max) {
		throw invalid(`Invalid parameter ${field}: WhatsApp takes ${min} to ${max} entries, got ${value.length}`);
	}
	return value.map((item, i) => {
		if (!isPlainObject(item)) throw invalid(`Invalid parameter ${field}[${i}]: must be an object`);
		return item;
	});
}

/** A URL, possibly with a variable in it (checked with the variable replaced). */
function url(value: string | undefined, field: string): void {
	if (value === undefined) throw invalid(`Missing required parameter: ${field}`);
	const sample = value.replace(PLACEHOLDER, 'x');
	let ok = false;
	try {
		const parsed = new URL(sample);
		ok = parsed.protocol === 'https:' || parsed.protocol === 'http:';
	} catch {
		ok = false;
	}
	if (!ok) throw invalid(`Invalid parameter ${field}: '${value}' is not an http(s) URL`);
}

function uniqueIds(items: Array<Record<string, unknown>>, key: string, field: string): void {
	const seen = new Set<unknown>();
	items.forEach((item, i) => {
		if (item[key] === undefined) return;
		if (seen.has(item[key])) throw invalid(`Invalid parameter ${field}[${i}].${key}: '${String(item[key])}' is used twice`);
		seen.add(item[key]);
	});
}

type TypeCheck = (payload: Record<string, unknown>, prefix: string) => void;

const TYPE_CHECKS: Record<string, TypeCheck> = {
	'twilio/text': (p, prefix) => {
		text(p, 'body', `${prefix}.body`, CONTENT_LIMITS.textBody, true);
	},
	'twilio/media': (p, prefix) => {
		text(p, 'body', `${prefix}.body`, CONTENT_LIMITS.mediaBody, false);
		const media = p.media;
		if (!Array.isArray(media) || media.length === 0) throw invalid(`Missing required parameter: ${prefix}.media`);
		if (media.length > 1) throw invalid(`Invalid parameter ${prefix}.media: WhatsApp takes 1 media URL, got ${media.length}`);
		media.forEach((m, i) => url(typeof m === 'string' ? m : undefined, `${prefix}.media[${i}]`));
	},
	'twilio/quick-reply': (p, prefix) => {
		text(p, 'body', `${prefix}.body`, CONTENT_LIMITS.quickReplyBody, true);
		const actions = list(p, 'actions', `${prefix}.actions`, 1, CONTENT_LIMITS.quickReplyActionsMax);
		actions.forEach((a, i) => {
			text(a, 'title', `${prefix}.actions[${i}].title`, CONTENT_LIMITS.quickReplyTitle, true);
			text(a, 'id', `${prefix}.actions[${i}].id`, CONTENT_LIMITS.actionId, false);
		});
		uniqueIds(actions, 'id', `${prefix}.actions`);
	},
	'twilio/list-picker': (p, prefix) => {
		text(p, 'body', `${prefix}.body`, CONTENT_LIMITS.listBody, true);
		text(p, 'button', `${prefix}.button`, CONTENT_LIMITS.listButton, true);
		const items = list(p, 'items', `${prefix}.items`, 1, CONTENT_LIMITS.listItemsMax);
		items.forEach((item, i) => {
			text(item, 'item', `${prefix}.items[${i}].item`, CONTENT_LIMITS.listItem, true);
			text(item, 'id', `${prefix}.items[${i}].id`, CONTENT_LIMITS.actionId, true);
			text(item, 'description', `${prefix}.items[${i}].description`, CONTENT_LIMITS.listDescription, false);
		});
		uniqueIds(items, 'id', `${prefix}.items`);
	},
	'twilio/call-to-action': (p, prefix) => {
		text(p, 'body', `${prefix}.body`, CONTENT_LIMITS.ctaBody, true);
		const actions = list(p, 'actions', `${prefix}.actions`, 1, 4);
		const counts: Record<string, number> = {};
		actions.forEach((a, i) => {
			const field = `${prefix}.actions[${i}]`;
			const type = String(a.type);
			counts[type] = (counts[type] ?? 0) + 1;
			text(a, 'title', `${field}.title`, CONTENT_LIMITS.ctaTitle, true);
			if (type === 'URL') url(text(a, 'url', `${field}.url`, 2000, true), `${field}.url`);
			if (type === 'PHONE_NUMBER') {
				const phone = text(a, 'phone', `${field}.phone`, 20, true) ?? '';
				if (!/^\+[1-9]\d{6,14}$/.test(phone)) throw invalid(`Invalid parameter ${field}.phone: '${phone}' is not an E.164 number`);
			}
			if (type === 'COPY_CODE') text(a, 'code', `${field}.code`, 15, true);
		});
		if ((counts.URL ?? 0) > CONTENT_LIMITS.ctaUrlMax) {
			throw invalid(`Invalid parameter ${prefix}.actions: WhatsApp takes at most ${CONTENT_LIMITS.ctaUrlMax} URL actions`);
		}
		for (const single of ['PHONE_NUMBER', 'COPY_CODE', 'VOICE_CALL']) {
			if ((counts[single] ?? 0) > 1) throw invalid(`Invalid parameter ${prefix}.actions: WhatsApp takes at most 1 ${single} action`);
		}
	},
	'twilio/location': (p, prefix) => {
		const lat = p.latitude;
		const long = p.longitude;
		if (typeof lat !== 'number' || lat < -90 || lat > 90) throw invalid(`Invalid parameter ${prefix}.latitude: must be between -90 and 90`);
		if (typeof long !== 'number' || long < -180 || long > 180) {
			throw invalid(`Invalid parameter ${prefix}.longitude: must be between -180 and 180`);
		}
		text(p, 'label', `${prefix}.label`, 1000, false);
	},
	'whatsapp/card': (p, prefix) => {
		text(p, 'body', `${prefix}.body`, CONTENT_LIMITS.cardBody, true);
		const headerText = text(p, 'header_text', `${prefix}.header_text`, CONTENT_LIMITS.cardHeaderText, false);
		text(p, 'footer', `${prefix}.footer`, CONTENT_LIMITS.cardFooter, false);
		const media = p.media;
		if (media !== undefined) {
			if (!Array.isArray(media) || media.length !== 1) throw invalid(`Invalid parameter ${prefix}.media: WhatsApp takes 1 media URL`);
			url(typeof media[0] === 'string' ? media[0] : undefined, `${prefix}.media[0]`);
			if (headerText !== undefined) throw invalid(`Invalid parameter ${prefix}: a WhatsApp card cannot have both header_text and media`);
		}
		if (!['header_text', 'footer', 'media', 'actions'].some((key) => p[key] !== undefined)) {
			throw invalid(`Invalid parameter ${prefix}: a WhatsApp card needs a body and at least one of header_text, footer, media or actions`);
		}
		if (p.actions !== undefined) {
			const actions = list(p, 'actions', `${prefix}.actions`, 1, CONTENT_LIMITS.cardActionsMax);
			actions.forEach((a, i) => {
				const field = `${prefix}.actions[${i}]`;
				text(a, 'title', `${field}.title`, CONTENT_LIMITS.ctaTitle, true);
				if (a.type === 'URL') url(text(a, 'url', `${field}.url`, 2000, true), `${field}.url`);
				if (a.type === 'PHONE_NUMBER') {
					const phone = text(a, 'phone', `${field}.phone`, 20, true) ?? '';
					if (!/^\+[1-9]\d{6,14}$/.test(phone)) throw invalid(`Invalid parameter ${field}.phone: '${phone}' is not an E.164 number`);
				}
				if (a.type === 'COPY_CODE') text(a, 'code', `${field}.code`, 15, true);
			});
		}
	},
	'twilio/card': (p, prefix) => {
		text(p, 'title', `${prefix}.title`, 1024, true);
		text(p, 'subtitle', `${prefix}.subtitle`, 60, false);
	},
};

/** Placeholders used anywhere in the types, e.g. `1`, `2`, `first_name`. */
export function contentPlaceholders(types: Record<string, unknown>): string[] {
	const found = new Set<string>();
	const walk = (value: unknown): void => {
		if (typeof value === 'string') for (const match of value.matchAll(PLACEHOLDER)) found.add(match[1]);
		else if (Array.isArray(value)) value.forEach(walk);
		else if (isPlainObject(value)) Object.values(value).forEach(walk);
	};
	walk(types);
	return [...found];
}

/** Throws TwilioContentError; the OpenAPI check has already vetted names and JSON types. */
export function validateContent(input: { language?: unknown; variables?: unknown; types?: unknown; friendly_name?: unknown }): void {
	if (typeof input.language !== 'string' || !/^[a-z]{2,3}([_-][A-Za-z]{2,4})?$/.test(input.language)) {
		throw invalid(`Invalid parameter language: '${String(input.language)}' is not a language code such as en or pt_BR`);
	}
	if (input.friendly_name !== undefined && (typeof input.friendly_name !== 'string' || input.friendly_name.length > 1024)) {
		throw invalid('Invalid parameter friendly_name: must be a string of at most 1024 characters');
	}
	if (!isPlainObject(input.types) || Object.keys(input.types).length === 0) {
		throw invalid('Missing required parameter: types must hold at least one content type');
	}
	for (const [type, payload] of Object.entries(input.types)) {
		if (!isPlainObject(payload)) throw invalid(`Invalid parameter types.${type}: must be an object`);
		TYPE_CHECKS[type]?.(payload, `types.${type}`);
	}
	const variables = input.variables ?? {};
	if (!isPlainObject(variables)) throw invalid('Invalid parameter variables: must be an object of strings');
	for (const [key, value] of Object.entries(variables)) {
		if (!/^[A-Za-z0-9_]+$/.test(key)) throw invalid(`Invalid parameter variables.${key}: a variable key may hold letters, digits and _ only`);
		if (key.length > CONTENT_LIMITS.variableKey) throw tooLong(`variables key '${key}'`, CONTENT_LIMITS.variableKey);
		if (typeof value !== 'string') throw invalid(`Invalid parameter variables.${key}: must be a string`);
	}
	for (const placeholder of contentPlaceholders(input.types)) {
		if (!/^[A-Za-z0-9_]{1,16}$/.test(placeholder)) {
			throw invalid(`Invalid placeholder {{${placeholder}}}: a variable is 1 to 16 letters, digits or _`);
		}
	}
}

export function newContent(input: TwilioContentInput, existing: readonly TwilioContent[]): TwilioContent {
	validateContent(input);
	const sid = input.sid ?? `HX${randomHex(32)}`;
	if (!/^HX[0-9a-f]{32}$/.test(sid)) throw invalid(`Invalid sid ${sid}: must be HX and 32 hex digits`);
	if (existing.some((c) => c.sid === sid)) throw invalid(`A content with sid ${sid} exists already`);
	const created = input.date_created ?? isoSeconds();
	return {
		sid,
		friendly_name: input.friendly_name ?? '',
		language: input.language,
		variables: { ...(input.variables ?? {}) },
		types: structuredClone(input.types),
		date_created: created,
		date_updated: created,
		...(input.approval ? { approval: { ...input.approval } } : {}),
	};
}

export function copyContent(content: TwilioContent): TwilioContent {
	return structuredClone(content);
}

// ---------------------------------------------------------------------------------------------
// Seed

function seedContent(index: number, input: Omit<TwilioContentInput, 'sid' | 'date_created'> & { friendly_name: string }): TwilioContent {
	const day = new Date(Date.UTC(2025, 2, 1, 10, 0, 0) + index * 86_400_000);
	return newContent(
		{
			...input,
			sid: `HX${createHash('sha256').update(`content:${input.friendly_name}`).digest('hex').slice(0, 32)}`,
			date_created: isoSeconds(day),
		},
		[],
	);
}

const approved = (name: string, category: TwilioContentApproval['category'] = 'UTILITY'): TwilioContentApproval => ({
	name,
	category,
	status: 'approved',
	rejection_reason: '',
});

/**
 * The contents every sandbox starts with, in list order. Their sids are stable. 25 in all, so a
 * list at Twilio's default PageSize (50) is one page; page with PageSize to see more. Variables:
 * - order_update (twilio/text, approved): {{1}} name, {{2}} order number.
 * - appointment_reminder (twilio/quick-reply, approved): {{1}} {{2}} {{3}}; actions confirm, reschedule.
 * - welcome_media (twilio/media, approved): {{1}} in the body.
 * - track_order_cta (twilio/call-to-action, approved): {{1}} in body and URL.
 * - support_menu_list (twilio/list-picker, unsubmitted: list pickers cannot be approved): none.
 * - store_location (twilio/location, unsubmitted): none.
 * - flight_delay_pending (twilio/text, pending): {{1}}.
 * - promo_blast_rejected (twilio/text, rejected): none.
 * - filler_text_01 … filler_text_17 (twilio/text, approved): none.
 */
export const TWILIO_CONTENT_SEED: readonly TwilioContent[] = Object.freeze(
	[
		{
			friendly_name: 'order_update',
			language: 'en',
			variables: { 1: 'Ada', 2: 'A-1042' },
			types: { 'twilio/text': { body: 'Hi {{1}}, your order {{2}} has shipped.' } },
			approval: approved('order_update'),
		},
		{
			friendly_name: 'appointment_reminder',
			language: 'en',
			variables: { 1: 'Ada', 2: 'May 4', 3: '10:30' },
			types: {
				'twilio/quick-reply': {
					body: 'Hi {{1}}, your appointment is on {{2}} at {{3}}. Can you make it?',
					actions: [
						{ title: 'Yes, confirm', id: 'confirm' },
						{ title: 'Reschedule', id: 'reschedule' },
					],
				},
			},
			approval: approved('appointment_reminder'),
		},
		{
			friendly_name: 'welcome_media',
			language: 'en',
			variables: { 1: 'Ada' },
			types: { 'twilio/media': { body: 'Welcome to Omni Sandbox, {{1}}!', media: ['https://example.com/media/welcome.png'] } },
			approval: approved('welcome_media', 'MARKETING'),
		},
		{
			friendly_name: 'track_order_cta',
			language: 'en',
			variables: { 1: 'A-1042' },
			types: {
				'twilio/call-to-action': {
					body: 'Order {{1}} is on its way.',
					actions: [{ type: 'URL', title: 'Track order', url: 'https://shop.example.com/track/{{1}}' }],
				},
			},
			approval: approved('track_order_cta'),
		},
		{
			friendly_name: 'support_menu_list',
			language: 'en',
			types: {
				'twilio/list-picker': {
					body: 'How can we help you today?',
					button: 'Choose a topic',
					items: [
						{ item: 'Orders', id: 'orders', description: 'Status, changes, returns' },
						{ item: 'Billing', id: 'billing', description: 'Invoices and payments' },
						{ item: 'Something else', id: 'other' },
					],
				},
			},
		},
		{
			friendly_name: 'store_location',
			language: 'en',
			types: { 'twilio/location': { latitude: 37.7886, longitude: -122.3931, label: 'Omni Sandbox Store' } },
		},
		{
			friendly_name: 'flight_delay_pending',
			language: 'en',
			variables: { 1: 'OA 123' },
			types: { 'twilio/text': { body: 'Flight {{1}} is delayed. We will update you shortly.' } },
			approval: { name: 'flight_delay', category: 'UTILITY', status: 'pending', rejection_reason: '' },
		},
		{
			friendly_name: 'promo_blast_rejected',
			language: 'en',
			types: { 'twilio/text': { body: 'BUY NOW!!! Everything 90% off!!!' } },
			approval: {
				name: 'promo_blast',
				category: 'MARKETING',
				status: 'rejected',
				rejection_reason: 'The template was rejected for violating WhatsApp policy.',
			},
		},
		...Array.from({ length: 17 }, (_, i) => {
			const name = `filler_text_${String(i + 1).padStart(2, '0')}`;
			return {
				friendly_name: name,
				language: 'en',
				types: { 'twilio/text': { body: `Sandbox notice ${i + 1}: no action is needed.` } },
				approval: approved(name),
			};
		}),
	].map((input, index) => Object.freeze(seedContent(index, input as TwilioContentInput & { friendly_name: string }))),
);

// ---------------------------------------------------------------------------------------------
// Resources and pages

export function contentUrl(baseUrl: string, sid: string): string {
	return `${baseUrl}/twilio/content/v1/Content/${sid}`;
}

export function contentResource(content: TwilioContent, account: TwilioAccount, baseUrl: string): Record<string, unknown> {
	const url = contentUrl(baseUrl, content.sid);
	return {
		account_sid: account.accountSid,
		date_created: content.date_created,
		date_updated: content.date_updated,
		friendly_name: content.friendly_name,
		language: content.language,
		links: { approval_create: `${url}/ApprovalRequests/whatsapp`, approval_fetch: `${url}/ApprovalRequests` },
		sid: content.sid,
		types: structuredClone(content.types),
		url,
		variables: { ...content.variables },
	};
}

export function approvalRequests(content: TwilioContent): Record<string, unknown> {
	const [contentType = ''] = Object.keys(content.types);
	const approval = content.approval;
	return {
		name: approval?.name ?? '',
		category: approval?.category ?? '',
		content_type: contentType,
		status: approval?.status ?? 'unsubmitted',
		rejection_reason: approval?.rejection_reason ?? '',
		allow_category_change: true,
		type: 'whatsapp',
	};
}

export function contentAndApprovalsResource(content: TwilioContent, account: TwilioAccount): Record<string, unknown> {
	return {
		account_sid: account.accountSid,
		approval_requests: approvalRequests(content),
		date_created: content.date_created,
		date_updated: content.date_updated,
		friendly_name: content.friendly_name,
		language: content.language,
		sid: content.sid,
		types: structuredClone(content.types),
		variables: { ...content.variables },
	};
}

/** Kept for the sandbox's exports; the paging itself is twilioPaging.ts. */
export const CONTENT_PAGE_DEFAULT = TWILIO_PAGE_DEFAULT;
