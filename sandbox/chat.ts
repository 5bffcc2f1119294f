// The chat page's conversations: a person at /chat is the WhatsApp user writing to the
// sandbox's Meta number and its Twilio number. What the user does becomes an inbound webhook
// (built with the payload builders, delivered signed to the trigger's registered URL); what the
// workflows send through either API shows up in the conversation, and the sandbox reports its
// progress with status webhooks: sent, delivered, then read while the page shows that chat.

import { randomInt } from 'node:crypto';
import type { ServerResponse } from 'node:http';

import { BSUID } from './metaMessages';
import { metaDeliveryTarget } from './metaWebhooks';
import { twilioDeliveryTarget } from './deliver';
import type { DeliverMetaOptions, DeliverTwilioOptions } from './deliver';
import { samplePhoto } from './chatImage';
import { mapUrl, renderMetaOutbound, renderTwilioOutbound } from './chatRender';
import type { ChatContent, ChatMediaKind, RenderContext } from './chatRender';
import type { SandboxState } from './state';
import type { DeliveryAnswer, MetaAccount, OutboundMessage, Provider, TwilioAccount } from './types';
import { isPlainObject } from './util';
import type { MetaMessageInput, MetaPayloadBuilders, MetaStatusInput, MetaWebhookPayload, TwilioMessageInput, TwilioParamsBuilders } from './webhookPayloads';

export type {
	ChatButton,
	ChatContact,
	ChatContent,
	ChatHeader,
	ChatList,
	ChatListRow,
	ChatLocation,
	ChatMedia,
	ChatMediaKind,
} from './chatRender';

/** Messages kept per provider's conversation; the oldest go first. */
export const MAX_CHAT_MESSAGES = 1000;
export const DEFAULT_STATUS_DELAY_MS = 300;
/** How long "typing…" shows after a typing indicator, unless the business answers first (WhatsApp: 25 s). */
export const TYPING_INDICATOR_MS = 25_000;
export const DEFAULT_CHAT_USER: Readonly<ChatUser> = Object.freeze({
	phone: '+16505551234',
	name: 'Sheena Nelson',
	userId: 'US.13491208655302741918',
	username: 'sheena.nelson',
	phoneHidden: false,
});


/** `in`: the user wrote it (an inbound webhook); `out`: the business sent it through an API. */
export type ChatDirection = 'in' | 'out';

/**
 * `out`: pending until the sandbox reports it sent, then delivered, then read (the status
 * webhooks). `in`: pending while the webhook is being delivered, then delivered (the trigger
 * answered 2xx) or failed, and read once the business marks it read.
 */
export type ChatStatus = 'pending' | 'sent' | 'delivered' | 'read' | 'failed';

export interface ChatUser {
	/** E.164, e.g. `+16505551234`. */
	phone: string;
	/** The WhatsApp profile name. */
	name: string;
	/**
	 * The business-scoped user ID (BSUID) Meta gives the user, e.g. `US.13491208655302741918`:
	 * in every Meta webhook of the user (`contacts[].user_id`, `from_user_id`, statuses'
	 * `recipient_user_id`). Changes with changeUserId().
	 */
	userId: string;
	/** The user's WhatsApp username, shown while the number is hidden. */
	username: string;
	/**
	 * The user hides their number behind their username: Meta's webhooks then carry no `from` and
	 * no `wa_id`, only the BSUID and `profile.username`, and replies reach the user through their
	 * BSUID (the `recipient` field). The Twilio conversation keeps the number: how Twilio passes
	 * such users on is not confirmed, and its API here sends to phone numbers only.
	 */
	phoneHidden: boolean;
}

/** What changeUserId() did. */
export interface ChatIdentityChange {
	previousUserId: string;
	userId: string;
	/** The `user_changed_user_id` system message's webhook. */
	delivery: ChatDelivery;
}

/** What became of the webhook of something the user did. */
export interface ChatDelivery {
	/** The trigger's URL answered 2xx. */
	delivered: boolean;
	/** A URL was registered for the user's messages. */
	listening: boolean;
	/** HTTP status the URL answered; absent when none was called or none answered. */
	status?: number;
	url?: string;
	/** Why it was not delivered. */
	error?: string;
	/** More on the error (the sandbox's own reason). */
	detail?: string;
	/** Something to tell the person that is not an error. */
	note?: string;
}

export interface ChatStatusWebhook {
	status: 'sent' | 'delivered' | 'read';
	/** HTTP status of the status URL's answer. */
	httpStatus?: number;
	/** Why it was not delivered (no status URL, no answer). */
	error?: string;
	at: number;
}

export interface ChatMessage extends ChatContent {
	/** `wamid.…` or the Message SID. */
	id: string;
	provider: Provider;
	direction: ChatDirection;
	status: ChatStatus;
	/** Epoch milliseconds. */
	timestamp: number;
	/** out: the recipient as E.164 (the page marks messages to someone other than the user). */
	to?: string;
	/** The message this one replies to / quotes. */
	context?: { id: string; preview?: string; direction?: ChatDirection };
	/** Reactions on this message: the user's, the business's. */
	reactions: { user?: string; business?: string };
	/** in: the webhook's delivery. */
	delivery?: ChatDelivery;
	/** out: the status webhooks sent so far. */
	statusWebhooks?: ChatStatusWebhook[];
	/** out: the content as the API took it; in: the webhook payload (Meta) or parameters (Twilio). */
	raw: unknown;
	/** Grows with every change of any message: of two copies of a message, the higher is newer. */
	rev: number;
}

