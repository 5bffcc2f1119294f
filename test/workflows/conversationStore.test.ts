/**
 * The conversation store end to end: the trigger (through its real webhook(), registered with
 * the sandbox) records what the sandbox's user writes and the statuses of what the node sends;
 * workflows in n8n's engine then read it (Get Status and Get Chat History on Meta, Get Window on
 * both) and the Window Check of free-form sends acts on it.
 */
import type { IDataObject } from 'n8n-workflow';

import { useConversationStore } from '../../nodes/WhatsAppOmni/helpers/conversationStore';
import type { ConversationStore, StoreScope } from '../../nodes/WhatsAppOmni/store/types';
import { startSandbox, type Sandbox } from '../../sandbox';
import { sandboxCredentials } from '../sandboxCredentials';
import { useFreshStore } from '../storeHelpers';
import { startTriggerServer, type TriggerServer } from '../trigger/server';
import { runWorkflow, sendWorkflow } from './harness';

type Provider = 'meta' | 'twilio';

const USER = '+16505551234';
const STRANGER = '+15550001111';
const HOUR = 60 * 60 * 1000;

let sandbox: Sandbox;
const triggers: Partial<Record<Provider, TriggerServer>> = {};

beforeAll(async () => {
	sandbox = await startSandbox({ statusDelayMs: 10 });
	for (const provider of ['meta', 'twilio'] as const) {
		const trigger = await startTriggerServer(
			{ parameters: { provider, events: ['messages', 'statuses'] }, credentials: sandboxCredentials(sandbox) },
			{ path: `/webhook/store-${provider}/webhook` },
		);
		await trigger.activate();
		triggers[provider] = trigger;
	}
});
afterAll(async () => {
	await Promise.all(Object.values(triggers).map((trigger) => trigger.stop()));
	await sandbox.stop();
	useConversationStore(undefined);
});

const scope = (provider: Provider): StoreScope =>
	provider === 'meta' ? { provider, business: sandbox.meta.phoneNumberId } : { provider, business: sandbox.twilio.whatsAppNumber.replace('whatsapp:', '') };

