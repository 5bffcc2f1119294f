/**
 * Keeps a sender number under the provider's throughput, and one recipient under Meta's pair rate
 * limit, across every execution of this process and, with a PostgreSQL store, across every n8n
 * process (queue mode: main, workers and webhook processes sending from one number).
 *
 * Shared counts are rate-limiter-flexible's (atomic upserts on PostgreSQL), so the shared part is a
 * maintained library rather than our own SQL; it counts in fixed windows, each opened by the first
 * message after the previous one ended. Within one process the number is paced by a log of its
 * sends instead (see `SendLogPace`), and one person's pair-rate window is rate-limiter-flexible's in both.
 */
import type { Pool } from 'pg';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

import { redact, STORE_URL_VARIABLE } from '../store/errors';
import { storeLocation, type StoreLocation } from '../store';

type Env = Record<string, string | undefined>;

/** Window jitter allowance: a request may reach the provider up to 20 ms later than the next one. */
const SLACK = 1.02;

export interface PaceWindow {
	/** Messages allowed in one window. */
	points: number;
	/**
	 * Window length, whole milliseconds: PostgreSQL keeps the expiry as a bigint, and the memory
	 * store's expiry is a Date, which drops fractions (12.6 would pace at 12, over the limit).
	 */
	durationMs: number;
}

/**
 * The window that keeps any one-second stretch (plus 20 ms of network jitter) at or under
 * `perSecond` messages. Windows open at a send and do not overlap, so:
 * - one message per window sends them at least `durationMs` apart: at most ⌈1.02 s / d⌉ ≤ R in any
 *   1.02 s, at R / 1.02 per second or a little less after rounding to whole ms (13 ms at 80/s);
 * - above 100/s one message per window would mean a database round trip per message for every
 *   waiting item, so windows of at least 20 ms hold several: a 1.02 s stretch touches at most
 *   ⌈1020 / d⌉ + 1 windows, and the length with the best throughput under that bound is chosen.
 * A plain 1-second window would allow 2R in a second that straddles two windows.
 */
export function paceWindow(perSecond: number): PaceWindow {
	const rate = Math.max(1, Math.floor(perSecond));
	// Asked for every message; above 100/s the search below takes a thousand steps, once per rate.
	let known = paceWindows.get(rate);
	if (!known) {
		known = searchPaceWindow(rate);
		paceWindows.set(rate, known);
	}
	return known;
}

/** Rates are 1–1,000 (Messages per Second), so this holds at most a thousand small entries. */
const paceWindows = new Map<number, PaceWindow>();

function searchPaceWindow(rate: number): PaceWindow {
	const span = 1000 * SLACK;
	const single = Math.ceil(span / rate);
	if (rate <= 100) return { points: 1, durationMs: single };
	let best: PaceWindow = { points: 1, durationMs: single };
	for (let durationMs = 20; durationMs <= span; durationMs++) {
		const points = Math.floor(rate / (Math.ceil(span / durationMs) + 1));
		if (points >= 1 && points / durationMs > best.points / best.durationMs) best = { points, durationMs };
	}
	return best;
}

export interface RecipientPace {
	/** Messages to one person per window; 0 turns the pacing off. */
	messages: number;
	windowSeconds: number;
}

export interface SendTurn {
	/** Provider and sender number (Meta phone number ID, Twilio From / Messaging Service SID). */
	sender: string;
	/** Set for messages to a person: they also wait for that person's pair-rate window. */
	recipient?: string;
	messagesPerSecond: number;
	perRecipient?: RecipientPace;
	/**
	 * A retry of a message that waited its turn before: it goes ahead of messages not tried yet,
	 * as it was ahead of them in the list.
	 */
	retry?: boolean;
}

/** A message's place in the windows it waited for. */
export interface Turn {
	/**
	 * Gives the place back when the provider did not take the message (it answered with a refusal,
	 * or the request never reached it): the attempt used none of the person's window, nor of the
	 * number's shared window, and counting it would leave them below their rate for as long as
	 * retries go on.
	 */
	giveBack(): Promise<void>;
	/**
	 * The request was written to the provider now: the number's send is counted from here, not
	 * from when its turn came. Opening a connection (TLS handshake) or a busy event loop can hold
	 * a request back for a while after its turn, and the provider counts it when it arrives.
	 */
	written(): void;
}

