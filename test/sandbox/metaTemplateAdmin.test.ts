import { startSandbox, type Sandbox } from '../../sandbox';
import { call, metaGet, metaPost } from './helpers';

let sandbox: Sandbox;
beforeAll(async () => {
	sandbox = await startSandbox();
});
afterAll(async () => sandbox.stop());

const templatesPath = () => `/v24.0/${sandbox.meta.wabaId}/message_templates`;
const body = (over: Record<string, unknown> = {}) => ({
	name: 'sb_welcome',
	language: 'en_US',
	category: 'UTILITY',
	components: [{ type: 'BODY', text: 'Hi {{1}}, welcome aboard.', example: { body_text: [['Ada']] } }],
	...over,
});

describe('Meta sandbox: template management', () => {
	it('creates a PENDING template, lists it with filters, deletes one language by hsm_id and then the rest by name', async () => {
		const created = await metaPost(sandbox, templatesPath(), body());
		expect(created.status).toBe(200);
		expect(created.body).toEqual({ id: expect.stringMatching(/^\d{16}$/), status: 'PENDING', category: 'UTILITY' });
		expect((await metaPost(sandbox, templatesPath(), body({ language: 'es' }))).status).toBe(200);

		const listed = await metaGet(sandbox, `${templatesPath()}?name=sb_welcome&status=PENDING&language=en_US&category=UTILITY&fields=id,name,language,status`);
		expect(listed.body.data).toEqual([{ id: created.body.id, name: 'sb_welcome', language: 'en_US', status: 'PENDING' }]);
		const byContent = await metaGet(sandbox, `${templatesPath()}?content=welcome%20aboard&fields=name`);
		expect(byContent.body.data.map((t: { name: string }) => t.name)).toEqual(['sb_welcome', 'sb_welcome']);

		const auth = { authorization: `Bearer ${sandbox.meta.accessToken}` };
		const one = await call(`${sandbox.graphBaseUrl}${templatesPath()}?name=sb_welcome&hsm_id=${created.body.id}`, { method: 'DELETE', headers: auth });
		expect(one.body).toEqual({ success: true });
		expect(sandbox.metaTemplates.filter((t) => t.name === 'sb_welcome').map((t) => t.language)).toEqual(['es']);
		expect((await call(`${sandbox.graphBaseUrl}${templatesPath()}?name=sb_welcome`, { method: 'DELETE', headers: auth })).body).toEqual({ success: true });
		const again = await call(`${sandbox.graphBaseUrl}${templatesPath()}?name=sb_welcome`, { method: 'DELETE', headers: auth });
		expect(again.status).toBe(400);
		expect(again.body.error).toMatchObject({ code: 100, error_data: { details: expect.stringMatching(/not found/) } });
	});

	it.each([
		['a duplicate name and language', { name: 'hello_world' }, 2388024, /already .*content/],
		['a bad name', { name: 'Bad-Name' }, 100, /lowercase letters/],
		['a missing body example', { components: [{ type: 'BODY', text: 'Hi {{1}}, welcome.' }] }, 100, /no example values/],
		['a leading variable', { components: [{ type: 'BODY', text: '{{1}} is here, welcome.', example: { body_text: [['Ada']] } }] }, 2388299, /start or end/],
		['a long footer', { components: [{ type: 'BODY', text: 'Hello there.' }, { type: 'FOOTER', text: 'f'.repeat(61) }] }, 2388040, /limit is 60/],
		['a footer variable', { components: [{ type: 'BODY', text: 'Hello there.' }, { type: 'FOOTER', text: 'Bye {{1}}' }] }, 2388073, /parameters/],
		['two header variables', { components: [{ type: 'HEADER', format: 'TEXT', text: '{{1}} and {{2}}', example: { header_text: ['a', 'b'] } }, { type: 'BODY', text: 'Hello there.' }] }, 2388047, /one parameter/],
		['three URL buttons', { components: [{ type: 'BODY', text: 'Hello there.' }, { type: 'BUTTONS', buttons: [1, 2, 3].map(() => ({ type: 'URL', text: 'Go', url: 'https://x.example' })) }] }, 100, /at most 2 URL/],
	])('refuses %s like Meta', async (_label, over, code, details) => {
		const answer = await metaPost(sandbox, templatesPath(), body(over));
		expect(answer.status).toBe(400);
		// Template-creation reasons come as subcodes of the generic 100, worded for people.
		if (code === 100) {
			expect(answer.body.error.code).toBe(100);
			expect(answer.body.error.error_data.details).toMatch(details);
		} else {
			expect(answer.body.error).toMatchObject({ code: 100, error_subcode: code, error_user_title: expect.any(String) });
			expect(answer.body.error.error_user_msg).toMatch(details);
		}
	});

	it('Resumable Upload API: session on the app, bytes with file_offset 0 and OAuth, a handle a media header accepts', async () => {
		const bytes = Buffer.from('%PDF-1.4 sample');
		const session = await call(`${sandbox.graphBaseUrl}/v24.0/${sandbox.meta.appId}/uploads?file_name=a.pdf&file_length=${bytes.length}&file_type=application/pdf`, {
			method: 'POST',
			headers: { authorization: `OAuth ${sandbox.meta.accessToken}` },
		});
		expect(session.body).toEqual({ id: expect.stringMatching(/^upload:/) });
		const wrongType = await call(`${sandbox.graphBaseUrl}/v24.0/${sandbox.meta.appId}/uploads?file_name=a.gif&file_length=3&file_type=image/gif`, {
			method: 'POST',
			headers: { authorization: `OAuth ${sandbox.meta.accessToken}` },
		});
		expect(wrongType.body.error.code).toBe(100);
		const noOffset = await call(`${sandbox.graphBaseUrl}/v24.0/${session.body.id}`, { method: 'POST', headers: { authorization: `OAuth ${sandbox.meta.accessToken}` }, body: bytes });
		expect(noOffset.body.error.message).toMatch(/file_offset is required/);
		const uploaded = await call(`${sandbox.graphBaseUrl}/v24.0/${session.body.id}`, {
			method: 'POST',
			headers: { authorization: `OAuth ${sandbox.meta.accessToken}`, file_offset: '0' },
			body: bytes,
		});
		expect(uploaded.body).toEqual({ h: expect.stringMatching(/^4::/) });
		const created = await metaPost(sandbox, templatesPath(), body({ name: 'sb_invoice', components: [{ type: 'HEADER', format: 'DOCUMENT', example: { header_handle: [uploaded.body.h] } }, { type: 'BODY', text: 'Your invoice is attached.' }] }));
		expect(created.status).toBe(200);
		const noHandle = await metaPost(sandbox, templatesPath(), body({ name: 'sb_invoice2', components: [{ type: 'HEADER', format: 'DOCUMENT' }, { type: 'BODY', text: 'Your invoice is attached.' }] }));
		expect(noHandle.body.error.error_data.details).toMatch(/no example values/);
	});

	it('refuses an AUTHENTICATION template with custom text, as Meta does (its text is fixed)', async () => {
		const custom = await metaPost(sandbox, templatesPath(), body({ name: 'sb_otp', category: 'AUTHENTICATION', components: [{ type: 'BODY', text: 'Your code is {{1}}.', example: { body_text: [['123456']] } }] }));
		expect(custom.status).toBe(400);
		expect(custom.body.error).toMatchObject({ code: 100, error_data: { details: expect.stringMatching(/Authentication templates use a fixed layout/) } });
		expect(sandbox.metaTemplates.some((t) => t.name === 'sb_otp')).toBe(false);
	});
});
