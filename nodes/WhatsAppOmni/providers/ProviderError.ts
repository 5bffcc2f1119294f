import type { ProviderName } from './types';

export interface ProviderErrorInit {
	provider: ProviderName;
	/** The provider's own error code (Meta `error.code`, Twilio `code`), when it gave one. */
	code?: number | string;
	httpStatus?: number;
	/** One line saying what went wrong. */
	message: string;
	/** What the person should do about it. */
	hint: string;
	/** Extra detail from the provider (Meta `error_data.details`, Twilio `more_info`). */
	details?: string;
	/** Seconds the provider asked us to wait (`Retry-After`). */
	retryAfterSeconds?: number;
	/**
	 * The provider refused the request for its rate (HTTP 429, Meta 130429/131056, Twilio
	 * 20429/63018): nothing was done, and the same request can go again later. The hint then says
	 * only why and what to change; whether to run again is said with the run's context.
	 */
	rateLimited?: boolean;
	/**
	 * The request may have reached the provider even though no answer came back (a connection
	 * reset, a timeout). Retrying such a send could deliver the message twice.
	 */
	mayHaveBeenSent?: boolean;
	/** Meta's request trace id, worth quoting to Meta support. */
	traceId?: string;
}

/**
 * The provider-neutral error every provider throws. It carries no request config, headers or
 * credential data, so turning it into a node error can never leak a token.
 */
export class ProviderError extends Error {
	readonly provider: ProviderName;

	readonly code?: number | string;

	readonly httpStatus?: number;

	readonly hint: string;

	readonly details?: string;

	readonly retryAfterSeconds?: number;

	readonly rateLimited: boolean;

	readonly mayHaveBeenSent: boolean;

	readonly traceId?: string;

	constructor(init: ProviderErrorInit) {
		super(init.message);
		this.name = 'ProviderError';
		this.provider = init.provider;
		this.code = init.code;
		this.httpStatus = init.httpStatus;
		this.hint = init.hint;
		this.details = init.details;
		this.retryAfterSeconds = init.retryAfterSeconds;
		this.rateLimited = init.rateLimited ?? false;
		this.mayHaveBeenSent = init.mayHaveBeenSent ?? false;
		this.traceId = init.traceId;
	}
}

export interface KnownError {
	message: string;
	hint: string;
	/** A rate limit: see ProviderErrorInit.rateLimited. */
	rateLimit?: boolean;
}

/** Parses `Retry-After` given in seconds or as an HTTP date. */
export function parseRetryAfter(value: unknown, now = Date.now()): number | undefined {
	if (typeof value !== 'string' && typeof value !== 'number') return undefined;
	const text = String(value).trim();
	if (/^\d+$/.test(text)) return Number(text);
	const date = Date.parse(text);
	if (Number.isNaN(date)) return undefined;
	return Math.max(0, Math.ceil((date - now) / 1000));
}

const NETWORK_ERRORS: Record<string, { message: string; sent: boolean }> = {
	ECONNREFUSED: { message: 'The connection was refused', sent: false },
	ENOTFOUND: { message: 'The host name could not be resolved', sent: false },
	EAI_AGAIN: { message: 'The host name could not be resolved', sent: false },
	ENETUNREACH: { message: 'The network is unreachable', sent: false },
	EHOSTUNREACH: { message: 'The host is unreachable', sent: false },
	ECONNRESET: { message: 'The connection was reset before an answer came', sent: true },
	EPIPE: { message: 'The connection was closed while sending', sent: true },
	ETIMEDOUT: { message: 'The request timed out', sent: true },
	ECONNABORTED: { message: 'The request timed out', sent: true },
	ERR_SOCKET_CONNECTION_TIMEOUT: { message: 'The connection timed out', sent: false },
};

/**
 * Whether the HTTP client had handed the whole request to the network when it failed: false for
 * a failure while connecting, in the TLS handshake or while writing, so the provider cannot have
 * acted on it. Undefined when the error does not say (then its code decides).
 */
export function requestWritten(error: unknown): boolean | undefined {
	const request = (error as { request?: { writableFinished?: unknown } } | undefined)?.request;
	return typeof request?.writableFinished === 'boolean' ? request.writableFinished : undefined;
}

/** For failures with no HTTP answer at all: say whether the message may already be out. */
export function networkError(
	provider: ProviderName,
	errorCode: string | undefined,
	host: string,
	written?: boolean,
): ProviderError {
	const known = errorCode ? NETWORK_ERRORS[errorCode] : undefined;
	// A request not yet written never reached the provider, whatever the error's code.
	const sent = written === false ? false : (known?.sent ?? true);
	const message =
		written === false && known?.sent !== false
			? 'The connection failed before the request was sent'
			: (known?.message ?? 'The request failed without an answer');
	return new ProviderError({
		provider,
		code: errorCode,
		message: `${message} (${host})`,
		hint: sent
			? 'The request may have reached the provider, so it was not sent again: the message may have been sent. Check with Get Status or the trigger before re-sending, or it may arrive twice.'
			: `The request never reached the provider, so nothing happened for this item. Check that ${host} is reachable from the n8n server (proxy, firewall, DNS, the credential's base URL) and try again.`,
		mayHaveBeenSent: sent,
	});
}

/**
 * Shared wording for HTTP statuses that mean the same on both providers. How long the provider
 * asked to wait (`Retry-After`) is said by the node error, for every code alike.
 */
export function httpStatusError(status: number): KnownError | undefined {
	if (status === 429) {
		return {
			message: 'Too many requests',
			hint: 'The provider is rate-limiting this account: slow down (fewer items at once, or a Wait node).',
			rateLimit: true,
		};
	}
	if (status >= 500) {
		return {
			message: `The provider had an internal error (HTTP ${status})`,
			hint: 'This is on the provider\u2019s side and usually passes. The message was most likely not sent; check the recipient\u2019s chat before running it again.',
		};
	}
	return undefined;
}