export interface LimiterClock {
	sleep(ms: number): Promise<void>;
	/** Epoch milliseconds; Date.now when not given. */
	now?(): number;
}

const realClock: LimiterClock = { sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };

/**
 * The number's pace inside one process, as the provider counts it: a send may go when fewer than
 * R sends were counted in the last 1.02 s. Each number keeps the times of its counted sends (at
 * most R) and a queue of waiting messages, released in order by one timer, so a waiter is woken
 * once, when its place is free; retries go ahead of messages not tried yet.
 *
 * Windows opened by the next message (how the shared counts work) lose every timer's lateness, and
 * evenly spaced slots cannot be refilled: both paced well under the limit once faults came in
 * (67 and 72 msg/s at 80). Here an attempt the provider refused leaves the log (Turn.giveBack),
 * so its place goes to the next message at once, and a send is counted from when its request was
 * written (Turn.written), so the provider still never sees more than R in any second.
 */
class SendLogPace {
	private readonly numbers = new Map<string, NumberLog>();

	constructor(private readonly clock: LimiterClock) {}

	async take(key: string, perSecond: number, retry: boolean): Promise<{ giveBack(): Promise<void>; written(): void }> {
		let log = this.numbers.get(key);
		if (!log) {
			log = { sent: [], waiting: [], retries: 0, timer: false };
			this.numbers.set(key, log);
		}
		const limit = Math.max(1, Math.floor(perSecond));
		const number = log;
		const entry = await new Promise<{ at: number }>((resolve) => {
			if (retry) number.waiting.splice(number.retries++, 0, { resolve, retry });
			else number.waiting.push({ resolve, retry });
			this.release(key, number, limit);
		});
		return {
			giveBack: async () => {
				const index = number.sent.indexOf(entry);
				if (index >= 0) number.sent.splice(index, 1);
				this.release(key, number, limit);
			},
			written: () => {
				const index = number.sent.indexOf(entry);
				if (index < 0) return;
				number.sent.splice(index, 1);
				entry.at = Math.max(entry.at, this.now());
				// Kept in time order: the oldest send leaves first.
				let at = number.sent.length;
				while (at > 0 && number.sent[at - 1].at > entry.at) at--;
				number.sent.splice(at, 0, entry);
			},
		};
	}

	private now(): number {
		return this.clock.now?.() ?? Date.now();
	}

	private release(key: string, log: NumberLog, limit: number): void {
		const now = this.now();
		// Sorted by time; a clock set back only makes an entry leave early.
		while (log.sent.length > 0 && (log.sent[0].at <= now - SPAN_MS || log.sent[0].at > now + CLOCK_STEP_MS)) log.sent.shift();
		while (log.waiting.length > 0 && log.sent.length < limit) {
			const entry = { at: now };
			log.sent.push(entry);
			const waiter = log.waiting.shift()!;
			if (waiter.retry) log.retries--;
			waiter.resolve(entry);
		}
		if (log.waiting.length === 0) {
			if (log.sent.length === 0 && !log.timer) this.numbers.delete(key);
			return;
		}
		if (log.timer) return;
		log.timer = true;
		// Never early: a timer rounded down would count a send still inside the second.
		void this.clock.sleep(Math.max(1, Math.ceil(log.sent[0].at + SPAN_MS - now))).then(() => {
			log.timer = false;
			this.release(key, log, limit);
		});
	}
}

interface NumberLog {
	/** Counted sends, oldest first; an entry's time moves to when its request was written. */
	sent: Array<{ at: number }>;
	/** Retries first (the first `retries` of them), then messages in the order they came. */
	waiting: Array<{ resolve: (entry: { at: number }) => void; retry: boolean }>;
	retries: number;
	timer: boolean;
}

