// A STAND-IN for an OpenAI-compatible Chat Completions endpoint, under /openai/v1. It is not a
// language model: a small fixed script (below) decides every answer, so n8n's AI Agent with an
// OpenAI Chat Model pointed at it (credential *OpenAI* › Base URL `<sandbox>/openai/v1`, any API
// key) calls this package's tools exactly as with a real model, without a key or the internet.
//
//   GET  /openai/v1/models               the model list (the credential test and the model picker)
//   GET  /openai/v1/models/<id>          one model
//   POST /openai/v1/chat/completions     an answer in OpenAI's shapes, `stream` false or true (SSE)
//   POST /openai/v1/responses            404 saying to turn off "Use Responses API" (Chat Completions only)
// Any `Authorization: Bearer <key>` is taken; none gets OpenAI's 401. `delayMs` (sandbox option
// `openAiDelayMs`, `setDelay`) makes it "think" before each answer, so "typing…" can be seen.
//
// The script, for the newest turn (the messages after the last user message):
// * The last message is the user's and a send tool is offered (a function tool whose name or
//   description says send / reply / message / WhatsApp and that takes a text): call it once,
//   with the text in its text-like parameter and, when it has a recipient parameter, the first
//   phone number found in the user's message or the system prompt. The text:
//     - "help"                → what this stand-in does and the phrases below;
//     - "hours" / "open"      → the opening hours found in the system prompt ("… open <hours>)");
//     - "long answer"         → 5,000 characters, more than WhatsApp takes: the tool fails, and
//                               the error comes back as the tool's result (see below);
//     - anything else         → `You said: “<message>”`
//   plus, when the conversation has earlier user messages (the agent's memory), a line
//   `Before that you said: “<the previous one>”`.
// * No send tool offered: the same text as the answer itself.
// * The last message is a tool result: the text the tool sent, as the final answer. When the
//   result is an error (an `error` field or an "Error…" text): call the tool once more with a
//   short text that quotes the error (`Sorry, I could not send my answer (<error>). …`); if that
//   fails too, or no tool is there, the final answer is `I could not send that: <error>`.
// Every request and the decision taken are kept in `requests` (for tests).

import type { IncomingMessage, ServerResponse } from 'node:http';

import { randomAlnum } from './util';

/** Models the stand-in lists; it answers to any model name and echoes it back. */
export const OPENAI_STAND_IN_MODELS = ['omni-sandbox-stand-in', 'gpt-5-mini', 'gpt-4.1-mini', 'gpt-4o-mini'] as const;

/** What the "long answer" phrase makes the stand-in send: more than WhatsApp takes (4,096 / 1,600). */
export const LONG_ANSWER_LENGTH = 5000;

const OWNER = 'whatsapp-omni-sandbox (stand-in, not a model)';
/** The models' `created` (a fixed moment: the list never changes). */
const MODELS_CREATED = 1_767_225_600;
/** Error texts quoted back to the user are cut to this length. */
const ERROR_QUOTE_MAX = 300;

export interface ChatCompletionTool {
	type: 'function';
	function: { name: string; description?: string; parameters?: JsonSchema };
}

interface JsonSchema {
	type?: string | string[];
	properties?: Record<string, JsonSchema & { description?: string }>;
	required?: string[];
}

export interface ChatCompletionToolCall {
	id: string;
	type: 'function';
	function: { name: string; arguments: string };
}

export interface ChatCompletionMessage {
	role: 'system' | 'developer' | 'user' | 'assistant' | 'tool' | 'function';
	content?: string | null | Array<{ type: string; text?: string }>;
	tool_calls?: ChatCompletionToolCall[];
	tool_call_id?: string;
	name?: string;
}

export interface ChatCompletionRequest {
	model?: string;
	messages?: ChatCompletionMessage[];
	tools?: ChatCompletionTool[];
	tool_choice?: unknown;
	stream?: boolean;
	stream_options?: { include_usage?: boolean };
}

/** What the script decided: call a tool, or answer with text. */
export type StandInDecision =
	| { kind: 'tool_call'; tool: string; arguments: Record<string, unknown>; reason: StandInReason }
	| { kind: 'text'; content: string; reason: StandInReason };

/**
 * Why: `reply` (a user's message answered through the tool), `retry` (a tool error answered by
 * calling the tool again), `final` (the tool's result turned into the final answer),
 * `tool_error` (giving up on a failing tool), `no_tool` (no send tool offered), `no_recipient`.
 */
export type StandInReason = 'reply' | 'retry' | 'final' | 'tool_error' | 'no_tool' | 'no_recipient';