export interface ChatPlace {
	id: string;
	latitude: number;
	longitude: number;
	name?: string;
	address?: string;
}

/** Places the location button offers. The pin has no name, as a shared current location. */
export const CHAT_PLACES: readonly ChatPlace[] = Object.freeze([
	{ id: 'eiffel-tower', name: 'Eiffel Tower', address: 'Champ de Mars, 5 Av. Anatole France, 75007 Paris, France', latitude: 48.85837, longitude: 2.294481 },
	{ id: 'sydney-opera-house', name: 'Sydney Opera House', address: 'Bennelong Point, Sydney NSW 2000, Australia', latitude: -33.856784, longitude: 151.215297 },
	{ id: 'golden-gate-bridge', name: 'Golden Gate Bridge', address: 'Golden Gate Bridge, San Francisco, CA, USA', latitude: 37.819929, longitude: -122.478255 },
	{ id: 'philz-coffee', name: 'Philz Coffee', address: '101 Forest Ave, Palo Alto, CA 94301', latitude: 37.44221496582, longitude: -122.16165924072 },
	{ id: 'dropped-pin', latitude: 51.500729, longitude: -0.124625 },
]);

/** What the user does, as POST /chat/api/send takes it. */
export type ChatAction =
	| { provider: Provider; type: 'text'; text: string; replyTo?: string }
	/** The bundled sample photo, or an image given as base64 `data`. */
	| { provider: Provider; type: 'image'; data?: string; mimeType?: string; fileName?: string; caption?: string; replyTo?: string }
	/** A file from disk: image, video, audio, sticker (webp) or document by its MIME type. */
	| { provider: Provider; type: 'file'; data: string; mimeType: string; fileName?: string; caption?: string; replyTo?: string }
	/** One of CHAT_PLACES by id, or coordinates. */
	| { provider: Provider; type: 'location'; place?: string; latitude?: number; longitude?: number; name?: string; address?: string }
	/** '' removes the user's reaction. */
	| { provider: Provider; type: 'reaction'; messageId: string; emoji: string }
	/** A tap on a reply button, list row or template quick-reply button of a business message. */
	| { provider: Provider; type: 'reply'; messageId: string; replyId: string };

export interface ChatSendResult {
	/** The user's new message, or for a reaction the message reacted to. */
	message: ChatMessage;
	delivery: ChatDelivery;
}

export interface ChatSnapshot {
	user: ChatUser;
	business: Record<Provider, { name: string; number: string }>;
	listening: Record<Provider, boolean>;
	/** The business sent a typing indicator and has not answered since (for at most 25 s). */
	typing: Record<Provider, boolean>;
	statusDelayMs: number;
	places: readonly ChatPlace[];
	/** Both conversations, oldest first. */
	messages: ChatMessage[];
}

export class ChatInputError extends Error {}

export interface ChatDeps {
	meta: MetaAccount;
	twilio: TwilioAccount;
	state: SandboxState;
	metaPayload: MetaPayloadBuilders;
	twilioParams: TwilioParamsBuilders;
	deliverMeta(payload: object, options?: DeliverMetaOptions): Promise<DeliveryAnswer>;
	deliverTwilio(params: Record<string, string>, options?: DeliverTwilioOptions): Promise<DeliveryAnswer>;
	user?: Partial<ChatUser>;
	statusDelayMs?: number;
}

interface Viewer {
	client: string;
	res: ServerResponse;
	view: Provider | null;
}

export const PROVIDER_NAMES: Record<Provider, string> = { meta: 'Meta', twilio: 'Twilio' };

export function notListeningText(provider: Provider): string {
	return `No workflow is listening for ${PROVIDER_NAMES[provider]} messages: activate a workflow with a WhatsApp Omni Trigger`;
}

const PROVIDERS: Provider[] = ['meta', 'twilio'];

function isProvider(value: unknown): value is Provider {
	return value === 'meta' || value === 'twilio';
}

function mediaKind(mimeType: string): ChatMediaKind {
	const type = mimeType.split(';')[0].trim().toLowerCase();
	if (type === 'image/webp') return 'sticker';
	if (type.startsWith('image/')) return 'image';
	if (type.startsWith('video/')) return 'video';
	if (type.startsWith('audio/')) return 'audio';
	return 'document';
}

const KIND_LABELS: Record<string, string> = {
	image: '📷 Photo',
	video: '🎥 Video',
	audio: '🎤 Audio',
	document: '📄 Document',
	sticker: 'Sticker',
	location: '📍 Location',
	contacts: '👤 Contact',
};

/** One line for a quoted message. */
export function previewOf(message: ChatContent): string {
	const text = message.text?.trim();
	if (text) return text.length > 120 ? `${text.slice(0, 117)}…` : text;
	if (message.media?.fileName && message.media.kind === 'document') return `📄 ${message.media.fileName}`;
	if (message.location) return `📍 ${message.location.name ?? 'Location'}`;
	if (message.contacts?.[0]) return `👤 ${message.contacts[0].name}`;
	return KIND_LABELS[message.media?.kind ?? message.type] ?? message.type;
}

function stripChannel(address: string): string {
	return address.replace(/^whatsapp:/, '');
}

/** A Meta recipient as the chat shows it: a wa_id as E.164, a BSUID as it is. */
function metaAddress(to: string): string {
	return BSUID.test(to) ? to : `+${to.replace(/^\+/, '')}`;
}

