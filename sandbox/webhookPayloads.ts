// Builders of the webhook bodies the providers send, for tests of the trigger:
//   metaPayload.*   Meta's JSON envelopes ({object, entry:[{id, changes:[{field, value}]}]})
//   twilioParams.*  Twilio's form parameters (inbound message, status callback)
// Shapes follow Meta's webhook reference pages and Twilio's webhook-request page (api-facts §3).
//
// Media: a builder gives each media message a file (sample bytes of the MIME type, or the bytes
// passed in). The sandbox's own builders (sandbox.metaPayload / sandbox.twilioParams) store it
// at once; the standalone ones remember it with the returned object, and deliverMeta /
// deliverTwilio store it when that object is delivered. Either way the trigger can then fetch
// it: Meta with GET /<media-id> and its download URL, Twilio at MediaUrl0.

import { createHash, randomBytes, randomInt } from 'node:crypto';

import { DEFAULT_META_ACCOUNT, DEFAULT_TWILIO_ACCOUNT } from './accounts';
import { newWamid } from './meta';
import type { MetaAccount, TwilioAccount } from './types';
import { randomAlnum, randomHex } from './util';
import { senderSid } from './webhookState';

// ---------------------------------------------------------------------------------------------
// Sample files

const SAMPLE_FILES: Record<string, string> = {
	// 1×1 pixel images
	'image/jpeg':
		'/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA=',
	'image/png': 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
	'image/webp': 'UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==',
};

/** Small bytes that start like a file of that type (real images; headers only for the rest). */
export function sampleMediaBytes(mimeType: string): Buffer {
	const type = mimeType.split(';')[0].trim().toLowerCase();
	if (SAMPLE_FILES[type]) return Buffer.from(SAMPLE_FILES[type], 'base64');
	if (type === 'application/pdf') {
		return Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');
	}
	if (type === 'audio/ogg') return Buffer.concat([Buffer.from('OggS\0\x02', 'latin1'), Buffer.alloc(58)]);
	if (type === 'video/mp4' || type === 'audio/mp4') {
		return Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypisom\0\0\x02\0isomiso2', 'latin1'), Buffer.alloc(16)]);
	}
	if (type === 'text/vcard' || type === 'text/x-vcard') {
		return Buffer.from('BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Barbara J. Johnson\r\nTEL;TYPE=CELL:+14155550829\r\nEND:VCARD\r\n');
	}
	return Buffer.from(`sandbox sample file (${type})\n`);
}

function toBuffer(bytes: Buffer | Uint8Array | undefined, mimeType: string): Buffer {
	if (bytes === undefined) return sampleMediaBytes(mimeType);
	return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes);
}

function unixSeconds(value: number | Date | string | undefined): string {
	if (value === undefined) return String(Math.floor(Date.now() / 1000));
	if (value instanceof Date) return String(Math.floor(value.getTime() / 1000));
	return String(value);
}

// ---------------------------------------------------------------------------------------------
// Meta

export type MetaInboundType =
	| 'text'
	| 'image'
	| 'audio'
	| 'video'
	| 'document'
	| 'sticker'
	| 'location'
	| 'contacts'
	| 'interactive'
	| 'button'
	| 'reaction'
	| 'order'
	| 'system'
	| 'unsupported'
	| 'request_welcome';

/** A media file that a Meta payload references by id. */
export interface InboundMetaMedia {
	id: string;
	/** Without parameters, e.g. `audio/ogg`. */
	mimeType: string;
	bytes: Buffer;
	fileName?: string;
	/** Part of the download URL that GET /<media-id> hands out. */
	downloadToken: string;
	phoneNumberId: string;
}

export interface MetaPayloadOptions {
	/** Defaults to DEFAULT_META_ACCOUNT. */
	account?: Partial<Pick<MetaAccount, 'wabaId' | 'phoneNumberId' | 'displayPhoneNumber'>>;
	/** `sandbox.graphBaseUrl`: media objects then carry the `url` the sandbox serves them at. */
	graphBaseUrl?: string;
	/** Called with each media file the payload references (the sandbox's builders store it). */
	onMedia?: (media: InboundMetaMedia) => void;
}