/** One request to the stand-in, as received, and what it answered. */
export interface StandInRecord {
	at: number;
	method: string;
	path: string;
	/** The parsed JSON body (chat completions), or undefined. */
	body: ChatCompletionRequest | undefined;
	status: number;
	/** For a chat completion: the script's decision. */
	decision?: StandInDecision;
	/** For a chat completion that called a tool: the call as sent. */
	toolCall?: ChatCompletionToolCall;
	/** The tool results (role `tool`) at the end of the request's messages, with their error if any. */
	toolResults?: Array<{ toolCallId?: string; content: string; error?: string }>;
}

const TEXT_PARAM = /^(text|message|body|reply|answer|content|msg)$/i;
const RECIPIENT_PARAM = /^(to|recipient|phone|phone_?number|number|wa_?id|contact|contact_?id)$/i;
const SEND_TOOL = /send|reply|message|whats ?app/i;
const PHONE = /(?:whatsapp:)?\+?\d[\d\s().-]{6,18}\d/;

/** The text of a message's content, whatever form it has. */
export function contentText(content: ChatCompletionMessage['content']): string {
	if (typeof content === 'string') return content;
	if (Array.isArray(content)) return content.map((part) => (typeof part?.text === 'string' ? part.text : '')).join('');
	return '';
}

/** The error a tool result carries (n8n sends `[{"error": "…"}]` or `{"error": "…"}`), or undefined. */
export function toolResultError(content: string): string | undefined {
	const text = content.trim();
	try {
		const parsed: unknown = JSON.parse(text);
		const items = Array.isArray(parsed) ? parsed : [parsed];
		for (const item of items) {
			if (item && typeof item === 'object' && 'error' in item) {
				const error = (item as { error: unknown }).error;
				if (error) return typeof error === 'string' ? error : JSON.stringify(error);
			}
		}
		return undefined;
	} catch {
		return /^error\b/i.test(text) ? text.replace(/^error:?\s*/i, '') : undefined;
	}
}

function stringParams(tool: ChatCompletionTool): string[] {
	const properties = tool.function.parameters?.properties ?? {};
	return Object.keys(properties).filter((key) => {
		const type = properties[key]?.type;
		return type === undefined || type === 'string' || (Array.isArray(type) && type.includes('string'));
	});
}

function textParam(tool: ChatCompletionTool): string | undefined {
	const strings = stringParams(tool);
	// Not an ID (messageId, message_id): that names a message, it is no text to send.
	const texts = strings.filter((key) => !/(^|[a-z_])(id|sid)$/i.test(key) || TEXT_PARAM.test(key));
	return texts.find((key) => TEXT_PARAM.test(key)) ?? texts.find((key) => /text|message|body/i.test(key)) ?? (texts.length === 1 ? texts[0] : undefined);
}

/** The offered tool that sends a text: its name or description says so, and it takes a text. */
export function findSendTool(tools: ChatCompletionTool[] | undefined): ChatCompletionTool | undefined {
	const candidates = (tools ?? []).filter((tool) => tool?.type === 'function' && typeof tool.function?.name === 'string' && textParam(tool) !== undefined);
	const score = (tool: ChatCompletionTool) => {
		const { name, description = '' } = tool.function;
		return (SEND_TOOL.test(name) ? 2 : 0) + (SEND_TOOL.test(description) ? 1 : 0) + (/send|reply/i.test(name) ? 2 : 0) + (/\bsends?\b/i.test(description) ? 1 : 0);
	};
	const ranked = candidates.filter((tool) => score(tool) > 0).sort((a, b) => score(b) - score(a));
	return ranked[0];
}

function findPhone(...texts: string[]): string | undefined {
	for (const text of texts) {
		const match = PHONE.exec(text);
		if (match) {
			const digits = match[0].replace(/^whatsapp:/, '').replace(/[^\d+]/g, '');
			return digits.startsWith('+') ? digits : `+${digits}`;
		}
	}
	return undefined;
}

const quote = (text: string) => `“${text.trim()}”`;

function cut(text: string, max: number): string {
	return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The opening hours the system prompt states, e.g. "… (open Monday to Friday 8:00–20:00, …)". */
function hoursFrom(system: string): string | undefined {
	const match = /\bopen(?:ing hours:?)?\s+([^)\n]*?\d[^)\n]*?)(?:\)|\.(?:\s|$)|\n|$)/i.exec(system);
	return match?.[1]?.trim();
}

const HELP =
	'I am the sandbox’s stand-in for a chat model: no AI, a fixed script. I repeat what you write (and what you wrote before, from the agent’s memory), ' +
	'answer “hours” with the opening hours from the agent’s system message, and “long answer” makes me send a text longer than WhatsApp takes, ' +
	'to show how the tool’s error comes back to the agent.';

