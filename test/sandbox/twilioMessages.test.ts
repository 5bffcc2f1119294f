import twilio from 'twilio';

import { startSandbox, type Sandbox } from '../../sandbox';
import { waitFor } from './chatHelpers';
import { expectTwilioError, messagesPath, RFC_2822, twilioGet, twilioPostForm } from './helpers';

const USER = 'whatsapp:+16505551234';
const utcDay = (time: number) => new Date(time).toISOString().slice(0, 10);

describe('sandbox: Twilio FetchMessage and ListMessage', () => {
	let sandbox: Sandbox;
	let account: string;
	let business: string;

	beforeAll(async () => {
		// Status webhooks wait a minute unless a test asks for them sooner.
		sandbox = await startSandbox({ statusDelayMs: 60_000 });
		account = sandbox.twilio.accountSid;
		business = sandbox.twilio.whatsAppNumber;
	});
	afterAll(async () => {
		await sandbox.stop();
	});
	afterEach(() => sandbox.setStatusDelay(60_000));

	const send = async (to: string, fields: Record<string, string | string[]> = {}) => {
		const answer = await twilioPostForm(sandbox, messagesPath(sandbox), { To: to, From: business, Body: 'Hello', ...fields });
		expect(answer.status).toBe(201);
		return answer.body as Record<string, any>;
	};
	const fetchMessage = (sid: string) => twilioGet(sandbox, `/api/2010-04-01/Accounts/${account}/Messages/${sid}.json`);
	const list = (query: Record<string, string>) =>
		twilioGet(sandbox, `${messagesPath(sandbox)}?${new URLSearchParams(query).toString()}`);

	describe('GET Messages/{Sid}.json', () => {
		it('answers a sent message as the send did, queued and not yet priced', async () => {
			const created = await send('whatsapp:+15550000001', { Body: 'Order shipped' });
			const answer = await fetchMessage(created.sid);
			expect(answer.status).toBe(200);
			expect(answer.body).toEqual({
				account_sid: account,
				api_version: '2010-04-01',
				body: 'Order shipped',
				date_created: expect.stringMatching(RFC_2822),
				date_sent: null,
				date_updated: expect.stringMatching(RFC_2822),
				direction: 'outbound-api',
				error_code: null,
				error_message: null,
				from: business,
				messaging_service_sid: null,
				num_media: '0',
				num_segments: '1',
				price: null,
				price_unit: 'USD',
				sid: created.sid,
				status: 'queued',
				subresource_uris: { media: `/2010-04-01/Accounts/${account}/Messages/${created.sid}/Media.json` },
				to: 'whatsapp:+15550000001',
				uri: `/2010-04-01/Accounts/${account}/Messages/${created.sid}.json`,
			});
			expect(Math.abs(Date.parse(answer.body.date_created) - Date.parse(created.date_created))).toBeLessThanOrEqual(1000);
		});

		it('follows the status webhooks the sandbox sends: sent, then delivered, with date_sent and price', async () => {
			sandbox.setStatusDelay(10);
			const created = await send('whatsapp:+15550000002', { MediaUrl: 'https://example.com/a.jpg' });
			expect(created.sid).toMatch(/^MM/);
			await waitFor(() => sandbox.chat.get(created.sid)?.status === 'delivered', 3000, 'delivered');
			const answer = await fetchMessage(created.sid);
			expect(answer.body).toMatchObject({
				status: 'delivered',
				num_media: '1',
				date_sent: expect.stringMatching(RFC_2822),
				price: '-0.00500',
				price_unit: 'USD',
				error_code: null,
			});
		});

		it('takes a failed status with its error code and the channel’s message', async () => {
			const created = await send('whatsapp:+15550000003');
			const params = sandbox.twilioParams.status({
				status: 'failed',
				messageSid: created.sid,
				to: 'whatsapp:+15550000003',
				errorCode: 63016,
				channelStatusMessage: 'Message failed to send because more than 24 hours have passed',
			});
			// Nobody listens at this URL (404): the message changes anyway.
			await sandbox.deliverTwilio(params, { url: `${sandbox.url}/nobody-listens` });
			const answer = await fetchMessage(created.sid);
			expect(answer.body).toMatchObject({
				status: 'failed',
				error_code: 63016,
				error_message: 'Message failed to send because more than 24 hours have passed',
				date_sent: null,
				price: null,
			});
		});

		it('answers a message the user wrote on the chat page, with no workflow listening', async () => {
			const { message } = await sandbox.chat.send({ provider: 'twilio', type: 'text', text: 'Where is my order?' });
			const answer = await fetchMessage(message.id);
			expect(answer.body).toMatchObject({
				sid: message.id,
				direction: 'inbound',
				status: 'received',
				from: USER,
				to: business,
				body: 'Where is my order?',
				num_media: '0',
				date_sent: expect.stringMatching(RFC_2822),
				price: '-0.00500',
			});
		});

		it('answers 404 with 20404 for a SID it does not know', async () => {
			const sid = `SM${'0'.repeat(32)}`;
			const answer = await fetchMessage(sid);
			expectTwilioError(answer, 404, 20404);
			expect(answer.body.message).toBe(`The requested resource /2010-04-01/Accounts/${account}/Messages/${sid}.json was not found`);
		});

		it('answers 404 with 20404 for a path whose SID is malformed (no such resource)', async () => {
			expectTwilioError(await fetchMessage('SMnot-a-sid'), 404, 20404);
		});
	});

	describe('GET Messages.json', () => {
		it('filters by To and From, newest first, in the v2010 list envelope', async () => {
			const contact = 'whatsapp:+15550000010';
			const first = await send(contact, { Body: 'one' });
			const second = await send(contact, { Body: 'two' });
			await send('whatsapp:+15550000011', { Body: 'someone else' });

			const answer = await list({ To: contact, From: business });
			expect(answer.status).toBe(200);
			const query = new URLSearchParams({ To: contact, From: business, PageSize: '50', Page: '0' }).toString();
			expect(answer.body).toEqual({
				end: 1,
				first_page_uri: `/2010-04-01/Accounts/${account}/Messages.json?${query}`,
				messages: [expect.objectContaining({ sid: second.sid, body: 'two' }), expect.objectContaining({ sid: first.sid, body: 'one' })],
				next_page_uri: null,
				page: 0,
				page_size: 50,
				previous_page_uri: null,
				start: 0,
				uri: `/2010-04-01/Accounts/${account}/Messages.json?${query}`,
			});
			expect((await list({ From: contact })).body.messages).toEqual([]);
		});

		it('pages with PageSize and next_page_uri, and goes back with previous_page_uri', async () => {
			const contact = 'whatsapp:+15550000020';
			const sids: string[] = [];
			for (let i = 0; i < 5; i++) sids.push((await send(contact, { Body: `m${i}` })).sid);
			const newestFirst = [...sids].reverse();

			const first = await list({ To: contact, PageSize: '2' });
			expect(first.body.messages.map((m: { sid: string }) => m.sid)).toEqual(newestFirst.slice(0, 2));
			expect(first.body.next_page_uri).toBe(
				`/2010-04-01/Accounts/${account}/Messages.json?${new URLSearchParams({ To: contact, PageSize: '2', Page: '1', PageToken: `PA${newestFirst[1]}` }).toString()}`,
			);
			// A message sent meanwhile does not shift the next page.
			await send(contact, { Body: 'late' });
			const second = await twilioGet(sandbox, `/api${first.body.next_page_uri}`);
			expect(second.body).toMatchObject({ page: 1, page_size: 2, start: 2, end: 3 });
			expect(second.body.messages.map((m: { sid: string }) => m.sid)).toEqual(newestFirst.slice(2, 4));
			const third = await twilioGet(sandbox, `/api${second.body.next_page_uri}`);
			expect(third.body.messages.map((m: { sid: string }) => m.sid)).toEqual(newestFirst.slice(4));
			expect(third.body.next_page_uri).toBeNull();
			const back = await twilioGet(sandbox, `/api${third.body.previous_page_uri}`);
			expect(back.body.messages.map((m: { sid: string }) => m.sid)).toEqual(newestFirst.slice(2, 4));
		});

		it('pages the same way for the twilio SDK, which follows next_page_uri itself', async () => {
			const contact = 'whatsapp:+15550000030';
			const sids: string[] = [];
			for (let i = 0; i < 3; i++) sids.push((await send(contact)).sid);
			const client = twilio(account, sandbox.twilio.authToken, { accountSid: account });
			const base = sandbox.twilioBaseUrl;
			const request = client.httpClient!.request.bind(client.httpClient);
			client.httpClient!.request = (opts) => request({ ...opts, uri: opts.uri.replace('https://api.twilio.com', `${base}/api`) });
			const listed = await client.messages.list({ to: contact, pageSize: 1 });
			expect(listed.map((m) => m.sid)).toEqual([...sids].reverse());
		});

		it('filters DateSent by the UTC day: on, on or before, on or after; unsent messages never match', async () => {
			const contact = 'whatsapp:+15550000040';
			const { message } = await sandbox.chat.send({ provider: 'twilio', type: 'text', text: 'dated' });
			const unsent = await send(contact);
			const sent = Date.parse((await fetchMessage(message.id)).body.date_sent);
			const today = () => utcDay(sent);
			const dayOffset = (days: number) => utcDay(sent + days * 86_400_000);
			const sids = async (query: Record<string, string>) => (await list(query)).body.messages.map((m: { sid: string }) => m.sid);

			expect(await sids({ From: USER, DateSent: today() })).toContain(message.id);
			expect(await sids({ From: USER, 'DateSent>': today() })).toContain(message.id);
			expect(await sids({ From: USER, 'DateSent<': today() })).toContain(message.id);
			expect(await sids({ From: USER, 'DateSent<': dayOffset(-1) })).toEqual([]);
			expect(await sids({ From: USER, 'DateSent>': dayOffset(1) })).toEqual([]);
			expect(await sids({ To: contact })).toEqual([unsent.sid]);
			expect(await sids({ To: contact, 'DateSent>': dayOffset(-1) })).toEqual([]);
		});

		it('refuses a PageSize over 1000 through the OpenAPI check', async () => {
			expectTwilioError(await list({ PageSize: '1001' }), 400, 20001, /PageSize/);
		});
	});
});