export interface MetaMessageInput {
	type: MetaInboundType;
	/**
	 * The user's number as wa_id (digits). Default `16505551234`. `null`: a user who hides their
	 * number behind a username, so the message has no `from` and the contact no `wa_id` (give
	 * `userId`).
	 */
	from?: string | null;
	/** The user's profile name. Default `Sheena Nelson`. */
	name?: string;
	/** A business-scoped user id (BSUID): adds contacts[].user_id and messages[].from_user_id. */
	userId?: string;
	/** A parent BSUID: adds contacts[].parent_user_id and messages[].from_parent_user_id. */
	parentUserId?: string;
	/** The user's WhatsApp username: adds contacts[].profile.username. */
	username?: string;
	/** `wamid.…`; made up when absent. */
	id?: string;
	/** Unix seconds (or a Date). Default now. */
	timestamp?: number | Date;
	/**
	 * `{from, id, forwarded, frequently_forwarded, referred_product}`. Button and interactive
	 * replies get one by default (a reply to a made-up business message).
	 */
	context?: Record<string, unknown>;
	/** Click-to-WhatsApp ad referral; `true` for a sample one. */
	referral?: Record<string, unknown> | true;
	/** messages[].errors */
	errors?: unknown[];
	/** The file of an image/audio/video/document/sticker message. */
	media?: { bytes?: Buffer | Uint8Array; mimeType?: string; fileName?: string };
	/** The object under the type key, merged over realistic defaults. `text` may be just the body. */
	text?: string | Record<string, unknown>;
	image?: Record<string, unknown>;
	audio?: Record<string, unknown>;
	video?: Record<string, unknown>;
	document?: Record<string, unknown>;
	sticker?: Record<string, unknown>;
	location?: Record<string, unknown>;
	/** The shared contacts (the message's `contacts` array, not the sender). */
	contacts?: unknown[];
	interactive?: Record<string, unknown>;
	button?: Record<string, unknown>;
	reaction?: Record<string, unknown>;
	order?: Record<string, unknown>;
	system?: Record<string, unknown>;
	unsupported?: Record<string, unknown>;
	/** Added to the message object last (anything the builder does not know). */
	extra?: Record<string, unknown>;
}

export type MetaStatusValue = 'sent' | 'delivered' | 'read' | 'played' | 'failed';

export interface MetaStatusInput {
	status: MetaStatusValue;
	/** The wamid of the business's message (e.g. `sandbox.outbound[0].id`); made up when absent. */
	id?: string;
	/**
	 * The user's wa_id. Default `16505551234`. `null`: the message went to a BSUID (`recipient`),
	 * and the status has no recipient_id (give `recipientUserId`).
	 */
	recipientId?: string | null;
	/** BSUID of the recipient. */
	recipientUserId?: string;
	/** Parent BSUID of the recipient (`parent_recipient_user_id`). */
	parentRecipientUserId?: string;
	timestamp?: number | Date;
	/** `false` leaves it out. Default on sent/delivered/read: PMP, regular, utility. */
	pricing?: Record<string, unknown> | false;
	/** From v24.0 only for free-entry-point windows; absent unless given. */
	conversation?: Record<string, unknown>;
	/** Default for `failed`: error 131049. */
	errors?: unknown[];
	bizOpaqueCallbackData?: string;
	extra?: Record<string, unknown>;
}

export interface MetaTemplateStatusInput {
	/** Default APPROVED. */
	event?: string;
	/** Default: a made-up id. Sent as a number, as Meta does. */
	id?: string | number;
	/** Default `order_confirmation`. */
	name?: string;
	/** Default `en_US`. */
	language?: string;
	/** Default UTILITY. */
	category?: string;
	/** Default NONE. */
	reason?: string;
	extra?: Record<string, unknown>;
}

/**
 * A `user_changed_user_id` system message: the user's BSUID changed. As reported by partners (not
 * yet in Meta's reference): the sender (`from_user_id`) is the old BSUID, `system.user_id` the new
 * one; no contacts array (as every system message); no `body` (its wording is not known).
 */
export interface MetaUserIdChangeInput {
	/** The BSUID before the change (the message's from_user_id). */
	previousUserId: string;
	/** The BSUID after the change (system.user_id). */
	userId: string;
	/** The parent BSUID before the change (from_parent_user_id). */
	previousParentUserId?: string;
	/** The parent BSUID after the change (system.parent_user_id). */
	parentUserId?: string;
	/** The user's number (digits), when they show it: message.from and system.wa_id. */
	from?: string;
	/** `wamid.…`; made up when absent. */
	id?: string;
	timestamp?: number | Date;
}

/** A Meta webhook body: `{object: 'whatsapp_business_account', entry: [...]}`. */
export interface MetaWebhookPayload {
	object: 'whatsapp_business_account';
	entry: Array<{ id: string; time?: number; changes: Array<{ value: Record<string, unknown>; field: string }> }>;
}

const pendingMeta = new WeakMap<object, InboundMetaMedia[]>();

/** Media files a standalone-built payload references, which deliverMeta stores. */
export function pendingMetaMedia(payload: object): readonly InboundMetaMedia[] {
	return pendingMeta.get(payload) ?? [];
}

function metaAccount(options: MetaPayloadOptions): Pick<MetaAccount, 'wabaId' | 'phoneNumberId' | 'displayPhoneNumber'> {
	return {
		wabaId: options.account?.wabaId ?? DEFAULT_META_ACCOUNT.wabaId,
		phoneNumberId: options.account?.phoneNumberId ?? DEFAULT_META_ACCOUNT.phoneNumberId,
		displayPhoneNumber: options.account?.displayPhoneNumber ?? DEFAULT_META_ACCOUNT.displayPhoneNumber,
	};
}

