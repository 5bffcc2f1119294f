import type { Sandbox } from '../../sandbox';
import {
	eventually,
	finished,
	loadedPackage,
	runOperation as runOperation_,
	sentBody as sentBody_,
	startEnvironment,
	triggerItems as triggerItems_,
	triggerWorkflow as triggerWorkflow_,
	uuid,
	type E2eEnvironment,
	type Provider,
	type RunOptions,
} from './n8n';

let env: E2eEnvironment;
let sandbox: Sandbox;

// Installing n8n the first time takes minutes; later runs boot it in seconds.
beforeAll(async () => {
	env = await startEnvironment();
	sandbox = env.sandbox;
}, 20 * 60_000);
afterAll(async () => env?.stop(), 60_000);

const runOperation = (provider: Provider, parameters: Record<string, unknown>, options: RunOptions = {}) => runOperation_(env, provider, parameters, options);
const triggerWorkflow = (provider: Provider, parameters: Record<string, unknown>) => triggerWorkflow_(env, provider, parameters);
const triggerItems = (workflowId: string, count: number) => triggerItems_(env, workflowId, count);
const sentBody = (provider: Provider) => sentBody_(env, provider);

/** The message of the error the workflow's (only) execution stopped with. */
const executionError = async (workflowId: string): Promise<string> =>
	await eventually(async () => {
		const [execution] = await env.api.executions(workflowId);
		return execution?.data?.resultData?.error?.message as string | undefined;
	});

describe('n8n knows the package', () => {
	it('lists the node, the trigger and the AI tool variant, both credentials, and serves every icon', async () => {
		const loaded = await loadedPackage(env);
		expect(loaded.nodeTypes).toEqual(
			expect.arrayContaining(['n8n-nodes-whatsapp-omni.whatsAppOmni', 'n8n-nodes-whatsapp-omni.whatsAppOmniTrigger', 'n8n-nodes-whatsapp-omni.whatsAppOmniTool']),
		);
		expect(loaded.credentialTypes.sort()).toEqual(['whatsAppOmniMetaApi', 'whatsAppOmniTwilioApi']);
		for (const name of ['n8n-nodes-whatsapp-omni.whatsAppOmni', 'n8n-nodes-whatsapp-omni.whatsAppOmniTrigger', 'whatsAppOmniMetaApi', 'whatsAppOmniTwilioApi']) {
			expect(loaded.icons[name]).toEqual([
				expect.objectContaining({ status: 200, type: expect.stringMatching(/svg/) }),
				expect.objectContaining({ status: 200, type: expect.stringMatching(/svg/) }),
			]);
		}
	});
});

