/**
 * Ignore Duplicates across n8n processes (queue mode): two processes, each with its own memory
 * and its own store connection, on one database. A redelivery that reaches the other process is
 * dropped there. On a real PostgreSQL (a throw-away server, scripts/services/postgres.js; fails
 * when its binaries are missing, as the store's own suite does), on SQLite where this Node.js has
 * node:sqlite (`npm test` runs on Node 20, which has not), and on a named in-memory database.
 */
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { useConversationStore } from '../../nodes/WhatsAppOmni/helpers/conversationStore';
import { hasNodeSqlite } from '../../nodes/WhatsAppOmni/store';
import type { ConversationStore } from '../../nodes/WhatsAppOmni/store/types';
import { forgetSeenEvents } from '../../nodes/WhatsAppOmni/trigger/dedupe';
import { openTestStore } from '../storeHelpers';
import { callWebhook, signedMetaCall, signedTwilioCall, WEBHOOK_URL, type TriggerSetup, type WebhookCall } from './context';

const { startPostgres } = require('../../scripts/services/postgres') as {
	startPostgres(): Promise<{ url: string; stop(): Promise<void> }>;
};

const fixture = (provider: string, name: string) =>
	JSON.parse(readFileSync(path.join(__dirname, '..', 'fixtures', 'webhooks', provider, `${name}.json`), 'utf8'));

const APP_SECRET = 'cross-process-app-secret';
const AUTH_TOKEN = '0123456789abcdef0123456789abcdef';

const setup = (provider: 'meta' | 'twilio', workflowId = 'wf-1'): TriggerSetup => ({
	parameters: { provider, events: ['messages', 'statuses'] },
	credentials: {
		whatsAppOmniMetaApi: { accessToken: 'EAAG-cross', phoneNumberId: '106540352242922', businessAccountId: '102290129340398', appId: '1', appSecret: APP_SECRET, baseUrl: 'http://127.0.0.1:1' },
		whatsAppOmniTwilioApi: { accountSid: 'AC0123456789abcdef0123456789abcdef', authToken: AUTH_TOKEN, whatsAppNumber: '+14155238886' },
	},
	webhookUrl: WEBHOOK_URL,
	workflowId,
});

const metaPost = (payload: unknown): WebhookCall => signedMetaCall(JSON.stringify(payload), APP_SECRET);
const twilioPost = (params: Record<string, string>): WebhookCall => signedTwilioCall(params, AUTH_TOKEN);

let unique = 0;
/** A message id no earlier test used: every test shares its database with the others. */
const metaText = () => {
	const text = fixture('meta', 'text');
	text.entry[0].changes[0].value.messages[0].id = `wamid.cross-${process.pid}-${Date.now()}-${++unique}`;
	return text;
};

/** One delivery in "process" `store`: that process's memory knows nothing of the other's. */
async function deliverIn(store: ConversationStore, call: WebhookCall, provider: 'meta' | 'twilio' = 'meta', workflowId?: string) {
	forgetSeenEvents();
	useConversationStore(store);
	const { response, items } = await callWebhook(setup(provider, workflowId), call);
	expect(response.status).toBe(200);
	return items;
}

let postgres: { url: string; stop(): Promise<void> } | undefined;
const sqliteFolder = mkdtempSync(path.join(os.tmpdir(), 'omni-dedupe-'));
beforeAll(async () => {
	postgres = await startPostgres();
}, 60_000);
afterAll(async () => {
	useConversationStore(undefined);
	await postgres?.stop();
	rmSync(sqliteFolder, { recursive: true, force: true });
});

const databases: Array<[string, () => string]> = [
	['PostgreSQL', () => postgres!.url],
	['a named in-memory database', () => `memory:cross-${process.pid}`],
];
if (hasNodeSqlite()) databases.push(['SQLite', () => `sqlite:${path.join(sqliteFolder, 'store.sqlite')}`]);

describe.each(databases)('on %s', (_name, url) => {
	let first: ConversationStore;
	let second: ConversationStore;
	beforeAll(async () => {
		first = await openTestStore(url());
		second = await openTestStore(url());
	});
	afterAll(async () => {
		await Promise.all([first.close(), second.close()]);
	});

	it('a message redelivered to another process is dropped there, and recorded once', async () => {
		const text = metaText();
		expect((await deliverIn(first, metaPost(text))).length).toBe(1);
		expect((await deliverIn(second, metaPost(text))).length).toBe(0);
		const { messages } = await second.getHistory({ provider: 'meta', business: '106540352242922' }, { phoneNumber: '+16505551234' }, { limit: 100 });
		expect(messages.filter((message) => message.id === text.entry[0].changes[0].value.messages[0].id)).toHaveLength(1);
	});

	it('Twilio: each status of a message once across processes; the next status is not a duplicate', async () => {
		const sid = `SM${(Date.now() * 1000 + ++unique).toString(16).padStart(32, '0').slice(-32)}`;
		const status = (name: string) => twilioPost({ ...fixture('twilio', name), MessageSid: sid, SmsSid: sid });
		expect((await deliverIn(first, status('status-sent'), 'twilio')).length).toBe(1);
		expect((await deliverIn(second, status('status-sent'), 'twilio')).length).toBe(0);
		expect((await deliverIn(second, status('status-delivered'), 'twilio')).length).toBe(1);
		expect((await deliverIn(first, status('status-delivered'), 'twilio')).length).toBe(0);
	});

	it('every workflow listening to the number gets each event once', async () => {
		const text = metaText();
		expect((await deliverIn(first, metaPost(text), 'meta', 'wf-a')).length).toBe(1);
		expect((await deliverIn(second, metaPost(text), 'meta', 'wf-b')).length).toBe(1);
		expect((await deliverIn(first, metaPost(text), 'meta', 'wf-b')).length).toBe(0);
	});
});
