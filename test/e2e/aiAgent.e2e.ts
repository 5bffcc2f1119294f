/**
 * n8n's AI Agent answering WhatsApp through this package's tool, in a real n8n, with no API key:
 * the AI-agent example's OpenAI Chat Model talks to the sandbox's OpenAI stand-in (a fixed
 * script, sandbox/openAiStandIn.ts) through n8n's own OpenAI credential, Base URL pointed at it.
 * Published as `npm start` publishes it (scripts/n8n/activeExamples.js: the menu on Meta, the agent
 * on Twilio): a chat-page message reaches the trigger, the agent calls the tool, the answer shows
 * in the chat page; the memory keeps the conversation per contact; a failing send comes back to
 * the agent as text it acts on, and the execution does not fail.
 */
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

import type { ChatMessage, Sandbox } from '../../sandbox';
import { ACTIVE_EXAMPLES, createStandInCredential, executionsOf, importExample, runsOf, whatHappened, type Credential } from './agent';
import { eventually, startEnvironment, type E2eEnvironment } from './n8n';

// Debian's Chromium, started as chatPage.e2e.ts does.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const AGENT = 'ai-agent.twilio.json';
const TOOL = 'Send WhatsApp Reply';
/** The tool's name as the model sees it (n8n's nodeNameToToolName). */
const TOOL_NAME = 'Send_WhatsApp_Reply';
const HOURS = 'We are open Monday to Friday 8:00–20:00, Saturday 9:00–18:00.';

let env: E2eEnvironment;
let sandbox: Sandbox;
let browser: Browser;
let page: Page;
let openAi: Credential;
const workflows: Record<string, string> = {};

beforeAll(async () => {
	env = await startEnvironment();
	sandbox = env.sandbox;
	openAi = await createStandInCredential(env);
	for (const { file } of ACTIVE_EXAMPLES) {
		workflows[file] = await importExample(env, file, openAi);
		await env.api.activate(workflows[file]);
	}
	browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
	page = await browser.newPage({ viewport: { width: 480, height: 640 } });
	await page.goto(`${sandbox.chatUrl}?provider=twilio`);
	await page.locator('[data-testid=chat][data-provider=twilio]').waitFor();
}, 20 * 60_000);

afterAll(async () => {
	await browser?.close();
	await env?.stop();
}, 60_000);

/** The business's messages in a conversation, oldest first. */
const answers = (provider: 'meta' | 'twilio'): ChatMessage[] => sandbox.chat.list(provider).filter((m) => m.direction === 'out');

/**
 * Types a message into the chat page (none: it was typed already) and waits for the business's
 * answer containing `expected`.
 */
async function writeAndWait(text: string | undefined, expected: string): Promise<ChatMessage> {
	if (text !== undefined) {
		await page.fill('[data-testid=chat-input]', text);
		await page.click('[data-testid=chat-send]');
	}
	try {
		await page.locator('[data-testid=message][data-direction=out]', { hasText: expected }).first().waitFor({ timeout: 45_000 });
	} catch (error) {
		throw new Error(`${(error as Error).message}\n${await whatHappened(env, workflows[AGENT])}`);
	}
	return answers('twilio').find((m) => m.text?.includes(expected))!;
}

/** The stand-in's chat-completion requests since `from` (an index into its record). */
const completionsSince = (from: number) => sandbox.openAi.requests.slice(from).filter((r) => r.path === '/openai/v1/chat/completions');