const TO = '+15551234567';
const OPERATIONS: Array<[string, Provider, Record<string, unknown>, Record<string, unknown>]> = [
	['Send Text', 'meta', { operation: 'sendText', to: TO, text: 'Hello from n8n' }, { type: 'text', text: { body: 'Hello from n8n' } }],
	['Send Text', 'twilio', { operation: 'sendText', to: TO, text: 'Hello from n8n' }, { Body: 'Hello from n8n' }],
	['Send Media', 'meta', { operation: 'sendMedia', to: TO, mediaType: 'image', source: 'url', url: 'https://example.com/a.png', options: { caption: 'Hi' } }, { type: 'image', image: { link: 'https://example.com/a.png', caption: 'Hi' } }],
	['Send Media', 'twilio', { operation: 'sendMedia', to: TO, mediaType: 'image', source: 'url', url: 'https://example.com/a.png' }, { MediaUrl: 'https://example.com/a.png' }],
	['Send Document', 'meta', { operation: 'sendDocument', to: TO, source: 'url', url: 'https://example.com/i.pdf', options: { filename: 'i.pdf' } }, { type: 'document', document: { link: 'https://example.com/i.pdf', filename: 'i.pdf' } }],
	['Send Document', 'twilio', { operation: 'sendDocument', to: TO, source: 'url', url: 'https://example.com/i.pdf' }, { MediaUrl: 'https://example.com/i.pdf' }],
	['Send Sticker', 'meta', { operation: 'sendSticker', to: TO, source: 'url', url: 'https://example.com/s.webp' }, { type: 'sticker' }],
	['Send Sticker', 'twilio', { operation: 'sendSticker', to: TO, source: 'url', url: 'https://example.com/s.webp' }, { MediaUrl: 'https://example.com/s.webp' }],
	['Send Location', 'meta', { operation: 'sendLocation', to: TO, latitude: 52.52, longitude: 13.405, options: { name: 'Berlin' } }, { type: 'location', location: { latitude: 52.52, longitude: 13.405, name: 'Berlin' } }],
	['Send Location', 'twilio', { operation: 'sendLocation', to: TO, latitude: 52.52, longitude: 13.405, options: { name: 'Berlin' } }, { PersistentAction: 'geo:52.52,13.405|Berlin' }],
	['Send Contact', 'meta', { operation: 'sendContact', to: TO, contacts: { contact: [{ formattedName: 'Ana Silva', phone: '+5511987654321' }] } }, { type: 'contacts' }],
	['Send Contact', 'twilio', { operation: 'sendContact', to: TO, vCardUrl: 'https://example.com/ana.vcf' }, { MediaUrl: 'https://example.com/ana.vcf' }],
	['Send Interactive', 'meta', { operation: 'sendInteractive', to: TO, interactiveType: 'buttons', body: 'Pick', buttons: { button: [{ title: 'Yes', id: 'yes' }, { title: 'No', id: 'no' }] } }, { type: 'interactive' }],
	['Send Interactive', 'twilio', { operation: 'sendInteractive', to: TO, interactiveType: 'buttons', body: 'Pick', buttons: { button: [{ title: 'Yes', id: 'yes' }, { title: 'No', id: 'no' }] } }, { ContentSid: expect.stringMatching(/^HX/) }],
	['Send Template', 'meta', { operation: 'sendTemplate', to: TO, template: { __rl: true, mode: 'list', value: 'hello_world|en_US' }, variables: { mappingMode: 'defineBelow', value: {}, schema: [] } }, { type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } }],
	['Send Reply', 'meta', { operation: 'sendReply', to: TO, replyTo: 'wamid.HBgLMTU1NTEyMzQ1NjcVAgASGBQzQUE', messageType: 'text', text: 'Sure' }, { context: { message_id: 'wamid.HBgLMTU1NTEyMzQ1NjcVAgASGBQzQUE' } }],
	['Send Reply', 'twilio', { operation: 'sendReply', to: TO, replyTo: 'SM0123456789abcdef0123456789abcdef', messageType: 'text', text: 'Sure', options: { sendWithoutQuote: true } }, { Body: 'Sure' }],
	['Mark as Read', 'meta', { operation: 'markAsRead', messageId: 'wamid.HBgLMTU1NTEyMzQ1NjcVAgASGBQzQUE', options: { typingIndicator: true } }, { status: 'read' }],
];

describe('every action operation, run by n8n against the sandbox', () => {
	it.each(OPERATIONS)('%s on %s', async (_name, provider, parameters, expected) => {
		const { status, output } = await runOperation(provider, parameters);
		expect(status).toBe(200);
		expect(output[0]).toMatchObject({ provider });
		expect(sentBody(provider)).toMatchObject(expected);
	});

	it('Send Template on Twilio by Content SID', async () => {
		const content = sandbox.twilioContents.find((c) => c.friendly_name === 'order_update')!;
		const { output } = await runOperation('twilio', {
			operation: 'sendTemplate',
			to: TO,
			template: { __rl: true, mode: 'id', value: content.sid },
			variables: { mappingMode: 'defineBelow', value: { 'body.1': 'Ana', 'body.2': '1042' }, schema: [] },
		});
		expect(output[0]).toMatchObject({ provider: 'twilio' });
		expect(sentBody('twilio')).toMatchObject({ ContentSid: content.sid, ContentVariables: JSON.stringify({ '1': 'Ana', '2': '1042' }) });
	});

	it('Mark as Read on Twilio', async () => {
		const sid = sandbox.addTwilioInboundMessage();
		const { output } = await runOperation('twilio', { operation: 'markAsRead', messageId: sid });
		expect(output[0]).toMatchObject({ provider: 'twilio', success: true });
	});
});

