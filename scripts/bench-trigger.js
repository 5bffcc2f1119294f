#!/usr/bin/env node
'use strict';
/**
 * The WhatsApp Omni Trigger in a real n8n, next to n8n's own Webhook node in the same n8n and
 * the same run: both receive the same signed Meta message bodies on their production URLs.
 *
 *   (a) WhatsApp Omni Trigger (Meta, manual registration, signatures checked) → nothing
 *   (b) Webhook (POST, respond immediately) → No Operation
 *
 * Runs of BENCH_TRIGGER_COUNT deliveries (default 200) at each concurrency (default 1 and 16),
 * BENCH_TRIGGER_ROUNDS times (default 2), the two workflows interleaved (their order alternates).
 * A run ends when n8n has finished every execution it started. Per workflow and concurrency:
 *   events/s      deliveries / (first send → the last execution's stoppedAt)
 *   CPU ms/event  utime+stime of the n8n process and all its descendants (/proc/<pid>/stat,
 *                 reaped children included), over the run, per delivery; it includes the
 *                 executions-API polls that detect the end, whose idle cost is printed apart
 *   p50/p99       time to the HTTP answer, as the sender sees it
 * and the ratio trigger / Webhook node of the CPU per event.
 *
 * Loopback only, bounded, stops by itself. Needs n8n (scripts/n8n/install.js; installed on first
 * use into $WHATSAPP_OMNI_N8N_CACHE). Builds the package first unless BENCH_TRIGGER_BUILD=0.
 * BENCH_TRIGGER_PROFILE=<dir> starts n8n with --cpu-prof and writes its profile there on exit;
 * BENCH_TRIGGER_ONLY=trigger (or webhook) then sends to that workflow alone.
 * Runs twice: with n8n's defaults, and with N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true (see configurations()).
 * BENCH_TRIGGER_N8N_ENV='{"NAME":"value"}' runs once with that added to n8n's environment instead;
 * BENCH_TRIGGER_TYPE_VERSION sets the trigger's typeVersion in the workflow (default 2; 1 costs n8n an
 * expression per request).
 * Figures only; nothing here passes or fails on speed.
 */
