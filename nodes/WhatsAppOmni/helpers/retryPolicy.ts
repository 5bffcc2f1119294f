/**
 * What happens between an operation asking a provider for something and the HTTP request going
 * out, for every call of both providers: the send rate limit, retries, and the keep-alive pool.
 * Both HTTP clients (Meta's axios instance, Twilio's request client) call `callProvider`; the
 * node's Bulk Sending options reach them through `withDeliverySettings`, so no operation knows.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import diagnosticsChannel from 'node:diagnostics_channel';
import http from 'node:http';
import https from 'node:https';

import type { ProviderError } from '../providers/ProviderError';
import type { ProviderName } from '../providers/types';
import { getSendRateLimiter, type RecipientPace, type SendRateLimiter } from './sendRateLimiter';

export interface DeliverySettings {
	/** Items in flight at once; also the most connections one execution keeps open per host. */
	concurrency: number;
	/** Per sender number: the provider's throughput (Meta and Twilio: 80 by default). */
	messagesPerSecond: number;
	/** Per person (Meta's pair rate limit, error 131056): 0 messages turns it off. */
	perRecipient: RecipientPace;
	/** Tries per request, the first included. 1 = never retry. */
	maxAttempts: number;
	/** A wait longer than this (a provider's Retry-After, or the backoff) is not waited: the item fails. */
	maxRetryWaitMs: number;
	/**
	 * Also retry a send whose outcome is unknown (the connection dropped after the request was
	 * written): the message may then arrive twice.
	 */
	retryUnknownOutcome: boolean;
	/** First backoff step; doubled on each retry (with jitter). */
	baseDelayMs: number;
}

export const DEFAULT_DELIVERY_SETTINGS: DeliverySettings = {
	concurrency: 50,
	messagesPerSecond: 80,
	// Meta: about one message every 6 s to one person, with short bursts allowed.
	perRecipient: { messages: 10, windowSeconds: 60 },
	maxAttempts: 5,
	maxRetryWaitMs: 60_000,
	retryUnknownOutcome: false,
	baseDelayMs: 250,
};

/** Longest backoff step, whatever the attempt. */
const MAX_BACKOFF_MS = 30_000;
/** Connections per host outside an execution (trigger downloads, credential tests, list look-ups). */
const DEFAULT_MAX_SOCKETS = 50;

export interface DeliveryClock {
	sleep(ms: number): Promise<void>;
	/** 0..1, for jitter. */
	random(): number;
}

const realClock: DeliveryClock = {
	sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
	random: Math.random,
};

interface DeliveryScope {
	settings: DeliverySettings;
	limiter: () => Promise<SendRateLimiter>;
	clock: DeliveryClock;
}

const scope = new AsyncLocalStorage<DeliveryScope>();

export interface ScopeOptions {
	/** For tests: a limiter other than the process's one for WHATSAPP_OMNI_STORE_URL. */
	limiter?: SendRateLimiter;
	clock?: DeliveryClock;
}

/** Runs `work` with these settings for every provider call made inside it (the router's items). */
export function withDeliverySettings<T>(settings: DeliverySettings, work: () => Promise<T>, options: ScopeOptions = {}): Promise<T> {
	const limiter = options.limiter;
	return scope.run(
		{ settings, clock: options.clock ?? realClock, limiter: limiter ? () => Promise.resolve(limiter) : () => getSendRateLimiter() },
		work,
	);
}

function currentScope(): DeliveryScope {
	return scope.getStore() ?? { settings: DEFAULT_DELIVERY_SETTINGS, clock: realClock, limiter: () => getSendRateLimiter() };
}

const agentPools = new Map<number, { http: http.Agent; https: https.Agent }>();

/**
 * Keep-alive agents for the current execution's concurrency: one pair per value, shared by both
 * providers and every credential (pools are per host anyway). An execution never has more
 * requests in flight than its concurrency, and a keep-alive agent opens a connection only when
 * no idle one is free, so the connections it opens stay at or below its peak concurrency.
 */
export function keepAliveAgents(): { http: http.Agent; https: https.Agent } {
	const maxSockets = scope.getStore()?.settings.concurrency ?? DEFAULT_MAX_SOCKETS;
	let agents = agentPools.get(maxSockets);
	if (!agents) {
		agents = {
			http: new http.Agent({ keepAlive: true, maxSockets }),
			https: new https.Agent({ keepAlive: true, maxSockets }),
		};
		agentPools.set(maxSockets, agents);
	}
	return agents;
}

export interface ProviderCall {
	provider: ProviderName;
	/** The sender number the throughput limit is kept for (no secrets: it is a database key). */
	sender: string;
	method: string;
	/** Set for a message to a person: it waits for the sender's and the person's windows. */
	message?: { recipient?: string };
	/** The request body is a stream (an upload): it cannot be sent a second time. */
	streamBody?: boolean;
}

/** What the retries did, kept with the error that ends them (see deliveryNote). */
export interface DeliveryNote {
	attempts: number;
	/** Why the last failure was not retried, when retries were possible. */
	stoppedBecause?: 'unknownOutcome' | 'waitTooLong' | 'attemptsUsed' | 'streamBody';
	/** The wait that was too long, in ms. */
	wouldWaitMs?: number;
}

const notes = new WeakMap<object, DeliveryNote>();

