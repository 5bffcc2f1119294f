import { mock } from 'jest-mock-extended';
import type { IExecuteFunctions, INode, INodeExecutionData, NodeApiError } from 'n8n-workflow';

import { startSandbox, type Sandbox } from '../../sandbox';
import type { FaultKind } from '../../sandbox';
import { router } from '../../nodes/WhatsAppOmni/actions/router';
import { DEFAULT_DELIVERY_SETTINGS, type DeliveryClock, type DeliverySettings } from '../../nodes/WhatsAppOmni/helpers/retryPolicy';
import { memorySendRateLimiter, type SendRateLimiter } from '../../nodes/WhatsAppOmni/helpers/sendRateLimiter';
import { clearGraphClients } from '../../nodes/WhatsAppOmni/providers/meta/client';
import { clearTwilioClients } from '../../nodes/WhatsAppOmni/providers/twilio/client';
import type { ProviderName } from '../../nodes/WhatsAppOmni/providers/types';
import { sandboxCredentials } from '../sandboxCredentials';

/**
 * Bulk sends through the router and the real providers against the sandbox, with its faults on:
 * every person gets a message exactly once, whatever was refused and retried; what may have gone
 * out is never sent again; order, pairing and Continue On Fail hold at any concurrency.
 */

const node: INode = { id: 'omni', name: 'WhatsApp Omni', type: 'n8n-nodes-whatsapp-omni.whatsAppOmni', typeVersion: 1, position: [0, 0], parameters: {} };
const phone = (index: number) => `+1555100${String(index).padStart(4, '0')}`;
const digits = (index: number) => phone(index).slice(1);

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startSandbox();
});
afterAll(async () => {
	await sandbox.stop();
});
beforeEach(() => {
	sandbox.setFaults(undefined);
	sandbox.setRateLimit(undefined);
	sandbox.setPairRateLimit(undefined);
	sandbox.setLatency(0);
	sandbox.resetCounters();
	sandbox.clearRequests();
	// New clients: a test's connections are its own, and counted from zero.
	clearGraphClients();
	clearTwilioClients();
});

function context(provider: ProviderName, recipients: string[], continueOnFail: boolean) {
	const items: INodeExecutionData[] = recipients.map((to) => ({ json: { to } }));
	const ctx = mock<IExecuteFunctions>();
	const credentials = sandboxCredentials(sandbox);
	ctx.getInputData.mockReturnValue(items);
	ctx.getNode.mockReturnValue(node);
	ctx.continueOnFail.mockReturnValue(continueOnFail);
	ctx.getCredentials.mockImplementation(async (type: string) => ({ ...credentials[type as keyof typeof credentials] }));
	ctx.getNodeParameter.mockImplementation(((name: string, itemIndex: number, fallback?: unknown) => {
		const values: Record<string, unknown> = {
			provider,
			resource: 'message',
			operation: 'sendText',
			to: recipients[itemIndex],
			text: `message ${itemIndex}`,
			options: {},
		};
		return name in values ? values[name] : fallback;
	}) as IExecuteFunctions['getNodeParameter']);
	return ctx;
}

/** Sleeps are recorded and skipped: retries are instant and their waits can be checked. */
function recordingClock(): DeliveryClock & { waits: number[] } {
	const waits: number[] = [];
	return { waits, random: () => 1, sleep: async (ms) => void waits.push(ms) };
}

async function send(
	provider: ProviderName,
	recipients: string[],
	settings: Partial<DeliverySettings>,
	{ continueOnFail = true, clock = recordingClock(), limiter = memorySendRateLimiter() }: { continueOnFail?: boolean; clock?: DeliveryClock; limiter?: SendRateLimiter } = {},
) {
	const [output] = await router.call(context(provider, recipients, continueOnFail), {
		settings: { ...DEFAULT_DELIVERY_SETTINGS, messagesPerSecond: 1000, ...settings },
		limiter,
		clock,
	});
	return output;
}

const schedule = (...kinds: Array<FaultKind | null>) => sandbox.setFaults({ rate: 0, kinds: [], schedule: kinds });

