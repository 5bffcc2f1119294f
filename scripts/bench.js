#!/usr/bin/env node
/**
 * Throughput of the provider layer against the sandbox, next to a baseline in the same process:
 * the same request sent with bare `node:http` on a keep-alive agent. The ratio is what the
 * package's own work (validation, building, the SDK, error mapping) costs per message.
 * Run after `npm run build`. Figures only; nothing here passes or fails on speed.
 */
require('../sandbox/register');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');

const { startSandbox } = require('../sandbox/index.ts');
const { MetaProvider } = require('../dist/nodes/WhatsAppOmni/providers/meta/MetaProvider');
const { TwilioProvider } = require('../dist/nodes/WhatsAppOmni/providers/twilio/TwilioProvider');
const { DEFAULT_DELIVERY_SETTINGS, withDeliverySettings } = require('../dist/nodes/WhatsAppOmni/helpers/retryPolicy');

/**
 * The providers' own cost is measured without the send rate (80 a second by default, which would
 * be all the figure showed): the most Messages per Second allows and no per-person pacing.
 */
const UNLIMITED = { ...DEFAULT_DELIVERY_SETTINGS, concurrency: Number(process.env.BENCH_CONCURRENCY ?? 8), messagesPerSecond: 1000, perRecipient: { messages: 0, windowSeconds: 60 } };

const COUNT = Number(process.env.BENCH_COUNT ?? 1500);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);

async function timed(label, send) {
	return await withDeliverySettings(UNLIMITED, async () => await timedRun(label, send));
}

async function timedRun(label, send) {
	for (let i = 0; i < 50; i++) await send(i); // warm-up: JIT, sockets
	let next = 0;
	const start = process.hrtime.bigint();
	await Promise.all(
		Array.from({ length: CONCURRENCY }, async () => {
			while (next < COUNT) await send(next++);
		}),
	);
	const seconds = Number(process.hrtime.bigint() - start) / 1e9;
	return { label, perSecond: COUNT / seconds, microsPerMessage: (seconds / COUNT) * 1e6 };
}

function bareRequest(agent, url, headers, body) {
	return new Promise((resolve, reject) => {
		const request = http.request(url, { method: 'POST', agent, headers }, (response) => {
			response.resume();
			response.on('end', () => (response.statusCode < 300 ? resolve() : reject(new Error(`HTTP ${response.statusCode}`))));
		});
		request.on('error', reject);
		request.end(body);
	});
}

async function main() {
	const sandbox = await startSandbox();
	const agent = new http.Agent({ keepAlive: true, maxSockets: 50 });
	const rows = [];
	try {
		const meta = new MetaProvider({
			accessToken: sandbox.meta.accessToken,
			phoneNumberId: sandbox.meta.phoneNumberId,
			baseUrl: sandbox.graphBaseUrl,
		});
		const metaUrl = `${sandbox.graphBaseUrl}/v24.0/${sandbox.meta.phoneNumberId}/messages`;
		const metaHeaders = { authorization: `Bearer ${sandbox.meta.accessToken}`, 'content-type': 'application/json' };
		const metaBody = (i) => JSON.stringify({ messaging_product: 'whatsapp', recipient_type: 'individual', to: `1555${String(i).padStart(7, '0')}`, type: 'text', text: { body: `bench ${i}` } });
		rows.push(['meta', await timed('bare http', (i) => bareRequest(agent, metaUrl, metaHeaders, metaBody(i))), await timed('MetaProvider', (i) => meta.sendMessage({ to: { kind: 'phone', phoneNumber: `+1555${String(i).padStart(7, '0')}` }, content: { type: 'text', text: `bench ${i}` } }))]);

		const twilio = new TwilioProvider({
			authType: 'authToken',
			accountSid: sandbox.twilio.accountSid,
			authToken: sandbox.twilio.authToken,
			whatsAppNumber: sandbox.twilio.whatsAppNumber,
			baseUrl: sandbox.twilioBaseUrl,
		});
		const twilioUrl = `${sandbox.twilioBaseUrl}/api/2010-04-01/Accounts/${sandbox.twilio.accountSid}/Messages.json`;
		const twilioHeaders = {
			authorization: `Basic ${Buffer.from(`${sandbox.twilio.accountSid}:${sandbox.twilio.authToken}`).toString('base64')}`,
			'content-type': 'application/x-www-form-urlencoded',
		};
		const twilioBody = (i) => new URLSearchParams({ To: `whatsapp:+1555${String(i).padStart(7, '0')}`, From: sandbox.twilio.whatsAppNumber, Body: `bench ${i}` }).toString();
		rows.push(['twilio', await timed('bare http', (i) => bareRequest(agent, twilioUrl, twilioHeaders, twilioBody(i))), await timed('TwilioProvider', (i) => twilio.sendMessage({ to: { kind: 'phone', phoneNumber: `+1555${String(i).padStart(7, '0')}` }, content: { type: 'text', text: `bench ${i}` } }))]);
	} finally {
		agent.destroy();
		await sandbox.stop();
	}

	console.log(`Send Text against the in-process sandbox: ${COUNT} messages, ${CONCURRENCY} in flight, Node ${process.version}`);
	for (const [provider, base, ours] of rows) {
		console.log(
			`${provider.padEnd(7)} baseline ${base.label}: ${base.perSecond.toFixed(0)} msg/s (${base.microsPerMessage.toFixed(0)} µs/msg); ` +
				`${ours.label}: ${ours.perSecond.toFixed(0)} msg/s (${ours.microsPerMessage.toFixed(0)} µs/msg); ` +
				`ratio ${(ours.microsPerMessage / base.microsPerMessage).toFixed(2)}x the baseline's time`,
		);
	}
	const rssMiB = process.memoryUsage().rss / 1024 / 1024;
	console.log(`rss after the run: ${rssMiB.toFixed(0)} MiB`);
}

