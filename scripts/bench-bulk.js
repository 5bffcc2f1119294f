#!/usr/bin/env node
'use strict';
/**
 * Bulk sending in a real n8n (issue 13): WhatsApp Omni (Meta provider) next to n8n's built-in
 * WhatsApp Business Cloud node (`n8n-nodes-base.whatsApp`, Send › Text), in the same n8n, the same
 * invocation and the same N8N_EXPRESSION_ENGINE, runs interleaved. Every workflow is
 *
 *   Webhook (answers when the last node is done) → Split Out (body.items) → <sender>
 *
 * and each item carries `to` and `text`, read by the sender as `={{ $json.to }}` / `={{ $json.text }}`.
 * Senders: WhatsApp Omni › Send Text; the built-in node; a floor (Edit Fields evaluating the
 * same two expressions, sending nothing).
 *
 * Both senders talk to https://graph.facebook.com as users have them (Omni's credential has no base
 * URL). The built-in node's base URL is fixed (`https://graph.facebook.com/v13.0/`), so n8n runs in
 * its own network and mount namespace (`unshare -m -n`; `-r` too when not root): only a loopback
 * interface (nothing can reach the internet), /etc/hosts bind-mounted with graph.facebook.com →
 * 127.0.0.1, and a TLS front on 127.0.0.1:443 with a leaf certificate from a throw-away CA
 * (openssl), trusted by n8n alone through NODE_EXTRA_CA_CERTS. The front forwards to the sandbox's
 * /graph (in-process, same namespace) and counts TLS connections and requests in flight. This
 * script re-runs itself inside the namespace; the package is packed and installed before that,
 * outside, because npm needs the registry.
 *
 * Figures, per sender: msg/s over the sender node's own execution time (n8n's runData), the
 * webhook call end to end, TLS connections opened, peak requests in flight, and the longest
 * answer of n8n's /healthz polled every ~10 ms from a worker thread during the run (the longest
 * event-loop stall of n8n's main process, within one poll's cost), both while the sender node ran
 * and over the whole call (which adds the Webhook, Split Out and saving the execution).
 *
 * Runs:
 *   1. BENCH_BULK_COUNT (1,000) messages, BENCH_BULK_LATENCY_MS (50) ms per provider answer,
 *      BENCH_BULK_ROUNDS (3; 0 skips the comparison) rounds, Omni / built-in / floor interleaved (order rotates).
 *   2. The same through Omni with the provider enforcing BENCH_BULK_RATE (80) msg/s and injecting
 *      5 % 429s, 2 % 500s, 1 % resets before and 1 % after processing (Continue On Fail on):
 *      accepted messages per recipient, total time against N / rate, peak in flight, and whether
 *      exactly-once held (every recipient accepted once; an after-processing reset comes back as a
 *      "may have been sent" error item and is not sent again).
 *   3. BENCH_BULK_STALL_COUNT (10,000; 0 skips) messages through Omni for the stall figure.
 *
 * Targets of the issue are printed next to the figures; nothing here passes or fails on speed.
 * Loopback only, bounded, stops by itself. BENCH_BULK_BUILD=0 uses dist/ as built.
 * BENCH_BULK_N8N_ENV='{"N8N_EXPRESSION_ENGINE":"legacy"}' adds to n8n's environment.
 * BENCH_BULK_N8N_NODE_ARGS='["--cpu-prof","--cpu-prof-dir=/tmp/prof"]' adds Node options to n8n's process;
 * BENCH_BULK_KEEP=1 keeps the work folder (n8n's log, e.g. with "--trace-gc").
 */
