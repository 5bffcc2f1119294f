/**
 * The sandbox's OpenAI stand-in (/openai/v1): OpenAI's Chat Completions shapes, streamed and
 * not, and the fixed script that answers (sandbox/openAiStandIn.ts). Not a model.
 */
import {
	LONG_ANSWER_LENGTH,
	OPENAI_STAND_IN_MODELS,
	findSendTool,
	standInDecision,
	startSandbox,
	toolResultError,
	type ChatCompletionMessage,
	type ChatCompletionRequest,
	type ChatCompletionTool,
	type Sandbox,
} from '../../sandbox';
import { call } from './helpers';

const KEY = 'sk-anything';
const SYSTEM = 'You are the WhatsApp assistant of Omni Café (open Monday to Friday 8:00–20:00, Saturday 9:00–18:00). Answer through the tool.';

/** The tool n8n offers for the AI-agent example's Send Text with `$fromAI('text', …)`. */
const SEND_TOOL: ChatCompletionTool = {
	type: 'function',
	function: {
		name: 'Send_WhatsApp_Reply',
		description: 'Sends a WhatsApp text message to the customer who wrote. Use it to deliver your answer.',
		parameters: { type: 'object', properties: { text: { type: 'string', description: 'The reply to send' } }, required: ['text'] },
	},
};
const OTHER_TOOL: ChatCompletionTool = {
	type: 'function',
	function: { name: 'Get_Chat_History', description: 'Reads the conversation.', parameters: { type: 'object', properties: { contact: { type: 'string' }, limit: { type: 'number' } } } },
};

const user = (content: string): ChatCompletionMessage => ({ role: 'user', content });
const system = (content = SYSTEM): ChatCompletionMessage => ({ role: 'system', content });
const toolCall = (id: string, args: object): ChatCompletionMessage => ({
	role: 'assistant',
	content: null,
	tool_calls: [{ id, type: 'function', function: { name: SEND_TOOL.function.name, arguments: JSON.stringify(args) } }],
});
const toolResult = (id: string, content: string): ChatCompletionMessage => ({ role: 'tool', tool_call_id: id, content });

