import type { IDataObject } from 'n8n-workflow';

import { startSandbox, type Sandbox } from '../../sandbox';
import { sandboxCredentials } from '../sandboxCredentials';
import { startTriggerServer, type TriggerServer } from './server';
import { useFreshStore } from '../storeHelpers';

let sandbox: Sandbox;
const servers: TriggerServer[] = [];

beforeAll(async () => {
	sandbox = await startSandbox();
});
afterAll(async () => sandbox.stop());
beforeEach(async () => {
	sandbox.resetWebhooks();
	sandbox.clearDeliveries();
	sandbox.clearRequests();
	await useFreshStore();
});
afterEach(async () => {
	await Promise.all(servers.splice(0).map((server) => server.stop()));
});

const credentials = () => sandboxCredentials(sandbox, { twilio: { messagingServiceSid: sandbox.twilio.messagingServiceSid } });

async function triggerFor(parameters: IDataObject, options: { publicBaseUrl?: string; path?: string } = {}) {
	const server = await startTriggerServer({ parameters, credentials: credentials() }, options);
	servers.push(server);
	return server;
}

describe('Meta registration modes', () => {
	it.each([
		['phoneNumber', (s: Sandbox) => s.metaWebhooks.phoneNumber?.url],
		['businessAccount', (s: Sandbox) => s.metaWebhooks.waba?.url],
		['app', (s: Sandbox) => s.metaWebhooks.app?.url],
	] as const)('%s: activation registers after Meta’s handshake, events flow, deactivation removes it', async (mode, registered) => {
		const trigger = await triggerFor({ provider: 'meta', metaRegistration: mode, events: ['messages', 'statuses'] });
		await trigger.activate();

		expect(registered(sandbox)).toBe(trigger.url);
		const handshake = sandbox.handshakes.at(-1);
		expect(handshake).toMatchObject({ url: expect.stringContaining(trigger.url) });
		expect(sandbox.metaWebhooks.waba?.subscribed).toBe(true);

		const answer = await sandbox.deliverMeta(sandbox.metaPayload.message({ type: 'text', text: { body: 'Olá, café?' } }));
		expect(answer.status).toBe(200);
		expect(trigger.executions).toHaveLength(1);
		expect(trigger.executions[0][0].json).toMatchObject({ event: 'message', provider: 'meta', message: { type: 'text', text: 'Olá, café?' } });

		const forged = await sandbox.deliverMeta(sandbox.metaPayload.message({ type: 'text' }), { signature: 'wrong' });
		expect(forged.status).toBe(401);
		expect(trigger.executions).toHaveLength(1);

		expect(await trigger.deactivate()).toBe(true);
		expect(registered(sandbox)).toBeUndefined();
	});

	it('app: subscribes the webhook fields of the chosen events', async () => {
		const trigger = await triggerFor({ provider: 'meta', metaRegistration: 'app', events: ['messages', 'templates'] });
		await trigger.activate();
		expect(sandbox.metaWebhooks.app?.fields).toEqual(expect.arrayContaining(['messages', 'message_template_status_update']));
		await sandbox.deliverMeta(sandbox.metaPayload.templateStatus({ event: 'APPROVED', name: 'order_update' }));
		expect(trigger.executions.at(-1)?.[0].json).toMatchObject({ event: 'template' });
	});

	it('app: Identity Changes alone subscribes `messages` (where the system messages come), and its events flow', async () => {
		const trigger = await triggerFor({ provider: 'meta', metaRegistration: 'app', events: ['identity'] });
		await trigger.activate();
		expect(sandbox.metaWebhooks.app?.fields).toEqual(['messages']);
		await sandbox.deliverMeta(sandbox.metaPayload.userIdChange({ previousUserId: 'US.1111', userId: 'US.2222' }));
		expect(trigger.executions.at(-1)?.[0].json).toMatchObject({ event: 'identity', identity: { previous: { userId: 'US.1111' }, current: { userId: 'US.2222' } } });
	});

	it('refuses to take over a phone number whose webhook points at another system, naming that URL', async () => {
		sandbox.seedWebhooks({ meta: { phoneNumber: 'https://crm.example.com/whatsapp' } });
		const trigger = await triggerFor({ provider: 'meta' }, { path: '/webhook/second/webhook' });
		await expect(trigger.activate()).rejects.toThrow('The phone number’s webhook override already points at https://crm.example.com/whatsapp');
		expect(sandbox.metaWebhooks.phoneNumber?.url).toBe('https://crm.example.com/whatsapp');
	});

	it('the same workflow activated again with its registration lost to another system still refuses, naming the URL', async () => {
		const first = await triggerFor({ provider: 'meta' }, { path: '/webhook/first/webhook' });
		await first.activate();
		sandbox.seedWebhooks({ meta: { phoneNumber: 'https://crm.example.com/whatsapp' } });
		await expect(first.activate()).rejects.toThrow('already points at https://crm.example.com/whatsapp');
	});

	it('lets two workflows share one Meta app: one per phone number and one per WABA', async () => {
		const byNumber = await triggerFor({ provider: 'meta', metaRegistration: 'phoneNumber' }, { path: '/webhook/number/webhook' });
		const byWaba = await triggerFor({ provider: 'meta', metaRegistration: 'businessAccount' }, { path: '/webhook/waba/webhook' });
		await byNumber.activate();
		await byWaba.activate();
		expect(sandbox.metaWebhooks.phoneNumber?.url).toBe(byNumber.url);
		expect(sandbox.metaWebhooks.waba?.url).toBe(byWaba.url);
		// Deactivating one leaves the other alone.
		await byWaba.deactivate();
		expect(sandbox.metaWebhooks.phoneNumber?.url).toBe(byNumber.url);
		expect(sandbox.metaWebhooks.waba?.url).toBeUndefined();
	});

	it('fails activation with Meta’s code when the handshake cannot succeed', async () => {
		const trigger = await triggerFor({ provider: 'meta' });
		// Registers a URL on which nothing answers the handshake with the challenge.
		trigger.setWebhookBaseUrl(trigger.localUrl.replace(/\/webhook\/.*$/, '/nowhere'));
		await expect(trigger.activate()).rejects.toThrow('Meta (WhatsApp Cloud API) error 2200: Meta could not verify the webhook URL');
		expect(sandbox.metaWebhooks.phoneNumber).toBeUndefined();
	});

	it('Manual registration calls nothing', async () => {
		const trigger = await triggerFor({ provider: 'meta', metaRegistration: 'manual', verifyToken: 't' });
		await trigger.activate();
		expect(sandbox.requests).toHaveLength(0);
		expect(await trigger.deactivate()).toBe(true);
	});
});