/** A made-up BSUID in the country of another. */
function newUserId(like: string): string {
	let digits = String(randomInt(1, 10));
	for (let i = 0; i < 19; i++) digits += String(randomInt(0, 10));
	return `${like.slice(0, 2)}.${digits}`;
}

function checkUserId(userId: string): string {
	if (!BSUID.test(userId)) throw new ChatInputError(`'userId' must be a business-scoped user ID such as US.13491208655302741918, got '${userId}'`);
	return userId;
}

function decodeData(value: unknown, what: string): Buffer {
	if (typeof value !== 'string' || value.length === 0) throw new ChatInputError(`${what}: 'data' must be the file as base64`);
	const base64 = value.replace(/^data:[^,]*;base64,/, '');
	if (!/^[A-Za-z0-9+/=\s_-]*$/.test(base64)) throw new ChatInputError(`${what}: 'data' is not base64`);
	const bytes = Buffer.from(base64, 'base64');
	if (bytes.length === 0) throw new ChatInputError(`${what}: the file is empty`);
	return bytes;
}

function optionalText(body: Record<string, unknown>, key: string): string | undefined {
	const value = body[key];
	if (value === undefined || value === null || value === '') return undefined;
	if (typeof value !== 'string') throw new ChatInputError(`'${key}' must be a string`);
	return value;
}

function requiredText(body: Record<string, unknown>, key: string, what: string): string {
	const value = optionalText(body, key);
	if (value === undefined) throw new ChatInputError(`${what} needs '${key}'`);
	return value;
}

export class Chat {
	private readonly me: ChatUser;
	private readonly deps: ChatDeps;
	private readonly messages: ChatMessage[] = [];
	private readonly byId = new Map<string, ChatMessage>();
	private delayMs: number;
	private stopped = true;
	/** Bumped by clear(): status sequences of cleared messages stop. */
	private generation = 0;
	private readonly timers = new Set<NodeJS.Timeout>();
	private readonly viewers = new Set<Viewer>();
	private viewWaiters: Array<{ provider: Provider; id: string; resolve: () => void }> = [];
	private ticker: NodeJS.Timeout | undefined;
	private ticks = 0;
	private lastListening = '';
	private eventId = 0;
	private revision = 0;
	private readonly typingUntil: Partial<Record<Provider, number>> = {};
	private readonly typingTimers: Partial<Record<Provider, NodeJS.Timeout>> = {};

	constructor(deps: ChatDeps) {
		this.deps = deps;
		this.me = { ...DEFAULT_CHAT_USER, ...deps.user };
		if (!/^\+[1-9]\d{6,14}$/.test(this.me.phone)) throw new RangeError(`chatUser.phone must be E.164 (+ and digits), got '${this.me.phone}'`);
		if (!BSUID.test(this.me.userId)) throw new RangeError(`chatUser.userId must be a business-scoped user ID (e.g. US.13491208655302741918), got '${this.me.userId}'`);
		this.delayMs = checkDelay(deps.statusDelayMs ?? DEFAULT_STATUS_DELAY_MS);
		deps.state.outboundListeners.push((message) => this.onOutbound(message));
		deps.state.readListeners.push((provider, id, typing) => this.onRead(provider, id, typing));
	}

	/** The WhatsApp user of the chat (a copy). */
	get user(): ChatUser {
		return { ...this.me };
	}

	// ------------------------------------------------------------------------------------------
	// Lifecycle and knobs

	start(): void {
		this.stopped = false;
	}

	/** Stops pending status webhooks and closes the event streams. */
	stop(): void {
		this.stopped = true;
		for (const timer of this.timers) clearTimeout(timer);
		this.timers.clear();
		for (const timer of Object.values(this.typingTimers)) clearTimeout(timer);
		this.viewWaiters = [];
		for (const viewer of this.viewers) viewer.res.end();
		this.viewers.clear();
		this.stopTicker();
	}

	get statusDelayMs(): number {
		return this.delayMs;
	}

	setStatusDelay(ms: number): void {
		this.delayMs = checkDelay(ms);
	}

	/** Forgets the conversation(s); status webhooks still pending for them are not sent. */
	clear(provider?: Provider): void {
		this.generation += 1;
		this.viewWaiters = [];
		for (let i = this.messages.length - 1; i >= 0; i--) {
			const message = this.messages[i];
			if (provider && message.provider !== provider) continue;
			this.messages.splice(i, 1);
			this.byId.delete(message.id);
		}
		for (const one of provider ? [provider] : (['meta', 'twilio'] as const)) if (this.typingUntil[one] !== undefined) this.setTyping(one, false);
		this.emit('clear', { provider: provider ?? null });
	}

	/** Copies of the conversation's messages (both when no provider is given), oldest first. */
	list(provider?: Provider): ChatMessage[] {
		return this.messages.filter((m) => !provider || m.provider === provider).map((m) => structuredClone(m));
	}

	get(id: string): ChatMessage | undefined {
		const message = this.byId.get(id);
		return message ? structuredClone(message) : undefined;
	}

	/**
	 * Whether the user sees "typing…" from that number: a typing indicator came (Meta's
	 * `typing_indicator` with a read receipt, Twilio's typing indicator) and the business has not
	 * sent a message since, for at most TYPING_INDICATOR_MS.
	 */
	typing(provider: Provider): boolean {
		return (this.typingUntil[provider] ?? 0) > Date.now();
	}

	/** Whether a trigger's URL is registered for the user's messages to that number. */
	listening(provider: Provider): boolean {
		return this.target(provider) !== undefined;
	}