require('../sandbox/register');
// The sandbox's generator, so a fault run can be repeated draw for draw.
const { seededRandom } = require('../sandbox/util.ts');
const { execFileSync, spawn, spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const https = require('node:https');
const os = require('node:os');
const path = require('node:path');
const { Worker } = require('node:worker_threads');

const { webhookNode } = require('./n8n/nodes');

const COUNT = Number(process.env.BENCH_BULK_COUNT ?? 1000);
const ROUNDS = Number(process.env.BENCH_BULK_ROUNDS ?? 3);
const LATENCY_MS = Number(process.env.BENCH_BULK_LATENCY_MS ?? 50);
const RATE = Number(process.env.BENCH_BULK_RATE ?? 80);
const STALL_COUNT = Number(process.env.BENCH_BULK_STALL_COUNT ?? 10_000);
/** Omni's Concurrency in the runs without a provider limit, one workflow each (10 is its default). */
const CONCURRENCIES = (process.env.BENCH_BULK_CONCURRENCY ?? '10,50').split(',').map(Number);
const BUILD = process.env.BENCH_BULK_BUILD !== '0';
const N8N_ENV = JSON.parse(process.env.BENCH_BULK_N8N_ENV || '{}');
const N8N_NODE_ARGS = JSON.parse(process.env.BENCH_BULK_N8N_NODE_ARGS || '[]');
/** Shares of provider answers replaced by a fault in run 2 (the issue's figures). */
const FAULTS = { '429': 0.05, '500': 0.02, resetBefore: 0.01, resetAfter: 0.01 };
const FRONT_HOST = 'graph.facebook.com';
const HEALTH_POLL_MS = 10;

const log = (message) => process.stderr.write(`[bench-bulk] ${message}\n`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------
// Outside the namespace: install, certificates, then this script again inside `unshare`.
// ---------------------------------------------------------------------------------------------

/** A throw-away CA and a leaf for graph.facebook.com (EC P-256, as Meta serves). */
function makeCertificates(dir) {
	const openssl = (...args) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
	openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2',
		'-subj', '/CN=whatsapp-omni bench-bulk throw-away CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign');
	openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', `/CN=${FRONT_HOST}`);
	fs.writeFileSync(path.join(dir, 'leaf.ext'), `subjectAltName=DNS:${FRONT_HOST}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`);
	openssl('x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'leaf.pem', '-days', '2', '-extfile', 'leaf.ext');
	return { ca: path.join(dir, 'ca.pem'), key: path.join(dir, 'leaf.key'), cert: path.join(dir, 'leaf.pem') };
}

/**
 * The unshare flags that work here: root gets a mount and network namespace; anyone else needs a
 * user namespace too (`-r`, root inside it), which is enough to bring up lo, bind /etc/hosts and
 * listen on 443 there. Undefined when neither works (no unshare, namespaces forbidden).
 */
function unshareFlags() {
	const candidates = process.getuid?.() === 0 ? [['-m', '-n'], ['-r', '-m', '-n']] : [['-r', '-m', '-n']];
	for (const flags of candidates) {
		const probe = spawnSync('unshare', [...flags, '--', 'sh', '-c', 'ip link set lo up && mount --bind /etc/hosts /etc/hosts'], { stdio: 'ignore' });
		if (probe.status === 0) return flags;
	}
	return undefined;
}

async function outer() {
	const { ensureN8n, describe } = require('./n8n/install');
	const { installPackage } = require('./n8n/server');
	log(describe(ensureN8n('current'))); // inside the namespace there is no registry to install from
	const flags = unshareFlags();
	if (!flags) {
		console.log('bulk sending in n8n: skipped, `unshare -m -n` (or `-r -m -n`) is not usable here: the built-in node cannot be pointed at the sandbox');
		return;
	}
	const work = fs.mkdtempSync(path.join(os.tmpdir(), 'omni-bench-bulk-'));
	try {
		const packageFolder = path.join(work, 'package');
		installPackage(packageFolder, { build: BUILD });
		const tlsDir = path.join(work, 'tls');
		fs.mkdirSync(tlsDir);
		const certificates = makeCertificates(tlsDir);
		const inner = { work, packageFolder, certificates, unshare: flags.join(' ') };
		const code = await new Promise((resolve) => {
			const child = spawn('unshare', [...flags, '--', process.execPath, __filename], {
				stdio: 'inherit',
				env: { ...process.env, BENCH_BULK_INNER: JSON.stringify(inner) },
			});
			child.on('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0)));
		});
		if (code !== 0) throw new Error(`bench-bulk inside the namespace exited with ${code}`);
	} finally {
		if (process.env.BENCH_BULK_KEEP === "1") log(`kept ${work}`);
		else fs.rmSync(work, { recursive: true, force: true });
	}
}

// ---------------------------------------------------------------------------------------------
// Inside the namespace.
// ---------------------------------------------------------------------------------------------

/** Loopback up, graph.facebook.com → 127.0.0.1 for every process of this namespace. */
function isolateNetwork(work) {
	execFileSync('ip', ['link', 'set', 'lo', 'up']);
	const hosts = path.join(work, 'hosts');
	fs.writeFileSync(hosts, `127.0.0.1 localhost\n::1 localhost\n127.0.0.1 ${FRONT_HOST}\n`);
	execFileSync('mount', ['--bind', hosts, '/etc/hosts']);
}

const metaError = (status, code, message, extra = {}) => ({
	status,
	headers: { 'content-type': 'application/json', ...(status === 429 ? { 'retry-after': '1' } : {}) },
	body: JSON.stringify({ error: { message, type: 'OAuthException', code, fbtrace_id: crypto.randomBytes(8).toString('hex'), ...extra } }),
});

/**
 * graph.facebook.com:443 on loopback: TLS with the throw-away leaf, each request forwarded to the
 * sandbox's /graph on one keep-alive agent. Counts TLS connections, requests and the peak in
 * flight. In run 2 it also plays the provider's limit and faults (see `setFaults`): Meta's
 * throughput limit (no more than `rate` accepted sends in any 1 s window, 429 code 130429 above
 * it), 429s and 500s without processing, connection resets before a request went out (a new
 * connection reset before its TLS handshake: the drawn request is answered with
 * `Connection: close`, so a new connection follows) and resets after the sandbox accepted the
 * message (the answer never comes back). A client cannot tell a reset after processing from one
 * while the request is being processed, only one before the request was written.
 */
async function startFront({ key, cert }, sandboxUrl) {
	const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });
	const stats = { tls: 0, requests: 0, inFlight: 0, peakInFlight: 0, faults: {}, rateLimited: 0 };
	let faults;
	let random = Math.random;
	let accepted = [];
	let pendingResets = 0;
	/** When each send the sandbox accepted arrived (epoch ms): the pace the provider saw. */
	let sent = [];
	/** When a send was refused for being over the rate (epoch ms). */
	let overRate = [];
	const count = (kind) => (stats.faults[kind] = (stats.faults[kind] ?? 0) + 1);
	const server = https.createServer({ key: fs.readFileSync(key), cert: fs.readFileSync(cert), keepAliveTimeout: 30_000 }, (req, res) => {
		stats.requests++;
		stats.firstRequestAt ??= Date.now();
		stats.inFlight++;
		stats.peakInFlight = Math.max(stats.peakInFlight, stats.inFlight);
		let done = false;
		const finish = () => {
			if (!done) stats.inFlight--;
			done = true;
		};
		res.on('close', finish);
		const chunks = [];
		req.on('data', (chunk) => chunks.push(chunk));
		req.on('end', () => {
			const body = Buffer.concat(chunks);
			const isSend = req.method === 'POST' && /\/messages$/.test(req.url);
			let fault;
			let closeAfter = false;
			if (faults && isSend) {
				const draw = random();
				let edge = 0;
				for (const [kind, share] of Object.entries(faults.shares)) {
					edge += share;
					if (draw < edge) {
						fault = kind;
						break;
					}
				}
			}
			const answer = ({ status, headers, body: text }) => {
				res.writeHead(status, headers);
				res.end(text);
			};
			if (fault === 'resetBefore') {
				// This request goes through, but its connection closes after the answer, and the next
				// new connection is reset before its TLS handshake: a failure before a request went out.
				pendingResets++;
				closeAfter = true;
			}
			if (fault === '429') {
				count(fault);
				return setTimeout(() => answer(metaError(429, 130429, '(#130429) Rate limit hit', { error_data: { messaging_product: 'whatsapp', details: 'Cloud API message throughput has been reached.' } })), LATENCY_MS);
			}
			if (fault === '500') {
				count(fault);
				return setTimeout(() => answer(metaError(500, 1, 'An unknown error has occurred.', { is_transient: true })), LATENCY_MS);
			}
			if (faults?.rate && isSend) {
				const now = Date.now();
				while (accepted.length && accepted[0] <= now - 1000) accepted.shift();
				if (accepted.length >= faults.rate) {
					stats.rateLimited++;
					overRate.push(now);
					return setTimeout(() => answer(metaError(429, 130429, '(#130429) Rate limit hit', { error_data: { messaging_product: 'whatsapp', details: 'Cloud API message throughput has been reached.' } })), LATENCY_MS);
				}
				accepted.push(now); // counted when admitted, so requests in flight cannot overshoot
			}
			const admittedAt = Date.now();
			const upstream = http.request(`${sandboxUrl}/graph${req.url}`, { method: req.method, agent, headers: { ...req.headers, host: new URL(sandboxUrl).host } }, (response) => {
				const parts = [];
				response.on('data', (chunk) => parts.push(chunk));
				response.on('end', () => {
					if (isSend && response.statusCode === 200) sent.push(admittedAt);
					if (fault === 'resetAfter' && response.statusCode === 200) {
						count(fault);
						req.socket.destroy();
						return;
					}
					answer({ status: response.statusCode, headers: { ...response.headers, ...(closeAfter ? { connection: 'close' } : {}) }, body: Buffer.concat(parts) });
				});
			});
			// The sandbox dropping the connection (its own reset faults) reaches n8n as the same reset.
			upstream.on('error', () => req.socket.destroy());
			upstream.end(body);
		});
	});
	server.on('connection', (socket) => {
		if (pendingResets === 0) return;
		pendingResets--;
		count('resetBefore');
		socket.resetAndDestroy();
	});
	server.on('secureConnection', () => stats.tls++);
	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(443, '127.0.0.1', resolve);
	});
	return {
		stats,
		reset() {
			Object.assign(stats, { tls: 0, requests: 0, firstRequestAt: undefined, peakInFlight: stats.inFlight, faults: {}, rateLimited: 0 });
			accepted = [];
			pendingResets = 0;
			sent = [];
			overRate = [];
		},
		acceptedAt: () => [...sent],
		overRateAt: () => [...overRate],
		/** `{ rate, shares: { 429, 500, resetBefore, resetAfter }, seed }` or undefined (off). */
		setFaults(options) {
			faults = options;
			random = options?.seed !== undefined ? seededRandom(options.seed) : Math.random;
		},
		/** Idle keep-alive connections would carry over to the next run's TLS count. */
		async closeIdle() {
			server.closeIdleConnections?.();
			agent.destroy();
		},
		stop: () => new Promise((resolve) => {
			server.closeAllConnections?.();
			server.close(() => resolve());
			agent.destroy();
		}),
	};
}