describe('Media operations, run by n8n against the sandbox', () => {
	// A PNG signature and a little more: the sandbox keeps bytes as given, so they come back the same.
	const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.from('e2e media bytes '.repeat(64))]);

	it('Meta: Upload a binary file from the Webhook, Get URL, Download it back byte for byte, Delete', async () => {
		const upload = await runOperation(
			'meta',
			{ resource: 'media', operation: 'upload', binaryProperty: 'data' },
			{ body: png, contentType: 'image/png' },
		);
		expect(upload.status).toBe(200);
		const mediaId = String(upload.output[0].mediaId);
		expect(upload.output[0]).toMatchObject({ provider: 'meta', mimeType: 'image/png', size: png.length });
		expect(sandbox.getMedia(mediaId)?.bytes.equals(png)).toBe(true);

		const info = await runOperation('meta', { resource: 'media', operation: 'getUrl', mediaId });
		expect(info.output[0]).toMatchObject({ mediaId, mimeType: 'image/png', size: png.length, url: expect.stringContaining(mediaId) });

		const download = await runOperation('meta', { resource: 'media', operation: 'download', mediaId }, { responseData: 'firstEntryBinary' });
		expect(download.status).toBe(200);
		expect(download.contentType).toMatch(/^image\/png/);
		expect(download.bytes.equals(png)).toBe(true);

		const removed = await runOperation('meta', { resource: 'media', operation: 'delete', mediaId });
		expect(removed.output[0]).toMatchObject({ provider: 'meta', success: true });
		expect(sandbox.getMedia(mediaId)).toBeUndefined();
	});

	it('Twilio: Get URL, Download and Delete the media of a received message; Upload is refused with the alternative', async () => {
		const params = sandbox.twilioParams.message({ type: 'image' });
		// Delivered anywhere that answers: what matters is that the sandbox now holds the file.
		await sandbox.deliverTwilio(params, { url: `${env.baseUrl}/webhook/nowhere-${uuid()}` });
		const messageSid = params.MessageSid;
		const [stored] = sandbox.getTwilioMedia(messageSid);
		expect(stored).toBeDefined();

		const info = await runOperation('twilio', { resource: 'media', operation: 'getUrl', mediaId: messageSid });
		expect(info.output[0]).toMatchObject({ provider: 'twilio', mediaId: stored.sid, messageId: messageSid, mimeType: stored.contentType });

		const download = await runOperation('twilio', { resource: 'media', operation: 'download', mediaId: messageSid }, { responseData: 'firstEntryBinary' });
		expect(download.status).toBe(200);
		expect(download.bytes.equals(stored.bytes)).toBe(true);

		const removed = await runOperation('twilio', { resource: 'media', operation: 'delete', mediaId: messageSid });
		expect(removed.output[0]).toMatchObject({ provider: 'twilio', deleted: [stored.sid], success: true });
		expect(sandbox.getTwilioMedia(messageSid)).toHaveLength(0);

		const upload = await runOperation('twilio', { resource: 'media', operation: 'upload', binaryProperty: 'data' }, { body: png, contentType: 'image/png' });
		expect(upload.status).not.toBe(200);
		expect(await executionError(upload.workflowId)).toMatch(/^Twilio cannot do this: Twilio has no upload API/);
	});
});