/** Webhooks show the business number as digits only. */
function displayDigits(display: string): string {
	return display.replace(/\D/g, '');
}

const DEFAULT_WA_ID = '16505551234';
const DEFAULT_NAME = 'Sheena Nelson';

/** 15–16 digits, as Meta's media ids look. */
function newMetaMediaId(): string {
	let id = String(randomInt(1, 10));
	for (let i = 0; i < 15; i++) id += String(randomInt(0, 10));
	return id;
}

const DEFAULT_MEDIA_TYPES: Record<string, string> = {
	image: 'image/jpeg',
	audio: 'audio/ogg; codecs=opus',
	video: 'video/mp4',
	document: 'application/pdf',
	sticker: 'image/webp',
};

function sampleReferral(): Record<string, unknown> {
	return {
		source_url: 'https://fb.me/3cr4Wqqkv',
		source_id: '120226305854810726',
		source_type: 'ad',
		body: 'Summer sale: 20% off every plan.',
		headline: 'Chat with us',
		media_type: 'image',
		image_url: 'https://scontent.xx.fbcdn.net/v/t45.1600-4/sample.jpg',
		ctwa_clid: `Afc${randomAlnum(40)}`,
		welcome_message: { text: 'Hi! How can we help?' },
	};
}

function envelope(account: Pick<MetaAccount, 'wabaId'>, field: string, value: Record<string, unknown>, withTime: boolean): MetaWebhookPayload {
	return {
		object: 'whatsapp_business_account',
		entry: [{ id: account.wabaId, ...(withTime ? { time: Math.floor(Date.now() / 1000) } : {}), changes: [{ value, field }] }],
	};
}

function metaValueHead(account: Pick<MetaAccount, 'phoneNumberId' | 'displayPhoneNumber'>): Record<string, unknown> {
	return {
		messaging_product: 'whatsapp',
		metadata: { display_phone_number: displayDigits(account.displayPhoneNumber), phone_number_id: account.phoneNumberId },
	};
}

function typeObject(input: MetaMessageInput, account: Pick<MetaAccount, 'phoneNumberId' | 'displayPhoneNumber'>, options: MetaPayloadOptions, media: InboundMetaMedia[]): unknown {
	const given = (input as unknown as Record<string, unknown>)[input.type];
	const over = (value: unknown): Record<string, unknown> => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {});
	switch (input.type) {
		case 'text':
			return typeof given === 'string' ? { body: given } : { body: 'Hello from the sandbox', ...over(given) };
		case 'image':
		case 'audio':
		case 'video':
		case 'document':
		case 'sticker': {
			const object = over(given);
			const mimeType = String(object.mime_type ?? input.media?.mimeType ?? DEFAULT_MEDIA_TYPES[input.type]);
			const baseType = mimeType.split(';')[0].trim().toLowerCase();
			const bytes = toBuffer(input.media?.bytes, baseType);
			const id = typeof object.id === 'string' ? object.id : newMetaMediaId();
			const fileName = input.media?.fileName ?? (typeof object.filename === 'string' ? object.filename : input.type === 'document' ? 'receipt.pdf' : undefined);
			const file: InboundMetaMedia = {
				id,
				mimeType: baseType,
				bytes,
				...(fileName ? { fileName } : {}),
				downloadToken: randomAlnum(32),
				phoneNumberId: account.phoneNumberId,
			};
			media.push(file);
			const out: Record<string, unknown> = {
				mime_type: mimeType,
				sha256: createHash('sha256').update(bytes).digest('base64'),
				id,
			};
			if (options.graphBaseUrl) out.url = `${options.graphBaseUrl}/media-download/${id}?token=${file.downloadToken}`;
			if (input.type === 'audio') out.voice = true;
			if (input.type === 'sticker') out.animated = false;
			if (input.type === 'document') out.filename = fileName;
			return { ...out, ...object, id, mime_type: mimeType };
		}
		case 'location':
			return {
				latitude: 37.44221496582,
				longitude: -122.16165924072,
				name: 'Philz Coffee',
				address: '101 Forest Ave, Palo Alto, CA 94301',
				url: 'https://philzcoffee.com/',
				...over(given),
			};
		case 'contacts':
			return Array.isArray(given)
				? given
				: [
						{
							name: { first_name: 'Barbara', last_name: 'Johnson', formatted_name: 'Barbara J. Johnson' },
							org: { company: 'Social Tsunami' },
							phones: [{ phone: '+1 (415) 555-0829', wa_id: '14155550829', type: 'MOBILE' }],
						},
					];
		case 'interactive': {
			const object = over(given);
			if (object.type === 'list_reply' || object.list_reply) {
				return { type: 'list_reply', list_reply: { id: 'priority_express', title: 'Priority Mail Express', description: 'Next Day to 2 Days' }, ...object };
			}
			if (object.type === 'nfm_reply' || object.nfm_reply) {
				return { type: 'nfm_reply', nfm_reply: { name: 'flow', body: 'Sent', response_json: '{"flow_token":"sandbox"}' }, ...object };
			}
			return { type: 'button_reply', button_reply: { id: 'confirm', title: 'Confirm' }, ...object };
		}
		case 'button':
			return { payload: 'Unsubscribe', text: 'Unsubscribe', ...over(given) };
		case 'reaction':
			return { message_id: newWamid(input.from ?? DEFAULT_WA_ID), emoji: '\u{1F44D}', ...over(given) };
		case 'order':
			return {
				catalog_id: '194836987003835',
				text: 'Love these!',
				product_items: [
					{ product_retailer_id: 'di9ozbzfi4', quantity: 2, item_price: 30, currency: 'USD' },
					{ product_retailer_id: 'nqryix03ez', quantity: 1, item_price: 25, currency: 'USD' },
				],
				...over(given),
			};
		case 'system': {
			const from = input.from ?? DEFAULT_WA_ID;
			return { body: `User ${input.name ?? DEFAULT_NAME} changed from ${from} to 12195555358`, wa_id: '12195555358', type: 'user_changed_number', ...over(given) };
		}
		case 'unsupported':
			return { type: 'edit', ...over(given) };
		default:
			return undefined;
	}
}

