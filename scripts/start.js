#!/usr/bin/env node
/**
 * `npm start`: the sandbox and a real n8n with this package, set up so a person can chat with
 * the example bots in two minutes, with no Meta or Twilio account.
 *
 * 1. Builds and packs the package; installs n8n (first time: minutes) and the tarball into
 *    n8n's user folder as a user would.
 * 2. Starts the sandbox (emulated Graph and Twilio APIs, chat page) and n8n on loopback.
 * 3. Creates the owner account, an API key, one credential per provider pointing at the
 *    sandbox and an OpenAI credential pointing at the sandbox's OpenAI stand-in (a fixed script,
 *    no key), imports the example workflows, and activates the ones the chat page talks to
 *    (scripts/n8n/activeExamples.js): the interactive menu on Meta, the AI agent on Twilio.
 * Ctrl-C stops everything it started. The n8n user folder (.cache/n8n-user) is kept, so what
 * you build in the editor survives a restart.
 */
require('../sandbox/register');
const fs = require('node:fs');
const path = require('node:path');

const { startSandbox } = require('../sandbox/index.ts');
const { N8nApi, OWNER } = require('./n8n/api');
const { startN8n } = require('./n8n/server');
const { EXAMPLES_DIR, exampleWorkflow } = require('./n8n/examples');
const { createMcpTokenCredential, createSandboxCredentials, createOpenAiStandInCredential, withChatModelCredential, withMcpTokenCredential } = require('./n8n/sandboxCredentials');
const { ACTIVE_EXAMPLES } = require('./n8n/activeExamples');

const root = path.resolve(__dirname, '..');
const SANDBOX_PORT = Number(process.env.SANDBOX_PORT ?? 8790);
const N8N_PORT = Number(process.env.N8N_PORT ?? 5678);
// OMNI_N8N_USER_FOLDER: another user folder (e.g. to try a set-up without touching your own).
const userFolder = process.env.OMNI_N8N_USER_FOLDER ? path.resolve(process.env.OMNI_N8N_USER_FOLDER) : path.join(root, '.cache', 'n8n-user');
const setupFile = path.join(userFolder, 'omni-setup.json');

/** Published too: no bot on a number, but WhatsApp tools for any MCP client (the Meta number's). */
const MCP_EXAMPLE = 'mcp-server.meta.json';

/** What `npm start` published before it recorded that in omni-setup.json (`active`). */
const PUBLISHED_BEFORE_THE_AGENT = ['interactive-menu.meta.json', 'echo-bot.twilio.json'];

/**
 * The credentials and imported examples, made the first time and kept in omni-setup.json. A set-up
 * from before the OpenAI stand-in gets its credential, and its AI-agent workflows (imported without
 * a model credential) are imported again with it; examples added since are imported.
 */
async function setUp(api, sandbox) {
	await api.signIn();
	const existed = fs.existsSync(setupFile);
	const setup = existed ? JSON.parse(fs.readFileSync(setupFile, 'utf8')) : { credentials: await createSandboxCredentials(api, sandbox), workflows: {} };
	let changed = !existed;
	if (!setup.credentials.openAi) {
		setup.credentials.openAi = await createOpenAiStandInCredential(api, sandbox);
		for (const file of Object.keys(setup.workflows).filter((f) => f.startsWith('ai-agent.'))) {
			await api.deactivate(setup.workflows[file]).catch(() => undefined);
			await api.request('DELETE', `/api/v1/workflows/${setup.workflows[file]}`, { expect: [200, 204, 400, 404] }).catch(() => undefined);
			delete setup.workflows[file];
		}
		changed = true;
	}
	if (!setup.credentials.mcp) {
		// Before the MCP token: the mcp-server examples (imported without one) are imported again with it.
		setup.credentials.mcp = await createMcpTokenCredential(api);
		for (const file of Object.keys(setup.workflows).filter((f) => f.startsWith('mcp-server.'))) {
			await api.deactivate(setup.workflows[file]).catch(() => undefined);
			await api.request('DELETE', `/api/v1/workflows/${setup.workflows[file]}`, { expect: [200, 204, 400, 404] }).catch(() => undefined);
			delete setup.workflows[file];
		}
		changed = true;
	}
	for (const file of fs.readdirSync(EXAMPLES_DIR).filter((f) => f.endsWith('.json')).sort()) {
		if (setup.workflows[file]) continue;
		const workflow = withMcpTokenCredential(exampleWorkflow(file, setup.credentials), setup.credentials.mcp);
		const created = await api.createWorkflow(withChatModelCredential(workflow, setup.credentials.openAi));
		setup.workflows[file] = created.id;
		changed = true;
	}
	if (changed) fs.writeFileSync(setupFile, JSON.stringify(setup, null, 2));
	return setup;
}