	snapshot(): ChatSnapshot {
		const { meta, twilio, state } = this.deps;
		const twilioName = state.webhooks.ownSender.profile.name;
		return {
			user: this.user,
			business: {
				meta: { name: meta.verifiedName, number: meta.displayPhoneNumber },
				twilio: { name: typeof twilioName === 'string' ? twilioName : meta.verifiedName, number: stripChannel(twilio.whatsAppNumber) },
			},
			listening: { meta: this.listening('meta'), twilio: this.listening('twilio') },
			typing: { meta: this.typing('meta'), twilio: this.typing('twilio') },
			statusDelayMs: this.delayMs,
			places: CHAT_PLACES,
			messages: this.list(),
		};
	}

	// ------------------------------------------------------------------------------------------
	// Who the user is

	/**
	 * Hides the user's number behind their username, or shows it again (ChatUser.phoneHidden).
	 * Applies to what the user does from now on.
	 */
	setPhoneHidden(hidden: boolean): ChatUser {
		this.me.phoneHidden = hidden;
		this.emit('user', this.user);
		return this.user;
	}

	/**
	 * The user's BSUID changes, as WhatsApp may change it: Meta's trigger gets a
	 * `user_changed_user_id` system message (from the old BSUID, naming the new one; with the
	 * number unless it is hidden), and the user's later messages carry the new BSUID. `userId`
	 * defaults to a made-up one.
	 */
	async changeUserId(userId?: string): Promise<ChatIdentityChange> {
		const previousUserId = this.me.userId;
		const next = userId === undefined ? newUserId(previousUserId) : checkUserId(userId);
		if (next === previousUserId) throw new ChatInputError(`The user's BSUID is ${next} already`);
		const payload = this.deps.metaPayload.userIdChange({ previousUserId, userId: next, ...(this.me.phoneHidden ? {} : { from: this.waId }) });
		this.me.userId = next;
		this.emit('user', this.user);
		return { previousUserId, userId: next, delivery: await this.deliver('meta', payload) };
	}

	// ------------------------------------------------------------------------------------------
	// The user's actions

	/** Does what the user did; throws ChatInputError on a malformed or impossible action. */
	async send(input: unknown): Promise<ChatSendResult> {
		if (!isPlainObject(input)) throw new ChatInputError('The body must be a JSON object');
		const provider = input.provider;
		if (!isProvider(provider)) throw new ChatInputError("'provider' must be 'meta' or 'twilio'");
		const type = input.type;
		switch (type) {
			case 'text': {
				const text = requiredText(input, 'text', 'A text message');
				return this.sendInbound(provider, { type: 'text', text }, this.quoted(provider, optionalText(input, 'replyTo')));
			}
			case 'image':
			case 'file': {
				const caption = optionalText(input, 'caption');
				let bytes: Buffer;
				let mimeType: string;
				let fileName = optionalText(input, 'fileName');
				if (type === 'image' && input.data === undefined) {
					bytes = samplePhoto();
					mimeType = 'image/png';
					fileName ??= 'sunset.png';
				} else {
					bytes = decodeData(input.data, `A ${type}`);
					mimeType = (optionalText(input, 'mimeType') ?? (type === 'image' ? 'image/png' : 'application/octet-stream')).toLowerCase();
					if (type === 'image' && !mimeType.startsWith('image/')) throw new ChatInputError(`An image needs an image/* mimeType, got '${mimeType}'`);
				}
				const kind = mediaKind(mimeType);
				return this.sendInbound(
					provider,
					{ type: kind, media: { kind, mimeType, ...(fileName ? { fileName } : {}) }, ...(caption ? { text: caption } : {}) },
					this.quoted(provider, optionalText(input, 'replyTo')),
					bytes,
				);
			}
			case 'location': {
				const placeId = optionalText(input, 'place');
				let place: ChatPlace | undefined;
				if (placeId !== undefined) {
					place = CHAT_PLACES.find((p) => p.id === placeId);
					if (!place) throw new ChatInputError(`Unknown place '${placeId}': one of ${CHAT_PLACES.map((p) => p.id).join(', ')}`);
				} else {
					const latitude = Number(input.latitude);
					const longitude = Number(input.longitude);
					if (typeof input.latitude !== 'number' || !(latitude >= -90 && latitude <= 90)) throw new ChatInputError("'latitude' must be a number from -90 to 90");
					if (typeof input.longitude !== 'number' || !(longitude >= -180 && longitude <= 180)) throw new ChatInputError("'longitude' must be a number from -180 to 180");
					const name = optionalText(input, 'name');
					const address = optionalText(input, 'address');
					place = { id: 'given', latitude, longitude, ...(name ? { name } : {}), ...(address ? { address } : {}) };
				}
				const location = {
					latitude: place.latitude,
					longitude: place.longitude,
					...(place.name ? { name: place.name } : {}),
					...(place.address ? { address: place.address } : {}),
					mapUrl: mapUrl(place.latitude, place.longitude),
				};
				return this.sendInbound(provider, { type: 'location', location }, undefined);
			}
			case 'reaction':
				return this.react(provider, requiredText(input, 'messageId', 'A reaction'), typeof input.emoji === 'string' ? input.emoji : '');
			case 'reply':
				return this.reply(provider, requiredText(input, 'messageId', 'A reply'), requiredText(input, 'replyId', 'A reply'));
			default:
				throw new ChatInputError("'type' must be one of text, image, file, location, reaction, reply");
		}
	}

