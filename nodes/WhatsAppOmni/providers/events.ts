/**
 * The unified event the trigger emits, one per message or status, whichever provider sent it
 * (DESIGN.md, "Unified event"). Providers parse their webhooks into these; nothing downstream
 * reads a provider's webhook format.
 */
import type { ProviderName } from './types';

export type EventKind = 'message' | 'status' | 'error' | 'template' | 'account' | 'unsupported';

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

export interface UnifiedEvent {
	event: EventKind;
	provider: ProviderName;
	/** Message ID (wamid.… / SM…), status's message ID, or an ID of the update. */
	id: string;
	/** ISO 8601. The time of receipt when the provider sends none, or one that cannot be read. */
	timestamp: string;
	/**
	 * Only when the provider's timestamp could not be read (not a number, or beyond what a date can
	 * hold): that value as sent; `timestamp` is then the time of receipt.
	 */
	timestampInvalid?: string;
	business: { phoneNumber?: string; phoneNumberId?: string; wabaId?: string };
	contact: { waId?: string; phoneNumber?: string; name?: string; username?: string; userId?: string };
	message?: InboundMessage;
	status?: StatusUpdate;
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
