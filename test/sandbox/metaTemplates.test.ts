import { META_TEMPLATE_SEED, startSandbox, type MetaTemplate, type Sandbox } from '../../sandbox';
import { call, expectMetaError, metaGet, metaPost } from './helpers';

const TO = '16505551234';

describe('sandbox: Meta message templates', () => {
	let sandbox: Sandbox;
	let listPath: string;

	beforeAll(async () => {
		sandbox = await startSandbox();
		listPath = `/v24.0/${sandbox.meta.wabaId}/message_templates`;
	});
	afterAll(async () => {
		await sandbox.stop();
	});
	beforeEach(() => {
		sandbox.clearRequests();
		sandbox.clearOutbound();
	});

	const seed = (name: string, language = 'en_US') => META_TEMPLATE_SEED.find((t) => t.name === name && t.language === language)!;

	/** Follows `paging.next` from the first page to the last; returns every page. */
	async function allPages(first: string): Promise<any[]> {
		const pages: any[] = [];
		let answer = await metaGet(sandbox, first);
		for (;;) {
			expect(answer.status).toBe(200);
			pages.push(answer.body);
			const next: string | undefined = answer.body.paging?.next;
			if (!next) return pages;
			expect(next.startsWith(`${sandbox.graphBaseUrl}/v24.0/${sandbox.meta.wabaId}/message_templates?`)).toBe(true);
			answer = await call(next, { headers: { authorization: `Bearer ${sandbox.meta.accessToken}` } });
			if (pages.length > 50) throw new Error('paging does not end');
		}
	}

	describe('the seed', () => {
		it('has about 30 templates with the ones the tests and the node rely on', () => {
			expect(META_TEMPLATE_SEED.length).toBeGreaterThan(25);
			const names = META_TEMPLATE_SEED.map((t) => `${t.name}/${t.language}/${t.status}`);
			expect(names).toEqual(
				expect.arrayContaining([
					'hello_world/en_US/APPROVED',
					'order_update/en_US/APPROVED',
					'order_update/es/APPROVED',
					'shipping_named/en_US/APPROVED',
					'promo_image/en_US/APPROVED',
					'invoice_doc/en_US/APPROVED',
					'loyalty_pending/en_US/PENDING',
					'flash_sale_rejected/en_US/REJECTED',
					'filler_01/en_US/APPROVED',
					'filler_22/en_US/APPROVED',
				]),
			);
			expect(new Set(META_TEMPLATE_SEED.map((t) => t.id)).size).toBe(META_TEMPLATE_SEED.length);
			expect(seed('shipping_named').parameter_format).toBe('NAMED');
			expect(Object.isFrozen(META_TEMPLATE_SEED)).toBe(true);
		});
	});

	describe('GET /<waba-id>/message_templates', () => {
		it('pages through every template at the default limit of 25, ending without next', async () => {
			const pages = await allPages(listPath);
			expect(pages.map((p) => p.data.length)).toEqual([25, META_TEMPLATE_SEED.length - 25]);
			const ids = pages.flatMap((p) => p.data.map((t: MetaTemplate) => t.id));
			expect(ids).toEqual(META_TEMPLATE_SEED.map((t) => t.id));
			expect(pages[0].paging).toEqual({
				cursors: { before: expect.any(String), after: expect.any(String) },
				next: expect.stringContaining('after='),
			});
			expect(pages[1].paging.next).toBeUndefined();
			expect(pages[1].paging.previous).toEqual(expect.stringContaining('before='));
		});

		it('answers each template as Meta does, with the default fields', async () => {
			const answer = await metaGet(sandbox, `${listPath}?name=order_update&language=en_US`);
			expect(answer.body.data).toEqual([
				{
					name: 'order_update',
					parameter_format: 'POSITIONAL',
					components: seed('order_update').components,
					language: 'en_US',
					status: 'APPROVED',
					category: 'UTILITY',
					id: seed('order_update').id,
				},
			]);
			expect(Object.keys(answer.body.data[0])).toEqual(['name', 'parameter_format', 'components', 'language', 'status', 'category', 'id']);
		});

		it('pages with a small limit in both directions', async () => {
			const pages = await allPages(`${listPath}?limit=7&status=APPROVED`);
			const approved = META_TEMPLATE_SEED.filter((t) => t.status === 'APPROVED');
			expect(pages.flatMap((p) => p.data.map((t: MetaTemplate) => t.name + t.language))).toEqual(approved.map((t) => t.name + t.language));
			expect(pages.every((p) => p.data.length <= 7)).toBe(true);
			expect(pages[1].paging.next).toContain('status=APPROVED');
			expect(pages[1].paging.next).toContain('limit=7');

			const back = await call(pages[2].paging.previous, { headers: { authorization: `Bearer ${sandbox.meta.accessToken}` } });
			expect(back.body.data).toEqual(pages[1].data);
		});

		it('keeps the access_token query parameter in next links', async () => {
			const answer = await call(`${sandbox.graphBaseUrl}${listPath}?limit=2&access_token=${sandbox.meta.accessToken}`);
			expect(answer.status).toBe(200);
			const next = await call(answer.body.paging.next);
			expect(next.status).toBe(200);
			expect(next.body.data).toHaveLength(2);
			expect(next.body.data[0].id).toBe(META_TEMPLATE_SEED[2].id);
		});

		it.each([
			['status=APPROVED', (t: MetaTemplate) => t.status === 'APPROVED'],
			['status=pending,rejected', (t: MetaTemplate) => t.status === 'PENDING' || t.status === 'REJECTED'],
			['name=ORDER', (t: MetaTemplate) => t.name.includes('order')],
			['name=filler_1', (t: MetaTemplate) => t.name.startsWith('filler_1')],
			['language=es', (t: MetaTemplate) => t.language === 'es'],
			['category=MARKETING', (t: MetaTemplate) => t.category === 'MARKETING'],
		])('filters with %s', async (query, keep) => {
			const pages = await allPages(`${listPath}?${query}&limit=100`);
			expect(pages.flatMap((p) => p.data.map((t: MetaTemplate) => t.id))).toEqual(META_TEMPLATE_SEED.filter(keep).map((t) => t.id));
		});

		it('answers only the asked fields plus the id', async () => {
			const answer = await metaGet(sandbox, `${listPath}?fields=name,status&limit=1`);
			expect(answer.body.data).toEqual([{ name: 'hello_world', status: 'APPROVED', id: META_TEMPLATE_SEED[0].id }]);
		});

		it('answers an empty result without paging', async () => {
			const answer = await metaGet(sandbox, `${listPath}?name=no_such_template`);
			expect(answer.body).toEqual({ data: [] });
		});

		it('caps limit at 100', async () => {
			const answer = await metaGet(sandbox, `${listPath}?limit=500`);
			expect(answer.body.data).toHaveLength(META_TEMPLATE_SEED.length);
		});

		it.each([
			['limit=0', /limit/],
			['limit=ten', /limit/],
			['status=LIVE', /status must be one of/],
			['category=PROMO', /category must be one of/],
			['after=bm90LWFuLWlk', /after is not a valid cursor/],
			['fields=name,colour', /nonexisting field \(colour\)/],
		])('rejects %s with code 100', async (query, details) => {
			expectMetaError(await metaGet(sandbox, `${listPath}?${query}`), 400, 100, details);
		});

		it('needs the token', async () => {
			expectMetaError(await metaGet(sandbox, listPath, 'wrong'), 401, 190);
		});
	});

	describe('GET /<template-id>', () => {
		it('answers one template', async () => {
			const promo = seed('promo_image');
			const answer = await metaGet(sandbox, `/v24.0/${promo.id}`);
			expect(answer.status).toBe(200);
			expect(answer.body).toMatchObject({ id: promo.id, name: 'promo_image', category: 'MARKETING', components: promo.components });
			const some = await metaGet(sandbox, `/v24.0/${promo.id}?fields=status,rejected_reason`);
			expect(some.body).toEqual({ status: 'APPROVED', rejected_reason: 'NONE', id: promo.id });
		});
	});

	describe('addMetaTemplate', () => {
		it('adds a template to this sandbox only, listed last and sendable', async () => {
			const added = sandbox.addMetaTemplate({
				name: 'runtime_added',
				language: 'pt_BR',
				components: [{ type: 'BODY', text: 'Olá {{1}}' }],
			});
			expect(added).toMatchObject({ status: 'APPROVED', category: 'UTILITY', parameter_format: 'POSITIONAL', id: expect.stringMatching(/^\d+$/) });
			const pages = await allPages(listPath);
			expect(pages.at(-1).data.at(-1).name).toBe('runtime_added');

			const answer = await metaPost(sandbox, `/v24.0/${sandbox.meta.phoneNumberId}/messages`, {
				messaging_product: 'whatsapp',
				to: TO,
				type: 'template',
				template: { name: 'runtime_added', language: { code: 'pt_BR' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'Ana' }] }] },
			});
			expect(answer.status).toBe(200);

			const other = await startSandbox();
			try {
				expect(other.metaTemplates.some((t) => t.name === 'runtime_added')).toBe(false);
				expect(other.metaTemplates).toHaveLength(META_TEMPLATE_SEED.length);
			} finally {
				await other.stop();
			}
		});

		it('refuses a duplicate name and language, and a malformed name', () => {
			expect(() => sandbox.addMetaTemplate({ name: 'hello_world', language: 'en_US', components: [{ type: 'BODY', text: 'x' }] })).toThrow(/exists/);
			expect(() => sandbox.addMetaTemplate({ name: 'Hello World', language: 'en_US', components: [{ type: 'BODY', text: 'x' }] })).toThrow(/lowercase/);
		});
	});

	describe('sending a template', () => {
		const send = (template: unknown) =>
			metaPost(sandbox, `/v24.0/${sandbox.meta.phoneNumberId}/messages`, { messaging_product: 'whatsapp', to: TO, type: 'template', template });
		const body = (...texts: string[]) => ({ type: 'body', parameters: texts.map((text) => ({ type: 'text', text })) });
		const urlButton = (index: number, text: string) => ({ type: 'button', sub_type: 'url', index: String(index), parameters: [{ type: 'text', text }] });
		const named = (pairs: Record<string, string>) => Object.entries(pairs).map(([parameter_name, text]) => ({ type: 'text', parameter_name, text }));
		const promo = (components: unknown[]) => ({ name: 'promo_image', language: { code: 'en_US' }, components });
		const promoHeader = { type: 'header', parameters: [{ type: 'image', image: { link: 'https://e.com/p.png' } }] };
		const promoCode = { type: 'button', sub_type: 'copy_code', index: 2, parameters: [{ type: 'coupon_code', coupon_code: 'SAVE25' }] };

		it.each([
			['hello_world without components', { name: 'hello_world', language: { code: 'en_US' } }],
			['order_update with two body values and the URL suffix', { name: 'order_update', language: { code: 'en_US' }, components: [body('Ada', 'A-1'), urlButton(0, 'A-1')] }],
			['order_update in es', { name: 'order_update', language: { code: 'es', policy: 'deterministic' }, components: [body('Ada', 'A-1'), urlButton(0, 'A-1')] }],
			[
				'shipping_named with named header and body',
				{
					name: 'shipping_named',
					language: { code: 'en_US' },
					components: [
						{ type: 'header', parameters: named({ customer_name: 'Ada' }) },
						{ type: 'body', parameters: named({ order_id: 'A-1', customer_name: 'Ada' }) },
					],
				},
			],
			['promo_image with header, body, copy code', promo([promoHeader, body('25%'), promoCode])],
			[
				'promo_image with quick-reply payloads too',
				promo([
					promoHeader,
					body('25%'),
					promoCode,
					{ type: 'button', sub_type: 'quick_reply', index: '0', parameters: [{ type: 'payload', payload: 'YES' }] },
					{ type: 'button', sub_type: 'quick_reply', index: '1', parameters: [{ type: 'payload', payload: 'NO' }] },
				]),
			],
			[
				'invoice_doc with an uploaded document id and currency',
				{
					name: 'invoice_doc',
					language: { code: 'en_US' },
					components: [
						{ type: 'header', parameters: [{ type: 'document', document: { id: '1234567890123456', filename: 'inv.pdf' } }] },
						{ type: 'body', parameters: [{ type: 'text', text: 'INV-7' }, { type: 'currency', currency: { fallback_value: '$42', code: 'USD', amount_1000: 42000 } }] },
					],
				},
			],
			[
				'store_location with a location header',
				{
					name: 'store_location',
					language: { code: 'en_US' },
					components: [{ type: 'HEADER', parameters: [{ type: 'location', location: { latitude: 37.48, longitude: -122.14, name: 'Store' } }] }],
				},
			],
		])('sends %s', async (_name, template) => {
			const answer = await send(template);
			expect({ status: answer.status, error: answer.body.error }).toEqual({ status: 200, error: undefined });
			expect(sandbox.outbound).toHaveLength(1);
			expect(sandbox.outbound[0]).toMatchObject({ type: 'template', content: template });
		});

		it.each([
			['an unknown name', { name: 'hello_wrld', language: { code: 'en_US' } }, 'hello_wrld', 'en_US'],
			['a language the template lacks', { name: 'hello_world', language: { code: 'de' } }, 'hello_world', 'de'],
			['a PENDING template', { name: 'loyalty_pending', language: { code: 'en_US' }, components: [body('1')] }, 'loyalty_pending', 'en_US'],
			['a REJECTED template', { name: 'flash_sale_rejected', language: { code: 'en_US' } }, 'flash_sale_rejected', 'en_US'],
		])('answers %s with 404 and 132001', async (_name, template, name, language) => {
			const answer = await send(template);
			expectMetaError(answer, 404, 132001, new RegExp(`template name \\(${name}\\) does not exist in ${language}`));
			expect(answer.body.error.message).toBe('(#132001) Template name does not exist in the translation');
			expect(sandbox.outbound).toHaveLength(0);
		});

		it('answers a PAUSED template with 132015', async () => {
			expectMetaError(await send({ name: 'seasonal_paused', language: { code: 'en_US' } }), 400, 132015, /paused/);
		});

		const mismatches: Array<[string, unknown, number, RegExp]> = [
			['too few body values', { name: 'order_update', language: { code: 'en_US' }, components: [body('Ada'), urlButton(0, 'A')] }, 132000, /body: number of localizable_params \(1\) does not match the expected number of params \(2\)/],
			['too many body values', { name: 'order_update', language: { code: 'en_US' }, components: [body('a', 'b', 'c'), urlButton(0, 'A')] }, 132000, /body: .*\(3\).*\(2\)/],
			['body values for a template without variables', { name: 'hello_world', language: { code: 'en_US' }, components: [body('x')] }, 132000, /body: .*\(1\).*\(0\)/],
			['no URL suffix for a dynamic URL button', { name: 'order_update', language: { code: 'en_US' }, components: [body('a', 'b')] }, 132000, /button at index 0 \(URL\)/],
			['a button index the template lacks', { name: 'order_update', language: { code: 'en_US' }, components: [body('a', 'b'), urlButton(0, 'A'), urlButton(3, 'B')] }, 132000, /button at index 3/],
			['a URL button sent as quick_reply', { name: 'order_update', language: { code: 'en_US' }, components: [body('a', 'b'), { type: 'button', sub_type: 'quick_reply', index: '0', parameters: [{ type: 'payload', payload: 'x' }] }] }, 132012, /expected URL, received QUICK_REPLY/],
			['a header value for a template without header variables', { name: 'order_update', language: { code: 'en_US' }, components: [{ type: 'header', parameters: [{ type: 'text', text: 'x' }] }, body('a', 'b'), urlButton(0, 'A')] }, 132000, /header: .*\(1\).*\(0\)/],
			['no image for an IMAGE header', promo([body('25%'), promoCode]), 132000, /header: .*\(0\).*\(1\)/],
			['a text for an IMAGE header', promo([{ type: 'header', parameters: [{ type: 'text', text: 'x' }] }, body('25%'), promoCode]), 132012, /header: Format mismatch, expected IMAGE, received TEXT/],
			['an image header without link or id', promo([{ type: 'header', parameters: [{ type: 'image', image: {} }] }, body('25%'), promoCode]), 131008, /image'\] must contain either 'id' or 'link'/],
			['no copy code for a COPY_CODE button', promo([promoHeader, body('25%')]), 132000, /button at index 2 \(COPY_CODE\)/],
			['a quick reply with text instead of payload', promo([promoHeader, body('25%'), promoCode, { type: 'button', sub_type: 'quick_reply', index: '1', parameters: [{ type: 'text', text: 'x' }] }]), 132012, /expected PAYLOAD, received TEXT/],
			['a coupon code of 16 characters', promo([promoHeader, body('25%'), { ...promoCode, parameters: [{ type: 'coupon_code', coupon_code: 'X'.repeat(16) }] }]), 131009, /coupon_code'\] must be at most 15/],
			['a named body with a missing name', { name: 'shipping_named', language: { code: 'en_US' }, components: [{ type: 'header', parameters: named({ customer_name: 'A' }) }, { type: 'body', parameters: named({ customer_name: 'A' }) }] }, 132000, /body: .*\(1\).*\(2\)/],
			['a named body with a wrong name', { name: 'shipping_named', language: { code: 'en_US' }, components: [{ type: 'header', parameters: named({ customer_name: 'A' }) }, { type: 'body', parameters: named({ customer_name: 'A', order: 'x' }) }] }, 132000, /missing order_id; unexpected order/],
			['a named template with positional values', { name: 'shipping_named', language: { code: 'en_US' }, components: [{ type: 'header', parameters: named({ customer_name: 'A' }) }, body('A', 'B')] }, 131008, /parameter_name'\] is required/],
			['no header value for a named header variable', { name: 'shipping_named', language: { code: 'en_US' }, components: [{ type: 'body', parameters: named({ customer_name: 'A', order_id: 'B' }) }] }, 132000, /header: .*\(0\).*\(1\)/],
			['a body value of type image', { name: 'invoice_doc', language: { code: 'en_US' }, components: [{ type: 'header', parameters: [{ type: 'document', document: { link: 'https://e.com/i.pdf' } }] }, { type: 'body', parameters: [{ type: 'image', image: { link: 'https://e.com/a.png' } }, { type: 'text', text: 'x' }] }] }, 132012, /expected TEXT or CURRENCY or DATE_TIME, received IMAGE/],
			['no language', { name: 'hello_world' }, 131008, /template\['language'\] is required/],
			['no name', { language: { code: 'en_US' } }, 131008, /template\['name'\] is required/],
			['an unknown component type', { name: 'hello_world', language: { code: 'en_US' }, components: [{ type: 'footer', parameters: [] }] }, 100, /must be one of \{HEADER, BODY, BUTTON\}/],
			['a button without sub_type', { name: 'order_update', language: { code: 'en_US' }, components: [body('a', 'b'), { type: 'button', index: '0', parameters: [{ type: 'text', text: 'x' }] }] }, 131008, /\['sub_type'\] is required/],
		];
		it.each(mismatches)('rejects %s', async (_name, template, code, details) => {
			const answer = await send(template);
			expectMetaError(answer, 400, code, details);
			if (code === 132000) expect(answer.body.error.message).toBe('(#132000) Number of parameters does not match the expected number of params');
			expect(sandbox.outbound).toHaveLength(0);
		});
	});
});