describe('n8n’s AI Agent answering WhatsApp through the WhatsApp Omni tool, on the sandbox’s OpenAI stand-in', () => {
	it('n8n’s OpenAI credential test passes against the stand-in (GET /models with the placeholder key)', async () => {
		const before = sandbox.openAi.requests.length;
		const { data } = await env.api.request('POST', '/rest/credentials/test', {
			useCookie: true,
			body: { credentials: { id: openAi.id, name: openAi.name, type: 'openAiApi', data: { apiKey: 'sk-sandbox-stand-in-any-key-works', url: sandbox.openAiBaseUrl, header: false } } },
		});
		expect(data.data ?? data).toMatchObject({ status: 'OK' });
		expect(sandbox.openAi.requests.slice(before)).toContainEqual(expect.objectContaining({ method: 'GET', path: '/openai/v1/models', status: 200 }));
	});

	it('Twilio, as npm start publishes it: a chat-page message reaches the trigger, the agent calls the tool, the answer shows in the chat page', async () => {
		const from = sandbox.openAi.requests.length;
		sandbox.clearRequests();
		// The stand-in "thinks" a moment, as a model does: meanwhile the page shows "typing…".
		sandbox.openAi.setDelay(1500);
		let answer: ChatMessage;
		try {
			await page.fill('[data-testid=chat-input]', 'What are your opening hours?');
			await page.click('[data-testid=chat-send]');
			await page.locator('[data-testid=chat][data-typing=true]').waitFor({ timeout: 30_000 });
			expect(await page.textContent('[data-testid=business-number]')).toBe('typing…');
			await page.screenshot({ path: path.join(env.outputDir, 'ai-agent-typing.png') });
			answer = await writeAndWait(undefined, HOURS);
		} finally {
			sandbox.openAi.setDelay(0);
		}
		expect(answer).toMatchObject({ provider: 'twilio', text: HOURS, to: sandbox.chat.user.phone });
		// The answer ends "typing…", as on WhatsApp.
		await page.locator('[data-testid=chat][data-typing=false]').waitFor({ timeout: 5_000 });
		expect(sandbox.chat.typing('twilio')).toBe(false);
		// The agent's turn ends after the send: the tool's result goes back to the model first.
		const [execution] = await executionsOf(env, workflows[AGENT], 1);

		// The model's side: asked with the system message, the user's text and the tool; it called
		// the tool, got the tool's output back, and gave the sent text as the final answer.
		const [first, second, ...rest] = completionsSince(from);
		expect(rest).toEqual([]);
		// gpt-5-mini is a reasoning model, to which the system message goes as `developer`.
		expect(first.body?.messages?.[0]).toMatchObject({ role: 'developer', content: expect.stringContaining('Omni Café') });
		expect(first.body?.messages?.at(-1)).toEqual({ role: 'user', content: 'What are your opening hours?' });
		expect(first.body?.stream).toBe(false);
		const offered = first.body?.tools?.find((t) => t.function.name === TOOL_NAME);
		expect(offered?.function.parameters).toMatchObject({ type: 'object', properties: { text: { type: 'string' } }, required: ['text'] });
		expect(first.decision).toEqual({ kind: 'tool_call', tool: TOOL_NAME, arguments: { text: HOURS }, reason: 'reply' });
		expect(second.body?.messages?.at(-2)).toMatchObject({ role: 'assistant', tool_calls: [{ id: first.toolCall!.id, type: 'function', function: { name: TOOL_NAME } }] });
		expect(second.toolResults).toEqual([{ toolCallId: first.toolCall!.id, content: expect.stringContaining(answer.id) }]);
		expect(second.decision).toEqual({ kind: 'text', content: HOURS, reason: 'final' });

		// n8n's side: one successful execution; the tool ran as a node, its output is compact.
		expect(execution.status).toBe('success');
		expect(runsOf(execution, 'AI Agent').at(-1).data.main[0][0].json).toEqual({ output: HOURS });
		const toolRuns = runsOf(execution, TOOL);
		expect(toolRuns).toHaveLength(1);
		expect(toolRuns[0].data.ai_tool[0][0].json).toMatchObject({ messageId: answer.id });
		expect(JSON.stringify(toolRuns[0].data.ai_tool[0][0].json)).not.toContain(sandbox.twilio.authToken);

		// Marked read with the typing indicator (Twilio's typing indicator, which marks it read),
		// before the agent's answer went out.
		const inbound = sandbox.chat.list('twilio').filter((m) => m.direction === 'in').at(-1)!;
		expect(inbound.status).toBe('read');
		const typing = sandbox.requests.findIndex((r) => r.provider === 'twilio' && r.path === '/messaging/v2/Indicators/Typing.json');
		const send = sandbox.requests.findIndex((r) => r.provider === 'twilio' && /\/Messages\.json$/.test(r.path) && r.method === 'POST');
		expect(sandbox.requests[typing]).toMatchObject({ status: 200, body: { messageId: inbound.id, channel: 'whatsapp' } });
		expect(typing).toBeLessThan(send);
	});

	it('keeps the conversation per contact: the second answer knows the first message (Simple Memory keyed by contact.id)', async () => {
		const from = sandbox.openAi.requests.length;
		const answer = await writeAndWait('Thanks, see you on Saturday!', 'You said: “Thanks, see you on Saturday!”');
		expect(answer.text).toBe('You said: “Thanks, see you on Saturday!”\nBefore that you said: “What are your opening hours?”');
		const executions = await executionsOf(env, workflows[AGENT], 2);
		expect(executions.map((e) => e.status)).toEqual(['success', 'success']);

		// The stand-in got the earlier turn from the memory (with its tool call), between the system
		// message and the new one.
		const [first] = completionsSince(from);
		expect(first.body?.messages?.map((m) => [m.role, m.content])).toEqual([
			['developer', expect.stringContaining('Omni Café')],
			['user', 'What are your opening hours?'],
			['assistant', expect.anything()],
			['tool', expect.stringContaining('"status":"accepted"')],
			['assistant', HOURS],
			['user', 'Thanks, see you on Saturday!'],
		]);
		const [earlierCall] = first.body?.messages?.[2].tool_calls ?? [];
		expect(earlierCall.function.name).toBe(TOOL_NAME);
		expect(JSON.parse(earlierCall.function.arguments)).toMatchObject({ text: HOURS });

		// The picture for the README: both answers, read (blue ticks) once their statuses have settled.
		await eventually(() => answers('twilio').every((m) => m.status === 'read'), 10_000);
		await page.locator('[data-testid=message][data-direction=out]', { hasText: 'Before that you said' }).waitFor();
		await page.waitForTimeout(300);
		await page.screenshot({ path: path.join(env.outputDir, 'ai-agent.png') });
	});

	it('a tool error reaches the agent as text it acts on (it sends a shorter answer), and the execution does not fail', async () => {
		const from = sandbox.openAi.requests.length;
		const apology = await writeAndWait('Please give me a long answer', 'Sorry, I could not send my answer');
		const executions = await executionsOf(env, workflows[AGENT], 3);
		const execution = executions.at(-1);
		expect(execution.status).toBe('success');

		const [first, second, third, ...rest] = completionsSince(from);
		expect(rest).toEqual([]);
		expect(first.decision).toMatchObject({ kind: 'tool_call', reason: 'reply' });
		expect(String(first.decision?.kind === 'tool_call' && first.decision.arguments.text).length).toBe(5000);
		// The node refused the text before any request, and n8n handed its error to the model.
		const [result] = second.toolResults ?? [];
		expect(result).toEqual({ toolCallId: first.toolCall!.id, content: expect.any(String), error: expect.stringMatching(/1,600|1600/) });
		expect(second.decision).toMatchObject({ kind: 'tool_call', reason: 'retry' });
		expect(apology.text).toContain(result.error!.replace(/[.\s]+$/, '').slice(0, 40));
		expect(third.toolResults?.[0]).toEqual({ toolCallId: second.toolCall!.id, content: expect.stringContaining(apology.id) });
		expect(third.decision).toMatchObject({ kind: 'text', reason: 'final', content: apology.text });

		const toolRuns = runsOf(execution, TOOL);
		expect(toolRuns).toHaveLength(2);
		expect(toolRuns[0].data.ai_tool[0][0].json).toEqual({ error: result.error });
		// Nothing too long reached the provider.
		expect(sandbox.outbound.every((m) => String((m.content as { body?: string }).body ?? '').length <= 1600)).toBe(true);
	});

	it('a send the provider refuses twice ends in an answer that says so, not in a failed execution', async () => {
		const from = sandbox.openAi.requests.length;
		const before = answers('twilio').length;
		sandbox.injectResponse(
			{ provider: 'twilio', method: 'POST', path: /\/Messages\.json$/ },
			{ status: 400, body: { code: 21610, message: 'Attempt to send to unsubscribed recipient', more_info: 'https://www.twilio.com/docs/errors/21610', status: 400 } },
			2,
		);
		try {
			await sandbox.chat.send({ provider: 'twilio', type: 'text', text: 'Are you still there?' });
			const executions = await executionsOf(env, workflows[AGENT], 4, 45_000);
			const execution = executions.at(-1);
			expect(execution.status).toBe('success');
			const output = runsOf(execution, 'AI Agent').at(-1).data.main[0][0].json.output as string;
			expect(output).toMatch(/^I could not send that: .*21610/);
			const decisions = completionsSince(from).map((r) => r.decision?.reason);
			expect(decisions).toEqual(['reply', 'retry', 'tool_error']);
			expect(runsOf(execution, TOOL).map((run) => Object.keys(run.data.ai_tool[0][0].json))).toEqual([['error'], ['error']]);
			expect(answers('twilio')).toHaveLength(before);
		} finally {
			sandbox.clearInjections();
		}
	});

	it('Meta: the same example on the Meta number answers too, marking the message read with the typing indicator', async () => {
		// One bot per number: the menu makes way for the agent.
		await env.api.deactivate(workflows['interactive-menu.meta.json']);
		const id = await importExample(env, 'ai-agent.meta.json', openAi);
		await env.api.activate(id);
		workflows['ai-agent.meta.json'] = id;
		sandbox.clearRequests();
		const sent = await sandbox.chat.send({ provider: 'meta', type: 'text', text: 'Hello from Meta' });
		expect(sent.delivery).toMatchObject({ delivered: true });
		const reply = await eventually(() => answers('meta').find((m) => m.text === 'You said: “Hello from Meta”'), 45_000).catch(async (error: Error) => {
			throw new Error(`${error.message}\n${await whatHappened(env, id)}`);
		});
		expect(reply.to).toBe(sandbox.chat.user.phone);
		const read = sandbox.requests.find((r) => r.provider === 'meta' && r.method === 'POST' && (r.body as { status?: string })?.status === 'read');
		expect(read?.body).toMatchObject({ status: 'read', message_id: sent.message.id, typing_indicator: { type: 'text' } });
		const [execution] = await executionsOf(env, id, 1);
		expect(execution.status).toBe('success');
	});
});
