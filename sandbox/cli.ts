// Starts the sandbox on its own, for `npm run sandbox`, manual trials and benchmarks.

import { parseArgs } from 'node:util';

import { startSandbox } from './server';
import type { FaultKind, FaultOptions } from './types';

const USAGE = `Usage: npm run sandbox -- [options]

  --port <n>           port on 127.0.0.1 (default: any free port)
  --latency <ms>       delay before every answer (default 0)
  --fault-rate <0..1>  share of requests answered with a fault (default 0)
  --fault-kinds <list> comma-separated from 429,500,reset,reset-before,reset-after,131056
                       (default: 429,500,reset)
  --rate-limit <n>     messages per second per sender; above it 429 (130429 / 20429)
  --pair-limit <n/ms>  Meta's pair rate limit: n messages to one person per ms (e.g. 10/60000)
  Control while running: POST /sandbox/control {latencyMs, faults, rateLimit, pairRateLimit,
  resetCounters}; GET /sandbox/counters
  --retry-after <s>    Retry-After of 429 faults (default 1)
  --seed <n>           repeatable fault sequence
  --status-delay <ms>  delay before each status webhook: sent, delivered, read (default 300)
  --openai-delay <ms>  how long the OpenAI stand-in "thinks" before each answer (default 0)
  --help               this text

  Besides the Graph and Twilio APIs and the chat page, the sandbox has a STAND-IN for an
  OpenAI-compatible Chat Completions endpoint at /openai/v1 (GET /models, POST
  /chat/completions, stream or not): not a model but a fixed script, so n8n's AI Agent can call
  the WhatsApp Omni tool without an API key. Point an OpenAI credential's Base URL at it (any
  API key) and turn off "Use Responses API" in the OpenAI Chat Model node. It calls the offered
  send tool with "You said: …" (plus the previous message, when the agent has a memory), the
  opening hours from the system message for "hours", a text too long for WhatsApp for "long
  answer" (the tool's error comes back and it apologises through the tool), and explains itself
  for "help".`;

const FAULT_KINDS: FaultKind[] = ['429', '500', 'reset', 'reset-before', 'reset-after', '131056'];
const DEFAULT_FAULT_KINDS: FaultKind[] = ['429', '500', 'reset'];

function number(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
	if (value === undefined) return fallback;
	const parsed = Number(value);
	if (!Number.isFinite(parsed) || parsed < min || parsed > max) {
		throw new Error(`--${name} must be a number from ${min} to ${max}, got '${value}'`);
	}
	return parsed;
}

function pairLimit(value: string): { messages: number; windowMs: number } {
	const [messages, windowMs] = value.split('/');
	return { messages: number('pair-limit', messages, 10, 1, 100000), windowMs: number('pair-limit', windowMs, 60000, 1, 86400000) };
}

export async function main(argv: string[] = process.argv.slice(2)): Promise<void> {
	const { values } = parseArgs({
		args: argv,
		options: {
			port: { type: 'string' },
			latency: { type: 'string' },
			'fault-rate': { type: 'string' },
			'fault-kinds': { type: 'string' },
			'retry-after': { type: 'string' },
			seed: { type: 'string' },
			'status-delay': { type: 'string' },
			'openai-delay': { type: 'string' },
			'rate-limit': { type: 'string' },
			'pair-limit': { type: 'string' },
			help: { type: 'boolean' },
		},
		strict: true,
	});
	if (values.help) {
		process.stdout.write(`${USAGE}\n`);
		return;
	}

	const rate = number('fault-rate', values['fault-rate'], 0, 0, 1);
	const kinds = (values['fault-kinds'] ?? DEFAULT_FAULT_KINDS.join(','))
		.split(',')
		.map((k) => k.trim())
		.filter((k) => k.length > 0);
	for (const kind of kinds) {
		if (!FAULT_KINDS.includes(kind as FaultKind)) throw new Error(`--fault-kinds: unknown kind '${kind}'`);
	}
	const faults: FaultOptions | undefined =
		rate > 0
			? {
					rate,
					kinds: kinds as FaultKind[],
					retryAfterSeconds: number('retry-after', values['retry-after'], 1, 0, 86400),
					seed: values.seed === undefined ? undefined : number('seed', values.seed, 0, 0, 2 ** 32 - 1),
				}
			: undefined;

	const sandbox = await startSandbox({
		port: number('port', values.port, 0, 0, 65535),
		latencyMs: number('latency', values.latency, 0, 0, 600000),
		faults,
		statusDelayMs: number('status-delay', values['status-delay'], 300, 0, 600000),
		openAiDelayMs: number('openai-delay', values['openai-delay'], 0, 0, 600000),
		...(values['rate-limit'] ? { rateLimit: { messagesPerSecond: number('rate-limit', values['rate-limit'], 80, 1, 100000) } } : {}),
		...(values['pair-limit'] ? { pairRateLimit: pairLimit(values['pair-limit']) } : {}),
	});
	const { meta, twilio } = sandbox;
	process.stdout.write(
		[
			`WhatsApp Omni sandbox listening on ${sandbox.url}`,
			'',
			`Chat page:            ${sandbox.chatUrl}`,
			`  You are the WhatsApp user ${sandbox.chat.user.name} (${sandbox.chat.user.phone}), writing to both numbers below.`,
			'',
			`Meta Graph base URL:  ${sandbox.graphBaseUrl}`,
			`  Access Token          ${meta.accessToken}`,
			`  Phone Number ID       ${meta.phoneNumberId}`,
			`  WhatsApp Business ID  ${meta.wabaId}`,
			`  App ID / App Secret   ${meta.appId} / ${meta.appSecret}`,
			`  Display number        ${meta.displayPhoneNumber} (${meta.verifiedName})`,
			'',
			`Twilio API base URL:  ${sandbox.twilioBaseUrl}`,
			`  Account SID           ${twilio.accountSid}`,
			`  Auth Token            ${twilio.authToken}`,
			`  API Key SID / Secret  ${twilio.apiKeySid} / ${twilio.apiKeySecret}`,
			`  WhatsApp number       ${twilio.whatsAppNumber}`,
			`  Messaging Service     ${twilio.messagingServiceSid}`,
			'',
			`OpenAI stand-in:      ${sandbox.openAiBaseUrl}   (a fixed script, not a model; any API key;`,
			'  Chat Completions only: turn off "Use Responses API" in the OpenAI Chat Model node)',
			'',
			`Latency ${values.latency ?? 0} ms; faults ${faults ? `${faults.rate} of requests (${faults.kinds.join(', ')})` : 'off'}; status webhooks ${sandbox.statusDelayMs} ms apart.`,
			'Press Ctrl+C to stop.',
			'',
		].join('\n'),
	);

	const shutdown = () => {
		sandbox.stop().then(
			() => process.exit(0),
			() => process.exit(1),
		);
	};
	process.once('SIGINT', shutdown);
	process.once('SIGTERM', shutdown);
}

if (require.main === module) {
	main().catch((error: Error) => {
		process.stderr.write(`${error.message}\n\n${USAGE}\n`);
		process.exit(2);
	});
}