/** The reply to the user's message, before the memory note. */
function replyText(userText: string, system: string): { text: string; long?: boolean } {
	if (/\blong answer\b/i.test(userText)) {
		const sentence = 'This answer is far too long for one WhatsApp message. ';
		return { text: sentence.repeat(Math.ceil(LONG_ANSWER_LENGTH / sentence.length)).slice(0, LONG_ANSWER_LENGTH), long: true };
	}
	if (/^\s*(help|\?|what can you do\??)\s*$/i.test(userText)) return { text: HELP };
	if (/\b(hours?|open|opening|closed?)\b/i.test(userText)) {
		const hours = hoursFrom(system);
		return { text: hours ? `We are open ${hours}.` : 'The system message does not say when we are open.' };
	}
	return { text: `You said: ${quote(userText)}` };
}

/**
 * The stand-in's script: what it answers to a Chat Completions request. Pure and deterministic
 * (tool-call IDs are made by the caller).
 */
export function decide(request: ChatCompletionRequest): StandInDecision {
	const messages = Array.isArray(request.messages) ? request.messages : [];
	const system = messages
		.filter((m) => m.role === 'system' || m.role === 'developer')
		.map((m) => contentText(m.content))
		.join('\n');
	const lastUserIndex = messages.map((m) => m.role).lastIndexOf('user');
	const userText = lastUserIndex >= 0 ? contentText(messages[lastUserIndex].content) : '';
	const turn = messages.slice(lastUserIndex + 1);
	const tool = findSendTool(request.tools);
	const last = messages.at(-1);

	if (last?.role === 'tool') {
		// The results answering the assistant's last tool calls.
		let first = messages.length - 1;
		while (first > 0 && messages[first - 1].role === 'tool') first--;
		const results = messages.slice(first).map((m) => contentText(m.content));
		const error = results.map(toolResultError).find((e) => e !== undefined);
		const calls = turn.flatMap((m) => (m.role === 'assistant' ? (m.tool_calls ?? []) : []));
		if (error === undefined) {
			const lastCall = calls.at(-1);
			const sent = lastCall && tool ? parseArguments(lastCall.function.arguments)[textParam(tool) ?? ''] : undefined;
			return { kind: 'text', content: typeof sent === 'string' ? sent : 'Done.', reason: 'final' };
		}
		const said = cut(error, ERROR_QUOTE_MAX);
		if (tool && calls.length < 2) {
			const previous = calls.at(-1) ? parseArguments(calls.at(-1)!.function.arguments) : {};
			const args: Record<string, unknown> = { ...previous };
			args[textParam(tool)!] = `Sorry, I could not send my answer (${said.replace(/[.\s]+$/, '')}). Please ask me again in a shorter way.`;
			return { kind: 'tool_call', tool: tool.function.name, arguments: args, reason: 'retry' };
		}
		return { kind: 'text', content: `I could not send that: ${said}`, reason: 'tool_error' };
	}

	const { text, long } = replyText(userText, system);
	const earlier = messages
		.slice(0, Math.max(lastUserIndex, 0))
		.filter((m) => m.role === 'user')
		.map((m) => contentText(m.content).trim())
		.filter((t) => t.length > 0);
	const memory = !long && earlier.length > 0 ? `\nBefore that you said: ${quote(earlier.at(-1)!)}` : '';
	const reply = `${text}${memory}`;
	if (!tool) return { kind: 'text', content: reply, reason: 'no_tool' };

	const args: Record<string, unknown> = { [textParam(tool)!]: reply };
	const recipientKey = stringParams(tool).find((key) => RECIPIENT_PARAM.test(key));
	if (recipientKey) {
		const recipient = findPhone(userText, system);
		const required = tool.function.parameters?.required?.includes(recipientKey) ?? false;
		if (recipient) args[recipientKey] = recipient;
		else if (required) {
			return { kind: 'text', content: 'Whom should I send it to? Give me a phone number in international form, e.g. +15551234567.', reason: 'no_recipient' };
		}
	}
	return { kind: 'tool_call', tool: tool.function.name, arguments: args, reason: 'reply' };
}

function parseArguments(text: string | undefined): Record<string, unknown> {
	try {
		const parsed: unknown = JSON.parse(text ?? '{}');
		return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
	} catch {
		return {};
	}
}

/** About four characters a token, as OpenAI's own rule of thumb says. */
const tokens = (text: string) => Math.max(1, Math.ceil(text.length / 4));

