/**
 * The look-ups Account › Check Setup makes, as the sandbox answers them: healthy by default, and
 * each failure a test can seed (setSetupFaults, seedWebhooks, or the control endpoint).
 */
import { DEFAULT_OFFLINE_REASON, META_TOKEN_SCOPES, startSandbox, type Sandbox } from '../../sandbox';
import { call, metaGet, twilioGet } from './helpers';

let sandbox: Sandbox;
beforeAll(async () => {
	sandbox = await startSandbox();
});
afterAll(async () => sandbox.stop());
beforeEach(() => {
	sandbox.setSetupFaults(undefined);
	sandbox.resetWebhooks();
});

const appToken = () => `${sandbox.meta.appId}|${sandbox.meta.appSecret}`;
const debugPath = (input: string) => `/v24.0/debug_token?input_token=${encodeURIComponent(input)}`;
const NUMBER_FIELDS = 'status,platform_type,code_verification_status,name_status,new_name_status,quality_rating,throughput';

describe('Meta: GET /debug_token', () => {
	it('describes the healthy token to an app token and to the token itself: valid, never expiring, both WhatsApp scopes', async () => {
		for (const caller of [appToken(), sandbox.meta.accessToken]) {
			const answer = await metaGet(sandbox, debugPath(sandbox.meta.accessToken), caller);
			expect(answer.status).toBe(200);
			expect(answer.body.data).toMatchObject({
				app_id: sandbox.meta.appId,
				type: 'SYSTEM_USER',
				is_valid: true,
				expires_at: 0,
				scopes: [...META_TOKEN_SCOPES],
				granular_scopes: [
					{ scope: 'whatsapp_business_management', target_ids: [sandbox.meta.wabaId] },
					{ scope: 'whatsapp_business_messaging', target_ids: [sandbox.meta.wabaId] },
				],
			});
		}
	});

	it('refuses an unknown caller (190) and asks for input_token (100)', async () => {
		expect((await metaGet(sandbox, debugPath(sandbox.meta.accessToken), 'nope')).body.error.code).toBe(190);
		const missing = await metaGet(sandbox, '/v24.0/debug_token', appToken());
		expect(missing.status).toBe(400);
		expect(missing.body.error.message).toMatch(/input_token is required/);
	});

	it('answers an unknown input token with is_valid false, as Graph does', async () => {
		const answer = await metaGet(sandbox, debugPath('EAAG-someone-else'), appToken());
		expect(answer.status).toBe(200);
		expect(answer.body.data).toEqual({ error: { code: 190, message: expect.any(String) }, is_valid: false, scopes: [] });
	});

	it('seeds an expiring token and missing scopes', async () => {
		sandbox.setSetupFaults({ meta: { tokenExpiresInSeconds: 2 * 86_400, tokenScopes: ['whatsapp_business_messaging'] } });
		const { data } = (await metaGet(sandbox, debugPath(sandbox.meta.accessToken), appToken())).body;
		expect(data.expires_at - Date.now() / 1000).toBeGreaterThan(2 * 86_400 - 60);
		expect(data.expires_at - Date.now() / 1000).toBeLessThanOrEqual(2 * 86_400);
		expect(data.scopes).toEqual(['whatsapp_business_messaging']);
		expect(sandbox.setupFaults).toEqual({ meta: { tokenExpiresInSeconds: 2 * 86_400, tokenScopes: ['whatsapp_business_messaging'] } });
	});

	it('seeds an expired token: debug_token says so, and every call made with the token gets 190/463', async () => {
		sandbox.setSetupFaults({ meta: { tokenExpired: true } });
		const { data } = (await metaGet(sandbox, debugPath(sandbox.meta.accessToken), appToken())).body;
		expect(data).toMatchObject({ is_valid: false, error: { code: 190, subcode: 463 } });
		expect(data.expires_at).toBeLessThan(Date.now() / 1000);
		for (const path of [`/v24.0/${sandbox.meta.phoneNumberId}`, `/v24.0/${sandbox.meta.wabaId}/subscribed_apps`, debugPath(sandbox.meta.accessToken)]) {
			const answer = await metaGet(sandbox, path);
			expect(answer.status).toBe(401);
			expect(answer.body.error).toMatchObject({ code: 190, error_subcode: 463, message: expect.stringMatching(/Session has expired/) });
		}
		// The app token still works where it is what Graph takes.
		expect((await metaGet(sandbox, `/v24.0/${sandbox.meta.appId}/subscriptions`, appToken())).status).toBe(200);
	});
});

describe('Meta: the phone number’s fields', () => {
	it('is CONNECTED on the Cloud API with an APPROVED name, GREEN and STANDARD, and no name change by default', async () => {
		const answer = await metaGet(sandbox, `/v24.0/${sandbox.meta.phoneNumberId}?fields=${NUMBER_FIELDS}`);
		expect(answer.body).toEqual({
			status: 'CONNECTED',
			platform_type: 'CLOUD_API',
			code_verification_status: 'VERIFIED',
			name_status: 'APPROVED',
			quality_rating: 'GREEN',
			throughput: { level: 'STANDARD' },
			id: sandbox.meta.phoneNumberId,
		});
	});

	it('takes seeded fields, and leaves the default field set as it was', async () => {
		sandbox.setSetupFaults({
			meta: { phoneNumber: { status: 'DISCONNECTED', name_status: 'DECLINED', new_name_status: 'PENDING_REVIEW', quality_rating: 'RED', throughput: { level: 'NOT_APPLICABLE' } } },
		});
		const answer = await metaGet(sandbox, `/v24.0/${sandbox.meta.phoneNumberId}?fields=${NUMBER_FIELDS}`);
		expect(answer.body).toMatchObject({ status: 'DISCONNECTED', name_status: 'DECLINED', new_name_status: 'PENDING_REVIEW', quality_rating: 'RED', throughput: { level: 'NOT_APPLICABLE' } });
		const defaults = await metaGet(sandbox, `/v24.0/${sandbox.meta.phoneNumberId}`);
		expect(Object.keys(defaults.body).sort()).toEqual(
			['code_verification_status', 'display_phone_number', 'id', 'platform_type', 'quality_rating', 'throughput', 'verified_name'].sort(),
		);
	});
});