describe.each(['meta', 'twilio'] as const)('%s: exactly once under faults', (provider) => {
	it('429s, 500s and connections reset before the request: all retried, each person accepted once, attempts counted', async () => {
		const recipients = Array.from({ length: 12 }, (_, i) => phone(i));
		schedule('429', null, '500', 'reset-before', null, '429', '500', null, 'reset-before');
		const output = await send(provider, recipients, { concurrency: 4 });

		expect(output.map((item) => item.json.error)).toEqual(recipients.map(() => undefined));
		expect(output.map((item) => item.pairedItem)).toEqual(recipients.map((_, item) => ({ item })));
		expect(sandbox.counters.acceptedByRecipient).toEqual(Object.fromEntries(recipients.map((_, i) => [digits(i), 1])));
		expect(sandbox.counters.faults).toEqual({ '429': 2, '500': 2, 'reset-before': 2 });
		// Every request the sandbox read, plus the two that never arrived: 12 messages and 6 faults.
		expect(sandbox.requests.length + 2).toBe(12 + 6);
	});

	it('a send whose connection dropped after it was accepted is not sent again: its item says it may have been sent', async () => {
		const recipients = [phone(0), phone(1), phone(2)];
		schedule(null, 'reset-after', null);
		const output = await send(provider, recipients, { concurrency: 1 });

		expect(output[0].json.messageId).toBeTruthy();
		expect(output[2].json.messageId).toBeTruthy();
		expect(output[1].json).toMatchObject({ attempts: 1, mayHaveBeenSent: true, provider });
		expect(output[1].json.hint).toMatch(/may have been sent\. Check with Get Status or the trigger before re-sending/);
		expect(output[1].json.hint).toMatch(/Not retried after the first attempt/);
		// Accepted once (by the sandbox), and never resent.
		expect(sandbox.counters.acceptedByRecipient).toEqual({ [digits(0)]: 1, [digits(1)]: 1, [digits(2)]: 1 });
		expect(sandbox.requests).toHaveLength(3);
	});

	it('with Retry When Outcome Unknown, that send is retried and the person gets it twice', async () => {
		schedule('reset-after');
		const output = await send(provider, [phone(0)], { retryUnknownOutcome: true });
		expect(output[0].json.messageId).toBeTruthy();
		expect(sandbox.counters.acceptedByRecipient).toEqual({ [digits(0)]: 2 });
	});

	it('honours Retry-After and gives up after Max Attempts, saying how many were made', async () => {
		sandbox.setFaults({ rate: 1, kinds: ['429'], retryAfterSeconds: 7 });
		const clock = recordingClock();
		const output = await send(provider, [phone(0)], { maxAttempts: 3 }, { clock });
		expect(clock.waits).toEqual([7000, 7000]);
		expect(output[0].json).toMatchObject({ attempts: 3, httpCode: '429' });
		expect(output[0].json.hint).toMatch(/Gave up after 3 attempts\./);
		expect(sandbox.counters.acceptedByRecipient).toEqual({});
		expect(sandbox.requests).toHaveLength(3);
	});

	it('does not wait longer than Max Retry Wait', async () => {
		sandbox.setFaults({ rate: 1, kinds: ['429'], retryAfterSeconds: 600 });
		const clock = recordingClock();
		const output = await send(provider, [phone(0)], {}, { clock });
		expect(clock.waits).toEqual([]);
		expect(output[0].json.hint).toMatch(/Not retried after the first attempt: waiting 600 s is longer than Bulk Sending › Max Retry Wait\./);
	});

	it('keeps the rate: no second holds more than Messages per Second accepted, and the sandbox refused none but a stray late arrival', async () => {
		sandbox.setRateLimit({ messagesPerSecond: 10 });
		const recipients = Array.from({ length: 25 }, (_, i) => phone(i));
		const output = await send(provider, recipients, { concurrency: 8, messagesPerSecond: 10 }, { clock: { sleep: (ms) => new Promise((r) => setTimeout(r, ms)), random: Math.random } });
		expect(output.every((item) => typeof item.json.messageId === 'string')).toBe(true);
		// At most 10 sends counted in any 1.02 s, each from when it was written; the sandbox counts
		// arrivals in any 1 s. A loaded machine can hold one arrival back more than the 20 ms
		// allowance, so one refusal (then retried) is tolerated; without the pacing, most of the 25
		// would be refused.
		expect(sandbox.counters.rateLimited).toBeLessThanOrEqual(1);
		expect(Object.values(sandbox.counters.acceptedByRecipient)).toEqual(recipients.map(() => 1));
		expect(sandbox.busiestAccepted(1000)).toBeLessThanOrEqual(10);
		const times = sandbox.counters.accepted.map((a) => a.at);
		expect(Math.max(...times) - Math.min(...times)).toBeGreaterThanOrEqual(2000);
	});

	it('counts each send from when the provider’s HTTP client wrote it, retries included', async () => {
		const limiter = memorySendRateLimiter();
		const turns = { taken: 0, written: 0 };
		const waitForTurn = limiter.waitForTurn.bind(limiter);
		limiter.waitForTurn = async (turn) => {
			const place = await waitForTurn(turn);
			turns.taken++;
			return { ...place, written: () => (turns.written++, place.written()) };
		};
		schedule(null, '500', null);
		await send(provider, [phone(0), phone(1), phone(2)], { concurrency: 1 }, { limiter });
		// Three messages and one retry, each request written once.
		expect(turns).toEqual({ taken: 4, written: 4 });
	});

	it('opens no more connections than its concurrency, and has no more requests in flight', async () => {
		sandbox.setLatency(20);
		const recipients = Array.from({ length: 30 }, (_, i) => phone(i));
		await send(provider, recipients, { concurrency: 5 });
		expect(sandbox.counters.peakInFlight).toBeLessThanOrEqual(5);
		expect(sandbox.counters.connectionsOpened).toBeLessThanOrEqual(5);
	});
});

