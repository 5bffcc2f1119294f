/**
 * Several published workflows on one number: the provider's webhook is registered once (the
 * holder), the others listen through it, each gets what its filters let through exactly once,
 * the registration moves when the holder is unpublished and goes when the last one is, and a
 * forged forward is refused like a forged delivery. Triggers run behind real HTTP servers
 * (test/trigger/server.ts) against the sandbox, sharing one store as n8n's processes would.
 */
import type { IDataObject } from 'n8n-workflow';

import type { ConversationStore } from '../../nodes/WhatsAppOmni/store/types';
import { forgetListeners } from '../../nodes/WhatsAppOmni/trigger/listeners';
import { startSandbox, type Sandbox } from '../../sandbox';
import { sandboxCredentials } from '../sandboxCredentials';
import { useFreshStore } from '../storeHelpers';
import { startTriggerServer, type TriggerServer } from './server';

let sandbox: Sandbox;
let store: ConversationStore;
const servers: TriggerServer[] = [];
const protocol = process.env.N8N_PROTOCOL;

beforeAll(async () => {
	sandbox = await startSandbox();
	// Forwards go to the listeners' URLs as registered (no n8n port to try first here).
	process.env.N8N_PROTOCOL = 'https';
});
afterAll(async () => {
	process.env.N8N_PROTOCOL = protocol;
	if (protocol === undefined) delete process.env.N8N_PROTOCOL;
	await sandbox.stop();
});
beforeEach(async () => {
	sandbox.resetWebhooks();
	sandbox.clearDeliveries();
	sandbox.clearRequests();
	store = await useFreshStore();
	forgetListeners();
});
afterEach(async () => {
	await Promise.all(servers.splice(0).map((server) => server.stop()));
});

async function publish(workflowId: string, parameters: IDataObject) {
	const server = await startTriggerServer(
		{ parameters, credentials: sandboxCredentials(sandbox), workflowId },
		{ path: `/webhook/${workflowId}-hook/webhook` },
	);
	servers.push(server);
	await server.activate();
	return server;
}

async function eventually(check: () => boolean, timeoutMs = 5000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!check()) {
		if (Date.now() > deadline) throw new Error('timed out waiting');
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
}

/** Waits for the deliveries to settle, then the executions' first items' event IDs per trigger. */
async function settled(triggers: TriggerServer[], expected: number[]) {
	await eventually(() => triggers.every((trigger, i) => trigger.executions.length >= expected[i]));
	await new Promise((resolve) => setTimeout(resolve, 150));
	return triggers.map((trigger) => trigger.executions.map((items) => items.map((item) => `${item.json.event}:${String(item.json.id)}`)));
}

const META_TARGET = 'meta:phoneNumber:';

