/**
 * Conversation ▸ Get State, Set State and Clear State in n8n's engine, on both providers: the
 * state lives in the conversation store (no provider request), follows the contact's identity,
 * expires, and Expected Version makes a second writer fail instead of overwriting.
 */
import type { IDataObject } from 'n8n-workflow';

import { useConversationStore } from '../../nodes/WhatsAppOmni/helpers/conversationStore';
import type { ConversationStore, StoreScope } from '../../nodes/WhatsAppOmni/store/types';
import { startSandbox, type Sandbox } from '../../sandbox';
import { sandboxCredentials } from '../sandboxCredentials';
import { useFreshStore } from '../storeHelpers';
import { runWorkflow, sendWorkflow } from './harness';

type Provider = 'meta' | 'twilio';

const USER = '+16505551234';
const USER_ID = 'US.13491208655302741918';
const MINUTE = 60 * 1000;

let sandbox: Sandbox;
let store: ConversationStore;

beforeAll(async () => {
	sandbox = await startSandbox();
});
afterAll(async () => {
	await sandbox.stop();
	useConversationStore(undefined);
});
beforeEach(async () => {
	store = await useFreshStore();
	sandbox.clearRequests();
});

const scope = (provider: Provider): StoreScope =>
	provider === 'meta' ? { provider, business: sandbox.meta.phoneNumberId } : { provider, business: sandbox.twilio.whatsAppNumber.replace('whatsapp:', '') };

async function run(provider: Provider, operation: string, parameters: object) {
	return await runWorkflow(sendWorkflow({ provider, resource: 'conversation', operation, contact: USER, ...parameters }), {
		credentials: sandboxCredentials(sandbox),
	});
}

async function item(provider: Provider, operation: string, parameters: object = {}): Promise<IDataObject> {
	const result = await run(provider, operation, parameters);
	expect(result.error).toBeUndefined();
	const output = result.output('WhatsApp Omni').map((one) => one.json);
	expect(output).toHaveLength(1);
	return output[0];
}

const getState = (provider: Provider, parameters: object = {}) => item(provider, 'getState', parameters);
const setState = (provider: Provider, state: object, parameters: object = {}) => item(provider, 'setState', { state: JSON.stringify(state), ...parameters });
const clearState = (provider: Provider, parameters: object = {}) => item(provider, 'clearState', parameters);

