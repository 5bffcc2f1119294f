/**
 * Meta's verification handshake (GET hub.mode / hub.verify_token / hub.challenge): what the
 * trigger echoes, with which headers, and which verify tokens it takes — bound to the workflow,
 * node and activation, including the queue-mode case where the handshake reaches a process that
 * only sees the static data n8n saved before the activation.
 */
import nock from 'nock';
import type { IDataObject } from 'n8n-workflow';

import { MetaProvider } from '../../nodes/WhatsAppOmni/providers/meta/MetaProvider';
import { FRESH_VERIFY_TOKEN_MS } from '../../nodes/WhatsAppOmni/providers/meta/signature';
import { useFreshStore } from '../storeHelpers';
import { useNock } from '../unit/nockHelpers';
import { callWebhook, hookContext, trigger, triggerBinding, type TriggerSetup, type WebhookCall } from './context';

const WEBHOOK_URL = 'https://n8n.example.com/webhook/0f1e2d3c/webhook';
const GRAPH = 'https://graph.facebook.com';
const PHONE = '106540352242922';
const WABA = '102290129340398';

const metaCredentials = {
	accessToken: 'EAAG-handshake',
	phoneNumberId: PHONE,
	businessAccountId: WABA,
	appId: '1234567890',
	appSecret: 'handshake-test-app-secret',
};

const setup = (parameters: IDataObject = {}, staticData?: IDataObject, workflowId?: string): TriggerSetup => ({
	parameters: { provider: 'meta', metaRegistration: 'phoneNumber', ...parameters },
	credentials: { whatsAppOmniMetaApi: metaCredentials },
	webhookUrl: WEBHOOK_URL,
	staticData,
	workflowId,
});

const handshake = (token: unknown, challenge: unknown = '1158201444'): WebhookCall => ({
	webhookName: 'setup',
	url: '/webhook/0f1e2d3c/webhook',
	headers: {},
	query: { 'hub.mode': 'subscribe', 'hub.verify_token': token, 'hub.challenge': challenge } as IDataObject,
	body: {},
	rawBody: Buffer.from(''),
});

const tokenFor = (workflowId = 'wf-1') => new MetaProvider(metaCredentials).createVerifyToken(triggerBinding(workflowId));

useNock();
afterEach(() => jest.restoreAllMocks());

describe('the handshake answer', () => {
	it('echoes a genuine challenge as text/plain with X-Content-Type-Options: nosniff', async () => {
		const { response, headers, executed } = await callWebhook(setup(), handshake(tokenFor()));
		expect(response).toEqual({ status: 200, contentType: 'text/plain', body: '1158201444' });
		expect(headers).toEqual({ 'x-content-type-options': 'nosniff' });
		expect(executed).toBe(false);
	});

	it.each(['1', 'abc-DEF_1.2', '9'.repeat(256)])('echoes the safe challenge %s', async (challenge) => {
		expect((await callWebhook(setup(), handshake(tokenFor(), challenge))).response).toMatchObject({ status: 200, body: challenge });
	});

	const unsafe: Array<[string, unknown]> = [
		['a script', '<script>alert(document.domain)</script>'],
		['HTML', '<html><body>log in again</body></html>'],
		['a javascript: URL', 'javascript:alert(1)'],
		['spaces', '1 2'],
		['a line break', '1\r\nSet-Cookie: a=b'],
		['non-ASCII text', 'café'],
		['an empty string', ''],
		['257 characters', '9'.repeat(257)],
		['two values', ['1', '2']],
		['an object', { a: '1' }],
	];

	it.each(unsafe)('refuses a challenge with %s exactly like a wrong token (403), with a valid automatic token', async (_name, challenge) => {
		const refused = await callWebhook(setup(), handshake(tokenFor(), challenge));
		const wrongToken = await callWebhook(setup(), handshake('guess'));
		expect(refused.response).toEqual({ status: 403, contentType: 'text/plain', body: 'Forbidden' });
		expect(refused.response).toEqual(wrongToken.response);
		expect(refused.headers).toEqual({ 'x-content-type-options': 'nosniff' });
		expect(refused.executed).toBe(false);
	});

	it.each(unsafe)('refuses a challenge with %s with Manual registration’s own token too', async (_name, challenge) => {
		const manual = setup({ metaRegistration: 'manual', verifyToken: 'my-own-token' });
		expect((await callWebhook(manual, handshake('my-own-token', challenge))).response).toEqual({ status: 403, contentType: 'text/plain', body: 'Forbidden' });
		expect((await callWebhook(manual, handshake('my-own-token', '42'))).response).toEqual({ status: 200, contentType: 'text/plain', body: '42' });
	});
});