/** The stretch the provider counts in, plus the 20 ms network jitter allowance. */
const SPAN_MS = 1000 * SLACK;

/** Clocks of machines sharing one database may differ by this much without windows being reset. */
const CLOCK_STEP_MS = 5_000;

type LimiterFactory = (name: string, points: number, durationSeconds: number) => RateLimiterAbstract;

/** One limiter per window shape (the key holds the sender or recipient), made on first use. */
export class SendRateLimiter {
	private readonly limiters = new Map<string, RateLimiterAbstract>();
	private readonly sendLog?: SendLogPace;

	constructor(
		private readonly create: LimiterFactory,
		/** Where the counts live, for messages: "this n8n process" or "PostgreSQL at host:port/db". */
		readonly shared: string,
		private readonly clock: LimiterClock = realClock,
		/** 'log' when this process is the only sender (see SendLogPace); shared counts use windows. */
		senderPace: 'log' | 'windows' = 'windows',
	) {
		if (senderPace === 'log') this.sendLog = new SendLogPace(clock);
	}

	/** Resolves when this message may go out; waits as long as the windows say. */
	async waitForTurn(turn: SendTurn): Promise<Turn> {
		const taken: Array<() => Promise<unknown>> = [];
		let written: () => void = () => undefined;
		const recipientPace = turn.perRecipient && turn.perRecipient.messages > 0 ? turn.perRecipient : undefined;
		// The person's window first: a message held for its recipient must not hold a slot of the
		// number's second meanwhile.
		if (recipientPace && turn.recipient) {
			// Bursts are allowed (Meta takes short ones), then the rest of the window is waited out;
			// 2% longer than asked, so the provider's window, opened on arrival, has surely ended.
			const windowMs = Math.ceil(recipientPace.windowSeconds * 1000 * SLACK);
			taken.push(await this.take('recipient', recipientPace.messages, windowMs, `${turn.sender}>${turn.recipient}`));
		}
		if (this.sendLog) {
			const place = await this.sendLog.take(turn.sender, turn.messagesPerSecond, turn.retry === true);
			taken.push(place.giveBack);
			written = place.written;
		} else {
			const pace = paceWindow(turn.messagesPerSecond);
			taken.push(await this.take('sender', pace.points, pace.durationMs, turn.sender));
		}
		return {
			giveBack: async () => {
				// Best effort: a place not given back only slows the number down a little.
				await Promise.all(taken.map(async (back) => await back().catch(() => undefined)));
			},
			// Shared windows are counted when taken (the database decides); only the log can move a send.
			written,
		};
	}

	private limiter(kind: string, points: number, durationMs: number): RateLimiterAbstract {
		const name = `${kind}_${points}_${durationMs}`;
		let limiter = this.limiters.get(name);
		if (!limiter) {
			limiter = this.create(name, points, durationMs / 1000);
			this.limiters.set(name, limiter);
		}
		return limiter;
	}

	/** Waits for a place in the key's window; returns what gives it back. */
	private async take(kind: string, points: number, durationMs: number, key: string): Promise<() => Promise<unknown>> {
		const limiter = this.limiter(kind, points, durationMs);
		for (;;) {
			try {
				await limiter.consume(key, 1);
				return async () => await limiter.reward(key, 1);
			} catch (result) {
				if (!(result instanceof RateLimiterRes)) throw result;
				if (result.msBeforeNext > durationMs + CLOCK_STEP_MS) {
					// No window is that long: the clock was set back (or another machine's runs ahead)
					// after the window opened. Waiting it out could stall sending for hours.
					await limiter.delete(key);
					continue;
				}
				// At least 1 ms: a window that ends in this millisecond would otherwise spin.
				await this.clock.sleep(Math.max(1, result.msBeforeNext));
			}
		}
	}
}

/** A limiter for this process only (memory or SQLite store: one n8n process sends). */
export function memorySendRateLimiter(clock?: LimiterClock): SendRateLimiter {
	return new SendRateLimiter(
		(name, points, duration) => new RateLimiterMemory({ keyPrefix: name, points, duration }),
		'this n8n process',
		clock,
		'log',
	);
}