	private quoted(provider: Provider, id: string | undefined): ChatMessage | undefined {
		if (id === undefined) return undefined;
		const message = this.byId.get(id);
		if (!message || message.provider !== provider) throw new ChatInputError(`No ${PROVIDER_NAMES[provider]} message ${id} in the chat to reply to`);
		return message;
	}

	private get metaDigits(): string {
		return this.deps.meta.displayPhoneNumber.replace(/\D/g, '');
	}

	private get waId(): string {
		return this.me.phone.slice(1);
	}

	/** Who sends the user's Meta messages: by number, or by BSUID and username while the number is hidden. */
	private metaSender(): Pick<MetaMessageInput, 'from' | 'name' | 'userId' | 'username'> {
		const { name, userId, username, phoneHidden } = this.me;
		return phoneHidden ? { from: null, name, userId, username } : { from: this.waId, name, userId };
	}

	private metaContext(quoted: ChatMessage): Record<string, unknown> {
		if (quoted.direction === 'out') return { from: this.metaDigits, id: quoted.id };
		// The user's own message: its sender is the number, which a hidden number leaves out.
		return this.me.phoneHidden ? { id: quoted.id } : { from: this.waId, id: quoted.id };
	}

	private twilioReplyTo(quoted: ChatMessage): { sid: string; sender: string } {
		return { sid: quoted.id, sender: quoted.direction === 'out' ? this.deps.twilio.whatsAppNumber : `whatsapp:${this.me.phone}` };
	}

	/** Builds the provider's webhook for what the user wrote, adds it to the chat, delivers it. */
	private async sendInbound(provider: Provider, given: ChatContent, quoted: ChatMessage | undefined, bytes?: Buffer): Promise<ChatSendResult> {
		let id: string;
		let raw: Record<string, unknown>;
		let content = given;
		const media = content.media ? { ...content.media } : undefined;
		if (provider === 'meta') {
			const input: MetaMessageInput = { type: content.type as MetaMessageInput['type'], ...this.metaSender() };
			if (quoted) input.context = this.metaContext(quoted);
			if (content.type === 'text') input.text = content.text ?? '';
			if (content.location) {
				const { latitude, longitude, name, address } = content.location;
				// The builder's sample has a url; a user's shared place has only what is given.
				input.location = { latitude, longitude, name, address, url: undefined };
			}
			if (media && bytes) {
				input.media = { bytes, mimeType: media.mimeType, ...(media.fileName ? { fileName: media.fileName } : {}) };
				const caption = content.text && ['image', 'video', 'document'].includes(media.kind) ? { caption: content.text } : {};
				(input as unknown as Record<string, unknown>)[media.kind] = { mime_type: media.mimeType, ...caption };
			}
			const payload = this.deps.metaPayload.message(input);
			const message = firstMetaMessage(payload);
			id = String(message.id);
			raw = payload as unknown as Record<string, unknown>;
			if (media) media.url = `/chat/api/media/meta/${encodeURIComponent(String(obj(message[media.kind]).id))}`;
		} else {
			const input: TwilioMessageInput = { from: `whatsapp:${this.me.phone}`, profileName: this.me.name };
			if (quoted) input.replyTo = this.twilioReplyTo(quoted);
			if (content.type === 'text') input.body = content.text ?? '';
			if (content.location) {
				const { latitude, longitude, name, address } = content.location;
				input.location = { latitude, longitude, ...(address ? { address } : {}), ...(name ? { label: name } : {}) };
			}
			if (media && bytes) {
				input.media = { contentType: media.mimeType, bytes };
				input.body = content.text ?? '';
			}
			const params = this.deps.twilioParams.message(input);
			id = params.MessageSid;
			raw = params;
			// e.g. a vCard file is a contacts message on Twilio.
			content = { ...content, type: params.MessageType };
			if (media) {
				const mediaSid = (params.MediaUrl0 ?? '').split('/').pop() ?? '';
				media.url = `/chat/api/media/twilio/${id}/${mediaSid}`;
			}
		}
		const message: ChatMessage = {
			...content,
			...(media ? { media } : {}),
			id,
			provider,
			direction: 'in',
			status: 'pending',
			timestamp: Date.now(),
			reactions: {},
			rev: 0,
			raw,
		};
		if (quoted) message.context = { id: quoted.id, preview: previewOf(quoted), direction: quoted.direction };
		this.add(message);
		const delivery = await this.deliverInbound(message);
		return { message: structuredClone(message), delivery };
	}

	private async deliverInbound(message: ChatMessage): Promise<ChatDelivery> {
		const delivery = await this.deliver(message.provider, message.raw);
		message.delivery = delivery;
		if (message.status === 'pending' || !delivery.delivered) message.status = delivery.delivered ? 'delivered' : 'failed';
		this.changed(message);
		return delivery;
	}

	private target(provider: Provider, raw?: unknown): { url: string } | { error: string } | undefined {
		const { meta, twilio, state } = this.deps;
		try {
			if (provider === 'meta') {
				const payload = raw ?? {
					object: 'whatsapp_business_account',
					entry: [{ id: meta.wabaId, changes: [{ field: 'messages', value: { metadata: { phone_number_id: meta.phoneNumberId } } }] }],
				};
				return { url: metaDeliveryTarget(payload, meta, state.webhooks).url };
			}
			const params = (raw as Record<string, string> | undefined) ?? { To: twilio.whatsAppNumber };
			return { url: twilioDeliveryTarget('message', params, state.webhooks).url };
		} catch (error) {
			return raw === undefined ? undefined : { error: (error as Error).message };
		}
	}