/** What the retry loop recorded for an error it let through. */
export function deliveryNote(error: unknown): DeliveryNote | undefined {
	return typeof error === 'object' && error !== null ? notes.get(error) : undefined;
}

/** Carries the note over when one error is turned into another (an AxiosError into a ProviderError). */
export function copyDeliveryNote(from: unknown, to: object): void {
	const note = deliveryNote(from);
	if (note) notes.set(to, note);
}

type Verdict = { retry: true; delayMs: number } | { retry: false; because?: DeliveryNote['stoppedBecause']; wouldWaitMs?: number };

/** TLS certificate failures do not pass by themselves; trying again only delays the error. */
const PERMANENT_NETWORK = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS_CERT/;

/** Whether a failed attempt is tried again, and after how long. Exported for its tests. */
export function retryVerdict(
	failure: ProviderError,
	call: Pick<ProviderCall, 'method' | 'streamBody'>,
	attempt: number,
	settings: DeliverySettings,
	random: () => number,
): Verdict {
	const answered = failure.httpStatus !== undefined;
	let transient: boolean;
	if (answered) {
		// The provider answered and refused: nothing was done, the same request can go again.
		transient = failure.httpStatus === 429 || failure.rateLimited || (failure.httpStatus ?? 0) >= 500;
	} else if (PERMANENT_NETWORK.test(String(failure.code ?? ''))) {
		transient = false;
	} else if (!failure.mayHaveBeenSent) {
		// Refused, DNS, TLS handshake, reset before the request was written: it never arrived.
		transient = true;
	} else if (/^(GET|HEAD)$/i.test(call.method) || settings.retryUnknownOutcome) {
		// Reading twice is harmless; a send only when the person asked for it.
		transient = true;
	} else {
		return { retry: false, because: settings.maxAttempts > 1 ? 'unknownOutcome' : undefined };
	}
	if (!transient) return { retry: false };
	if (call.streamBody) return { retry: false, because: settings.maxAttempts > 1 ? 'streamBody' : undefined };
	if (attempt >= settings.maxAttempts) return { retry: false, because: settings.maxAttempts > 1 ? 'attemptsUsed' : undefined };
	let step: number;
	if (failure.provider === 'meta' && failure.code === 131056) {
		// Meta's guidance for its pair rate limit: back off 4^X seconds.
		step = 4 ** attempt * 1000;
	} else {
		step = Math.min(MAX_BACKOFF_MS, settings.baseDelayMs * 2 ** (attempt - 1));
	}
	// Jitter spreads the retries of items that failed together, so they do not collide again.
	const backoff = Math.round(step / 2 + (random() * step) / 2);
	const delayMs = Math.max(backoff, (failure.retryAfterSeconds ?? 0) * 1000);
	if (delayMs > settings.maxRetryWaitMs) return { retry: false, because: 'waitTooLong', wouldWaitMs: delayMs };
	return { retry: true, delayMs };
}

/** Inside a message's attempt: what to call once its request has been written to the provider. */
const requestWritten = new AsyncLocalStorage<() => void>();

/**
 * Node announces every HTTP client request on this channel, synchronously where the request is
 * made, so the attempt that made it is the current async context. 'finish' comes once the whole
 * request has been handed to the socket, after the connection and its TLS handshake.
 */
diagnosticsChannel.subscribe('http.client.request.start', (message) => {
	const written = requestWritten.getStore();
	if (!written) return;
	(message as { request?: http.ClientRequest }).request?.once('finish', written);
});

/**
 * Sends one provider request under the current settings: waits for the rate limit (messages),
 * runs `attempt`, and tries again while `retryVerdict` says so. The error that ends it carries a
 * DeliveryNote (attempts made, why it stopped). `toFailure` reads an attempt's error as a
 * ProviderError (undefined: not a provider failure, thrown as it is).
 */
export async function callProvider<T>(
	call: ProviderCall,
	attempt: () => Promise<T>,
	toFailure: (error: unknown) => ProviderError | undefined,
): Promise<T> {
	const { settings, clock, limiter } = currentScope();
	for (let attemptNumber = 1; ; attemptNumber++) {
		const turn = call.message
			? await (await limiter()).waitForTurn({
					sender: `${call.provider}:${call.sender}`,
					recipient: call.message.recipient,
					messagesPerSecond: settings.messagesPerSecond,
					perRecipient: settings.perRecipient,
					retry: attemptNumber > 1,
				})
			: undefined;
		try {
			return await (turn ? requestWritten.run(() => turn.written(), attempt) : attempt());
		} catch (error) {
			const failure = toFailure(error);
			if (!failure) throw error;
			// The provider refused it or never got it: the attempt took none of its throughput.
			if (turn && (failure.httpStatus !== undefined || !failure.mayHaveBeenSent)) await turn.giveBack();
			const verdict = retryVerdict(failure, call, attemptNumber, settings, clock.random);
			if (!verdict.retry) {
				if (typeof error === 'object' && error !== null) {
					notes.set(error, {
						attempts: attemptNumber,
						...(verdict.because ? { stoppedBecause: verdict.because } : {}),
						...(verdict.wouldWaitMs !== undefined ? { wouldWaitMs: verdict.wouldWaitMs } : {}),
					});
				}
				throw error;
			}
			await clock.sleep(verdict.delayMs);
		}
	}
}