const TABLE = 'send_rate';

/**
 * A limiter whose counts live in PostgreSQL (table send_rate in the store's schema), shared by
 * every n8n process pointed at the same database. When the database cannot be reached, each
 * process falls back to its own memory counts (rate-limiter-flexible's insurance limiter), so a
 * database outage slows nothing down and never stops a send; the limit then holds per process.
 */
export async function postgresSendRateLimiter(
	location: Extract<StoreLocation, { kind: 'postgres' }>,
	clock?: LimiterClock,
): Promise<{ limiter: SendRateLimiter; close(): Promise<void> }> {
	const { Pool: PoolClass } = require('pg') as typeof import('pg');
	const pool: Pool = new PoolClass({
		connectionString: location.connectionString,
		// Each check is one short upsert; a few connections serve hundreds of messages a second.
		max: 3,
		idleTimeoutMillis: 30_000,
		connectionTimeoutMillis: 5_000,
		application_name: 'n8n-nodes-whatsapp-omni rate',
	});
	pool.on('error', () => undefined);
	try {
		const client = await pool.connect();
		try {
			// Created once here, under a lock: two processes creating it at once would collide.
			await client.query('BEGIN');
			await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`whatsapp_omni rate ${location.schema}`]);
			await client.query(`CREATE SCHEMA IF NOT EXISTS "${location.schema}"`);
			await client.query(
				`CREATE TABLE IF NOT EXISTS "${location.schema}"."${TABLE}" (key varchar(255) PRIMARY KEY, points integer NOT NULL DEFAULT 0, expire bigint)`,
			);
			await client.query('COMMIT');
		} catch (error) {
			await client.query('ROLLBACK').catch(() => undefined);
			throw error;
		} finally {
			client.release();
		}
	} catch (error) {
		await pool.end().catch(() => undefined);
		const message = String((error as Error)?.message ?? error);
		const safe = redact(message, [location.password]);
		throw new Error(`The send rate limit cannot use PostgreSQL at ${location.where} (${STORE_URL_VARIABLE}): ${safe}`);
	}
	const limiter = new SendRateLimiter(
		(name, points, duration) =>
			new RateLimiterPostgres({
				storeClient: pool,
				storeType: 'pool',
				schemaName: location.schema,
				tableName: TABLE,
				tableCreated: true,
				keyPrefix: name,
				points,
				duration,
				insuranceLimiter: new RateLimiterMemory({ keyPrefix: name, points, duration }),
			}),
		`PostgreSQL at ${location.where}`,
		clock,
	);
	return { limiter, close: () => pool.end() };
}

const limiters = new Map<string, Promise<{ limiter: SendRateLimiter; close(): Promise<void> }>>();

/**
 * The process's limiter for WHATSAPP_OMNI_STORE_URL: PostgreSQL when the store is there (queue
 * mode shares it), else memory. A PostgreSQL that cannot be reached at first use gives a memory
 * limiter for this call and is tried again on the next one.
 */
export async function getSendRateLimiter(env: Env = process.env): Promise<SendRateLimiter> {
	let location: StoreLocation;
	try {
		location = storeLocation(env);
	} catch {
		location = { kind: 'memory', name: '', key: 'memory:' };
	}
	const key = location.kind === 'postgres' ? location.key : 'memory';
	let entry = limiters.get(key);
	if (!entry) {
		entry =
			location.kind === 'postgres'
				? postgresSendRateLimiter(location)
				: Promise.resolve({ limiter: memorySendRateLimiter(), close: async () => undefined });
		limiters.set(key, entry);
		entry.catch(() => limiters.delete(key));
	}
	try {
		return (await entry).limiter;
	} catch {
		return fallbackLimiter;
	}
}

const fallbackLimiter = memorySendRateLimiter();

/** Closes the PostgreSQL pools (tests; a process that shuts down). */
export async function closeSendRateLimiters(): Promise<void> {
	const open = [...limiters.values()];
	limiters.clear();
	await Promise.all(open.map(async (entry) => (await entry.catch(() => undefined))?.close()));
}