describe('the OpenAI stand-in’s script (deterministic, not a model)', () => {
	const decide = (messages: ChatCompletionMessage[], tools: ChatCompletionTool[] = [OTHER_TOOL, SEND_TOOL]) => standInDecision({ model: 'gpt-5-mini', messages, tools });

	it('a user’s message with a send tool offered: calls that tool once with “You said: …”', () => {
		expect(decide([system(), user('Hi there')])).toEqual({ kind: 'tool_call', tool: 'Send_WhatsApp_Reply', arguments: { text: 'You said: “Hi there”' }, reason: 'reply' });
	});

	it('“hours”: the opening hours the system message states (also as `developer`, as n8n sends it to reasoning models)', () => {
		expect(decide([system(), user('What are your opening hours?')])).toMatchObject({ arguments: { text: 'We are open Monday to Friday 8:00–20:00, Saturday 9:00–18:00.' } });
		expect(decide([{ role: 'developer', content: SYSTEM }, user('when are you open')])).toMatchObject({ arguments: { text: expect.stringMatching(/^We are open Monday/) } });
		expect(decide([system('Be nice.'), user('hours?')])).toMatchObject({ arguments: { text: 'The system message does not say when we are open.' } });
	});

	it('with earlier turns (the agent’s memory): names the previous user message', () => {
		const messages = [system(), user('First'), toolCall('call_1', { text: 'You said: “First”' }), toolResult('call_1', '[{"status":"accepted"}]'), { role: 'assistant' as const, content: 'You said: “First”' }, user('Second')];
		expect(decide(messages)).toMatchObject({ arguments: { text: 'You said: “Second”\nBefore that you said: “First”' } });
	});

	it('“long answer”: a text longer than WhatsApp takes; “help”: what the stand-in does', () => {
		const long = decide([system(), user('Give me a long answer please')]);
		expect(long.kind === 'tool_call' && String(long.arguments.text).length).toBe(LONG_ANSWER_LENGTH);
		expect(decide([system(), user('help')])).toMatchObject({ arguments: { text: expect.stringContaining('stand-in') } });
	});

	it('a successful tool result: the text the tool sent, as the final answer', () => {
		expect(decide([system(), user('Hi'), toolCall('call_1', { text: 'You said: “Hi”' }), toolResult('call_1', '[{"provider":"twilio","messageId":"SM1","status":"accepted"}]')])).toEqual({
			kind: 'text',
			content: 'You said: “Hi”',
			reason: 'final',
		});
	});

	it('a tool error: calls the tool once more with a short text quoting the error; a second error: says so as the final answer', () => {
		const error = '[{"error":"Text is 5,000 characters long; Twilio takes at most 1,600."}]';
		const first = [system(), user('long answer'), toolCall('call_1', { text: 'x'.repeat(5000) }), toolResult('call_1', error)];
		expect(decide(first)).toEqual({
			kind: 'tool_call',
			tool: 'Send_WhatsApp_Reply',
			arguments: { text: 'Sorry, I could not send my answer (Text is 5,000 characters long; Twilio takes at most 1,600). Please ask me again in a shorter way.' },
			reason: 'retry',
		});
		const second = [...first, toolCall('call_2', { text: 'Sorry…' }), toolResult('call_2', '{"error":"Twilio error 21610: unsubscribed"}')];
		expect(decide(second)).toEqual({ kind: 'text', content: 'I could not send that: Twilio error 21610: unsubscribed', reason: 'tool_error' });
	});

	it('no send tool offered: answers with the text itself', () => {
		expect(decide([system(), user('Hi')], [OTHER_TOOL])).toEqual({ kind: 'text', content: 'You said: “Hi”', reason: 'no_tool' });
		expect(decide([user('Hi')], [])).toMatchObject({ kind: 'text', reason: 'no_tool' });
	});

	it('a tool that also takes the recipient: the number from the message or the system message', () => {
		const withTo: ChatCompletionTool = {
			type: 'function',
			function: {
				name: 'whatsapp_send_text',
				description: 'Send a WhatsApp text',
				parameters: { type: 'object', properties: { to: { type: 'string' }, message: { type: 'string' } }, required: ['to', 'message'] },
			},
		};
		expect(decide([system('The customer is +1 650 555 1234.'), user('Hi')], [withTo])).toMatchObject({ arguments: { to: '+16505551234', message: 'You said: “Hi”' } });
		expect(decide([system('Be nice.'), user('Send it to whatsapp:+4915112345678')], [withTo])).toMatchObject({ arguments: { to: '+4915112345678' } });
		expect(decide([system('Be nice.'), user('Hi')], [withTo])).toMatchObject({ kind: 'text', reason: 'no_recipient' });
	});

	it('finds the send tool by name or description among others, and reads n8n’s tool errors', () => {
		expect(findSendTool([OTHER_TOOL, SEND_TOOL])?.function.name).toBe('Send_WhatsApp_Reply');
		expect(findSendTool([OTHER_TOOL])).toBeUndefined();
		// A tool that takes a message ID reads a message: it is not the one to send with.
		const status: ChatCompletionTool = {
			type: 'function',
			function: { name: 'Get_Message_Status', description: 'Gets the delivery status of a WhatsApp message', parameters: { type: 'object', properties: { messageId: { type: 'string' } } } },
		};
		expect(findSendTool([status])).toBeUndefined();
		expect(findSendTool([status, SEND_TOOL])?.function.name).toBe('Send_WhatsApp_Reply');
		expect(toolResultError('[{"error":"Bad number"}]')).toBe('Bad number');
		expect(toolResultError('{"error":"Bad number","errorType":"NodeApiError"}')).toBe('Bad number');
		expect(toolResultError('Error: something broke')).toBe('something broke');
		expect(toolResultError('[{"messageId":"SM1"}]')).toBeUndefined();
	});
});