	private async deliver(provider: Provider, raw: unknown): Promise<ChatDelivery> {
		// Twilio keeps the user's message as a Message resource even when no webhook hears of it.
		if (provider === 'twilio') this.deps.state.recordTwilioInbound(raw as Record<string, string>);
		const target = this.target(provider, raw);
		if (!target || 'error' in target) {
			return { delivered: false, listening: false, error: notListeningText(provider), ...(target ? { detail: target.error } : {}) };
		}
		try {
			const answer =
				provider === 'meta'
					? await this.deps.deliverMeta(raw as object)
					: await this.deps.deliverTwilio(raw as Record<string, string>, { kind: 'message' });
			const delivered = answer.status >= 200 && answer.status < 300;
			return {
				delivered,
				listening: true,
				status: answer.status,
				url: target.url,
				...(delivered ? {} : { error: `not delivered: HTTP ${answer.status}` }),
			};
		} catch (error) {
			return { delivered: false, listening: true, url: target.url, error: `not delivered: ${(error as Error).message}` };
		}
	}

	private async react(provider: Provider, messageId: string, emoji: string): Promise<ChatSendResult> {
		const target = this.byId.get(messageId);
		if (!target || target.provider !== provider) throw new ChatInputError(`No ${PROVIDER_NAMES[provider]} message ${messageId} in the chat to react to`);
		if (emoji.length > 16) throw new ChatInputError("'emoji' must be one emoji, or '' to remove the reaction");
		if (emoji) target.reactions.user = emoji;
		else delete target.reactions.user;
		this.changed(target);
		if (provider === 'twilio') {
			// Twilio's inbound webhook has no reaction event: the reaction stays on this page.
			return {
				message: structuredClone(target),
				delivery: { delivered: false, listening: this.listening('twilio'), note: 'Twilio does not send reactions to webhooks, so no workflow hears of it.' },
			};
		}
		const payload = this.deps.metaPayload.message({ type: 'reaction', ...this.metaSender(), reaction: { message_id: messageId, emoji } });
		return { message: structuredClone(target), delivery: await this.deliver('meta', payload) };
	}

	private async reply(provider: Provider, messageId: string, replyId: string): Promise<ChatSendResult> {
		const original = this.byId.get(messageId);
		if (!original || original.provider !== provider || original.direction !== 'out') {
			throw new ChatInputError(`No ${PROVIDER_NAMES[provider]} business message ${messageId} in the chat`);
		}
		const rows = original.list?.sections.flatMap((s) => s.rows) ?? [];
		const buttons = (original.buttons ?? []).filter((b) => b.kind === 'reply');
		const row = rows.find((r) => r.replyId === replyId);
		const button = row ? undefined : (buttons.find((b) => b.replyId === replyId) ?? buttons.find((b) => b.title === replyId));
		if (!row && !button) {
			const known = [...buttons.map((b) => b.replyId), ...rows.map((r) => r.replyId)];
			throw new ChatInputError(`Message ${messageId} has no reply button or list row '${replyId}' (it has ${known.join(', ') || 'none'})`);
		}
		const title = row ? row.title : (button?.title ?? '');
		const payloadId = row ? row.replyId : (button?.payload ?? button?.replyId ?? title);
		const context = { id: original.id, preview: previewOf(original), direction: 'out' as const };
		let id: string;
		let raw: Record<string, unknown>;
		let type: string;
		if (provider === 'meta') {
			const base = { ...this.metaSender(), context: this.metaContext(original) };
			let payload: MetaWebhookPayload;
			if (row) {
				type = 'interactive';
				const list_reply = { id: row.replyId, title: row.title, ...(row.description ? { description: row.description } : {}) };
				payload = this.deps.metaPayload.message({ ...base, type: 'interactive', interactive: { type: 'list_reply', list_reply } });
			} else if (original.type === 'template') {
				type = 'button';
				payload = this.deps.metaPayload.message({ ...base, type: 'button', button: { payload: payloadId, text: title } });
			} else {
				type = 'interactive';
				payload = this.deps.metaPayload.message({ ...base, type: 'interactive', interactive: { type: 'button_reply', button_reply: { id: payloadId, title } } });
			}
			id = String(firstMetaMessage(payload).id);
			raw = payload as unknown as Record<string, unknown>;
		} else {
			// Quick-reply taps come as MessageType button, list-picker picks as interactive; both
			// with the item's id in ButtonPayload and its title in ButtonText and Body.
			type = row ? 'interactive' : 'button';
			const params = this.deps.twilioParams.message({
				type: row ? 'interactive' : 'button',
				from: `whatsapp:${this.me.phone}`,
				profileName: this.me.name,
				body: title,
				button: { text: title, payload: payloadId },
				replyTo: this.twilioReplyTo(original),
			});
			id = params.MessageSid;
			raw = params;
		}
		const message: ChatMessage = {
			id,
			provider,
			direction: 'in',
			type,
			text: title,
			...(row?.description ? { footer: row.description } : {}),
			status: 'pending',
			timestamp: Date.now(),
			reactions: {},
			rev: 0,
			context,
			raw,
		};
		this.add(message);
		const delivery = await this.deliverInbound(message);
		return { message: structuredClone(message), delivery };
	}

	// ------------------------------------------------------------------------------------------
	// What the business does

	private renderContext(): RenderContext {
		const { state } = this.deps;
		return {
			templates: state.metaTemplates,
			contents: state.twilioContents,
			metaMedia: (id) => {
				const media = state.media.get(id);
				return media ? { mimeType: media.mimeType, ...(media.fileName ? { fileName: media.fileName } : {}) } : undefined;
			},
		};
	}