describe('Template operations, run by n8n against the sandbox', () => {
	const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.from('sample header '.repeat(32))]);
	const template = (value: string) => ({ __rl: true, mode: 'id', value });

	it('Meta: Create with an image header uploaded from the Webhook’s binary, Get, Get Many, Delete', async () => {
		const name = `e2e_${uuid().replace(/-/g, '').slice(0, 12)}`;
		const created = await runOperation(
			'meta',
			{
				resource: 'template',
				operation: 'create',
				name,
				language: 'en_US',
				category: 'UTILITY',
				parameterFormat: 'positional',
				headerType: 'image',
				headerSampleSource: 'binary',
				headerBinaryPropertyName: 'data',
				body: 'Hi {{1}}, your order {{2}} is on its way.',
				bodyExamples: { example: [{ variable: '1', value: 'Ana' }, { variable: '2', value: '#1042' }] },
				footer: 'Reply STOP to opt out',
				buttons: { button: [{ type: 'quickReply', text: 'Track it' }] },
			},
			{ body: png, contentType: 'image/png' },
		);
		expect(created.status).toBe(200);
		expect(created.output[0]).toMatchObject({ provider: 'meta', name, language: 'en_US', status: 'PENDING', category: 'UTILITY' });
		const stored = sandbox.metaTemplates.find((t) => t.name === name);
		expect(stored?.components?.[0]).toMatchObject({ type: 'HEADER', format: 'IMAGE' });

		const got = await runOperation('meta', { resource: 'template', operation: 'get', template: template(`${name}|en_US`) });
		expect(got.output[0]).toMatchObject({ name, body: 'Hi {{1}}, your order {{2}} is on its way.', footer: 'Reply STOP to opt out' });

		const many = await runOperation('meta', { resource: 'template', operation: 'getMany', returnAll: true, filters: { name } });
		expect(many.output.map((t) => t.name)).toEqual([name]);

		const removed = await runOperation('meta', { resource: 'template', operation: 'delete', template: template(name) });
		expect(removed.output[0]).toMatchObject({ provider: 'meta', success: true });
		expect(sandbox.metaTemplates.find((t) => t.name === name)).toBeUndefined();
	});

	it('Twilio: Create a quick-reply Content and submit it for approval, Get, Get Many with a limit, Delete', async () => {
		const name = `e2e_${uuid().replace(/-/g, '').slice(0, 12)}`;
		const created = await runOperation('twilio', {
			resource: 'template',
			operation: 'create',
			name,
			language: 'en',
			category: 'MARKETING',
			parameterFormat: 'positional',
			headerType: 'none',
			body: 'Hi {{1}}, do you want our weekly offers?',
			bodyExamples: { example: [{ variable: '1', value: 'Ana' }] },
			buttons: { button: [{ type: 'quickReply', text: 'Yes please' }, { type: 'quickReply', text: 'No thanks' }] },
			options: { submitForApproval: true },
		});
		expect(created.status).toBe(200);
		const sid = String(created.output[0].templateId);
		expect(sid).toMatch(/^HX[0-9a-f]{32}$/);
		expect(created.output[0]).toMatchObject({ provider: 'twilio', status: 'RECEIVED', category: 'MARKETING' });
		expect(sandbox.twilioContents.find((c) => c.sid === sid)?.types).toHaveProperty(['twilio/quick-reply']);

		const got = await runOperation('twilio', { resource: 'template', operation: 'get', template: template(sid) });
		expect(got.output[0]).toMatchObject({ templateId: sid, name, body: 'Hi {{1}}, do you want our weekly offers?' });

		const limited = await runOperation('twilio', { resource: 'template', operation: 'getMany', returnAll: false, limit: 2 });
		expect(limited.output).toHaveLength(2);

		const removed = await runOperation('twilio', { resource: 'template', operation: 'delete', template: template(sid) });
		expect(removed.output[0]).toMatchObject({ provider: 'twilio', deleted: [sid], success: true });
		expect(sandbox.twilioContents.find((c) => c.sid === sid)).toBeUndefined();
	});

	it('bad input is refused by the node before any request: a template name with capitals', async () => {
		const run = await runOperation('meta', { resource: 'template', operation: 'create', name: 'Bad Name', language: 'en_US', category: 'UTILITY', body: 'Hello there.' });
		expect(run.status).not.toBe(200);
		expect(await executionError(run.workflowId)).toMatch(/name/i);
		expect(sandbox.requests.filter((r) => r.provider === 'meta')).toHaveLength(0);
	});
});