describe('Twilio registration modes', () => {
	it('sender: sets the sender’s URLs, events flow, deactivation puts the old URLs back', async () => {
		const before = sandbox.twilioWebhooks.sender?.webhook;
		const trigger = await triggerFor({ provider: 'twilio', events: ['messages', 'statuses'] });
		await trigger.activate();
		expect(sandbox.twilioWebhooks.sender?.webhook).toMatchObject({ callback_url: trigger.url, status_callback_url: trigger.url });

		const answer = await sandbox.deliverTwilio(sandbox.twilioParams.message({ body: 'Hola' }));
		expect(answer.status).toBe(200);
		expect(answer.body).toContain('<Response></Response>');
		expect(trigger.executions[0][0].json).toMatchObject({ event: 'message', provider: 'twilio', message: { type: 'text', text: 'Hola' } });

		await sandbox.deliverTwilio(sandbox.twilioParams.status({ status: 'delivered' }), { kind: 'status' });
		expect(trigger.executions.at(-1)?.[0].json).toMatchObject({ event: 'status', status: { status: 'delivered' } });

		expect((await sandbox.deliverTwilio(sandbox.twilioParams.message(), { signature: 'wrong' })).status).toBe(401);

		expect(await trigger.deactivate()).toBe(true);
		const after = sandbox.twilioWebhooks.sender?.webhook;
		// The sandbox's sender had no URLs; Twilio answers a cleared URL as empty.
		expect(before?.callback_url ?? '').toBe('');
		expect(after?.callback_url ?? '').toBe('');
		expect(after?.status_callback_url ?? '').toBe('');
	});

	it('messaging service: sets the inbound and status URLs, and restores them', async () => {
		const before = sandbox.twilioWebhooks.service;
		const trigger = await triggerFor({ provider: 'twilio', twilioRegistration: 'messagingService' });
		await trigger.activate();
		expect(sandbox.twilioWebhooks.service).toMatchObject({ inboundRequestUrl: trigger.url, statusCallback: trigger.url });
		await trigger.deactivate();
		expect(sandbox.twilioWebhooks.service).toMatchObject({ inboundRequestUrl: before.inboundRequestUrl, statusCallback: before.statusCallback });
	});

	it('checks the signature against the public URL when n8n sits behind a proxy', async () => {
		const trigger = await triggerFor({ provider: 'twilio', twilioRegistration: 'manual' }, { publicBaseUrl: 'https://n8n.example.com' });
		expect(trigger.url).toBe('https://n8n.example.com/webhook/7c1b9e2a-test/webhook');
		// Twilio signs the public URL it called; the proxy hands the request to the local one.
		const viaProxy = await sandbox.deliverTwilio(sandbox.twilioParams.message({ body: 'via proxy' }), { url: trigger.localUrl, publicUrl: trigger.url });
		expect(viaProxy.status).toBe(200);
		expect(trigger.executions).toHaveLength(1);
		// Signed for the local URL instead: not what Twilio would have signed, so refused.
		const direct = await sandbox.deliverTwilio(sandbox.twilioParams.message({ body: 'direct' }), { url: trigger.localUrl });
		expect(direct.status).toBe(401);
		expect(trigger.executions).toHaveLength(1);
	});

	it('accepts JSON-bodied webhooks signed with bodySHA256', async () => {
		const trigger = await triggerFor({ provider: 'twilio', twilioRegistration: 'manual' });
		const answer = await sandbox.deliverTwilio(sandbox.twilioParams.message({ body: 'json' }), { url: trigger.url, json: true });
		expect(answer.status).toBe(200);
		expect(trigger.executions[0][0].json).toMatchObject({ message: { text: 'json' } });
		const forged = await sandbox.deliverTwilio(sandbox.twilioParams.message({ body: 'json' }), { url: trigger.url, json: true, signature: 'wrong' });
		expect(forged.status).toBe(401);
	});

	it('downloads incoming media into binary data, following Twilio’s redirect', async () => {
		const trigger = await triggerFor({ provider: 'twilio', twilioRegistration: 'sender', options: { downloadMedia: true } });
		await trigger.activate();
		await sandbox.deliverTwilio(sandbox.twilioParams.message({ type: 'image' }));
		const [item] = trigger.executions[0];
		expect(item.json).toMatchObject({ message: { type: 'image' } });
		expect(item.json.mediaDownloadError).toBeUndefined();
		expect(item.binary?.data).toMatchObject({ mimeType: expect.stringMatching(/^image\//) });
		expect(Buffer.from(item.binary!.data.data, 'base64').length).toBeGreaterThan(0);
	});
});

describe('Meta media download', () => {
	it('fetches a fresh URL by media ID and stores the file as binary data', async () => {
		const trigger = await triggerFor({ provider: 'meta', options: { downloadMedia: true } });
		await trigger.activate();
		await sandbox.deliverMeta(sandbox.metaPayload.message({ type: 'image' }));
		const [item] = trigger.executions[0];
		expect(item.json.mediaDownloadError).toBeUndefined();
		expect(item.binary?.data).toMatchObject({ mimeType: expect.stringMatching(/^image\//), fileName: expect.any(String) });
	});
});