describe('order, pairing and Continue On Fail under concurrency', () => {
	it('a bad item becomes an error item in its place; the others are sent once', async () => {
		const recipients = [phone(0), 'not a number', phone(2), phone(3)];
		sandbox.setLatency(10);
		const output = await send('meta', recipients, { concurrency: 3 });
		expect(output.map((item) => item.pairedItem)).toEqual(recipients.map((_, item) => ({ item })));
		expect(output[1].json.error).toMatch(/^Item 2: /);
		expect([0, 2, 3].map((i) => typeof output[i].json.messageId)).toEqual(['string', 'string', 'string']);
		expect(Object.keys(sandbox.counters.acceptedByRecipient).sort()).toEqual([digits(0), digits(2), digits(3)]);
	});

	it('without Continue On Fail, the error names the items that went out, earlier and later', async () => {
		const recipients = [phone(0), phone(1), phone(2)];
		// Item 2 is refused for good; items 1 and 3 were in flight beside it and went out.
		sandbox.setLatency(10);
		sandbox.injectResponse({ provider: 'meta', path: /messages$/ }, { status: 400, body: { error: { message: 'bad', code: 100, type: 'OAuthException' } } });
		const started = sandbox.requests.length;
		const error = (await send('meta', recipients, { concurrency: 3 }, { continueOnFail: false }).catch((e: unknown) => e)) as NodeApiError;
		expect(sandbox.requests.length - started).toBe(3);
		expect(error.description).toMatch(/Item(s)? .* after it (was|were) sent too/);
		expect(error.message).toMatch(/error 100/);
	});
});

describe('Meta pair rate limit (131056)', () => {
	it('paces messages to one person by Messages per Recipient, so the sandbox never refuses one', async () => {
		sandbox.setPairRateLimit({ messages: 2, windowMs: 500 });
		const recipients = [phone(0), phone(0), phone(0), phone(1), phone(0)];
		const realClock = { sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)), random: Math.random };
		const started = Date.now();
		const output = await send('meta', recipients, { concurrency: 5, perRecipient: { messages: 2, windowSeconds: 0.5 } }, { clock: realClock });
		expect(output.map((item) => item.json.error)).toEqual(recipients.map(() => undefined));
		expect(sandbox.counters.pairRateLimited).toBe(0);
		expect(sandbox.counters.acceptedByRecipient).toEqual({ [digits(0)]: 4, [digits(1)]: 1 });
		expect(Date.now() - started).toBeGreaterThanOrEqual(500);
	});

	it('without pacing the same sends are refused (the check above can fail)', async () => {
		sandbox.setPairRateLimit({ messages: 2, windowMs: 500 });
		const output = await send('meta', [phone(0), phone(0), phone(0)], { concurrency: 3, maxAttempts: 1, perRecipient: { messages: 0, windowSeconds: 60 } });
		expect(sandbox.counters.pairRateLimited).toBe(1);
		expect(output.filter((item) => item.json.code === 131056).map((item) => item.json.attempts)).toEqual([1]);
	});

	it('a 131056 from Meta is retried after 4^X seconds', async () => {
		schedule('131056', '131056');
		const clock = recordingClock();
		const output = await send('meta', [phone(0)], { perRecipient: { messages: 0, windowSeconds: 60 } }, { clock });
		expect(output[0].json).toMatchObject({ messageId: expect.any(String) });
		expect(clock.waits).toEqual([4000, 16_000]);
		expect(sandbox.counters.acceptedByRecipient).toEqual({ [digits(0)]: 1 });
	});
});

describe('secrets', () => {
	it.each(['meta', 'twilio'] as const)('%s: no error item carries a token, whatever failed', async (provider) => {
		schedule('reset-after', '500', '500', '500', '500');
		const output = await send(provider, [phone(0), phone(1)], { concurrency: 1, maxAttempts: 4 });
		const text = JSON.stringify(output);
		for (const secret of [sandbox.meta.accessToken, sandbox.twilio.authToken, sandbox.twilio.apiKeySecret]) expect(text).not.toContain(secret);
		expect(output.map((item) => item.json.attempts)).toEqual([1, 4]);
	});
});