describe('Meta: three published workflows on one phone number', () => {
	it('registers once; each gets what its filters let in, exactly once, also when Meta delivers again', async () => {
		const all = await publish('wf-a', { provider: 'meta', events: ['messages'] });
		const statuses = await publish('wf-b', { provider: 'meta', events: ['statuses'] });
		const texts = await publish('wf-c', { provider: 'meta', events: ['messages'], messageTypes: ['text'] });
		// One registration, the first one's; one handshake.
		expect(sandbox.metaWebhooks.phoneNumber?.url).toBe(all.url);
		expect(sandbox.handshakes.filter((h) => h.ok)).toHaveLength(1);
		const listeners = await store.listListeners(`${META_TARGET}${sandbox.meta.phoneNumberId}`);
		expect(listeners.map((l) => [l.workflowId, l.holder])).toEqual([['wf-a', true], ['wf-b', false], ['wf-c', false]]);

		const text = sandbox.metaPayload.message({ type: 'text', text: { body: 'Hi all' } });
		const image = sandbox.metaPayload.message({ type: 'image' });
		const status = sandbox.metaPayload.status({ status: 'delivered' });
		for (const payload of [text, image, status, text]) expect((await sandbox.deliverMeta(payload)).status).toBe(200);

		const id = (payload: any) => payload.entry[0].changes[0].value.messages?.[0]?.id ?? payload.entry[0].changes[0].value.statuses[0].id;
		expect(await settled([all, statuses, texts], [2, 1, 1])).toEqual([
			[[`message:${id(text)}`], [`message:${id(image)}`]],
			[[`status:${id(status)}`]],
			[[`message:${id(text)}`]],
		]);
		// Counted once per delivery, where Meta delivered, not once per workflow.
		expect(await store.getDeliveries({ provider: 'meta', business: sandbox.meta.phoneNumberId })).toEqual([expect.objectContaining({ count: 4 })]);
	});

	it('unpublishing the holder hands the registration to the oldest listener (with a handshake), then to the next; the last one removes it', async () => {
		const a = await publish('wf-a', { provider: 'meta', events: ['messages'] });
		const b = await publish('wf-b', { provider: 'meta', events: ['messages'] });
		const c = await publish('wf-c', { provider: 'meta', events: ['messages'] });

		expect(await a.deactivate()).toBe(true);
		expect(sandbox.metaWebhooks.phoneNumber?.url).toBe(b.url);
		expect(sandbox.handshakes.at(-1)).toMatchObject({ ok: true, url: expect.stringContaining(b.url) });
		const first = sandbox.metaPayload.message({ type: 'text', text: { body: 'after a left' } });
		await sandbox.deliverMeta(first);
		expect((await settled([a, b, c], [0, 1, 1])).map((runs) => runs.length)).toEqual([0, 1, 1]);

		expect(await b.deactivate()).toBe(true);
		expect(sandbox.metaWebhooks.phoneNumber?.url).toBe(c.url);
		await sandbox.deliverMeta(sandbox.metaPayload.message({ type: 'text', text: { body: 'only c' } }));
		expect((await settled([a, b, c], [0, 1, 2])).map((runs) => runs.length)).toEqual([0, 1, 2]);

		expect(await c.deactivate()).toBe(true);
		expect(sandbox.metaWebhooks.phoneNumber).toBeUndefined();
		expect(await store.listListeners(`${META_TARGET}${sandbox.meta.phoneNumberId}`)).toEqual([]);
	});

	it('a listener unpublished leaves the registration alone; a re-published holder keeps it (n8n restarting)', async () => {
		const a = await publish('wf-a', { provider: 'meta', events: ['messages'] });
		const b = await publish('wf-b', { provider: 'meta', events: ['messages'] });
		expect(await b.deactivate()).toBe(true);
		expect(sandbox.metaWebhooks.phoneNumber?.url).toBe(a.url);
		// n8n starting again activates its published workflows anew: nothing moves.
		await a.activate();
		await b.activate();
		expect(sandbox.metaWebhooks.phoneNumber?.url).toBe(a.url);
		expect((await store.listListeners(`${META_TARGET}${sandbox.meta.phoneNumberId}`)).map((l) => [l.workflowId, l.holder])).toEqual([['wf-a', true], ['wf-b', false]]);
	});

	it('a forged forward is refused like a forged delivery, and counted as one', async () => {
		await publish('wf-a', { provider: 'meta', events: ['messages'] });
		const b = await publish('wf-b', { provider: 'meta', events: ['messages'] });
		const forged = await fetch(b.localUrl, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'x-hub-signature-256': 'sha256=00', 'x-whatsapp-omni-forwarded': 'wf-a' },
			body: JSON.stringify(sandbox.metaPayload.message({ type: 'text', text: { body: 'forged' } })),
		});
		expect(forged.status).toBe(401);
		expect(b.executions).toHaveLength(0);
		expect(await store.getDeliveries({ provider: 'meta', business: sandbox.meta.phoneNumberId })).toEqual([expect.objectContaining({ rejectedBecause: 'signature mismatch', count: 1 })]);
	});

	it('a listener n8n no longer knows (404: deleted while n8n was down) is dropped from the list', async () => {
		const a = await publish('wf-a', { provider: 'meta', events: ['messages'] });
		const b = await publish('wf-b', { provider: 'meta', events: ['messages'] });
		await b.stop();
		servers.splice(servers.indexOf(b), 1);
		await store.addListener({ target: `${META_TARGET}${sandbox.meta.phoneNumberId}`, workflowId: 'wf-gone', nodeId: 'n', url: `${a.url.replace('wf-a-hook', 'wf-gone-hook')}` });
		forgetListeners();
		await sandbox.deliverMeta(sandbox.metaPayload.message({ type: 'text' }));
		await settled([a], [1]);
		await eventually(() => true);
		const left = (await store.listListeners(`${META_TARGET}${sandbox.meta.phoneNumberId}`)).map((l) => l.workflowId);
		expect(left).toContain('wf-a');
		expect(left).not.toContain('wf-gone');
	});
});

describe('Twilio: two published workflows on one sender', () => {
	it('both get each message once; the holder leaving hands over; the last one puts the sender’s own URLs back', async () => {
		const original = { ...sandbox.twilioWebhooks.sender?.webhook };
		const a = await publish('wf-ta', { provider: 'twilio', events: ['messages'] });
		const b = await publish('wf-tb', { provider: 'twilio', events: ['messages', 'statuses'] });
		expect(sandbox.twilioWebhooks.sender?.webhook).toMatchObject({ callback_url: a.url });

		expect((await sandbox.deliverTwilio(sandbox.twilioParams.message({ body: 'Hola' }))).status).toBe(200);
		await sandbox.deliverTwilio(sandbox.twilioParams.status({ status: 'delivered' }), { kind: 'status' });
		const runs = await settled([a, b], [1, 2]);
		expect(runs.map((r) => r.length)).toEqual([1, 2]);
		expect(b.executions[0][0].json).toMatchObject({ event: 'message', message: { text: 'Hola' } });

		// Re-signed for b's URL with the Auth Token; a wrong signature there is refused.
		const forged = await fetch(b.localUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': 'AAAA', 'x-whatsapp-omni-forwarded': 'wf-ta' }, body: new URLSearchParams(sandbox.twilioParams.message({ body: 'forged' })).toString() });
		expect(forged.status).toBe(401);

		expect(await a.deactivate()).toBe(true);
		expect(sandbox.twilioWebhooks.sender?.webhook).toMatchObject({ callback_url: b.url });
		await sandbox.deliverTwilio(sandbox.twilioParams.message({ body: 'still here' }));
		await settled([a, b], [1, 3]);
		expect(b.executions.at(-1)?.[0].json).toMatchObject({ message: { text: 'still here' } });

		expect(await b.deactivate()).toBe(true);
		expect(sandbox.twilioWebhooks.sender?.webhook?.callback_url ?? '').toBe(original.callback_url ?? '');
	});
});
