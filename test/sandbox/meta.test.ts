import { startSandbox, type Sandbox } from '../../sandbox';
import { call, metaGet, metaPost } from './helpers';

const WAMID = /^wamid\.HBgL[A-Za-z0-9+/]+={0,2}$/;

describe('sandbox: Meta Graph API', () => {
	let sandbox: Sandbox;
	let phonePath: string;

	beforeAll(async () => {
		sandbox = await startSandbox();
		phonePath = `/v24.0/${sandbox.meta.phoneNumberId}`;
	});
	afterAll(async () => {
		await sandbox.stop();
	});
	beforeEach(() => sandbox.clearRequests());

	const text = (to: string, body: string, extra: Record<string, unknown> = {}) => ({
		messaging_product: 'whatsapp',
		to,
		type: 'text',
		text: { body, ...extra },
	});

	describe('GET /<phone-number-id>', () => {
		it('answers only the asked fields, plus the id', async () => {
			const answer = await metaGet(sandbox, `${phonePath}?fields=display_phone_number,verified_name`);
			expect(answer.status).toBe(200);
			expect(answer.body).toEqual({
				display_phone_number: '+1 555-010-0000',
				verified_name: 'Omni Sandbox',
				id: '106540352242922',
			});
		});

		it('answers a default field set without `fields`', async () => {
			const answer = await metaGet(sandbox, phonePath);
			expect(answer.status).toBe(200);
			expect(answer.body).toMatchObject({
				display_phone_number: '+1 555-010-0000',
				verified_name: 'Omni Sandbox',
				quality_rating: 'GREEN',
				id: '106540352242922',
			});
		});

		it('accepts any vN.N version and the token as access_token query parameter', async () => {
			const answer = await call(
				`${sandbox.graphBaseUrl}/v26.0/${sandbox.meta.phoneNumberId}?fields=verified_name&access_token=${sandbox.meta.accessToken}`,
			);
			expect(answer.status).toBe(200);
			expect(answer.body).toEqual({ verified_name: 'Omni Sandbox', id: '106540352242922' });
		});

		it('rejects a path without a version', async () => {
			const answer = await metaGet(sandbox, `/latest/${sandbox.meta.phoneNumberId}`);
			expect(answer.status).toBe(400);
			expect(answer.body.error).toMatchObject({ code: 2500, type: 'OAuthException' });
		});

		it("answers an unknown object id with Meta's GraphMethodException", async () => {
			const answer = await metaGet(sandbox, '/v24.0/999000111?fields=verified_name');
			expect(answer.status).toBe(400);
			expect(answer.body.error).toMatchObject({ code: 100, error_subcode: 33, type: 'GraphMethodException' });
			expect(answer.body.error.message).toMatch(
				/^Unsupported get request\. Object with ID '999000111' does not exist, cannot be loaded due to missing permissions, or does not support this operation/,
			);
			expect(typeof answer.body.error.fbtrace_id).toBe('string');
		});

		it('rejects a field the node does not have', async () => {
			const answer = await metaGet(sandbox, `${phonePath}?fields=verified_name,favourite_colour`);
			expect(answer.status).toBe(400);
			expect(answer.body.error).toMatchObject({ code: 100, type: 'OAuthException' });
			expect(answer.body.error.message).toContain('favourite_colour');
		});
	});

	describe('authentication', () => {
		it.each([
			['a wrong token', { authorization: 'Bearer EAAG-not-the-token' }],
			['no token', {}],
		])("answers %s with 401 and Meta's OAuthException 190", async (_name, headers) => {
			const answer = await call(`${sandbox.graphBaseUrl}${phonePath}`, { headers });
			expect(answer.status).toBe(401);
			expect(answer.body).toEqual({
				error: {
					message: 'Invalid OAuth access token - Cannot parse access token',
					type: 'OAuthException',
					code: 190,
					fbtrace_id: expect.stringMatching(/^[A-Za-z0-9]{10,}$/),
				},
			});
		});

		it('checks the token on POST as well', async () => {
			const answer = await metaPost(sandbox, `${phonePath}/messages`, text('15550001111', 'hi'), 'wrong');
			expect(answer.status).toBe(401);
			expect(answer.body.error.code).toBe(190);
		});
	});

	describe('POST /<phone-number-id>/messages', () => {
		it('sends a text and answers like the Cloud API', async () => {
			const answer = await metaPost(sandbox, `${phonePath}/messages`, text('+16505551234', 'Hello there'));
			expect(answer.status).toBe(200);
			expect(answer.body).toEqual({
				messaging_product: 'whatsapp',
				contacts: [{ input: '+16505551234', wa_id: '16505551234' }],
				messages: [{ id: expect.stringMatching(WAMID) }],
			});
		});

		it('hands out a new wamid for every message', async () => {
			const first = await metaPost(sandbox, `${phonePath}/messages`, text('16505551234', 'one'));
			const second = await metaPost(sandbox, `${phonePath}/messages`, text('16505551234', 'two'));
			expect(first.body.messages[0].id).not.toBe(second.body.messages[0].id);
			expect(first.body.contacts[0]).toEqual({ input: '16505551234', wa_id: '16505551234' });
		});

		it('records method, path, headers, query and the parsed JSON body', async () => {
			const payload = text('16505551234', 'recorded', { preview_url: true });
			await metaPost(sandbox, `${phonePath}/messages`, payload);
			await metaGet(sandbox, `${phonePath}?fields=verified_name`);

			expect(sandbox.requests).toHaveLength(2);
			const [post, get] = sandbox.requests;
			expect(post).toMatchObject({
				provider: 'meta',
				method: 'POST',
				path: '/v24.0/106540352242922/messages',
				query: {},
				body: payload,
				status: 200,
			});
			expect(post.headers.authorization).toBe('Bearer EAAG-sandbox-token');
			expect(post.headers['content-type']).toBe('application/json');
			expect(post.rawBody.toString('utf8')).toBe(JSON.stringify(payload));
			expect(typeof post.at).toBe('number');
			expect(post.fault).toBeUndefined();
			expect(post.injected).toBeUndefined();

			expect(get).toMatchObject({
				method: 'GET',
				path: '/v24.0/106540352242922',
				query: { fields: 'verified_name' },
				body: undefined,
			});
			expect(get.rawBody.length).toBe(0);
		});

		it('accepts a body of exactly 4096 characters', async () => {
			const answer = await metaPost(sandbox, `${phonePath}/messages`, text('16505551234', 'x'.repeat(4096)));
			expect(answer.status).toBe(200);
		});

		it('sends other message types too (checked in metaMessages.test.ts)', async () => {
			const answer = await metaPost(sandbox, `${phonePath}/messages`, {
				messaging_product: 'whatsapp',
				to: '16505551234',
				type: 'image',
				image: { link: 'https://example.com/cat.jpg' },
			});
			expect(answer.status).toBe(200);
		});

		const invalid: Array<[string, unknown, number, RegExp]> = [
			['no messaging_product', { to: '16505551234', type: 'text', text: { body: 'x' } }, 100, /messaging_product is required/],
			['messaging_product other than whatsapp', { ...text('16505551234', 'x'), messaging_product: 'sms' }, 100, /messaging_product/],
			['no to', { messaging_product: 'whatsapp', type: 'text', text: { body: 'x' } }, 131008, /to is required/],
			['a to with letters', text('+1 650 CALL-ME', 'x'), 131009, /'to'/],
			['no type', { messaging_product: 'whatsapp', to: '16505551234', text: { body: 'x' } }, 131008, /type is required/],
			['an unknown type', { messaging_product: 'whatsapp', to: '16505551234', type: 'fax', fax: {} }, 100, /got "fax"/],
			['no object for the type', { messaging_product: 'whatsapp', to: '16505551234', type: 'text' }, 131008, /text is required/],
			['a non-object for the type', { messaging_product: 'whatsapp', to: '16505551234', type: 'image', image: 'cat.jpg' }, 100, /image must be a JSON object/],
			['a text without body', { messaging_product: 'whatsapp', to: '16505551234', type: 'text', text: {} }, 131008, /text\['body'\] is required/],
			['a body of 4097 characters', text('16505551234', 'x'.repeat(4097)), 100, /at most 4096 characters/],
			['a non-boolean preview_url', text('16505551234', 'x', { preview_url: 'yes' }), 100, /preview_url/],
			['a context without message_id', { ...text('16505551234', 'x'), context: {} }, 100, /context/],
		];

		it.each(invalid)('rejects %s', async (_name, body, code, details) => {
			const answer = await metaPost(sandbox, `${phonePath}/messages`, body);
			expect(answer.status).toBe(400);
			expect(answer.body.error.code).toBe(code);
			expect(answer.body.error.type).toBe('OAuthException');
			expect(typeof answer.body.error.fbtrace_id).toBe('string');
			const explanation = answer.body.error.error_data?.details ?? answer.body.error.message;
			expect(explanation).toMatch(details);
			if (answer.body.error.error_data) expect(answer.body.error.error_data.messaging_product).toBe('whatsapp');
		});

		it('answers invalid-parameter errors with "(#100) Invalid parameter" and details', async () => {
			const answer = await metaPost(sandbox, `${phonePath}/messages`, text('16505551234', 'x'.repeat(5000)));
			expect(answer.body.error).toMatchObject({
				message: '(#100) Invalid parameter',
				code: 100,
				error_data: { messaging_product: 'whatsapp', details: "Param text['body'] must be at most 4096 characters long." },
			});
		});

		it('refuses messages from an unknown phone number id', async () => {
			const answer = await metaPost(sandbox, '/v24.0/111222333/messages', text('16505551234', 'x'));
			expect(answer.status).toBe(400);
			expect(answer.body.error).toMatchObject({ code: 100, error_subcode: 33 });
			expect(answer.body.error.message).toMatch(/^Unsupported post request/);
		});
	});
});
