/**
 * One unreadable item never costs the others of a delivery, and every item the trigger emits can
 * be copied and serialised by n8n afterwards (deliveries the provider got a 200 for and no
 * execution started would be lost for good: the provider does not retry them).
 */

import * as phoneNumber from '../../nodes/WhatsAppOmni/helpers/phoneNumber';
import { DEPTH_MARKER } from '../../nodes/WhatsAppOmni/providers/webhookEvents';
import { copyAsN8nDoes, nestedJson } from '../deepNesting';
import { callWebhook, signedMetaCall, signedTwilioCall, WEBHOOK_URL, type TriggerSetup, type WebhookCall } from './context';

const APP_SECRET = 'robustness-test-app-secret';
const AUTH_TOKEN = '0123456789abcdef0123456789abcdef';
const WABA = '102290129340398';
const METADATA = { display_phone_number: '15550783881', phone_number_id: '106540352242922' };

const setup = (provider: 'meta' | 'twilio', parameters: object = {}): TriggerSetup => ({
	// Every delivery here is new: duplicate detection stays out of these tests.
	parameters: { provider, options: { ignoreDuplicates: false }, ...parameters },
	credentials: {
		whatsAppOmniMetaApi: { accessToken: 'EAAG-robustness', phoneNumberId: METADATA.phone_number_id, businessAccountId: WABA, appId: '1234567890', appSecret: APP_SECRET },
		whatsAppOmniTwilioApi: { accountSid: 'AC0123456789abcdef0123456789abcdef', authToken: AUTH_TOKEN, whatsAppNumber: '+14155238886' },
	},
	webhookUrl: WEBHOOK_URL,
});

/**
 * A POST as Meta sends it, signed over its exact bytes. `"__DEEP<n>__"` placeholders in the
 * payload become objects nested n levels deep (JSON.stringify cannot write those itself).
 */
function signedMetaPost(payload: unknown): WebhookCall {
	const text = JSON.stringify(payload).replace(/"__DEEP(\d+)(?::(\w+))?__"/g, (_m, depth: string, key?: string) => nestedJson(Number(depth), key));
	return signedMetaCall(text, APP_SECRET);
}

const signedTwilioPost = (params: Record<string, string>): WebhookCall => signedTwilioCall(params, AUTH_TOKEN);

const text = (id: string, timestamp: unknown, extra: object = {}) => ({ from: '16505551234', id, timestamp, type: 'text', text: { body: id }, ...extra });
const status = (id: string, value: string, timestamp: unknown) => ({ id, status: value, timestamp, recipient_id: '16505551234' });

function expectCopyable(items: Array<{ json: unknown }>) {
	for (const item of items) expect(() => copyAsN8nDoes(item.json)).not.toThrow();
	expect(() => copyAsN8nDoes(items)).not.toThrow();
}

