/**
 * The unified event the trigger emits, one per message, status, identity change or update,
 * whichever provider sent it (DESIGN.md, "Unified event"). Providers parse their webhooks into
 * these; nothing downstream reads a provider's webhook format.
 */
import type { ProviderName } from './types';

export type EventKind = 'message' | 'status' | 'identity' | 'error' | 'template' | 'account' | 'unsupported';

export type InboundMessageType =
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
	| 'request_welcome'
	| 'edit'
	| 'revoke'
	| 'unsupported';

export interface InboundMedia {
	/** Meta media ID (valid 7 days). */
	id?: string;
	/** Meta: a short-lived download URL; Twilio: the media URL (needs the account's auth). */
	url?: string;
	mimeType?: string;
	sha256?: string;
	caption?: string;
	filename?: string;
	voice?: boolean;
	animated?: boolean;
}

export interface InboundLocation {
	latitude: number;
	longitude: number;
	name?: string;
	address?: string;
	url?: string;
}

export interface InboundReply {
	/** The ID of the tapped button or list row (or a template quick reply's payload). */
	id: string;
	title: string;
	description?: string;
	payload?: string;
	/** `button`, `list`, `template_button`, `flow`, `call_permission`. */
	kind?: string;
}

export interface InboundMessage {
	type: InboundMessageType;
	text?: string;
	media?: InboundMedia;
	location?: InboundLocation;
	/** Contact cards as the provider sent them (Meta's shape), or vCard media on Twilio. */
	contacts?: unknown[];
	reply?: InboundReply;
	reaction?: { messageId: string; emoji?: string };
	order?: { catalogId?: string; text?: string; items: Array<{ productId: string; quantity: number; price?: number; currency?: string }> };
	/**
	 * Meta's system notices. A changed number (`user_changed_number`) or BSUID
	 * (`user_changed_user_id`) is not a message but an `identity` event.
	 */
	system?: { type?: string; body?: string; newWaId?: string };
	/** What the message replies to; forwarded messages have a context without an ID. */
	context?: { messageId?: string; from?: string; forwarded?: boolean; frequentlyForwarded?: boolean };
	/** An edit of an earlier message (the new content is in the other fields). */
	edit?: { originalMessageId: string };
	/** The person deleted an earlier message. */
	revoke?: { originalMessageId: string };
	referral?: Record<string, unknown>;
	/** Provider errors attached to an unsupported message. */
	errors?: EventError[];
}

export interface EventError {
	code: number | string;
	title?: string;
	message?: string;
	details?: string;
}

export interface StatusUpdate {
	/** sent, delivered, read, played, failed, undelivered… as the provider says it. */
	status: string;
	recipient: string;
	errors?: EventError[];
	pricing?: Record<string, unknown>;
	conversation?: Record<string, unknown>;
}

/**
 * The person a message is from, a status is about or an identity change is of. A person may have a
 * phone number, a business-scoped user ID (BSUID), or both: WhatsApp users with a username can hide
 * their number, and then only the BSUID arrives.
 */
export interface EventContact {
	/**
	 * The value that always works as the recipient of a reply through the same provider: the phone
	 * number (`phoneNumber`, E.164) when the event has one, else the BSUID (`userId`). Absent only
	 * when the event names neither. Map this into "To" rather than `phoneNumber`, which is empty for
	 * people without a visible number.
	 */
	id?: string;
	/** WhatsApp ID: the phone number as digits, as Meta's `wa_id` (and Twilio's `WaId`) give it. */
	waId?: string;
	/** E.164, e.g. `+16505551234`. Absent for people who hide their number behind a username. */
	phoneNumber?: string;
	/** Profile name. */
	name?: string;
	/** WhatsApp username, as the provider sends it. */
	username?: string;
	/** Business-scoped user ID (BSUID), e.g. `US.13491208655302741918`. */
	userId?: string;
	/** Parent BSUID, shared across linked business portfolios (e.g. `US.ENT.11815799212886844830`). */
	parentUserId?: string;
}

/** The identifiers of a person on one side of an identity change; only those the provider reported. */
export interface IdentityIds {
	/** E.164. */
	phoneNumber?: string;
	/** BSUID. */
	userId?: string;
	/** Parent BSUID. */
	parentUserId?: string;
}

/**
 * `event: 'identity'`: a person's phone number or BSUID changed. `previous` and `current` hold
 * the identifiers that changed, as far as the provider reported them (a value the provider only
 * gave in free text is read from it when it is unambiguous, else left out: never guessed). The
 * event's `contact` is the person as they are now, so `contact.id` reaches them.
 *
 * Meta: the `user_changed_number` and `user_changed_user_id` system messages (which are emitted as
 * this event, not as messages of type `system`) and the `user_id_update` webhook field.
 */
export interface IdentityChange {
	/** What changed: the phone number (which may also give a new BSUID) or only the BSUID. */
	change: 'phoneNumber' | 'userId';
	previous: IdentityIds;
	current: IdentityIds;
	/** The provider's own words, e.g. `User Sheena Nelson changed from 16505551234 to 16505559876`. */
	description?: string;
}

export interface UnifiedEvent {
	event: EventKind;
	provider: ProviderName;
	/**
	 * Message ID (wamid.… / SM…), status's message ID, the system message's ID of an identity
	 * change, or an ID of the update.
	 */
	id: string;
	/** ISO 8601. The time of receipt when the provider sends none, or one that cannot be read. */
	timestamp: string;
	/**
	 * Only when the provider's timestamp could not be read (not a number, or beyond what a date can
	 * hold): that value as sent; `timestamp` is then the time of receipt.
	 */
	timestampInvalid?: string;
	business: { phoneNumber?: string; phoneNumberId?: string; wabaId?: string };
	contact: EventContact;
	message?: InboundMessage;
	status?: StatusUpdate;
	/** `event: 'identity'` only. */
	identity?: IdentityChange;
	/**
	 * Errors (`event: 'error'`), template and account updates: what the provider said. An item the
	 * parser could not read is an `unsupported` event with `update: { field, item, parseError }`.
	 */
	update?: { field: string; [key: string]: unknown };
	/**
	 * Only when something was cut: the paths (e.g. `raw.message.interactive.a.a`) of objects or
	 * arrays nested more than 64 levels below the item, each replaced by the text
	 * `[truncated: nested too deep]` (the first ten paths, then `…and N more`).
	 */
	truncated?: string[];
	raw: unknown;
}
