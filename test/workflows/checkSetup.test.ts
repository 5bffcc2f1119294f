/**
 * Account › Check Setup, run through n8n's engine against the in-process sandbox on both
 * providers: every check ok on a healthy set-up (a published trigger and an accepted delivery
 * in the store), then each failure the sandbox or the store can be seeded with, reported with ok
 * false and its fix while the other checks stay ok; a failing look-up never stops the others;
 * no secret ever reaches an output.
 */
import type { IDataObject } from 'n8n-workflow';

import { startSandbox, type Sandbox, type SetupFaults, type WebhookSeed } from '../../sandbox';
import type { ConversationStore } from '../../nodes/WhatsAppOmni/store/types';
import { sandboxCredentials } from '../sandboxCredentials';
import { useFreshStore } from '../storeHelpers';
import { runWorkflow, sendWorkflow } from './harness';

const TRIGGER_URL = 'https://n8n.example.com/webhook/3c1d9a7e-setup/webhook';
const ELSEWHERE = 'https://other-team.example.com/whatsapp/inbound';
const LOCALHOST = 'http://localhost:5678/webhook/3c1d9a7e-setup/webhook';

const META_CHECKS = [
	'token.valid',
	'token.expiry',
	'token.scopes',
	'number.connected',
	'number.nameStatus',
	'number.quality',
	'number.throughput',
	'waba.subscribed',
	'webhook.destination',
	'webhook.messagesField',
	'webhook.published',
	'webhook.publicHttps',
	'deliveries.lastAccepted',
	'deliveries.rejected',
];

const TWILIO_CHECKS = [
	'account.active',
	'account.type',
	'sender.online',
	'webhook.destination',
	'webhook.published',
	'webhook.publicHttps',
	'deliveries.lastAccepted',
	'deliveries.rejected',
];

let sandbox: Sandbox;
let store: ConversationStore;

beforeAll(async () => {
	sandbox = await startSandbox();
});
afterAll(async () => sandbox.stop());
beforeEach(async () => {
	sandbox.resetWebhooks();
	sandbox.setSetupFaults(undefined);
	sandbox.clearInjections();
	sandbox.clearRequests();
	store = await useFreshStore();
});

const metaScope = () => ({ provider: 'meta' as const, business: sandbox.meta.phoneNumberId });
const twilioScope = () => ({ provider: 'twilio' as const, business: sandbox.twilio.whatsAppNumber.replace(/^whatsapp:/, '') });

/** A healthy Meta set-up: the number's override points at a published trigger that got a delivery. */
async function healthyMeta(seed: WebhookSeed['meta'] = {}) {
	sandbox.seedWebhooks({ meta: { waba: { subscribed: true }, app: { url: TRIGGER_URL, fields: ['messages'] }, phoneNumber: TRIGGER_URL, ...seed } });
	await store.addListener({ target: 'x', workflowId: 'w', nodeId: 'n', url: TRIGGER_URL });
	await store.recordDelivery(metaScope());
}

async function healthyTwilio(seed: WebhookSeed['twilio'] = {}) {
	sandbox.seedWebhooks({ twilio: { ...seed, sender: { callbackUrl: TRIGGER_URL, statusCallbackUrl: TRIGGER_URL, ...seed.sender } } });
	await store.addListener({ target: 'x', workflowId: 'w', nodeId: 'n', url: TRIGGER_URL });
	await store.recordDelivery(twilioScope());
}

async function check(provider: 'meta' | 'twilio', overrides: { meta?: object; twilio?: object } = {}, parameters: object = {}) {
	const result = await runWorkflow(sendWorkflow({ provider, resource: 'account', operation: 'checkSetup', ...parameters }), {
		credentials: sandboxCredentials(sandbox, overrides),
	});
	expect(result.error).toBeUndefined();
	const items = result.output('WhatsApp Omni').map((item) => item.json);
	for (const item of items) {
		expect(item).toEqual(expect.objectContaining({ check: expect.any(String), title: expect.any(String), ok: expect.any(Boolean), found: expect.any(String) }));
		// A fix exactly when the check failed.
		expect('fix' in item).toBe(item.ok === false);
	}
	const byCheck = (id: string): IDataObject => {
		const found = items.filter((item) => item.check === id);
		expect(found).toHaveLength(1);
		return found[0];
	};
	const failing = () => items.filter((item) => !item.ok).map((item) => item.check);
	return { items, byCheck, failing };
}

