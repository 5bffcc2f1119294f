/**
 * Record in Store and the store-backed Ignore Duplicates, through the trigger's webhook(): what
 * each event leaves in the conversation store, and what happens when the store cannot be reached
 * or fails a write (dedupe across processes: dedupeAcrossProcesses.test.ts).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { useConversationStore } from '../../nodes/WhatsAppOmni/helpers/conversationStore';
import { closeAllStores } from '../../nodes/WhatsAppOmni/store';
import type { ConversationStore, StoreScope } from '../../nodes/WhatsAppOmni/store/types';
import { forgetSeenEvents } from '../../nodes/WhatsAppOmni/trigger/dedupe';
import { useFreshStore } from '../storeHelpers';
import { callWebhook, signedMetaCall, signedTwilioCall, WEBHOOK_URL, type TriggerSetup, type WebhookCall } from './context';

const fixture = (provider: string, name: string) =>
	JSON.parse(readFileSync(path.join(__dirname, '..', 'fixtures', 'webhooks', provider, `${name}.json`), 'utf8'));

const APP_SECRET = 'record-test-app-secret';
const AUTH_TOKEN = '0123456789abcdef0123456789abcdef';
const META: StoreScope = { provider: 'meta', business: '106540352242922' };
const TWILIO: StoreScope = { provider: 'twilio', business: '+14155238886' };
const SENT_ID = 'wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI3RjlGNDNCQUQ5RDZGRjFEQUQA';

const setup = (provider: 'meta' | 'twilio', parameters: object = {}): TriggerSetup => ({
	parameters: { provider, events: ['messages', 'statuses', 'identity'], ...parameters },
	credentials: {
		whatsAppOmniMetaApi: { accessToken: 'EAAG-record', phoneNumberId: META.business, businessAccountId: '102290129340398', appId: '1', appSecret: APP_SECRET, baseUrl: 'http://127.0.0.1:1' },
		whatsAppOmniTwilioApi: { accountSid: 'AC0123456789abcdef0123456789abcdef', authToken: AUTH_TOKEN, whatsAppNumber: TWILIO.business },
	},
	webhookUrl: WEBHOOK_URL,
});

const metaPost = (payload: unknown): WebhookCall => signedMetaCall(JSON.stringify(payload), APP_SECRET);
const twilioPost = (params: Record<string, string>): WebhookCall => signedTwilioCall(params, AUTH_TOKEN);

let store: ConversationStore;
beforeEach(async () => {
	store = await useFreshStore();
});
afterAll(async () => {
	useConversationStore(undefined);
	await closeAllStores();
});

describe('Record in Store', () => {
	it('Meta: an inbound message, with the contact’s name and last inbound time, found by number or BSUID', async () => {
		const { response, items } = await callWebhook(setup('meta'), metaPost(fixture('meta', 'text')));
		expect(response.status).toBe(200);
		expect(items).toHaveLength(1);
		expect(items[0].json.storeWarning).toBeUndefined();

		const byNumber = await store.getContact(META, { phoneNumber: '+16505551234' });
		expect(byNumber).toMatchObject({ name: 'Sheena Nelson', lastInboundAt: '2025-06-08T20:59:43.000Z', userId: 'US.13491208655302741918' });
		expect(await store.getContact(META, { userId: 'US.13491208655302741918' })).toEqual(byNumber);
		const { messages } = await store.getHistory(META, { phoneNumber: '+16505551234' }, { limit: 10 });
		expect(messages).toEqual([
			expect.objectContaining({
				id: 'wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=',
				direction: 'inbound',
				type: 'text',
				text: 'Hi! Do you ship to Canada?',
				timestamp: '2025-06-08T20:59:43.000Z',
			}),
		]);
		// Filed under the credential's phone number ID, nowhere else.
		expect(await store.getContact({ provider: 'meta', business: '999' }, { phoneNumber: '+16505551234' })).toBeUndefined();
	});

	it('Meta: media ids and captions of inbound media', async () => {
		await callWebhook(setup('meta'), metaPost(fixture('meta', 'image')));
		const event = (await callWebhook(setup('meta', { options: { ignoreDuplicates: false } }), metaPost(fixture('meta', 'image')))).items[0].json as {
			contact: { phoneNumber: string };
			message: { media: { id: string; caption?: string } };
		};
		const [stored] = (await store.getHistory(META, { phoneNumber: event.contact.phoneNumber }, { limit: 1 })).messages;
		expect(stored).toMatchObject({ type: 'image', mediaIds: [event.message.media.id] });
		if (event.message.media.caption) expect(stored.text).toBe(event.message.media.caption);
	});

	it('Meta: every status, the furthest one latest, with errors and pricing, also when the Events filter leaves statuses out', async () => {
		const onlyMessages = setup('meta', { events: ['messages'] });
		for (const name of ['status-sent', 'status-delivered']) {
			const { response, executed } = await callWebhook(onlyMessages, metaPost(fixture('meta', name)));
			expect(response.status).toBe(200);
			expect(executed).toBe(false);
		}
		expect(await store.getStatus(META, SENT_ID)).toMatchObject({
			messageId: SENT_ID,
			status: 'delivered',
			history: [expect.objectContaining({ status: 'sent' }), expect.objectContaining({ status: 'delivered' })],
			pricing: expect.objectContaining({ billable: true, category: 'utility' }),
		});

		const failed = fixture('meta', 'status-failed');
		await callWebhook(setup('meta'), metaPost(failed));
		const failedId = failed.entry[0].changes[0].value.statuses[0].id;
		expect(await store.getStatus(META, failedId)).toMatchObject({ status: 'failed', errors: [expect.objectContaining({ code: 131047, title: 'Re-engagement message' })] });
	});

	it('Meta: a changed number moves the contact; the new number finds its window', async () => {
		await callWebhook(setup('meta'), metaPost(fixture('meta', 'text')));
		const { items } = await callWebhook(setup('meta'), metaPost(fixture('meta', 'system-user-changed-number')));
		expect(items[0].json).toMatchObject({ event: 'identity' });
		expect(await store.getContact(META, { phoneNumber: '+16505559876' })).toMatchObject({ lastInboundAt: '2025-06-08T20:59:43.000Z' });
		expect(await store.getContact(META, { phoneNumber: '+16505551234' })).toBeUndefined();
	});

	it('Twilio: filed under the sender’s number, statuses too', async () => {
		await callWebhook(setup('twilio'), twilioPost(fixture('twilio', 'text')));
		expect(await store.getContact(TWILIO, { phoneNumber: '+5511987654321' })).toMatchObject({ name: 'Lucas Silva', lastInboundAt: expect.any(String) });
		await callWebhook(setup('twilio'), twilioPost(fixture('twilio', 'status-delivered')));
		expect(await store.getStatus(TWILIO, 'SM7e9a1c3b5d2f46e8a0c2b4d6f8a1c3e9')).toMatchObject({ status: 'delivered' });
	});

	it('records nothing when Record in Store is off (Ignore Duplicates still uses the store)', async () => {
		const off = setup('meta', { options: { recordInStore: false } });
		expect((await callWebhook(off, metaPost(fixture('meta', 'text')))).items).toHaveLength(1);
		expect(await store.getContact(META, { phoneNumber: '+16505551234' })).toBeUndefined();
		forgetSeenEvents();
		expect((await callWebhook(off, metaPost(fixture('meta', 'text')))).items).toHaveLength(0);
	});
});

describe('when the store fails', () => {
	const PASSWORD = 'n0t-in-any-message';

	it('cannot be reached: answers 200, emits every event with a storeWarning naming the variable and host, never the password, and dedupes in memory', async () => {
		const saved = process.env.WHATSAPP_OMNI_STORE_URL;
		// Nothing listens on port 1: the connection is refused at once.
		process.env.WHATSAPP_OMNI_STORE_URL = `postgres://omni:${PASSWORD}@127.0.0.1:1/omni`;
		useConversationStore(undefined);
		try {
			const batch = metaPost(fixture('meta', 'batch'));
			const first = await callWebhook(setup('meta'), batch);
			expect(first.response.status).toBe(200);
			expect(first.items.length).toBeGreaterThan(1);
			for (const item of first.items) {
				const warning = item.json.storeWarning as string;
				expect(warning).toMatch(/^The event was (not recorded and )?checked for duplicates in this n8n process only/);
				expect(warning).toContain('WHATSAPP_OMNI_STORE_URL');
				expect(warning).toContain("127.0.0.1");
				expect(warning).not.toContain(PASSWORD);
				expect(item.json.event).toBeDefined();
			}
			// The redelivery is still dropped, by this process's memory.
			const again = await callWebhook(setup('meta'), metaPost(fixture('meta', 'batch')));
			expect(again.response.status).toBe(200);
			expect(again.items).toHaveLength(0);
		} finally {
			process.env.WHATSAPP_OMNI_STORE_URL = saved;
			useConversationStore(store);
		}
	});

	it('a failing write: the event is emitted with a warning and still deduped by the store', async () => {
		const failingWrites = Object.create(store, {
			recordMessage: { value: async () => Promise.reject(new Error('disk full')) },
		}) as ConversationStore;
		useConversationStore(failingWrites);
		const { response, items } = await callWebhook(setup('meta'), metaPost(fixture('meta', 'text')));
		expect(response.status).toBe(200);
		expect(items).toHaveLength(1);
		expect(items[0].json.storeWarning).toBe(`The event was not recorded: the conversation store (${store.description}, set by WHATSAPP_OMNI_STORE_URL) failed: disk full`);
		forgetSeenEvents();
		expect((await callWebhook(setup('meta'), metaPost(fixture('meta', 'text')))).items).toHaveLength(0);
	});

	it('a failing claim: the event is emitted with a warning, deduped in this process', async () => {
		useConversationStore(Object.create(store, { claimEvent: { value: async () => Promise.reject(new Error('lock timeout')) } }) as ConversationStore);
		const first = await callWebhook(setup('meta'), metaPost(fixture('meta', 'text')));
		expect(first.items[0].json.storeWarning).toMatch(/^The event was checked for duplicates in this n8n process only: .* failed: lock timeout$/);
		expect(await store.getContact(META, { phoneNumber: '+16505551234' })).toBeDefined();
		expect((await callWebhook(setup('meta'), metaPost(fixture('meta', 'text')))).items).toHaveLength(0);
	});
});

describe('deliveries for Check Setup', () => {
	it('counts an accepted delivery; one for another phone number is not this workflow’s: nothing emitted, counted as unknown number', async () => {
		const text = fixture('meta', 'text');
		expect((await callWebhook(setup('meta'), metaPost(text))).items).toHaveLength(1);
		const foreign = JSON.parse(JSON.stringify(text));
		foreign.entry[0].changes[0].value.metadata.phone_number_id = '999999999999999';
		foreign.entry[0].changes[0].value.messages[0].id = 'wamid.foreign';
		const { response, items } = await callWebhook(setup('meta'), metaPost(foreign));
		expect(response.status).toBe(200);
		expect(items).toHaveLength(0);
		const tallies = await store.getDeliveries(META);
		expect(tallies).toEqual(
			expect.arrayContaining([expect.objectContaining({ count: 1 }), expect.objectContaining({ rejectedBecause: 'unknown number', count: 1 })]),
		);
		expect(tallies.find((tally) => !tally.rejectedBecause)).toMatchObject({ count: 1 });
	});

	it('with Business Account registration another number of the WABA is an ordinary event', async () => {
		const foreign = fixture('meta', 'text');
		foreign.entry[0].changes[0].value.metadata.phone_number_id = '999999999999999';
		const { items } = await callWebhook(setup('meta', { metaRegistration: 'businessAccount' }), metaPost(foreign));
		expect(items).toHaveLength(1);
	});
});