function openAiError(status: number, message: string, type = 'invalid_request_error', param: string | null = null, code: string | null = null) {
	return { status, body: { error: { message, type, param, code } } };
}

/** The stand-in: routes under /openai, the script's answers in OpenAI's shapes, and the record. */
export class OpenAiStandIn {
	/** Every request to /openai/…, oldest first (at most 1,000). Cleared in place. */
	readonly requests: StandInRecord[] = [];
	private delay: number;

	/** `delayMs`: how long it "thinks" before each chat completion (default 0). */
	constructor({ delayMs = 0 }: { delayMs?: number } = {}) {
		this.delay = checkDelay(delayMs);
	}

	/** How long it waits before answering a chat completion, so "typing…" can be seen. */
	get delayMs(): number {
		return this.delay;
	}

	setDelay(ms: number): void {
		this.delay = checkDelay(ms);
	}

	clear(): void {
		this.requests.length = 0;
	}

	/** The chat completions that called a tool, with the call (name and parsed arguments). */
	get toolCalls(): Array<{ id: string; name: string; arguments: Record<string, unknown> }> {
		return this.requests.flatMap((r) =>
			r.toolCall ? [{ id: r.toolCall.id, name: r.toolCall.function.name, arguments: parseArguments(r.toolCall.function.arguments) }] : [],
		);
	}

	/** Tool results the stand-in was sent back (each once, by tool-call ID). */
	get toolResults(): Array<{ toolCallId?: string; content: string; error?: string }> {
		const seen = new Set<string>();
		const out: Array<{ toolCallId?: string; content: string; error?: string }> = [];
		for (const record of this.requests) {
			for (const result of record.toolResults ?? []) {
				const key = result.toolCallId ?? result.content;
				if (seen.has(key)) continue;
				seen.add(key);
				out.push(result);
			}
		}
		return out;
	}

	async handle(req: IncomingMessage, res: ServerResponse, url: URL, rawBody: Buffer): Promise<void> {
		const method = (req.method ?? 'GET').toUpperCase();
		const path = url.pathname.replace(/\/+$/, '');
		const record: StandInRecord = { at: Date.now(), method, path, body: undefined, status: 0 };
		this.requests.push(record);
		if (this.requests.length > 1000) this.requests.splice(0, this.requests.length - 1000);

		const auth = String(req.headers.authorization ?? '');
		if (!/^Bearer\s+\S+/i.test(auth)) {
			return this.reply(res, record, openAiError(401, 'You didn’t provide an API key. The sandbox’s OpenAI stand-in takes any key: set the credential’s API Key to anything, e.g. sk-sandbox.', 'invalid_request_error', null, 'missing_api_key'));
		}
		if (method === 'GET' && path === '/openai/v1/models') {
			return this.reply(res, record, { status: 200, body: { object: 'list', data: OPENAI_STAND_IN_MODELS.map(modelObject) } });
		}
		const model = /^\/openai\/v1\/models\/(.+)$/.exec(path);
		if (method === 'GET' && model) {
			const id = decodeURIComponent(model[1]);
			return this.reply(res, record, { status: 200, body: modelObject(id) });
		}
		if (method === 'POST' && path === '/openai/v1/chat/completions') {
			let body: ChatCompletionRequest;
			try {
				body = JSON.parse(rawBody.toString('utf8')) as ChatCompletionRequest;
			} catch {
				return this.reply(res, record, openAiError(400, 'We could not parse the JSON body of your request.'));
			}
			record.body = body;
			if (!Array.isArray(body?.messages) || body.messages.length === 0) {
				return this.reply(res, record, openAiError(400, "'messages' is a required property and must be a non-empty array.", 'invalid_request_error', 'messages'));
			}
			record.toolResults = trailingToolResults(body.messages);
			if (record.toolResults.length === 0) delete record.toolResults;
			if (this.delay > 0) await new Promise((resolve) => setTimeout(resolve, this.delay));
			return this.complete(res, record, body);
		}
		if (method === 'POST' && path === '/openai/v1/responses') {
			return this.reply(
				res,
				record,
				openAiError(
					404,
					'The sandbox’s OpenAI stand-in speaks the Chat Completions API only: in the OpenAI Chat Model node, turn off “Use Responses API”.',
					'invalid_request_error',
					null,
					'unknown_url',
				),
			);
		}
		return this.reply(res, record, openAiError(404, `Invalid URL (${method} ${url.pathname}): the sandbox’s OpenAI stand-in has GET /openai/v1/models and POST /openai/v1/chat/completions.`, 'invalid_request_error', null, 'unknown_url'));
	}

