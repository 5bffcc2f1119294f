import twilio from 'twilio';

import { startSandbox, TWILIO_CONTENT_SEED, type Sandbox, type TwilioContent } from '../../sandbox';
import { call, expectTwilioError, messagesPath, twilioAuth, twilioGet, twilioPostForm, twilioPostJson } from './helpers';

type SdkRequestOptions<TData> = Parameters<InstanceType<typeof twilio.RequestClient>['request']>[0] & { data?: TData };

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const TO = 'whatsapp:+15551230000';

describe('sandbox: Twilio Content API, content sends and the typing indicator', () => {
	let sandbox: Sandbox;

	beforeAll(async () => {
		sandbox = await startSandbox();
	});
	afterAll(async () => {
		await sandbox.stop();
	});
	beforeEach(() => {
		sandbox.clearRequests();
		sandbox.clearOutbound();
	});

	const seed = (name: string) => TWILIO_CONTENT_SEED.find((c) => c.friendly_name === name)!;
	const createContent = (body: unknown) => twilioPostJson(sandbox, '/content/v1/Content', body);
	const send = (fields: Record<string, string | string[]>) =>
		twilioPostForm(sandbox, messagesPath(sandbox), { To: TO, From: sandbox.twilio.whatsAppNumber, ...fields });

	/** Follows meta.next_page_url from `first` to the end; returns every page. */
	async function allPages(first: string): Promise<any[]> {
		const pages: any[] = [];
		let answer = await twilioGet(sandbox, first);
		for (;;) {
			expect(answer.status).toBe(200);
			pages.push(answer.body);
			const next: string | null = answer.body.meta.next_page_url;
			if (!next) return pages;
			expect(next.startsWith(`${sandbox.twilioBaseUrl}/content/v1/`)).toBe(true);
			answer = await call(next, { headers: { authorization: twilioAuth(sandbox) } });
			if (pages.length > 50) throw new Error('paging does not end');
		}
	}

	describe('the seed', () => {
		it('has 25 contents with the ones the tests and the node rely on', () => {
			expect(TWILIO_CONTENT_SEED).toHaveLength(25);
			const status = (name: string) => sandbox.twilioContents.find((c) => c.friendly_name === name)?.approval?.status ?? 'unsubmitted';
			expect(status('order_update')).toBe('approved');
			expect(status('appointment_reminder')).toBe('approved');
			expect(status('welcome_media')).toBe('approved');
			expect(status('flight_delay_pending')).toBe('pending');
			expect(status('promo_blast_rejected')).toBe('rejected');
			expect(status('support_menu_list')).toBe('unsubmitted');
			expect(Object.keys(seed('appointment_reminder').variables)).toEqual(['1', '2', '3']);
			expect(TWILIO_CONTENT_SEED.every((c) => /^HX[0-9a-f]{32}$/.test(c.sid))).toBe(true);
		});
	});

	describe('POST /v1/Content', () => {
		it('creates a quick-reply content and answers the resource with 201', async () => {
			const answer = await createContent({
				friendly_name: 'survey',
				language: 'en',
				variables: { 1: 'Ada' },
				types: { 'twilio/quick-reply': { body: 'Hi {{1}}, happy?', actions: [{ title: 'Yes', id: 'y' }, { title: 'No', id: 'n' }] } },
			});
			expect(answer.status).toBe(201);
			const sid: string = answer.body.sid;
			const url = `${sandbox.twilioBaseUrl}/content/v1/Content/${sid}`;
			expect(answer.body).toEqual({
				account_sid: sandbox.twilio.accountSid,
				date_created: expect.stringMatching(ISO),
				date_updated: expect.stringMatching(ISO),
				friendly_name: 'survey',
				language: 'en',
				links: { approval_create: `${url}/ApprovalRequests/whatsapp`, approval_fetch: `${url}/ApprovalRequests` },
				sid: expect.stringMatching(/^HX[0-9a-f]{32}$/),
				types: { 'twilio/quick-reply': { body: 'Hi {{1}}, happy?', actions: [{ title: 'Yes', id: 'y' }, { title: 'No', id: 'n' }] } },
				url,
				variables: { 1: 'Ada' },
			});
			expect(sandbox.twilioContents.at(-1)?.sid).toBe(sid);

			const fetched = await twilioGet(sandbox, `/content/v1/Content/${sid}`);
			expect(fetched.body).toEqual(answer.body);
		});

		it.each([
			['a text body of 1600 characters', { 'twilio/text': { body: 'x'.repeat(1600) } }],
			['a list picker at every limit', {
				'twilio/list-picker': {
					body: 'b'.repeat(1024),
					button: 'x'.repeat(20),
					items: Array.from({ length: 10 }, (_, i) => ({ item: `${i}`.padEnd(24, 'i'), id: `${i}`.padEnd(200, 'd'), description: 'd'.repeat(72) })),
				},
			}],
			['a call to action with two URLs and a phone', {
				'twilio/call-to-action': {
					body: 'Go',
					actions: [
						{ type: 'URL', title: 't'.repeat(25), url: 'https://e.com/{{1}}' },
						{ type: 'URL', title: 'Other', url: 'https://e.com' },
						{ type: 'PHONE_NUMBER', title: 'Call', phone: '+15551230000' },
					],
				},
			}],
			['a location', { 'twilio/location': { latitude: -33.86, longitude: 151.2, label: 'Opera' } }],
			['a media content', { 'twilio/media': { body: 'Look', media: ['https://e.com/a.png'] } }],
		])('accepts %s', async (_name, types) => {
			const answer = await createContent({ friendly_name: 'ok', language: 'en', types });
			expect({ status: answer.status, body: answer.status === 201 ? 'created' : answer.body }).toEqual({ status: 201, body: 'created' });
		});

		const qr = (actions: unknown[], body = 'Pick') => ({ 'twilio/quick-reply': { body, actions } });
		const lp = (items: unknown[], extra: Record<string, unknown> = {}) => ({ 'twilio/list-picker': { body: 'Pick', button: 'Open', items, ...extra } });
		const cta = (actions: unknown[]) => ({ 'twilio/call-to-action': { body: 'Go', actions } });
		const invalid: Array<[string, Record<string, unknown>, number, RegExp]> = [
			['a quick-reply body of 1025 characters', qr([{ title: 'A', id: 'a' }], 'x'.repeat(1025)), 21658, /types\.twilio\/quick-reply\.body must be at most 1024/],
			['a quick-reply title of 21 characters', qr([{ title: 'x'.repeat(21), id: 'a' }]), 21658, /actions\[0\]\.title must be at most 20/],
			['a quick-reply id of 201 characters', qr([{ title: 'A', id: 'x'.repeat(201) }]), 21658, /actions\[0\]\.id must be at most 200/],
			['no quick-reply actions', qr([]), 20001, /actions: WhatsApp takes 1 to 10 entries, got 0/],
			['11 quick-reply actions', qr(Array.from({ length: 11 }, (_, i) => ({ title: `${i}`, id: `${i}` }))), 20001, /1 to 10 entries, got 11/],
			['two quick-reply actions with one id', qr([{ title: 'A', id: 'x' }, { title: 'B', id: 'x' }]), 20001, /actions\[1\]\.id: 'x' is used twice/],
			['a list-picker button of 21 characters', lp([{ item: 'A', id: 'a' }], { button: 'x'.repeat(21) }), 21658, /button must be at most 20/],
			['a list item of 25 characters', lp([{ item: 'x'.repeat(25), id: 'a' }]), 21658, /items\[0\]\.item must be at most 24/],
			['a list description of 73 characters', lp([{ item: 'A', id: 'a', description: 'x'.repeat(73) }]), 21658, /items\[0\]\.description must be at most 72/],
			['a list id of 201 characters', lp([{ item: 'A', id: 'x'.repeat(201) }]), 21658, /items\[0\]\.id must be at most 200/],
			['11 list items', lp(Array.from({ length: 11 }, (_, i) => ({ item: `${i}`, id: `${i}` }))), 20001, /items: WhatsApp takes 1 to 10 entries, got 11/],
			['a CTA title of 26 characters', cta([{ type: 'URL', title: 'x'.repeat(26), url: 'https://e.com' }]), 21658, /actions\[0\]\.title must be at most 25/],
			['a CTA URL that is not http(s)', cta([{ type: 'URL', title: 'Go', url: 'mailto:a@e.com' }]), 20001, /actions\[0\]\.url: 'mailto:a@e.com' is not an http\(s\) URL/],
			['three CTA URLs', cta([1, 2, 3].map((i) => ({ type: 'URL', title: `${i}`, url: 'https://e.com' }))), 20001, /at most 2 URL actions/],
			['a CTA phone that is not E.164', cta([{ type: 'PHONE_NUMBER', title: 'Call', phone: '555-1234' }]), 20001, /actions\[0\]\.phone: '555-1234' is not an E.164 number/],
			['a location latitude of 91', { 'twilio/location': { latitude: 91, longitude: 0 } }, 20001, /latitude: must be between -90 and 90/],
			['a text body of 1601 characters', { 'twilio/text': { body: 'x'.repeat(1601) } }, 21658, /body must be at most 1600/],
			['no types at all', {}, 20001, /types must hold at least one content type/],
			['a placeholder of 17 characters', { 'twilio/text': { body: `Hi {{${'v'.repeat(17)}}}` } }, 20001, /Invalid placeholder/],
		];
		it.each(invalid)('rejects %s', async (_name, types, code, message) => {
			const before = sandbox.twilioContents.length;
			expectTwilioError(await createContent({ friendly_name: 'bad', language: 'en', types }), 400, code, message);
			expect(sandbox.twilioContents).toHaveLength(before);
		});

		it('rejects a type member the OpenAPI spec lacks before the route sees it', async () => {
			const answer = await createContent({ friendly_name: 'bad', language: 'en', types: { 'twilio/text': { body: 'x', footer: 'y' } } });
			expectTwilioError(answer, 400, 20001, /^Unknown parameter: types\.twilio\/text\.footer$/);
		});

		it('rejects a language that is not a language code', async () => {
			expectTwilioError(await createContent({ language: 'English', types: { 'twilio/text': { body: 'x' } } }), 400, 20001, /language/);
		});
	});

	describe('GET and DELETE /v1/Content/{Sid}', () => {
		it('deletes with 204, then answers 404', async () => {
			const created = await createContent({ friendly_name: 'doomed', language: 'en', types: { 'twilio/text': { body: 'bye' } } });
			const sid = created.body.sid;
			const deleted = await call(`${sandbox.twilioBaseUrl}/content/v1/Content/${sid}`, { method: 'DELETE', headers: { authorization: twilioAuth(sandbox) } });
			expect(deleted.status).toBe(204);
			expect(deleted.text).toBe('');
			expectTwilioError(await twilioGet(sandbox, `/content/v1/Content/${sid}`), 404, 20404);
			const again = await call(`${sandbox.twilioBaseUrl}/content/v1/Content/${sid}`, { method: 'DELETE', headers: { authorization: twilioAuth(sandbox) } });
			expect(again.status).toBe(404);
		});
	});

	describe('listing', () => {
		it('pages GET /v1/Content with PageSize, absolute sandbox URLs, to the end', async () => {
			const pages = await allPages('/content/v1/Content?PageSize=10');
			const total = sandbox.twilioContents.length;
			expect(pages).toHaveLength(Math.ceil(total / 10));
			expect(pages.flatMap((p) => p.contents.map((c: { sid: string }) => c.sid))).toEqual(sandbox.twilioContents.map((c) => c.sid));
			expect(pages[0].meta).toEqual({
				page: 0,
				page_size: 10,
				first_page_url: `${sandbox.twilioBaseUrl}/content/v1/Content?PageSize=10&Page=0`,
				previous_page_url: null,
				url: `${sandbox.twilioBaseUrl}/content/v1/Content?PageSize=10&Page=0`,
				next_page_url: `${sandbox.twilioBaseUrl}/content/v1/Content?PageSize=10&Page=1&PageToken=PA${sandbox.twilioContents[9].sid}`,
				key: 'contents',
			});
			expect(pages.at(-1).meta.next_page_url).toBeNull();
			expect(pages[1].meta.previous_page_url).toContain(`PageToken=PB${sandbox.twilioContents[10].sid}`);
			const back = await call(pages[1].meta.previous_page_url, { headers: { authorization: twilioAuth(sandbox) } });
			expect(back.body.contents).toEqual(pages[0].contents);
		});

		it('answers every seeded content on one page at the default PageSize of 50', async () => {
			const answer = await twilioGet(sandbox, '/content/v1/Content');
			expect(answer.body.meta).toMatchObject({ page_size: 50, next_page_url: null });
			expect(answer.body.contents.length).toBe(sandbox.twilioContents.length);
		});

		it('pages GET /v1/ContentAndApprovals with approval states', async () => {
			const pages = await allPages('/content/v1/ContentAndApprovals?PageSize=20');
			expect(pages.length).toBeGreaterThanOrEqual(2);
			const contents = pages.flatMap((p) => p.contents);
			expect(contents).toHaveLength(sandbox.twilioContents.length);
			expect(pages[0].meta.key).toBe('contents');

			const order = contents.find((c) => c.friendly_name === 'order_update');
			expect(order).toEqual({
				account_sid: sandbox.twilio.accountSid,
				approval_requests: {
					name: 'order_update',
					category: 'UTILITY',
					content_type: 'twilio/text',
					status: 'approved',
					rejection_reason: '',
					allow_category_change: true,
					type: 'whatsapp',
				},
				date_created: expect.stringMatching(ISO),
				date_updated: expect.stringMatching(ISO),
				friendly_name: 'order_update',
				language: 'en',
				sid: seed('order_update').sid,
				types: seed('order_update').types,
				variables: { 1: 'Ada', 2: 'A-1042' },
			});
			const statuses = Object.fromEntries(contents.map((c) => [c.friendly_name, c.approval_requests.status]));
			expect(statuses).toMatchObject({
				flight_delay_pending: 'pending',
				promo_blast_rejected: 'rejected',
				support_menu_list: 'unsubmitted',
				store_location: 'unsubmitted',
			});
			expect(contents.find((c) => c.friendly_name === 'promo_blast_rejected').approval_requests.rejection_reason).not.toBe('');
		});

		it('rejects a PageToken of another list', async () => {
			expectTwilioError(await twilioGet(sandbox, `/content/v1/Content?PageToken=PA${'HX'}${'0'.repeat(32)}`), 400, 20001, /PageToken/);
		});

		it('adds contents at run time with addTwilioContent, per sandbox', async () => {
			const added = sandbox.addTwilioContent({
				friendly_name: 'runtime_content',
				language: 'es',
				types: { 'twilio/text': { body: 'Hola {{1}}' } },
				approval: { name: 'runtime_content', category: 'UTILITY', status: 'approved', rejection_reason: '' },
			});
			expect(added.sid).toMatch(/^HX[0-9a-f]{32}$/);
			const fetched = await twilioGet(sandbox, `/content/v1/Content/${added.sid}`);
			expect(fetched.body.friendly_name).toBe('runtime_content');
			expect(() => sandbox.addTwilioContent({ language: 'en', types: { 'twilio/text': { body: 'x'.repeat(1601) } } })).toThrow(/1600/);

			const other = await startSandbox();
			try {
				expect(other.twilioContents.some((c: TwilioContent) => c.sid === added.sid)).toBe(false);
			} finally {
				await other.stop();
			}
		});
	});

	describe('sending with ContentSid', () => {
		it('creates a content, then sends it by ContentSid with its variables', async () => {
			const created = await createContent({
				friendly_name: 'flow',
				language: 'en',
				variables: { 1: 'sample' },
				types: { 'twilio/text': { body: 'Hi {{1}}, your code is {{2}}' } },
			});
			expect(created.status).toBe(201);
			const answer = await send({ ContentSid: created.body.sid, ContentVariables: JSON.stringify({ 1: 'Ada', 2: '1234' }) });
			expect(answer.status).toBe(201);
			expect(answer.body).toMatchObject({ sid: expect.stringMatching(/^SM[0-9a-f]{32}$/), body: '', num_media: '0', status: 'queued' });
			expect(sandbox.outbound).toEqual([
				{
					provider: 'twilio',
					id: answer.body.sid,
					to: TO,
					from: sandbox.twilio.whatsAppNumber,
					type: 'content',
					content: { body: null, media_urls: [], persistent_action: [], content_sid: created.body.sid, content_variables: { 1: 'Ada', 2: '1234' } },
					timestamp: expect.any(Number),
				},
			]);
		});

		it("falls back to the content's default variables for those not given", async () => {
			const reminder = seed('appointment_reminder');
			const answer = await send({ ContentSid: reminder.sid, ContentVariables: JSON.stringify({ 2: 'June 1' }) });
			expect(answer.status).toBe(201);
			expect(sandbox.outbound[0].content).toMatchObject({ content_variables: { 1: 'Ada', 2: 'June 1', 3: '10:30' } });
			// A content without variables needs no ContentVariables.
			expect((await send({ ContentSid: seed('filler_text_01').sid })).status).toBe(201);
		});

		it.each([
			['an unknown ContentSid', () => ({ ContentSid: `HX${'a'.repeat(32)}` }), 21655, /Content SID is invalid/],
			['ContentVariables without ContentSid', () => ({ Body: 'x', ContentVariables: '{"1":"a"}' }), 21654, /ContentSid must be specified/],
			['ContentVariables that are not JSON', () => ({ ContentSid: seed('order_update').sid, ContentVariables: '{1:' }), 21656, /ContentVariables/],
			['ContentVariables that are a JSON array', () => ({ ContentSid: seed('order_update').sid, ContentVariables: '["a"]' }), 21656, /ContentVariables/],
			['a variable that is not a string', () => ({ ContentSid: seed('order_update').sid, ContentVariables: '{"1":5}' }), 21656, /variable '1' must be a non-empty string/],
			['an empty variable', () => ({ ContentSid: seed('order_update').sid, ContentVariables: '{"1":""}' }), 21656, /variable '1'/],
			['a variable the content lacks', () => ({ ContentSid: seed('order_update').sid, ContentVariables: '{"1":"a","2":"b","3":"c"}' }), 63028, /not in the content \{\{3\}\}/],
			['a variable over 1600 characters', () => ({ ContentSid: seed('order_update').sid, ContentVariables: JSON.stringify({ 1: 'x'.repeat(1601) }) }), 21658, /character limit/],
			['ContentSid with a Body', () => ({ ContentSid: seed('order_update').sid, Body: 'Hi' }), 63030, /neither Body nor MediaUrl/],
			['ContentSid with a MediaUrl', () => ({ ContentSid: seed('welcome_media').sid, MediaUrl: 'https://e.com/a.png' }), 63030, /neither Body nor MediaUrl/],
		])('rejects %s', async (_name, fields, code, message) => {
			expectTwilioError(await send(fields()), 400, code, message);
			expect(sandbox.outbound).toHaveLength(0);
		});

		it('rejects a missing variable that has no default with 63028', async () => {
			const created = sandbox.addTwilioContent({ language: 'en', variables: { 1: 'x' }, types: { 'twilio/text': { body: '{{1}} and {{2}}' } } });
			expectTwilioError(await send({ ContentSid: created.sid, ContentVariables: '{"1":"a"}' }), 400, 63028, /missing \{\{2\}\}/);
		});
	});

	describe('Messages.json: MediaUrl and PersistentAction', () => {
		it('sends media with an optional Body, counting and recording every MediaUrl', async () => {
			const answer = await send({ Body: 'Two pictures', MediaUrl: ['https://e.com/a.jpg', 'https://e.com/b.jpg'] });
			expect(answer.status).toBe(201);
			expect(answer.body).toMatchObject({ sid: expect.stringMatching(/^MM/), num_media: '2', body: 'Two pictures' });
			const bare = await send({ MediaUrl: 'https://e.com/a.pdf' });
			expect(bare.body).toMatchObject({ num_media: '1', body: '' });
			expect(sandbox.outbound.map((m) => [m.type, (m.content as { media_urls: string[] }).media_urls])).toEqual([
				['media', ['https://e.com/a.jpg', 'https://e.com/b.jpg']],
				['media', ['https://e.com/a.pdf']],
			]);
		});

		it('sends a location as PersistentAction', async () => {
			const answer = await send({ Body: 'We are here', PersistentAction: 'geo:37.787890,-122.391664|Twilio HQ' });
			expect(answer.status).toBe(201);
			expect(answer.body.body).toBe('We are here');
			expect(sandbox.outbound[0]).toMatchObject({ type: 'location', content: { persistent_action: ['geo:37.787890,-122.391664|Twilio HQ'] } });
			expect((await send({ Body: 'No label', PersistentAction: 'geo:-90,180' })).status).toBe(201);
		});

		it.each([
			['a latitude of 91', 'geo:91,0|X', /latitude 91 is outside -90\.\.90/],
			['a longitude of -181', 'geo:0,-181|X', /longitude -181 is outside -180\.\.180/],
			['a value that is not geo:', 'tel:+15551230000', /is not geo:<latitude>,<longitude>\|<label>/],
			['a geo value without longitude', 'geo:37.7|X', /is not geo:/],
		])('rejects a PersistentAction with %s with 63021', async (_name, action, message) => {
			expectTwilioError(await send({ Body: 'x', PersistentAction: action }), 400, 63021, message);
		});

		it('rejects a MediaUrl that is not http(s) with 21620', async () => {
			expectTwilioError(await send({ MediaUrl: 'ftp://e.com/a.jpg' }), 400, 21620);
		});
	});

	describe('POST /v2/Indicators/Typing.json', () => {
		const typing = (fields: Record<string, string>) => twilioPostForm(sandbox, '/messaging/v2/Indicators/Typing.json', fields);

		it('answers {success: true} for an inbound message', async () => {
			const sid = sandbox.addTwilioInboundMessage();
			const answer = await typing({ channel: 'whatsapp', messageId: sid });
			expect(answer.status).toBe(200);
			expect(answer.body).toEqual({ success: true });
			const media = sandbox.addTwilioInboundMessage(`MM${'b'.repeat(32)}`);
			expect((await typing({ channel: 'whatsapp', messageId: media })).body).toEqual({ success: true });
		});

		it('rejects a message the account did not receive, an outbound one included', async () => {
			expectTwilioError(await typing({ channel: 'whatsapp', messageId: `SM${'9'.repeat(32)}` }), 400, 20001, /invalid or incomplete inbound data in MDR/);
			const outbound = await send({ Body: 'hi' });
			expectTwilioError(await typing({ channel: 'whatsapp', messageId: outbound.body.sid }), 400, 20001, /inbound/);
		});

		it.each([
			['a malformed messageId', { channel: 'whatsapp', messageId: 'wamid.abc' }, /messageId/],
			['another channel', { channel: 'sms', messageId: `SM${'1'.repeat(32)}` }, /channel/],
			['no messageId', { channel: 'whatsapp' }, /Missing required parameter: messageId/],
			['MessageId in the wrong case', { channel: 'whatsapp', MessageId: `SM${'1'.repeat(32)}` }, /Unknown parameter: MessageId/],
		])('rejects %s through the OpenAPI check', async (_name, fields, message) => {
			expectTwilioError(await typing(fields), 400, 20001, message);
		});

		it('refuses a malformed SID in addTwilioInboundMessage', () => {
			expect(() => sandbox.addTwilioInboundMessage('SM123')).toThrow(/not a Message SID/);
		});
	});

	describe('with the official twilio SDK', () => {
		it('creates content, lists ContentAndApprovals across pages and sends a typing indicator', async () => {
			const baseUrl = sandbox.twilioBaseUrl;
			class SandboxRequestClient extends twilio.RequestClient {
				request<TData>(opts: SdkRequestOptions<TData>) {
					const url = new URL(opts.uri);
					// Paging URLs already point at the sandbox; only twilio.com URLs are rewritten.
					const uri = url.hostname.endsWith('.twilio.com') ? `${baseUrl}/${url.hostname.split('.')[0]}${url.pathname}${url.search}` : opts.uri;
					return super.request<TData>({ ...opts, uri });
				}
			}
			const { accountSid, authToken } = sandbox.twilio;
			const client = twilio(accountSid, authToken, { httpClient: new SandboxRequestClient() });

			const created = await client.content.v1.contents.create({
				friendly_name: 'sdk_content',
				language: 'en',
				variables: { 1: 'Ada' },
				types: { 'twilio/text': { body: 'Hello {{1}}' } },
			} as unknown as Parameters<typeof client.content.v1.contents.create>[0]);
			expect(created.sid).toMatch(/^HX[0-9a-f]{32}$/);
			expect(created.friendlyName).toBe('sdk_content');
			expect(created.dateCreated).toBeInstanceOf(Date);
			expect(Number.isNaN(created.dateCreated.getTime())).toBe(false);

			const listed = await client.content.v1.contentAndApprovals.list({ pageSize: 10 });
			expect(listed).toHaveLength(sandbox.twilioContents.length);
			expect(listed.at(-1)?.sid).toBe(created.sid);
			expect(listed.find((c) => c.friendlyName === 'order_update')?.approvalRequests).toMatchObject({ status: 'approved' });

			const inbound = sandbox.addTwilioInboundMessage();
			const indicator = await client.messaging.v2.typingIndicator.create({ channel: 'whatsapp', messageId: inbound });
			expect(indicator.success).toBe(true);

			await expect(client.messaging.v2.typingIndicator.create({ channel: 'whatsapp', messageId: `SM${'7'.repeat(32)}` })).rejects.toMatchObject({
				status: 400,
				code: 20001,
			});

			const pageCount = Math.ceil(sandbox.twilioContents.length / 10);
			expect(sandbox.requests.map((r) => `${r.method} ${r.path.split('?')[0]} ${r.status}`)).toEqual([
				'POST /content/v1/Content 201',
				...Array.from({ length: pageCount }, () => 'GET /content/v1/ContentAndApprovals 200'),
				'POST /messaging/v2/Indicators/Typing.json 200',
				'POST /messaging/v2/Indicators/Typing.json 400',
			]);
		});
	});
});
