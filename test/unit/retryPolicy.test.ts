import http from 'node:http';
import type net from 'node:net';

import { callProvider, DEFAULT_DELIVERY_SETTINGS as SETTINGS, retryVerdict, withDeliverySettings } from '../../nodes/WhatsAppOmni/helpers/retryPolicy';
import { memorySendRateLimiter, paceWindow } from '../../nodes/WhatsAppOmni/helpers/sendRateLimiter';
import { bulkSending, deliverySettingsFrom } from '../../nodes/WhatsAppOmni/actions/bulkSending.description';
import { networkError, ProviderError } from '../../nodes/WhatsAppOmni/providers/ProviderError';

const answered = (httpStatus: number, extra: Partial<ConstructorParameters<typeof ProviderError>[0]> = {}) =>
	new ProviderError({ provider: 'meta', httpStatus, message: 'x', hint: 'y', ...extra });
const POST = { method: 'POST' };
const half = () => 0.5;

describe('retryVerdict: what is tried again', () => {
	it.each([
		['HTTP 429', answered(429)],
		['Meta 130429', answered(400, { code: 130429, rateLimited: true })],
		['Twilio 20429', new ProviderError({ provider: 'twilio', httpStatus: 429, code: 20429, message: 'x', hint: 'y', rateLimited: true })],
		['HTTP 500', answered(500)],
		['HTTP 503', answered(503)],
		['connection refused', networkError('meta', 'ECONNREFUSED', 'h')],
		['DNS failure', networkError('meta', 'ENOTFOUND', 'h')],
		['a reset before the request was written', networkError('meta', 'ECONNRESET', 'h', false)],
		['a timeout while connecting', networkError('meta', 'ETIMEDOUT', 'h', false)],
	])('retries %s', (_, failure) => {
		expect(retryVerdict(failure, POST, 1, SETTINGS, half)).toMatchObject({ retry: true });
	});

	it.each([
		['HTTP 400', answered(400, { code: 100 })],
		['HTTP 401', answered(401, { code: 190 })],
		['a certificate error', networkError('meta', 'CERT_HAS_EXPIRED', 'h', false)],
	])('does not retry %s', (_, failure) => {
		expect(retryVerdict(failure, POST, 1, SETTINGS, half)).toEqual({ retry: false });
	});

	it('does not resend a message whose connection dropped after it was written, unless asked to', () => {
		const lost = networkError('meta', 'ECONNRESET', 'h', true);
		expect(lost.mayHaveBeenSent).toBe(true);
		expect(retryVerdict(lost, POST, 1, SETTINGS, half)).toEqual({ retry: false, because: 'unknownOutcome' });
		expect(retryVerdict(lost, POST, 1, { ...SETTINGS, retryUnknownOutcome: true }, half)).toMatchObject({ retry: true });
		// Reading twice is harmless.
		expect(retryVerdict(lost, { method: 'GET' }, 1, SETTINGS, half)).toMatchObject({ retry: true });
		expect(networkError('meta', 'ETIMEDOUT', 'h', true).mayHaveBeenSent).toBe(true);
	});

	it('never retries an upload: its body is a stream read once', () => {
		expect(retryVerdict(answered(500), { method: 'POST', streamBody: true }, 1, SETTINGS, half)).toEqual({ retry: false, because: 'streamBody' });
	});

	it('backs off exponentially with jitter, and stops after Max Attempts', () => {
		const delays = [1, 2, 3].map((attempt) => retryVerdict(answered(500), POST, attempt, SETTINGS, () => 1));
		expect(delays).toEqual([
			{ retry: true, delayMs: 250 },
			{ retry: true, delayMs: 500 },
			{ retry: true, delayMs: 1000 },
		]);
		// Jitter: between half and all of the step.
		expect(retryVerdict(answered(500), POST, 3, SETTINGS, () => 0)).toEqual({ retry: true, delayMs: 500 });
		expect(retryVerdict(answered(500), POST, 4, SETTINGS, () => 1)).toEqual({ retry: true, delayMs: 2000 });
		expect(retryVerdict(answered(500), POST, 5, SETTINGS, () => 1)).toEqual({ retry: false, because: 'attemptsUsed' });
		expect(retryVerdict(answered(500), POST, 1, { ...SETTINGS, maxAttempts: 1 }, half)).toEqual({ retry: false });
	});

	it('waits at least what Retry-After asks, and gives up at once when that is longer than Max Retry Wait', () => {
		expect(retryVerdict(answered(429, { retryAfterSeconds: 7 }), POST, 1, SETTINGS, half)).toEqual({ retry: true, delayMs: 7000 });
		expect(retryVerdict(answered(429, { retryAfterSeconds: 120 }), POST, 1, SETTINGS, half)).toEqual({
			retry: false,
			because: 'waitTooLong',
			wouldWaitMs: 120_000,
		});
	});

	it('backs off 4^X seconds on Meta’s pair rate limit (131056)', () => {
		const pair = answered(400, { code: 131056, rateLimited: true });
		expect(retryVerdict(pair, POST, 1, SETTINGS, () => 1)).toEqual({ retry: true, delayMs: 4000 });
		expect(retryVerdict(pair, POST, 2, SETTINGS, () => 1)).toEqual({ retry: true, delayMs: 16_000 });
		expect(retryVerdict(pair, POST, 3, SETTINGS, () => 1)).toMatchObject({ retry: false, because: 'waitTooLong' });
	});
});