	private onOutbound(outbound: OutboundMessage): void {
		if (outbound.provider === 'twilio' && !outbound.to.startsWith('whatsapp:')) return; // SMS through the service
		const content = outbound.provider === 'meta' ? renderMetaOutbound(outbound, this.renderContext()) : renderTwilioOutbound(outbound, this.renderContext());
		const message: ChatMessage = {
			...content,
			id: outbound.id,
			provider: outbound.provider,
			direction: 'out',
			status: 'pending',
			timestamp: outbound.timestamp,
			// Meta: a number, or the BSUID of a message sent by `recipient` (e.g. to the user while the number is hidden).
			to: outbound.provider === 'meta' ? metaAddress(outbound.to) : stripChannel(outbound.to),
			reactions: {},
			rev: 0,
			statusWebhooks: [],
			raw: outbound.content,
		};
		if (outbound.context) {
			const quoted = this.byId.get(outbound.context.message_id);
			message.context = { id: outbound.context.message_id, ...(quoted ? { preview: previewOf(quoted), direction: quoted.direction } : {}) };
		}
		if (content.reaction) {
			const target = this.byId.get(content.reaction.messageId);
			if (target && target.provider === outbound.provider) {
				if (content.reaction.emoji) target.reactions.business = content.reaction.emoji;
				else delete target.reactions.business;
				this.changed(target);
			}
		}
		this.add(message);
		// A message from the business ends its "typing…", as on WhatsApp.
		if (this.typingUntil[outbound.provider] !== undefined) this.setTyping(outbound.provider, false);
		if (!this.stopped) void this.runStatuses(message, outbound);
	}

	private setTyping(provider: Provider, typing: boolean): void {
		clearTimeout(this.typingTimers[provider]);
		delete this.typingTimers[provider];
		if (typing) {
			this.typingUntil[provider] = Date.now() + TYPING_INDICATOR_MS;
			const timer = setTimeout(() => this.setTyping(provider, false), TYPING_INDICATOR_MS);
			timer.unref();
			this.typingTimers[provider] = timer;
		} else {
			delete this.typingUntil[provider];
		}
		this.emit('typing', { meta: this.typing('meta'), twilio: this.typing('twilio') });
	}

	private onRead(provider: Provider, id: string, typing = false): void {
		const target = this.byId.get(id);
		if (!target || target.provider !== provider || target.direction !== 'in') return;
		if (typing) this.setTyping(provider, true);
		// Marking a message read marks the earlier ones read too, as WhatsApp shows it.
		for (const message of this.messages) {
			if (message.provider !== provider || message.direction !== 'in') continue;
			if (message === target || message.status === 'delivered' || message.status === 'pending') {
				if (message.status !== 'read') {
					message.status = 'read';
					this.changed(message);
				}
			}
			if (message === target) break;
		}
	}

	private async runStatuses(message: ChatMessage, outbound: OutboundMessage): Promise<void> {
		const generation = this.generation;
		const alive = () => !this.stopped && generation === this.generation && this.byId.get(message.id) === message;
		await this.sleep(this.delayMs);
		if (!alive()) return;
		await this.sendStatus(message, outbound, 'sent');
		await this.sleep(this.delayMs);
		if (!alive()) return;
		await this.sendStatus(message, outbound, 'delivered');
		// Read: only once the user has the conversation on screen.
		for (;;) {
			await this.whenViewed(message);
			await this.sleep(this.delayMs);
			if (!alive()) return;
			if (this.isViewed(message.provider)) break;
		}
		await this.sendStatus(message, outbound, 'read');
	}

	private async sendStatus(message: ChatMessage, outbound: OutboundMessage, status: 'sent' | 'delivered' | 'read'): Promise<void> {
		message.status = status;
		this.changed(message);
		const record: ChatStatusWebhook = { status, at: Date.now() };
		try {
			let answer: DeliveryAnswer;
			if (outbound.provider === 'meta') {
				const payload = this.deps.metaPayload.status({
					status,
					id: outbound.id,
					...this.metaRecipient(outbound.to),
					pricing: status === 'read' ? false : this.pricing(message),
				});
				answer = await this.deps.deliverMeta(payload);
			} else {
				const viaService = outbound.from.startsWith('MG');
				const params = this.deps.twilioParams.status({
					status,
					messageSid: outbound.id,
					to: outbound.to,
					from: viaService ? this.deps.twilio.whatsAppNumber : outbound.from,
					...(viaService ? { messagingServiceSid: outbound.from } : {}),
				});
				answer = await this.deps.deliverTwilio(params, { kind: 'status', ...(outbound.statusCallback ? { url: outbound.statusCallback } : {}) });
			}
			record.httpStatus = answer.status;
		} catch (error) {
			record.error = (error as Error).message;
		}
		message.statusWebhooks?.push(record);
		this.changed(message);
	}

	/**
	 * Whom a Meta status names: a message sent by number has recipient_id (and the user's BSUID
	 * when it went to the user); one sent by BSUID only recipient_user_id.
	 */
	private metaRecipient(to: string): Pick<MetaStatusInput, 'recipientId' | 'recipientUserId'> {
		if (BSUID.test(to)) return { recipientId: null, recipientUserId: to };
		const waId = to.replace(/^\+/, '');
		return waId === this.waId ? { recipientId: waId, recipientUserId: this.me.userId } : { recipientId: waId };
	}

