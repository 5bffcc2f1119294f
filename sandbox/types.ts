import type { IncomingHttpHeaders } from 'node:http';

import type { MultipartPart } from './multipart';

export type Provider = 'meta' | 'twilio';

/**
 * - `429`, `500`: the provider's refusal (Meta 130429 / Twilio 20429, or an internal error); not processed.
 * - `reset`: the request is read, not processed, and its connection destroyed: a client cannot
 *   tell it from `reset-after`.
 * - `reset-before`: the request is answered as usual but its connection closed
 *   (`Connection: close`), and the next connection the client opens is reset as soon as it is
 *   accepted, before a byte is read: the request written on it never arrives, as after a refused
 *   connection or a failed TLS handshake. The client can tell that nothing was sent.
 * - `reset-after`: the request is processed (a message is accepted and sent), then its
 *   connection destroyed without an answer: the client cannot know the message went out.
 * - `131056`: Meta's pair rate limit (too many messages to one person); Twilio answers 20429.
 */
export type FaultKind = '429' | '500' | 'reset' | 'reset-before' | 'reset-after' | '131056';

export interface FaultOptions {
	/** Share of requests that get a fault, 0..1. */
	rate: number;
	kinds: FaultKind[];
	/**
	 * A fixed plan for message sends (POST …/messages on Meta, …/Messages.json on Twilio), in the
	 * order they arrive: entry n is the fault of the n-th send (`null`: none). Sends past its end
	 * get none. With a schedule, `rate` applies to the other requests only.
	 */
	schedule?: Array<FaultKind | null>;
	/** Sent in the `Retry-After` header of 429 answers; default 1. */
	retryAfterSeconds?: number;
	/** Makes the sequence of faulted requests and kinds repeatable. */
	seed?: number;
}

export interface RateLimitOptions {
	/**
	 * Messages accepted per sender in any 1,000 ms; a send above it gets HTTP 429 (Meta 130429,
	 * Twilio 20429) with Retry-After, and is not processed.
	 */
	messagesPerSecond: number;
	/** Retry-After of those answers, seconds; default 1. */
	retryAfterSeconds?: number;
}

export interface PairRateLimitOptions {
	/**
	 * Meta only: a message to a person opens a window of `windowMs` that takes `messages` (a burst);
	 * more before it ends get 131056, not processed.
	 */
	messages: number;
	windowMs: number;
}

/** What the sandbox saw, for tests and benchmarks (since start or resetCounters()). */
export interface SandboxCounters {
	/** Messages accepted for sending, per recipient (Meta wa_id or BSUID, Twilio `To`). */
	acceptedByRecipient: Record<string, number>;
	/** When each accepted message was accepted (ms since epoch), with its sender, oldest first. */
	accepted: Array<{ provider: Provider; from: string; to: string; at: number }>;
	/** Requests to the emulated APIs being handled right now, and the most at once. */
	inFlight: number;
	peakInFlight: number;
	/** TCP connections the sandbox accepted (the chat page's included). */
	connectionsOpened: number;
	/** Faults that happened, by kind (a `reset-before` counts when its connection is reset). */
	faults: Partial<Record<FaultKind, number>>;
	/** Sends refused by rateLimit (HTTP 429) and by pairRateLimit (131056). */
	rateLimited: number;
	pairRateLimited: number;
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
	/** The provider's throughput limit, kept per sender number. Off by default. */
	rateLimit?: RateLimitOptions;
	/** Meta's pair rate limit (131056), kept per sender and person. Off by default. */
	pairRateLimit?: PairRateLimitOptions;
	meta?: Partial<MetaAccount>;
	twilio?: Partial<TwilioAccount>;
	/**
	 * Largest request body accepted, in bytes; larger ones are answered 413 without being kept.
	 * Default 101 MiB: Meta takes documents up to 100 MB, plus room for the multipart envelope.
	 */
	maxBodyBytes?: number;
	/**
	 * How long the sandbox waits for an answer when it calls out: Meta's verification handshake
	 * and every webhook delivery. Default 10,000 ms.
	 */
	webhookTimeoutMs?: number;
	/**
	 * Delay before each status webhook the sandbox sends for a message the business sent
	 * (sent, then delivered, then read while the chat page shows that conversation). Default 300.
	 */
	statusDelayMs?: number;
	/**
	 * How long the OpenAI stand-in (not a model: a fixed script, under /openai/v1) "thinks" before
	 * each chat completion, so the chat page's "typing…" can be seen. Default 0.
	 */
	openAiDelayMs?: number;
	/**
	 * The WhatsApp user of the chat page. Default +16505551234, Sheena Nelson (as the payload
	 * builders), BSUID US.13491208655302741918, username sheena.nelson, number shown.
	 */
	chatUser?: { phone?: string; name?: string; userId?: string; username?: string; phoneHidden?: boolean };
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
	faultReply(kind: '429' | '500' | '131056', retryAfterSeconds: number): SandboxReply;
	/** The provider's answer for a body over the sandbox's size cap. */
	tooLargeReply(limitBytes: number): SandboxReply;
}