/** The most sends in any `span` ms of a sorted list of times. */
function busiest(times: number[], span: number): number {
	let most = 0;
	for (let start = 0, end = 0; end < times.length; end++) {
		while (times[end] - times[start] >= span) start++;
		most = Math.max(most, end - start + 1);
	}
	return most;
}

describe('paceWindow: one second never holds more than the limit', () => {
	it.each([1, 2, 5, 20, 80, 100, 101, 250, 1000])('at %i per second, even with 20 ms of network jitter', (rate) => {
		const { points, durationMs } = paceWindow(rate);
		// Greedy senders: a send opens each window the moment the last one ends; the window's other
		// sends come at its very end, the worst case for the next second.
		const times: number[] = [];
		for (let start = 0; start < 5000; start += durationMs) {
			for (let i = 0; i < points; i++) times.push(start + (i === 0 ? 0 : durationMs - 0.001));
		}
		expect(busiest(times, 1020)).toBeLessThanOrEqual(rate);
		// And it does not waste much of the allowance.
		expect(times.filter((t) => t < 1000).length).toBeGreaterThanOrEqual(Math.floor(rate * 0.85));
	});
});

describe('SendRateLimiter in memory', () => {
	it('holds 20 concurrent senders to the rate, in real time', async () => {
		const limiter = memorySendRateLimiter();
		const times: number[] = [];
		await Promise.all(
			Array.from({ length: 30 }, async () => {
				await limiter.waitForTurn({ sender: 'meta:1', messagesPerSecond: 20 });
				times.push(Date.now());
			}),
		);
		times.sort((a, b) => a - b);
		// Times are taken when each waiter runs again, which a loaded machine delays by some ms:
		// 950 ms leaves 50 of them (without the limiter all 30 fall in one such stretch).
		expect(busiest(times, 950)).toBeLessThanOrEqual(20);
		expect(times[times.length - 1] - times[0]).toBeGreaterThanOrEqual(1000);
	});

	it('lets a message go when fewer than R sends were counted in the last 1.02 s, in order, each waiter woken once', async () => {
		let now = 1_000_000;
		const sleeps: number[] = [];
		// A late timer: every sleep overshoots by 3 ms, as a busy event loop does.
		const clock = { now: () => now, sleep: async (ms: number) => { sleeps.push(ms); await new Promise((r) => setImmediate(r)); now += ms + 3; } };
		const limiter = memorySendRateLimiter(clock);
		const sent: Array<[number, number]> = [];
		await Promise.all(
			Array.from({ length: 200 }, async (_, i) => {
				await limiter.waitForTurn({ sender: 'meta:log', messagesPerSecond: 80 });
				sent.push([i, now]);
			}),
		);
		const times = sent.map(([, at]) => at);
		expect(sent.map(([i]) => i)).toEqual(Array.from({ length: 200 }, (_, i) => i));
		expect(busiest(times, 1020)).toBeLessThanOrEqual(80);
		// 80 at once, 80 more once the first second has passed (not 80 × the 3 ms lateness later), then 40.
		expect(times[79] - times[0]).toBe(0);
		expect(times[80] - times[0]).toBeGreaterThanOrEqual(1020);
		expect(times[199] - times[0]).toBeLessThan(2 * 1020 + 10);
		// One timer per number, not one per waiter.
		expect(sleeps.length).toBeLessThanOrEqual(4);
		expect(sleeps.every((ms) => Number.isInteger(ms) && ms >= 1)).toBe(true);
	});

	it('a place given back (the provider did not take the message) goes to the next message at once', async () => {
		let now = 0;
		// Time moves only when the test says so: a timer firing on its own would free the place anyway.
		const timers: Array<{ ms: number; fire: () => void }> = [];
		const clock = { now: () => now, sleep: (ms: number) => new Promise<void>((fire) => timers.push({ ms, fire })) };
		const advance = () => {
			for (const timer of timers.splice(0)) {
				now += timer.ms;
				timer.fire();
			}
		};
		const limiter = memorySendRateLimiter(clock);
		await limiter.waitForTurn({ sender: 'meta:give', messagesPerSecond: 2 });
		const refused = await limiter.waitForTurn({ sender: 'meta:give', messagesPerSecond: 2 });
		let third: number | undefined;
		const waiting = limiter.waitForTurn({ sender: 'meta:give', messagesPerSecond: 2 }).then(() => (third = now));
		await new Promise((r) => setImmediate(r));
		expect(third).toBeUndefined();
		await refused.giveBack();
		await waiting;
		expect(third).toBe(0);
		// Without giving back, the next one waits out the second.
		let fourth: number | undefined;
		const later = limiter.waitForTurn({ sender: 'meta:give', messagesPerSecond: 2 }).then(() => (fourth = now));
		await new Promise((r) => setImmediate(r));
		expect(fourth).toBeUndefined();
		expect(timers.map((timer) => timer.ms)).toEqual([1020]);
		advance();
		await later;
		expect(fourth).toBe(1020);
	});

	it('a person’s place given back (the provider did not take the message) goes to the next message at once', async () => {
		const limiter = memorySendRateLimiter();
		const turn = { sender: 'meta:give', recipient: 'p', messagesPerSecond: 1000, perRecipient: { messages: 1, windowSeconds: 0.5 } };
		await limiter.waitForTurn(turn);
		let started = Date.now();
		await limiter.waitForTurn(turn);
		// Without giving back, the second waits out the first's half-second window.
		expect(Date.now() - started).toBeGreaterThanOrEqual(400);
		const refused = await limiter.waitForTurn(turn);
		await refused.giveBack();
		started = Date.now();
		await limiter.waitForTurn(turn);
		expect(Date.now() - started).toBeLessThan(100);
	});

	it('counts a send from when its request was written, not from when its turn came', async () => {
		let now = 0;
		const clock = { now: () => now, sleep: async (ms: number) => { await new Promise((r) => setImmediate(r)); now += ms; } };
		const limiter = memorySendRateLimiter(clock);
		const turn = { sender: 'meta:written', messagesPerSecond: 2 };
		await limiter.waitForTurn(turn);
		const slow = await limiter.waitForTurn(turn);
		// Its connection took 300 ms to open: the provider counts it from there.
		now = 300;
		slow.written();
		const at: number[] = [];
		await Promise.all([0, 1].map(async () => {
			await limiter.waitForTurn(turn);
			at.push(now);
		}));
		// The first send's place is free after 1.02 s, the slow one's only 1.02 s after it was written.
		expect(at).toEqual([1020, 1320]);
	});

	it('lets retries go ahead of messages not tried yet', async () => {
		let now = 0;
		const clock = { now: () => now, sleep: async (ms: number) => { await new Promise((r) => setImmediate(r)); now += ms; } };
		const limiter = memorySendRateLimiter(clock);
		await limiter.waitForTurn({ sender: 'meta:order', messagesPerSecond: 1 });
		const order: string[] = [];
		const wait = (name: string, retry: boolean) =>
			limiter.waitForTurn({ sender: 'meta:order', messagesPerSecond: 1, retry }).then(() => order.push(name));
		await Promise.all([wait('first', false), wait('second', false), wait('retry A', true), wait('retry B', true)]);
		expect(order).toEqual(['retry A', 'retry B', 'first', 'second']);
	});

	it('paces in whole milliseconds: a fraction would be dropped and pace over the limit', () => {
		expect(paceWindow(80).durationMs).toBe(13);
		expect(Number.isInteger(paceWindow(70).durationMs)).toBe(true);
	});

	it('paces one person by their own window and leaves others alone', async () => {
		const limiter = memorySendRateLimiter();
		const perRecipient = { messages: 2, windowSeconds: 0.4 };
		const started = Date.now();
		const at: Record<string, number[]> = { a: [], b: [] };
		await Promise.all(
			['a', 'a', 'a', 'b', 'b'].map(async (recipient) => {
				await limiter.waitForTurn({ sender: 'meta:1', recipient, messagesPerSecond: 1000, perRecipient });
				at[recipient].push(Date.now() - started);
			}),
		);
		expect(Math.max(...at.b)).toBeLessThan(200);
		expect(Math.max(...at.a)).toBeGreaterThanOrEqual(390);
	});
});

