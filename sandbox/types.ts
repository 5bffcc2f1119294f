import type { IncomingHttpHeaders } from 'node:http';

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
	/** Parsed JSON, or a form (repeated keys become arrays), else undefined. */
	body: unknown;
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
}