require('../sandbox/register');
const { execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { startSandbox } = require('../sandbox/index.ts');
const { N8nApi } = require('./n8n/api');
const { freePort } = require('./services/common');
const { webhookNode } = require('./n8n/nodes');
const { createSandboxCredentials } = require('./n8n/sandboxCredentials');
const { startN8n } = require('./n8n/server');

const COUNT = Number(process.env.BENCH_TRIGGER_COUNT ?? 200);
const ROUNDS = Number(process.env.BENCH_TRIGGER_ROUNDS ?? 2);
const CONCURRENCIES = (process.env.BENCH_TRIGGER_CONCURRENCY ?? '1,16').split(',').map(Number);
const WARMUP = Number(process.env.BENCH_TRIGGER_WARMUP ?? 40);
const BUILD = process.env.BENCH_TRIGGER_BUILD !== '0';
const PROFILE_DIR = process.env.BENCH_TRIGGER_PROFILE;
/** `trigger` or `webhook`: run only that workflow (for a profile of one of them). */
const ONLY = process.env.BENCH_TRIGGER_ONLY;
/** typeVersion of the trigger in the benchmark workflow. */
const TRIGGER_VERSION = Number(process.env.BENCH_TRIGGER_TYPE_VERSION ?? 2);
/** Extra environment for n8n, as JSON, e.g. '{"N8N_EXPRESSION_ENGINE":"legacy"}' to compare engines. */
const N8N_ENV = JSON.parse(process.env.BENCH_TRIGGER_N8N_ENV || '{}');
/** How long to wait for a run's executions to finish before giving up. */
const DRAIN_TIMEOUT_MS = 180_000;
const POLL_MS = 250;

const log = (message) => process.stderr.write(`[bench-trigger] ${message}\n`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

let clockTicks;
function ticksPerSecond() {
	if (clockTicks === undefined) {
		try {
			clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
		} catch {
			clockTicks = 100;
		}
	}
	return clockTicks;
}

/**
 * CPU milliseconds used so far by `rootPid` and every process below it: each one's utime+stime,
 * plus cutime+cstime (children it has already reaped).
 */
function treeCpuMs(rootPid) {
	const processes = new Map();
	for (const name of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(name)) continue;
		let stat;
		try {
			stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
		} catch {
			continue; // gone meanwhile
		}
		// pid (comm) state ppid … : comm may hold spaces and parentheses, so split after the last ')'.
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		const ticks = Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
		processes.set(Number(name), { ppid: Number(fields[1]), ticks });
	}
	const inTree = new Set([rootPid]);
	let grew = true;
	while (grew) {
		grew = false;
		for (const [pid, { ppid }] of processes) {
			if (!inTree.has(pid) && inTree.has(ppid)) {
				inTree.add(pid);
				grew = true;
			}
		}
	}
	let ticks = 0;
	for (const pid of inTree) ticks += processes.get(pid)?.ticks ?? 0;
	return (ticks * 1000) / ticksPerSecond();
}

function percentile(sorted, p) {
	if (sorted.length === 0) return NaN;
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** The executions of a workflow newer than `afterId` (n8n lists finished ones, newest first). */
async function finishedSince(api, workflowId, afterId) {
	const found = [];
	let cursor = '';
	for (;;) {
		const { data } = await api.request('GET', `/api/v1/executions?workflowId=${workflowId}&limit=250${cursor}`);
		const page = data.data.filter((e) => Number(e.id) > afterId);
		found.push(...page.filter((e) => e.stoppedAt));
		// Newest first: a page reaching back past `afterId` is the last one needed.
		if (!data.nextCursor || page.length < data.data.length) return found;
		cursor = `&cursor=${encodeURIComponent(data.nextCursor)}`;
	}
}

async function newestExecutionId(api, workflowId) {
	const { data } = await api.request('GET', `/api/v1/executions?workflowId=${workflowId}&limit=1`);
	return data.data.length ? Number(data.data[0].id) : 0;
}

/** Sends `bodies` to `url`, `concurrency` at a time; resolves with each answer's time in ms. */
async function send(sandbox, url, payloads, concurrency) {
	const times = [];
	const statuses = new Map();
	let next = 0;
	await Promise.all(
		Array.from({ length: concurrency }, async () => {
			while (next < payloads.length) {
				const payload = payloads[next++];
				const started = process.hrtime.bigint();
				const answer = await sandbox.deliverMeta(payload, { url });
				times.push(Number(process.hrtime.bigint() - started) / 1e6);
				statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
			}
		}),
	);
	return { times, statuses };
}

/** One run: deliveries to one workflow until n8n has finished all their executions. */
async function run(context, target, payloads, concurrency) {
	const { api, sandbox, pid } = context;
	const since = await newestExecutionId(api, target.workflowId);
	const cpuBefore = treeCpuMs(pid);
	const started = Date.now();
	const { times, statuses } = await send(sandbox, target.url, payloads, concurrency);
	let finished = [];
	let polls = 0;
	const deadline = Date.now() + DRAIN_TIMEOUT_MS;
	for (;;) {
		finished = await finishedSince(api, target.workflowId, since);
		polls++;
		if (finished.length >= payloads.length) break;
		if (Date.now() > deadline) {
			throw new Error(`${target.label}: ${finished.length} of ${payloads.length} executions finished after ${DRAIN_TIMEOUT_MS / 1000} s (answers: ${JSON.stringify([...statuses])})`);
		}
		await sleep(POLL_MS);
	}
	const cpuMs = treeCpuMs(pid) - cpuBefore;
	const lastStop = Math.max(...finished.map((e) => Date.parse(e.stoppedAt)));
	const errors = finished.filter((e) => e.status !== 'success').length;
	sandbox.clearDeliveries();
	return { events: payloads.length, seconds: (lastStop - started) / 1000, cpuMs, times, statuses, polls, errors };
}

/** CPU the executions-API poll costs n8n by itself (idle), in ms per poll. */
async function pollCost(context, target) {
	const since = await newestExecutionId(context.api, target.workflowId);
	await sleep(500);
	const before = treeCpuMs(context.pid);
	const polls = 40;
	for (let i = 0; i < polls; i++) await finishedSince(context.api, target.workflowId, since);
	return (treeCpuMs(context.pid) - before) / polls;
}

function workflows(credential) {
	const uuid = () => crypto.randomUUID();
	const triggerHook = uuid();
	const webhookPath = `bench-${uuid()}`;
	const trigger = {
		name: 'bench: WhatsApp Omni Trigger',
		nodes: [
			{
				id: uuid(),
				name: 'WhatsApp Omni Trigger',
				type: 'n8n-nodes-whatsapp-omni.whatsAppOmniTrigger',
				typeVersion: TRIGGER_VERSION,
				position: [0, 0],
				webhookId: triggerHook,
				parameters: { provider: 'meta', metaRegistration: 'manual', verifyToken: 'bench-verify-token', events: ['messages', 'statuses'] },
				credentials: { whatsAppOmniMetaApi: { id: credential.id, name: credential.name } },
			},
		],
		connections: {},
	};
	const webhook = {
		name: 'bench: Webhook → No Operation',
		nodes: [
			webhookNode(webhookPath, { responseMode: 'onReceived' }),
			{ id: uuid(), name: 'No Operation', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [300, 0], parameters: {} },
		],
		connections: { Webhook: { main: [[{ node: 'No Operation', type: 'main', index: 0 }]] } },
	};
	return { trigger, webhook, triggerPath: `webhook/${triggerHook}/webhook`, webhookPath: `webhook/${webhookPath}` };
}

function summarize(results) {
	const times = results.flatMap((r) => r.times).sort((a, b) => a - b);
	const events = results.reduce((sum, r) => sum + r.events, 0);
	const seconds = results.reduce((sum, r) => sum + r.seconds, 0);
	const cpuMs = results.reduce((sum, r) => sum + r.cpuMs, 0);
	const polls = results.reduce((sum, r) => sum + r.polls, 0);
	const errors = results.reduce((sum, r) => sum + r.errors, 0);
	const statuses = {};
	for (const r of results) for (const [status, n] of r.statuses) statuses[status] = (statuses[status] ?? 0) + n;
	return { events, perSecond: events / seconds, cpuPerEvent: cpuMs / events, p50: percentile(times, 50), p99: percentile(times, 99), polls, errors, statuses };
}

/**
 * The n8n settings compared. n8n's defaults give every start node except its own Webhook node an
 * expression isolate per request (live-webhooks `webhookPhaseNeedsIsolate`), which no community
 * trigger can avoid; with lazy acquisition n8n builds isolates only for expressions it evaluates.
 */
function configurations() {
	if (Object.keys(N8N_ENV).length) return [{ label: `n8n env ${JSON.stringify(N8N_ENV)}`, env: N8N_ENV }];
	return [
		{ label: "n8n's defaults", env: {} },
		{ label: 'N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true', env: { N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE: 'true' } },
	];
}

async function main() {
	const sandbox = await startSandbox();
	try {
		let build = BUILD;
		for (const configuration of configurations()) {
			await benchConfiguration(sandbox, configuration, build);
			build = false; // the first run built and packed the package
		}
	} finally {
		await sandbox.stop();
	}
}

async function benchConfiguration(sandbox, configuration, build) {
	const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'omni-bench-n8n-'));
	let n8n;
	try {
		const port = await freePort();
		const nodeArgs = PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(PROFILE_DIR)}`] : [];
		n8n = await startN8n({ userFolder, port, brokerPort: await freePort(), build, nodeArgs, env: configuration.env });
		const api = new N8nApi(n8n.baseUrl);
		await api.signIn();
		const { meta } = await createSandboxCredentials(api, sandbox);
		const defs = workflows(meta);
		const targets = {};
		for (const [key, label, def, urlPath] of [
			['trigger', 'WhatsApp Omni Trigger', defs.trigger, defs.triggerPath],
			['webhook', 'Webhook → No Operation', defs.webhook, defs.webhookPath],
		]) {
			const created = await api.createWorkflow(def);
			await api.activate(created.id);
			targets[key] = { key, label, workflowId: created.id, url: `${n8n.baseUrl}/${urlPath}` };
		}
		const context = { api, sandbox, pid: n8n.pid };
		const bodies = (count, tag) =>
			Array.from({ length: count }, (_, i) => sandbox.metaPayload.message({ type: 'text', text: { body: `bench ${tag} ${i}` } }));

		// Warm-up: JIT, caches, sockets, the first executions of each workflow.
		for (const target of Object.values(targets).filter((t) => !ONLY || t.key === ONLY)) {
			const { statuses } = await send(sandbox, target.url, bodies(WARMUP, `warm-${target.key}`), 4);
			if (!statuses.has(200) || statuses.size !== 1) throw new Error(`${target.label}: warm-up answers ${JSON.stringify([...statuses])}`);
		}
		await sleep(2000);
		const pollMs = await pollCost(context, targets.trigger);

		const results = {};
		for (const concurrency of CONCURRENCIES) {
			for (let round = 0; round < ROUNDS; round++) {
				// The same bodies to both (new ones each round: the trigger drops redeliveries).
				const payloads = bodies(COUNT, `c${concurrency}-r${round}`);
				const order = round % 2 === 0 ? [targets.trigger, targets.webhook] : [targets.webhook, targets.trigger];
				for (const target of order.filter((t) => !ONLY || t.key === ONLY)) {
					await sleep(1000); // let the previous run's leftovers (saving, GC) settle
					const result = await run(context, target, payloads, concurrency);
					(results[`${target.key}:${concurrency}`] ??= []).push(result);
					log(
						`c=${concurrency} round ${round + 1} ${target.label}: ${(result.events / result.seconds).toFixed(1)} events/s, ` +
							`${(result.cpuMs / result.events).toFixed(1)} CPU ms/event, ${result.polls} polls`,
					);
				}
			}
		}

		console.log(
			`WhatsApp Omni Trigger vs n8n's Webhook node in n8n ${n8n.version} (${os.cpus().length} CPUs), signed Meta text messages to the production URLs, ` +
				`${ROUNDS} × ${COUNT} per workflow and concurrency, interleaved, ${configuration.label}, trigger typeVersion ${TRIGGER_VERSION}. CPU = n8n process tree; the executions-API polls that detect the end ` +
				`cost ~${pollMs.toFixed(1)} ms each and are included.`,
		);
		const net = (row) => (row.cpuPerEvent * row.events - row.polls * pollMs) / row.events;
		for (const concurrency of CONCURRENCIES) {
			const rows = {};
			for (const key of ['trigger', 'webhook']) {
				if (!results[`${key}:${concurrency}`]) continue;
				const s = summarize(results[`${key}:${concurrency}`]);
				rows[key] = s;
				const unexpected = Object.keys(s.statuses).filter((status) => status !== '200');
				console.log(
					`c=${String(concurrency).padEnd(3)} ${targets[key].label.padEnd(23)} ${s.perSecond.toFixed(1).padStart(6)} events/s  ` +
						`${s.cpuPerEvent.toFixed(1).padStart(6)} CPU ms/event (${((s.cpuPerEvent * s.events - s.polls * pollMs) / s.events).toFixed(1)} without the polls)  p50 ${s.p50.toFixed(1)} ms  p99 ${s.p99.toFixed(1)} ms  ` +
						`(${s.events} events, ${s.polls} polls${s.errors ? `, ${s.errors} failed executions` : ''}${unexpected.length ? `, answers ${JSON.stringify(s.statuses)}` : ''})`,
				);
			}
			if (!rows.trigger || !rows.webhook) continue;
			console.log(
				`c=${String(concurrency).padEnd(3)} ratio trigger / Webhook node: CPU per event ${(rows.trigger.cpuPerEvent / rows.webhook.cpuPerEvent).toFixed(2)}x ` +
					`(${(net(rows.trigger) / net(rows.webhook)).toFixed(2)}x without the polls), ` +
					`events/s ${(rows.trigger.perSecond / rows.webhook.perSecond).toFixed(2)}x, p50 ${(rows.trigger.p50 / rows.webhook.p50).toFixed(2)}x`,
			);
		}
	} finally {
		await n8n?.stop();
		fs.rmSync(userFolder, { recursive: true, force: true });
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