async function main() {
	// The OpenAI stand-in "thinks" a second before each answer, so the chat page shows "typing…".
	const sandbox = await startSandbox({ port: SANDBOX_PORT, openAiDelayMs: 1000 });
	let n8n;
	const stop = async () => {
		process.stderr.write('\nStopping n8n and the sandbox…\n');
		await n8n?.stop();
		await sandbox.stop();
		process.exit(0);
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);

	n8n = await startN8n({ userFolder, port: N8N_PORT });
	const api = new N8nApi(n8n.baseUrl);
	const setup = await setUp(api, sandbox);
	// What an earlier `npm start` published and this one does not (before the AI agent, the echo
	// bot had the Twilio number) is unpublished, so one bot answers per number.
	const active = ACTIVE_EXAMPLES.map(({ file }) => file);
	for (const file of (setup.active ?? PUBLISHED_BEFORE_THE_AGENT).filter((f) => !active.includes(f) && setup.workflows[f])) {
		await api.deactivate(setup.workflows[file]).catch((error) => process.stderr.write(`Could not unpublish ${file}: ${error.message}\n`));
	}
	if (JSON.stringify(setup.active) !== JSON.stringify(active)) fs.writeFileSync(setupFile, JSON.stringify({ ...setup, active }, null, 2));
	for (const file of [...ACTIVE_EXAMPLES.map((example) => example.file), MCP_EXAMPLE]) {
		try {
			// The sandbox starts empty every time, while n8n keeps these workflows active across
			// restarts and trusts the webhook registrations it made before: deactivating first makes
			// the activation register them with this sandbox.
			await api.deactivate(setup.workflows[file]);
			await api.activate(setup.workflows[file]);
		} catch (error) {
			process.stderr.write(`Could not activate ${file}: ${error.message}\n`);
		}
	}

	process.stdout.write(`
  n8n editor    ${n8n.baseUrl}   (log in as ${OWNER.email} / ${OWNER.password})
  Chat page     ${sandbox.chatUrl}
  Sandbox APIs  Graph ${sandbox.graphBaseUrl}   Twilio ${sandbox.twilioBaseUrl}
  OpenAI        ${sandbox.openAiBaseUrl}   a STAND-IN, not a model: a fixed script (write "help" to it)

  Published, one per number (write to it in the chat page):
${ACTIVE_EXAMPLES.map(({ file, number, answer }) => `    ${number.padEnd(7)} ${file.padEnd(28)} you get ${answer}`).join('\n')}
  MCP server    ${n8n.baseUrl}/mcp/whatsapp   (${MCP_EXAMPLE}; any MCP client, streamable HTTP)
                Authorization: Bearer ${setup.credentials.mcp.token}
  The other examples are imported, unpublished (one bot per number: unpublish one to try another).
  A real model: put your OpenAI key into the credential "OpenAI (sandbox stand-in)" and set its
  Base URL back to https://api.openai.com/v1; the AI-agent workflow stays as it is.
  n8n's log: ${n8n.logFile}
  Ctrl-C stops everything.
`);
}

main().catch((error) => {
	process.stderr.write(`${error.stack ?? error}\n`);
	process.exit(1);
});
