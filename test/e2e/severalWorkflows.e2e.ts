/**
 * Several published workflows on one number, in a real n8n: three on one Meta phone number and
 * two on one Twilio sender each get the events their filters let in, exactly once; unpublishing
 * the one that holds the provider's webhook hands it to another and events keep flowing; a forged
 * forward is refused.
 */
import { ended, eventually, startEnvironment, triggerWorkflow, type E2eEnvironment, type Provider } from './n8n';

let env: E2eEnvironment;

beforeAll(async () => {
	env = await startEnvironment();
}, 20 * 60_000);

afterAll(async () => {
	await env?.stop();
}, 60_000);

type Execution = { id: string; status: string; finished?: boolean; data?: any };

/** Event IDs each workflow's executions emitted, once the counts are reached and nothing more comes. */
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
			.flatMap((e) => e.data.resultData.runData['WhatsApp Omni Trigger'][0].data.main[0].map((item: any) => `${item.json.event}:${item.json.id}`)),
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
			[`message:${id(text)}`, `message:${id(image)}`],
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
		expect(textRuns).toEqual([`message:${id(text)}`, `message:${id(after)}`]);

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
		expect(onlySecond).toEqual([`message:${hello.MessageSid}`, `message:${again.MessageSid}`]);

		await env.api.deactivate(second.id);
		await eventually(() => (env.sandbox.twilioWebhooks.sender?.webhook?.callback_url ?? '') === before);
	}, 180_000);
});
