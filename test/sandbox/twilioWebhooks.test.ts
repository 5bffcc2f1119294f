import { createHash, createHmac } from 'node:crypto';

import twilio from 'twilio';

import { OTHER_SENDER_NUMBER, startSandbox, twilioParams, type Sandbox } from '../../sandbox';
import { basic, call, expectTwilioError, twilioAuth, twilioGet, twilioPostForm, twilioPostJson } from './helpers';
import { WebhookServer, type Received } from './webhookServer';

type SdkRequestOptions<TData> = Parameters<InstanceType<typeof twilio.RequestClient>['request']>[0] & { data?: TData };

/** Independent of the twilio package: base64 HMAC-SHA1 over the URL and the sorted name+value pairs. */
function handSignature(authToken: string, url: string, params: Record<string, string>): string {
	const data = Object.keys(params)
		.sort()
		.reduce((acc, key) => acc + key + params[key], url);
	return createHmac('sha1', authToken).update(Buffer.from(data, 'utf8')).digest('base64');
}

function formOf(received: Received): Record<string, string> {
	return Object.fromEntries(new URLSearchParams(received.rawBody.toString('utf8')));
}

describe('sandbox: Twilio webhook resources and delivery', () => {
	let sandbox: Sandbox;
	let n8n: WebhookServer;
	const SENDERS = '/messaging/v2/Channels/Senders';

	beforeAll(async () => {
		[sandbox, n8n] = await Promise.all([startSandbox({ webhookTimeoutMs: 2000 }), new WebhookServer().start()]);
	});
	afterAll(async () => {
		await Promise.all([sandbox.stop(), n8n.stop()]);
	});
	beforeEach(() => {
		sandbox.resetWebhooks();
		sandbox.clearDeliveries();
		sandbox.clearRequests();
		n8n.reset();
	});

	const ownSid = () => sandbox.twilioWebhooks.sender.sid;
	const servicePath = () => `/messaging/v1/Services/${sandbox.twilio.messagingServiceSid}`;
	const setSenderWebhook = (webhook: Record<string, string | null>, sid = ownSid()) => twilioPostJson(sandbox, `${SENDERS}/${sid}`, { webhook });

	describe('Senders API (messaging v2)', () => {
		it('lists the WhatsApp senders: the account number ONLINE and one other', async () => {
			const answer = await twilioGet(sandbox, `${SENDERS}?Channel=whatsapp`);
			expect(answer.status).toBe(200);
			expect(answer.body.meta).toMatchObject({ key: 'senders', page: 0, page_size: 50, next_page_url: null, previous_page_url: null });
			expect(answer.body.senders.map((s: { sender_id: string }) => s.sender_id)).toEqual([sandbox.twilio.whatsAppNumber, OTHER_SENDER_NUMBER]);
			const [own] = answer.body.senders;
			expect(own).toEqual({
				sid: expect.stringMatching(/^XE[0-9a-f]{32}$/),
				status: 'ONLINE',
				sender_id: 'whatsapp:+14155238886',
				configuration: expect.objectContaining({ waba_id: sandbox.meta.wabaId }),
				webhook: {
					callback_url: null,
					callback_method: 'POST',
					fallback_url: null,
					fallback_method: 'POST',
					status_callback_url: null,
					status_callback_method: 'POST',
				},
				profile: expect.objectContaining({ name: 'Omni Sandbox' }),
				properties: { quality_rating: 'HIGH', messaging_limit: expect.any(String) },
				offline_reasons: null,
				compliance: null,
				url: `${sandbox.twilioBaseUrl}${SENDERS}/${own.sid}`,
			});
			expect((await twilioGet(sandbox, `${SENDERS}?Channel=rcs`)).body.senders).toEqual([]);
		});

		it('pages with PageSize and the next page URL', async () => {
			const first = await twilioGet(sandbox, `${SENDERS}?Channel=whatsapp&PageSize=1`);
			expect(first.body.senders).toHaveLength(1);
			const next = new URL(first.body.meta.next_page_url);
			expect(next.searchParams.get('PageToken')).toBe(`PA${first.body.senders[0].sid}`);
			const second = await call(next.toString(), { headers: { authorization: twilioAuth(sandbox) } });
			expect(second.body.senders.map((s: { sender_id: string }) => s.sender_id)).toEqual([OTHER_SENDER_NUMBER]);
			expect(second.body.meta.next_page_url).toBeNull();
		});

		it('checks the list request against the OpenAPI description (Channel is required)', async () => {
			expectTwilioError(await twilioGet(sandbox, SENDERS), 400, 20001, /Channel/);
			expectTwilioError(await twilioGet(sandbox, `${SENDERS}?Channel=whatsapp&PageSize=0`), 400, 20001);
		});

		it('fetches one sender; an unknown or malformed SID is 404', async () => {
			const answer = await twilioGet(sandbox, `${SENDERS}/${ownSid()}`);
			expect(answer.body).toMatchObject({ sid: ownSid(), sender_id: sandbox.twilio.whatsAppNumber, status: 'ONLINE' });
			expectTwilioError(await twilioGet(sandbox, `${SENDERS}/XE${'0'.repeat(32)}`), 404, 20404);
			expectTwilioError(await twilioGet(sandbox, `${SENDERS}/XE123`), 404, 20404);
		});

		it('updates only the given webhook fields and answers 202 with the sender', async () => {
			const answer = await setSenderWebhook({ callback_url: n8n.url('/in'), status_callback_url: n8n.url('/status') });
			expect(answer.status).toBe(202);
			expect(answer.body.webhook).toEqual({
				callback_url: n8n.url('/in'),
				callback_method: 'POST',
				fallback_url: null,
				fallback_method: 'POST',
				status_callback_url: n8n.url('/status'),
				status_callback_method: 'POST',
			});
			await setSenderWebhook({ callback_method: 'PUT', fallback_url: n8n.url('/fallback') });
			const { sender, senders } = sandbox.twilioWebhooks;
			expect(sender.webhook).toMatchObject({ callback_url: n8n.url('/in'), callback_method: 'PUT', fallback_url: n8n.url('/fallback') });
			// The other number's sender is untouched.
			expect(senders[1].webhook.callback_url).toBe('https://other-team.example.com/whatsapp/inbound');
			expect((await twilioGet(sandbox, `${SENDERS}/${ownSid()}`)).body.webhook.callback_url).toBe(n8n.url('/in'));
			// null clears a field.
			await setSenderWebhook({ callback_url: null });
			expect(sandbox.twilioWebhooks.sender.webhook.callback_url).toBeNull();
		});

		it('refuses what the spec does not have, and non-URLs', async () => {
			expectTwilioError(await setSenderWebhook({ callbackUrl: n8n.url() }), 400, 20001, /webhook\.callbackUrl/);
			expectTwilioError(await twilioPostJson(sandbox, `${SENDERS}/${ownSid()}`, { hook: {} }), 400, 20001, /hook/);
			expectTwilioError(await setSenderWebhook({ callback_method: 'GET' }), 400, 20001, /callback_method/);
			expectTwilioError(await setSenderWebhook({ callback_url: 'not a url' }), 400, 20001, /not an http/);
			const form = await twilioPostForm(sandbox, `${SENDERS}/${ownSid()}`, { 'webhook.callback_url': n8n.url() });
			expectTwilioError(form, 400, 20001, /Content-Type/);
			expect(sandbox.twilioWebhooks.sender.webhook.callback_url).toBeNull();
		});
	});

	describe('Messaging Service (messaging v1)', () => {
		it('fetches the service and updates its URLs with a form', async () => {
			const fetched = await twilioGet(sandbox, servicePath());
			expect(fetched.body).toMatchObject({
				sid: sandbox.twilio.messagingServiceSid,
				account_sid: sandbox.twilio.accountSid,
				inbound_request_url: null,
				inbound_method: 'POST',
				status_callback: null,
				use_inbound_webhook_on_number: false,
				url: `${sandbox.twilioBaseUrl}${servicePath()}`,
			});
			expect(fetched.body.date_created).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
			const updated = await twilioPostForm(sandbox, servicePath(), {
				InboundRequestUrl: n8n.url('/svc'),
				InboundMethod: 'POST',
				FallbackUrl: n8n.url('/svc-fallback'),
				StatusCallback: n8n.url('/svc-status'),
				UseInboundWebhookOnNumber: 'false',
			});
			expect(updated.status).toBe(200);
			expect(updated.body).toMatchObject({ inbound_request_url: n8n.url('/svc'), fallback_url: n8n.url('/svc-fallback'), status_callback: n8n.url('/svc-status') });
			expect(sandbox.twilioWebhooks.service).toEqual({
				sid: sandbox.twilio.messagingServiceSid,
				inboundRequestUrl: n8n.url('/svc'),
				inboundMethod: 'POST',
				fallbackUrl: n8n.url('/svc-fallback'),
				fallbackMethod: 'POST',
				statusCallback: n8n.url('/svc-status'),
				useInboundWebhookOnNumber: false,
			});
			// An empty value clears a URL.
			await twilioPostForm(sandbox, servicePath(), { InboundRequestUrl: '' });
			expect(sandbox.twilioWebhooks.service.inboundRequestUrl).toBeNull();
		});

		it('refuses unknown parameters, bad values and other services', async () => {
			expectTwilioError(await twilioPostForm(sandbox, servicePath(), { InboundUrl: n8n.url() }), 400, 20001, /InboundUrl/);
			expectTwilioError(await twilioPostForm(sandbox, servicePath(), { InboundMethod: 'PUT' }), 400, 20001);
			expectTwilioError(await twilioPostForm(sandbox, servicePath(), { InboundRequestUrl: 'ftp://x' }), 400, 20001);
			expectTwilioError(await twilioGet(sandbox, `/messaging/v1/Services/MG${'1'.repeat(32)}`), 404, 20404);
		});
	});

	describe('with the official twilio SDK', () => {
		it('lists senders, updates the webhook and the service', async () => {
			const baseUrl = sandbox.twilioBaseUrl;
			class SandboxRequestClient extends twilio.RequestClient {
				request<TData>(opts: SdkRequestOptions<TData>) {
					const url = new URL(opts.uri);
					const uri = url.hostname.endsWith('.twilio.com') ? `${baseUrl}/${url.hostname.split('.')[0]}${url.pathname}${url.search}` : opts.uri;
					return super.request<TData>({ ...opts, uri });
				}
			}
			const client = twilio(sandbox.twilio.accountSid, sandbox.twilio.authToken, { httpClient: new SandboxRequestClient() });
			const senders = await client.messaging.v2.channelsSenders.list({ channel: 'whatsapp', pageSize: 1 });
			expect(senders.map((s) => s.senderId)).toEqual([sandbox.twilio.whatsAppNumber, OTHER_SENDER_NUMBER]);
			const own = senders.find((s) => s.senderId === sandbox.twilio.whatsAppNumber)!;
			type UpdateParams = Parameters<ReturnType<typeof client.messaging.v2.channelsSenders>['update']>[0];
			// The SDK sends the body as given: its camelCase request types would reach the API as
			// unknown members (refused here), so the wire names (snake_case) must be passed.
			await expect(
				client.messaging.v2.channelsSenders(own.sid).update({ webhook: { callbackUrl: n8n.url('/sdk') } } as UpdateParams),
			).rejects.toMatchObject({ status: 400, code: 20001 });
			const updated = await client.messaging.v2.channelsSenders(own.sid).update({
				webhook: { callback_url: n8n.url('/sdk'), callback_method: 'POST', status_callback_url: n8n.url('/sdk-status') },
			} as UpdateParams);
			// Answers are mapped to camelCase by the SDK.
			expect(updated.webhook).toMatchObject({ callbackUrl: n8n.url('/sdk'), statusCallbackUrl: n8n.url('/sdk-status') });
			const service = await client.messaging.v1.services(sandbox.twilio.messagingServiceSid).update({ inboundRequestUrl: n8n.url('/sdk-svc'), useInboundWebhookOnNumber: true });
			expect(service.inboundRequestUrl).toBe(n8n.url('/sdk-svc'));
			expect(service.useInboundWebhookOnNumber).toBe(true);
			expect(sandbox.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
				`GET ${SENDERS} 200`,
				`GET ${SENDERS} 200`,
				`POST ${SENDERS}/${own.sid} 400`,
				`POST ${SENDERS}/${own.sid} 202`,
				`POST ${servicePath()} 200`,
			]);
		});
	});

	describe('deliverTwilio', () => {
		const lastPost = () => n8n.posts().at(-1)!;
		const pathOf = (r: Received) => new URL(r.url, 'http://x').pathname;

		it('posts an inbound message to the sender callback, signed so that twilio.validateRequest accepts it', async () => {
			await setSenderWebhook({ callback_url: n8n.url('/in?workflow=1'), status_callback_url: n8n.url('/status') });
			n8n.postBody = '<Response/>';
			const params = sandbox.twilioParams.message({ body: 'Olá 👋 & more' });
			const answer = await sandbox.deliverTwilio(params);
			expect(answer).toMatchObject({ status: 200, body: '<Response/>' });

			const post = lastPost();
			expect(post.url).toBe('/in?workflow=1');
			expect(post.headers['content-type']).toBe('application/x-www-form-urlencoded');
			expect(post.headers['i-twilio-idempotency-token']).toMatch(/^[0-9a-f-]{36}$/);
			const received = formOf(post);
			expect(received).toEqual(params);
			const signature = post.headers['x-twilio-signature'] as string;
			expect(twilio.validateRequest(sandbox.twilio.authToken, signature, n8n.url('/in?workflow=1'), received)).toBe(true);
			expect(signature).toBe(handSignature(sandbox.twilio.authToken, n8n.url('/in?workflow=1'), received));
			expect(twilio.validateRequest('0'.repeat(32), signature, n8n.url('/in?workflow=1'), received)).toBe(false);
			expect(sandbox.deliveries).toEqual([expect.objectContaining({ kind: 'twilio', event: 'message', target: 'sender', signature: 'valid', status: 200 })]);
		});

		it('sends status callbacks to the status URL', async () => {
			await setSenderWebhook({ callback_url: n8n.url('/in'), status_callback_url: n8n.url('/status') });
			const params = twilioParams.status({ status: 'failed', messageSid: `SM${'a'.repeat(32)}`, channelStatusMessage: 'Re-engagement required' });
			await sandbox.deliverTwilio(params);
			expect(pathOf(lastPost())).toBe('/status');
			expect(formOf(lastPost())).toMatchObject({ MessageStatus: 'failed', ErrorCode: '63016', ChannelStatusMessage: 'Re-engagement required', ChannelPrefix: 'whatsapp' });
			expect(twilio.validateRequest(sandbox.twilio.authToken, lastPost().headers['x-twilio-signature'] as string, n8n.url('/status'), formOf(lastPost()))).toBe(true);
		});

		it('signs the public URL when n8n sits behind a proxy', async () => {
			await setSenderWebhook({ callback_url: n8n.url('/in') });
			const publicUrl = 'https://n8n.example.com/webhook/abc/in';
			await sandbox.deliverTwilio(sandbox.twilioParams.message(), { publicUrl });
			const post = lastPost();
			const signature = post.headers['x-twilio-signature'] as string;
			expect(twilio.validateRequest(sandbox.twilio.authToken, signature, publicUrl, formOf(post))).toBe(true);
			expect(twilio.validateRequest(sandbox.twilio.authToken, signature, n8n.url('/in'), formOf(post))).toBe(false);
		});

		it('sends JSON with bodySHA256 in the URL, which twilio.validateRequestWithBody accepts', async () => {
			await setSenderWebhook({ callback_url: n8n.url('/in') });
			const params = sandbox.twilioParams.message({ body: 'json' });
			await sandbox.deliverTwilio(params, { json: true, publicUrl: 'https://n8n.example.com/in' });
			const post = lastPost();
			const body = post.rawBody.toString('utf8');
			expect(post.headers['content-type']).toBe('application/json');
			expect(JSON.parse(body)).toEqual(params);
			const hash = createHash('sha256').update(body).digest('hex');
			expect(new URL(post.url, 'http://x').searchParams.get('bodySHA256')).toBe(hash);
			const signature = post.headers['x-twilio-signature'] as string;
			expect(twilio.validateRequestWithBody(sandbox.twilio.authToken, signature, `https://n8n.example.com/in?bodySHA256=${hash}`, body)).toBe(true);
			expect(twilio.validateRequestWithBody(sandbox.twilio.authToken, signature, `https://n8n.example.com/in?bodySHA256=${hash}`, `${body} `)).toBe(false);
		});

		it("sends a wrong signature or none, and the endpoint's status comes back", async () => {
			await setSenderWebhook({ callback_url: n8n.url('/in') });
			n8n.postStatus = 403;
			const wrong = await sandbox.deliverTwilio(sandbox.twilioParams.message(), { signature: 'wrong' });
			expect(wrong.status).toBe(403);
			const post = lastPost();
			expect(post.headers['x-twilio-signature']).toEqual(expect.any(String));
			expect(twilio.validateRequest(sandbox.twilio.authToken, post.headers['x-twilio-signature'] as string, n8n.url('/in'), formOf(post))).toBe(false);
			await sandbox.deliverTwilio(sandbox.twilioParams.message(), { signature: 'missing' });
			expect(lastPost().headers['x-twilio-signature']).toBeUndefined();
		});

		it('prefers the Messaging Service URL unless it defers to the number', async () => {
			await setSenderWebhook({ callback_url: n8n.url('/sender') });
			await twilioPostForm(sandbox, servicePath(), { InboundRequestUrl: n8n.url('/svc'), StatusCallback: n8n.url('/svc-status') });
			await sandbox.deliverTwilio(sandbox.twilioParams.message());
			expect(pathOf(lastPost())).toBe('/svc');
			await twilioPostForm(sandbox, servicePath(), { UseInboundWebhookOnNumber: 'true' });
			await sandbox.deliverTwilio(sandbox.twilioParams.message());
			expect(pathOf(lastPost())).toBe('/sender');
			// A status of a message sent through the service goes to the service's StatusCallback.
			await sandbox.deliverTwilio(sandbox.twilioParams.status({ status: 'delivered', messagingServiceSid: sandbox.twilio.messagingServiceSid }));
			expect(pathOf(lastPost())).toBe('/svc-status');
		});

		it('uses the fallback URL when the primary one fails', async () => {
			await setSenderWebhook({ callback_url: n8n.url('/in'), fallback_url: n8n.url('/fallback') });
			n8n.postStatus = 502;
			const answer = await sandbox.deliverTwilio(sandbox.twilioParams.message());
			expect(answer.status).toBe(502);
			expect(n8n.posts().map(pathOf)).toEqual(['/in', '/fallback']);
			expect(formOf(lastPost())).toMatchObject({ ErrorCode: '11200', ErrorUrl: n8n.url('/in') });
			expect(sandbox.deliveries.map((d) => (d.kind === 'twilio' ? d.target : d.kind))).toEqual(['sender', 'sender_fallback']);
		});

		it('throws when no URL is set or the sender is unknown', async () => {
			await expect(sandbox.deliverTwilio(sandbox.twilioParams.message())).rejects.toThrow(/no inbound URL/);
			await expect(sandbox.deliverTwilio(sandbox.twilioParams.status({ status: 'sent' }))).rejects.toThrow(/no status callback URL/);
			await expect(sandbox.deliverTwilio(sandbox.twilioParams.message({ to: 'whatsapp:+15559999999' }))).rejects.toThrow(/not a WhatsApp sender/);
			// The other number has its own (someone else's) URL.
			expect(() => sandbox.twilioParams.message({ to: OTHER_SENDER_NUMBER })).not.toThrow();
		});

		it('makes a delivered inbound message known to the typing indicator (mark as read)', async () => {
			await setSenderWebhook({ callback_url: n8n.url('/in') });
			const params = sandbox.twilioParams.message();
			const typing = () => twilioPostForm(sandbox, '/messaging/v2/Indicators/Typing.json', { channel: 'whatsapp', messageId: params.MessageSid });
			expect((await typing()).status).toBe(400);
			await sandbox.deliverTwilio(params);
			expect((await typing()).status).toBe(200);
		});
	});

	describe('inbound media', () => {
		it('MediaUrl0 needs Basic auth and redirects (307) to a CDN URL that serves the bytes', async () => {
			const bytes = Buffer.from('fake jpeg bytes');
			const params = sandbox.twilioParams.message({ media: { contentType: 'image/jpeg', bytes }, body: 'a caption' });
			expect(params).toMatchObject({ NumMedia: '1', MediaContentType0: 'image/jpeg', MessageType: 'image', Body: 'a caption' });
			expect(params.MessageSid).toMatch(/^MM[0-9a-f]{32}$/);
			const mediaUrl = params.MediaUrl0;
			expect(mediaUrl).toMatch(new RegExp(`^${sandbox.twilioBaseUrl}/api/2010-04-01/Accounts/${sandbox.twilio.accountSid}/Messages/${params.MessageSid}/Media/ME[0-9a-f]{32}$`));

			const anonymous = await fetch(mediaUrl, { redirect: 'manual' });
			expect(anonymous.status).toBe(401);
			const wrong = await fetch(mediaUrl, { redirect: 'manual', headers: { authorization: basic(sandbox.twilio.accountSid, 'nope') } });
			expect(wrong.status).toBe(401);

			const redirect = await fetch(mediaUrl, { redirect: 'manual', headers: { authorization: twilioAuth(sandbox) } });
			expect(redirect.status).toBe(307);
			const location = redirect.headers.get('location')!;
			expect(location).toMatch(new RegExp(`^${sandbox.twilioBaseUrl}/cdn/`));
			const cdn = await fetch(location);
			expect(cdn.status).toBe(200);
			expect(cdn.headers.get('content-type')).toBe('image/jpeg');
			expect(Buffer.from(await cdn.arrayBuffer())).toEqual(bytes);

			const followed = await fetch(mediaUrl, { headers: { authorization: twilioAuth(sandbox) } });
			expect(Buffer.from(await followed.arrayBuffer())).toEqual(bytes);
			expect((await fetch(`${sandbox.twilioBaseUrl}/cdn/${sandbox.twilio.accountSid}/not-a-token`)).status).toBe(403);
		});

		it('serves the Media resource as JSON, lists it and deletes it', async () => {
			const params = sandbox.twilioParams.message({ type: 'document' });
			const mediaPath = new URL(params.MediaUrl0).pathname.replace(/^\/twilio/, '');
			const json = await twilioGet(sandbox, `${mediaPath}.json`);
			expect(json.body).toMatchObject({ content_type: 'application/pdf', parent_sid: params.MessageSid, sid: mediaPath.split('/').pop() });
			const list = await twilioGet(sandbox, `${mediaPath.replace(/\/Media\/.*$/, '/Media.json')}`);
			expect(list.body.media_list).toHaveLength(1);
			expect((await call(`${sandbox.twilioBaseUrl}${mediaPath}.json`, { method: 'DELETE', headers: { authorization: twilioAuth(sandbox) } })).status).toBe(204);
			expectTwilioError(await twilioGet(sandbox, mediaPath), 404, 20404);
			// A malformed media SID fails the OpenAPI check like the .json resource.
			expectTwilioError(await twilioGet(sandbox, mediaPath.replace(/ME[0-9a-f]+$/, 'ME123')), 404, 20404);
		});

		it('stores the media of a standalone-built message when it is delivered', async () => {
			await setSenderWebhook({ callback_url: n8n.url('/in') });
			const params = twilioParams.message({ type: 'audio' }, { apiBaseUrl: `${sandbox.twilioBaseUrl}/api` });
			expect(sandbox.getTwilioMedia(params.MessageSid)).toHaveLength(0);
			await sandbox.deliverTwilio(params);
			expect(sandbox.getTwilioMedia(params.MessageSid)).toEqual([expect.objectContaining({ contentType: 'audio/ogg' })]);
			const file = await fetch(params.MediaUrl0, { headers: { authorization: twilioAuth(sandbox) } });
			expect(file.status).toBe(200);
			expect(file.headers.get('content-type')).toBe('audio/ogg');
		});
	});
});