/** The digits a made-up wamid starts with: the number, or for a user without one the BSUID's. */
function wamidSeed(from: string | undefined, userId: string | undefined): string {
	return from ?? userId?.replace(/\D/g, '') ?? DEFAULT_WA_ID;
}

function buildMessage(input: MetaMessageInput, options: MetaPayloadOptions = {}): MetaWebhookPayload {
	const account = metaAccount(options);
	const from = input.from === null ? undefined : (input.from ?? DEFAULT_WA_ID);
	if (from === undefined && !input.userId) throw new Error('metaPayload.message: a message without `from` needs the userId (BSUID) of its sender');
	const media: InboundMetaMedia[] = [];
	const message: Record<string, unknown> = from === undefined ? {} : { from };
	if (input.userId) message.from_user_id = input.userId;
	if (input.parentUserId) message.from_parent_user_id = input.parentUserId;
	message.id = input.id ?? newWamid(wamidSeed(from, input.userId));
	message.timestamp = unixSeconds(input.timestamp);
	message.type = input.type;
	const context =
		input.context ??
		(input.type === 'button' || input.type === 'interactive'
			? { from: displayDigits(account.displayPhoneNumber), id: newWamid(wamidSeed(from, input.userId)) }
			: undefined);
	if (context) message.context = context;
	const object = typeObject(input, account, options, media);
	if (object !== undefined) message[input.type] = object;
	if (input.referral) message.referral = input.referral === true ? sampleReferral() : input.referral;
	const errors =
		input.errors ??
		(input.type === 'unsupported'
			? [{ code: 131051, title: 'Message type unknown', message: 'Message type unknown', error_data: { details: 'Message type is currently not supported.' } }]
			: undefined);
	if (errors) message.errors = errors;
	Object.assign(message, input.extra);

	const value = metaValueHead(account);
	// A system message (e.g. a changed number) comes without the sender's contact.
	if (input.type !== 'system') {
		value.contacts = [
			{
				profile: { name: input.name ?? DEFAULT_NAME, ...(input.username ? { username: input.username } : {}) },
				...(from === undefined ? {} : { wa_id: from }),
				...(input.userId ? { user_id: input.userId } : {}),
				...(input.parentUserId ? { parent_user_id: input.parentUserId } : {}),
			},
		];
	}
	value.messages = [message];
	const payload = envelope(account, 'messages', value, false);
	for (const file of media) options.onMedia?.(file);
	if (media.length > 0) pendingMeta.set(payload, media);
	return payload;
}

function buildStatus(input: MetaStatusInput, options: MetaPayloadOptions = {}): MetaWebhookPayload {
	const account = metaAccount(options);
	const recipient = input.recipientId === null ? undefined : (input.recipientId ?? DEFAULT_WA_ID);
	if (recipient === undefined && !input.recipientUserId) throw new Error('metaPayload.status: a status without recipientId needs the recipientUserId (BSUID)');
	const status: Record<string, unknown> = {
		id: input.id ?? newWamid(wamidSeed(recipient, input.recipientUserId)),
		status: input.status,
		timestamp: unixSeconds(input.timestamp),
	};
	if (recipient !== undefined) status.recipient_id = recipient;
	if (input.recipientUserId) status.recipient_user_id = input.recipientUserId;
	if (input.parentRecipientUserId) status.parent_recipient_user_id = input.parentRecipientUserId;
	if (input.bizOpaqueCallbackData !== undefined) status.biz_opaque_callback_data = input.bizOpaqueCallbackData;
	if (input.conversation) status.conversation = input.conversation;
	const pricing =
		input.pricing === false
			? undefined
			: (input.pricing ??
				(input.status === 'failed' ? undefined : { billable: true, pricing_model: 'PMP', type: 'regular', category: 'utility' }));
	if (pricing) status.pricing = pricing;
	const errors =
		input.errors ??
		(input.status === 'failed'
			? [
					{
						code: 131049,
						title: 'This message was not delivered to maintain healthy ecosystem engagement.',
						message: 'This message was not delivered to maintain healthy ecosystem engagement.',
						error_data: { details: 'In order to maintain a healthy ecosystem engagement, the message failed to be delivered.' },
						href: '/documentation/business-messaging/whatsapp/support/error-codes',
					},
				]
			: undefined);
	if (errors) status.errors = errors;
	Object.assign(status, input.extra);
	const value = metaValueHead(account);
	value.statuses = [status];
	return envelope(account, 'messages', value, false);
}

