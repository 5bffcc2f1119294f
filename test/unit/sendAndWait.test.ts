/**
 * Message › Send and Wait for Response, run as n8n runs it (the node's execute, then its resume
 * webhook) with the real providers against the in-process sandbox: what is refused before any
 * request, the question that goes out, the wait recorded in the conversation store, how the
 * execution is put to wait (and what it goes on with when the time limit passes), superseding an
 * older question, and what the resume webhook turns an answer into.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { mock } from 'jest-mock-extended';
import {
	WAIT_INDEFINITELY,
	type ICredentialDataDecryptedObject,
	type IDataObject,
	type IExecuteData,
	type IExecuteFunctions,
	type INode,
	type INodeExecutionData,
	type IWebhookFunctions,
} from 'n8n-workflow';

import { startSandbox, type Sandbox } from '../../sandbox';
import { WhatsAppOmni } from '../../nodes/WhatsAppOmni/WhatsAppOmni.node';
import { useConversationStore } from '../../nodes/WhatsAppOmni/helpers/conversationStore';
import type { ResumeBody } from '../../nodes/WhatsAppOmni/helpers/waits';
import { clearGraphClients } from '../../nodes/WhatsAppOmni/providers/meta/client';
import { clearTwilioClients } from '../../nodes/WhatsAppOmni/providers/twilio/client';
import type { ProviderName } from '../../nodes/WhatsAppOmni/providers/types';
import { closeAllStores } from '../../nodes/WhatsAppOmni/store';
import type { ConversationStore, StoreScope, Wait } from '../../nodes/WhatsAppOmni/store/types';
import { sandboxCredentials } from '../sandboxCredentials';
import { useFreshStore } from '../storeHelpers';

const APPROVAL_CHOICES = [
	{ id: 'approve', title: '✓ Approve' },
	{ id: 'decline', title: '✗ Decline' },
];
const DEFAULT_REPROMPT = 'Please tap one of the buttons to answer.';
const BUTTONS_JSON = '[{"id":"yes","title":"Yes"},{"id":"no","title":"No"}]';
const ROWS_JSON =
	'[{"section":"Sizes","id":"small","title":"Small"},{"section":"Sizes","id":"large","title":"Large","description":"The big one"}]';

let sandbox: Sandbox;
let store: ConversationStore;

/** Stands in for n8n's waiting-webhook endpoint: records every POST and answers as n8n does. */
let resumeServer: http.Server;
let resumeBase: string;
const resumePosts: Array<{ url: string; body: unknown }> = [];

const resumeUrlOf = (executionId: string) => `${resumeBase}/webhook-waiting/${executionId}/node-1?signature=abc`;

// Every test writes to a contact of its own, so Meta's per-recipient pacing never holds one back.
let contactCount = 0;
const newContact = () => `+1555200${String(++contactCount).padStart(4, '0')}`;
let questionCount = 0;
/** A question of its own per test: on Twilio, its Content is new, so it is created (and seen) here. */
const newQuestion = (text = 'Approve the order?') => `${text} #${++questionCount}`;

beforeAll(async () => {
	sandbox = await startSandbox();
	resumeServer = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			if (req.method === 'POST') resumePosts.push({ url: req.url ?? '', body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown });
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end(JSON.stringify({ message: 'Workflow was started' }));
		});
	});
	await new Promise<void>((resolve) => resumeServer.listen(0, '127.0.0.1', resolve));
	resumeBase = `http://127.0.0.1:${(resumeServer.address() as AddressInfo).port}`;
});
afterAll(async () => {
	await sandbox.stop();
	resumeServer.closeAllConnections();
	await new Promise<void>((resolve) => resumeServer.close(() => resolve()));
	useConversationStore(undefined);
	await closeAllStores();
});
beforeEach(async () => {
	store = await useFreshStore();
	sandbox.setFaults(undefined);
	sandbox.clearInjections();
	sandbox.clearRequests();
	sandbox.clearOutbound();
	clearGraphClients();
	clearTwilioClients();
	resumePosts.length = 0;
});

