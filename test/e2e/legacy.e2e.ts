/**
 * The compatibility smoke on the last n8n 1.x (the 'legacy' runtime of scripts/n8n/install.js):
 * the package loads with its credentials and icons, one send per provider, and the trigger
 * registers and runs on one signed delivery per provider.
 */
import { loadedPackage, runOperation, sentBody, startEnvironment, triggerItems, triggerWorkflow, type E2eEnvironment, type Provider } from './n8n';

let env: E2eEnvironment;

// The first run installs this n8n too (minutes); later runs boot it in seconds.
beforeAll(async () => {
	env = await startEnvironment({ runtime: 'legacy' });
}, 20 * 60_000);
afterAll(async () => env?.stop(), 60_000);

describe('the last n8n 1.x', () => {
	it('runs n8n 1.x', () => {
		expect(env.version).toMatch(/^1\./);
	});

	it('loads the node, the trigger and both credentials, with every icon', async () => {
		const loaded = await loadedPackage(env);
		expect(loaded.nodeTypes).toEqual(expect.arrayContaining(['n8n-nodes-whatsapp-omni.whatsAppOmni', 'n8n-nodes-whatsapp-omni.whatsAppOmniTrigger']));
		expect(loaded.credentialTypes.sort()).toEqual(['whatsAppOmniMetaApi', 'whatsAppOmniTwilioApi']);
		for (const name of ['n8n-nodes-whatsapp-omni.whatsAppOmni', 'n8n-nodes-whatsapp-omni.whatsAppOmniTrigger', 'whatsAppOmniMetaApi', 'whatsAppOmniTwilioApi']) {
			expect(loaded.icons[name]).toEqual([
				expect.objectContaining({ status: 200, type: expect.stringMatching(/svg/) }),
				expect.objectContaining({ status: 200, type: expect.stringMatching(/svg/) }),
			]);
		}
	});

	it.each([
		['meta', { type: 'text', text: { body: 'Hello from n8n 1.x' } }],
		['twilio', { Body: 'Hello from n8n 1.x' }],
	] as Array<[Provider, Record<string, unknown>]>)('Send Text on %s', async (provider, expected) => {
		const { status, output } = await runOperation(env, provider, { operation: 'sendText', to: '+15551234567', text: 'Hello from n8n 1.x' });
		expect(status).toBe(200);
		expect(output[0]).toMatchObject({ provider, messageId: expect.any(String) });
		expect(sentBody(env, provider)).toMatchObject(expected);
	});

	it.each([
		['meta', { metaRegistration: 'phoneNumber' }, () => env.sandbox.metaWebhooks.phoneNumber?.url],
		['twilio', { twilioRegistration: 'sender' }, () => env.sandbox.twilioWebhooks.sender?.webhook.callback_url ?? undefined],
	] as Array<[Provider, Record<string, unknown>, () => string | undefined]>)(
		'the %s trigger registers on activation and runs on a signed delivery, not on a forged one',
		async (provider, parameters, registered) => {
			const { sandbox } = env;
			sandbox.resetWebhooks();
			const { id, url } = await triggerWorkflow(env, provider, parameters);
			await env.api.activate(id);
			expect(registered()).toBe(url);
			const deliver = (signature: 'valid' | 'wrong') =>
				provider === 'meta'
					? sandbox.deliverMeta(sandbox.metaPayload.message({ type: 'text', text: { body: 'hello 1.x' } }), { signature })
					: sandbox.deliverTwilio(sandbox.twilioParams.message({ body: 'hello 1.x' }), { signature });
			expect((await deliver('valid')).status).toBe(200);
			expect((await deliver('wrong')).status).toBe(401);
			const [items] = await triggerItems(env, id, 1);
			expect(items[0]).toMatchObject({ event: 'message', provider, message: { type: 'text', text: 'hello 1.x' } });
			expect(await env.api.executions(id)).toHaveLength(1);
			await env.api.deactivate(id);
		},
	);
});