describe('Message › Get Status and Conversation › Get Chat History, run by n8n', () => {
	const CONTACT = '+15557654321';

	it('Twilio: Get Status of a sent message; Get Chat History newest first, both directions, with a limit', async () => {
		// Twilio dates have whole seconds: a second apart, the order is the conversation's.
		const nextSecond = () => new Promise((resolve) => setTimeout(resolve, 1100));
		const first = await runOperation('twilio', { operation: 'sendText', to: CONTACT, text: 'history one' });
		await nextSecond();
		const inbound = sandbox.twilioParams.message({ body: 'history reply', from: `whatsapp:${CONTACT}` });
		await sandbox.deliverTwilio(inbound, { url: `${env.baseUrl}/webhook/nowhere-${uuid()}` });
		await nextSecond();
		const last = await runOperation('twilio', { operation: 'sendText', to: CONTACT, text: 'history two' });
		const sid = String(last.output[0].messageId);

		const status = await runOperation('twilio', { operation: 'getStatus', messageId: sid });
		expect(status.output[0]).toMatchObject({ provider: 'twilio', messageId: sid, direction: 'outbound', to: CONTACT, text: 'history two' });
		expect(['queued', 'sent', 'delivered', 'read']).toContain(status.output[0].status);

		const all = await runOperation('twilio', { resource: 'conversation', operation: 'getChatHistory', contact: CONTACT, returnAll: true });
		expect(all.output.map((m) => m.text)).toEqual(['history two', 'history reply', 'history one']);
		expect(all.output.map((m) => m.direction)).toEqual(['outbound', 'inbound', 'outbound']);
		expect(all.output[2].messageId).toBe(first.output[0].messageId);

		const limited = await runOperation('twilio', { resource: 'conversation', operation: 'getChatHistory', contact: CONTACT, returnAll: false, limit: 2 });
		expect(limited.output.map((m) => m.text)).toEqual(['history two', 'history reply']);
	});

	it('Meta: Get Status of a message no trigger recorded fails saying statuses come from the trigger, before any request', async () => {
		const run = await runOperation('meta', { operation: 'getStatus', messageId: 'wamid.HBgLMTU1NTEyMzQ1NjcVAgASGBQzQUE' });
		expect(run.status).not.toBe(200);
		expect(await executionError(run.workflowId)).toMatch(/^Item 1: The conversation store has no status of message "wamid\.HBgLMTU1NTEyMzQ1NjcVAgASGBQzQUE"/);
		expect(sandbox.requests.filter((r) => r.provider === 'meta')).toHaveLength(0);
	});
});

describe('Contact › Get Profile Info and Update Business Profile, run by n8n', () => {
	it('Meta: update the business profile, then read it back with the number details', async () => {
		const about = `Open 9–17, ${uuid().slice(0, 8)}`;
		const updated = await runOperation('meta', { resource: 'contact', operation: 'updateBusinessProfile', updateFields: { about, websites: 'https://example.com' } });
		expect(updated.status).toBe(200);
		const read = await runOperation('meta', { resource: 'contact', operation: 'getProfileInfo', profile: 'business' });
		expect(read.output[0]).toMatchObject({
			provider: 'meta',
			profile: { about, websites: ['https://example.com'] },
			phoneNumber: { verifiedName: 'Omni Sandbox', qualityRating: 'GREEN' },
		});
	});

	it('Twilio: the sender profile, and a Lookup of a customer number', async () => {
		const business = await runOperation('twilio', { resource: 'contact', operation: 'getProfileInfo', profile: 'business' });
		expect(business.output[0]).toMatchObject({ provider: 'twilio', phoneNumber: { id: expect.stringMatching(/^XE/) } });
		const contact = await runOperation('twilio', { resource: 'contact', operation: 'getProfileInfo', profile: 'contact', phoneNumber: '+14155552671' });
		expect(contact.output[0]).toMatchObject({ provider: 'twilio', phoneNumber: '+14155552671', valid: true });
	});

	it('Meta: a customer profile comes from the conversation store (nobody recorded yet: known false), without a request', async () => {
		sandbox.clearRequests();
		const run = await runOperation('meta', { resource: 'contact', operation: 'getProfileInfo', profile: 'contact', phoneNumber: '+14155552671' });
		expect(run.status).toBe(200);
		expect(run.output[0]).toMatchObject({ provider: 'meta', contact: '+14155552671', known: false, window: { open: false } });
		expect(sandbox.requests.filter((r) => r.provider === 'meta')).toHaveLength(0);
	});
});

