#!/usr/bin/env node
/**
 * `npm start`: the sandbox and a real n8n with this package, set up so a person can chat with
 * the example bots in two minutes, with no Meta or Twilio account.
 *
 * 1. Builds and packs the package; installs n8n (first time: minutes) and the tarball into
 *    n8n's user folder as a user would.
 * 2. Starts the sandbox (emulated Graph and Twilio APIs, chat page) and n8n on loopback.
 * 3. Creates the owner account, an API key, one credential per provider pointing at the
 *    sandbox, imports the example workflows, and activates the ones the chat page talks to.
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
const { createSandboxCredentials } = require('./n8n/sandboxCredentials');

const root = path.resolve(__dirname, '..');
const SANDBOX_PORT = Number(process.env.SANDBOX_PORT ?? 8790);
const N8N_PORT = Number(process.env.N8N_PORT ?? 5678);
const userFolder = path.join(root, '.cache', 'n8n-user');
const setupFile = path.join(userFolder, 'omni-setup.json');

/** The examples the chat page talks to: an interactive menu on Meta, an echo bot on Twilio. */
const ACTIVE_EXAMPLES = ['interactive-menu.meta.json', 'echo-bot.twilio.json'];

async function setUp(api, sandbox) {
	await api.signIn();
	if (fs.existsSync(setupFile)) return JSON.parse(fs.readFileSync(setupFile, 'utf8'));
	const credentials = await createSandboxCredentials(api, sandbox);
	const workflows = {};
	for (const file of fs.readdirSync(EXAMPLES_DIR).filter((f) => f.endsWith('.json')).sort()) {
		const created = await api.createWorkflow(exampleWorkflow(file, credentials));
		workflows[file] = created.id;
	}
	const setup = { credentials, workflows };
	fs.writeFileSync(setupFile, JSON.stringify(setup, null, 2));
	return setup;
}

async function main() {
	const sandbox = await startSandbox({ port: SANDBOX_PORT });
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
	for (const file of ACTIVE_EXAMPLES) {
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

  Active: "${ACTIVE_EXAMPLES.join('", "')}" — write to the Meta number in the chat page to get a menu,
  to the Twilio number to get an echo. The other examples are imported, inactive.
  n8n's log: ${n8n.logFile}
  Ctrl-C stops everything.
`);
}

main().catch((error) => {
	process.stderr.write(`${error.stack ?? error}\n`);
	process.exit(1);
});
