/**
 * The send rate held across two n8n "workers" sending from one number: each has its own
 * PostgreSQL pool and limiter (as two processes would), both pointed at one throw-away server
 * (scripts/services/postgres.js), sending through the router to the sandbox, which refuses
 * anything over its rate. Fails, never skips, when the server binaries are missing.
 */
import { mock } from 'jest-mock-extended';
import { Client } from 'pg';
import type { IExecuteFunctions, INode, INodeExecutionData } from 'n8n-workflow';

import { startSandbox, type Sandbox } from '../../sandbox';
import { router } from '../../nodes/WhatsAppOmni/actions/router';
import { DEFAULT_DELIVERY_SETTINGS } from '../../nodes/WhatsAppOmni/helpers/retryPolicy';
import { memorySendRateLimiter, postgresSendRateLimiter, type SendRateLimiter } from '../../nodes/WhatsAppOmni/helpers/sendRateLimiter';
import { storeLocation } from '../../nodes/WhatsAppOmni/store';
import { sandboxCredentials } from '../sandboxCredentials';

const { startPostgres } = require('../../scripts/services/postgres') as {
	startPostgres(options?: { settings?: Record<string, string> }): Promise<{ url: string; stop(): Promise<void> }>;
};

const RATE = 10;
const node: INode = { id: 'omni', name: 'WhatsApp Omni', type: 'n8n-nodes-whatsapp-omni.whatsAppOmni', typeVersion: 1, position: [0, 0], parameters: {} };

let server: { url: string; stop(): Promise<void> };
let sandbox: Sandbox;
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
	[server, sandbox] = await Promise.all([startPostgres({ settings: { fsync: 'off', synchronous_commit: 'off' } }), startSandbox()]);
}, 60_000);

afterAll(async () => {
	await Promise.all(closers.map((close) => close()));
	await sandbox?.stop();
	await server?.stop();
});

/**
 * The limiter keeps sends RATE a second when they leave; on a loaded test machine one may reach the
 * sandbox tens of milliseconds late, next to the following second's. The sandbox lets one such
 * message through (RATE + 1), and the count is checked over 950 ms: two workers counting apart
 * (2 × RATE) still go far over both.
 */
const JITTER_MS = 50;

beforeEach(() => {
	sandbox.setRateLimit({ messagesPerSecond: RATE + 1 });
	sandbox.resetCounters();
});

function worker(name: string, count: number) {
	const items: INodeExecutionData[] = Array.from({ length: count }, (_, i) => ({ json: { i } }));
	const ctx = mock<IExecuteFunctions>();
	const credentials = sandboxCredentials(sandbox);
	ctx.getInputData.mockReturnValue(items);
	ctx.getNode.mockReturnValue(node);
	ctx.continueOnFail.mockReturnValue(true);
	ctx.getCredentials.mockResolvedValue({ ...credentials.whatsAppOmniMetaApi });
	ctx.getNodeParameter.mockImplementation(((parameter: string, itemIndex: number, fallback?: unknown) => {
		const values: Record<string, unknown> = {
			provider: 'meta',
			resource: 'message',
			operation: 'sendText',
			to: `+1555${name}${String(itemIndex).padStart(4, '0')}`,
			text: 'hi',
			options: {},
		};
		return parameter in values ? values[parameter] : fallback;
	}) as IExecuteFunctions['getNodeParameter']);
	return ctx;
}

async function sendFromBoth(limiters: [SendRateLimiter, SendRateLimiter]) {
	const settings = { ...DEFAULT_DELIVERY_SETTINGS, concurrency: 6, messagesPerSecond: RATE, maxAttempts: 1 };
	const runs = await Promise.all(
		limiters.map((limiter, index) => router.call(worker(`20${index}`, 15), { settings, limiter })),
	);
	return runs.flatMap(([output]) => output);
}

async function sharedLimiter(schema: string): Promise<SendRateLimiter> {
	const location = storeLocation({ WHATSAPP_OMNI_STORE_URL: `${server.url}?schema=${schema}` });
	if (location.kind !== 'postgres') throw new Error('expected a PostgreSQL location');
	const { limiter, close } = await postgresSendRateLimiter(location);
	closers.push(close);
	return limiter;
}

it('two workers sharing PostgreSQL never send more than Messages per Second together', async () => {
	// Opened at once, as workers starting together would: the table is created once, under a lock.
	const limiters = (await Promise.all([sharedLimiter('rate_shared'), sharedLimiter('rate_shared')])) as [SendRateLimiter, SendRateLimiter];
	const started = Date.now();
	const output = await sendFromBoth(limiters);

	expect(output.filter((item) => item.json.error)).toEqual([]);
	expect(sandbox.counters.rateLimited).toBe(0);
	expect(sandbox.busiestAccepted(1000 - JITTER_MS)).toBeLessThanOrEqual(RATE);
	expect(Object.keys(sandbox.counters.acceptedByRecipient)).toHaveLength(30);
	// 30 messages at 10 a second take about 3 s.
	expect(Date.now() - started).toBeGreaterThanOrEqual(2500);

	const admin = new Client(server.url);
	await admin.connect();
	try {
		const { rows } = await admin.query(`SELECT key FROM "rate_shared".send_rate`);
		const keys = rows.map((row: { key: string }) => row.key);
		// One row for the number's window (1 message per 102 ms), one per person (Meta's pair pacing).
		expect(keys.filter((key: string) => key.startsWith('sender_1_102:meta:'))).toHaveLength(1);
		expect(keys.filter((key: string) => key.startsWith('recipient_'))).toHaveLength(30);
	} finally {
		await admin.end();
	}
}, 30_000);

it('the same two workers counting each in its own memory go over it (so the test above can fail)', async () => {
	const output = await sendFromBoth([memorySendRateLimiter(), memorySendRateLimiter()]);
	expect(sandbox.counters.rateLimited).toBeGreaterThan(0);
	expect(output.filter((item) => item.json.code === 130429).length).toBe(sandbox.counters.rateLimited);
}, 30_000);