describe('verify tokens are bound to the workflow and the activation', () => {
	const minutes = (n: number) => n * 60_000;
	const later = (ms: number) => {
		const now = Date.now() + ms;
		jest.spyOn(Date, 'now').mockReturnValue(now);
	};
	const registered = (verifyToken: string): IDataObject => ({ registration: { mode: 'phoneNumber', url: WEBHOOK_URL, verifyToken } });

	it('refuses a token made with the same credential for another workflow, and counts the refusal for Check Setup', async () => {
		const store = await useFreshStore();
		expect((await callWebhook(setup({}, {}, 'wf-1'), handshake(tokenFor('wf-2')))).response.status).toBe(403);
		expect((await callWebhook(setup({}, {}, 'wf-2'), handshake(tokenFor('wf-2')))).response.status).toBe(200);
		expect(await store.getDeliveries({ provider: 'meta', business: PHONE })).toEqual([expect.objectContaining({ rejectedBecause: 'wrong verify token', count: 1 })]);
	});

	it('takes the saved token of the current activation for as long as it is saved, and nothing older', async () => {
		const earlier = tokenFor();
		later(1000);
		const current = tokenFor();
		later(minutes(60 * 24 * 7));
		expect((await callWebhook(setup({}, registered(current)), handshake(current))).response.status).toBe(200);
		expect((await callWebhook(setup({}, registered(current)), handshake(earlier))).response.status).toBe(403);
		// Deactivation dropped the registration: nothing of that activation is taken any more.
		expect((await callWebhook(setup({}, {}), handshake(current))).response.status).toBe(403);
	});

	it('refuses a token of an earlier activation of the same workflow, even minutes old, once a newer one is saved', async () => {
		const earlier = tokenFor();
		later(minutes(1));
		const current = tokenFor();
		expect((await callWebhook(setup({}, registered(current)), handshake(earlier))).response.status).toBe(403);
	});

	it('refuses a token nobody saved once its minutes are over (an activation that failed or was undone)', async () => {
		const token = tokenFor();
		later(FRESH_VERIFY_TOKEN_MS + 1000);
		expect((await callWebhook(setup({}, {}), handshake(token))).response.status).toBe(403);
	});

	/**
	 * Activation as n8n runs it in queue mode: Meta's handshake arrives *during* create, on a
	 * process that reads the static data n8n last saved (n8n saves it only after create
	 * returns). Each handshake here runs with a copy of the static data as it was before create.
	 */
	describe('activation, re-activation and deactivation, the handshake seeing only saved static data', () => {
		const handshakes: Array<{ token: string; status?: number }> = [];

		/** Meta's side of phone-number registration: the handshake is made inside the POST. */
		function metaRegistersWithHandshake(saved: () => IDataObject) {
			nock(GRAPH).post(`/v24.0/${WABA}/subscribed_apps`).reply(200, { success: true });
			nock(GRAPH)
				.post(`/v24.0/${PHONE}`, (body: { webhook_configuration?: { override_callback_uri?: string } }) => !!body.webhook_configuration?.override_callback_uri)
				.reply(async (_uri, body) => {
					const token = (body as { webhook_configuration: { verify_token: string } }).webhook_configuration.verify_token;
					const { response } = await callWebhook(setup({}, structuredClone(saved())), handshake(token, '4242'));
					handshakes.push({ token, status: response.status });
					return response.status === 200 && response.body === '4242'
						? [200, { success: true }]
						: [400, { error: { message: 'Callback verification failed', type: 'OAuthException', code: 2200 } }];
				});
		}

		function metaUnregisters() {
			nock(GRAPH)
				.get(`/v24.0/${PHONE}`)
				.query({ fields: 'webhook_configuration' })
				.reply(200, { webhook_configuration: { phone_number: WEBHOOK_URL } });
			nock(GRAPH).post(`/v24.0/${PHONE}`, { webhook_configuration: { override_callback_uri: '' } }).reply(200, { success: true });
		}

		beforeEach(() => {
			handshakes.length = 0;
		});

		it('each activation’s handshake passes, and afterwards only the latest activation’s token is taken', async () => {
			const trigger = setup({}, {});
			const hooks = hookContext(trigger);
			const methods = triggerMethods();

			// First activation: nothing saved yet.
			const savedBefore1 = structuredClone(trigger.staticData!);
			metaRegistersWithHandshake(() => savedBefore1);
			await methods.create.call(hooks);
			const first = handshakes[0];
			expect(first.status).toBe(200);
			expect((trigger.staticData!.registration as IDataObject).verifyToken).toBe(first.token);

			// Deactivation drops the registration and its token; then the workflow is activated again.
			metaUnregisters();
			expect(await methods.delete.call(hooks)).toBe(true);
			expect(trigger.staticData!.registration).toBeUndefined();
			const savedBefore2 = structuredClone(trigger.staticData!);
			metaRegistersWithHandshake(() => savedBefore2);
			await methods.create.call(hooks);
			const second = handshakes[1];
			expect(second.status).toBe(200);
			expect(second.token).not.toBe(first.token);

			// Saved now: the first activation's token is refused, the current one taken.
			expect((await callWebhook(trigger, handshake(first.token))).response.status).toBe(403);
			expect((await callWebhook(trigger, handshake(second.token))).response.status).toBe(200);
			expect(nock.pendingMocks()).toEqual([]);
		});

		it('re-registers when the saved registration outlived its webhook (removed in Meta’s dashboard), the handshake seeing the stale token', async () => {
			const stale = tokenFor();
			const trigger = setup({}, registered(stale));
			const hooks = hookContext(trigger);
			later(minutes(60));
			const savedBefore = structuredClone(trigger.staticData!);
			metaRegistersWithHandshake(() => savedBefore);
			await triggerMethods().create.call(hooks);
			expect(handshakes).toEqual([{ token: expect.any(String), status: 200 }]);
			const fresh = handshakes[0].token;
			expect((await callWebhook(trigger, handshake(stale))).response.status).toBe(403);
			expect((await callWebhook(trigger, handshake(fresh))).response.status).toBe(200);
		});
	});
});

function triggerMethods() {
	return trigger.webhookMethods.default;
}
