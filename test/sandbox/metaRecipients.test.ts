import { startSandbox, type Sandbox } from '../../sandbox';
import { expectMetaError, metaPost } from './helpers';

const BSUID = 'US.13491208655302741918';
const PARENT_BSUID = 'US.ENT.11815799212886844830';
const PHONE = '16505551234';

describe('sandbox: Meta recipients (to and recipient)', () => {
	let sandbox: Sandbox;
	let messagesPath: string;

	beforeAll(async () => {
		sandbox = await startSandbox();
		messagesPath = `/v24.0/${sandbox.meta.phoneNumberId}/messages`;
		sandbox.addMetaTemplate({
			name: 'login_code',
			language: 'en_US',
			category: 'AUTHENTICATION',
			components: [{ type: 'BODY', text: '{{1}} is your verification code.' }],
		});
	});
	afterAll(async () => {
		await sandbox.stop();
	});
	beforeEach(() => {
		sandbox.clearRequests();
		sandbox.clearOutbound();
	});

	const send = (body: unknown) => metaPost(sandbox, messagesPath, body);
	const text = (address: Record<string, unknown>) => ({
		messaging_product: 'whatsapp',
		recipient_type: 'individual',
		...address,
		type: 'text',
		text: { body: 'Hi' },
	});
	const template = (address: Record<string, unknown>, name: string, parameters: string[]) => ({
		messaging_product: 'whatsapp',
		...address,
		type: 'template',
		template: {
			name,
			language: { code: 'en_US' },
			...(parameters.length ? { components: [{ type: 'body', parameters: parameters.map((value) => ({ type: 'text', text: value })) }] } : {}),
		},
	});

	it.each([BSUID, PARENT_BSUID])('sends to the BSUID %s given as recipient, answering with user_id and no wa_id', async (userId) => {
		const answer = await send(text({ recipient: userId }));
		expect(answer.status).toBe(200);
		expect(answer.body).toEqual({
			messaging_product: 'whatsapp',
			contacts: [{ input: userId, user_id: userId }],
			messages: [{ id: expect.stringMatching(/^wamid\./) }],
		});
		expect(sandbox.outbound).toEqual([
			{
				provider: 'meta',
				id: answer.body.messages[0].id,
				to: userId,
				from: sandbox.meta.phoneNumberId,
				type: 'text',
				content: { body: 'Hi' },
				timestamp: expect.any(Number),
			},
		]);
	});

	it('still answers a phone number in to with wa_id', async () => {
		const answer = await send(text({ to: `+${PHONE}` }));
		expect(answer.body.contacts).toEqual([{ input: `+${PHONE}`, wa_id: PHONE }]);
		expect(sandbox.outbound[0].to).toBe(PHONE);
	});

	it('goes by to when both are given, as Meta does', async () => {
		const answer = await send(text({ to: PHONE, recipient: BSUID }));
		expect(answer.status).toBe(200);
		expect(answer.body.contacts).toEqual([{ input: PHONE, wa_id: PHONE }]);
		expect(sandbox.outbound[0].to).toBe(PHONE);
	});

	it('refuses a BSUID in to with code 100 (the sandbox’s choice: Meta accepts it and never delivers)', async () => {
		expectMetaError(await send(text({ to: BSUID })), 400, 100, /Param to must be a phone number .*business-scoped user ID, which goes in recipient/);
		expect(sandbox.outbound).toHaveLength(0);
	});

	it.each([
		['a phone number', PHONE, /Param recipient must be a business-scoped user ID/],
		['lower-case country letters', 'us.13491208655302741918', /Param recipient must be a business-scoped user ID/],
		['129 characters after the country code', `US.${'1'.repeat(129)}`, /Param recipient must be a business-scoped user ID/],
		['a number value', 1349120865, /Param recipient must be a string/],
	])('refuses %s as recipient with code 100', async (_name, recipient, details) => {
		expectMetaError(await send(text({ recipient })), 400, 100, details);
		expect(sandbox.outbound).toHaveLength(0);
	});

	it('refuses recipient_type business_scoped_user_id with code 100', async () => {
		expectMetaError(await send({ ...text({ recipient: BSUID }), recipient_type: 'business_scoped_user_id' }), 400, 100, /recipient_type must be one of \{INDIVIDUAL, GROUP\}/);
	});

	it('still requires one of to and recipient', async () => {
		expectMetaError(await send(text({})), 400, 131008, /The parameter to is required \(or recipient/);
	});

	it('answers 131062 for an authentication template sent to a BSUID, and sends it to a phone number', async () => {
		const refused = await send(template({ recipient: BSUID }, 'login_code', ['123456']));
		expectMetaError(refused, 400, 131062, /login_code is an authentication template/);
		expect(refused.body.error.message).toBe('(#131062) Business-scoped User ID recipients are not supported for this message');
		expect(sandbox.outbound).toHaveLength(0);

		const sent = await send(template({ to: PHONE }, 'login_code', ['123456']));
		expect(sent.status).toBe(200);
	});

	it('sends templates of other categories to a BSUID', async () => {
		const answer = await send(template({ recipient: BSUID }, 'hello_world', []));
		expect(answer.status).toBe(200);
		expect(answer.body.contacts).toEqual([{ input: BSUID, user_id: BSUID }]);
	});
});
