/**
 * The conversation store as a single n8n has it by default: SQLite in the n8n user folder. The
 * trigger records what the provider tells only webhooks (the person's message, the statuses of a
 * send); the action node reads it back: Get Window, Get Status and Get Chat History on Meta.
 */
import fs from 'node:fs';
import path from 'node:path';

import type { Sandbox } from '../../sandbox';
import { eventually, runOperation, startEnvironment, triggerItems, triggerWorkflow, type E2eEnvironment } from './n8n';

let env: E2eEnvironment;
let sandbox: Sandbox;

beforeAll(async () => {
	env = await startEnvironment();
	sandbox = env.sandbox;
}, 20 * 60_000);
afterAll(async () => env?.stop(), 60_000);

/** The sandbox chat user's number, as the trigger's contact.id gives it. */
const CONTACT = '+16505551234';

describe('the conversation store in one n8n (default: SQLite in the user folder)', () => {
	it('Meta: the trigger records; Get Window, Get Status and Get Chat History read it back', async () => {
		sandbox.resetWebhooks();
		const trigger = await triggerWorkflow(env, 'meta', { metaRegistration: 'phoneNumber', events: ['messages', 'statuses'] });
		await env.api.activate(trigger.id);

		// Before the person writes, the window is closed as far as the store knows.
		const before = await runOperation(env, 'meta', { resource: 'conversation', operation: 'getWindow', contact: CONTACT });
		expect(before.output[0]).toMatchObject({ open: false, contact: CONTACT, provider: 'meta' });

		const inbound = sandbox.metaPayload.message({ type: 'text', text: { body: 'is my order on its way?' } });
		expect((await sandbox.deliverMeta(inbound)).status).toBe(200);
		const [[received]] = await triggerItems(env, trigger.id, 1);
		expect(received).toMatchObject({ event: 'message', contact: { id: CONTACT } });

		const window = await runOperation(env, 'meta', { resource: 'conversation', operation: 'getWindow', contact: CONTACT });
		expect(window.output[0]).toMatchObject({ open: true, since: received.timestamp });

		// A send is recorded; the sandbox then posts its sent and delivered statuses to the trigger.
		const sent = await runOperation(env, 'meta', { operation: 'sendText', to: CONTACT, text: 'Yes, it ships today' });
		expect(sent.status).toBe(200);
		const messageId = sent.output[0].messageId as string;
		const status = await eventually(async () => {
			const run = await runOperation(env, 'meta', { operation: 'getStatus', messageId });
			return run.status === 200 && run.output[0]?.status === 'delivered' ? run.output[0] : undefined;
		}, 30_000);
		expect(status).toMatchObject({ provider: 'meta', messageId, direction: 'outbound', status: 'delivered' });
		expect((status.history as Array<{ status: string }>).map((h) => h.status)).toEqual(['sent', 'delivered']);

		const history = await runOperation(env, 'meta', { resource: 'conversation', operation: 'getChatHistory', contact: CONTACT, returnAll: true });
		expect(history.output.map((m) => [m.direction, m.text])).toEqual([
			['outbound', 'Yes, it ships today'],
			['inbound', 'is my order on its way?'],
		]);

		// Where users have it by default: a file in the n8n user folder, not this test's memory.
		expect(fs.existsSync(path.join(env.userFolder ?? '', '.n8n', 'whatsapp-omni.sqlite'))).toBe(true);
		await env.api.deactivate(trigger.id);
	});
});
