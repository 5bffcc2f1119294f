/**
 * Ignore Duplicates through the trigger's webhook(): redeliveries and replays of signed requests,
 * for every event kind of both providers.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { callWebhook, signedMetaCall, signedTwilioCall, WEBHOOK_URL, type TriggerSetup, type WebhookCall } from './context';
import { useFreshStore } from '../storeHelpers';

const fixture = (provider: string, name: string) =>
	JSON.parse(readFileSync(path.join(__dirname, '..', 'fixtures', 'webhooks', provider, `${name}.json`), 'utf8'));

const APP_SECRET = 'dedupe-test-app-secret';
const AUTH_TOKEN = '0123456789abcdef0123456789abcdef';

const ALL_EVENTS = ['messages', 'statuses', 'errors', 'templates', 'account'];

const setup = (provider: 'meta' | 'twilio', parameters: object = {}): TriggerSetup => ({
	parameters: { provider, events: ALL_EVENTS, ...parameters },
	credentials: {
		whatsAppOmniMetaApi: { accessToken: 'EAAG-dedupe', phoneNumberId: '106540352242922', businessAccountId: '102290129340398', appId: '1', appSecret: APP_SECRET, baseUrl: 'http://127.0.0.1:1' },
		whatsAppOmniTwilioApi: { accountSid: 'AC0123456789abcdef0123456789abcdef', authToken: AUTH_TOKEN, whatsAppNumber: '+14155238886' },
	},
	webhookUrl: WEBHOOK_URL,
});

/** A POST as Meta signs it (a captured one can be sent again as it is). */
const metaPost = (payload: unknown): WebhookCall => signedMetaCall(JSON.stringify(payload), APP_SECRET);

const twilioPost = (params: Record<string, string>): WebhookCall => signedTwilioCall(params, AUTH_TOKEN);

/** How many items each call emitted, in order (the call and its answer are checked too). */
async function emitted(calls: WebhookCall[], parameters: object = {}, provider: 'meta' | 'twilio' = 'meta'): Promise<number[]> {
	const counts: number[] = [];
	for (const call of calls) {
		const { response, items } = await callWebhook(setup(provider, parameters), call);
		expect(response.status).toBe(200);
		counts.push(items.length);
	}
	return counts;
}

/** Meta's text webhook with this message and no message id. */
function idlessMessage(text: string, timestamp = '1749416383') {
	const body = fixture('meta', 'text');
	const message = body.entry[0].changes[0].value.messages[0];
	delete message.id;
	message.text.body = text;
	message.timestamp = timestamp;
	return body;
}

beforeEach(async () => {
	await useFreshStore();
});

describe('Ignore Duplicates: messages without an id', () => {
	it('two different id-less messages are both emitted; a redelivery of either is not', async () => {
		const first = metaPost(idlessMessage('Do you ship to Canada?'));
		const second = metaPost(idlessMessage('And to Mexico?', '1749416390'));
		expect(await emitted([first, second, first, second])).toEqual([1, 1, 0, 0]);
	});

	it('the same id-less message delivered twice is emitted once', async () => {
		expect(await emitted([metaPost(idlessMessage('hello')), metaPost(idlessMessage('hello'))])).toEqual([1, 0]);
	});

	it('an id-less message does not take the place of messages with ids', async () => {
		expect(await emitted([metaPost(idlessMessage('no id')), metaPost(fixture('meta', 'text')), metaPost(fixture('meta', 'image'))])).toEqual([1, 1, 1]);
	});
});

describe('Ignore Duplicates: replayed updates', () => {
	it.each(['template-status-update', 'template-category-update', 'account-update', 'phone-number-quality-update', 'errors-value', 'unknown-field'])(
		'a replayed %s is emitted once',
		async (name) => {
			const captured = metaPost(fixture('meta', name));
			expect(await emitted([captured, captured, captured])).toEqual([1, 0, 0]);
		},
	);

	it('replays are emitted again when Ignore Duplicates is off', async () => {
		const captured = metaPost(fixture('meta', 'template-status-update'));
		expect(await emitted([captured, captured], { options: { ignoreDuplicates: false } })).toEqual([1, 1]);
	});

	it('another update of the same template is emitted: another change, or the same change later', async () => {
		const update = (event: string, time: number) => {
			const body = fixture('meta', 'template-status-update');
			body.entry[0].time = time;
			body.entry[0].changes[0].value.event = event;
			return metaPost(body);
		};
		const calls = [update('APPROVED', 1749417100), update('PAUSED', 1749418000), update('APPROVED', 1749419000), update('APPROVED', 1749419000)];
		expect(await emitted(calls)).toEqual([1, 1, 1, 0]);
	});

	it('another account update is emitted', async () => {
		const other = fixture('meta', 'account-update');
		other.entry[0].time += 60;
		other.entry[0].changes[0].value.event = 'DISABLED_UPDATE';
		expect(await emitted([metaPost(fixture('meta', 'account-update')), metaPost(other)])).toEqual([1, 1]);
	});
});

describe('Ignore Duplicates: messages and statuses with ids', () => {
	it('Meta: a message once, each status of a message once', async () => {
		const calls = ['text', 'text', 'status-sent', 'status-delivered', 'status-read', 'status-read'].map((name) => metaPost(fixture('meta', name)));
		expect(await emitted(calls)).toEqual([1, 0, 1, 1, 1, 0]);
	});

	it('Meta: the statuses of each member of a group are all emitted', async () => {
		const member = (participant: string) => {
			const body = fixture('meta', 'status-read');
			body.entry[0].changes[0].value.statuses = [
				{ id: 'wamid.G', status: 'read', timestamp: '1749416383', recipient_id: '120363025246125486@g.us', recipient_type: 'group', recipient_participant_id: participant },
			];
			return metaPost(body);
		};
		expect(await emitted([member('16505551234'), member('16505559999'), member('16505551234')])).toEqual([1, 1, 0]);
	});

	it('Twilio: a message SID once, each status callback of a SID once', async () => {
		const calls = ['text', 'text', 'status-sent', 'status-delivered', 'status-delivered', 'status-read'].map((name) => twilioPost(fixture('twilio', name)));
		expect(await emitted(calls, {}, 'twilio')).toEqual([1, 0, 1, 1, 0, 1]);
	});
});