/**
 * n8n's /healthz polled back to back (a new poll ~10 ms after the last answer) from a worker
 * thread, so this process's own load (TLS front, sandbox) does not delay the polls. The longest
 * answer is the longest n8n's main event loop could not answer.
 */
function startHealthPoller(baseUrl) {
	const code = `
		const { parentPort, workerData } = require('node:worker_threads');
		const http = require('node:http');
		const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
		let active = false, times = [];
		const poll = () => new Promise((resolve) => {
			const at = Date.now();
			const started = process.hrtime.bigint();
			const done = () => resolve([at, Number(process.hrtime.bigint() - started) / 1e6]);
			const request = http.get(workerData.url, { agent }, (response) => {
				response.resume();
				response.on('end', done);
			});
			request.on('error', done);
		});
		const loop = async () => {
			while (active) {
				times.push(await poll());
				await new Promise((r) => setTimeout(r, workerData.every));
			}
			parentPort.postMessage(times);
		};
		parentPort.on('message', (message) => {
			if (message === 'start') { active = true; times = []; loop(); }
			else if (message === 'stop') active = false;
			else if (message === 'exit') process.exit(0);
		});`;
	const worker = new Worker(code, { eval: true, workerData: { url: `${baseUrl}/healthz`, every: HEALTH_POLL_MS } });
	return {
		start: () => worker.postMessage('start'),
		/** Resolves with every poll of the run as [epoch ms when sent, answer time in ms]. */
		stop: () =>
			new Promise((resolve) => {
				worker.once('message', resolve);
				worker.postMessage('stop');
			}),
		close: () => worker.terminate(),
	};
}