function buildUserIdChange(input: MetaUserIdChangeInput, options: MetaPayloadOptions = {}): MetaWebhookPayload {
	const account = metaAccount(options);
	const message: Record<string, unknown> = input.from === undefined ? {} : { from: input.from };
	message.from_user_id = input.previousUserId;
	if (input.previousParentUserId) message.from_parent_user_id = input.previousParentUserId;
	message.id = input.id ?? newWamid(wamidSeed(input.from, input.previousUserId));
	message.timestamp = unixSeconds(input.timestamp);
	message.type = 'system';
	message.system = {
		type: 'user_changed_user_id',
		user_id: input.userId,
		...(input.parentUserId ? { parent_user_id: input.parentUserId } : {}),
		...(input.from === undefined ? {} : { wa_id: input.from }),
	};
	const value = metaValueHead(account);
	value.messages = [message];
	return envelope(account, 'messages', value, false);
}

function buildTemplateStatus(input: MetaTemplateStatusInput = {}, options: MetaPayloadOptions = {}): MetaWebhookPayload {
	const account = metaAccount(options);
	const rawId = input.id ?? newMetaMediaId();
	const numericId = typeof rawId === 'number' ? rawId : Number(rawId);
	const value: Record<string, unknown> = {
		event: input.event ?? 'APPROVED',
		// Meta sends the id as a JSON number; one past 2^53 would lose digits, so it stays text.
		message_template_id: Number.isSafeInteger(numericId) ? numericId : rawId,
		message_template_name: input.name ?? 'order_confirmation',
		message_template_language: input.language ?? 'en_US',
		reason: input.reason ?? 'NONE',
		message_template_category: input.category ?? 'UTILITY',
		...input.extra,
	};
	return envelope(account, 'message_template_status_update', value, true);
}

function buildChange(field: string, value: Record<string, unknown>, options: MetaPayloadOptions = {}): MetaWebhookPayload {
	return envelope(metaAccount(options), field, value, field !== 'messages');
}

export interface MetaBatchOptions {
	/**
	 * `changes` (default): one entry, every part's change after the other.
	 * `values`: parts with the same field and phone number share one `value` (messages, statuses
	 * and contacts arrays concatenated), as Meta batches several updates into one change.
	 */
	mode?: 'changes' | 'values';
}

function buildBatch(parts: readonly MetaWebhookPayload[], batchOptions: MetaBatchOptions = {}): MetaWebhookPayload {
	if (parts.length === 0) throw new Error('metaPayload.batch: give at least one payload');
	const changes = parts.flatMap((p) => p.entry.flatMap((e) => e.changes.map((c) => structuredClone(c))));
	let merged = changes;
	if (batchOptions.mode === 'values') {
		merged = [];
		for (const change of changes) {
			const metadata = change.value.metadata as { phone_number_id?: string } | undefined;
			const same = merged.find(
				(c) => c.field === change.field && (c.value.metadata as { phone_number_id?: string } | undefined)?.phone_number_id === metadata?.phone_number_id,
			);
			if (!same) {
				merged.push(change);
				continue;
			}
			for (const key of ['messages', 'statuses', 'errors']) {
				const items = change.value[key];
				if (Array.isArray(items)) same.value[key] = [...((same.value[key] as unknown[]) ?? []), ...items];
			}
			const contacts = change.value.contacts;
			if (Array.isArray(contacts)) {
				const known = (same.value.contacts as Array<{ wa_id?: string }>) ?? [];
				for (const contact of contacts as Array<{ wa_id?: string }>) {
					if (!known.some((k) => k.wa_id === contact.wa_id)) known.push(contact);
				}
				same.value.contacts = known;
			}
		}
	}
	const first = parts[0].entry[0];
	const payload: MetaWebhookPayload = {
		object: 'whatsapp_business_account',
		entry: [{ id: first.id, ...(first.time !== undefined ? { time: first.time } : {}), changes: merged }],
	};
	const media = parts.flatMap((p) => pendingMetaMedia(p));
	if (media.length > 0) pendingMeta.set(payload, media);
	return payload;
}