async function waitFor(probe: () => Promise<boolean>, what: string, timeoutMs = 3000): Promise<void> {
	const until = Date.now() + timeoutMs;
	while (!(await probe())) {
		if (Date.now() > until) throw new Error(`Timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}

async function run(provider: Provider, resource: string, operation: string, parameters: object) {
	return await runWorkflow(sendWorkflow({ provider, resource, operation, ...parameters }), { credentials: sandboxCredentials(sandbox) });
}

async function items(provider: Provider, resource: string, operation: string, parameters: object): Promise<IDataObject[]> {
	const result = await run(provider, resource, operation, parameters);
	expect(result.error).toBeUndefined();
	return result.output('WhatsApp Omni').map((item) => item.json);
}

const getWindow = (provider: Provider, contact: string) => items(provider, 'conversation', 'getWindow', { contact });
const history = (parameters: object) => items('meta', 'conversation', 'getChatHistory', { contact: USER, returnAll: true, ...parameters });
const posts = () => sandbox.requests.filter((request) => request.method === 'POST');

/**
 * The user writes to the business; the trigger records it. Returns the message's id and time
 * (Meta's webhooks give whole seconds; Twilio's give none, so the trigger takes its receipt time).
 */
async function userWrites(provider: Provider, text: string): Promise<{ id: string; at: string }> {
	const { message, delivery } = await sandbox.chat.send({ provider, type: 'text', text });
	expect(delivery).toMatchObject({ delivered: true });
	return { id: message.id, at: new Date(Math.floor(message.timestamp / 1000) * 1000).toISOString() };
}

describe('Meta, fed by the trigger', () => {
	let store: ConversationStore;
	let inbound: { id: string; at: string };
	let sentId: string;

	beforeAll(async () => {
		store = await useFreshStore();
		inbound = await userWrites('meta', 'Is my order on its way?');
		const [sent] = await items('meta', 'message', 'sendText', { to: USER, text: 'Yes, it arrives tomorrow' });
		expect(sent.storeWarning).toBeUndefined();
		sentId = sent.messageId as string;
		await waitFor(async () => (await store.getStatus(scope('meta'), sentId))?.status === 'delivered', 'the delivered status');
	});
	beforeEach(() => sandbox.clearRequests());

	it('Get Window: open since the person’s message, until 24 hours later', async () => {
		const [window] = await getWindow('meta', USER);
		expect(window).toEqual({
			open: true,
			since: inbound.at,
			until: new Date(Date.parse(inbound.at) + 24 * HOUR).toISOString(),
			contact: USER,
			provider: 'meta',
		});
		expect(sandbox.requests).toEqual([]);
	});

	it('Get Status: the latest status with its history and pricing, from the statuses the trigger received', async () => {
		const [status] = await items('meta', 'message', 'getStatus', { messageId: sentId });
		expect(status).toEqual({
			provider: 'meta',
			messageId: sentId,
			direction: 'outbound',
			status: 'delivered',
			providerStatus: 'delivered',
			updatedAt: expect.stringMatching(/Z$/),
			pricing: expect.objectContaining({ billable: expect.any(Boolean) }),
			history: [expect.objectContaining({ status: 'sent' }), expect.objectContaining({ status: 'delivered' })],
		});
		expect(sandbox.requests).toEqual([]);
	});

	it('Get Status: a failed message has its error', async () => {
		const failedId = 'wamid.HBgLMTY1MDU1NTEyMzQVAgARGBJGQUlMRUQA';
		await sandbox.deliverMeta(sandbox.metaPayload.status({ status: 'failed', id: failedId }));
		const [status] = await items('meta', 'message', 'getStatus', { messageId: failedId });
		expect(status).toMatchObject({ status: 'failed', providerStatus: 'failed', error: { code: 131049 }, errors: [expect.objectContaining({ code: 131049 })] });
	});

	it('Get Chat History, Return All: both directions, newest first, one item per message, as on Twilio', async () => {
		const output = await history({});
		expect(output).toEqual([
			expect.objectContaining({ provider: 'meta', messageId: sentId, direction: 'outbound', status: 'delivered', contact: USER, type: 'text', text: 'Yes, it arrives tomorrow' }),
			expect.objectContaining({
				provider: 'meta',
				messageId: inbound.id,
				direction: 'inbound',
				status: 'received',
				contact: USER,
				type: 'text',
				text: 'Is my order on its way?',
				createdAt: inbound.at,
			}),
		]);
		expect(sandbox.requests).toEqual([]);
	});

	it('Get Chat History: Limit, After and Before', async () => {
		expect((await history({ returnAll: false, limit: 1 })).map((m) => m.messageId)).toEqual([sentId]);
		const justAfter = new Date(Date.parse(inbound.at) + 1).toISOString();
		expect((await history({ options: { after: justAfter } })).map((m) => m.messageId)).toEqual([sentId]);
		expect((await history({ options: { before: inbound.at } })).map((m) => m.messageId)).toEqual([inbound.id]);
	});

	it('Get Chat History and Get Window by the person’s BSUID find the same conversation', async () => {
		const userId = sandbox.chat.snapshot().user.userId;
		expect((await history({ contact: userId })).map((m) => m.messageId)).toEqual([sentId, inbound.id]);
		expect(await getWindow('meta', userId)).toEqual([expect.objectContaining({ open: true, since: inbound.at, contact: userId })]);
	});
});

describe('Get Window', () => {
	let store: ConversationStore;
	beforeEach(async () => {
		store = await useFreshStore();
		sandbox.clearRequests();
	});

	it('Twilio: open after the person writes, read from the store the trigger fills', async () => {
		const inbound = await userWrites('twilio', 'Hola');
		expect(await getWindow('twilio', USER)).toEqual([
			{ open: true, since: expect.any(String), until: expect.any(String), contact: USER, provider: 'twilio' },
		]);
		// Twilio's webhooks carry no time: the window opens when the trigger received the message.
		const [window] = await getWindow('twilio', USER);
		expect(Math.abs(Date.parse(window.since as string) - Date.parse(inbound.at))).toBeLessThan(2000);
		expect(Date.parse(window.until as string) - Date.parse(window.since as string)).toBe(24 * HOUR);
		expect(sandbox.requests.filter((request) => request.method === 'GET')).toEqual([]);
	});

	it.each(['meta', 'twilio'] as const)('%s: closed, with a note, when the store knows of no message from the person', async (provider) => {
		expect(await getWindow(provider, STRANGER)).toEqual([
			{
				open: false,
				contact: STRANGER,
				provider,
				note: `The 24-hour window with ${STRANGER} is closed: the conversation store knows of no message from them (the WhatsApp Omni Trigger records them while it is active with Record in Store on): only templates reach them.`,
			},
		]);
	});

	it('closed since 24 hours after the last message', async () => {
		const since = new Date(Date.now() - 30 * HOUR).toISOString();
		await store.recordMessage(scope('meta'), { id: 'wamid.old', direction: 'inbound', contact: { phoneNumber: STRANGER }, type: 'text', text: 'hi', timestamp: since });
		const until = new Date(Date.parse(since) + 24 * HOUR).toISOString();
		expect(await getWindow('meta', STRANGER)).toEqual([
			{
				open: false,
				since,
				until,
				contact: STRANGER,
				provider: 'meta',
				note: `The 24-hour window with ${STRANGER} is closed since ${until} (their last message the conversation store knows of came at ${since}): only templates reach them until they write again.`,
			},
		]);
	});

	it('refuses a contact that is neither a number nor a BSUID, before reading anything', async () => {
		const result = await run('meta', 'conversation', 'getWindow', { contact: 'Sheena' });
		expect(result.error?.message).toMatch(/^Item 1: Contact "Sheena" is neither a WhatsApp phone number nor a business-scoped user ID \(BSUID\)/);
	});

	it('Twilio with only a Messaging Service: refused, naming the credential field to fill in', async () => {
		const result = await runWorkflow(sendWorkflow({ provider: 'twilio', resource: 'conversation', operation: 'getWindow', contact: USER }), {
			credentials: sandboxCredentials(sandbox, { twilio: { whatsAppNumber: '', messagingServiceSid: sandbox.twilio.messagingServiceSid } }),
		});
		expect(result.error?.message).toBe('Item 1: The Twilio credential names no WhatsApp number, and the conversation store keeps messages per business number');
	});
});

describe('Window Check on free-form sends', () => {
	let store: ConversationStore;
	beforeEach(async () => {
		store = await useFreshStore();
		sandbox.clearRequests();
	});

	const template: Record<Provider, () => object> = {
		meta: () => ({ template: { __rl: true, mode: 'list', value: 'hello_world|en_US' }, variables: { mappingMode: 'defineBelow', value: {}, schema: [] } }),
		twilio: () => ({
			template: { __rl: true, mode: 'list', value: sandbox.twilioContents.find((c) => c.friendly_name === 'order_update')!.sid },
			variables: { mappingMode: 'defineBelow', value: { 'body.1': 'Ana', 'body.2': 'A-1042' }, schema: [] },
		}),
	};
	const sendText = (provider: Provider, to: string, windowCheck: string, extra: object = {}) =>
		run(provider, 'message', 'sendText', { to, text: 'Your order has shipped', windowCheck, ...template[provider](), ...extra });

	describe.each(['meta', 'twilio'] as const)('%s', (provider) => {
		it('Fail When Closed: fails before any request, naming the contact and saying to send a template', async () => {
			const result = await sendText(provider, STRANGER, 'fail');
			expect(result.error?.message).toBe(`The 24-hour window with ${STRANGER} is closed: the conversation store knows of no message from them: nothing was sent`);
			expect((result.error as { description?: string }).description).toMatch(/^Only templates reach a person outside the 24-hour window: send a template/);
			expect(posts()).toEqual([]);
		});

		it('Fail When Closed: says since when the window is closed', async () => {
			const since = new Date(Date.now() - 25 * HOUR).toISOString();
			await store.recordMessage(scope(provider), { id: `old-${provider}`, direction: 'inbound', contact: { phoneNumber: STRANGER }, type: 'text', timestamp: since });
			const result = await sendText(provider, STRANGER, 'fail');
			expect(result.error?.message).toBe(
				`The 24-hour window with ${STRANGER} is closed since ${new Date(Date.parse(since) + 24 * HOUR).toISOString()} (their last message the conversation store knows of came at ${since}): nothing was sent`,
			);
			expect(posts()).toEqual([]);
		});

		it('Fail When Closed: sends as usual while the window is open', async () => {
			await userWrites(provider, 'Where is my parcel?');
			sandbox.clearRequests();
			const result = await sendText(provider, USER, 'fail');
			expect(result.error).toBeUndefined();
			const [sent] = result.output('WhatsApp Omni').map((item) => item.json);
			expect(sent.sentTemplateInstead).toBeUndefined();
			expect(posts()).toHaveLength(1);
			expect(JSON.stringify(posts()[0].body)).toContain('Your order has shipped');
		});

		it('Send Template Instead: sends the chosen template and records it', async () => {
			const result = await sendText(provider, STRANGER, 'sendTemplate');
			expect(result.error).toBeUndefined();
			const [sent] = result.output('WhatsApp Omni').map((item) => item.json);
			expect(sent).toMatchObject({
				provider,
				to: STRANGER,
				sentTemplateInstead: true,
				windowClosed: { reason: `The 24-hour window with ${STRANGER} is closed: the conversation store knows of no message from them` },
			});
			const sends = posts().filter((request) => /messages/i.test(request.path));
			expect(sends).toHaveLength(1);
			const body = JSON.stringify(sends[0].body);
			expect(body).not.toContain('Your order has shipped');
			expect(body).toMatch(provider === 'meta' ? /"type":"template"/ : /ContentSid/);
			const [stored] = (await store.getHistory(scope(provider), { phoneNumber: STRANGER }, { limit: 5 })).messages;
			expect(stored).toMatchObject({ id: sent.messageId, direction: 'outbound', type: 'template' });
		});
	});

	it('Off (the default) sends without reading the store', async () => {
		const result = await run('meta', 'message', 'sendText', { to: STRANGER, text: 'Hello' });
		expect(result.error).toBeUndefined();
		expect(posts()).toHaveLength(1);
	});

	it('Send Reply checks too; a template reply is never checked', async () => {
		const reply = (parameters: object) => run('meta', 'message', 'sendReply', { to: STRANGER, replyTo: 'wamid.HBgLquoted', windowCheck: 'fail', ...parameters });
		expect((await reply({ messageType: 'text', text: 'Sure' })).error?.message).toMatch(/^The 24-hour window with \+15550001111 is closed/);
		expect(posts()).toEqual([]);
		const templated = await reply({ messageType: 'template', ...template.meta() });
		expect(templated.error).toBeUndefined();
		expect(posts()).toHaveLength(1);
	});

	it('a store that cannot be read: the message is sent unchecked, with a storeWarning', async () => {
		useConversationStore(Object.create(store, { getContact: { value: async () => Promise.reject(new Error('connection reset')) } }) as ConversationStore);
		const result = await sendText('meta', STRANGER, 'fail');
		expect(result.error).toBeUndefined();
		const [sent] = result.output('WhatsApp Omni').map((item) => item.json);
		expect(sent.storeWarning).toBe(
			`The 24-hour window was not checked and the message was sent as it was: the conversation store (${store.description}, set by WHATSAPP_OMNI_STORE_URL) failed: connection reset`,
		);
		expect(posts()).toHaveLength(1);
	});
});

describe('every send is recorded', () => {
	let store: ConversationStore;
	beforeEach(async () => {
		store = await useFreshStore();
		sandbox.clearRequests();
	});

	it.each(['meta', 'twilio'] as const)('%s: the sent message is in the store with its text and type', async (provider) => {
		const [sent] = await items(provider, 'message', 'sendText', { to: USER, text: 'Recorded?' });
		const { messages } = await store.getHistory(scope(provider), { phoneNumber: USER }, { limit: 5 });
		expect(messages).toEqual([expect.objectContaining({ id: sent.messageId, direction: 'outbound', type: 'text', text: 'Recorded?', contact: expect.objectContaining({ phoneNumber: USER }) })]);
	});

	it('a store that fails the write never fails the sent message: the item carries a storeWarning, and nothing is sent twice', async () => {
		useConversationStore(Object.create(store, { recordMessage: { value: async () => Promise.reject(new Error('read-only database')) } }) as ConversationStore);
		const result = await run('meta', 'message', 'sendText', { to: USER, text: 'Sent anyway' });
		expect(result.error).toBeUndefined();
		const [sent] = result.output('WhatsApp Omni').map((item) => item.json);
		expect(sent).toMatchObject({ provider: 'meta', messageId: expect.stringMatching(/^wamid\./), status: 'accepted' });
		expect(sent.storeWarning).toBe(
			`The message was sent but not recorded in the conversation store: the conversation store (${store.description}, set by WHATSAPP_OMNI_STORE_URL) failed: read-only database`,
		);
		expect(posts()).toHaveLength(1);
	});
});