/** A message the sandbox accepted for sending, through either API. */
export interface OutboundMessage {
	provider: Provider;
	/** `wamid.…` (Meta) or the Message SID (`SM…`/`MM…`, Twilio). */
	id: string;
	/**
	 * Meta: the wa_id (digits), or the business-scoped user ID (`US.1349…`) of a message sent by
	 * `recipient`; Twilio: `To` as sent, e.g. `whatsapp:+15551230000`.
	 */
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
	/** Twilio: the message's own StatusCallback URL, when it was sent with one. */
	statusCallback?: string;
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

// ---------------------------------------------------------------------------------------------
// Webhook registration and delivery (the sandbox calling the package's trigger)

/** Where Meta sends a WABA's webhooks, as registered through the Graph API. */
export interface MetaWebhooks {
	/** POST /<phone-number-id> {webhook_configuration: {override_callback_uri, verify_token}}. */
	phoneNumber?: { url: string; verifyToken: string };
	/**
	 * POST /<waba-id>/subscribed_apps. Absent until the first POST or DELETE on that edge;
	 * `url`/`verifyToken` only while an override is set.
	 */
	waba?: { subscribed: boolean; url?: string; verifyToken?: string };
	/** POST /<app-id>/subscriptions with object=whatsapp_business_account. */
	app?: {
		url: string;
		/** Subscribed field names, in subscription order. */
		fields: string[];
		verifyToken: string;
		includeValues: boolean;
		/** Graph version of the call that subscribed each field, e.g. `v24.0`. */
		versions: Record<string, string>;
	};
}

/** The `webhook` object of a Twilio Channels Sender (Senders API v2). */
export interface TwilioSenderWebhook {
	callback_url: string | null;
	callback_method: string | null;
	fallback_url: string | null;
	fallback_method: string | null;
	status_callback_url: string | null;
	status_callback_method: string | null;
}

export interface TwilioSenderView {
	sid: string;
	/** `whatsapp:+E164` */
	senderId: string;
	status: string;
	webhook: TwilioSenderWebhook;
}

export interface TwilioServiceView {
	sid: string;
	inboundRequestUrl: string | null;
	inboundMethod: string;
	fallbackUrl: string | null;
	fallbackMethod: string;
	statusCallback: string | null;
	useInboundWebhookOnNumber: boolean;
}

/** Where Twilio sends the account's WhatsApp webhooks. */
export interface TwilioWebhooks {
	/** The sender of the account's WhatsApp number (`TwilioAccount.whatsAppNumber`). */
	sender: TwilioSenderView;
	/** Every sender of the account, the account's own first. */
	senders: TwilioSenderView[];
	/** The account's Messaging Service, whose sender pool holds the account's WhatsApp number. */
	service: TwilioServiceView;
}

export type SignatureMode = 'valid' | 'missing' | 'wrong';

interface CallRecordBase {
	/** The URL the sandbox called (for a GET handshake, with its query). */
	url: string;
	method: string;
	/** HTTP status of the answer; 0 when none came (refused, reset, timed out). */
	status: number;
	/** Reason phrase of the answer, or the network error. */
	statusText: string;
	responseHeaders: Record<string, string | string[] | undefined>;
	responseBody: string;
	/** Set when no answer came: e.g. `ECONNREFUSED`, `timeout`. */
	error?: string;
	/** Epoch milliseconds when the call started. */
	at: number;
	durationMs: number;
}

/** Meta's GET to a callback URL before it stores it. */
export interface HandshakeRecord extends CallRecordBase {
	kind: 'handshake';
	/** Which registration asked for it. */
	level: 'phone_number' | 'whatsapp_business_account' | 'application';
	verifyToken: string;
	challenge: string;
	/** 200 with exactly the challenge as the body. */
	ok: boolean;
}

export interface MetaDeliveryRecord extends CallRecordBase {
	kind: 'meta';
	/** How the URL was chosen: a registration level, or `given` (options.url). */
	target: 'phone_number' | 'whatsapp_business_account' | 'application' | 'given';
	requestHeaders: Record<string, string>;
	/** The exact bytes sent (and signed), as UTF-8 text. */
	rawBody: string;
	payload: unknown;
	signature: SignatureMode;
}

export interface TwilioDeliveryRecord extends CallRecordBase {
	kind: 'twilio';
	/** Inbound message or status callback. */
	event: 'message' | 'status';
	/** How the URL was chosen. */
	target: 'sender' | 'sender_fallback' | 'service' | 'service_fallback' | 'given';
	requestHeaders: Record<string, string>;
	rawBody: string;
	params: Record<string, string>;
	/** The URL the signature was computed over (publicUrl when given; with bodySHA256 for JSON). */
	signedUrl: string;
	signature: SignatureMode;
	json: boolean;
}

export type DeliveryRecord = HandshakeRecord | MetaDeliveryRecord | TwilioDeliveryRecord;

/** What deliverMeta/deliverTwilio hand back: the answer of the called URL. */
export interface DeliveryAnswer {
	status: number;
	/** The body as text. */
	body: string;
	headers: Record<string, string | string[] | undefined>;
}