describe.each(['meta', 'twilio'] as const)('%s', (provider) => {
	it('Get State finds none, Set State merges and replaces, Clear State ends it: all in the store, no provider request', async () => {
		expect(await getState(provider)).toEqual({ contact: USER, provider, found: false, state: {}, version: 0 });

		const first = await setState(provider, { step: 'ask_address', answers: { name: 'Ana' } });
		expect(first).toEqual({ contact: USER, provider, state: { step: 'ask_address', answers: { name: 'Ana' } }, version: 1, updatedAt: expect.stringMatching(/Z$/) });
		expect(await getState(provider)).toEqual({ ...first, found: true });

		// Merge is the default: keys given change, nested objects merge, null removes, the rest stays.
		const merged = await setState(provider, { step: 'confirm', answers: { address: 'Main St 1' }, unused: null });
		expect(merged).toMatchObject({ state: { step: 'confirm', answers: { name: 'Ana', address: 'Main St 1' } }, version: 2 });
		expect(Object.keys(merged.state as object)).toEqual(['step', 'answers']);

		const replaced = await setState(provider, { step: 'done' }, { mode: 'replace' });
		expect(replaced).toMatchObject({ state: { step: 'done' }, version: 3 });
		expect(await store.getFlowState(scope(provider), { phoneNumber: USER })).toMatchObject({ document: { step: 'done' }, version: 3 });

		expect(await clearState(provider)).toEqual({ contact: USER, provider, cleared: true, version: 3 });
		expect(await getState(provider)).toEqual({ contact: USER, provider, found: false, state: {}, version: 0 });
		expect(await clearState(provider)).toEqual({ contact: USER, provider, cleared: false });
		expect(sandbox.requests).toEqual([]);
	});

	it('Set State with Expected Version: written at that version; otherwise fails naming the contact and both versions, and writes nothing', async () => {
		expect(await setState(provider, { step: 1 }, { options: { expectedVersion: 0 } })).toMatchObject({ version: 1 });
		expect(await setState(provider, { step: 2 }, { options: { expectedVersion: 1 } })).toMatchObject({ version: 2 });

		const stale = await run(provider, 'setState', { state: '{"step": "stale"}', options: { expectedVersion: 1 } });
		expect(stale.error?.message).toBe(
			`Set State: the flow state of ${USER} is at version 2, not at the Expected Version 1. Another execution changed it first; nothing was written`,
		);
		expect((stale.error as { description?: string }).description).toMatch(/^Read the state again with Get State/);
		const created = await run(provider, 'setState', { state: '{"step": "again"}', options: { expectedVersion: 0 } });
		expect(created.error?.message).toBe(
			`Set State: the flow state of ${USER} is at version 2, not at the Expected Version 0. Another execution changed it first; nothing was written`,
		);
		expect(await getState(provider)).toMatchObject({ found: true, state: { step: 2 }, version: 2 });
	});

	it('Clear State with Expected Version: fails when the state moved on, clears at that version', async () => {
		await setState(provider, { step: 1 });
		await setState(provider, { step: 2 });
		const stale = await run(provider, 'clearState', { options: { expectedVersion: 1 } });
		expect(stale.error?.message).toBe(
			`Clear State: the flow state of ${USER} is at version 2, not at the Expected Version 1. Another execution changed it first; nothing was written`,
		);
		expect(await getState(provider)).toMatchObject({ found: true, version: 2 });
		expect(await clearState(provider, { options: { expectedVersion: 2 } })).toMatchObject({ cleared: true, version: 2 });
		const gone = await run(provider, 'clearState', { options: { expectedVersion: 2 } });
		expect(gone.error?.message).toBe(
			`Clear State: ${USER} has no flow state now (version 0: never set, expired or cleared), not at the Expected Version 2. Another execution changed it first; nothing was written`,
		);
	});

	it('Expires In: the state carries its expiry and reads as absent once it passed', async () => {
		const before = Date.now();
		const written = await setState(provider, { step: 'waiting' }, { options: { expiresIn: 30 } });
		const expiresAt = Date.parse(written.expiresAt as string);
		expect(expiresAt).toBeGreaterThanOrEqual(before + 30 * MINUTE);
		expect(expiresAt).toBeLessThanOrEqual(Date.now() + 30 * MINUTE);
		expect(await getState(provider)).toMatchObject({ found: true, expiresAt: written.expiresAt });
		// Written by another process whose expiry has passed since.
		await store.setFlowState(scope(provider), { phoneNumber: USER }, { document: { step: 'old' }, mode: 'replace', expiresAt: new Date(Date.now() + 50).toISOString() });
		await new Promise((resolve) => setTimeout(resolve, 60));
		expect(await getState(provider)).toEqual({ contact: USER, provider, found: false, state: {}, version: 0 });
		// Without an expiry, the next write lasts until cleared.
		expect((await setState(provider, { step: 'new' })).expiresAt).toBeUndefined();
	});
});

describe('identity', () => {
	it('a phone number and its linked BSUID find the same state; an identity change moves it', async () => {
		await setState('meta', { step: 'by phone' });
		expect(await getState('meta', { contact: USER_ID })).toMatchObject({ found: false });
		await store.recordMessage(scope('meta'), { id: 'wamid.link', direction: 'inbound', contact: { phoneNumber: USER, userId: USER_ID }, type: 'text', timestamp: new Date().toISOString() });
		expect(await getState('meta', { contact: USER_ID })).toEqual({ contact: USER_ID, provider: 'meta', found: true, state: { step: 'by phone' }, version: 1, updatedAt: expect.any(String) });
		expect(await setState('meta', { step: 'by BSUID' }, { contact: USER_ID, options: { expectedVersion: 1 } })).toMatchObject({ contact: USER_ID, version: 2 });
		expect(await getState('meta')).toMatchObject({ state: { step: 'by BSUID' }, version: 2 });

		await store.recordIdentityChange(scope('meta'), { userId: USER_ID }, { userId: 'US.2' });
		expect(await getState('meta', { contact: 'US.2' })).toMatchObject({ found: true, state: { step: 'by BSUID' }, version: 2 });
		expect(await getState('meta', { contact: USER_ID })).toMatchObject({ found: false });
	});
});

describe('two executions expecting the same version', () => {
	it('exactly one moves the flow on; the other fails with the conflict', async () => {
		await setState('meta', { step: 'ask' });
		const results = await Promise.all(['yes', 'no'].map((answer) => run('meta', 'setState', { state: JSON.stringify({ answer }), options: { expectedVersion: 1 } })));
		expect(results.filter((result) => result.error === undefined)).toHaveLength(1);
		expect(results.filter((result) => result.error)).toEqual([
			expect.objectContaining({ error: expect.objectContaining({ message: expect.stringMatching(/^Set State: the flow state of \+16505551234 is at version 2, not at the Expected Version 1/) }) }),
		]);
		expect(await getState('meta')).toMatchObject({ version: 2, state: { step: 'ask', answer: expect.stringMatching(/^(yes|no)$/) } });
	});
});

