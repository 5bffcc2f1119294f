import type { IncomingHttpHeaders } from 'node:http';

import type { MultipartPart } from './multipart';

export type Provider = 'meta' | 'twilio';

export type FaultKind = '429' | '500' | 'reset';

export interface FaultOptions {
	/** Share of requests that get a fault, 0..1. */
	rate: number;
	kinds: FaultKind[];
	/** Sent in the `Retry-After` header of 429 answers; default 1. */
	retryAfterSeconds?: number;
	/** Makes the sequence of faulted requests and kinds repeatable. */
	seed?: number;
}

export interface MetaAccount {
	accessToken: string;
	phoneNumberId: string;
	wabaId: string;
	displayPhoneNumber: string;
	verifiedName: string;
	appId: string;
	appSecret: string;
}

export interface TwilioAccount {
	accountSid: string;
	authToken: string;
	apiKeySid: string;
	apiKeySecret: string;
	/** `whatsapp:+E164` */
	whatsAppNumber: string;
	messagingServiceSid: string;
}

export interface SandboxOptions {
	/** 0 = ephemeral (default). */
	port?: number;
	/** Added before every answer (default 0). */
	latencyMs?: number;
	faults?: FaultOptions;
	meta?: Partial<MetaAccount>;
	twilio?: Partial<TwilioAccount>;
	/**
	 * Largest request body accepted, in bytes; larger ones are answered 413 without being kept.
	 * Default 101 MiB: Meta takes documents up to 100 MB, plus room for the multipart envelope.
	 */
	maxBodyBytes?: number;
}

export type FormBody = Record<string, string | string[]>;

export interface RecordedRequest {
	provider: Provider;
	method: string;
	/** Without the `/graph` or `/twilio` prefix and without the query. */
	path: string;
	query: Record<string, string | string[]>;
	headers: Record<string, string | string[] | undefined>;
	rawBody: Buffer;
	/**
	 * Parsed JSON, or a form (repeated keys become arrays), or for multipart/form-data the plain
	 * fields as strings and each file as `{ filename, contentType, size }`; else undefined.
	 */
	body: unknown;
	/**
	 * Set when rawBody was emptied to bound memory: the recorded raw bodies together are kept
	 * under 256 MiB, oldest emptied first. `body` stays.
	 */
	rawBodyDropped?: true;
	/** Epoch milliseconds when the request was fully received. */
	at: number;
	/** Set when a fault knob answered instead of the emulated API. */
	fault?: FaultKind;
	/** Set when a canned answer from injectResponse() was used. */
	injected?: boolean;
	/** HTTP status sent back; absent for `reset` faults and while the answer is pending. */
	status?: number;
}

export interface InjectMatch {
	provider?: Provider;
	method?: string;
	/** Tested against RecordedRequest.path. */
	path?: RegExp;
}

export interface InjectedResponse {
	status: number;
	/** Objects are sent as JSON; strings and Buffers as they are. */
	body: unknown;
	headers?: Record<string, string>;
}

/** What a provider module gets: the request, already read and parsed. */
export interface SandboxRequest {
	method: string;
	path: string;
	query: Record<string, string | string[]>;
	headers: IncomingHttpHeaders;
	rawBody: Buffer;
	body: unknown;
	contentType: string;
	/** The parts of a multipart/form-data body (views into rawBody); undefined for other bodies. */
	multipart?: MultipartPart[];
	/** `http://<host>:<port>` as the client addressed the sandbox, for absolute links in answers. */
	baseUrl: string;
}

export interface SandboxReply {
	status: number;
	body?: unknown;
	headers?: Record<string, string>;
}

/** One emulated API, mounted under a URL prefix of the sandbox. */
export interface ProviderHandler {
	readonly provider: Provider;
	/** e.g. `/graph`; requests are handed over with this prefix removed. */
	readonly prefix: string;
	handle(request: SandboxRequest): SandboxReply | Promise<SandboxReply>;
	/** The provider's own answer for an injected 429 or 500. */
	faultReply(kind: '429' | '500', retryAfterSeconds: number): SandboxReply;
	/** The provider's answer for a body over the sandbox's size cap. */
	tooLargeReply(limitBytes: number): SandboxReply;
}

/** A message the sandbox accepted for sending, through either API. */
export interface OutboundMessage {
	provider: Provider;
	/** `wamid.…` (Meta) or the Message SID (`SM…`/`MM…`, Twilio). */
	id: string;
	/** Meta: the wa_id (digits); Twilio: `To` as sent, e.g. `whatsapp:+15551230000`. */
	to: string;
	/** Meta: the phone number id; Twilio: `From`, or the Messaging Service SID. */
	from: string;
	/**
	 * Meta: the message type (text, image, template, interactive, …).
	 * Twilio: `text`, `media`, `location` (PersistentAction geo) or `content` (ContentSid).
	 */
	type: string;
	/**
	 * Meta: the object under the type key, as sent (an array for contacts).
	 * Twilio: `{ body, media_urls, persistent_action, content_sid, content_variables }`.
	 */
	content: unknown;
	/** Meta replies only. */
	context?: { message_id: string };
	/** Epoch milliseconds when the sandbox accepted it. */
	timestamp: number;
}

/** A file uploaded with POST /<phone-number-id>/media. */
export interface StoredMedia {
	/** Numeric media id, as Meta hands out. */
	id: string;
	mimeType: string;
	/** Bytes. */
	size: number;
	/** Hex SHA-256 of the bytes. */
	sha256: string;
	/** The filename of the uploaded part, if it had one. */
	fileName: string | undefined;
	bytes: Buffer;
	phoneNumberId: string;
	/** Epoch milliseconds. */
	uploadedAt: number;
	/** Part of the download URL that GET /<media-id> hands out. */
	downloadToken: string;
}