describe('the OpenAI stand-in over HTTP (/openai/v1)', () => {
	let sandbox: Sandbox;

	beforeAll(async () => {
		sandbox = await startSandbox();
	});
	afterAll(async () => {
		await sandbox.stop();
	});
	beforeEach(() => sandbox.openAi.clear());

	const post = (body: unknown, key: string | undefined = KEY) =>
		call(`${sandbox.openAiBaseUrl}/chat/completions`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
			body: JSON.stringify(body),
		});

	it('lives at sandbox.openAiBaseUrl and lists its models (what n8n’s credential test and model list call)', async () => {
		expect(sandbox.openAiBaseUrl).toBe(`${sandbox.url}/openai/v1`);
		const list = await call(`${sandbox.openAiBaseUrl}/models`, { headers: { authorization: `Bearer ${KEY}` } });
		expect(list.status).toBe(200);
		expect(list.body).toEqual({ object: 'list', data: OPENAI_STAND_IN_MODELS.map((id) => ({ id, object: 'model', created: expect.any(Number), owned_by: expect.stringContaining('stand-in') })) });
		expect((await call(`${sandbox.openAiBaseUrl}/models/gpt-5-mini`, { headers: { authorization: `Bearer ${KEY}` } })).body).toMatchObject({ id: 'gpt-5-mini', object: 'model' });
	});

	it('wants an API key (any), as OpenAI does', async () => {
		const answer = await call(`${sandbox.openAiBaseUrl}/models`);
		expect(answer.status).toBe(401);
		expect(answer.body).toEqual({ error: { message: expect.stringContaining('any key'), type: 'invalid_request_error', param: null, code: 'missing_api_key' } });
	});

	it('answers a chat completion with a tool call in OpenAI’s shape, and records it', async () => {
		const request: ChatCompletionRequest = { model: 'gpt-5-mini', messages: [system(), user('Hi')], tools: [SEND_TOOL], stream: false };
		const answer = await post(request);
		expect(answer.status).toBe(200);
		expect(answer.body).toEqual({
			id: expect.stringMatching(/^chatcmpl-/),
			object: 'chat.completion',
			created: expect.any(Number),
			model: 'gpt-5-mini',
			choices: [
				{
					index: 0,
					message: {
						role: 'assistant',
						content: null,
						refusal: null,
						annotations: [],
						tool_calls: [{ id: expect.stringMatching(/^call_/), type: 'function', function: { name: 'Send_WhatsApp_Reply', arguments: '{"text":"You said: “Hi”"}' } }],
					},
					logprobs: null,
					finish_reason: 'tool_calls',
				},
			],
			usage: expect.objectContaining({ prompt_tokens: expect.any(Number), completion_tokens: expect.any(Number), total_tokens: expect.any(Number) }),
			service_tier: 'default',
			system_fingerprint: expect.any(String),
		});
		expect(answer.body.usage.total_tokens).toBe(answer.body.usage.prompt_tokens + answer.body.usage.completion_tokens);
		const [record] = sandbox.openAi.requests;
		expect(record).toMatchObject({ method: 'POST', path: '/openai/v1/chat/completions', status: 200, body: request, decision: { kind: 'tool_call', reason: 'reply' } });
		expect(sandbox.openAi.toolCalls).toEqual([{ id: answer.body.choices[0].message.tool_calls[0].id, name: 'Send_WhatsApp_Reply', arguments: { text: 'You said: “Hi”' } }]);
		// Not one of the WhatsApp APIs' requests.
		expect(sandbox.requests).toEqual([]);
	});

	it('answers a tool result with the final text (finish_reason stop), and records the result', async () => {
		const answer = await post({ model: 'm', messages: [system(), user('Hi'), toolCall('call_1', { text: 'You said: “Hi”' }), toolResult('call_1', '[{"messageId":"SM1"}]')], tools: [SEND_TOOL] });
		expect(answer.body.choices[0]).toEqual({ index: 0, message: { role: 'assistant', content: 'You said: “Hi”', refusal: null, annotations: [] }, logprobs: null, finish_reason: 'stop' });
		expect(sandbox.openAi.toolResults).toEqual([{ toolCallId: 'call_1', content: '[{"messageId":"SM1"}]' }]);
	});

	it('streams as OpenAI does when asked (SSE chunks, the usage when asked for, then [DONE])', async () => {
		const response = await fetch(`${sandbox.openAiBaseUrl}/chat/completions`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
			body: JSON.stringify({ model: 'gpt-4o-mini', messages: [user('Hi')], tools: [SEND_TOOL], stream: true, stream_options: { include_usage: true } }),
		});
		expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
		const events = (await response.text()).split('\n\n').filter(Boolean).map((e) => e.replace(/^data: /, ''));
		expect(events.at(-1)).toBe('[DONE]');
		const chunks = events.slice(0, -1).map((e) => JSON.parse(e));
		for (const chunk of chunks) expect(chunk).toMatchObject({ id: chunks[0].id, object: 'chat.completion.chunk', model: 'gpt-4o-mini' });
		expect(chunks[0].choices[0].delta).toEqual({ role: 'assistant', content: null, tool_calls: [{ index: 0, id: expect.stringMatching(/^call_/), type: 'function', function: { name: 'Send_WhatsApp_Reply', arguments: '' } }] });
		const args = chunks.flatMap((c) => c.choices.map((choice: any) => choice.delta.tool_calls?.[0]?.function?.arguments ?? '')).join('');
		expect(JSON.parse(args)).toEqual({ text: 'You said: “Hi”' });
		expect(chunks.at(-2).choices[0]).toMatchObject({ delta: {}, finish_reason: 'tool_calls' });
		expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { total_tokens: expect.any(Number) } });

		const text = await fetch(`${sandbox.openAiBaseUrl}/chat/completions`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
			body: JSON.stringify({ model: 'm', messages: [user('Hi')], stream: true }),
		});
		const textChunks = (await text.text()).split('\n\n').filter((e) => e && e !== 'data: [DONE]').map((e) => JSON.parse(e.replace(/^data: /, '')));
		expect(textChunks.map((c) => c.choices[0].delta.content ?? '').join('')).toBe('You said: “Hi”');
		expect(textChunks.at(-1).choices[0].finish_reason).toBe('stop');
		expect(textChunks.some((c) => c.usage)).toBe(false);
	});

	it('refuses what OpenAI refuses, in OpenAI’s error shape; the Responses API says what to switch off', async () => {
		expect((await post({ model: 'm', messages: [] })).body).toEqual({ error: { message: expect.stringContaining("'messages'"), type: 'invalid_request_error', param: 'messages', code: null } });
		const bad = await call(`${sandbox.openAiBaseUrl}/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, body: '{' });
		expect(bad.status).toBe(400);
		const responses = await call(`${sandbox.openAiBaseUrl}/responses`, { method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, body: '{}' });
		expect(responses.status).toBe(404);
		expect(responses.body.error.message).toContain('Use Responses API');
		expect((await call(`${sandbox.url}/openai/v1/embeddings`, { method: 'POST', headers: { authorization: `Bearer ${KEY}` } })).status).toBe(404);
	});

	it('can take its time before answering (so "typing…" shows), as set', async () => {
		sandbox.openAi.setDelay(300);
		try {
			const started = Date.now();
			await post({ model: 'm', messages: [user('Hi')] });
			expect(Date.now() - started).toBeGreaterThanOrEqual(290);
		} finally {
			sandbox.openAi.setDelay(0);
		}
		expect(() => sandbox.openAi.setDelay(-1)).toThrow(RangeError);
	});
});