	/** Template messages are billed in the template's category; replies in the service window are free. */
	private pricing(message: ChatMessage): Record<string, unknown> {
		if (message.type === 'template' && message.template) {
			const template = this.deps.state.metaTemplates.find((t) => t.name === message.template?.name && t.language === message.template?.language);
			return { billable: true, pricing_model: 'PMP', type: 'regular', category: (template?.category ?? 'UTILITY').toLowerCase() };
		}
		return { billable: false, pricing_model: 'PMP', type: 'free_customer_service', category: 'service' };
	}

	// ------------------------------------------------------------------------------------------
	// Conversation store and event stream

	private add(message: ChatMessage): void {
		this.messages.push(message);
		this.byId.set(message.id, message);
		const mine = this.messages.filter((m) => m.provider === message.provider);
		if (mine.length > MAX_CHAT_MESSAGES) {
			for (const old of mine.slice(0, mine.length - MAX_CHAT_MESSAGES)) {
				this.messages.splice(this.messages.indexOf(old), 1);
				this.byId.delete(old.id);
			}
			// Messages never read (no page open) must not keep their waiting status sequences.
			this.viewWaiters = this.viewWaiters.filter((w) => this.byId.has(w.id));
		}
		this.changed(message, 'message');
	}

	/** Bumps the message's revision and tells the pages. */
	private changed(message: ChatMessage, event: 'message' | 'update' = 'update'): void {
		this.revision += 1;
		message.rev = this.revision;
		this.emit(event, message);
	}

	private sleep(ms: number): Promise<void> {
		return new Promise((resolve) => {
			const timer = setTimeout(() => {
				this.timers.delete(timer);
				resolve();
			}, ms);
			this.timers.add(timer);
		});
	}

	private isViewed(provider: Provider): boolean {
		for (const viewer of this.viewers) if (viewer.view === provider) return true;
		return false;
	}

	private whenViewed(message: ChatMessage): Promise<void> {
		if (this.isViewed(message.provider)) return Promise.resolve();
		return new Promise((resolve) => this.viewWaiters.push({ provider: message.provider, id: message.id, resolve }));
	}

	private wakeViewWaiters(): void {
		const waiting = this.viewWaiters;
		this.viewWaiters = [];
		for (const waiter of waiting) {
			if (this.isViewed(waiter.provider)) waiter.resolve();
			else this.viewWaiters.push(waiter);
		}
	}

	/**
	 * Serves GET /chat/api/events: a `snapshot` event first, then `message` (added), `update`
	 * (status, reactions, delivery), `listening` (registrations changed), `user` (the number hidden
	 * or shown, a new BSUID) and `clear`.
	 * `view` is the conversation on screen (`meta`, `twilio`), which lets read statuses go out.
	 */
	openStream(res: ServerResponse, client: string, view: Provider | null): void {
		res.writeHead(200, {
			'content-type': 'text/event-stream; charset=utf-8',
			'cache-control': 'no-cache, no-transform',
			connection: 'keep-alive',
			'x-accel-buffering': 'no',
		});
		res.write('retry: 1000\n\n');
		const viewer: Viewer = { client, res, view };
		this.viewers.add(viewer);
		const snapshot = this.snapshot();
		this.lastListening = JSON.stringify(snapshot.listening);
		this.write(viewer, 'snapshot', snapshot);
		res.on('close', () => {
			this.viewers.delete(viewer);
			if (this.viewers.size === 0) this.stopTicker();
		});
		this.startTicker();
		this.wakeViewWaiters();
	}

	/** POST /chat/api/view: which conversation a page shows now (null: none, e.g. the tab is hidden). */
	setView(client: string, view: Provider | null): number {
		let count = 0;
		for (const viewer of this.viewers) {
			if (viewer.client !== client) continue;
			viewer.view = view;
			count += 1;
		}
		this.wakeViewWaiters();
		return count;
	}

	private write(viewer: Viewer, event: string, data: unknown): void {
		if (viewer.res.writableEnded || viewer.res.destroyed) return;
		this.eventId += 1;
		viewer.res.write(`id: ${this.eventId}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
	}

	private emit(event: string, data: unknown): void {
		if (this.viewers.size === 0) return;
		for (const viewer of this.viewers) this.write(viewer, event, data);
	}

	/** While pages are connected: tells them when registrations change, keeps the streams alive. */
	private startTicker(): void {
		if (this.ticker) return;
		this.ticker = setInterval(() => {
			this.ticks += 1;
			const listening = JSON.stringify({ meta: this.listening('meta'), twilio: this.listening('twilio') });
			if (listening !== this.lastListening) {
				this.lastListening = listening;
				this.emit('listening', JSON.parse(listening));
			}
			if (this.ticks % 15 === 0) for (const viewer of this.viewers) if (!viewer.res.writableEnded) viewer.res.write(': keep-alive\n\n');
		}, 1000);
		this.ticker.unref();
	}

	private stopTicker(): void {
		if (this.ticker) clearInterval(this.ticker);
		this.ticker = undefined;
	}
}

function checkDelay(ms: number): number {
	if (!Number.isFinite(ms) || ms < 0) throw new RangeError('statusDelayMs must be a number of milliseconds, 0 or more');
	return ms;
}

function obj(value: unknown): Record<string, unknown> {
	return isPlainObject(value) ? value : {};
}

function firstMetaMessage(payload: MetaWebhookPayload): Record<string, unknown> {
	const messages = payload.entry[0]?.changes[0]?.value.messages;
	return obj(Array.isArray(messages) ? messages[0] : undefined);
}

export { PROVIDERS as CHAT_PROVIDERS };
