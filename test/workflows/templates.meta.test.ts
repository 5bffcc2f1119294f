import { startSandbox, type Sandbox } from '../../sandbox';
import { sandboxCredentials } from '../sandboxCredentials';
import { runWorkflow, sendWorkflow } from './harness';

let sandbox: Sandbox;
beforeAll(async () => {
	sandbox = await startSandbox();
});
afterAll(async () => sandbox.stop());
beforeEach(() => sandbox.clearRequests());

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

async function run(operation: string, parameters: object, input?: Array<{ json: object; binary?: Record<string, object> }>) {
	return await runWorkflow(sendWorkflow({ provider: 'meta', resource: 'template', operation, ...parameters }), {
		credentials: sandboxCredentials(sandbox),
		...(input ? { input: input as never } : {}),
	});
}

async function ok(operation: string, parameters: object, input?: Array<{ json: object; binary?: Record<string, object> }>) {
	const result = await run(operation, parameters, input);
	expect(result.error).toBeUndefined();
	return result.output('WhatsApp Omni');
}

const locator = (value: string) => ({ __rl: true, mode: 'id', value });
const templateRequests = () => sandbox.requests.filter((r) => r.path.includes('message_templates') || r.path.includes('upload'));

describe('Template resource on Meta in the n8n engine against the sandbox', () => {
	it('Create → Get → Get Many → Delete one language → Delete all', async () => {
		const [created] = await ok('create', {
			name: 'wf_order_ready',
			language: 'en_US',
			category: 'UTILITY',
			parameterFormat: 'positional',
			headerType: 'text',
			headerText: 'Order {{1}}',
			headerExample: 'A-1042',
			body: 'Hi {{1}}, order {{2}} is ready for pickup.',
			bodyExamples: { example: [{ variable: '1', value: 'Ada' }, { variable: '2', value: 'A-1042' }] },
			footer: 'Omni Shop',
			buttons: { button: [{ type: 'url', text: 'Details', url: 'https://shop.example.com/o/{{1}}', urlExample: 'https://shop.example.com/o/A-1042' }, { type: 'quickReply', text: 'Thanks' }] },
		});
		expect(created.json).toMatchObject({
			provider: 'meta',
			id: 'wf_order_ready|en_US',
			templateId: expect.stringMatching(/^\d+$/),
			status: 'PENDING',
			category: 'UTILITY',
			header: { format: 'text', text: 'Order {{1}}' },
			buttons: [{ type: 'url', text: 'Details', url: 'https://shop.example.com/o/{{1}}' }, { type: 'quickReply', text: 'Thanks' }],
		});
		const post = sandbox.requests.find((r) => r.method === 'POST' && r.path.endsWith('/message_templates'));
		expect(post?.body).toMatchObject({ name: 'wf_order_ready', parameter_format: 'POSITIONAL' });
		expect((post?.body as { components: unknown[] }).components[1]).toEqual({ type: 'BODY', text: 'Hi {{1}}, order {{2}} is ready for pickup.', example: { body_text: [['Ada', 'A-1042']] } });

		// A Spanish version under the same name, from the JSON definition.
		await ok('create', {
			name: 'ignored',
			body: 'ignored',
			options: { definitionJson: JSON.stringify({ name: 'wf_order_ready', language: 'es', body: 'Hola {{1}}, tu pedido está listo.', bodyExamples: { '1': 'Ada' } }) },
		});

		const [byName] = await ok('get', { template: locator('wf_order_ready|en_US') });
		expect(byName.json).toMatchObject({ templateId: created.json.templateId, status: 'PENDING', body: 'Hi {{1}}, order {{2}} is ready for pickup.', footer: 'Omni Shop' });
		const [byId] = await ok('get', { template: locator(String(created.json.templateId)) });
		expect(byId.json).toMatchObject({ id: 'wf_order_ready|en_US' });
		expect(sandbox.requests.at(-1)?.path).toBe(`/v24.0/${created.json.templateId}`);

		const many = await ok('getMany', { returnAll: true, filters: { name: 'wf_order', status: 'PENDING' } });
		expect(many.map((item) => item.json.id).sort()).toEqual(['wf_order_ready|en_US', 'wf_order_ready|es']);

		sandbox.clearRequests();
		// A list pick is name|language: by default only that language goes.
		const deletedOne = await ok('delete', { template: { __rl: true, mode: 'list', value: 'wf_order_ready|es' } });
		expect(deletedOne[0].json).toEqual({ provider: 'meta', deleted: ['wf_order_ready (es)'], success: true });
		const del = sandbox.requests.find((r) => r.method === 'DELETE');
		expect(del?.query).toMatchObject({ name: 'wf_order_ready', hsm_id: expect.stringMatching(/^\d+$/) });
		expect(sandbox.metaTemplates.filter((t) => t.name === 'wf_order_ready').map((t) => t.language)).toEqual(['en_US']);

		await ok('create', { name: 'ignored', body: 'ignored', options: { definitionJson: JSON.stringify({ name: 'wf_order_ready', language: 'fr', body: 'Bonjour, votre commande est prête.' }) } });
		// Delete All Languages wins over the language of the pick.
		const deletedAll = await ok('delete', { template: locator('wf_order_ready|fr'), deleteAllLanguages: true });
		expect(deletedAll[0].json).toEqual({ provider: 'meta', deleted: ['wf_order_ready (en_US)', 'wf_order_ready (fr)'], success: true });

		// A bare name (no language, Language empty) still deletes every language.
		for (const language of ['en_US', 'de']) {
			await ok('create', { name: 'ignored', body: 'ignored', options: { definitionJson: JSON.stringify({ name: 'wf_bare', language, body: 'Your order is ready.' }) } });
		}
		const bare = await ok('delete', { template: locator('wf_bare') });
		expect(bare[0].json).toEqual({ provider: 'meta', deleted: ['wf_bare (de)', 'wf_bare (en_US)'], success: true });
		expect(sandbox.metaTemplates.some((t) => t.name === 'wf_bare')).toBe(false);
		expect(sandbox.metaTemplates.some((t) => t.name === 'wf_order_ready')).toBe(false);

		const gone = await run('get', { template: locator('wf_order_ready|en_US') });
		expect(gone.error?.message).toMatch(/no template named "wf_order_ready"/);
	});

	it('Get Many pages through every template with Return All, and stops at Limit', async () => {
		const total = sandbox.metaTemplates.length;
		sandbox.clearRequests();
		const all = await ok('getMany', { returnAll: true });
		expect(all).toHaveLength(total);
		expect(new Set(all.map((i) => i.json.id)).size).toBe(total);
		const pages = templateRequests().filter((r) => r.method === 'GET');
		expect(pages.length).toBeGreaterThan(0);

		// Limit 30 over pages of 100 is one request asking for 30; a filter over several pages of 10 needs more.
		sandbox.clearRequests();
		const limited = await ok('getMany', { returnAll: false, limit: 30 });
		expect(limited).toHaveLength(30);
		expect(templateRequests().map((r) => r.query.limit)).toEqual(['30']);

		sandbox.clearRequests();
		const approvedFillers = await ok('getMany', { returnAll: false, limit: 12, filters: { name: 'filler', status: 'APPROVED', category: 'UTILITY', language: 'en_US' } });
		expect(approvedFillers.map((i) => i.json.name)).toEqual(Array.from({ length: 12 }, (_, i) => `filler_${String(i + 1).padStart(2, '0')}`));
		expect(templateRequests()[0].query).toMatchObject({ name: 'filler', status: 'APPROVED', category: 'UTILITY', language: 'en_US', limit: '12' });
	});

	it('Return All and Limit follow the cursor over several pages', async () => {
		for (let i = 1; i <= 120; i++) {
			sandbox.addMetaTemplate({ name: `bulk_${String(i).padStart(3, '0')}`, language: 'en_US', components: [{ type: 'BODY', text: `Bulk notice ${i}.` }] });
		}
		sandbox.clearRequests();
		const all = await ok('getMany', { returnAll: true, filters: { name: 'bulk_' } });
		expect(all.map((i) => i.json.name)).toEqual(Array.from({ length: 120 }, (_, i) => `bulk_${String(i + 1).padStart(3, '0')}`));
		const pages = templateRequests();
		expect(pages.map((r) => r.query.limit)).toEqual(['100', '100']);
		expect(pages[0].query.after).toBeUndefined();
		expect(pages[1].query.after).toEqual(expect.any(String));

		sandbox.clearRequests();
		const limited = await ok('getMany', { returnAll: false, limit: 110, filters: { name: 'bulk_' } });
		expect(limited).toHaveLength(110);
		expect(limited.at(-1)?.json.name).toBe('bulk_110');
		expect(templateRequests().map((r) => r.query.limit)).toEqual(['100', '10']);
	});

	it('creates an image template from a binary file through the Resumable Upload API', async () => {
		const [created] = await ok(
			'create',
			{ name: 'wf_promo_image', category: 'MARKETING', headerType: 'image', headerSampleSource: 'binary', headerBinaryPropertyName: 'photo', body: 'This week: {{1}} off everything.', bodyExamples: { example: [{ variable: '1', value: '25%' }] } },
			[{ json: {}, binary: { photo: { data: PNG.toString('base64'), mimeType: 'image/png', fileName: 'promo.png' } } }],
		);
		expect(created.json).toMatchObject({ status: 'PENDING', header: { format: 'image' } });
		const [start, bytes] = templateRequests().filter((r) => r.path.includes('upload'));
		expect(start.path).toBe(`/v24.0/${sandbox.meta.appId}/uploads`);
		expect(start.query).toEqual({ file_name: 'promo.png', file_length: String(PNG.length), file_type: 'image/png' });
		expect(bytes.headers.authorization).toBe(`OAuth ${sandbox.meta.accessToken}`);
		expect(bytes.headers.file_offset).toBe('0');
		expect(bytes.rawBody.equals(PNG)).toBe(true);
		const stored = sandbox.metaTemplates.find((t) => t.name === 'wf_promo_image');
		expect(stored?.components[0]).toEqual({ type: 'HEADER', format: 'IMAGE', example: { header_handle: [expect.stringMatching(/^4::/)] } });
	});

	it('refuses bad input before any request, naming the field and the limit', async () => {
		sandbox.clearRequests();
		const cases: Array<[object, RegExp]> = [
			[{ name: 'Bad Name', body: 'Hello there' }, /Name "Bad Name" may only contain lowercase letters/],
			[{ name: 'ok_name', body: 'Hi {{1}} there' }, /\{\{1\}\} has no example/],
			[{ name: 'ok_name', body: 'Hello', footer: 'f'.repeat(61) }, /Footer is 61 characters long; WhatsApp allows at most 60/],
			[{ name: 'ok_name', body: 'Hello', buttons: { button: [{ type: 'quickReply', text: 'x'.repeat(26) }] } }, /at most 25/],
			[{ name: 'ok_name', body: 'Your code is ready.', category: 'AUTHENTICATION' }, /Meta accepts Authentication templates only in its fixed one-time-password layout/],
			[{ name: 'ok_name', body: 'Hello', options: { definitionJson: JSON.stringify({ header: { format: 'image', url: 'https://x.example/a.png' } }) } }, /Meta does not take a URL/],
		];
		for (const [parameters, message] of cases) {
			const result = await run('create', parameters);
			expect(result.error?.message).toMatch(message);
		}
		const limitZero = await run('getMany', { returnAll: false, limit: 0 });
		expect(limitZero.error?.message).toMatch(/Limit must be a whole number of at least 1; got 0/);
		expect(templateRequests()).toHaveLength(0);
	});

	it('a Meta error keeps its code: a name and language that exist already', async () => {
		const result = await run('create', { name: 'hello_world', language: 'en_US', body: 'Hello again, friend.' });
		// Meta says code 100, subcode 2388024: the subcode is the reason its reference lists.
		expect(result.error?.message).toBe('Meta (WhatsApp Cloud API) error 2388024: Content in This Language Already Exists');
		expect(JSON.stringify(result.error)).toMatch(/already en_US content/);
	});
});