describe('Bulk Sending options', () => {
	it('defaults to what the node shows', () => {
		const shown = Object.fromEntries((bulkSending.options as Array<{ name: string; default: number | boolean }>).map((o) => [o.name, o.default]));
		expect(deliverySettingsFrom(shown)).toEqual(SETTINGS);
		expect(deliverySettingsFrom({})).toEqual(SETTINGS);
		expect(SETTINGS).toMatchObject({ concurrency: 50, messagesPerSecond: 80, maxAttempts: 5, retryUnknownOutcome: false });
	});

	it('keeps values in range', () => {
		expect(deliverySettingsFrom({ concurrency: 0, messagesPerSecond: 5000, maxAttempts: 99, maxRetryWaitSeconds: -1 })).toMatchObject({
			concurrency: 1,
			messagesPerSecond: 1000,
			maxAttempts: 10,
			maxRetryWaitMs: 0,
		});
	});
});

describe('callProvider counts a message from when its request reached the provider', () => {
	let server: http.Server;
	const arrivals: number[] = [];

	beforeAll(async () => {
		server = http.createServer((request, response) => {
			arrivals.push(Date.now());
			request.resume();
			// The first answer takes 300 ms: a request queued behind it is written only then.
			request.on('end', () => setTimeout(() => response.end('{}'), arrivals.length === 1 ? 300 : 0));
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	});
	afterAll(async () => {
		await new Promise((resolve) => server.close(resolve));
	});

	it('a request held back after its turn (here by a full pool) is counted from when it was written', async () => {
		const port = (server.address() as net.AddressInfo).port;
		// One connection: the second request waits for the first's answer before it is written.
		const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
		const post = () =>
			new Promise<void>((resolve, reject) => {
				const request = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/messages', agent }, (response) => {
					response.resume();
					response.on('end', resolve);
				});
				request.on('error', reject);
				request.end('{}');
			});
		const call = { provider: 'meta' as const, sender: 'written-test', method: 'POST', message: { recipient: '15550001' } };
		try {
			await withDeliverySettings({ ...SETTINGS, messagesPerSecond: 2, perRecipient: { messages: 0, windowSeconds: 60 } }, async () => {
				await Promise.all([1, 2, 3, 4].map(() => callProvider(call, post, () => undefined)));
			}, { limiter: memorySendRateLimiter() });
		} finally {
			agent.destroy();
		}
		expect(arrivals).toHaveLength(4);
		// The first two had their turn at once; the second reached the server 300 ms later. The
		// fourth may go only 1.02 s after that (counted from its turn it would go at 1.02 s, 0.72 s
		// after the second arrived, and a provider counting arrivals would see 3 in one second).
		expect(arrivals[1] - arrivals[0]).toBeGreaterThanOrEqual(250);
		expect(arrivals[3] - arrivals[1]).toBeGreaterThanOrEqual(1000);
		expect(arrivals[2] - arrivals[0]).toBeGreaterThanOrEqual(1000);
	});
});
