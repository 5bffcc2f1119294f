import twilio from 'twilio';

import { startSandbox, TWILIO_CONTENT_SEED, type Sandbox } from '../../sandbox';
import { basic, call, messagesPath, RFC_2822, twilioAuth, twilioGet, twilioPostForm } from './helpers';

type SdkRequestOptions<TData> = Parameters<InstanceType<typeof twilio.RequestClient>['request']>[0] & { data?: TData };

const orderUpdateSid = TWILIO_CONTENT_SEED.find((c) => c.friendly_name === 'order_update')!.sid;

const AUTHENTICATE = {
	code: 20003,
	message: 'Authenticate',
	more_info: 'https://www.twilio.com/docs/errors/20003',
	status: 401,
};

describe('sandbox: Twilio API', () => {
	let sandbox: Sandbox;
	let to: string;

	beforeAll(async () => {
		sandbox = await startSandbox();
		to = 'whatsapp:+15551230000';
	});
	afterAll(async () => {
		await sandbox.stop();
	});
	beforeEach(() => sandbox.clearRequests());

	const send = (fields: Record<string, string | string[]>) => twilioPostForm(sandbox, messagesPath(sandbox), fields);

	describe('GET Accounts/{Sid}.json', () => {
		it('answers the account resource', async () => {
			const sid = sandbox.twilio.accountSid;
			const answer = await twilioGet(sandbox, `/api/2010-04-01/Accounts/${sid}.json`);
			expect(answer.status).toBe(200);
			expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
			expect(answer.body).toMatchObject({
				sid,
				owner_account_sid: sid,
				friendly_name: expect.any(String),
				status: 'active',
				type: 'Full',
				uri: `/2010-04-01/Accounts/${sid}.json`,
				date_created: expect.stringMatching(RFC_2822),
				date_updated: expect.stringMatching(RFC_2822),
			});
			expect(answer.body.subresource_uris.messages).toBe(`/2010-04-01/Accounts/${sid}/Messages.json`);
		});

		it('accepts an API key instead of the auth token', async () => {
			const { accountSid, apiKeySid, apiKeySecret } = sandbox.twilio;
			const answer = await twilioGet(sandbox, `/api/2010-04-01/Accounts/${accountSid}.json`, basic(apiKeySid, apiKeySecret));
			expect(answer.status).toBe(200);
			expect(answer.body.sid).toBe(accountSid);
		});
	});

	describe('authentication', () => {
		it.each([
			['a wrong auth token', () => basic(sandbox.twilio.accountSid, '0'.repeat(32))],
			['a wrong API key secret', () => basic(sandbox.twilio.apiKeySid, 'nope')],
			['a bearer token', () => 'Bearer abc'],
		])("answers %s with 401 and Twilio's 20003 body", async (_name, auth) => {
			const answer = await twilioGet(sandbox, `/api/2010-04-01/Accounts/${sandbox.twilio.accountSid}.json`, auth());
			expect(answer.status).toBe(401);
			expect(answer.body).toEqual(AUTHENTICATE);
			expect(answer.headers.get('www-authenticate')).toMatch(/^Basic/);
		});

		it('answers a request without credentials with 401', async () => {
			const answer = await call(`${sandbox.twilioBaseUrl}${messagesPath(sandbox)}`, { method: 'POST' });
			expect(answer.status).toBe(401);
			expect(answer.body).toEqual(AUTHENTICATE);
		});

		it('answers right credentials with another AccountSid in the path with 401', async () => {
			const other = `AC${'1'.repeat(32)}`;
			const answer = await twilioPostForm(sandbox, messagesPath(sandbox, other), {
				To: to,
				From: sandbox.twilio.whatsAppNumber,
				Body: 'hi',
			});
			expect(answer.status).toBe(401);
			expect(answer.body).toEqual(AUTHENTICATE);
		});
	});

	describe('POST Accounts/{AccountSid}/Messages.json', () => {
		it('creates a message and answers the full resource', async () => {
			const { accountSid, whatsAppNumber } = sandbox.twilio;
			const answer = await send({ To: to, From: whatsAppNumber, Body: 'Hello from n8n' });
			expect(answer.status).toBe(201);
			const sid: string = answer.body.sid;
			expect(sid).toMatch(/^SM[0-9a-f]{32}$/);
			expect(answer.body).toEqual({
				account_sid: accountSid,
				api_version: '2010-04-01',
				body: 'Hello from n8n',
				date_created: expect.stringMatching(RFC_2822),
				date_sent: null,
				date_updated: expect.stringMatching(RFC_2822),
				direction: 'outbound-api',
				error_code: null,
				error_message: null,
				from: whatsAppNumber,
				messaging_service_sid: null,
				num_media: '0',
				num_segments: '1',
				price: null,
				price_unit: 'USD',
				sid,
				status: 'queued',
				subresource_uris: { media: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}/Media.json` },
				to,
				uri: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}.json`,
			});
		});

		it('sends through a Messaging Service without From', async () => {
			const answer = await send({ To: to, MessagingServiceSid: sandbox.twilio.messagingServiceSid, Body: 'hi' });
			expect(answer.status).toBe(201);
			expect(answer.body).toMatchObject({
				from: null,
				messaging_service_sid: sandbox.twilio.messagingServiceSid,
				status: 'accepted',
			});
		});

		it('gives media messages an MM sid and counts the media', async () => {
			const answer = await send({
				To: to,
				From: sandbox.twilio.whatsAppNumber,
				MediaUrl: 'https://example.com/cat.jpg',
			});
			expect(answer.status).toBe(201);
			expect(answer.body.sid).toMatch(/^MM[0-9a-f]{32}$/);
			expect(answer.body.num_media).toBe('1');
		});

		it('accepts a ContentSid with ContentVariables instead of a Body', async () => {
			const answer = await send({
				To: to,
				From: sandbox.twilio.whatsAppNumber,
				ContentSid: orderUpdateSid,
				ContentVariables: JSON.stringify({ 1: 'Ada', 2: 'A-7' }),
			});
			expect(answer.status).toBe(201);
		});

		it('records the form body, repeated keys as arrays', async () => {
			const fields = {
				To: to,
				From: sandbox.twilio.whatsAppNumber,
				Body: 'two pictures',
				MediaUrl: ['https://example.com/a.jpg', 'https://example.com/b.jpg'],
			};
			await send(fields);
			expect(sandbox.requests).toHaveLength(1);
			const [recorded] = sandbox.requests;
			expect(recorded).toMatchObject({
				provider: 'twilio',
				method: 'POST',
				path: `/api/2010-04-01/Accounts/${sandbox.twilio.accountSid}/Messages.json`,
				query: {},
				body: fields,
				status: 201,
			});
			expect(recorded.headers.authorization).toBe(twilioAuth(sandbox));
			expect(recorded.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
			expect(recorded.rawBody.toString('utf8')).toContain('MediaUrl=https%3A%2F%2Fexample.com%2Fa.jpg&MediaUrl=');
		});

		it('accepts a Body of exactly 1600 characters', async () => {
			const answer = await send({ To: to, From: sandbox.twilio.whatsAppNumber, Body: 'x'.repeat(1600) });
			expect(answer.status).toBe(201);
		});

		const invalid: Array<[string, () => Record<string, string>, number]> = [
			['no To', () => ({ From: sandbox.twilio.whatsAppNumber, Body: 'x' }), 21604],
			['an invalid To', () => ({ To: 'whatsapp:call-me', From: sandbox.twilio.whatsAppNumber, Body: 'x' }), 21211],
			['neither From nor MessagingServiceSid', () => ({ To: to, Body: 'x' }), 21603],
			['no Body, MediaUrl or ContentSid', () => ({ To: to, From: sandbox.twilio.whatsAppNumber }), 21602],
			['a Body of 1601 characters', () => ({ To: to, From: sandbox.twilio.whatsAppNumber, Body: 'x'.repeat(1601) }), 21617],
			['a From the account does not have', () => ({ To: to, From: 'whatsapp:+15550009999', Body: 'x' }), 63007],
			['a WhatsApp From to an SMS To', () => ({ To: '+15551230000', From: sandbox.twilio.whatsAppNumber, Body: 'x' }), 21910],
			['a foreign Messaging Service', () => ({ To: to, MessagingServiceSid: `MG${'f'.repeat(32)}`, Body: 'x' }), 21701],
			[
				'ContentVariables that are not JSON',
				() => ({ To: to, From: sandbox.twilio.whatsAppNumber, ContentSid: orderUpdateSid, ContentVariables: '{1:' }),
				21656,
			],
		];

		it.each(invalid)('rejects %s with its Twilio code', async (_name, fields, code) => {
			const answer = await send(fields());
			expect(answer.status).toBe(400);
			expect(answer.body).toEqual({
				code,
				message: expect.any(String),
				more_info: `https://www.twilio.com/docs/errors/${code}`,
				status: 400,
			});
		});
	});

	describe('OpenAPI check', () => {
		const expect20001 = (answer: { status: number; body: any }, message: RegExp) => {
			expect(answer.status).toBe(400);
			expect(answer.body).toEqual({
				code: 20001,
				message: expect.stringMatching(message),
				more_info: 'https://www.twilio.com/docs/errors/20001',
				status: 400,
			});
		};

		it('rejects an unknown form parameter, naming it', async () => {
			const answer = await send({ To: to, From: sandbox.twilio.whatsAppNumber, Body: 'x', MediaURL: 'https://e.com/a.jpg' });
			expect20001(answer, /^Unknown parameter: MediaURL$/);
		});

		it('runs before the route: an unknown parameter wins over a missing To', async () => {
			const answer = await send({ Foo: 'bar' });
			expect20001(answer, /^Unknown parameter: Foo$/);
		});

		it('rejects an unknown query parameter', async () => {
			const answer = await twilioGet(sandbox, `/api/2010-04-01/Accounts/${sandbox.twilio.accountSid}.json?Verbose=true`);
			expect20001(answer, /^Unknown parameter: Verbose$/);
		});

		it('rejects a value outside the enum', async () => {
			const answer = await send({ To: to, From: sandbox.twilio.whatsAppNumber, Body: 'x', ContentRetention: 'forever' });
			expect20001(answer, /ContentRetention/);
		});

		it('rejects a value of the wrong type', async () => {
			const answer = await send({ To: to, From: sandbox.twilio.whatsAppNumber, Body: 'x', ValidityPeriod: 'soon' });
			expect20001(answer, /ValidityPeriod/);
		});

		it('rejects a value against the pattern', async () => {
			const answer = await send({ To: to, MessagingServiceSid: 'MG123', Body: 'x' });
			expect20001(answer, /MessagingServiceSid/);
		});

		it('rejects a parameter sent twice where the spec takes one value', async () => {
			const answer = await send({ To: [to, to], From: sandbox.twilio.whatsAppNumber, Body: 'x' });
			expect20001(answer, /To/);
		});

		it('accepts spec-valid optional parameters', async () => {
			const answer = await send({
				To: to,
				From: sandbox.twilio.whatsAppNumber,
				Body: 'x',
				StatusCallback: 'https://example.com/status',
				ValidityPeriod: '600',
				ShortenUrls: 'false',
				PersistentAction: ['geo:37.78,-122.39|Twilio HQ'],
			});
			expect(answer.status).toBe(201);
		});

		it('answers an unknown path of a known product with 404 20404', async () => {
			const answer = await twilioGet(sandbox, `/api/2010-04-01/Accounts/${sandbox.twilio.accountSid}/Calls.json`);
			expect(answer.status).toBe(404);
			expect(answer.body).toEqual({
				code: 20404,
				message: expect.stringContaining('/Calls.json was not found'),
				more_info: 'https://www.twilio.com/docs/errors/20404',
				status: 404,
			});
		});

		it('answers an unknown product with 404 20404', async () => {
			const answer = await twilioGet(sandbox, '/voice/v1/Whatever');
			expect(answer.status).toBe(404);
			expect(answer.body.code).toBe(20404);
		});

		it('answers a malformed SID in the path with 404', async () => {
			const answer = await twilioGet(sandbox, `/api/2010-04-01/Accounts/${sandbox.twilio.accountSid}/Messages/XX123.json`);
			expect(answer.status).toBe(404);
			expect(answer.body.code).toBe(20404);
		});

		it('answers a method the path does not have with 405 20004', async () => {
			const answer = await call(`${sandbox.twilioBaseUrl}/api/2010-04-01/Accounts/${sandbox.twilio.accountSid}.json`, {
				method: 'DELETE',
				headers: { authorization: twilioAuth(sandbox) },
			});
			expect(answer.status).toBe(405);
			expect(answer.body.code).toBe(20004);
		});

		it('checks query parameters on other products (required Channel of Senders)', async () => {
			const answer = await twilioGet(sandbox, '/messaging/v2/Channels/Senders');
			expect20001(answer, /Channel/);
		});

		it('checks JSON bodies, nested members included', async () => {
			const answer = await call(`${sandbox.twilioBaseUrl}/content/v1/Content`, {
				method: 'POST',
				headers: { authorization: twilioAuth(sandbox), 'content-type': 'application/json' },
				body: JSON.stringify({
					friendly_name: 'greeting',
					language: 'en',
					types: { 'twilio/text': { body: 'Hi {{1}}', colour: 'red' } },
				}),
			});
			expect20001(answer, /^Unknown parameter: types\.twilio\/text\.colour$/);
		});

		it('rejects form data sent to a JSON operation', async () => {
			const answer = await twilioPostForm(sandbox, '/content/v1/Content', { language: 'en' });
			expect20001(answer, /Content-Type/);
		});

		it('says so when a spec-valid operation is not emulated yet', async () => {
			const answer = await call(`${sandbox.twilioBaseUrl}/messaging/v2/Channels/Senders/${sandbox.twilioWebhooks.sender.sid}`, {
				method: 'DELETE',
				headers: { authorization: twilioAuth(sandbox) },
			});
			expect(answer.status).toBe(404);
			expect(answer.body.message).toMatch(/does not emulate DeleteChannelsSender/);
		});
	});

	describe('with the official twilio SDK', () => {
		it('accepts what the SDK sends for messages.create and fetches the account', async () => {
			const baseUrl = sandbox.twilioBaseUrl;
			class SandboxRequestClient extends twilio.RequestClient {
				request<TData>(opts: SdkRequestOptions<TData>) {
					const url = new URL(opts.uri);
					const uri = `${baseUrl}/${url.hostname.split('.')[0]}${url.pathname}${url.search}`;
					return super.request<TData>({ ...opts, uri });
				}
			}
			const { accountSid, authToken, whatsAppNumber } = sandbox.twilio;
			const client = twilio(accountSid, authToken, { httpClient: new SandboxRequestClient() });

			const message = await client.messages.create({
				to,
				from: whatsAppNumber,
				body: 'via the SDK',
				statusCallback: 'https://example.com/status',
				persistentAction: ['geo:37.78,-122.39|Twilio HQ'],
			});
			expect(message.sid).toMatch(/^SM[0-9a-f]{32}$/);
			expect(message.status).toBe('queued');
			expect(message.body).toBe('via the SDK');

			const account = await client.api.v2010.accounts(accountSid).fetch();
			expect(account.status).toBe('active');

			expect(sandbox.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
				`POST /api/2010-04-01/Accounts/${accountSid}/Messages.json 201`,
				`GET /api/2010-04-01/Accounts/${accountSid}.json 200`,
			]);
		});
	});
});

describe('GET /content/v1/Content/{Sid}/ApprovalRequests', () => {
	it('answers the WhatsApp approval of a content, and 404 for an unknown one', async () => {
		const { startSandbox } = await import('../../sandbox');
		const sandbox = await startSandbox();
		try {
			const content = sandbox.twilioContents.find((c) => c.friendly_name === 'order_update')!;
			const auth = `Basic ${Buffer.from(`${sandbox.twilio.accountSid}:${sandbox.twilio.authToken}`).toString('base64')}`;
			const ok = await fetch(`${sandbox.twilioBaseUrl}/content/v1/Content/${content.sid}/ApprovalRequests`, { headers: { authorization: auth } });
			expect(ok.status).toBe(200);
			expect(await ok.json()).toMatchObject({ sid: content.sid, whatsapp: { status: 'approved', type: 'whatsapp' } });
			const missing = await fetch(`${sandbox.twilioBaseUrl}/content/v1/Content/HX${'0'.repeat(32)}/ApprovalRequests`, { headers: { authorization: auth } });
			expect(missing.status).toBe(404);
		} finally {
			await sandbox.stop();
		}
	});
});