	private complete(res: ServerResponse, record: StandInRecord, body: ChatCompletionRequest): void {
		const messages = body.messages ?? [];
		const decision = decide(body);
		record.decision = decision;
		const id = `chatcmpl-${randomAlnum(24)}`;
		const created = Math.floor(Date.now() / 1000);
		const model = typeof body.model === 'string' && body.model ? body.model : OPENAI_STAND_IN_MODELS[0];
		const toolCall: ChatCompletionToolCall | undefined =
			decision.kind === 'tool_call' ? { id: `call_${randomAlnum(24)}`, type: 'function', function: { name: decision.tool, arguments: JSON.stringify(decision.arguments) } } : undefined;
		if (toolCall) record.toolCall = toolCall;
		const content = decision.kind === 'text' ? decision.content : null;
		const finishReason = toolCall ? 'tool_calls' : 'stop';
		const promptTokens = tokens(JSON.stringify(messages) + JSON.stringify(body.tools ?? []));
		const completionTokens = tokens(content ?? toolCall?.function.arguments ?? '');
		const usage = {
			prompt_tokens: promptTokens,
			completion_tokens: completionTokens,
			total_tokens: promptTokens + completionTokens,
			prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
			completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
		};
		const fingerprint = 'fp_omni_sandbox';

		if (body.stream !== true) {
			this.reply(res, record, {
				status: 200,
				body: {
					id,
					object: 'chat.completion',
					created,
					model,
					choices: [
						{
							index: 0,
							message: { role: 'assistant', content, refusal: null, annotations: [], ...(toolCall ? { tool_calls: [toolCall] } : {}) },
							logprobs: null,
							finish_reason: finishReason,
						},
					],
					usage,
					service_tier: 'default',
					system_fingerprint: fingerprint,
				},
			});
			return;
		}

		// Server-sent events, as OpenAI streams: the role, the content (or the call's arguments)
		// in pieces, the finish reason, the usage when asked for, then [DONE].
		record.status = 200;
		res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
		const chunk = (delta: object, finish: string | null = null) => ({
			id,
			object: 'chat.completion.chunk',
			created,
			model,
			service_tier: 'default',
			system_fingerprint: fingerprint,
			choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
		});
		const events: object[] = [];
		if (toolCall) {
			events.push(chunk({ role: 'assistant', content: null, tool_calls: [{ index: 0, id: toolCall.id, type: 'function', function: { name: toolCall.function.name, arguments: '' } }] }));
			for (const piece of pieces(toolCall.function.arguments)) events.push(chunk({ tool_calls: [{ index: 0, function: { arguments: piece } }] }));
		} else {
			events.push(chunk({ role: 'assistant', content: '', refusal: null }));
			for (const piece of pieces(content ?? '')) events.push(chunk({ content: piece }));
		}
		events.push(chunk({}, finishReason));
		if (body.stream_options?.include_usage) events.push({ id, object: 'chat.completion.chunk', created, model, system_fingerprint: fingerprint, choices: [], usage });
		for (const event of events) res.write(`data: ${JSON.stringify(event)}\n\n`);
		res.end('data: [DONE]\n\n');
	}

	private reply(res: ServerResponse, record: StandInRecord, reply: { status: number; body: unknown }): void {
		record.status = reply.status;
		if (res.writableEnded || res.destroyed) return;
		const text = JSON.stringify(reply.body);
		res.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)), 'x-request-id': `req_${randomAlnum(24)}` });
		res.end(text);
	}
}

/** The tool results (role `tool`) at the end of the messages, with the error each carries. */
function trailingToolResults(messages: ChatCompletionMessage[]): NonNullable<StandInRecord['toolResults']> {
	let first = messages.length;
	while (first > 0 && messages[first - 1].role === 'tool') first--;
	return messages.slice(first).map((m) => {
		const content = contentText(m.content);
		const error = toolResultError(content);
		return { ...(m.tool_call_id ? { toolCallId: m.tool_call_id } : {}), content, ...(error !== undefined ? { error } : {}) };
	});
}

function checkDelay(ms: number): number {
	if (!(Number.isFinite(ms) && ms >= 0 && ms <= 600_000)) throw new RangeError('the stand-in’s delay must be 0 to 600,000 ms');
	return ms;
}

function modelObject(id: string) {
	return { id, object: 'model', created: MODELS_CREATED, owned_by: OWNER };
}

/** A text in about three pieces, as a stream sends it. */
function pieces(text: string): string[] {
	if (text.length === 0) return [];
	const size = Math.max(1, Math.ceil(text.length / 3));
	const out: string[] = [];
	for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
	return out;
}
