/**
 * Several published workflows on one number, and Account › Check Setup, in a real n8n: three on one Meta phone number and
 * two on one Twilio sender each get the events their filters let in, exactly once; unpublishing
 * the one that holds the provider's webhook hands it to another and events keep flowing; a forged
 * forward is refused.
 */
import { ended, eventually, runOperation, startEnvironment, triggerWorkflow, type E2eEnvironment, type Provider } from './n8n';

let env: E2eEnvironment;

beforeAll(async () => {
	env = await startEnvironment();
}, 20 * 60_000);

afterAll(async () => {
	await env?.stop();
}, 60_000);

type Execution = { id: string; status: string; finished?: boolean; data?: any };

/**
 * Event IDs each workflow's executions emitted, once the counts are reached and nothing more comes,
 * sorted: each trigger answers the provider before it starts its execution, so two deliveries in a
 * row may start their executions in either order.
 */
async function emitted(workflowIds: string[], counts: number[]): Promise<string[][]> {
	const read = async () =>
		await Promise.all(
			workflowIds.map(async (id) => {
				const all = (await env.api.executions(id)) as Execution[];
				return all.every(ended) ? all : undefined;
			}),
		);
	await eventually(async () => {
		const all = await read();
		return all.every((executions, i) => executions && executions.length >= counts[i]) ? all : undefined;
	}, 30_000);
	// A late second execution would show up now.
	await new Promise((resolve) => setTimeout(resolve, 1500));
	const all = await read();
	return all.map((executions) =>
		[...(executions ?? [])]
			.sort((a, b) => Number(a.id) - Number(b.id))
			.flatMap((e) => e.data.resultData.runData['WhatsApp Omni Trigger'][0].data.main[0].map((item: any) => `${item.json.event}:${item.json.id}`))
			.sort(),
	);
}

async function publish(provider: Provider, parameters: Record<string, unknown>) {
	const workflow = await triggerWorkflow(env, provider, parameters);
	await env.api.activate(workflow.id);
	return workflow;
}