function scopeOf(provider: ProviderName): StoreScope {
	return provider === 'meta'
		? { provider: 'meta', business: sandbox.meta.phoneNumberId }
		: { provider: 'twilio', business: sandbox.twilio.whatsAppNumber.replace(/^whatsapp:/, '') };
}

interface RunOptions {
	items?: INodeExecutionData[];
	nodeType?: string;
	continueOnFail?: boolean;
	twilioCredential?: object;
}

/** A mocked execute context of the node "Ask" (id node-1) in execution 7, with the node's values. */
function context(provider: ProviderName, values: Record<string, unknown>, options: RunOptions = {}) {
	const node: INode = {
		id: 'node-1',
		name: 'Ask',
		type: options.nodeType ?? 'n8n-nodes-whatsapp-omni.whatsAppOmni',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	const credentials = sandboxCredentials(sandbox, { twilio: options.twilioCredential });
	const executeData: IExecuteData = { node, data: { main: [[{ json: { incoming: true } }]] }, source: null };
	const params: Record<string, unknown> = {
		resource: 'message',
		operation: 'sendAndWait',
		provider,
		interactiveType: 'approval',
		body: newQuestion(),
		options: {},
		...values,
	};
	const ctx = mock<IExecuteFunctions>();
	ctx.getInputData.mockReturnValue(options.items ?? [{ json: { incoming: true } }]);
	ctx.getNode.mockReturnValue(node);
	ctx.continueOnFail.mockReturnValue(options.continueOnFail ?? false);
	ctx.getCredentials.mockImplementation(async (type: string) => ({ ...credentials[type as keyof typeof credentials] }) as ICredentialDataDecryptedObject);
	ctx.getNodeParameter.mockImplementation(((name: string, _itemIndex: number, fallback?: unknown) =>
		name in params ? params[name] : fallback) as IExecuteFunctions['getNodeParameter']);
	ctx.getExecutionId.mockReturnValue('7');
	ctx.getSignedResumeUrl.mockReturnValue(resumeUrlOf('7'));
	ctx.getExecuteData.mockReturnValue(executeData);
	ctx.putExecutionToWait.mockResolvedValue(undefined);
	return { ctx, executeData, params };
}

async function run(provider: ProviderName, values: Record<string, unknown>, options: RunOptions = {}) {
	const { ctx, executeData, params } = context(provider, values, options);
	const output = await new WhatsAppOmni().execute.call(ctx);
	return { output, ctx, executeData, params };
}

async function refusal(provider: ProviderName, values: Record<string, unknown>, options: RunOptions = {}): Promise<Error> {
	const { ctx } = context(provider, values, options);
	const error = await new WhatsAppOmni().execute.call(ctx).then(
		() => undefined,
		(e: unknown) => e as Error,
	);
	if (!error) throw new Error('The node did not refuse');
	expect(ctx.putExecutionToWait).not.toHaveBeenCalled();
	return error;
}

/** The one message the sandbox accepted, in the same terms for both providers. */
function sentQuestion(provider: ProviderName): { id: string; to: string; type: string; body: string; choices?: Array<{ id: string; title: string }> } {
	expect(sandbox.outbound).toHaveLength(1);
	const [sent] = sandbox.outbound;
	if (provider === 'meta') {
		const to = `+${sent.to}`;
		if (sent.type === 'text') return { id: sent.id, to, type: 'text', body: (sent.content as { body: string }).body };
		const interactive = sent.content as {
			type: string;
			body: { text: string };
			action: { buttons?: Array<{ type: string; reply: { id: string; title: string } }>; sections?: Array<{ rows: Array<{ id: string; title: string }> }> };
		};
		if (interactive.type === 'button') {
			expect(interactive.action.buttons?.every((button) => button.type === 'reply')).toBe(true);
			return { id: sent.id, to, type: 'buttons', body: interactive.body.text, choices: interactive.action.buttons?.map(({ reply }) => ({ id: reply.id, title: reply.title })) };
		}
		return {
			id: sent.id,
			to,
			type: interactive.type,
			body: interactive.body.text,
			choices: interactive.action.sections?.flatMap((section) => section.rows.map(({ id, title }) => ({ id, title }))),
		};
	}
	const to = sent.to.replace(/^whatsapp:/, '');
	const content = sent.content as { body?: string; content_sid?: string };
	if (sent.type === 'text') return { id: sent.id, to, type: 'text', body: String(content.body) };
	expect(sent.type).toBe('content');
	const template = sandbox.twilioContents.find((one) => one.sid === content.content_sid);
	const quickReply = template?.types['twilio/quick-reply'] as { body: string; actions: Array<{ id: string; title: string }> } | undefined;
	if (quickReply) return { id: sent.id, to, type: 'buttons', body: quickReply.body, choices: quickReply.actions.map(({ id, title }) => ({ id, title })) };
	const listPicker = template?.types['twilio/list-picker'] as { body: string; items: Array<{ id: string; item: string }> } | undefined;
	if (listPicker) return { id: sent.id, to, type: 'list', body: listPicker.body, choices: listPicker.items.map(({ id, item }) => ({ id, title: item })) };
	throw new Error(`Unexpected Twilio content ${JSON.stringify(template?.types)}`);
}

describe.each(['meta', 'twilio'] as const)('%s: refused before anything is sent', (provider) => {
	async function expectNothingHappened(to: string) {
		expect(sandbox.requests).toEqual([]);
		expect(sandbox.outbound).toEqual([]);
		expect(await store.findWait(scopeOf(provider), { phoneNumber: to })).toBeUndefined();
		expect((await store.getHistory(scopeOf(provider), { phoneNumber: to }, { limit: 10 })).messages).toEqual([]);
	}

	it('two input items: one execution waits for one answer', async () => {
		const to = newContact();
		const error = await refusal(provider, { to }, { items: [{ json: {} }, { json: {} }] });
		expect(error.message).toMatch(/2 items came in, and one execution can wait for one answer/);
		await expectNothingHappened(to);
	});

	it('as an AI agent’s tool (node type …Tool)', async () => {
		const to = newContact();
		const error = await refusal(provider, { to }, { nodeType: 'n8n-nodes-whatsapp-omni.whatsAppOmniTool' });
		expect(error.message).toMatch(/cannot run as an AI agent’s tool/);
		await expectNothingHappened(to);
	});

	it('Limit Wait Time of 0', async () => {
		const to = newContact();
		const error = await refusal(provider, { to, options: { limitWaitTime: { values: { amount: 0, unit: 'hours' } } } });
		expect(error.message).toMatch(/0 hours is not a time to wait; give a positive amount/);
		await expectNothingHappened(to);
	});

	it('Limit Wait Time of more than 366 days', async () => {
		const to = newContact();
		const error = await refusal(provider, { to, options: { limitWaitTime: { values: { amount: 367, unit: 'days' } } } });
		expect(error.message).toMatch(/367 days is longer than a year/);
		expect((error as Error & { description?: string }).description).toMatch(/at most 366 days/);
		await expectNothingHappened(to);
	});

	it('an unknown Response Type', async () => {
		const to = newContact();
		const error = await refusal(provider, { to, interactiveType: 'ctaUrl' });
		expect(error.message).toMatch(/"ctaUrl" is not a response type; use approval, buttons, list or text/);
		await expectNothingHappened(to);
	});
});

describe('twilio: refused before anything is sent', () => {
	it('a credential with only a Messaging Service SID and no WhatsApp number', async () => {
		const to = newContact();
		const error = await refusal('twilio', { to }, { twilioCredential: { whatsAppNumber: '', messagingServiceSid: sandbox.twilio.messagingServiceSid } });
		expect(error.message).toMatch(/names no sender number \(From\), only a Messaging Service/);
		expect((error as Error & { description?: string }).description).toMatch(/Set the WhatsApp sender number \(From\) in the Twilio credential/);
		expect(sandbox.requests).toEqual([]);
		expect(sandbox.outbound).toEqual([]);
		expect(await store.findWait(scopeOf('twilio'), { phoneNumber: to })).toBeUndefined();
	});
});

describe.each(['meta', 'twilio'] as const)('%s: the question goes out and the execution waits', (provider) => {
	it('Approval without a time limit: two buttons, the wait in the store, waiting indefinitely', async () => {
		const to = newContact();
		const before = Date.now();
		const { output, ctx, executeData, params } = await run(provider, { to });
		const after = Date.now();

		const question = sentQuestion(provider);
		expect(question).toMatchObject({ to, type: 'buttons', body: params.body, choices: APPROVAL_CHOICES });

		expect(output).toHaveLength(1);
		expect(output[0]).toHaveLength(1);
		const [item] = output[0];
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(item.json).toMatchObject({ provider, messageId: question.id, questionMessageId: question.id });
		expect(String(item.json.to)).toContain(to.slice(1));
		expect(item.json).not.toHaveProperty('waitingUntil');
		expect(item.json).not.toHaveProperty('superseded');
		const waitingSince = Date.parse(String(item.json.waitingSince));
		expect(waitingSince).toBeGreaterThanOrEqual(before);
		expect(waitingSince).toBeLessThanOrEqual(after);

		expect(ctx.putExecutionToWait).toHaveBeenCalledTimes(1);
		expect(ctx.putExecutionToWait).toHaveBeenCalledWith(WAIT_INDEFINITELY);
		expect(executeData.data).toEqual({
			main: [[{ json: { timedOut: true, questionMessageId: question.id, to: item.json.to, waitedSeconds: null }, pairedItem: { item: 0 } }]],
		});

		const wait = await store.findWait(scopeOf(provider), { phoneNumber: to });
		expect(wait).toMatchObject({
			id: '7/node-1',
			executionId: '7',
			resumeUrl: resumeUrlOf('7'),
			questionMessageId: question.id,
			accept: 'choices',
			choices: APPROVAL_CHOICES,
			startedAt: item.json.waitingSince,
		});
		expect(wait).not.toHaveProperty('expiresAt');
		expect(resumePosts).toEqual([]);
	});

	it('an untouched Reminder option (n8n hands an empty Options collection) records the default reminder', async () => {
		const to = newContact();
		await run(provider, { to, options: {} });
		expect((await store.findWait(scopeOf(provider), { phoneNumber: to }))?.reprompt).toBe(DEFAULT_REPROMPT);
	});

	it('a Reminder of its own is recorded; an emptied one records none', async () => {
		const to = newContact();
		await run(provider, { to, options: { reprompt: 'Tap Approve or Decline, please.' } });
		expect((await store.findWait(scopeOf(provider), { phoneNumber: to }))?.reprompt).toBe('Tap Approve or Decline, please.');

		const other = newContact();
		await run(provider, { to: other, options: { reprompt: '' } });
		const wait = await store.findWait(scopeOf(provider), { phoneNumber: other });
		expect(wait).toBeDefined();
		expect(wait?.reprompt ?? '').toBe('');
	});

	it('Approval with Limit Wait Time of 2 hours: waits until then, and goes on timed out after 7,200 s', async () => {
		const to = newContact();
		const before = Date.now();
		const { output, ctx, executeData } = await run(provider, { to, options: { limitWaitTime: { values: { amount: 2, unit: 'hours' } } } });

		const question = sentQuestion(provider);
		const [item] = output[0];
		expect(item.json.questionMessageId).toBe(question.id);
		const waitingSince = Date.parse(String(item.json.waitingSince));
		const waitingUntil = Date.parse(String(item.json.waitingUntil));
		expect(waitingUntil - waitingSince).toBe(7_200_000);

		expect(ctx.putExecutionToWait).toHaveBeenCalledTimes(1);
		const [until] = ctx.putExecutionToWait.mock.calls[0];
		expect(until).toBeInstanceOf(Date);
		expect(until).not.toBe(WAIT_INDEFINITELY);
		expect(until.getTime()).toBe(waitingUntil);
		expect(Math.abs(until.getTime() - (before + 7_200_000))).toBeLessThan(5_000);

		expect(executeData.data).toEqual({
			main: [[{ json: { timedOut: true, questionMessageId: question.id, to: item.json.to, waitedSeconds: 7200 }, pairedItem: { item: 0 } }]],
		});
		expect(await store.findWait(scopeOf(provider), { phoneNumber: to })).toMatchObject({
			id: '7/node-1',
			questionMessageId: question.id,
			startedAt: item.json.waitingSince,
			expiresAt: item.json.waitingUntil,
		});
	});

	it('Approve Only with labels of its own: one button', async () => {
		const to = newContact();
		await run(provider, { to, approvalType: 'single', approveLabel: 'Yes, go', declineLabel: 'Not shown' });
		expect(sentQuestion(provider).choices).toEqual([{ id: 'approve', title: 'Yes, go' }]);
		expect((await store.findWait(scopeOf(provider), { phoneNumber: to }))?.choices).toEqual([{ id: 'approve', title: 'Yes, go' }]);
	});

	it('Free Text: a text message, and any next message is the answer', async () => {
		const to = newContact();
		const { output, params } = await run(provider, { to, interactiveType: 'text', body: newQuestion('What is your order number?') });
		const question = sentQuestion(provider);
		expect(question).toEqual({ id: question.id, to, type: 'text', body: params.body });
		expect(output[0][0].json.questionMessageId).toBe(question.id);
		const wait = await store.findWait(scopeOf(provider), { phoneNumber: to });
		expect(wait).toMatchObject({ id: '7/node-1', questionMessageId: question.id, accept: 'any', choices: [] });
	});

	it('Reply Buttons from Buttons (JSON): the buttons are the choices', async () => {
		const to = newContact();
		const { params } = await run(provider, { to, interactiveType: 'buttons', choicesInputMode: 'json', buttonsJson: BUTTONS_JSON });
		const choices = [
			{ id: 'yes', title: 'Yes' },
			{ id: 'no', title: 'No' },
		];
		expect(sentQuestion(provider)).toMatchObject({ to, type: 'buttons', body: params.body, choices });
		expect(await store.findWait(scopeOf(provider), { phoneNumber: to })).toMatchObject({ accept: 'choices', choices });
	});

	it('Reply Buttons with Accept "any": the choices are kept, any message answers', async () => {
		const to = newContact();
		await run(provider, { to, interactiveType: 'buttons', choicesInputMode: 'json', buttonsJson: BUTTONS_JSON, options: { accept: 'any' } });
		expect(await store.findWait(scopeOf(provider), { phoneNumber: to })).toMatchObject({
			accept: 'any',
			choices: [
				{ id: 'yes', title: 'Yes' },
				{ id: 'no', title: 'No' },
			],
		});
	});

	it('List from Rows (JSON): the rows are the choices', async () => {
		const to = newContact();
		const { params } = await run(provider, { to, interactiveType: 'list', choicesInputMode: 'json', rowsJson: ROWS_JSON, listButtonText: 'Pick a size' });
		const choices = [
			{ id: 'small', title: 'Small' },
			{ id: 'large', title: 'Large' },
		];
		expect(sentQuestion(provider)).toMatchObject({ to, type: 'list', body: params.body, choices });
		expect(await store.findWait(scopeOf(provider), { phoneNumber: to })).toMatchObject({ accept: 'choices', choices });
	});

	it('supersedes the contact’s older question: its execution is resumed as superseded', async () => {
		const protocol = process.env.N8N_PROTOCOL;
		// Only the given resume URL: not this process's n8n port (localResumeUrl).
		process.env.N8N_PROTOCOL = 'https';
		try {
			const to = newContact();
			const older: Wait = {
				id: '6/node-1',
				executionId: '6',
				resumeUrl: resumeUrlOf('6'),
				questionMessageId: 'wamid.older-question',
				accept: 'choices',
				choices: APPROVAL_CHOICES,
				startedAt: new Date(Date.now() - 60_000).toISOString(),
			};
			expect(await store.startWait(scopeOf(provider), { phoneNumber: to }, older)).toBeUndefined();

			const { output, ctx } = await run(provider, { to });
			const question = sentQuestion(provider);

			expect(resumePosts).toEqual([
				{
					url: '/webhook-waiting/6/node-1?signature=abc',
					body: {
						outcome: 'superseded',
						questionMessageId: 'wamid.older-question',
						startedAt: older.startedAt,
						supersededBy: { executionId: '7', questionMessageId: question.id },
					},
				},
			]);
			expect(output[0][0].json.superseded).toEqual({ executionId: '6', questionMessageId: 'wamid.older-question', resumed: true });
			expect(await store.findWait(scopeOf(provider), { phoneNumber: to })).toMatchObject({ id: '7/node-1', questionMessageId: question.id });
			expect(ctx.putExecutionToWait).toHaveBeenCalledTimes(1);
		} finally {
			if (protocol === undefined) delete process.env.N8N_PROTOCOL;
			else process.env.N8N_PROTOCOL = protocol;
		}
	});

	it('a send the provider refuses, with Continue On Fail: one error item, no wait, the execution does not wait', async () => {
		const to = newContact();
		if (provider === 'meta') {
			sandbox.injectResponse(
				{ provider: 'meta', path: /\/messages$/ },
				{ status: 400, body: { error: { message: 'Invalid parameter', type: 'OAuthException', code: 100, fbtrace_id: 'trace' } } },
			);
		} else {
			sandbox.injectResponse(
				{ provider: 'twilio', path: /\/Messages\.json$/ },
				{ status: 400, body: { code: 21211, message: "The 'To' number is not a valid phone number.", status: 400, more_info: 'https://www.twilio.com/docs/errors/21211' } },
			);
		}
		const { output, ctx, executeData } = await run(provider, { to }, { continueOnFail: true });

		expect(output).toHaveLength(1);
		expect(output[0]).toHaveLength(1);
		const [item] = output[0];
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(item.json).toMatchObject({ provider, httpCode: '400', code: provider === 'meta' ? 100 : 21211 });
		expect(item.json.error).toMatch(provider === 'meta' ? /error 100/ : /error 21211/);
		expect(item.json).not.toHaveProperty('questionMessageId');
		expect(ctx.putExecutionToWait).not.toHaveBeenCalled();
		expect(executeData.data).toEqual({ main: [[{ json: { incoming: true } }]] });
		expect(sandbox.outbound).toEqual([]);
		expect(await store.findWait(scopeOf(provider), { phoneNumber: to })).toBeUndefined();
	});
});

describe('the resume webhook (resumeWithAnswer)', () => {
	const NOW = Date.parse('2025-06-08T21:01:00.000Z');
	const startedAt = new Date(NOW - 60_000).toISOString();
	const event = {
		event: 'message',
		provider: 'meta',
		id: 'wamid.a',
		timestamp: '2025-06-08T21:00:59.000Z',
		business: { phoneNumberId: '106540352242922' },
		contact: { id: '+16505551234', phoneNumber: '+16505551234' },
		message: { type: 'interactive', reply: { id: 'approve', title: '✓ Approve' } },
		raw: {},
	};

	beforeEach(() => {
		jest.spyOn(Date, 'now').mockReturnValue(NOW);
	});
	afterEach(() => {
		jest.restoreAllMocks();
	});

	function webhookContext(body: ResumeBody | IDataObject) {
		const response = { status: jest.fn(), type: jest.fn(), send: jest.fn() };
		response.status.mockReturnValue(response);
		response.type.mockReturnValue(response);
		response.send.mockReturnValue(response);
		const ctx = mock<IWebhookFunctions>();
		ctx.getBodyData.mockReturnValue(body as IDataObject);
		ctx.getResponseObject.mockReturnValue(response as unknown as ReturnType<IWebhookFunctions['getResponseObject']>);
		return { ctx, response };
	}

	// `approval`: the trigger says so for an Approval question (the wait records its kind).
	const answer = (reply: { id?: string; title?: string; text?: string }, approval = reply.id === 'approve' || reply.id === 'decline') => ({
		outcome: 'answer',
		questionMessageId: 'q1',
		startedAt,
		answer: reply,
		event,
		...(approval ? { approval: true } : {}),
	});

	it('Approve: the event with the answer, approved true, the question and the time waited', async () => {
		const { ctx, response } = webhookContext(answer({ id: 'approve', title: '✓ Approve' }));
		expect(await new WhatsAppOmni().webhook.call(ctx)).toEqual({
			workflowData: [[{ json: { ...event, answer: { id: 'approve', title: '✓ Approve' }, approved: true, questionMessageId: 'q1', waitedSeconds: 60 }, pairedItem: { item: 0 } }]],
		});
		expect(response.status).not.toHaveBeenCalled();
	});

	it('Decline: approved false', async () => {
		const { ctx } = webhookContext(answer({ id: 'decline', title: '✗ Decline' }));
		const result = await new WhatsAppOmni().webhook.call(ctx);
		expect(result.workflowData?.[0][0].json).toMatchObject({ answer: { id: 'decline', title: '✗ Decline' }, approved: false, questionMessageId: 'q1', waitedSeconds: 60 });
	});

	it('a button of its own (even one with the ID approve) or a free-text answer: no approved key', async () => {
		for (const reply of [{ id: 'yes', title: 'Yes' }, { text: 'order 1042' }, { id: 'approve', title: 'Approve the draft' }]) {
			const { ctx } = webhookContext(answer(reply, false));
			const result = await new WhatsAppOmni().webhook.call(ctx);
			const json = result.workflowData?.[0][0].json;
			expect(json).toMatchObject({ id: 'wamid.a', answer: reply, questionMessageId: 'q1', waitedSeconds: 60 });
			expect(json).not.toHaveProperty('approved');
		}
	});

	it('superseded: says so, by which question, and how long it waited', async () => {
		const supersededBy = { executionId: '8', questionMessageId: 'q2' };
		const { ctx } = webhookContext({ outcome: 'superseded', questionMessageId: 'q1', startedAt, supersededBy });
		expect(await new WhatsAppOmni().webhook.call(ctx)).toEqual({
			workflowData: [[{ json: { superseded: true, supersededBy, questionMessageId: 'q1', waitedSeconds: 60 }, pairedItem: { item: 0 } }]],
		});
	});

	it('without a readable startedAt, waitedSeconds is null', async () => {
		const { ctx } = webhookContext({ ...answer({ id: 'approve', title: '✓ Approve' }), startedAt: 'not a date' });
		const result = await new WhatsAppOmni().webhook.call(ctx);
		expect(result.workflowData?.[0][0].json.waitedSeconds).toBeNull();
	});

	it.each([
		['an empty body', {}],
		['an unknown outcome', { outcome: 'timeout', questionMessageId: 'q1', startedAt }],
		['an answer without its event', { outcome: 'answer', questionMessageId: 'q1', startedAt, answer: { id: 'approve' } }],
		['superseded without supersededBy', { outcome: 'superseded', questionMessageId: 'q1', startedAt }],
	])('%s: HTTP 400 and no workflow data', async (_name, body) => {
		const { ctx, response } = webhookContext(body);
		expect(await new WhatsAppOmni().webhook.call(ctx)).toEqual({ noWebhookResponse: true });
		expect(response.status).toHaveBeenCalledWith(400);
		expect(response.type).toHaveBeenCalledWith('text/plain');
		expect(response.send).toHaveBeenCalledWith(expect.stringMatching(/^Bad Request: not an answer from the WhatsApp Omni Trigger/));
	});
});