let clockTicks;
/** CPU ms (user + system) the process `pid` has used so far, from /proc (same PID namespace). */
function processCpuMs(pid) {
	clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
	const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
	// comm may hold spaces and parentheses: the fields start after the last ')'.
	const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks;
}

/** Longest and 99th-percentile /healthz answer of some polls, and how many. */
function pollFigures(polls) {
	const sorted = polls.map(([, ms]) => ms).sort((a, b) => a - b);
	return { polls: sorted.length, max: sorted.at(-1) ?? NaN, p99: sorted[Math.max(0, Math.ceil(sorted.length * 0.99) - 1)] ?? NaN };
}

const uuid = () => crypto.randomUUID();

/** Webhook (answers when the last node is done) → Split Out (body.items) → `sender`. */
function bulkWorkflow(name, sender) {
	const webhookPath = `bulk-${uuid()}`;
	const senderNode = { id: uuid(), name: 'Send', position: [600, 0], ...sender };
	return {
		path: webhookPath,
		definition: {
			name,
			nodes: [
				webhookNode(webhookPath, { responseMode: 'lastNode', responseData: 'noData' }),
				{ id: uuid(), name: 'Split Out', type: 'n8n-nodes-base.splitOut', typeVersion: 1, position: [300, 0], parameters: { fieldToSplitOut: 'body.items', options: {} } },
				senderNode,
			],
			connections: {
				Webhook: { main: [[{ node: 'Split Out', type: 'main', index: 0 }]] },
				'Split Out': { main: [[{ node: 'Send', type: 'main', index: 0 }]] },
			},
		},
	};
}

/**
 * WhatsApp Omni › Send Text. `bulk` are values of the node's sending options (Concurrency,
 * Messages per Second), put in the collection the built node has them in (see engineOptions).
 */
function omniSender(credential, engine, bulk, { continueOnFail = false } = {}) {
	const values = engine.collection ? { [engine.collection]: bulk } : {};
	return {
		type: 'n8n-nodes-whatsapp-omni.whatsAppOmni',
		typeVersion: 1,
		parameters: { provider: 'meta', resource: 'message', operation: 'sendText', to: '={{ $json.to }}', text: '={{ $json.text }}', options: {}, ...values },
		credentials: { whatsAppOmniMetaApi: { id: credential.id, name: credential.name } },
		...(continueOnFail ? { onError: 'continueRegularOutput' } : {}),
	};
}

function builtinSender(credential, phoneNumberId) {
	return {
		type: 'n8n-nodes-base.whatsApp',
		typeVersion: 1.1,
		parameters: {
			resource: 'message',
			operation: 'send',
			phoneNumberId,
			recipientPhoneNumber: '={{ $json.to }}',
			messageType: 'text',
			textBody: '={{ $json.text }}',
			additionalFields: {},
		},
		credentials: { whatsAppApi: { id: credential.id, name: credential.name } },
	};
}

function floorSender() {
	return {
		type: 'n8n-nodes-base.set',
		typeVersion: 3.4,
		parameters: {
			mode: 'manual',
			assignments: {
				assignments: [
					{ id: uuid(), name: 'to', value: '={{ $json.to }}', type: 'string' },
					{ id: uuid(), name: 'text', value: '={{ $json.text }}', type: 'string' },
				],
			},
			options: {},
		},
	};
}

/**
 * Where WhatsApp Omni's built node has its sending options: the collection holding a number
 * option about concurrency and one about messages per second, their names, defaults and
 * maxima. `{}` for a build without them (then the runs use whatever the node does).
 */
function engineOptions() {
	let description;
	try {
		({ versionDescription: description } = require('../dist/nodes/WhatsAppOmni/actions/versionDescription'));
	} catch {
		return {};
	}
	for (const collection of description.properties ?? []) {
		if (collection.type !== 'collection') continue;
		const find = (pattern) => (collection.options ?? []).find((o) => o.type === 'number' && pattern.test(`${o.name} ${o.displayName}`.toLowerCase()));
		const concurrency = find(/concurrenc/);
		const rate = find(/per second/);
		if (concurrency && rate) {
			return {
				collection: collection.name,
				concurrency: concurrency.name,
				rate: rate.name,
				defaults: { [concurrency.name]: concurrency.default, [rate.name]: rate.default },
				maxRate: rate.typeOptions?.maxValue,
			};
		}
	}
	return {};
}

