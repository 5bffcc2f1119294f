/**
 * Queue mode, for real: n8n's main, a worker and two webhook processes on a throw-away PostgreSQL
 * and Redis, the conversation store in the same PostgreSQL (schema whatsapp_omni). Production
 * webhooks reach only the webhook processes and executions run only on the worker, so every
 * check below passes only if the processes see each other's writes through the store.
 */
import fs from 'node:fs';
import path from 'node:path';

import { Client } from 'pg';

import type { Sandbox } from '../../sandbox';
import { askingWorkflow, ended, eventually, finished, runOperation, triggerWorkflow } from './n8n';
import { startQueueEnvironment, type QueueEnvironment } from './queue';

const CONTACT = '+16505551234';
const STRANGER = '16505550000';

let env: QueueEnvironment;
let sandbox: Sandbox;
let db: Client;
const startedAt = Date.now();

beforeAll(async () => {
	env = await startQueueEnvironment({ webhookProcesses: 2 });
	sandbox = env.sandbox;
	db = new Client(env.postgres.url);
	await db.connect();
}, 5 * 60_000);

afterAll(async () => {
	if (env) {
		// What the run cost, for whoever tunes the budget (boot seconds, resident MB).
		const summary = {
			boot: Object.fromEntries([env.main, env.worker, ...env.webhooks].map((p) => [p.name, p.bootSeconds])),
			residentMb: env.residentMb(),
			seconds: (Date.now() - startedAt) / 1000,
		};
		fs.writeFileSync(path.join(env.outputDir, 'queue-mode.json'), `${JSON.stringify(summary, null, '\t')}\n`);
	}
	await db?.end().catch(() => undefined);
	await env?.stop();
}, 90_000);

const query = async (sql: string, params: unknown[] = []) => (await db.query(sql, params)).rows as Array<Record<string, any>>;

/** The executions of a workflow once `count` of them have finished, oldest first. */
const executionsOf = async (workflowId: string, count: number) =>
	await eventually(async () => {
		const all = await env.api.executions(workflowId);
		return all.length >= count && all.every(finished) ? [...all].sort((a, b) => Number(a.id) - Number(b.id)) : undefined;
	}, 30_000);

/** Which processes logged running the execution: n8n's JobProcessor says it on the worker alone. */
const ranBy = (executionId: string) =>
	[env.main, env.worker, ...env.webhooks]
		.filter((p) => p.log().includes(`Worker started execution ${executionId} (job`) && p.log().includes(`Worker finished execution ${executionId} (job`))
		.map((p) => p.name);

/** Which processes logged putting the execution on the queue: the one the webhook reached. */
const enqueuedBy = (executionId: string) =>
	[env.main, env.worker, ...env.webhooks].filter((p) => p.log().includes(`Enqueued execution ${executionId} (job`)).map((p) => p.name);

/** The one execution of a workflow run through runOperation. */
const onlyExecution = async (workflowId: string) => {
	const executions = await executionsOf(workflowId, 1);
	expect(executions).toHaveLength(1);
	return executions[0];
};

/** A status history's statuses, oldest first: the store orders a tie in time by the statuses' own order. */
const historyOrder = (history: Array<{ status: string }>) => history.map((entry) => entry.status);

const triggerOutput = (execution: any) => execution.data.resultData.runData['WhatsApp Omni Trigger'][0].data.main[0].map((item: any) => item.json);

/** A Meta text message from `from`, built once so it can be delivered again byte for byte. */
const inboundText = (text: string, from?: string) => {
	const payload = sandbox.metaPayload.message({ type: 'text', text: { body: text }, ...(from ? { from } : {}) }) as any;
	return { payload, id: payload.entry[0].changes[0].value.messages[0].id as string };
};

