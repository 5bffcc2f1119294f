/**
 * Hand Answers to Waiting Workflows through the trigger's webhook(): a signed delivery of the
 * contact's answer resumes the waiting execution (an HTTP POST to its resume URL, here a local
 * server standing in for n8n) whatever the trigger's own filters, once for a redelivery, and the
 * option off leaves the answer to the workflow.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

import { useConversationStore } from '../../nodes/WhatsAppOmni/helpers/conversationStore';
import { closeAllStores } from '../../nodes/WhatsAppOmni/store';
import type { ConversationStore, StoreScope, Wait } from '../../nodes/WhatsAppOmni/store/types';
import { useFreshStore } from '../storeHelpers';
import { callWebhook, signedMetaCall, WEBHOOK_URL, type TriggerSetup } from './context';

const APP_SECRET = 'answers-app-secret';
const META: StoreScope = { provider: 'meta', business: '106540352242922' };
const CONTACT = '+16505551234';
const buttonReply = readFileSync(path.join(__dirname, '..', 'fixtures', 'webhooks', 'meta', 'interactive-button-reply.json'), 'utf8');

const setup = (parameters: object = {}): TriggerSetup => ({
	parameters: { provider: 'meta', events: ['messages'], ...parameters },
	credentials: {
		whatsAppOmniMetaApi: { accessToken: 'EAAG-answers', phoneNumberId: META.business, businessAccountId: '102290129340398', appId: '1', appSecret: APP_SECRET, baseUrl: 'http://127.0.0.1:1' },
	},
	webhookUrl: WEBHOOK_URL,
});

let server: http.Server;
let received: unknown[];
let store: ConversationStore;
let wait: Wait;
const protocol = process.env.N8N_PROTOCOL;

beforeAll(async () => {
	server = http.createServer((req, res) => {
		let body = '';
		req.on('data', (chunk) => (body += chunk));
		req.on('end', () => {
			received.push(JSON.parse(body));
			res.writeHead(200, { 'content-type': 'application/json' }).end('{"message":"Workflow was started"}');
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	// Only the resume URL itself: no rewrite to this process's own n8n port.
	process.env.N8N_PROTOCOL = 'https';
});
afterAll(async () => {
	process.env.N8N_PROTOCOL = protocol;
	if (protocol === undefined) delete process.env.N8N_PROTOCOL;
	await new Promise((resolve) => server.close(resolve));
	useConversationStore(undefined);
	await closeAllStores();
});
beforeEach(async () => {
	received = [];
	store = await useFreshStore();
	wait = {
		id: '9/node-1',
		executionId: '9',
		resumeUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook-waiting/9/node-1?signature=s`,
		questionMessageId: 'wamid.question',
		accept: 'choices',
		choices: [{ id: 'cancel-button', title: 'Cancel' }, { id: 'keep', title: 'Keep' }],
		startedAt: new Date().toISOString(),
	};
	await store.startWait(META, { phoneNumber: CONTACT }, wait);
});

describe('Hand Answers to Waiting Workflows', () => {
	it('a tap the trigger’s filters would drop (text only) still resumes the waiting execution, and starts no workflow run', async () => {
		const { response, items } = await callWebhook(setup({ messageTypes: ['text'] }), signedMetaCall(buttonReply, APP_SECRET));
		expect(response.status).toBe(200);
		expect(items).toHaveLength(0);
		expect(received).toEqual([
			expect.objectContaining({ outcome: 'answer', questionMessageId: 'wamid.question', answer: { id: 'cancel-button', title: 'Cancel' }, event: expect.objectContaining({ event: 'message', contact: expect.objectContaining({ phoneNumber: CONTACT }) }) }),
		]);
		expect(await store.findWait(META, { phoneNumber: CONTACT })).toBeUndefined();
	});

	it('the same delivery again (Meta retries) resumes nothing more and, being a duplicate, starts nothing', async () => {
		await callWebhook(setup(), signedMetaCall(buttonReply, APP_SECRET));
		const again = await callWebhook(setup(), signedMetaCall(buttonReply, APP_SECRET));
		expect(again.items).toHaveLength(0);
		expect(received).toHaveLength(1);
	});

	it('with the option off, the tap goes to the workflow and the wait stays', async () => {
		const { items } = await callWebhook(setup({ options: { handAnswers: false } }), signedMetaCall(buttonReply, APP_SECRET));
		expect(items.map((item) => item.json.message)).toEqual([expect.objectContaining({ reply: expect.objectContaining({ id: 'cancel-button' }) })]);
		expect(received).toEqual([]);
		expect(await store.findWait(META, { phoneNumber: CONTACT })).toEqual(wait);
	});

	it('an unsigned delivery is refused before any hand-over', async () => {
		const { response } = await callWebhook(setup(), signedMetaCall(buttonReply, 'not-the-app-secret'));
		expect(response.status).toBe(401);
		expect(received).toEqual([]);
		expect(await store.findWait(META, { phoneNumber: CONTACT })).toEqual(wait);
	});
});