describe('the trigger in n8n, every registration mode', () => {
	const modes: Array<[Provider, string, () => string | undefined]> = [
		['meta', 'phoneNumber', () => sandbox.metaWebhooks.phoneNumber?.url],
		['meta', 'businessAccount', () => sandbox.metaWebhooks.waba?.url],
		['meta', 'app', () => sandbox.metaWebhooks.app?.url],
		['twilio', 'sender', () => sandbox.twilioWebhooks.sender?.webhook.callback_url ?? undefined],
		['twilio', 'messagingService', () => sandbox.twilioWebhooks.service.inboundRequestUrl ?? undefined],
	];

	it.each(modes)('%s %s: activation registers, events start executions, forgeries do not, deactivation undoes it', async (provider, mode, registered) => {
		sandbox.resetWebhooks();
		sandbox.clearDeliveries();
		const { id, url } = await triggerWorkflow(provider, provider === 'meta' ? { metaRegistration: mode } : { twilioRegistration: mode });
		await env.api.activate(id);
		expect(registered()).toBe(url);
		if (provider === 'meta') expect(sandbox.handshakes.at(-1)?.status).toBe(200);

		const deliver = (signature: 'valid' | 'wrong') =>
			provider === 'meta'
				? sandbox.deliverMeta(sandbox.metaPayload.message({ type: 'text', text: { body: `hello ${mode}` } }), { signature })
				: sandbox.deliverTwilio(sandbox.twilioParams.message({ body: `hello ${mode}` }), { signature });
		expect((await deliver('valid')).status).toBe(200);
		expect((await deliver('wrong')).status).toBe(401);
		const status =
			provider === 'meta'
				? await sandbox.deliverMeta(sandbox.metaPayload.status({ status: 'delivered' }))
				: await sandbox.deliverTwilio(sandbox.twilioParams.status({ status: 'delivered' }), { kind: 'status' });
		expect(status.status).toBe(200);

		const items = await triggerItems(id, 2);
		const events = items.flat();
		expect(events).toEqual(
			expect.arrayContaining([
				expect.objectContaining({ event: 'message', provider, message: expect.objectContaining({ type: 'text', text: `hello ${mode}` }) }),
				expect.objectContaining({ event: 'status', provider, status: expect.objectContaining({ status: 'delivered' }) }),
			]),
		);
		// Only the genuine message and the status ran: the forged one did not.
		expect((await env.api.executions(id)).length).toBe(2);

		await env.api.deactivate(id);
		await eventually(() => (registered() === url ? undefined : true));
	});
});

describe('the trigger in n8n: verify tokens bound to the activation', () => {
	it('Meta: each activation’s handshake passes (static data not saved yet); afterwards only the latest token is taken', async () => {
		sandbox.resetWebhooks();
		const { id, url } = await triggerWorkflow('meta', { metaRegistration: 'phoneNumber' });
		const answer = async (token: string) => (await fetch(`${url}?hub.mode=subscribe&hub.verify_token=${encodeURIComponent(token)}&hub.challenge=77`)).status;

		await env.api.activate(id);
		const first = sandbox.handshakes.at(-1);
		expect(first).toMatchObject({ ok: true });
		await env.api.deactivate(id);
		await eventually(() => (sandbox.metaWebhooks.phoneNumber === undefined ? true : undefined));
		await env.api.activate(id);
		const second = sandbox.handshakes.at(-1);
		expect(second).toMatchObject({ ok: true });
		expect(second?.verifyToken).not.toBe(first?.verifyToken);

		expect(await answer(second!.verifyToken)).toBe(200);
		expect(await answer(first!.verifyToken)).toBe(403);
		await env.api.deactivate(id);
		await eventually(() => (sandbox.metaWebhooks.phoneNumber === undefined ? true : undefined));
	});
});