export interface MetaPayloadBuilders {
	/** An inbound message: field `messages`, value with metadata, contacts and one message. */
	message(input: MetaMessageInput, options?: MetaPayloadOptions): MetaWebhookPayload;
	/** A status of a message the business sent: field `messages`, value with one status. */
	status(input: MetaStatusInput, options?: MetaPayloadOptions): MetaWebhookPayload;
	/** A `user_changed_user_id` system message: the user's BSUID changed (field `messages`). */
	userIdChange(input: MetaUserIdChangeInput, options?: MetaPayloadOptions): MetaWebhookPayload;
	/** Several payloads as one delivery (one entry). */
	batch(parts: readonly MetaWebhookPayload[], options?: MetaBatchOptions): MetaWebhookPayload;
	/** field `message_template_status_update` (goes to the app's callback URL only). */
	templateStatus(input?: MetaTemplateStatusInput, options?: MetaPayloadOptions): MetaWebhookPayload;
	/** Any other field, e.g. `account_update`, with the value given. */
	change(field: string, value: Record<string, unknown>, options?: MetaPayloadOptions): MetaWebhookPayload;
}

export function createMetaPayloadBuilders(bound: MetaPayloadOptions | (() => MetaPayloadOptions) = {}): MetaPayloadBuilders {
	const defaults = (): MetaPayloadOptions => (typeof bound === 'function' ? bound() : bound);
	const merge = (options: MetaPayloadOptions = {}): MetaPayloadOptions => {
		const base = defaults();
		return { ...base, ...options, account: { ...base.account, ...options.account } };
	};
	return {
		message: (input, options) => buildMessage(input, merge(options)),
		status: (input, options) => buildStatus(input, merge(options)),
		userIdChange: (input, options) => buildUserIdChange(input, merge(options)),
		batch: (parts, options) => buildBatch(parts, options),
		templateStatus: (input, options) => buildTemplateStatus(input, merge(options)),
		change: (field, value, options) => buildChange(field, value, merge(options)),
	};
}

/** Builders for the default sandbox account; media are stored when the payload is delivered. */
export const metaPayload: MetaPayloadBuilders = createMetaPayloadBuilders();

/**
 * The body Meta sends: JSON with every non-ASCII character escaped as \uXXXX (UTF-16 code
 * units, lower-case hex), which are the bytes Meta signs.
 */
