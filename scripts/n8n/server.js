/**
 * Starts a real n8n (installed by install.js) on loopback with this package loaded as users get
 * it: the packed tarball installed into the user folder's nodes/.
 */
const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const { describe, ensureN8n } = require('./install');

const root = path.resolve(__dirname, '..', '..');

function log(message) {
	process.stderr.write(`[n8n] ${message}\n`);
}

/** Builds and packs the package, then installs the tarball into <userFolder>/.n8n/nodes. */
function installPackage(userFolder, { build = true } = {}) {
	if (build) execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
	const packDir = path.join(userFolder, 'pack');
	fs.rmSync(packDir, { recursive: true, force: true });
	fs.mkdirSync(packDir, { recursive: true });
	const [packed] = JSON.parse(
		execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', packDir], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }),
	);
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	fs.mkdirSync(nodesDir, { recursive: true });
	if (!fs.existsSync(path.join(nodesDir, 'package.json'))) {
		fs.writeFileSync(path.join(nodesDir, 'package.json'), JSON.stringify({ name: 'installed-nodes', private: true }));
	}
	// As a user would: `npm install <tarball>` in ~/.n8n/nodes; n8n-workflow comes from n8n itself.
	execFileSync('npm', ['install', '--omit=peer', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error', path.join(packDir, packed.filename)], {
		cwd: nodesDir,
		stdio: ['ignore', 'ignore', 'inherit'],
	});
	return packed.filename;
}

async function waitFor(url, timeoutMs, isAlive) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (!isAlive()) throw new Error('n8n exited while starting; see its log');
		try {
			const response = await fetch(url);
			if (response.ok) return;
		} catch {
			// not listening yet
		}
		if (Date.now() > deadline) throw new Error(`n8n was not ready at ${url} after ${timeoutMs / 1000} s`);
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
}

/**
 * The package folder of a process started before (`linkNodesFrom`, its user folder), linked into
 * this one: queue-mode processes run the same installed package without packing it again.
 */
function linkPackage(userFolder, linkNodesFrom) {
	const source = path.join(linkNodesFrom, '.n8n', 'nodes');
	if (!fs.existsSync(path.join(source, 'node_modules'))) throw new Error(`no installed package to link in ${source}`);
	fs.mkdirSync(path.join(userFolder, '.n8n'), { recursive: true });
	fs.rmSync(path.join(userFolder, '.n8n', 'nodes'), { recursive: true, force: true });
	fs.symlinkSync(source, path.join(userFolder, '.n8n', 'nodes'), 'dir');
}

/**
 * `n8n start` and `n8n webhook` serve /healthz/readiness on N8N_PORT; a worker serves it only
 * with its health server on, on a port of its own (here the one given as `port`).
 */
function healthServerEnv(command, port) {
	return command === 'worker' ? { QUEUE_HEALTH_CHECK_ACTIVE: 'true', QUEUE_HEALTH_CHECK_PORT: String(port), N8N_WORKER_SERVER_ADDRESS: '127.0.0.1' } : {};
}

/**
 * @param {{ userFolder: string, port: number, runtime?: 'current' | 'legacy', brokerPort?: number, env?: Record<string,string>, logFile?: string, build?: boolean, nodeArgs?: string[], command?: 'start' | 'worker' | 'webhook', linkNodesFrom?: string }} options
 *   `nodeArgs`: options for the Node.js running n8n (e.g. `--cpu-prof`), put before n8n's script.
 *   `command`: the n8n process to run (queue mode: 'worker' and 'webhook' beside one 'start');
 *   a worker's `port` is its health server's.
 *   `linkNodesFrom`: the user folder of a process started before, whose installed package this
 *   one links instead of building and installing it again.
 * Returns `pid`, the n8n process's id (benchmarks read its CPU time from /proc), and `bootSeconds`.
 */
async function startN8n(options) {
	const install = ensureN8n(options.runtime ?? 'current');
	log(describe(install));
	const command = options.command ?? 'start';
	fs.mkdirSync(options.userFolder, { recursive: true });
	if (options.linkNodesFrom) linkPackage(options.userFolder, options.linkNodesFrom);
	else installPackage(options.userFolder, { build: options.build !== false });
	const baseUrl = `http://127.0.0.1:${options.port}`;
	const logFile = options.logFile ?? path.join(options.userFolder, 'n8n.log');
	const out = fs.openSync(logFile, 'a');
	const env = {
		...process.env,
		PATH: `${path.join(install.nodeHome, 'bin')}${path.delimiter}${process.env.PATH}`,
		N8N_USER_FOLDER: options.userFolder,
		N8N_PORT: String(options.port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		WEBHOOK_URL: `${baseUrl}/`,
		N8N_RUNNERS_BROKER_PORT: String(options.brokerPort ?? options.port + 1),
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_SECURE_COOKIE: 'false',
		N8N_ENCRYPTION_KEY: 'whatsapp-omni-sandbox-encryption-key',
		N8N_LOG_LEVEL: process.env.N8N_LOG_LEVEL ?? 'info',
		...healthServerEnv(command, options.port),
		...options.env,
	};
	// A test runner's environment (NODE_ENV=test, JEST_*) changes how n8n starts.
	delete env.NODE_OPTIONS;
	env.NODE_ENV = 'production';
	for (const key of Object.keys(env)) if (key.startsWith('JEST_')) delete env[key];
	// The test runner's in-memory store (test/setup.ts) cannot be shared with another process: n8n
	// gets the store it is given, or its default (SQLite in the user folder), as users have it.
	if (env.WHATSAPP_OMNI_STORE_URL === 'memory:' && !options.env?.WHATSAPP_OMNI_STORE_URL) delete env.WHATSAPP_OMNI_STORE_URL;
	const started = Date.now();
	const child = spawn(install.nodeBin, [...(options.nodeArgs ?? []), install.n8nBin, command], { env, stdio: ['ignore', out, out] });
	let alive = true;
	child.on('exit', () => (alive = false));
	try {
		await waitFor(`${baseUrl}/healthz/readiness`, 180_000, () => alive);
		// n8n 1.x is "ready" before its REST API is mounted; the editor's first call is the sign.
		if (command === 'start') await waitFor(`${baseUrl}/rest/settings`, 60_000, () => alive);
	} catch (error) {
		child.kill('SIGKILL');
		throw new Error(`${error.message}\n--- last lines of ${logFile} ---\n${fs.readFileSync(logFile, 'utf8').split('\n').slice(-40).join('\n')}`);
	}
	const bootSeconds = (Date.now() - started) / 1000;
	log(`n8n ${install.version} ${command} ready at ${baseUrl} after ${bootSeconds.toFixed(1)} s`);
	return {
		baseUrl,
		command,
		bootSeconds,
		logFile,
		version: install.version,
		pid: child.pid,
		async stop() {
			if (!alive) return;
			child.kill('SIGTERM');
			await new Promise((resolve) => {
				const timer = setTimeout(() => {
					child.kill('SIGKILL');
					resolve();
				}, 15_000);
				child.once('exit', () => {
					clearTimeout(timer);
					resolve();
				});
			});
		},
	};
}

module.exports = { startN8n, installPackage };