describe('seedWebhooks', () => {
	it('sets Meta’s overrides, the WABA subscription and the app’s callback without a handshake, and removes them with null', async () => {
		sandbox.seedWebhooks({
			meta: {
				phoneNumber: 'https://n8n.example.com/p',
				waba: { subscribed: true, url: 'https://n8n.example.com/w' },
				app: { url: 'https://n8n.example.com/a', fields: ['messages', 'message_template_status_update'] },
			},
		});
		expect(sandbox.handshakes).toEqual([]);
		const configuration = await metaGet(sandbox, `/v24.0/${sandbox.meta.phoneNumberId}?fields=webhook_configuration`);
		expect(configuration.body.webhook_configuration).toEqual({
			phone_number: 'https://n8n.example.com/p',
			whatsapp_business_account: 'https://n8n.example.com/w',
			application: 'https://n8n.example.com/a',
		});
		const apps = await metaGet(sandbox, `/v24.0/${sandbox.meta.wabaId}/subscribed_apps`);
		expect(apps.body.data).toEqual([expect.objectContaining({ override_callback_uri: 'https://n8n.example.com/w' })]);
		const subscriptions = await metaGet(sandbox, `/v24.0/${sandbox.meta.appId}/subscriptions`, appToken());
		expect(subscriptions.body.data[0]).toMatchObject({
			callback_url: 'https://n8n.example.com/a',
			fields: [
				{ name: 'messages', version: 'v24.0' },
				{ name: 'message_template_status_update', version: 'v24.0' },
			],
		});

		sandbox.seedWebhooks({ meta: { phoneNumber: null, waba: { subscribed: false }, app: null } });
		expect(sandbox.metaWebhooks).toEqual({ waba: { subscribed: false } });
	});

	it('sets the Twilio sender’s webhook and the Messaging Service’s URLs, leaving the rest', async () => {
		sandbox.seedWebhooks({
			twilio: {
				sender: { callbackUrl: 'https://n8n.example.com/in' },
				service: { inboundRequestUrl: 'https://n8n.example.com/svc', useInboundWebhookOnNumber: true },
			},
		});
		const { sender, service } = sandbox.twilioWebhooks;
		expect(sender.webhook).toMatchObject({ callback_url: 'https://n8n.example.com/in', status_callback_url: null });
		expect(service).toMatchObject({ inboundRequestUrl: 'https://n8n.example.com/svc', statusCallback: null, useInboundWebhookOnNumber: true });
	});
});

describe('Twilio: the account and the sender', () => {
	const accountPath = () => `/api/2010-04-01/Accounts/${sandbox.twilio.accountSid}.json`;
	const sendersPath = '/messaging/v2/Channels/Senders?Channel=whatsapp';

	it('is an active Full account with an ONLINE sender by default', async () => {
		expect((await twilioGet(sandbox, accountPath())).body).toMatchObject({ status: 'active', type: 'Full' });
		const senders = (await twilioGet(sandbox, sendersPath)).body.senders;
		expect(senders[0]).toMatchObject({ sender_id: sandbox.twilio.whatsAppNumber, status: 'ONLINE', offline_reasons: null });
	});

	it('seeds a suspended Trial account and an OFFLINE own sender (with a reason), leaving the other sender alone', async () => {
		sandbox.setSetupFaults({ twilio: { accountStatus: 'suspended', accountType: 'Trial', senderStatus: 'OFFLINE' } });
		expect((await twilioGet(sandbox, accountPath())).body).toMatchObject({ status: 'suspended', type: 'Trial' });
		const senders = (await twilioGet(sandbox, sendersPath)).body.senders;
		expect(senders[0]).toMatchObject({ status: 'OFFLINE', offline_reasons: [DEFAULT_OFFLINE_REASON] });
		expect(senders[1]).toMatchObject({ status: 'ONLINE', offline_reasons: null });
		const one = await twilioGet(sandbox, `/messaging/v2/Channels/Senders/${senders[0].sid}`);
		expect(one.body.status).toBe('OFFLINE');
	});

	it('takes setup faults and seeded webhooks through the control endpoint too', async () => {
		const answer = await call(`${sandbox.url}/sandbox/control`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ setupFaults: { twilio: { senderStatus: 'PENDING_VERIFICATION' } }, seedWebhooks: { twilio: { sender: { callbackUrl: 'https://n8n.example.com/c' } } } }),
		});
		expect(answer.status).toBe(200);
		expect(sandbox.setupFaults).toEqual({ twilio: { senderStatus: 'PENDING_VERIFICATION' } });
		expect(sandbox.twilioWebhooks.sender.webhook.callback_url).toBe('https://n8n.example.com/c');
		await call(`${sandbox.url}/sandbox/control`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ setupFaults: null }) });
		expect(sandbox.setupFaults).toEqual({});
	});
});
