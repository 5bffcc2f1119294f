import type { IDataObject, IWorkflowBase } from 'n8n-workflow';

import { startSandbox, type Sandbox } from '../../sandbox';
import { sandboxCredentials } from '../sandboxCredentials';
import { runWorkflow, sendWorkflow } from './harness';

const USER = '+16505551234';
const BERLIN = 'Europe/Berlin';

let sandbox: Sandbox;
beforeAll(async () => {
	sandbox = await startSandbox({ statusDelayMs: 10 });
});
afterAll(async () => sandbox.stop());

async function waitFor(probe: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
	const until = Date.now() + timeoutMs;
	while (!probe()) {
		if (Date.now() > until) throw new Error(`Timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}

function workflow(provider: 'meta' | 'twilio', resource: string, operation: string, parameters: object): IWorkflowBase {
	const data = sendWorkflow({ provider, resource, operation, ...parameters });
	data.settings = { timezone: BERLIN };
	return data;
}

async function run(provider: 'meta' | 'twilio', resource: string, operation: string, parameters: object) {
	return await runWorkflow(workflow(provider, resource, operation, parameters), { credentials: sandboxCredentials(sandbox) });
}

async function items(provider: 'meta' | 'twilio', resource: string, operation: string, parameters: object): Promise<IDataObject[]> {
	const result = await run(provider, resource, operation, parameters);
	expect(result.error).toBeUndefined();
	return result.output('WhatsApp Omni').map((item) => item.json);
}

const getStatus = (provider: 'meta' | 'twilio', messageId: string) => run(provider, 'message', 'getStatus', { messageId });
const history = (parameters: object, provider: 'meta' | 'twilio' = 'twilio') =>
	items(provider, 'conversation', 'getChatHistory', { contact: USER, ...parameters });

/** `2025-01-10T13:20:05` for an instant, as the Berlin wall clock shows it (n8n's date fields carry no zone). */
function berlinWallClock(iso: string): string {
	const parts = new Intl.DateTimeFormat('en-CA', {
		timeZone: BERLIN,
		hourCycle: 'h23',
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
		hour: '2-digit',
		minute: '2-digit',
		second: '2-digit',
	}).formatToParts(new Date(iso));
	const part = (type: string) => parts.find((p) => p.type === type)!.value;
	return `${part('year')}-${part('month')}-${part('day')}T${part('hour')}:${part('minute')}:${part('second')}`;
}

describe('Get Status and Get Chat History on Twilio in the n8n engine against the sandbox', () => {
	let first: string;
	let second: string;
	let inbound: string;

	beforeAll(async () => {
		const sent = await items('twilio', 'message', 'sendText', { to: USER, text: 'Your order has shipped' });
		first = sent[0].messageId as string;
		second = (await items('twilio', 'message', 'sendText', { to: USER, text: 'It arrives tomorrow' }))[0].messageId as string;
		await waitFor(() => [first, second].every((sid) => sandbox.chat.get(sid)?.status === 'delivered'), 'both messages delivered');
		// Twilio's dates have whole seconds: the reply comes in a later second than the sends.
		const sentSecond = Math.floor(Date.now() / 1000);
		await waitFor(() => Math.floor(Date.now() / 1000) > sentSecond, 'the next second');
		inbound = (await sandbox.chat.send({ provider: 'twilio', type: 'text', text: 'Thanks!' })).message.id;
	});
	beforeEach(() => sandbox.clearRequests());

	it('Get Status: the delivered message with its timestamps and price, from GET Messages/{Sid}.json', async () => {
		const result = await getStatus('twilio', first);
		expect(result.error).toBeUndefined();
		const [item] = result.output('WhatsApp Omni');
		expect(item.json).toEqual({
			provider: 'twilio',
			messageId: first,
			direction: 'outbound',
			status: 'delivered',
			providerStatus: 'delivered',
			from: sandbox.twilio.whatsAppNumber.replace('whatsapp:', ''),
			to: USER,
			contact: USER,
			text: 'Your order has shipped',
			createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/),
			sentAt: expect.stringMatching(/Z$/),
			updatedAt: expect.stringMatching(/Z$/),
			price: { amount: '-0.00500', currency: 'USD' },
			raw: expect.objectContaining({ sid: first, status: 'delivered', direction: 'outbound-api' }),
		});
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(sandbox.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
			`GET /api/2010-04-01/Accounts/${sandbox.twilio.accountSid}/Messages/${first}.json`,
		]);
	});

	it('Get Status: an inbound message is received', async () => {
		const [item] = (await getStatus('twilio', inbound)).output('WhatsApp Omni');
		expect(item.json).toMatchObject({ messageId: inbound, direction: 'inbound', status: 'received', providerStatus: 'received', from: USER, contact: USER, text: 'Thanks!' });
	});

	it('Get Chat History, Return All: both directions, newest first, one item per message', async () => {
		const output = await history({ returnAll: true });
		expect(output.map((m) => [m.messageId, m.direction, m.text])).toEqual([
			[inbound, 'inbound', 'Thanks!'],
			[second, 'outbound', 'It arrives tomorrow'],
			[first, 'outbound', 'Your order has shipped'],
		]);
		const business = sandbox.twilio.whatsAppNumber;
		const listPath = `/api/2010-04-01/Accounts/${sandbox.twilio.accountSid}/Messages.json`;
		const queries = sandbox.requests.map((r) => ({ method: r.method, path: r.path, query: r.query }));
		expect(queries).toHaveLength(2);
		expect(queries).toEqual(
			expect.arrayContaining([
				{ method: 'GET', path: listPath, query: { To: `whatsapp:${USER}`, From: business, PageSize: '1000' } },
				{ method: 'GET', path: listPath, query: { From: `whatsapp:${USER}`, To: business, PageSize: '1000' } },
			]),
		);
	});

	it('Get Chat History with a Limit returns the newest ones only', async () => {
		const output = await history({ returnAll: false, limit: 2 });
		expect(output.map((m) => m.messageId)).toEqual([inbound, second]);
		expect(sandbox.requests.every((r) => r.query.PageSize === '2')).toBe(true);
	});

	it('Get Chat History in a date range: an ISO instant, and a date field’s wall clock in the workflow’s time zone', async () => {
		const [reply] = (await getStatus('twilio', inbound)).output('WhatsApp Omni');
		const replySent = reply.json.sentAt as string;

		const since = await history({ returnAll: true, options: { after: replySent } });
		expect(since.map((m) => m.messageId)).toEqual([inbound]);

		const justBefore = new Date(Date.parse(replySent) - 1).toISOString();
		const until = await history({ returnAll: true, options: { before: justBefore } });
		expect(until.map((m) => m.messageId)).toEqual([second, first]);

		// The same instant as Berlin shows it: read in the workflow's zone, not as UTC.
		const local = await history({ returnAll: true, options: { after: berlinWallClock(replySent) } });
		expect(local.map((m) => m.messageId)).toEqual([inbound]);
		const day = sandbox.requests.find((r) => r.query['DateSent>'] !== undefined)?.query['DateSent>'];
		expect(day).toBe(replySent.slice(0, 10));
	});

	it('Get Chat History with nobody to talk to returns no items', async () => {
		expect(await history({ contact: '+15550009999', returnAll: true })).toEqual([]);
	});
});

describe('refusals and validation, before any request', () => {
	beforeEach(() => sandbox.clearRequests());

	it('Get Status on Meta of a message the store does not know fails saying statuses come from the trigger', async () => {
		const result = await getStatus('meta', 'wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI5QUI=');
		expect(result.error?.message).toBe('Item 1: The conversation store has no status of message "wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI5QUI="');
		expect((result.error as { description?: string }).description).toMatch(/^Statuses come from the WhatsApp Omni Trigger: it records each one it receives while its workflow is active with "Record in Store" on/);
		expect(sandbox.requests).toEqual([]);
	});

	it('Get Chat History on Meta with nothing recorded returns no items, and asks Meta nothing', async () => {
		expect(await history({ returnAll: true }, 'meta')).toEqual([]);
		expect(sandbox.requests).toEqual([]);
	});

	it.each([
		// An expression, or n8n itself would refuse the empty required field first.
		['an empty Message ID', { messageId: '={{ "" }}' }, 'Item 1: Message ID is empty'],
		['a Meta ID on Twilio', { messageId: 'wamid.HBgL' }, 'Item 1: Message ID "wamid.HBgL" is not a Twilio message SID (SM… or MM… followed by 32 hexadecimal characters)'],
	])('Get Status refuses %s', async (_what, parameters, message) => {
		const result = await run('twilio', 'message', 'getStatus', parameters);
		expect(result.error?.message).toBe(message);
		expect(sandbox.requests).toEqual([]);
	});

	it.each([
		['a contact that is no number', { contact: 'Sheena' }, /^Item 1: Contact "Sheena" is neither a WhatsApp phone number nor a business-scoped user ID \(BSUID\): it may only hold digits/],
		['an empty contact', { contact: '={{ "" }}' }, /^Item 1: Contact "" is neither a WhatsApp phone number nor a business-scoped user ID \(BSUID\): it is empty$/],
		['a date that is none', { contact: USER, options: { after: 'yesterday-ish' } }, /^Item 1: After "yesterday-ish" is not a valid date$/],
		['a date that does not exist', { contact: USER, options: { before: '2025-02-30T10:00:00' } }, /^Item 1: Before "2025-02-30T10:00:00" is not a valid date$/],
		[
			'After not before Before',
			{ contact: USER, options: { after: '2025-01-10T12:00:00Z', before: '2025-01-10T12:00:00Z' } },
			/^Item 1: After \(2025-01-10T12:00:00.000Z\) must be earlier than Before \(2025-01-10T12:00:00.000Z\)$/,
		],
	])('Get Chat History refuses %s', async (_what, parameters, message) => {
		for (const provider of ['twilio', 'meta'] as const) {
			const result = await run(provider, 'conversation', 'getChatHistory', { returnAll: true, ...parameters });
			expect(result.error?.message).toMatch(message);
		}
		expect(sandbox.requests).toEqual([]);
	});

	it('Get Chat History on Twilio refuses a BSUID: Twilio’s history is kept by phone number', async () => {
		const result = await run('twilio', 'conversation', 'getChatHistory', { contact: 'US.13491208655302741918', returnAll: true });
		expect(result.error?.message).toBe('Item 1: Twilio keeps message history by phone number, so it cannot look up the business-scoped user ID (BSUID) "US.13491208655302741918"');
		expect(sandbox.requests).toEqual([]);
	});

	it('Get Status of a SID Twilio does not know fails with Twilio’s 20404', async () => {
		const result = await getStatus('twilio', `SM${'f'.repeat(32)}`);
		expect(result.error?.message).toBe('Twilio error 20404: The Twilio resource was not found');
		expect(sandbox.requests).toHaveLength(1);
	});
});