describe('bad input is refused before anything is written', () => {
	const refused = async (operation: string, parameters: object, message: string | RegExp) => {
		const result = await run('meta', operation, parameters);
		if (typeof message === 'string') expect(result.error?.message).toBe(message);
		else expect(result.error?.message).toMatch(message);
		expect(await store.getFlowState(scope('meta'), { phoneNumber: USER })).toBeUndefined();
		// Not even the contact: nothing reached the store.
		expect(await store.getContact(scope('meta'), { phoneNumber: USER })).toBeUndefined();
	};

	it('State that is not JSON, or not an object', async () => {
		await refused('setState', { state: '{"step": ' }, /^Item 1: State is not valid JSON/);
		await refused('setState', { state: '["a", "b"]' }, 'Item 1: State must be a JSON object, not an array');
		await refused('setState', { state: '"ask"' }, 'Item 1: State must be a JSON object, not a string');
	});

	it('State over 64 KB of JSON (UTF-8 bytes)', async () => {
		const state = JSON.stringify({ note: '€'.repeat(22_000) });
		await refused('setState', { state }, `Item 1: State is ${JSON.stringify(JSON.parse(state)).length + 44_000} bytes of JSON; a flow state holds at most 65536 bytes (64 KB)`);
	});

	it('a merge that would grow the state past 64 KB fails and leaves the state as it was', async () => {
		await setState('meta', { a: 'x'.repeat(40_000) });
		const result = await run('meta', 'setState', { state: JSON.stringify({ b: 'y'.repeat(30_000) }) });
		expect(result.error?.message).toBe(`Set State: the flow state of ${USER} would be 70015 bytes of JSON once merged; the limit is 65536 bytes (64 KB). Nothing was written`);
		expect(await getState('meta')).toMatchObject({ version: 1, state: { a: expect.any(String) } });
	});

	it('an expiry in the past, both expiries, a version that is not one, a contact that is not one', async () => {
		await refused('setState', { state: '{}', options: { expiresAt: '2020-01-01T00:00:00Z' } }, /^Item 1: Expires At \(2020-01-01T00:00:00.000Z\) is not in the future/);
		await refused(
			'setState',
			{ state: '{}', options: { expiresIn: 10, expiresAt: new Date(Date.now() + 3600_000).toISOString() } },
			'Item 1: Expires In and Expires At are both set; the state can expire only one way',
		);
		await refused('setState', { state: '{}', options: { expectedVersion: '=2.5' } }, 'Item 1: Expected Version "2.5" is not a version: versions are whole numbers, 0 or more');
		await refused('clearState', { options: { expectedVersion: -1 } }, 'Item 1: Expected Version "-1" is not a version: versions are whole numbers, 0 or more');
		await refused('setState', { contact: 'Sheena', state: '{}' }, /^Item 1: Contact "Sheena" is neither a WhatsApp phone number nor a business-scoped user ID/);
	});

	it('Twilio with only a Messaging Service: refused, naming the credential field to fill in', async () => {
		const result = await runWorkflow(sendWorkflow({ provider: 'twilio', resource: 'conversation', operation: 'setState', contact: USER, state: '{}' }), {
			credentials: sandboxCredentials(sandbox, { twilio: { whatsAppNumber: '', messagingServiceSid: sandbox.twilio.messagingServiceSid } }),
		});
		expect(result.error?.message).toBe('Item 1: The Twilio credential names no WhatsApp number, and the conversation store keeps messages per business number');
	});
});

it('Expires At in the workflow’s time zone: a date-time without a zone (as n8n’s date field gives it) is read there', async () => {
	const zone = 'Asia/Tokyo';
	const inAnHour = new Date(Math.floor(Date.now() / 1000) * 1000 + 3600_000);
	const local = new Intl.DateTimeFormat('sv-SE', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
		.format(inAnHour)
		.replace(' ', 'T');
	const workflow = sendWorkflow({ provider: 'meta', resource: 'conversation', operation: 'setState', contact: USER, state: '{}', options: { expiresAt: local } });
	workflow.settings = { timezone: zone };
	const result = await runWorkflow(workflow, { credentials: sandboxCredentials(sandbox) });
	expect(result.error).toBeUndefined();
	expect(result.output('WhatsApp Omni')[0].json.expiresAt).toBe(inAnHour.toISOString());
});

it('a store that fails the write fails the item, naming the store and what to check', async () => {
	useConversationStore(Object.create(store, { setFlowState: { value: async () => Promise.reject(new Error('read-only database')) } }) as ConversationStore);
	const result = await run('meta', 'setState', { state: '{}' });
	expect(result.error?.message).toBe(`The conversation store (${store.description}, set by WHATSAPP_OMNI_STORE_URL) could not be written: read-only database`);
	useConversationStore(store);
});