/** The sandbox in its own process, so what it buffers does not count against the sender. */
function startSandboxProcess() {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [path.join(__dirname, '..', 'sandbox', 'cli.js'), '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
		let output = '';
		child.stdout.on('data', (chunk) => {
			output += chunk;
			const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
			if (match) resolve({ url: match[1], stop: () => child.kill() });
		});
		child.on('exit', (code) => reject(new Error(`sandbox exited with ${code}: ${output}`)));
	});
}

/**
 * Peak memory of the sending process while a ~100 MB document is uploaded from a file stream,
 * as growth over its memory just before. Streaming keeps it a small fraction of the file.
 */
async function uploadMemory() {
	const { DEFAULT_META_ACCOUNT } = require('../sandbox/index.ts');
	const sandbox = await startSandboxProcess();
	const size = 100 * 1024 * 1024 - 1024;
	const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'omni-bench-')), 'big.pdf');
	fs.writeFileSync(file, Buffer.from('%PDF-1.4\n'));
	fs.truncateSync(file, size);
	const meta = new MetaProvider({ accessToken: DEFAULT_META_ACCOUNT.accessToken, phoneNumberId: DEFAULT_META_ACCOUNT.phoneNumberId, baseUrl: `${sandbox.url}/graph` });
	const send = async (label, open) => {
		global.gc?.();
		const before = process.memoryUsage().rss;
		let peak = before;
		const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
		const started = process.hrtime.bigint();
		await meta.sendMessage({
			to: { kind: 'phone', phoneNumber: '+15550000000' },
			content: { type: 'media', mediaType: 'document', filename: 'big.pdf', source: { kind: 'binary', file: { fileName: 'big.pdf', mimeType: 'application/pdf', size, open } } },
		});
		clearInterval(sampler);
		peak = Math.max(peak, process.memoryUsage().rss);
		const seconds = Number(process.hrtime.bigint() - started) / 1e9;
		const growth = (peak - before) / 1024 / 1024;
		console.log(`upload  ${label}: ${seconds.toFixed(1)} s, peak rss growth ${growth.toFixed(1)} MiB (${((growth * 1024 * 1024 * 100) / size).toFixed(1)}% of the file)`);
		return growth;
	};
	try {
		console.log(`Upload of a ${(size / 1024 / 1024).toFixed(0)} MiB document to the sandbox (in its own process), memory of the sender:`);
		const streamed = await send('streamed from the file (the node’s way)', async () => fs.createReadStream(file));
		const whole = await send('baseline, file read whole into memory first', async () => require('node:stream').Readable.from([fs.readFileSync(file)]));
		console.log(`upload  streamed / whole-file peak growth: ${(streamed / whole).toFixed(2)}`);

		// Download of that file back, as the Media › Download operation reads it.
		const { mediaId } = await meta.uploadMedia({ fileName: 'big.pdf', mimeType: 'application/pdf', size, open: async () => fs.createReadStream(file) });
		const receive = async (label, read) => {
			global.gc?.();
			const before = process.memoryUsage().rss;
			let peak = before;
			const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
			const started = process.hrtime.bigint();
			const bytes = await read();
			clearInterval(sampler);
			peak = Math.max(peak, process.memoryUsage().rss);
			const growth = (peak - before) / 1024 / 1024;
			console.log(`download ${label}: ${(bytes / 1024 / 1024).toFixed(0)} MiB in ${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(1)} s, peak rss growth ${growth.toFixed(1)} MiB`);
			return growth;
		};
		const streamedDown = await receive('streamed (the node’s way)', async () => {
			const { stream } = await meta.openMedia({ id: mediaId });
			let total = 0;
			for await (const chunk of stream) total += chunk.length;
			return total;
		});
		const wholeDown = await receive('baseline, collected whole in memory', async () => {
			const { stream } = await meta.openMedia({ id: mediaId });
			const chunks = [];
			for await (const chunk of stream) chunks.push(chunk);
			return Buffer.concat(chunks).length;
		});
		console.log(`download streamed / whole-file peak growth: ${(streamedDown / Math.max(wholeDown, 0.1)).toFixed(2)}`);
	} finally {
		sandbox.stop();
		fs.rmSync(path.dirname(file), { recursive: true, force: true });
	}
}