/** Exactly these checks fail, and check `id` says what was found and the fix. */
async function expectFinding(provider: 'meta' | 'twilio', failingChecks: string[], id: string, found: RegExp, fix: RegExp) {
	const { byCheck, failing } = await check(provider);
	expect(failing()).toEqual(failingChecks);
	expect(byCheck(id).found).toMatch(found);
	expect(byCheck(id).fix).toMatch(fix);
}

function expectNoSecret(items: IDataObject[]) {
	const text = JSON.stringify(items);
	for (const secret of [sandbox.meta.accessToken, sandbox.meta.appSecret, sandbox.twilio.authToken, sandbox.twilio.apiKeySecret]) {
		expect(text).not.toContain(secret);
	}
}

describe('Account › Check Setup on Meta', () => {
	it('reports every check ok on a healthy set-up, one item per check, without a secret', async () => {
		await healthyMeta();
		const { items, byCheck, failing } = await check('meta');
		expect(items.map((item) => item.check)).toEqual(META_CHECKS);
		expect(failing()).toEqual([]);
		expect(byCheck('token.valid').found).toMatch(/valid: a SYSTEM_USER token .*checked with the app token/);
		expect(byCheck('token.expiry').found).toBe('it never expires');
		expect(byCheck('token.scopes')).toMatchObject({ scopes: ['whatsapp_business_management', 'whatsapp_business_messaging'] });
		expect(byCheck('number.connected')).toMatchObject({ status: 'CONNECTED', platformType: 'CLOUD_API' });
		expect(byCheck('number.nameStatus')).toMatchObject({ nameStatus: 'APPROVED' });
		expect(byCheck('number.quality')).toMatchObject({ qualityRating: 'GREEN' });
		expect(byCheck('number.throughput')).toMatchObject({ throughputLevel: 'STANDARD' });
		expect(byCheck('webhook.destination')).toMatchObject({ url: TRIGGER_URL, setOn: 'phone number', appCallback: TRIGGER_URL });
		expect(byCheck('webhook.messagesField')).toMatchObject({ fields: ['messages'] });
		expect(byCheck('webhook.published').found).toMatch(/is the production URL of the WhatsApp Omni Trigger in workflow w/);
		expect(byCheck('deliveries.lastAccepted')).toMatchObject({ acceptedCount: 1, business: sandbox.meta.phoneNumberId });
		expectNoSecret(items);

		// The token went as input_token with the app token, never as an output.
		const debug = sandbox.requests.find((r) => r.path === '/v24.0/debug_token');
		expect(debug?.query.input_token).toBe(sandbox.meta.accessToken);
		expect(debug?.headers.authorization).toBe(`Bearer ${sandbox.meta.appId}|${sandbox.meta.appSecret}`);
		// Read only: Check Setup changes nothing.
		expect(sandbox.requests.filter((r) => r.method !== 'GET')).toEqual([]);
	});

	it.each<[string, SetupFaults['meta'], string[], string, RegExp, RegExp]>([
		['an expiring token', { tokenExpiresInSeconds: 2 * 86_400 }, ['token.expiry'], 'token.expiry', /expires on .*in 2 days/, /never expires/],
		['a token without the management permission', { tokenScopes: ['whatsapp_business_messaging'] }, ['token.scopes'], 'token.scopes', /lacks whatsapp_business_management/, /whatsapp_business_management ticked/],
		['a number not connected', { phoneNumber: { status: 'DISCONNECTED' } }, ['number.connected'], 'number.connected', /is DISCONNECTED, not CONNECTED/, /WhatsApp Manager/],
		['a number not on the Cloud API', { phoneNumber: { platform_type: 'ON_PREMISE' } }, ['number.connected'], 'number.connected', /on ON_PREMISE, not the Cloud API/, /Migrate the number/],
		['a number not registered', { phoneNumber: { status: 'PENDING' } }, ['number.connected'], 'number.connected', /not registered with the Cloud API/, /register/],
		['a declined display name', { phoneNumber: { name_status: 'DECLINED' } }, ['number.nameStatus'], 'number.nameStatus', /“Omni Sandbox” is DECLINED/, /display name guidelines/],
		['a RED quality rating', { phoneNumber: { quality_rating: 'RED' } }, ['number.quality'], 'number.quality', /RED \(low\)/, /opted in/],
		['no throughput level', { phoneNumber: { throughput: { level: 'NOT_APPLICABLE' } } }, ['number.throughput'], 'number.throughput', /NOT_APPLICABLE/, /Register the number/],
	])('reports %s with its fix, the other checks still ok', async (_label, faults, failingChecks, id, found, fix) => {
		await healthyMeta();
		sandbox.setSetupFaults({ meta: faults });
		const { byCheck, failing, items } = await check('meta');
		expect(failing()).toEqual(failingChecks);
		expect(byCheck(id).found).toMatch(found);
		expect(byCheck(id).fix).toMatch(fix);
		expectNoSecret(items);
	});

	it('reports an expired token, and the look-ups Meta then refuses, without stopping', async () => {
		await healthyMeta();
		sandbox.setSetupFaults({ meta: { tokenExpired: true } });
		const { byCheck, failing, items } = await check('meta');
		expect(byCheck('token.valid')).toMatchObject({ ok: false, found: expect.stringMatching(/not valid: Error validating access token: Session has expired.*code 190, subcode 463/) });
		expect(byCheck('token.valid').fix).toMatch(/Paste a valid access token/);
		expect(byCheck('token.expiry').found).toMatch(/it expired on /);
		// Every call with the token fails with Meta's 190, named with its hint.
		expect(byCheck('number.connected').found).toMatch(/Meta answered with error 190: The access token is invalid or has expired/);
		expect(byCheck('number.connected').fix).toMatch(/valid access token/);
		expect(failing()).toEqual([
			'token.valid',
			'token.expiry',
			'number.connected',
			'number.nameStatus',
			'number.quality',
			'number.throughput',
			'waba.subscribed',
			'webhook.destination',
			'webhook.published',
			'webhook.publicHttps',
		]);
		// The app token still reads the app's fields, and the store still answers.
		expect(byCheck('webhook.messagesField').ok).toBe(true);
		expect(byCheck('deliveries.lastAccepted').ok).toBe(true);
		expect(byCheck('webhook.published').found).toMatch(/^not checked: where the webhooks go could not be read/);
		expectNoSecret(items);
	});

	it.each<[string, WebhookSeed['meta'], string[], string, RegExp, RegExp]>([
		['the app not subscribed to the WABA', { waba: { subscribed: false } }, ['waba.subscribed'], 'waba.subscribed', /no app is subscribed to the WhatsApp Business Account/, /subscribed_apps/],
		[
			'the messages field not subscribed',
			{ app: { url: TRIGGER_URL, fields: ['message_template_status_update'] } },
			['webhook.messagesField'],
			'webhook.messagesField',
			/does not include messages \(it has: message_template_status_update\)/,
			/Webhook fields/,
		],
		['no app subscription at all', { app: null }, ['webhook.messagesField'], 'webhook.messagesField', /no webhook subscription/, /Webhook fields/],
		['the webhooks going elsewhere', { phoneNumber: ELSEWHERE }, ['webhook.published'], 'webhook.published', /other-team.*is not the URL of a published WhatsApp Omni Trigger/, /Publish the workflow/],
		['the webhooks going to localhost over http', { phoneNumber: LOCALHOST }, ['webhook.published', 'webhook.publicHttps'], 'webhook.publicHttps', /uses http, not https, and its host points at localhost/, /WEBHOOK_URL/],
		['no callback URL anywhere', { phoneNumber: null, app: null }, ['webhook.destination', 'webhook.messagesField', 'webhook.published', 'webhook.publicHttps'], 'webhook.destination', /no callback URL is set/, /Publish a workflow with the WhatsApp Omni Trigger/],
	])('reports %s with its fix', async (_label, seed, failingChecks, id, found, fix) => {
		await healthyMeta(seed);
		await expectFinding('meta', failingChecks, id, found, fix);
	});

	it('takes the WABA override when the number has none, and names every URL it found', async () => {
		await healthyMeta({ phoneNumber: null, waba: { subscribed: true, url: TRIGGER_URL }, app: { url: ELSEWHERE, fields: ['messages'] } });
		const { byCheck, failing } = await check('meta');
		expect(failing()).toEqual([]);
		expect(byCheck('webhook.destination')).toMatchObject({ url: TRIGGER_URL, setOn: 'WhatsApp Business Account', wabaOverride: TRIGGER_URL, appCallback: ELSEWHERE });
		expect(byCheck('webhook.destination').found).toMatch(/; the Meta app’s callback URL is https:\/\/other-team\S+ \(template and account webhooks go there\)$/);
	});

	it('reports that no delivery reached a trigger yet, with the fix to publish and write', async () => {
		sandbox.seedWebhooks({ meta: { waba: { subscribed: true }, app: { url: TRIGGER_URL }, phoneNumber: TRIGGER_URL } });
		await store.addListener({ target: 'x', workflowId: 'w', nodeId: 'n', url: TRIGGER_URL });
		const { byCheck, failing } = await check('meta');
		expect(failing()).toEqual(['deliveries.lastAccepted']);
		expect(byCheck('deliveries.lastAccepted')).toMatchObject({
			found: expect.stringMatching(/no accepted delivery for 106540352242922/),
			fix: 'Publish a workflow with the WhatsApp Omni Trigger and send a message to the number.',
			acceptedCount: 0,
		});
	});

	it('reports each reason deliveries were rejected for, with its count, last time and fix', async () => {
		await healthyMeta();
		await store.recordDelivery(metaScope(), 'signature mismatch');
		await store.recordDelivery(metaScope(), 'signature mismatch');
		await store.recordDelivery(metaScope(), 'wrong verify token');
		await store.recordDelivery(metaScope(), 'unknown number');
		await store.recordDelivery(metaScope(), 'not a webhook of this provider');
		const { byCheck, failing, items } = await check('meta');
		expect(failing().sort()).toEqual([
			'deliveries.rejected.notAWebhookOfThisProvider',
			'deliveries.rejected.signatureMismatch',
			'deliveries.rejected.unknownNumber',
			'deliveries.rejected.wrongVerifyToken',
		]);
		expect(items.some((item) => item.check === 'deliveries.rejected')).toBe(false);
		expect(byCheck('deliveries.rejected.signatureMismatch')).toMatchObject({
			reason: 'signature mismatch',
			count: 2,
			lastAt: expect.any(String),
			found: expect.stringMatching(/^2 deliveries for 106540352242922 rejected \(signature mismatch\) since .*, the last at /),
			fix: expect.stringMatching(/^The App Secret in the credential is not this app’s/),
		});
		expect(byCheck('deliveries.rejected.wrongVerifyToken').fix).toMatch(/publish the workflow again .* Manual registration copy the trigger’s verify token/);
		expect(byCheck('deliveries.rejected.unknownNumber').fix).toMatch(/for a number this credential does not have/);
		expect(byCheck('deliveries.rejected.notAWebhookOfThisProvider').fix).toMatch(/Something other than Meta/);
		// Rejections do not hide that deliveries are accepted too.
		expect(byCheck('deliveries.lastAccepted').ok).toBe(true);
	});

	it('checks the token with the token itself when the credential has no App ID and App Secret, and says so', async () => {
		await healthyMeta();
		const { byCheck, failing, items } = await check('meta', { meta: { appId: '', appSecret: '' } });
		expect(byCheck('token.valid').found).toMatch(/checked with the token itself \(the credential has no App ID and App Secret\)/);
		expect(failing()).toEqual(['webhook.messagesField']);
		expect(byCheck('webhook.messagesField')).toMatchObject({
			found: expect.stringMatching(/^not checked: .*no App ID and App Secret/),
			fix: expect.stringMatching(/Fill in App ID and App Secret/),
		});
		const debug = sandbox.requests.find((r) => r.path === '/v24.0/debug_token');
		expect(debug?.headers.authorization).toBe(`Bearer ${sandbox.meta.accessToken}`);
		expectNoSecret(items);
	});

	it('names a missing WhatsApp Business Account ID as the reason the subscription was not checked', async () => {
		await healthyMeta();
		const { byCheck, failing } = await check('meta', { meta: { businessAccountId: '' } });
		expect(failing()).toEqual(['waba.subscribed']);
		expect(byCheck('waba.subscribed')).toMatchObject({
			found: 'not checked: the Meta credential has no WhatsApp Business Account ID',
			fix: expect.stringMatching(/Copy the WhatsApp Business Account ID/),
		});
	});

	it('goes on with every other check when a look-up fails, naming Meta’s error code and message', async () => {
		await healthyMeta();
		const phone = new RegExp(`^/v24\\.0/${sandbox.meta.phoneNumberId}$`);
		sandbox.injectResponse(
			{ provider: 'meta', method: 'GET', path: phone },
			{ status: 403, body: { error: { message: '(#200) Requires whatsapp_business_management permission', type: 'OAuthException', code: 200, fbtrace_id: 'AbC' } } },
			2,
		);
		const { byCheck, failing, items } = await check('meta');
		expect(failing()).toEqual([
			'number.connected',
			'number.nameStatus',
			'number.quality',
			'number.throughput',
			'webhook.destination',
			'webhook.published',
			'webhook.publicHttps',
		]);
		expect(byCheck('number.connected')).toMatchObject({
			found: expect.stringMatching(/^the look-up failed: Meta answered with error 200: Permission denied \(\(#200\) Requires whatsapp_business_management permission\)/),
			fix: expect.stringMatching(/whatsapp_business_messaging and whatsapp_business_management/),
		});
		expect(byCheck('webhook.published').found).toMatch(/^not checked: where the webhooks go could not be read \(the look-up failed: Meta answered with error 200/);
		for (const id of ['token.valid', 'token.expiry', 'token.scopes', 'waba.subscribed', 'webhook.messagesField', 'deliveries.lastAccepted', 'deliveries.rejected']) {
			expect(byCheck(id).ok).toBe(true);
		}
		expectNoSecret(items);
	});
});

describe('Account › Check Setup on Twilio', () => {
	it('reports every check ok on a healthy set-up, one item per check, without a secret', async () => {
		await healthyTwilio();
		const { items, byCheck, failing } = await check('twilio');
		expect(items.map((item) => item.check)).toEqual(TWILIO_CHECKS);
		expect(failing()).toEqual([]);
		expect(byCheck('account.active')).toMatchObject({ accountStatus: 'active', accountType: 'Full' });
		expect(byCheck('sender.online')).toMatchObject({ sender: sandbox.twilio.whatsAppNumber, senderStatus: 'ONLINE' });
		expect(byCheck('webhook.destination')).toMatchObject({ messagesUrl: TRIGGER_URL, statusesUrl: TRIGGER_URL });
		expect(byCheck('webhook.published').found).toMatch(/\(messages and statuses\) is the production URL of the WhatsApp Omni Trigger in workflow w/);
		expect(byCheck('deliveries.lastAccepted')).toMatchObject({ business: '+14155238886', acceptedCount: 1 });
		expectNoSecret(items);
		// The account resource carries the Auth Token: it must not leak into the output.
		expect(sandbox.requests.some((r) => /\/Accounts\/AC[0-9a-f]+\.json$/.test(r.path))).toBe(true);
		expect(sandbox.requests.filter((r) => r.method !== 'GET')).toEqual([]);
	});

	it.each<[string, SetupFaults['twilio'], string[], string, RegExp, RegExp]>([
		['a suspended account', { accountStatus: 'suspended' }, ['account.active'], 'account.active', /is suspended/, /Reactivate the account/],
		['a closed account', { accountStatus: 'closed' }, ['account.active'], 'account.active', /is closed/, /active Twilio account/],
		['a Trial account', { accountType: 'Trial' }, ['account.type'], 'account.type', /Trial account: only numbers verified in the account can be messaged/, /Upgrade the account/],
		['an OFFLINE sender', { senderStatus: 'OFFLINE' }, ['sender.online'], 'sender.online', /whatsapp:\+14155238886 \(XE[0-9a-f]{32}\) is OFFLINE: 63112: The Meta Business Manager account has been disabled/, /offline reason/],
		['a sender still in review', { senderStatus: 'TWILIO_REVIEW' }, ['sender.online'], 'sender.online', /is TWILIO_REVIEW, not ONLINE yet/, /Finish the sender’s registration/],
	])('reports %s with its fix, the other checks still ok', async (_label, faults, failingChecks, id, found, fix) => {
		await healthyTwilio();
		sandbox.setSetupFaults({ twilio: faults });
		const { byCheck, failing, items } = await check('twilio');
		expect(failing()).toEqual(failingChecks);
		expect(byCheck(id).found).toMatch(found);
		expect(byCheck(id).fix).toMatch(fix);
		expectNoSecret(items);
	});

	it.each<[string, WebhookSeed['twilio'], string[], string, RegExp, RegExp]>([
		['the webhook going elsewhere', { sender: { callbackUrl: ELSEWHERE } }, ['webhook.published'], 'webhook.published', /other-team.*\(messages, the WhatsApp sender’s webhook\) is not the URL of a published/, /Publish the workflow/],
		['the status callback on localhost over http', { sender: { statusCallbackUrl: LOCALHOST } }, ['webhook.published', 'webhook.publicHttps'], 'webhook.publicHttps', /\(statuses\) uses http, not https, and its host points at localhost/, /WEBHOOK_URL/],
		['no webhook at all', { sender: { callbackUrl: null, statusCallbackUrl: null } }, ['webhook.destination', 'webhook.published', 'webhook.publicHttps'], 'webhook.destination', /no URL is set for incoming messages/, /Publish a workflow with the WhatsApp Omni Trigger/],
	])('reports %s with its fix', async (_label, seed, failingChecks, id, found, fix) => {
		await healthyTwilio(seed);
		await expectFinding('twilio', failingChecks, id, found, fix);
	});

	it('follows the Messaging Service’s inbound URL, which wins over the sender’s webhook', async () => {
		await healthyTwilio({ service: { inboundRequestUrl: ELSEWHERE } });
		const withService = { twilio: { messagingServiceSid: sandbox.twilio.messagingServiceSid } };
		const { byCheck, failing } = await check('twilio', withService);
		expect(failing()).toEqual(['webhook.published']);
		expect(byCheck('webhook.destination')).toMatchObject({ messagesUrl: ELSEWHERE, serviceInboundUrl: ELSEWHERE, senderWebhook: TRIGGER_URL, useInboundWebhookOnNumber: false });
		expect(byCheck('webhook.destination').found).toMatch(/incoming messages go to https:\/\/other-team.* \(the Messaging Service’s inbound URL\)/);

		sandbox.seedWebhooks({ twilio: { service: { useInboundWebhookOnNumber: true } } });
		const deferred = await check('twilio', withService);
		expect(deferred.failing()).toEqual([]);
		expect(deferred.byCheck('webhook.destination')).toMatchObject({ messagesUrl: TRIGGER_URL, useInboundWebhookOnNumber: true });
	});

	it('finds the sender and the store’s number from the account when the credential has only a Messaging Service', async () => {
		await healthyTwilio();
		// Two WhatsApp senders in the account: the sender SID picks one.
		const sid = sandbox.twilioWebhooks.sender.sid;
		const serviceOnly = { twilio: { whatsAppNumber: '', messagingServiceSid: sandbox.twilio.messagingServiceSid } };
		const ambiguous = await check('twilio', serviceOnly);
		expect(ambiguous.byCheck('sender.online')).toMatchObject({ ok: false, found: expect.stringMatching(/has 2 WhatsApp senders/), fix: expect.stringMatching(/sender SID/) });
		const chosen = await check('twilio', serviceOnly, { options: { senderSid: sid } });
		expect(chosen.failing()).toEqual([]);
		expect(chosen.byCheck('deliveries.lastAccepted')).toMatchObject({ business: '+14155238886' });
	});

	it('gives the Twilio fix for rejected signatures', async () => {
		await healthyTwilio();
		await store.recordDelivery(twilioScope(), 'signature mismatch');
		const { byCheck, failing } = await check('twilio');
		expect(failing()).toEqual(['deliveries.rejected.signatureMismatch']);
		expect(byCheck('deliveries.rejected.signatureMismatch').fix).toMatch(
			/^The Auth Token in the credential is not this account’s, or the URL Twilio signs differs from n8n’s \(set WEBHOOK_URL/,
		);
	});

	it('goes on with every other check when a look-up fails, naming Twilio’s error code and message', async () => {
		await healthyTwilio();
		sandbox.injectResponse(
			{ provider: 'twilio', method: 'GET', path: /^\/api\/2010-04-01\/Accounts\/AC[0-9a-f]+\.json$/ },
			{ status: 403, body: { code: 20403, message: 'Forbidden: this API key cannot read the account', more_info: 'https://www.twilio.com/docs/errors/20403', status: 403 } },
		);
		const { byCheck, failing, items } = await check('twilio');
		expect(failing()).toEqual(['account.active', 'account.type']);
		expect(byCheck('account.active').found).toMatch(/^the look-up failed: Twilio answered with error 20403: Forbidden: this API key cannot read the account/);
		expect(byCheck('account.active').fix).toEqual(expect.any(String));
		expect(byCheck('sender.online').ok).toBe(true);
		expectNoSecret(items);
	});
});