describe('Meta: three published workflows on one phone number', () => {
	it('each gets what its filters let in, once; the holder unpublished hands over; a forged forward is refused', async () => {
		env.sandbox.resetWebhooks();
		const all = await publish('meta', { events: ['messages'] });
		const statuses = await publish('meta', { events: ['statuses'] });
		const texts = await publish('meta', { events: ['messages'], messageTypes: ['text'] });
		// Publishing the second and third did not fail, and did not move the webhook.
		expect(env.sandbox.metaWebhooks.phoneNumber?.url).toBe(all.url);

		const text = env.sandbox.metaPayload.message({ type: 'text', text: { body: 'Hello, three workflows' } }) as any;
		const image = env.sandbox.metaPayload.message({ type: 'image' }) as any;
		const status = env.sandbox.metaPayload.status({ status: 'delivered' }) as any;
		for (const payload of [text, image, status, text]) expect((await env.sandbox.deliverMeta(payload)).status).toBe(200);
		const id = (payload: any) => payload.entry[0].changes[0].value.messages?.[0]?.id ?? payload.entry[0].changes[0].value.statuses[0].id;
		expect(await emitted([all.id, statuses.id, texts.id], [2, 1, 1])).toEqual([
			[`message:${id(text)}`, `message:${id(image)}`].sort(),
			[`status:${id(status)}`],
			[`message:${id(text)}`],
		]);

		// A forward that was not signed by Meta's app secret.
		const forged = await fetch(texts.url, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${'0'.repeat(64)}`, 'x-whatsapp-omni-forwarded': all.id },
			body: JSON.stringify(env.sandbox.metaPayload.message({ type: 'text', text: { body: 'forged' } })),
		});
		expect(forged.status).toBe(401);

		// The holder unpublished: the webhook moves to a workflow still listening (Meta's handshake
		// passes there). n8n answers the unpublish before its deactivation hooks have finished.
		await env.api.deactivate(all.id);
		const holder = () => [statuses, texts].find((w) => w.url === env.sandbox.metaWebhooks.phoneNumber?.url);
		const next = await eventually(holder);
		expect(env.sandbox.handshakes.at(-1)).toMatchObject({ ok: true, status: 200 });
		const after = env.sandbox.metaPayload.message({ type: 'text', text: { body: 'Still listening?' } }) as any;
		await env.sandbox.deliverMeta(after);
		const [, , textRuns] = await emitted([all.id, statuses.id, texts.id], [2, 1, 2]);
		expect(textRuns).toEqual([`message:${id(text)}`, `message:${id(after)}`].sort());

		// Then to the last one, and away with it.
		const last = next === statuses ? texts : statuses;
		await env.api.deactivate(next.id);
		await eventually(() => env.sandbox.metaWebhooks.phoneNumber?.url === last.url);
		await env.api.deactivate(last.id);
		await eventually(() => env.sandbox.metaWebhooks.phoneNumber === undefined);
	}, 180_000);
});

describe('Twilio: two published workflows on one sender', () => {
	it('both get each message once; the holder unpublished hands over; the last one puts the sender’s URLs back', async () => {
		const before = env.sandbox.twilioWebhooks.sender?.webhook?.callback_url ?? '';
		const first = await publish('twilio', { events: ['messages'] });
		const second = await publish('twilio', { events: ['messages'] });
		expect(env.sandbox.twilioWebhooks.sender?.webhook).toMatchObject({ callback_url: first.url });

		const hello = env.sandbox.twilioParams.message({ body: 'Hola a los dos' });
		expect((await env.sandbox.deliverTwilio(hello)).status).toBe(200);
		const [a, b] = await emitted([first.id, second.id], [1, 1]);
		expect(a).toEqual([`message:${hello.MessageSid}`]);
		expect(b).toEqual([`message:${hello.MessageSid}`]);

		// n8n answers the unpublish before its deactivation hooks have finished.
		await env.api.deactivate(first.id);
		await eventually(() => env.sandbox.twilioWebhooks.sender?.webhook?.callback_url === second.url);
		const again = env.sandbox.twilioParams.message({ body: 'Only the second now' });
		await env.sandbox.deliverTwilio(again);
		const [, onlySecond] = await emitted([first.id, second.id], [1, 2]);
		expect(onlySecond).toEqual([`message:${hello.MessageSid}`, `message:${again.MessageSid}`].sort());

		await env.api.deactivate(second.id);
		await eventually(() => (env.sandbox.twilioWebhooks.sender?.webhook?.callback_url ?? '') === before);
	}, 180_000);
});

describe('Account › Check Setup', () => {
	const byId = (items: Array<Record<string, unknown>>) => Object.fromEntries(items.map((item) => [item.check, item]));

	it('Meta: finds the published trigger and its deliveries, and reports each seeded failure with its fix', async () => {
		env.sandbox.resetWebhooks();
		env.sandbox.setSetupFaults({});
		const trigger = await publish('meta', { events: ['messages'] });
		expect((await env.sandbox.deliverMeta(env.sandbox.metaPayload.message({ type: 'text', text: { body: 'Are you there?' } }))).status).toBe(200);
		expect((await env.sandbox.deliverMeta(env.sandbox.metaPayload.message({ type: 'text' }), { signature: 'wrong' })).status).toBe(401);

		const checklist = (await runOperation(env, 'meta', { resource: 'account', operation: 'checkSetup' })).output;
		// For whoever writes about it: the whole checklist as n8n output it.
		require('node:fs').writeFileSync(require('node:path').join(env.outputDir, 'check-setup-meta.json'), `${JSON.stringify(checklist, null, 2)}\n`);
		const healthy = byId(checklist);
		expect(healthy['token.valid']).toMatchObject({ ok: true });
		expect(healthy['number.connected']).toMatchObject({ ok: true });
		expect(healthy['waba.subscribed']).toMatchObject({ ok: true });
		expect(healthy['webhook.destination']).toMatchObject({ ok: true, found: expect.stringContaining(trigger.url) });
		expect(healthy['webhook.published']).toMatchObject({ ok: true });
		expect(healthy['deliveries.lastAccepted']).toMatchObject({ ok: true });
		// The sandbox's n8n is on loopback over http: exactly what Meta could never reach.
		expect(healthy['webhook.publicHttps']).toMatchObject({ ok: false, fix: expect.any(String) });
		// This one (and, when it ran, the forged forward of the test before: the same number).
		expect(healthy['deliveries.rejected.signatureMismatch']).toMatchObject({ ok: false, fix: expect.stringMatching(/App Secret/) });
		expect(healthy['deliveries.rejected.signatureMismatch'].count).toBeGreaterThanOrEqual(1);

		env.sandbox.setSetupFaults({ meta: { tokenExpiresInSeconds: 2 * 24 * 3600, tokenScopes: ['whatsapp_business_messaging'], phoneNumber: { quality_rating: 'RED', name_status: 'DECLINED' } } });
		const failing = byId((await runOperation(env, 'meta', { resource: 'account', operation: 'checkSetup' })).output);
		for (const check of ['token.expiry', 'token.scopes', 'number.quality', 'number.nameStatus']) {
			expect(failing[check]).toMatchObject({ ok: false, fix: expect.any(String) });
		}
		// No secret in anything the check returns.
		const text = JSON.stringify(failing);
		for (const secret of [env.sandbox.meta.accessToken, env.sandbox.meta.appSecret]) expect(text).not.toContain(secret);
		env.sandbox.setSetupFaults({});
		await env.api.deactivate(trigger.id);
	}, 120_000);

	it('Twilio: an offline sender and a trial account, each with its fix', async () => {
		env.sandbox.setSetupFaults({ twilio: { senderStatus: 'OFFLINE', accountType: 'Trial' } });
		const items = byId((await runOperation(env, 'twilio', { resource: 'account', operation: 'checkSetup' })).output);
		expect(items['sender.online']).toMatchObject({ ok: false, fix: expect.any(String) });
		expect(items['account.type']).toMatchObject({ ok: false, found: expect.stringMatching(/[Tt]rial/) });
		expect(items['account.active']).toMatchObject({ ok: true });
		env.sandbox.setSetupFaults({});
	}, 120_000);
});
