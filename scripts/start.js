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

const root = path.resolve(__dirname, '..');
const SANDBOX_PORT = Number(process.env.SANDBOX_PORT ?? 8790);
const N8N_PORT = Number(process.env.N8N_PORT ?? 5678);
const userFolder = path.join(root, '.cache', 'n8n-user');
const setupFile = path.join(userFolder, 'omni-setup.json');

/** The examples the chat page talks to: an interactive menu on Meta, an echo bot on Twilio. */
const ACTIVE_EXAMPLES = ['interactive-menu.meta.json', 'echo-bot.twilio.json'];

function credentialsFor(sandbox) {
	return {
		meta: {
			name: 'WhatsApp Omni Meta (sandbox)',
			type: 'whatsAppOmniMetaApi',
			data: {
				accessToken: sandbox.meta.accessToken,
				phoneNumberId: sandbox.meta.phoneNumberId,
				businessAccountId: sandbox.meta.wabaId,
				appId: sandbox.meta.appId,
				appSecret: sandbox.meta.appSecret,
				graphApiVersion: 'v24.0',
				baseUrl: sandbox.graphBaseUrl,
			},
		},
		twilio: {
			name: 'WhatsApp Omni Twilio (sandbox)',
			type: 'whatsAppOmniTwilioApi',
			data: {
				authType: 'authToken',
				accountSid: sandbox.twilio.accountSid,
				authToken: sandbox.twilio.authToken,
				whatsAppNumber: sandbox.twilio.whatsAppNumber,
				messagingServiceSid: sandbox.twilio.messagingServiceSid,
				baseUrl: sandbox.twilioBaseUrl,
			},
		},
	};
}

/** An example with its credential placeholders pointing at the sandbox credentials. */
function exampleWorkflow(file, credentials) {
	const workflow = JSON.parse(fs.readFileSync(path.join(root, 'examples', file), 'utf8'));
	for (const node of workflow.nodes) {
		for (const [type, reference] of Object.entries(node.credentials ?? {})) {
			const credential = type === 'whatsAppOmniMetaApi' ? credentials.meta : type === 'whatsAppOmniTwilioApi' ? credentials.twilio : undefined;
			if (credential) node.credentials[type] = { id: credential.id, name: credential.name };
			else if (reference.id === 'REPLACE') delete node.credentials[type];
		}
	}
	return workflow;
}

async function setUp(api, sandbox) {
	await api.signIn();
	if (fs.existsSync(setupFile)) return JSON.parse(fs.readFileSync(setupFile, 'utf8'));
	const wanted = credentialsFor(sandbox);
	const credentials = {};
	for (const [key, { name, type, data }] of Object.entries(wanted)) {
		credentials[key] = await api.createCredential(name, type, data);
	}
	const workflows = {};
	for (const file of fs.readdirSync(path.join(root, 'examples')).filter((f) => f.endsWith('.json')).sort()) {
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