/** The newest execution of a workflow, with its data. */
async function lastExecution(api, workflowId) {
	// n8n answers 503 "Database is not ready" for a moment after a long execution blocked it.
	for (let attempt = 0; ; attempt++) {
		try {
			const { data } = await api.request('GET', `/api/v1/executions?workflowId=${workflowId}&includeData=true&limit=1`);
			return data.data[0];
		} catch (error) {
			if (attempt >= 40 || !/answered 503/.test(error.message)) throw error;
			await sleep(500);
		}
	}
}

const recipient = (run, index) => `+1555${String(run * 100_000 + index).padStart(7, '0')}`;

/** One bulk run through one workflow: the webhook call, then what n8n recorded and the sandbox accepted. */
async function bulkRun(context, target, run, count) {
	const { api, baseUrl, sandbox, front, poller } = context;
	const items = Array.from({ length: count }, (_, i) => ({ to: recipient(run, i), text: `bulk run ${run} message ${i}` }));
	sandbox.clearRequests();
	sandbox.clearOutbound();
	await front.closeIdle();
	front.reset();
	await sleep(300);
	poller.start();
	const cpuBefore = { n8n: processCpuMs(context.pid), bench: process.cpuUsage() };
	const started = process.hrtime.bigint();
	const response = await fetch(`${baseUrl}/webhook/${target.path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ items }) });
	const answer = await response.text();
	const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
	const polls = await poller.stop();
	const benchCpu = process.cpuUsage(cpuBefore.bench);
	const cpu = { n8n: processCpuMs(context.pid) - cpuBefore.n8n, bench: (benchCpu.user + benchCpu.system) / 1000 };
	const front_ = { ...front.stats, faults: { ...front.stats.faults }, acceptedAt: front.acceptedAt(), overRateAt: front.overRateAt() };
	let execution;
	for (let i = 0; i < 40 && !(execution && execution.stoppedAt && Number(execution.id) > target.lastExecutionId); i++) {
		execution = await lastExecution(api, target.workflowId);
		if (!(execution && execution.stoppedAt && Number(execution.id) > target.lastExecutionId)) await sleep(250);
	}
	target.lastExecutionId = Number(execution.id);
	const runData = execution.data?.resultData?.runData?.Send?.[0];
	if (!runData) throw new Error(`${target.label}: no run of the Send node (HTTP ${response.status}: ${answer.slice(0, 300)}; ${JSON.stringify(execution.data?.resultData?.error ?? {}).slice(0, 500)})`);
	const output = runData.data?.main?.[0] ?? [];
	// The whole call (webhook, Split Out, saving the execution) and the sender node's own stretch:
	// the polls that overlapped it (n8n's startTime and this process share the clock).
	const nodeStart = runData.startTime;
	const nodeEnd = runData.startTime + runData.executionTime;
	const stall = { ...pollFigures(polls), node: pollFigures(polls.filter(([at, ms]) => at < nodeEnd && at + ms > nodeStart)) };
	const accepted = new Map();
	for (const message of sandbox.outbound) accepted.set(message.to, (accepted.get(message.to) ?? 0) + 1);
	return { label: target.label, bulk: target.bulk, count, items, status: response.status, execution: execution.status, nodeStart, nodeMs: runData.executionTime, wallMs, stall, cpu, front: front_, output, accepted };
}

const perSecond = (r) => (r.count / r.nodeMs) * 1000;

function describeRun(r) {
	return (
		`${r.label.padEnd(24)} ${perSecond(r).toFixed(0).padStart(6)} msg/s (node ${(r.nodeMs / 1000).toFixed(2)} s, webhook call ${(r.wallMs / 1000).toFixed(2)} s), ` +
		`n8n CPU ${(r.cpu.n8n / r.count).toFixed(2)} ms/msg, TLS front + sandbox CPU ${(r.cpu.bench / r.count).toFixed(2)} ms/msg, ` +
		`TLS connections ${r.front.tls}, peak in flight ${r.front.peakInFlight}, longest /healthz ${r.stall.node.max.toFixed(0)} ms while the node ran ` +
		`(p99 ${r.stall.node.p99.toFixed(0)} ms, ${r.stall.node.polls} polls), ${r.stall.max.toFixed(0)} ms over the whole call` +
		`${r.execution !== 'success' ? `, execution ${r.execution}` : ''}`
	);
}

/** How the accepted sends spread over time: busiest 1 s, the steady rate, the tail. */
function providerPace(times) {
	const sorted = [...times].sort((a, b) => a - b);
	let busiest = 0;
	for (let i = 0, j = 0; i < sorted.length; i++) {
		while (sorted[i] - sorted[j] >= 1000) j++;
		busiest = Math.max(busiest, i - j + 1);
	}
	const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1)))];
	const steady = ((0.9 * (sorted.length - 1)) / Math.max(1, at(0.95) - at(0.05))) * 1000;
	return { sorted, count: sorted.length, busiest, steady, tailMs: sorted.at(-1) - at(0.99), spanMs: sorted.at(-1) - sorted[0] };
}

/** Run 2's account: accepted sends per recipient against what n8n said about each item. */
function exactlyOnce(r) {
	const digits = (to) => to.replace(/\D/g, '');
	const byIndex = new Map();
	for (const item of r.output) {
		const index = item.pairedItem?.item ?? (Array.isArray(item.pairedItem) ? item.pairedItem[0]?.item : undefined);
		byIndex.set(index, item.json);
	}
	const tally = { once: 0, duplicates: 0, lost: 0, lostReported: 0, maybeSentFlagged: 0, failedOther: 0, otherErrors: [], succeeded: 0, missingItems: 0 };
	for (let i = 0; i < r.items.length; i++) {
		const times = r.accepted.get(digits(r.items[i].to)) ?? 0;
		const json = byIndex.get(i);
		if (!json) tally.missingItems++;
		const failed = json && json.error !== undefined;
		const maybeSent = failed && /may (have|already)|might have|maybe sent|may have been sent|reached the provider/i.test(`${json.error} ${json.hint ?? ''} ${json.description ?? ''}`);
		if (json && !failed) tally.succeeded++;
		if (maybeSent) tally.maybeSentFlagged++;
		else if (failed) {
			tally.failedOther++;
			tally.otherErrors.push(`item ${i}: ${json.error} (attempts ${json.attempts ?? '?'})`);
		}
		if (times === 1) tally.once++;
		else if (times > 1) tally.duplicates++;
		else if (failed) tally.lostReported++;
		else tally.lost++;
	}
	// Exactly once: every recipient accepted once, never twice; every item either sent (and said so)
	// or flagged "may have been sent" for a message the provider did accept (reset after processing).
	tally.held = tally.duplicates === 0 && tally.lost === 0 && tally.lostReported === 0 && tally.failedOther === 0 && tally.once === r.items.length;
	return tally;
}

async function inner() {
	const { work, packageFolder, certificates, unshare } = JSON.parse(process.env.BENCH_BULK_INNER);
	isolateNetwork(work);
	const { startSandbox } = require('../sandbox/index.ts');
	const { N8nApi } = require('./n8n/api');
	const { freePort } = require('./services/common');
	const { sandboxCredentialData } = require('./n8n/sandboxCredentials');
	const { startN8n } = require('./n8n/server');

	const sandbox = await startSandbox({ latencyMs: LATENCY_MS });
	const front = await startFront(certificates, sandbox.url);
	const userFolder = path.join(work, 'n8n');
	let n8n;
	let poller;
	try {
		const port = await freePort();
		n8n = await startN8n({ userFolder, port, brokerPort: await freePort(), linkNodesFrom: packageFolder, env: { NODE_EXTRA_CA_CERTS: certificates.ca, ...N8N_ENV }, nodeArgs: N8N_NODE_ARGS });
		const api = new N8nApi(n8n.baseUrl);
		await api.signIn();
		const domains = async (type) => {
			const schema = await api.request('GET', `/api/v1/credentials/schema/${type}`, { expect: [200, 404] });
			return schema.data?.properties?.allowedHttpRequestDomains ? { allowedHttpRequestDomains: 'all' } : {};
		};
		// Omni's credential without a base URL: it calls graph.facebook.com, as users have it.
		const omniData = { ...sandboxCredentialData(sandbox).whatsAppOmniMetaApi, baseUrl: '' };
		const omniCredential = await api.createCredential('WhatsApp Omni Meta (bench)', 'whatsAppOmniMetaApi', { ...omniData, ...(await domains('whatsAppOmniMetaApi')) });
		const builtinCredential = await api.createCredential('WhatsApp API (bench)', 'whatsAppApi', {
			accessToken: sandbox.meta.accessToken,
			businessAccountId: sandbox.meta.wabaId,
			...(await domains('whatsAppApi')),
		});

		const engine = engineOptions();
		// No provider limit: Messages per Second at the node's maximum (Meta's highest tier), so
		// Concurrency and the latency set the pace. The limited run keeps every option at its default.
		const variants = engine.collection ? CONCURRENCIES.map((c) => ({ [engine.concurrency]: c, [engine.rate]: engine.maxRate ?? 1000 })) : [{}];
		const limited = engine.collection && engine.defaults[engine.rate] !== RATE ? { [engine.rate]: RATE } : {};
		const senders = [
			...variants.map((bulk, i) => [`omni${i}`, engine.collection ? `WhatsApp Omni c=${bulk[engine.concurrency]}` : 'WhatsApp Omni', omniSender(omniCredential, engine, bulk), bulk]),
			['builtin', 'built-in WhatsApp node', builtinSender(builtinCredential, sandbox.meta.phoneNumberId)],
			['floor', 'floor (Edit Fields)', floorSender()],
			['limited', `WhatsApp Omni, provider at ${RATE} msg/s`, omniSender(omniCredential, engine, limited, { continueOnFail: true }), limited],
		];
		const targets = {};
		for (const [key, label, sender, bulk] of senders) {
			const { path: webhookPath, definition } = bulkWorkflow(`bench bulk: ${label}`, sender);
			const created = await api.createWorkflow(definition);
			await api.activate(created.id);
			targets[key] = { key, label, bulk, path: webhookPath, workflowId: created.id, lastExecutionId: 0 };
		}
		poller = startHealthPoller(n8n.baseUrl);
		const context = { api, baseUrl: n8n.baseUrl, pid: n8n.pid, sandbox, front, poller };
		let run = 1;
		const compared = senders.map(([key]) => key).filter((key) => key !== 'limited');

		// Warm-up: JIT, the first executions, one of each sender.
		for (const key of compared) await bulkRun(context, targets[key], run++, 50);

		const results = Object.fromEntries(compared.map((key) => [key, []]));
		for (let round = 0; round < ROUNDS; round++) {
			// Interleaved, the order rotating each round, so no sender always runs first or last.
			for (let k = 0; k < compared.length; k++) {
				const key = compared[(k + round) % compared.length];
				const result = await bulkRun(context, targets[key], run++, COUNT);
				results[key].push(result);
				log(`round ${round + 1}: ${describeRun(result)}`);
			}
		}

		// The rounds sent from the same number (at up to 1,000/s): the node rightly counts their last
		// second against this run's limit, while the front starts counting afresh. Let it pass.
		await sleep(1500);
		front.setFaults({ rate: RATE, shares: FAULTS, seed: 13 });
		const limitedRun = await bulkRun(context, targets.limited, run++, COUNT);
		front.setFaults(undefined);
		log(describeRun(limitedRun));

		let stallRun;
		const heaviest = targets[`omni${variants.length - 1}`];
		if (STALL_COUNT > 0) {
			stallRun = await bulkRun(context, heaviest, run++, STALL_COUNT);
			log(describeRun(stallRun));
		}

		report({ n8n, unshare, engine, targets, results, limitedRun, stallRun, heaviest });
	} finally {
		await poller?.close();
		await n8n?.stop();
		await front.stop();
		await sandbox.stop();
	}
}

function report({ n8n, unshare, engine, targets, results, limitedRun, stallRun, heaviest }) {
	const median = (values) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];
	const sum = (rows) => ({
		perSecond: median(rows.map(perSecond)),
		msPerMessage: median(rows.map((r) => r.nodeMs / r.count)),
		tls: median(rows.map((r) => r.front.tls)),
		peak: Math.max(...rows.map((r) => r.front.peakInFlight)),
		stall: Math.max(...rows.map((r) => r.stall.node.max)),
		callStall: Math.max(...rows.map((r) => r.stall.max)),
		cpu: median(rows.map((r) => r.cpu.n8n / r.count)),
		benchCpu: median(rows.map((r) => r.cpu.bench / r.count)),
		failedItems: rows.reduce((n, r) => n + r.output.filter((i) => i.json?.error !== undefined).length, 0),
		accepted: rows.reduce((n, r) => n + [...r.accepted.values()].reduce((a, b) => a + b, 0), 0),
	});
	const rows = Object.fromEntries(Object.entries(results).filter(([, runs]) => runs.length > 0).map(([key, runs]) => [key, sum(runs)]));
	const omniKeys = Object.keys(results).filter((key) => key.startsWith('omni'));
	const expressionEngine = N8N_ENV.N8N_EXPRESSION_ENGINE ?? process.env.N8N_EXPRESSION_ENGINE ?? 'vm (n8n 2.41 default)';
	console.log(
		`Bulk sending in n8n ${n8n.version} (${os.cpus().length} CPUs, N8N_EXPRESSION_ENGINE=${expressionEngine}): Webhook → Split Out → sender, ${COUNT} text messages ` +
			`per run, ${ROUNDS} rounds interleaved, ${LATENCY_MS} ms provider latency, both senders over TLS to graph.facebook.com (unshare ${unshare}; a TLS front on loopback → the sandbox). ` +
			(engine.collection
				? `Omni's ${engine.collection}: ${engine.rate} ${engine.maxRate ?? 1000} (no provider limit), ${engine.concurrency} as labelled (default ${engine.defaults[engine.concurrency]}). `
				: 'This build of Omni has no Concurrency / Messages per Second options. ') +
			"msg/s = messages / the sender node's execution time in n8n; medians of the rounds.",
	);
	if (!rows.builtin) console.log('  (BENCH_BULK_ROUNDS=0: no comparison rounds)');
	for (const [key, s] of Object.entries(rows)) {
		console.log(
			`  ${targets[key].label.padEnd(24)} ${s.perSecond.toFixed(0).padStart(6)} msg/s (${s.msPerMessage.toFixed(3)} ms/msg; rounds ${results[key].map((r) => perSecond(r).toFixed(0)).join(', ')})  ` +
				`n8n CPU ${s.cpu.toFixed(2)} ms/msg (front + sandbox ${s.benchCpu.toFixed(2)})  ` +
				`TLS connections ${s.tls}  peak in flight ${s.peak}  longest /healthz ${s.stall.toFixed(0)} ms in the node (${s.callStall.toFixed(0)} ms in the call)` +
				`${key === 'floor' ? '' : `  accepted ${s.accepted}/${results[key].length * COUNT}`}${s.failedItems ? `  failed items ${s.failedItems}` : ''}`,
		);
	}
	for (const key of rows.builtin ? omniKeys : []) {
		console.log(
			`  ${targets[key].label}: ${(rows[key].perSecond / rows.builtin.perSecond).toFixed(2)}x the built-in node's msg/s (target: ≥ 4x without a provider limit); ` +
				`${(rows[key].msPerMessage - rows.floor.msPerMessage).toFixed(3)} ms per message above the floor`,
		);
	}
	if (rows.builtin) console.log(
		`  built-in node: ${(rows.builtin.msPerMessage - rows.floor.msPerMessage).toFixed(3)} ms per message above the floor; ` +
			`n8n CPU per message above the floor: ${omniKeys.map((key) => `${targets[key].label} ${(rows[key].cpu - rows.floor.cpu).toFixed(2)} ms`).join(', ')}, built-in ${(rows.builtin.cpu - rows.floor.cpu).toFixed(2)} ms`,
	);

	const tally = exactlyOnce(limitedRun);
	const ideal = (COUNT / RATE) * 1000;
	console.log(
		`WhatsApp Omni with the provider enforcing ${RATE} msg/s (≤ ${RATE} accepted in any 1 s, 429 above) and injecting ${Object.entries(FAULTS).map(([k, v]) => `${v * 100} % ${k}`).join(', ')} (seeded), ` +
			`Continue On Fail, ${COUNT} messages, Bulk Sending ${JSON.stringify(limitedRun.bulk ?? {})} (defaults otherwise${engine.defaults ? ` ${JSON.stringify(engine.defaults)}` : ''}):`,
	);
	console.log(
		`  total ${(limitedRun.nodeMs / 1000).toFixed(2)} s (node; webhook call ${(limitedRun.wallMs / 1000).toFixed(2)} s) vs N / rate ${(ideal / 1000).toFixed(2)} s: ${limitedRun.nodeMs >= ideal ? '+' : ''}${(((limitedRun.nodeMs - ideal) / ideal) * 100).toFixed(1)} % ` +
			`(target: within 10 %)  peak in flight ${limitedRun.front.peakInFlight}  requests ${limitedRun.front.requests}  TLS connections ${limitedRun.front.tls}  longest /healthz ${limitedRun.stall.node.max.toFixed(0)} ms in the node (${limitedRun.stall.max.toFixed(0)} ms in the call)`,
	);
	const pace = providerPace(limitedRun.front.acceptedAt);
	const acceptedSorted = pace.sorted;
	const sinceStart = (at) => `${((at - limitedRun.nodeStart) / 1000).toFixed(2)} s`;
	console.log(
		`  the provider accepted ${pace.count} sends: at most ${pace.busiest} in any 1 s; ${pace.steady.toFixed(1)} msg/s between the 5th and 95th percentile of them; ` +
			`the last 1 % took ${(pace.tailMs / 1000).toFixed(2)} s; first to last ${(pace.spanMs / 1000).toFixed(2)} s; ` +
			`after the node started: first request ${sinceStart(limitedRun.front.firstRequestAt)}, first accepted ${sinceStart(acceptedSorted[0])}, 99th percentile ${sinceStart(acceptedSorted[Math.floor(0.99 * (acceptedSorted.length - 1))])}, last ${sinceStart(acceptedSorted.at(-1))}, node ended ${sinceStart(limitedRun.nodeStart + limitedRun.nodeMs)}; ` +
			`attempts beyond one per message ${limitedRun.front.requests - COUNT + (limitedRun.front.faults.resetBefore ?? 0)} (answered with a fault, or reset before a request went out)`,
	);
	const perSecondOf = (times) => {
		const buckets = [];
		for (const at of times) {
			const second = Math.max(0, Math.floor((at - limitedRun.nodeStart) / 1000));
			buckets[second] = (buckets[second] ?? 0) + 1;
		}
		return Array.from(buckets, (n) => n ?? 0).join(' ');
	};
	console.log(`  accepted in each second after the node started: ${perSecondOf(acceptedSorted)}; refused over the rate: ${perSecondOf(limitedRun.front.overRateAt)}`);
	console.log(
		`  provider answers: over the rate ${limitedRun.front.rateLimited}, injected ${JSON.stringify(limitedRun.front.faults)}; ` +
			`recipients accepted once ${tally.once}, more than once ${tally.duplicates}, never (item failed) ${tally.lostReported}, never (item said sent) ${tally.lost}; ` +
			`items sent ${tally.succeeded}, "may have been sent" ${tally.maybeSentFlagged}, other errors ${tally.failedOther}${tally.otherErrors.length ? ` (${tally.otherErrors.slice(0, 3).join('; ')})` : ''}${tally.missingItems ? `, missing ${tally.missingItems}` : ''}`,
	);
	console.log(`  exactly-once ${tally.held ? 'held' : 'did NOT hold'}   (target: zero duplicates, zero losses; after-processing resets come back as "may have been sent" items)`);
	if (stallRun) {
		console.log(
			`${heaviest.label}, ${STALL_COUNT} messages, no provider limit: ${perSecond(stallRun).toFixed(0)} msg/s (node ${(stallRun.nodeMs / 1000).toFixed(2)} s, webhook call ${(stallRun.wallMs / 1000).toFixed(2)} s), ` +
				`longest /healthz ${stallRun.stall.node.max.toFixed(0)} ms while the node ran (p99 ${stallRun.stall.node.p99.toFixed(0)} ms, ${stallRun.stall.node.polls} polls), ` +
				`${stallRun.stall.max.toFixed(0)} ms over the whole call (webhook, Split Out, saving ${STALL_COUNT} items), TLS connections ${stallRun.front.tls}, peak in flight ${stallRun.front.peakInFlight}, ` +
				`accepted ${[...stallRun.accepted.values()].reduce((a, b) => a + b, 0)}/${STALL_COUNT}   (target: no stall over 200 ms)`,
		);
	}
}

if (process.env.BENCH_BULK_INNER) {
	inner().catch((error) => {
		console.error(error);
		process.exit(1);
	});
} else {
	outer().catch((error) => {
		console.error(error);
		process.exit(1);
	});
}
