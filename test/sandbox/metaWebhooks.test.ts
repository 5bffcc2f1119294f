import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

import { metaPayload, startSandbox, type Sandbox } from '../../sandbox';
import { call, expectMetaError, metaGet, metaPost } from './helpers';
import { WebhookServer } from './webhookServer';

/** Independent of the sandbox: HMAC-SHA256 of the raw bytes with the app secret. */
function metaSignatureValid(rawBody: Buffer, header: string | string[] | undefined, secret: string): boolean {
	if (typeof header !== 'string' || !header.startsWith('sha256=')) return false;
	const expected = createHmac('sha256', secret).update(rawBody).digest();
	const given = Buffer.from(header.slice('sha256='.length), 'hex');
	return given.length === expected.length && timingSafeEqual(given, expected);
}

describe('sandbox: Meta webhook registration and delivery', () => {
	let sandbox: Sandbox;
	let n8n: WebhookServer;
	let appToken: string;
	const V = '/v24.0';

	beforeAll(async () => {
		[sandbox, n8n] = await Promise.all([startSandbox({ webhookTimeoutMs: 2000 }), new WebhookServer().start()]);
		appToken = `${sandbox.meta.appId}|${sandbox.meta.appSecret}`;
	});
	afterAll(async () => {
		await Promise.all([sandbox.stop(), n8n.stop()]);
	});
	beforeEach(() => {
		sandbox.resetWebhooks();
		sandbox.clearDeliveries();
		n8n.reset();
	});

	const phonePath = () => `${V}/${sandbox.meta.phoneNumberId}`;
	const wabaApps = () => `${V}/${sandbox.meta.wabaId}/subscribed_apps`;
	const appSubs = () => `${V}/${sandbox.meta.appId}/subscriptions`;

	const setPhoneOverride = (url: string, token = n8n.verifyToken) =>
		metaPost(sandbox, phonePath(), { webhook_configuration: { override_callback_uri: url, verify_token: token } });
	const subscribeWaba = (body?: Record<string, string>) =>
		call(`${sandbox.graphBaseUrl}${wabaApps()}`, {
			method: 'POST',
			headers: { authorization: `Bearer ${sandbox.meta.accessToken}`, ...(body ? { 'content-type': 'application/json' } : {}) },
			body: body ? JSON.stringify(body) : undefined,
		});
	const subscribeApp = (fields: Record<string, string>, token = appToken) =>
		call(`${sandbox.graphBaseUrl}${appSubs()}`, {
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams({ access_token: token, ...fields }),
		});
	const appForm = (url = n8n.url('/app'), fields = 'messages,message_template_status_update') => ({
		object: 'whatsapp_business_account',
		callback_url: url,
		fields,
		verify_token: n8n.verifyToken,
		include_values: 'true',
	});

	describe('phone-number override: POST /<phone-number-id> webhook_configuration', () => {
		it('performs the handshake, then stores the URL and shows it in webhook_configuration', async () => {
			const answer = await setPhoneOverride(n8n.url('/phone'));
			expect(answer.status).toBe(200);
			expect(answer.body).toEqual({ success: true });

			const [get] = n8n.received;
			expect(get.method).toBe('GET');
			const query = new URL(get.url, 'http://x').searchParams;
			expect(new URL(get.url, 'http://x').pathname).toBe('/phone');
			expect(query.get('hub.mode')).toBe('subscribe');
			expect(query.get('hub.verify_token')).toBe(n8n.verifyToken);
			expect(query.get('hub.challenge')).toMatch(/^\d+$/);

			expect(sandbox.handshakes).toEqual([
				expect.objectContaining({ kind: 'handshake', level: 'phone_number', verifyToken: n8n.verifyToken, status: 200, ok: true }),
			]);
			expect(sandbox.handshakes[0].challenge).toBe(query.get('hub.challenge'));
			expect(sandbox.metaWebhooks).toEqual({ phoneNumber: { url: n8n.url('/phone'), verifyToken: n8n.verifyToken } });

			const view = await metaGet(sandbox, `${phonePath()}?fields=webhook_configuration`);
			expect(view.body).toEqual({ webhook_configuration: { phone_number: n8n.url('/phone') }, id: sandbox.meta.phoneNumberId });
		});

		it('fails with 2200 and stores nothing when the URL answers 403', async () => {
			n8n.handshake = 'forbid';
			const answer = await setPhoneOverride(n8n.url('/phone'));
			expectMetaError(answer, 400, 2200);
			expect(answer.body.error.message).toBe(
				'(#2200) Callback verification failed with the following errors: HTTP Status Code = 403; HTTP Message = Forbidden',
			);
			expect(answer.body.error.type).toBe('OAuthException');
			expect(sandbox.metaWebhooks).toEqual({});
			expect(sandbox.handshakes).toEqual([expect.objectContaining({ status: 403, ok: false })]);
		});

		it('fails when the verify token does not match what the endpoint expects', async () => {
			const answer = await setPhoneOverride(n8n.url('/phone'), 'another-token');
			expectMetaError(answer, 400, 2200);
			expect(sandbox.metaWebhooks.phoneNumber).toBeUndefined();
		});

		it('fails when the endpoint answers 200 with something other than the challenge', async () => {
			n8n.handshake = 'wrong-challenge';
			const answer = await setPhoneOverride(n8n.url('/phone'));
			expectMetaError(answer, 400, 2200);
			expect(answer.body.error.message).toMatch(/HTTP Status Code = 200; HTTP Message = OK; Response does not match challenge, expected value="\d+", received="not-the-challenge"/);
			expect(sandbox.metaWebhooks.phoneNumber).toBeUndefined();
		});

		it('fails with curl details when nothing listens at the URL', async () => {
			const closed = new WebhookServer();
			await closed.start();
			const url = closed.url('/gone');
			await closed.stop();
			const answer = await setPhoneOverride(url);
			expectMetaError(answer, 400, 2200);
			expect(answer.body.error.message).toMatch(/curl_errno = 7; .*Connection refused; HTTP Status Code = 0/);
		});

		it('clears the override with an empty URI, without a handshake', async () => {
			await setPhoneOverride(n8n.url('/phone'));
			n8n.reset();
			const answer = await metaPost(sandbox, phonePath(), { webhook_configuration: { override_callback_uri: '' } });
			expect(answer.body).toEqual({ success: true });
			expect(n8n.received).toHaveLength(0);
			expect(sandbox.metaWebhooks.phoneNumber).toBeUndefined();
			const view = await metaGet(sandbox, `${phonePath()}?fields=webhook_configuration`);
			expect(view.body).toEqual({ webhook_configuration: {}, id: sandbox.meta.phoneNumberId });
		});

		it('refuses a URI over 200 characters, a missing verify token and an unknown key with error 100', async () => {
			const long = n8n.url(`/${'x'.repeat(200)}`);
			expectMetaError(await setPhoneOverride(long), 400, 100, /at most 200 characters/);
			expectMetaError(
				await metaPost(sandbox, phonePath(), { webhook_configuration: { override_callback_uri: n8n.url() } }),
				400,
				100,
				/verify_token/,
			);
			expectMetaError(
				await metaPost(sandbox, phonePath(), { webhook_configuration: { override_callback_uri: n8n.url(), verify_token: 't', fields: 'x' } }),
				400,
				100,
				/Unexpected key "fields"/,
			);
			expect(n8n.received).toHaveLength(0);
		});

		it('needs the access token', async () => {
			const answer = await metaPost(sandbox, phonePath(), { webhook_configuration: { override_callback_uri: '' } }, 'nope');
			expectMetaError(answer, 401, 190);
		});
	});

	describe('WABA: /<waba-id>/subscribed_apps', () => {
		it('subscribes the app without a body, lists it, and unsubscribes with DELETE', async () => {
			expect((await metaGet(sandbox, wabaApps())).body).toEqual({ data: [] });
			const answer = await subscribeWaba();
			expect(answer.body).toEqual({ success: true });
			expect(n8n.received).toHaveLength(0);
			expect(sandbox.metaWebhooks.waba).toEqual({ subscribed: true });
			expect((await metaGet(sandbox, wabaApps())).body).toEqual({
				data: [
					{
						whatsapp_business_api_data: {
							id: sandbox.meta.appId,
							link: `https://www.facebook.com/games/?app_id=${sandbox.meta.appId}`,
							name: 'Omni Sandbox App',
						},
					},
				],
			});
			const deleted = await call(`${sandbox.graphBaseUrl}${wabaApps()}`, {
				method: 'DELETE',
				headers: { authorization: `Bearer ${sandbox.meta.accessToken}` },
			});
			expect(deleted.body).toEqual({ success: true });
			expect((await metaGet(sandbox, wabaApps())).body).toEqual({ data: [] });
			expect(sandbox.metaWebhooks.waba).toEqual({ subscribed: false });
		});

		it('sets an override after a handshake; a bodyless POST clears it; DELETE drops it', async () => {
			const answer = await subscribeWaba({ override_callback_uri: n8n.url('/waba'), verify_token: n8n.verifyToken });
			expect(answer.body).toEqual({ success: true });
			expect(sandbox.handshakes).toEqual([expect.objectContaining({ level: 'whatsapp_business_account', ok: true })]);
			expect(sandbox.metaWebhooks.waba).toEqual({ subscribed: true, url: n8n.url('/waba'), verifyToken: n8n.verifyToken });
			expect((await metaGet(sandbox, wabaApps())).body.data[0].override_callback_uri).toBe(n8n.url('/waba'));
			const view = await metaGet(sandbox, `${phonePath()}?fields=webhook_configuration`);
			expect(view.body.webhook_configuration).toEqual({ whatsapp_business_account: n8n.url('/waba') });

			await subscribeWaba();
			expect(sandbox.metaWebhooks.waba).toEqual({ subscribed: true });

			await subscribeWaba({ override_callback_uri: n8n.url('/waba'), verify_token: n8n.verifyToken });
			await call(`${sandbox.graphBaseUrl}${wabaApps()}`, { method: 'DELETE', headers: { authorization: `Bearer ${sandbox.meta.accessToken}` } });
			expect(sandbox.metaWebhooks.waba).toEqual({ subscribed: false });
		});

		it('stores nothing when the handshake fails', async () => {
			n8n.handshake = 'forbid';
			const answer = await subscribeWaba({ override_callback_uri: n8n.url('/waba'), verify_token: n8n.verifyToken });
			expectMetaError(answer, 400, 2200, /HTTP Status Code = 403/);
			expect(sandbox.metaWebhooks.waba).toBeUndefined();
		});

		it('needs verify_token with an override', async () => {
			expectMetaError(await subscribeWaba({ override_callback_uri: n8n.url('/waba') }), 400, 100, /verify_token/);
		});
	});

	describe('app: /<app-id>/subscriptions', () => {
		it('subscribes with an app access token (form), after a handshake, and lists fields with their version', async () => {
			const answer = await subscribeApp(appForm());
			expect(answer.status).toBe(200);
			expect(answer.body).toEqual({ success: true });
			expect(sandbox.handshakes).toEqual([expect.objectContaining({ level: 'application', ok: true, url: expect.stringContaining('/app?') })]);
			expect(sandbox.metaWebhooks.app).toEqual({
				url: n8n.url('/app'),
				fields: ['messages', 'message_template_status_update'],
				verifyToken: n8n.verifyToken,
				includeValues: true,
				versions: { messages: 'v24.0', message_template_status_update: 'v24.0' },
			});
			const list = await call(`${sandbox.graphBaseUrl}${appSubs()}`, { headers: { authorization: `Bearer ${appToken}` } });
			expect(list.body).toEqual({
				data: [
					{
						object: 'whatsapp_business_account',
						callback_url: n8n.url('/app'),
						active: true,
						fields: [
							{ name: 'messages', version: 'v24.0' },
							{ name: 'message_template_status_update', version: 'v24.0' },
						],
					},
				],
			});
			const view = await metaGet(sandbox, `${phonePath()}?fields=webhook_configuration`);
			expect(view.body.webhook_configuration).toEqual({ application: n8n.url('/app') });
		});

		it('takes JSON with fields as an array and the token as a Bearer header; adds fields on a second POST', async () => {
			await subscribeApp(appForm(n8n.url('/app'), 'messages'));
			const answer = await call(`${sandbox.graphBaseUrl}/v25.0/${sandbox.meta.appId}/subscriptions`, {
				method: 'POST',
				headers: { authorization: `Bearer ${appToken}`, 'content-type': 'application/json' },
				body: JSON.stringify({ object: 'whatsapp_business_account', callback_url: n8n.url('/app2'), fields: ['account_update'], verify_token: n8n.verifyToken }),
			});
			expect(answer.body).toEqual({ success: true });
			expect(sandbox.metaWebhooks.app).toMatchObject({
				url: n8n.url('/app2'),
				fields: ['messages', 'account_update'],
				versions: { messages: 'v24.0', account_update: 'v25.0' },
				includeValues: false,
			});
		});

		it('refuses the user access token with (#15) and a garbage token with 190', async () => {
			const user = await subscribeApp(appForm(), sandbox.meta.accessToken);
			expectMetaError(user, 400, 15);
			expect(user.body.error.message).toBe('(#15) This method must be called with an app access_token');
			expectMetaError(await subscribeApp(appForm(), `${sandbox.meta.appId}|wrong-secret`), 401, 190);
			const list = await call(`${sandbox.graphBaseUrl}${appSubs()}`, { headers: { authorization: `Bearer ${sandbox.meta.accessToken}` } });
			expectMetaError(list, 400, 15);
			expect(n8n.received).toHaveLength(0);
		});

		it('accepts an app token from GET /oauth/access_token (client_credentials)', async () => {
			const bad = await call(
				`${sandbox.graphBaseUrl}${V}/oauth/access_token?client_id=${sandbox.meta.appId}&client_secret=nope&grant_type=client_credentials`,
			);
			expect(bad.status).toBe(400);
			const token = await call(
				`${sandbox.graphBaseUrl}${V}/oauth/access_token?client_id=${sandbox.meta.appId}&client_secret=${sandbox.meta.appSecret}&grant_type=client_credentials`,
			);
			expect(token.body).toEqual({ access_token: expect.stringMatching(new RegExp(`^${sandbox.meta.appId}\\|`)), token_type: 'bearer' });
			expect((await subscribeApp(appForm(), token.body.access_token)).body).toEqual({ success: true });
		});

		it('stores nothing when the handshake fails', async () => {
			n8n.handshake = 'forbid';
			expectMetaError(await subscribeApp(appForm()), 400, 2200);
			expect(sandbox.metaWebhooks.app).toBeUndefined();
		});

		it('refuses unknown fields, another object and a missing callback_url', async () => {
			expectMetaError(await subscribeApp(appForm(n8n.url('/app'), 'messages,bogus')), 400, 100, /bogus/);
			expectMetaError(await subscribeApp({ ...appForm(), object: 'page' }), 400, 100);
			const { callback_url: _dropped, ...noUrl } = appForm();
			expectMetaError(await subscribeApp(noUrl), 400, 100, /callback_url/);
			expect(n8n.received).toHaveLength(0);
		});

		it('DELETE with object=whatsapp_business_account removes it', async () => {
			await subscribeApp(appForm());
			const answer = await call(`${sandbox.graphBaseUrl}${appSubs()}?object=whatsapp_business_account&access_token=${encodeURIComponent(appToken)}`, {
				method: 'DELETE',
			});
			expect(answer.body).toEqual({ success: true });
			expect(sandbox.metaWebhooks.app).toBeUndefined();
			const list = await call(`${sandbox.graphBaseUrl}${appSubs()}`, { headers: { authorization: `Bearer ${appToken}` } });
			expect(list.body).toEqual({ data: [] });
		});
	});

	describe('deliverMeta', () => {
		const registerAll = async () => {
			expect((await subscribeApp(appForm(n8n.url('/app')))).body).toEqual({ success: true });
			expect((await subscribeWaba({ override_callback_uri: n8n.url('/waba'), verify_token: n8n.verifyToken })).body).toEqual({ success: true });
			expect((await setPhoneOverride(n8n.url('/phone'))).body).toEqual({ success: true });
			n8n.reset();
			sandbox.clearDeliveries();
		};
		const lastPath = () => new URL(n8n.posts().at(-1)!.url, 'http://x').pathname;

		it('follows the precedence phone number > WABA > app for messages', async () => {
			await registerAll();
			await sandbox.deliverMeta(sandbox.metaPayload.message({ type: 'text', text: 'one' }));
			expect(lastPath()).toBe('/phone');
			await metaPost(sandbox, phonePath(), { webhook_configuration: { override_callback_uri: '' } });
			await sandbox.deliverMeta(sandbox.metaPayload.message({ type: 'text', text: 'two' }));
			expect(lastPath()).toBe('/waba');
			await subscribeWaba();
			await sandbox.deliverMeta(sandbox.metaPayload.message({ type: 'text', text: 'three' }));
			expect(lastPath()).toBe('/app');
			expect(sandbox.deliveries.map((d) => (d.kind === 'meta' ? d.target : d.kind))).toEqual(['phone_number', 'whatsapp_business_account', 'application']);
		});

		it('sends template and account fields to the app callback even with overrides set', async () => {
			await registerAll();
			await sandbox.deliverMeta(sandbox.metaPayload.templateStatus({ name: 'order_update', event: 'REJECTED' }));
			expect(lastPath()).toBe('/app');
			const body = JSON.parse(n8n.posts().at(-1)!.rawBody.toString('utf8'));
			expect(body.entry[0].changes[0]).toMatchObject({ field: 'message_template_status_update', value: { event: 'REJECTED', message_template_name: 'order_update' } });
		});

		it('refuses to deliver what Meta would not send', async () => {
			// Not subscribed to the WABA: nothing is delivered, even with an override.
			await subscribeApp(appForm(n8n.url('/app'), 'messages'));
			await setPhoneOverride(n8n.url('/phone'));
			await expect(sandbox.deliverMeta(metaPayload.message({ type: 'text' }))).rejects.toThrow(/not subscribed to WABA/);
			await subscribeWaba();
			// A field the app's subscription lacks.
			await expect(sandbox.deliverMeta(metaPayload.templateStatus())).rejects.toThrow(/does not include the field 'message_template_status_update'/);
			// Template fields never go to an override.
			await call(`${sandbox.graphBaseUrl}${appSubs()}?object=whatsapp_business_account&access_token=${encodeURIComponent(appToken)}`, { method: 'DELETE' });
			await expect(sandbox.deliverMeta(metaPayload.templateStatus())).rejects.toThrow(/only to the app's callback URL/);
			expect(n8n.posts()).toHaveLength(0);
			// options.url bypasses the registrations.
			const answer = await sandbox.deliverMeta(metaPayload.templateStatus(), { url: n8n.url('/given') });
			expect(answer.status).toBe(200);
			expect(lastPath()).toBe('/given');
		});

		it('signs the exact raw bytes, with non-ASCII text escaped as \\uXXXX', async () => {
			await registerAll();
			n8n.postBody = 'EVENT_RECEIVED';
			const payload = sandbox.metaPayload.message({ type: 'text', text: 'Olá, ça va? 👍 日本', name: 'Zoë' });
			const answer = await sandbox.deliverMeta(payload);
			expect(answer).toMatchObject({ status: 200, body: 'EVENT_RECEIVED' });

			const [post] = n8n.posts();
			const raw = post.rawBody.toString('utf8');
			expect(post.headers['content-type']).toBe('application/json');
			expect(post.headers['user-agent']).toBe('facebookexternalua');
			expect(metaSignatureValid(post.rawBody, post.headers['x-hub-signature-256'], sandbox.meta.appSecret)).toBe(true);
			// Every byte is ASCII; the text comes back when parsed.
			expect([...post.rawBody].every((b) => b < 0x80)).toBe(true);
			expect(raw).toContain('Ol\\u00e1, \\u00e7a va? \\ud83d\\udc4d \\u65e5\\u672c');
			expect(JSON.parse(raw)).toEqual(payload);
			// A re-serialised body is different bytes, so hashing it fails: the trigger must hash the raw body.
			expect(metaSignatureValid(Buffer.from(JSON.stringify(JSON.parse(raw))), post.headers['x-hub-signature-256'], sandbox.meta.appSecret)).toBe(false);
			expect(sandbox.deliveries).toEqual([expect.objectContaining({ kind: 'meta', rawBody: raw, status: 200, signature: 'valid', target: 'phone_number' })]);
		});

		it("sends a wrong signature or none, and the endpoint's status comes back", async () => {
			await registerAll();
			n8n.postStatus = 401;
			const wrong = await sandbox.deliverMeta(sandbox.metaPayload.message({ type: 'text' }), { signature: 'wrong' });
			expect(wrong.status).toBe(401);
			let [post] = n8n.posts();
			expect(post.headers['x-hub-signature-256']).toMatch(/^sha256=[0-9a-f]{64}$/);
			expect(metaSignatureValid(post.rawBody, post.headers['x-hub-signature-256'], sandbox.meta.appSecret)).toBe(false);

			n8n.reset();
			await sandbox.deliverMeta(sandbox.metaPayload.message({ type: 'text' }), { signature: 'missing' });
			[post] = n8n.posts();
			expect(post.headers['x-hub-signature-256']).toBeUndefined();
			expect(post.headers['x-hub-signature']).toBeUndefined();
		});

		it('sends and signs a given raw body as it is', async () => {
			await registerAll();
			const rawBody = '{"object":"whatsapp_business_account","entry":[]}  ';
			await sandbox.deliverMeta(metaPayload.message({ type: 'text' }), { rawBody });
			const [post] = n8n.posts();
			expect(post.rawBody.toString('utf8')).toBe(rawBody);
			expect(metaSignatureValid(post.rawBody, post.headers['x-hub-signature-256'], sandbox.meta.appSecret)).toBe(true);
		});

		it('throws when the URL does not answer, and records the attempt', async () => {
			const closed = new WebhookServer();
			await closed.start();
			const url = closed.url();
			await closed.stop();
			await expect(sandbox.deliverMeta(metaPayload.message({ type: 'text' }), { url })).rejects.toThrow(/no answer/);
			expect(sandbox.deliveries).toEqual([expect.objectContaining({ kind: 'meta', status: 0, error: 'ECONNREFUSED' })]);
		});

		it('makes inbound media fetchable with GET /<media-id> and its download URL', async () => {
			await registerAll();
			const bytes = Buffer.from('%PDF-1.4 sandbox test');
			const payload = metaPayload.message({ type: 'document', media: { bytes, mimeType: 'application/pdf', fileName: 'bill.pdf' }, document: { caption: 'my bill' } });
			const document = (payload.entry[0].changes[0].value.messages as Array<{ document: Record<string, string> }>)[0].document;
			expect(document).toMatchObject({ filename: 'bill.pdf', caption: 'my bill', mime_type: 'application/pdf' });
			// A standalone builder's media is stored on delivery.
			expect((await metaGet(sandbox, `${V}/${document.id}`)).status).toBe(400);
			await sandbox.deliverMeta(payload);
			const info = await metaGet(sandbox, `${V}/${document.id}`);
			expect(info.body).toMatchObject({ id: document.id, mime_type: 'application/pdf', file_size: bytes.length });
			const file = await fetch(info.body.url, { headers: { authorization: `Bearer ${sandbox.meta.accessToken}` } });
			expect(Buffer.from(await file.arrayBuffer())).toEqual(bytes);
			expect(document.sha256).toBe(createHash('sha256').update(bytes).digest('base64'));
		});

		it("the sandbox's own builder stores media at once and adds the download url", async () => {
			const payload = sandbox.metaPayload.message({ type: 'image' });
			const image = (payload.entry[0].changes[0].value.messages as Array<{ image: Record<string, string> }>)[0].image;
			expect(image.url).toMatch(new RegExp(`^${sandbox.graphBaseUrl}/media-download/${image.id}\\?token=`));
			const file = await fetch(image.url, { headers: { authorization: `Bearer ${sandbox.meta.accessToken}` } });
			expect(file.status).toBe(200);
			expect(file.headers.get('content-type')).toBe('image/jpeg');
			expect(sandbox.getMedia(image.id)?.mimeType).toBe('image/jpeg');
		});
	});
});
