#!/usr/bin/env node
/**
 * The conversation store's speed: recording 10,000 statuses (SQLite and a throw-away PostgreSQL
 * with its default, durable settings), events per second and the p99 time of one record, directly
 * and through the trigger's store path (parse, claim, record); and the
 * first page of Get Chat History over a contact with 10,000 messages on SQLite. Run after
 * `npm run build`, under Node ≥ 22.13 for SQLite (`npm run bench` starts it under Node 24).
 * Figures only; nothing here passes or fails on speed.
 */
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { openStore } = require('../dist/nodes/WhatsAppOmni/store');
const { useConversationStore } = require('../dist/nodes/WhatsAppOmni/helpers/conversationStore');
const { createProvider } = require('../dist/nodes/WhatsAppOmni/providers');
const { storeEvents } = require('../dist/nodes/WhatsAppOmni/trigger/record');
const { startPostgres } = require('./services/postgres');

const STATUSES = Number(process.env.BENCH_STORE_STATUSES ?? 10_000);
const HISTORY_MESSAGES = Number(process.env.BENCH_STORE_HISTORY ?? 10_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const scope = { provider: 'meta', business: 'bench' };
const T0 = Date.now() - 3600_000;

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];

/** 5 statuses per message (sent, delivered, read, a repeat, one out of order), CONCURRENCY in flight. */
async function recordStatuses(store) {
	const order = ['sent', 'delivered', 'read', 'delivered', 'sent'];
	const calls = Array.from({ length: STATUSES }, (_, i) => ({
		messageId: `wamid.bench-${Math.floor(i / order.length)}`,
		status: order[i % order.length],
		timestamp: new Date(T0 + i).toISOString(),
		contact: { phoneNumber: '+15550001234' },
	}));
	for (let i = 0; i < 50; i++) await store.recordStatus(scope, { ...calls[i], messageId: `wamid.warm-${i}` });
	const latencies = [];
	let next = 0;
	const started = process.hrtime.bigint();
	await Promise.all(
		Array.from({ length: CONCURRENCY }, async () => {
			while (next < calls.length) {
				const call = calls[next++];
				const begin = process.hrtime.bigint();
				await store.recordStatus(scope, call);
				latencies.push(Number(process.hrtime.bigint() - begin) / 1e6);
			}
		}),
	);
	const seconds = Number(process.hrtime.bigint() - started) / 1e9;
	latencies.sort((a, b) => a - b);
	return { perSecond: STATUSES / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

function line(label, { perSecond, p50, p99 }) {
	console.log(`store   ${label.padEnd(10)} ${STATUSES} statuses, ${CONCURRENCY} in flight: ${perSecond.toFixed(0)} events/s, per record p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms`);
}

/**
 * The trigger's own store path for status webhooks: Meta's body parsed by the provider, then
 * storeEvents claims the event (Ignore Duplicates) and records the status (Record in Store), as
 * the trigger does once it has answered the provider. The answer itself never waits for this.
 */
async function triggerStatusWebhooks(store) {
	useConversationStore(store);
	const provider = createProvider('meta', { accessToken: 'bench', phoneNumberId: '106540352242922', appSecret: 'bench' });
	const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'test', 'fixtures', 'webhooks', 'meta', 'status-delivered.json'), 'utf8'));
	const order = ['sent', 'delivered', 'read'];
	const bodies = Array.from({ length: STATUSES }, (_, i) => {
		const body = structuredClone(fixture);
		const status = body.entry[0].changes[0].value.statuses[0];
		status.id = `wamid.trigger-${Math.floor(i / order.length)}`;
		status.status = order[i % order.length];
		status.timestamp = String(Math.floor(T0 / 1000) + i);
		return JSON.stringify(body);
	});
	const options = { record: true, ignoreDuplicates: true, namespace: 'bench:trigger' };
	const latencies = [];
	let next = 0;
	let emitted = 0;
	const started = process.hrtime.bigint();
	await Promise.all(
		Array.from({ length: CONCURRENCY }, async () => {
			while (next < bodies.length) {
				const text = bodies[next++];
				const begin = process.hrtime.bigint();
				const events = provider.parseWebhook({ body: JSON.parse(text) });
				const stored = await storeEvents(events, () => true, options);
				latencies.push(Number(process.hrtime.bigint() - begin) / 1e6);
				emitted += stored.filter((s) => !s.storeWarning).length;
			}
		}),
	);
	const seconds = Number(process.hrtime.bigint() - started) / 1e9;
	useConversationStore(undefined);
	if (emitted !== STATUSES) throw new Error(`trigger path: ${emitted} of ${STATUSES} status events emitted without a warning`);
	latencies.sort((a, b) => a - b);
	return { perSecond: STATUSES / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

function triggerLine(label, { perSecond, p50, p99 }) {
	console.log(
		`trigger ${label.padEnd(10)} ${STATUSES} status webhooks, parse + claim + record, ${CONCURRENCY} in flight: ${perSecond.toFixed(0)} webhooks/s, ` +
			`per webhook p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms (after the provider's answer, before the execution starts)`,
	);
}

async function historyFirstPage(store) {
	const contact = { phoneNumber: '+15550009876' };
	for (let i = 0; i < HISTORY_MESSAGES; i++) {
		await store.recordMessage(scope, { id: `wamid.h${i}`, direction: i % 2 ? 'outbound' : 'inbound', contact, type: 'text', text: `message ${i}`, timestamp: new Date(T0 + i * 1000).toISOString() });
	}
	// Other people's messages around them, as in a real store.
	for (let i = 0; i < HISTORY_MESSAGES; i++) {
		await store.recordMessage(scope, { id: `wamid.o${i}`, direction: 'inbound', contact: { phoneNumber: `+1555100${String(i % 500).padStart(4, '0')}` }, type: 'text', timestamp: new Date(T0 + i * 1000).toISOString() });
	}
	const times = [];
	for (let i = 0; i < 200; i++) {
		const begin = process.hrtime.bigint();
		const page = await store.getHistory(scope, contact, { limit: 50 });
		times.push(Number(process.hrtime.bigint() - begin) / 1e6);
		if (page.messages.length !== 50 || !page.nextCursor) throw new Error('history page is wrong');
	}
	times.sort((a, b) => a - b);
	return { p50: percentile(times, 50), p99: percentile(times, 99) };
}

async function main() {
	console.log(`Conversation store on Node ${process.version}:`);
	const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'omni-bench-store-'));
	const postgres = await startPostgres();
	try {
		const sqlite = await openStore({ WHATSAPP_OMNI_STORE_URL: `sqlite:${path.join(folder, 'bench.sqlite')}` });
		line('sqlite', await recordStatuses(sqlite));
		triggerLine('sqlite', await triggerStatusWebhooks(sqlite));
		const history = await historyFirstPage(sqlite);
		console.log(`store   sqlite     Get Chat History first page (50 of ${HISTORY_MESSAGES} messages of one contact, ${2 * HISTORY_MESSAGES} in all): p50 ${history.p50.toFixed(2)} ms, p99 ${history.p99.toFixed(2)} ms`);
		await sqlite.close();

		const pg = await openStore({ WHATSAPP_OMNI_STORE_URL: postgres.url });
		line('postgres', await recordStatuses(pg));
		triggerLine('postgres', await triggerStatusWebhooks(pg));
		await pg.close();

		const memory = await openStore({ WHATSAPP_OMNI_STORE_URL: 'memory:bench' });
		line('memory', await recordStatuses(memory));
		await memory.close();
	} finally {
		await postgres.stop();
		fs.rmSync(folder, { recursive: true, force: true });
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