describe('the trigger in n8n: manual registration and every inbound kind', () => {
	it.each(['meta', 'twilio'] as const)('%s manual: nothing is registered, signed deliveries to the URL start executions', async (provider) => {
		sandbox.resetWebhooks();
		sandbox.clearRequests();
		const { id, url } = await triggerWorkflow(provider, provider === 'meta' ? { metaRegistration: 'manual', verifyToken: 'paste-me' } : { twilioRegistration: 'manual' });
		await env.api.activate(id);
		expect(sandbox.requests).toHaveLength(0);
		if (provider === 'meta') {
			// The handshake Meta's dashboard makes, with the token the person typed into both.
			const ok = await fetch(`${url}?hub.mode=subscribe&hub.verify_token=paste-me&hub.challenge=8421`);
			expect(await ok.text()).toBe('8421');
			// The headers the trigger sets reach the client through n8n's webhook server.
			expect(ok.headers.get('content-type')).toMatch(/^text\/plain\b/);
			expect(ok.headers.get('x-content-type-options')).toBe('nosniff');
			expect((await fetch(`${url}?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1`)).status).toBe(403);
			// A challenge that is not a plain token is never echoed, even with the right token.
			const script = await fetch(`${url}?hub.mode=subscribe&hub.verify_token=paste-me&hub.challenge=${encodeURIComponent('<script>alert(1)</script>')}`);
			expect(script.status).toBe(403);
			expect(await script.text()).toBe('Forbidden');
			await sandbox.deliverMeta(sandbox.metaPayload.message({ type: 'text', text: { body: 'manual' } }), { url });
		} else {
			await sandbox.deliverTwilio(sandbox.twilioParams.message({ body: 'manual' }), { url });
		}
		const [items] = await triggerItems(id, 1);
		expect(items[0]).toMatchObject({ event: 'message', provider, message: { text: 'manual' } });
		await env.api.deactivate(id);
	});

	it('Meta: every inbound kind becomes its unified event', async () => {
		sandbox.resetWebhooks();
		const { id } = await triggerWorkflow('meta', { metaRegistration: 'phoneNumber', events: ['messages', 'statuses', 'identity'] });
		await env.api.activate(id);
		const kinds = ['text', 'image', 'audio', 'video', 'document', 'sticker', 'location', 'contacts', 'interactive', 'button', 'reaction', 'order', 'system', 'unsupported'] as const;
		for (const type of kinds) {
			expect((await sandbox.deliverMeta(sandbox.metaPayload.message({ type } as never))).status).toBe(200);
		}
		const events = (await triggerItems(id, kinds.length)).flat();
		// The builder's system message is a changed number: an identity event, not a message.
		const expected = kinds.map((kind) => (kind === 'system' ? 'identity' : kind));
		expect(events.map((e: { event: string; message?: { type: string } }) => e.message?.type ?? e.event).sort()).toEqual([...expected].sort());
		await env.api.deactivate(id);
	});

	it('Twilio: media, location and button replies become their unified events', async () => {
		sandbox.resetWebhooks();
		const { id } = await triggerWorkflow('twilio', { twilioRegistration: 'sender', options: { downloadMedia: true } });
		await env.api.activate(id);
		await sandbox.deliverTwilio(sandbox.twilioParams.message({ type: 'image' }));
		await sandbox.deliverTwilio(sandbox.twilioParams.message({ location: { latitude: 52.52, longitude: 13.405, label: 'Berlin' } }));
		await sandbox.deliverTwilio(sandbox.twilioParams.message({ button: { text: 'Yes', payload: 'yes' } }));
		const executions = await eventually(async () => {
			const all = await env.api.executions(id);
			// Listed as soon as they start: wait until each has finished and saved its data.
			return all.length >= 3 && all.every(finished) ? all : undefined;
		});
		const items = executions.map((e: any) => e.data.resultData.runData['WhatsApp Omni Trigger'][0].data.main[0][0]);
		const types = items.map((i: any) => i.json.message.type).sort();
		expect(types).toEqual(expect.arrayContaining(['image', 'location']));
		expect(items.map((i: any) => i.json.message.reply?.id)).toContain('yes');
		const image = items.find((i: any) => i.json.message.type === 'image');
		// Downloaded by the trigger inside n8n, stored in n8n's binary data.
		expect(image.binary?.data?.mimeType).toMatch(/^image\//);
		expect(image.json.mediaDownloadError).toBeUndefined();
		await env.api.deactivate(id);
	});
});
