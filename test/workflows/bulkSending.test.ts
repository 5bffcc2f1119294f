import type { INodeExecutionData } from 'n8n-workflow';

import { startSandbox, type FaultKind, type Sandbox } from '../../sandbox';
import { sandboxCredentials } from '../sandboxCredentials';
import { runWorkflow, sendWorkflow } from './harness';

/**
 * Bulk sends in n8n's own engine against the sandbox with faults on, with the node's Bulk Sending
 * options as a person sets them: every person is sent to exactly once, the output keeps its
 * order and pairing, and the one send whose outcome is unknown comes back as an error item.
 */

let sandbox: Sandbox;
beforeAll(async () => {
	sandbox = await startSandbox({ latencyMs: 5 });
});
afterAll(async () => sandbox.stop());
beforeEach(() => {
	sandbox.clearRequests();
	sandbox.setFaults(undefined);
	sandbox.setRateLimit(undefined);
	sandbox.resetCounters();
});

const COUNT = 20;
const phone = (index: number) => `+1555300${String(index).padStart(4, '0')}`;
const input: INodeExecutionData[] = Array.from({ length: COUNT }, (_, i) => ({ json: { phone: phone(i), name: `Person ${i}` } }));

const bulkText = (provider: 'meta' | 'twilio', bulkSending: object) => ({
	provider,
	resource: 'message',
	operation: 'sendText',
	to: '={{ $json.phone }}',
	text: '=Hello {{ $json.name }}',
	bulkSending,
});

describe.each(['meta', 'twilio'] as const)('%s: bulk Send Text in the n8n engine, faults on', (provider) => {
	it('sends each person exactly once through 429s, 500s and a reset, in order, with the unknown one as an error item', async () => {
		// Retry-After 0: the waits are the backoff's own (a quarter to half a second), so the test is quick.
		// No reset before the request here: whether the pool opens the connection the sandbox resets
		// depends on timing, and in one process the client may write before the reset lands (then it
		// is rightly reported as may-have-been-sent). test/unit/bulkSending.test.ts covers it.
		const plan: Array<FaultKind | null> = ['429', null, '500', null, null, null, 'reset-after', '429', null, '500'];
		sandbox.setFaults({ rate: 0, kinds: [], schedule: plan, retryAfterSeconds: 0 });
		sandbox.setRateLimit({ messagesPerSecond: 50 });

		const result = await runWorkflow(sendWorkflow(bulkText(provider, { concurrency: 5, messagesPerSecond: 50 }), { continueOnFail: true }), {
			credentials: sandboxCredentials(sandbox),
			input,
		});

		expect(result.error).toBeUndefined();
		const output = result.output('WhatsApp Omni');
		expect(output.map((item) => item.pairedItem)).toEqual(input.map((_, item) => ({ item })));
		const failed = output.filter((item) => item.json.error);
		expect(failed).toHaveLength(1);
		expect(failed[0].json).toMatchObject({ mayHaveBeenSent: true, attempts: 1 });
		expect(String(failed[0].json.hint)).toMatch(/may have been sent\. Check with Get Status or the trigger before re-sending/);
		// The sends that worked name their person, in input order.
		for (const [index, item] of output.entries()) {
			if (!item.json.error) expect(item.json.to).toMatch(new RegExp(phone(index).slice(1)));
		}
		// Every person got exactly one message: the unknown one too (the sandbox accepted it), never two.
		expect(sandbox.counters.acceptedByRecipient).toEqual(Object.fromEntries(input.map((_, i) => [phone(i).slice(1), 1])));
		expect(sandbox.counters.faults).toEqual({ '429': 2, '500': 2, 'reset-after': 1 });
		expect(sandbox.counters.rateLimited).toBe(0);
		expect(sandbox.counters.peakInFlight).toBeLessThanOrEqual(5);
	});

	it('without Continue On Fail the node stops on that item and says which messages went out', async () => {
		sandbox.setFaults({ rate: 0, kinds: [], schedule: [null, null, 'reset-after'] });
		const result = await runWorkflow(sendWorkflow(bulkText(provider, { concurrency: 1 })), { credentials: sandboxCredentials(sandbox), input });
		expect(result.error?.message).toMatch(/request failed/);
		expect(result.error?.description).toMatch(/may have been sent/);
		expect(result.error?.description).toMatch(/2 earlier items were already sent/);
		expect(Object.keys(sandbox.counters.acceptedByRecipient)).toHaveLength(3);
	});
});