describe('a Meta delivery with unreadable items', () => {
	it('a signed batch with unreadable timestamps and values nested thousands of levels deep still emits every event, and n8n can copy them', async () => {
		const payload = {
			object: 'whatsapp_business_account',
			entry: [
				{
					id: WABA,
					time: 1749417300,
					changes: [
						{
							field: 'messages',
							value: {
								messaging_product: 'whatsapp',
								metadata: METADATA,
								contacts: [{ profile: { name: 'Sheena Nelson' }, wa_id: '16505551234' }],
								messages: [
									text('wamid.GOOD', '1749416383'),
									text('wamid.FAR_FUTURE', '9999999999999'),
									text('wamid.DEEP', '1749416385', { extra: '__DEEP6000__' }),
									text('wamid.HUGE_NUMBER', 1e300),
								],
								statuses: [status('wamid.S1', 'delivered', 'abc'), status('wamid.S2', 'read', '1749416390')],
							},
						},
						{ field: 'account_update', value: { event: 'ACCOUNT_VIOLATION', violation_info: '__DEEP2000:next_level__' } },
					],
				},
				{
					id: WABA,
					time: '9999999999999',
					changes: [{ field: 'message_template_status_update', value: { event: 'APPROVED', message_template_id: 42, message_template_name: 'welcome' } }],
				},
			],
		};
		const parameters = { events: ['messages', 'statuses', 'account', 'templates'] };
		const { response, items, executed } = await callWebhook(setup('meta', parameters), signedMetaPost(payload));

		expect(response.status).toBe(200);
		expect(executed).toBe(true);
		const json = items.map((item) => item.json as Record<string, any>);
		expect(json.map((e) => [e.event, e.id, e.timestampInvalid, e.truncated?.length])).toStrictEqual([
			['message', 'wamid.GOOD', undefined, undefined],
			['message', 'wamid.FAR_FUTURE', '9999999999999', undefined],
			['message', 'wamid.DEEP', undefined, 1],
			['message', 'wamid.HUGE_NUMBER', '1e+300', undefined],
			['status', 'wamid.S1', 'abc', undefined],
			['status', 'wamid.S2', undefined, undefined],
			['account', 'account_update:102290129340398:ACCOUNT_VIOLATION:1749417300', undefined, 2],
			['template', '42', '9999999999999', undefined],
		]);
		expect(json[0]).toMatchObject({ timestamp: '2025-06-08T20:59:43.000Z', contact: { name: 'Sheena Nelson' }, message: { type: 'text', text: 'wamid.GOOD' } });
		expect(json[0]).not.toHaveProperty('timestampInvalid');
		// A fallback timestamp is the time of receipt.
		expect(Math.abs(Date.parse(json[1].timestamp) - Date.now())).toBeLessThan(60_000);
		expect(json[2].truncated).toStrictEqual([`raw.message.extra${'.a'.repeat(62)}`]);
		expect(JSON.stringify(json[2].raw)).toContain(DEPTH_MARKER);
		expect(json[6].truncated).toStrictEqual([`update.violationInfo${'.nextLevel'.repeat(63)}`, `raw.value.violation_info${'.next_level'.repeat(62)}`]);
		expectCopyable(items);
	});

	describe('an item whose parsing throws', () => {
		let spy: jest.SpyInstance;
		beforeEach(() => {
			const original = phoneNumber.phoneNumberOrUndefined;
			spy = jest.spyOn(phoneNumber, 'phoneNumberOrUndefined').mockImplementation((value) => {
				if (typeof value === 'string' && value.endsWith('19990000000')) throw new TypeError('cannot read this number');
				return original(value);
			});
		});
		afterEach(() => spy.mockRestore());

		it('becomes an unsupported item with the reason and its raw; the other events of the signed batch go on', async () => {
			const broken = { ...text('wamid.BROKEN', '1749416384'), from: '19990000000' };
			const payload = {
				object: 'whatsapp_business_account',
				entry: [{ id: WABA, changes: [{ field: 'messages', value: { metadata: METADATA, messages: [text('wamid.ONE', '1749416383'), broken, text('wamid.TWO', '1749416385')] } }] }],
			};
			const { response, items } = await callWebhook(setup('meta'), signedMetaPost(payload));
			expect(response.status).toBe(200);
			expect(items.map((item) => [item.json.event, item.json.id])).toStrictEqual([
				['message', 'wamid.ONE'],
				['unsupported', 'wamid.BROKEN'],
				['message', 'wamid.TWO'],
			]);
			expect(items[1].json).toMatchObject({
				provider: 'meta',
				update: { field: 'messages', item: 'message', parseError: 'TypeError: cannot read this number' },
				raw: { metadata: METADATA, message: broken },
			});
			expectCopyable(items);
		});

		it('on Twilio too: the signed request still starts an execution', async () => {
			const params = { MessageSid: 'SM0123456789abcdef0123456789abcdef', From: 'whatsapp:+19990000000', To: 'whatsapp:+14155238886', Body: 'hello' };
			const { response, items } = await callWebhook(setup('twilio'), signedTwilioPost(params));
			expect(spy).toHaveBeenCalledWith('whatsapp:+19990000000');
			expect(response.status).toBe(200);
			expect(items.map((item) => item.json)).toStrictEqual([
				expect.objectContaining({
					event: 'unsupported',
					provider: 'twilio',
					id: params.MessageSid,
					update: { field: 'messages', item: 'message', parseError: 'TypeError: cannot read this number' },
					raw: params,
				}),
			]);
		});
	});
});

describe('a Twilio JSON body nested 10,000 levels deep', () => {
	it('starts an execution with the deep part cut and named, and n8n can copy the item', async () => {
		const params = { MessageSid: 'SM0123456789abcdef0123456789abcdee', From: 'whatsapp:+5511987654321', To: 'whatsapp:+14155238886', Body: 'hello' };
		const text = JSON.stringify({ ...params, Extra: '__DEEP__' }).replace('"__DEEP__"', nestedJson(10000));
		const call: WebhookCall = {
			webhookName: 'default',
			url: '/webhook/0f1e2d3c/webhook',
			headers: { 'content-type': 'application/json' },
			query: {},
			body: JSON.parse(text),
			rawBody: Buffer.from(text),
		};
		const { response, items } = await callWebhook(setup('twilio', { verifySignature: false }), call);
		expect(response.status).toBe(200);
		expect(items).toHaveLength(1);
		expect(items[0].json).toMatchObject({ event: 'message', provider: 'twilio', message: { type: 'text', text: 'hello' }, truncated: [`raw.Extra${'.a'.repeat(63)}`] });
		expectCopyable(items);
	});
});