/**
 * The scripts that run a real n8n: the trigger next to n8n's own Webhook node
 * (scripts/bench-trigger.js, also `npm run bench:trigger`) and bulk sending next to n8n's own
 * WhatsApp node (scripts/bench-bulk.js). n8n is 2.8 GB, so this never starts an install by itself:
 * they run when the n8n cache already passes its check, or when WHATSAPP_OMNI_BENCH_N8N=1 (which
 * installs n8n if needed); WHATSAPP_OMNI_BENCH_N8N=0 skips them. dist/ is used as built, like above.
 */
async function inN8n(label, script, env) {
	const { cacheRoot, isN8nReady } = require('./n8n/install');
	const asked = process.env.WHATSAPP_OMNI_BENCH_N8N;
	if (asked === '0') {
		console.log(`${label}: skipped (WHATSAPP_OMNI_BENCH_N8N=0)`);
		return;
	}
	if (asked !== '1' && !isN8nReady('current')) {
		console.log(`${label}: skipped, no ready n8n in ${cacheRoot()} (WHATSAPP_OMNI_BENCH_N8N=1 installs it and runs this part)`);
		return;
	}
	const code = await new Promise((resolve) => {
		const child = spawn(process.execPath, [path.join(__dirname, script)], { stdio: 'inherit', env: { ...process.env, ...env } });
		child.on('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0)));
	});
	if (code !== 0) throw new Error(`${script} exited with ${code}`);
}

const triggerInN8n = () => inN8n('trigger in n8n', 'bench-trigger.js', { BENCH_TRIGGER_BUILD: process.env.BENCH_TRIGGER_BUILD ?? '0' });
const bulkInN8n = () => inN8n('bulk sending in n8n', 'bench-bulk.js', { BENCH_BULK_BUILD: process.env.BENCH_BULK_BUILD ?? '0' });

/**
 * The conversation store (scripts/bench-store.js), under the Node 24 that n8n uses: node:sqlite
 * is missing from this project's Node 20. Starts a throw-away PostgreSQL (Debian's `postgresql`).
 */
async function conversationStore() {
	const { RUNTIMES, ensureNode } = require('./n8n/install');
	const node = path.join(ensureNode(RUNTIMES.current.node), 'bin', 'node');
	const code = await new Promise((resolve) => {
		const child = spawn(node, ['--disable-warning=ExperimentalWarning', path.join(__dirname, 'bench-store.js')], { stdio: 'inherit' });
		child.on('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0)));
	});
	if (code !== 0) throw new Error(`bench-store.js exited with ${code}`);
}

main()
	.then(uploadMemory)
	.then(conversationStore)
	.then(triggerInN8n)
	.then(bulkInN8n)
	.catch((error) => {
	console.error(error);
	process.exit(1);
});