export function metaJson(payload: unknown): string {
	return JSON.stringify(payload).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

// ---------------------------------------------------------------------------------------------
// Twilio

export type TwilioInboundType = 'text' | 'image' | 'video' | 'audio' | 'document' | 'sticker' | 'contacts' | 'location' | 'button' | 'interactive';

export interface InboundTwilioMedia {
	/** `ME` + 32 hex */
	sid: string;
	messageSid: string;
	contentType: string;
	bytes: Buffer;
}

export interface TwilioParamsOptions {
	/** Defaults to DEFAULT_TWILIO_ACCOUNT. */
	account?: Partial<Pick<TwilioAccount, 'accountSid' | 'whatsAppNumber'>>;
	/**
	 * Where `/2010-04-01/…` lives, for MediaUrlN: `${sandbox.twilioBaseUrl}/api` makes the
	 * sandbox serve them. Default `https://api.twilio.com`.
	 */
	apiBaseUrl?: string;
	/** Called with each media file (the sandbox's builders store it). */
	onMedia?: (media: InboundTwilioMedia) => void;
}

export interface TwilioMediaInput {
	contentType?: string;
	bytes?: Buffer | Uint8Array;
	/** `ME…`; made up when absent. */
	sid?: string;
}

export interface TwilioMessageInput {
	/** MessageType. Default: from what is given (media, location, button), else `text`. */
	type?: TwilioInboundType;
	/** Default `Hello from the sandbox` for text, '' otherwise (a caption when given). */
	body?: string;
	/** The user: `whatsapp:+E164`. Default `whatsapp:+16505551234`. */
	from?: string;
	/** The business sender. Default the account's WhatsApp number. */
	to?: string;
	/** Default `Sheena Nelson`. */
	profileName?: string;
	/** Default: a made-up SM… (MM… when there is media). */
	messageSid?: string;
	/** Media files; a media type without one gets a sample file of that type. */
	media?: TwilioMediaInput | TwilioMediaInput[];
	/** Quick-reply/button tap: ButtonText, ButtonPayload. */
	button?: { text: string; payload?: string };
	location?: { latitude: number; longitude: number; address?: string; label?: string };
	/** The message this one replies to: OriginalRepliedMessageSid (and …Sender). */
	replyTo?: string | { sid: string; sender?: string };
	/** Click-to-WhatsApp ad: Referral* parameters; `true` for a sample. */
	referral?: Partial<Record<'body' | 'headline' | 'sourceId' | 'sourceType' | 'sourceUrl' | 'mediaId' | 'mediaContentType' | 'mediaUrl' | 'ctwaClid', string>> | true;
	forwarded?: boolean;
	frequentlyForwarded?: boolean;
	messagingServiceSid?: string;
	/** Twilio's BSUID counterpart (observed 2026). */
	externalUserId?: string;
	/** Added last; overrides any parameter. */
	extra?: Record<string, string>;
}

export type TwilioStatusValue = 'queued' | 'sent' | 'delivered' | 'read' | 'failed' | 'undelivered';

export interface TwilioStatusInput {
	status: TwilioStatusValue;
	/** The SID of the business's message (e.g. `sandbox.outbound[0].id`); made up when absent. */
	messageSid?: string;
	/** The user: `whatsapp:+E164`. Default `whatsapp:+16505551234`. */
	to?: string;
	/** The business sender. Default the account's WhatsApp number. */
	from?: string;
	/** Default 63016 on failed/undelivered. */
	errorCode?: string | number;
	/** The channel's error detail, on failed/undelivered. */
	channelStatusMessage?: string;
	messagingServiceSid?: string;
	extra?: Record<string, string>;
}

const pendingTwilio = new WeakMap<object, InboundTwilioMedia[]>();

/** Media files of a standalone-built inbound message, which deliverTwilio stores. */
export function pendingTwilioMedia(params: object): readonly InboundTwilioMedia[] {
	return pendingTwilio.get(params) ?? [];
}

const DEFAULT_USER = 'whatsapp:+16505551234';

const TWILIO_MEDIA_TYPES: Partial<Record<TwilioInboundType, string>> = {
	image: 'image/jpeg',
	video: 'video/mp4',
	audio: 'audio/ogg',
	document: 'application/pdf',
	sticker: 'image/webp',
	contacts: 'text/vcard',
};

function typeOfContent(contentType: string): TwilioInboundType {
	const type = contentType.split(';')[0].trim().toLowerCase();
	if (type === 'image/webp') return 'sticker';
	if (type.startsWith('image/')) return 'image';
	if (type.startsWith('video/')) return 'video';
	if (type.startsWith('audio/')) return 'audio';
	if (type === 'text/vcard' || type === 'text/x-vcard') return 'contacts';
	return 'document';
}

function buildTwilioMessage(input: TwilioMessageInput = {}, options: TwilioParamsOptions = {}): Record<string, string> {
	const accountSid = options.account?.accountSid ?? DEFAULT_TWILIO_ACCOUNT.accountSid;
	const business = input.to ?? options.account?.whatsAppNumber ?? DEFAULT_TWILIO_ACCOUNT.whatsAppNumber;
	const user = input.from ?? DEFAULT_USER;
	const apiBase = (options.apiBaseUrl ?? 'https://api.twilio.com').replace(/\/$/, '');

	let mediaInputs = input.media === undefined ? [] : Array.isArray(input.media) ? input.media : [input.media];
	const type: TwilioInboundType =
		input.type ??
		(mediaInputs.length > 0
			? typeOfContent(mediaInputs[0].contentType ?? 'image/jpeg')
			: input.location
				? 'location'
				: input.button
					? 'button'
					: 'text');
	if (mediaInputs.length === 0 && TWILIO_MEDIA_TYPES[type]) mediaInputs = [{ contentType: TWILIO_MEDIA_TYPES[type] }];

	const messageSid = input.messageSid ?? `${mediaInputs.length > 0 ? 'MM' : 'SM'}${randomHex(32)}`;
	const media: InboundTwilioMedia[] = mediaInputs.map((m) => {
		const contentType = m.contentType ?? TWILIO_MEDIA_TYPES[type] ?? 'application/octet-stream';
		return { sid: m.sid ?? `ME${randomHex(32)}`, messageSid, contentType, bytes: toBuffer(m.bytes, contentType) };
	});

	const waId = user.replace(/^whatsapp:\+?/, '');
	const profileName = input.profileName ?? 'Sheena Nelson';
	const params: Record<string, string> = {
		SmsMessageSid: messageSid,
		NumMedia: String(media.length),
		ProfileName: profileName,
		MessageType: type,
		SmsSid: messageSid,
		WaId: waId,
		SmsStatus: 'received',
		Body: input.body ?? (type === 'text' ? 'Hello from the sandbox' : type === 'button' || type === 'interactive' ? (input.button?.text ?? '') : ''),
		To: business,
		NumSegments: '1',
		ReferralNumMedia: '0',
		MessageSid: messageSid,
		AccountSid: accountSid,
		From: user,
		ApiVersion: '2010-04-01',
		ChannelMetadata: JSON.stringify({ type: 'whatsapp', data: { context: { ProfileName: profileName, WaId: waId } } }),
	};
	media.forEach((m, i) => {
		params[`MediaContentType${i}`] = m.contentType;
		params[`MediaUrl${i}`] = `${apiBase}/2010-04-01/Accounts/${accountSid}/Messages/${messageSid}/Media/${m.sid}`;
	});
	if (input.messagingServiceSid) params.MessagingServiceSid = input.messagingServiceSid;
	if (type === 'button' || type === 'interactive') {
		const button = input.button ?? { text: 'Confirm', payload: 'confirm' };
		params.ButtonText = button.text;
		params.ButtonPayload = button.payload ?? button.text;
	}
	if (type === 'location' || input.location) {
		const location = input.location ?? { latitude: 37.44221496582, longitude: -122.16165924072, address: '101 Forest Ave, Palo Alto, CA 94301', label: 'Philz Coffee' };
		params.Latitude = String(location.latitude);
		params.Longitude = String(location.longitude);
		if (location.address !== undefined) params.Address = location.address;
		if (location.label !== undefined) params.Label = location.label;
	}
	if (input.replyTo !== undefined) {
		const reply = typeof input.replyTo === 'string' ? { sid: input.replyTo } : input.replyTo;
		params.OriginalRepliedMessageSid = reply.sid;
		params.OriginalRepliedMessageSender = reply.sender ?? business;
	}
	if (input.referral) {
		const referral =
			input.referral === true
				? {
						body: 'Summer sale: 20% off every plan.',
						headline: 'Chat with us',
						sourceId: '120226305854810726',
						sourceType: 'ad',
						sourceUrl: 'https://fb.me/3cr4Wqqkv',
						ctwaClid: `Afc${randomAlnum(40)}`,
					}
				: input.referral;
		const names: Record<string, string> = {
			body: 'ReferralBody',
			headline: 'ReferralHeadline',
			sourceId: 'ReferralSourceId',
			sourceType: 'ReferralSourceType',
			sourceUrl: 'ReferralSourceUrl',
			mediaId: 'ReferralMediaId',
			mediaContentType: 'ReferralMediaContentType',
			mediaUrl: 'ReferralMediaUrl',
			ctwaClid: 'ReferralCtwaClid',
		};
		for (const [key, value] of Object.entries(referral)) if (value !== undefined && names[key]) params[names[key]] = value;
		params.ReferralNumMedia = referral.mediaUrl ? '1' : '0';
	}
	if (input.forwarded) params.Forwarded = 'true';
	if (input.frequentlyForwarded) params.FrequentlyForwarded = 'true';
	if (input.externalUserId) params.ExternalUserId = input.externalUserId;
	Object.assign(params, input.extra);

	for (const file of media) options.onMedia?.(file);
	if (media.length > 0) pendingTwilio.set(params, media);
	return params;
}

function buildTwilioStatus(input: TwilioStatusInput, options: TwilioParamsOptions = {}): Record<string, string> {
	const accountSid = options.account?.accountSid ?? DEFAULT_TWILIO_ACCOUNT.accountSid;
	const business = input.from ?? options.account?.whatsAppNumber ?? DEFAULT_TWILIO_ACCOUNT.whatsAppNumber;
	const user = input.to ?? DEFAULT_USER;
	const messageSid = input.messageSid ?? `SM${randomHex(32)}`;
	const params: Record<string, string> = {
		ChannelPrefix: 'whatsapp',
		ApiVersion: '2010-04-01',
		MessageStatus: input.status,
		SmsSid: messageSid,
		SmsStatus: input.status,
		ChannelInstallSid: senderSid(accountSid, business),
		To: user,
		From: business,
		MessageSid: messageSid,
		StructuredMessage: 'false',
		AccountSid: accountSid,
		ChannelToAddress: user.replace(/^whatsapp:/, ''),
	};
	if (input.messagingServiceSid) params.MessagingServiceSid = input.messagingServiceSid;
	if (input.status === 'failed' || input.status === 'undelivered' || input.errorCode !== undefined) {
		params.ErrorCode = String(input.errorCode ?? 63016);
	}
	if (input.channelStatusMessage !== undefined) params.ChannelStatusMessage = input.channelStatusMessage;
	Object.assign(params, input.extra);
	return params;
}

export interface TwilioParamsBuilders {
	/** An inbound WhatsApp message, as Twilio posts it to the sender's (or service's) URL. */
	message(input?: TwilioMessageInput, options?: TwilioParamsOptions): Record<string, string>;
	/** A status callback of a message the business sent. */
	status(input: TwilioStatusInput, options?: TwilioParamsOptions): Record<string, string>;
}

export function createTwilioParamsBuilders(bound: TwilioParamsOptions | (() => TwilioParamsOptions) = {}): TwilioParamsBuilders {
	const defaults = (): TwilioParamsOptions => (typeof bound === 'function' ? bound() : bound);
	const merge = (options: TwilioParamsOptions = {}): TwilioParamsOptions => {
		const base = defaults();
		return { ...base, ...options, account: { ...base.account, ...options.account } };
	};
	return {
		message: (input, options) => buildTwilioMessage(input, merge(options)),
		status: (input, options) => buildTwilioStatus(input, merge(options)),
	};
}

/**
 * Builders for the default sandbox account. Media URLs point at api.twilio.com unless
 * `apiBaseUrl` is given; use `sandbox.twilioParams` for URLs the sandbox serves.
 */
export const twilioParams: TwilioParamsBuilders = createTwilioParamsBuilders();

/** An idempotency token in Twilio's shape. */
export function idempotencyToken(): string {
	return `${randomBytes(16).toString('hex').replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5')}`;
}