describe('queue mode: main, a worker and two webhook processes sharing the conversation store in PostgreSQL', () => {
	let trigger: { id: string; url: string };
	let inbound: { payload: object; id: string };
	let sentId: string;

	it('every process is up on the shared PostgreSQL: n8n’s tables in public, no SQLite anywhere', async () => {
		expect(env.webhooks).toHaveLength(2);
		expect(await query("SELECT to_regclass('public.execution_entity') AS table")).toEqual([{ table: 'execution_entity' }]);
		for (const p of [env.main, env.worker, ...env.webhooks]) {
			expect(fs.existsSync(path.join(p.userFolder, '.n8n', 'database.sqlite'))).toBe(false);
		}
		// The worker is a worker: n8n logs its queue and the concurrency it takes jobs with.
		expect(env.worker.log()).toMatch(/n8n worker is now ready/);
	});

	it('an inbound Meta message, delivered to the webhook process, starts exactly one execution, on the worker', async () => {
		sandbox.resetWebhooks();
		trigger = await triggerWorkflow(env, 'meta', { events: ['messages'] });
		await env.api.activate(trigger.id);
		// Main registered the webhook process's URL (WEBHOOK_URL), and the webhook process answered
		// Meta's handshake with the verify token main made: the token is bound, not remembered.
		expect(trigger.url.startsWith(`${env.webhooks[0].baseUrl}/webhook/`)).toBe(true);
		expect(sandbox.metaWebhooks.phoneNumber?.url).toBe(trigger.url);
		expect(sandbox.handshakes.at(-1)).toMatchObject({ ok: true, status: 200 });

		inbound = inboundText('Is my order on its way?');
		const answer = await sandbox.deliverMeta(inbound.payload);
		expect(answer.status).toBe(200);
		expect(sandbox.deliveries.at(-1)?.url).toBe(trigger.url);

		const [execution] = await executionsOf(trigger.id, 1);
		expect(execution.status).toBe('success');
		expect(execution.mode).toBe('webhook');
		expect(triggerOutput(execution)).toEqual([expect.objectContaining({ event: 'message', id: inbound.id, message: expect.objectContaining({ text: 'Is my order on its way?' }) })]);
		expect(enqueuedBy(String(execution.id))).toEqual(['webhook-1']);
		expect(ranBy(String(execution.id))).toEqual(['worker']);
		// A moment later there is still only the one.
		await new Promise((resolve) => setTimeout(resolve, 1000));
		expect(await env.api.executions(trigger.id)).toHaveLength(1);
	});

	it('the same event again, to the same webhook process or to the other one, starts no second execution', async () => {
		const secondWebhookUrl = trigger.url.replace(env.webhooks[0].baseUrl, env.webhooks[1].baseUrl);
		expect((await sandbox.deliverMeta(inbound.payload)).status).toBe(200);
		expect((await sandbox.deliverMeta(inbound.payload, { url: secondWebhookUrl })).status).toBe(200);
		// A new message through the second webhook process: it serves the trigger and does start
		// executions, so its silence above was the claim in PostgreSQL, not a process that is not listening.
		const other = inboundText('Different person, different message', STRANGER);
		expect((await sandbox.deliverMeta(other.payload, { url: secondWebhookUrl })).status).toBe(200);

		const executions = await executionsOf(trigger.id, 2);
		// The webhook answers before it claims: give a late claim time to start an execution.
		await new Promise((resolve) => setTimeout(resolve, 1500));
		const events = async () => (await executionsOf(trigger.id, 2)).map((e: any) => triggerOutput(e).map((item: any) => item.id));
		expect(await events()).toEqual([[inbound.id], [other.id]]);
		expect(enqueuedBy(String(executions[1].id))).toEqual(['webhook-2']);
		expect(ranBy(String(executions[1].id))).toEqual(['worker']);
		// One claim per event, for this workflow's trigger node.
		const claims = await query('SELECT key FROM whatsapp_omni.claims WHERE namespace LIKE $1', [`${trigger.id}:%`]);
		expect(claims).toHaveLength(2);
	});

	it('a send on the worker is recorded; its statuses arrive through the webhook processes; Get Status and Get Chat History on the worker read them', async () => {
		// Window Check reads, on the worker, the message the webhook process recorded: the window is open.
		const sent = await runOperation(env, 'meta', { operation: 'sendText', to: CONTACT, text: 'Yes, it arrives tomorrow', windowCheck: 'fail' });
		expect(sent.status).toBe(200);
		expect(sent.output[0]).toMatchObject({ provider: 'meta', messageId: expect.stringMatching(/^wamid\./) });
		expect(sent.output[0].storeWarning).toBeUndefined();
		sentId = sent.output[0].messageId as string;
		expect(ranBy(String((await onlyExecution(sent.workflowId)).id))).toEqual(['worker']);

		// The sandbox sends `sent` and `delivered` to the registered URL (the first webhook process);
		// `read` comes through the second.
		await eventually(async () => (await query('SELECT status FROM whatsapp_omni.statuses WHERE message_id = $1', [sentId]))[0]?.status === 'delivered');
		const secondWebhookUrl = trigger.url.replace(env.webhooks[0].baseUrl, env.webhooks[1].baseUrl);
		const read = sandbox.metaPayload.status({ status: 'read', id: sentId, recipientId: CONTACT.slice(1), pricing: false });
		expect((await sandbox.deliverMeta(read, { url: secondWebhookUrl })).status).toBe(200);
		// Statuses start nothing here (the trigger listens to messages), but every one is recorded.
		await eventually(async () => (await query('SELECT status FROM whatsapp_omni.statuses WHERE message_id = $1', [sentId]))[0]?.status === 'read');

		const status = await runOperation(env, 'meta', { operation: 'getStatus', messageId: sentId });
		expect(status.status).toBe(200);
		expect(status.output).toEqual([expect.objectContaining({ provider: 'meta', messageId: sentId, direction: 'outbound', status: 'read' })]);
		expect(historyOrder(status.output[0].history as Array<{ status: string }>)).toEqual(['sent', 'delivered', 'read']);
		expect(ranBy(String((await onlyExecution(status.workflowId)).id))).toEqual(['worker']);

		const history = await runOperation(env, 'meta', { resource: 'conversation', operation: 'getChatHistory', contact: CONTACT, returnAll: true });
		expect(history.status).toBe(200);
		// Newest first: the reply, then the message it answered; the stranger's message is not theirs.
		expect(history.output).toEqual([
			expect.objectContaining({ messageId: sentId, direction: 'outbound', status: 'read', contact: CONTACT, text: 'Yes, it arrives tomorrow' }),
			expect.objectContaining({ messageId: inbound.id, direction: 'inbound', status: 'received', contact: CONTACT, text: 'Is my order on its way?' }),
		]);
		expect(ranBy(String((await onlyExecution(history.workflowId)).id))).toEqual(['worker']);
		await env.api.deactivate(trigger.id);
	});

	it('Send and Wait on the worker is resumed by an answer that reaches the other webhook process, once, even when delivered twice', async () => {
		const bot = await triggerWorkflow(env, 'meta', { events: ['messages'] });
		await env.api.activate(bot.id);
		const asker = await askingWorkflow(env, 'meta', { to: CONTACT, interactiveType: 'approval', body: 'Ship order 1042 today?' });
		await asker.ask();
		const [waiting] = await eventually(async () => {
			const all = await env.api.executions(asker.id);
			return all.length === 1 && all[0].status === 'waiting' ? all : undefined;
		}, 30_000);
		// It ran (and went to wait) on the worker; the wait is in PostgreSQL for every process.
		await eventually(() => env.worker.log().includes(`Worker started execution ${waiting.id} (job`));
		const [row] = await query('SELECT document FROM whatsapp_omni.waits');
		expect(JSON.parse(row.document)).toMatchObject({ executionId: String(waiting.id), accept: 'choices' });
		const question = JSON.parse(row.document).questionMessageId as string;

		// The tap reaches the second webhook process, twice (a provider redelivery).
		const tap = sandbox.metaPayload.message({ type: 'interactive', interactive: { type: 'button_reply', button_reply: { id: 'approve', title: '✓ Approve' } }, context: { from: '15550100000', id: question } } as never);
		const secondWebhookUrl = bot.url.replace(env.webhooks[0].baseUrl, env.webhooks[1].baseUrl);
		expect((await sandbox.deliverMeta(tap, { url: secondWebhookUrl })).status).toBe(200);
		expect((await sandbox.deliverMeta(tap, { url: bot.url })).status).toBe(200);
		const [done] = await eventually(async () => {
			const all = await env.api.executions(asker.id);
			return all.length === 1 && ended(all[0]) ? all : undefined;
		}, 30_000);
		expect(done.status).toBe('success');
		const answer = done.data.resultData.runData.Ask.at(-1).data.main[0][0].json;
		expect(answer).toMatchObject({ approved: true, answer: { id: 'approve' }, questionMessageId: question });
		// The resumed part ran on the worker too; the bot workflow started nothing for the tap.
		expect(env.worker.log().split(`Worker started execution ${waiting.id} (job`).length - 1).toBe(2);
		await new Promise((resolve) => setTimeout(resolve, 1500));
		expect(await env.api.executions(bot.id)).toHaveLength(0);
		expect(JSON.parse((await query('SELECT document FROM whatsapp_omni.waits'))[0].document ?? 'null')).toBeNull();
		await env.api.deactivate(bot.id);
		await env.api.deactivate(asker.id);
	});

	it('two workflows on one number: a delivery to the second webhook process reaches both, once each, also when delivered again', async () => {
		sandbox.resetWebhooks();
		const first = await triggerWorkflow(env, 'meta', { events: ['messages'] });
		await env.api.activate(first.id);
		const second = await triggerWorkflow(env, 'meta', { events: ['messages'] });
		await env.api.activate(second.id);
		expect(sandbox.metaWebhooks.phoneNumber?.url).toBe(first.url);
		expect((await query('SELECT workflow_id, holder FROM whatsapp_omni.listeners ORDER BY holder DESC')).map((row) => [row.workflow_id, Number(row.holder)])).toEqual([
			[first.id, 1],
			[second.id, 0],
		]);

		const both = inboundText('One message, two workflows', '16505550111');
		const viaSecondProcess = first.url.replace(env.webhooks[0].baseUrl, env.webhooks[1].baseUrl);
		expect((await sandbox.deliverMeta(both.payload, { url: viaSecondProcess })).status).toBe(200);
		expect((await sandbox.deliverMeta(both.payload)).status).toBe(200);
		const [one] = await executionsOf(first.id, 1);
		const [two] = await executionsOf(second.id, 1);
		await new Promise((resolve) => setTimeout(resolve, 1500));
		expect(await env.api.executions(first.id)).toHaveLength(1);
		expect(await env.api.executions(second.id)).toHaveLength(1);
		for (const execution of [one, two]) {
			expect(triggerOutput(execution)).toEqual([expect.objectContaining({ id: both.id, message: expect.objectContaining({ text: 'One message, two workflows' }) })]);
			expect(ranBy(String(execution.id))).toEqual(['worker']);
		}
		await env.api.deactivate(second.id);
		await env.api.deactivate(first.id);
	});

	it('the rows are in PostgreSQL’s whatsapp_omni schema, and no process kept a store of its own', async () => {
		const messages = await query('SELECT id, direction, text FROM whatsapp_omni.messages ORDER BY ts_ms, id');
		expect(messages).toEqual(
			expect.arrayContaining([
				{ id: inbound.id, direction: 'inbound', text: 'Is my order on its way?' },
				{ id: sentId, direction: 'outbound', text: 'Yes, it arrives tomorrow' },
			]),
		);
		// The stranger's message, Send and Wait's question and its answer, and the two workflows' one.
		expect(messages).toHaveLength(6);
		const [status] = await query('SELECT status, history FROM whatsapp_omni.statuses WHERE message_id = $1', [sentId]);
		expect(status.status).toBe('read');
		expect(historyOrder(JSON.parse(status.history) as Array<{ status: string }>)).toEqual(['sent', 'delivered', 'read']);
		// The store's default file beside n8n's database: what a process without the URL would open.
		for (const p of [env.main, env.worker, ...env.webhooks]) {
			expect(fs.existsSync(path.join(p.userFolder, '.n8n', 'whatsapp-omni.sqlite'))).toBe(false);
		}
	});
});
