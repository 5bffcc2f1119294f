import nock from 'nock';

import { ValidationError } from '../../nodes/WhatsAppOmni/helpers/ValidationError';
import { clearGraphClients } from '../../nodes/WhatsAppOmni/providers/meta/client';
import { MetaProvider } from '../../nodes/WhatsAppOmni/providers/meta/MetaProvider';
import {
	buildMetaTemplate,
	META_TEMPLATE_FIELDS,
	metaTemplateDefinition,
	type GraphTemplate,
} from '../../nodes/WhatsAppOmni/providers/meta/templates';
import { ProviderError } from '../../nodes/WhatsAppOmni/providers/ProviderError';
import type { MetaCredentials, TemplateContent, TemplateDefinition } from '../../nodes/WhatsAppOmni/providers/types';
import { rejectionOf, useNock } from './nockHelpers';

const WABA = '102290129340398';
const credentials: MetaCredentials = {
	accessToken: 'EAAG-unit-secret-token',
	phoneNumberId: '106540352242922',
	businessAccountId: WABA,
	graphApiVersion: 'v24.0',
};
const graph = () =>
	nock('https://graph.facebook.com', { reqheaders: { authorization: 'Bearer EAAG-unit-secret-token' } });
const LIST_PATH = `/v24.0/${WABA}/message_templates`;
const provider = () => new MetaProvider(credentials);

const orderUpdate = (language = 'en_US'): GraphTemplate => ({
	id: `5${language.length}00`,
	name: 'order_update',
	language,
	status: 'APPROVED',
	category: 'UTILITY',
	parameter_format: 'POSITIONAL',
	components: [
		{
			type: 'BODY',
			text: 'Hi {{1}}, your order {{2}} has shipped. Track it below.',
			example: { body_text: [['Ana', '#1234']] },
		},
		{ type: 'FOOTER', text: 'Omni Shop' },
		{
			type: 'BUTTONS',
			buttons: [{ type: 'URL', text: 'Track', url: 'https://shop.example.com/track/{{1}}', example: ['https://shop.example.com/track/ABC123'] }],
		},
	],
});

const shippingNamed: GraphTemplate = {
	id: '777',
	name: 'shipping_named',
	language: 'en_US',
	status: 'APPROVED',
	category: 'UTILITY',
	parameter_format: 'NAMED',
	components: [
		{
			type: 'HEADER',
			format: 'TEXT',
			text: 'Order {{order_id}}',
			example: { header_text_named_params: [{ param_name: 'order_id', example: '#1234' }] },
		},
		{
			type: 'BODY',
			text: 'Hello {{customer_name}}, it arrives on {{delivery_date}}. Thanks, {{customer_name}}!',
			example: {
				body_text_named_params: [
					{ param_name: 'customer_name', example: 'Ana' },
					{ param_name: 'delivery_date', example: 'May 3' },
				],
			},
		},
	],
};

const promoImage: GraphTemplate = {
	id: '888',
	name: 'promo_image',
	language: 'en_US',
	status: 'APPROVED',
	category: 'MARKETING',
	components: [
		{ type: 'HEADER', format: 'IMAGE', example: { header_handle: ['https://scontent.example/promo.jpg'] } },
		{ type: 'BODY', text: 'Save {{1}} today!', example: { body_text: [['20%']] } },
		{
			type: 'BUTTONS',
			buttons: [
				{ type: 'QUICK_REPLY', text: 'Yes please' },
				{ type: 'QUICK_REPLY', text: 'Stop' },
				{ type: 'COPY_CODE', example: 'SAVE20' },
			],
		},
	],
};

const invoiceDoc: GraphTemplate = {
	id: '999',
	name: 'invoice_doc',
	language: 'en_US',
	status: 'APPROVED',
	category: 'UTILITY',
	components: [
		{ type: 'HEADER', format: 'DOCUMENT', example: { header_handle: ['https://scontent.example/invoice.pdf'] } },
		{ type: 'BODY', text: 'Your invoice is attached.' },
	],
};

const storeLocation: GraphTemplate = {
	id: '1000',
	name: 'store_location',
	language: 'en',
	status: 'APPROVED',
	category: 'UTILITY',
	components: [
		{ type: 'HEADER', format: 'LOCATION' },
		{ type: 'BODY', text: 'We moved! Come and see us, {{1}}.' },
	],
};

useNock(clearGraphClients);

describe('listMetaTemplates', () => {
	it('asks for approved templates with the fields a picker needs, and gives the next cursor', async () => {
		const scope = graph()
			.get(LIST_PATH)
			.query({ fields: META_TEMPLATE_FIELDS, limit: '50', status: 'APPROVED' })
			.reply(200, {
				data: [orderUpdate(), shippingNamed],
				paging: { cursors: { before: 'B0', after: 'A1' }, next: `https://graph.facebook.com/v24.0/${WABA}/message_templates?after=A1` },
			});

		const page = await provider().listTemplates({});

		expect(scope.isDone()).toBe(true);
		expect(page).toEqual({
			templates: [
				{
					id: 'order_update|en_US',
					name: 'order_update',
					language: 'en_US',
					status: 'APPROVED',
					category: 'UTILITY',
					preview: 'Hi {{1}}, your order {{2}} has shipped. Track it below.',
				},
				{
					id: 'shipping_named|en_US',
					name: 'shipping_named',
					language: 'en_US',
					status: 'APPROVED',
					category: 'UTILITY',
					preview: 'Hello {{customer_name}}, it arrives on {{delivery_date}}. Thanks, {{customer_na…',
				},
			],
			nextCursor: 'A1',
		});
	});

	it('passes the filter and the cursor, leaves out the status filter when unapproved ones are wanted, and stops at the last page', async () => {
		const scope = graph()
			.get(LIST_PATH)
			.query({ fields: META_TEMPLATE_FIELDS, limit: '50', name: 'order', after: 'A1' })
			.reply(200, {
				data: [{ ...orderUpdate('es'), status: 'PENDING' }, { name: 'reorder_reminder', language: 'en', status: 'REJECTED', components: [] }],
				// The last page still has cursors, but no `next`.
				paging: { cursors: { before: 'B1', after: 'A2' } },
			});

		const page = await provider().listTemplates({ filter: ' order ', cursor: 'A1', includeUnapproved: true });

		expect(scope.isDone()).toBe(true);
		expect(page.nextCursor).toBeUndefined();
		expect(page.templates.map((t) => [t.id, t.status])).toEqual([
			['order_update|es', 'PENDING'],
			['reorder_reminder|en', 'REJECTED'],
		]);
	});

	it('walks every page through the cursors', async () => {
		const scope = graph()
			.get(LIST_PATH)
			.query({ fields: META_TEMPLATE_FIELDS, limit: '50', status: 'APPROVED' })
			.reply(200, { data: [orderUpdate()], paging: { cursors: { after: 'P2' }, next: 'https://graph.facebook.com/next' } })
			.get(LIST_PATH)
			.query({ fields: META_TEMPLATE_FIELDS, limit: '50', status: 'APPROVED', after: 'P2' })
			.reply(200, { data: [promoImage], paging: { cursors: { after: 'P3' }, next: 'https://graph.facebook.com/next' } })
			.get(LIST_PATH)
			.query({ fields: META_TEMPLATE_FIELDS, limit: '50', status: 'APPROVED', after: 'P3' })
			.reply(200, { data: [invoiceDoc] });

		const names: string[] = [];
		let cursor: string | undefined;
		let pages = 0;
		do {
			const page = await provider().listTemplates({ cursor });
			names.push(...page.templates.map((t) => t.name));
			cursor = page.nextCursor;
			pages++;
		} while (cursor);

		expect(scope.isDone()).toBe(true);
		expect(pages).toBe(3);
		expect(names).toEqual(['order_update', 'promo_image', 'invoice_doc']);
	});

	it('shortens a long body for the preview', async () => {
		const long = { ...orderUpdate(), components: [{ type: 'BODY', text: `Hello\n\n${'x'.repeat(200)}` }] };
		graph().get(LIST_PATH).query(true).reply(200, { data: [long] });
		const [summary] = (await provider().listTemplates({})).templates;
		expect([...summary.preview!]).toHaveLength(80);
		expect(summary.preview).toMatch(/^Hello x+…$/);
	});

	it('turns a Graph API error into a ProviderError with the code', async () => {
		graph()
			.get(LIST_PATH)
			.query(true)
			.reply(401, { error: { message: 'Error validating access token', type: 'OAuthException', code: 190, fbtrace_id: 'T1' } });
		const error = (await rejectionOf(provider().listTemplates({}))) as ProviderError;
		expect(error).toBeInstanceOf(ProviderError);
		expect(error).toMatchObject({ provider: 'meta', code: 190, httpStatus: 401 });
	});
});

describe('getMetaTemplate', () => {
	const lookup = (query: Record<string, string>, data: GraphTemplate[], paging?: object) =>
		graph()
			.get(LIST_PATH)
			.query({ fields: META_TEMPLATE_FIELDS, limit: '100', ...query })
			.reply(200, { data, ...(paging ? { paging } : {}) });

	it('reads a positional template by exact name and language: body in order, URL button suffix', async () => {
		// Meta's name filter also matches longer names; only the exact one is taken.
		const scope = lookup({ name: 'order_update', language: 'en_US' }, [
			{ ...orderUpdate(), name: 'order_update_v2' },
			orderUpdate(),
		]);

		const definition = await provider().getTemplate({ id: 'order_update', language: 'en_US' });

		expect(scope.isDone()).toBe(true);
		expect(definition).toEqual({
			id: 'order_update|en_US',
			name: 'order_update',
			language: 'en_US',
			status: 'APPROVED',
			category: 'UTILITY',
			preview: 'Hi {{1}}, your order {{2}} has shipped. Track it below.',
			headerFormat: 'none',
			variables: [
				{ key: 'body.1', label: 'Body {{1}}', component: 'body', kind: 'text', name: '1', example: 'Ana', required: true },
				{ key: 'body.2', label: 'Body {{2}}', component: 'body', kind: 'text', name: '2', example: '#1234', required: true },
				{
					key: 'button.0.urlSuffix',
					label: 'Button 1 (URL) suffix',
					component: 'button',
					kind: 'urlSuffix',
					name: '1',
					buttonIndex: 0,
					example: 'ABC123',
					required: true,
				},
			],
		});
	});

	it('accepts the picker value name|language as the id', async () => {
		const scope = lookup({ name: 'order_update', language: 'es' }, [orderUpdate('es')]);
		const definition = await provider().getTemplate({ id: 'order_update|es' });
		expect(scope.isDone()).toBe(true);
		expect(definition.language).toBe('es');
	});

	it('reads named parameters once each, in order of first appearance, with their examples', async () => {
		lookup({ name: 'shipping_named', language: 'en_US' }, [shippingNamed]);
		const definition = await provider().getTemplate({ id: 'shipping_named', language: 'en_US' });
		expect(definition.headerFormat).toBe('text');
		expect(definition.variables).toEqual([
			{ key: 'header.order_id', label: 'Header {{order_id}}', component: 'header', kind: 'text', name: 'order_id', example: '#1234', required: true },
			{ key: 'body.customer_name', label: 'Body {{customer_name}}', component: 'body', kind: 'text', name: 'customer_name', example: 'Ana', required: true },
			{ key: 'body.delivery_date', label: 'Body {{delivery_date}}', component: 'body', kind: 'text', name: 'delivery_date', example: 'May 3', required: true },
		]);
	});

	it('reads a media header, quick replies (optional) and a copy-code button (required)', async () => {
		lookup({ name: 'promo_image', language: 'en_US' }, [promoImage]);
		const definition = await provider().getTemplate({ id: 'promo_image', language: 'en_US' });
		expect(definition.headerFormat).toBe('image');
		expect(definition.variables).toEqual([
			{
				key: 'header.media',
				label: 'Header image URL',
				component: 'header',
				kind: 'mediaUrl',
				name: 'media',
				mediaType: 'image',
				example: 'https://scontent.example/promo.jpg',
				required: true,
			},
			{ key: 'body.1', label: 'Body {{1}}', component: 'body', kind: 'text', name: '1', example: '20%', required: true },
			{ key: 'button.0.payload', label: 'Button 1 (quick reply "Yes please") payload', component: 'button', kind: 'payload', name: '0', buttonIndex: 0, required: false },
			{ key: 'button.1.payload', label: 'Button 2 (quick reply "Stop") payload', component: 'button', kind: 'payload', name: '1', buttonIndex: 1, required: false },
			{
				key: 'button.2.couponCode',
				label: 'Button 3 (copy code) coupon code',
				component: 'button',
				kind: 'couponCode',
				name: '2',
				buttonIndex: 2,
				example: 'SAVE20',
				required: true,
			},
		]);
	});

	it('reads document, video and location headers', async () => {
		expect(metaTemplateDefinition(invoiceDoc).variables).toEqual([
			expect.objectContaining({ key: 'header.media', label: 'Header document URL', kind: 'mediaUrl', mediaType: 'document' }),
		]);
		// An upload handle is no example of a URL.
		const handle = { ...invoiceDoc, components: [{ type: 'HEADER', format: 'DOCUMENT', example: { header_handle: ['4::YXBw:ARb-handle'] } }] };
		expect(metaTemplateDefinition(handle).variables[0]).not.toHaveProperty('example');
		const video = { ...invoiceDoc, components: [{ type: 'HEADER', format: 'VIDEO' }] };
		expect(metaTemplateDefinition(video)).toMatchObject({
			headerFormat: 'video',
			variables: [{ key: 'header.media', label: 'Header video URL', mediaType: 'video' }],
		});
		expect(metaTemplateDefinition(storeLocation)).toMatchObject({
			headerFormat: 'location',
			variables: [
				{ key: 'header.location', kind: 'location', component: 'header', required: true, label: expect.stringContaining('latitude,longitude') },
				{ key: 'body.1', kind: 'text' },
			],
		});
	});

	it('asks for the one-time code of an authentication template in its button', () => {
		const otp: GraphTemplate = {
			name: 'login_code',
			language: 'en',
			status: 'APPROVED',
			category: 'AUTHENTICATION',
			components: [
				{ type: 'BODY', text: '*{{1}}* is your verification code.' },
				{ type: 'BUTTONS', buttons: [{ type: 'OTP', otp_type: 'COPY_CODE', text: 'Copy code' }] },
			],
		};
		expect(metaTemplateDefinition(otp).variables.map((v) => [v.key, v.kind, v.required])).toEqual([
			['body.1', 'text', true],
			['button.0.urlSuffix', 'urlSuffix', true],
		]);
	});

	it('finds the only language of a name given without one', async () => {
		const scope = lookup({ name: 'invoice_doc' }, [invoiceDoc]);
		const definition = await provider().getTemplate({ id: 'invoice_doc' });
		expect(scope.isDone()).toBe(true);
		expect(definition.id).toBe('invoice_doc|en_US');
	});

	it('names the languages there are when the asked one is missing', async () => {
		const scope = lookup({ name: 'order_update', language: 'fr' }, [])
			.get(LIST_PATH)
			.query({ fields: META_TEMPLATE_FIELDS, limit: '100', name: 'order_update' })
			.reply(200, { data: [orderUpdate('es'), orderUpdate('en_US')] });

		const error = (await rejectionOf(provider().getTemplate({ id: 'order_update', language: 'fr' }))) as ValidationError;

		expect(scope.isDone()).toBe(true);
		expect(error).toBeInstanceOf(ValidationError);
		expect(error.field).toBe('Template');
		expect(error.message).toBe('The template "order_update" has no fr version');
		expect(error.hint).toContain('It exists in en_US, es.');
		expect(error.hint).toContain('order_update|en_US');
	});

	it('asks which language when a name has several and none was given', async () => {
		lookup({ name: 'order_update' }, [orderUpdate('en_US'), orderUpdate('es')]);
		const error = (await rejectionOf(provider().getTemplate({ id: 'order_update' }))) as ValidationError;
		expect(error).toBeInstanceOf(ValidationError);
		expect(error.message).toContain('several languages (en_US, es)');
	});

	it('says so when no template has that name, following the pages first', async () => {
		const scope = lookup({ name: 'nope', language: 'en_US' }, [])
			.get(LIST_PATH)
			.query({ fields: META_TEMPLATE_FIELDS, limit: '100', name: 'nope' })
			.reply(200, { data: [{ ...orderUpdate(), name: 'nope_not_this' }], paging: { cursors: { after: 'N2' }, next: 'https://x' } })
			.get(LIST_PATH)
			.query({ fields: META_TEMPLATE_FIELDS, limit: '100', name: 'nope', after: 'N2' })
			.reply(200, { data: [] });

		const error = (await rejectionOf(provider().getTemplate({ id: 'nope', language: 'en_US' }))) as ValidationError;

		expect(scope.isDone()).toBe(true);
		expect(error).toBeInstanceOf(ValidationError);
		expect(error.message).toBe('There is no template named "nope" in this WhatsApp Business Account');
	});
});

describe('buildMetaTemplate', () => {
	const content = (definition: TemplateDefinition, values: Record<string, string>): TemplateContent => ({
		type: 'template',
		template: { id: definition.name, language: definition.language },
		definition,
		values,
	});

	it('sends positional body parameters by number and the URL suffix as a url button', () => {
		const definition = metaTemplateDefinition(orderUpdate());
		// Values arrive in any order; {{1}} must still come first.
		const values = { 'button.0.urlSuffix': 'ABC123', 'body.2': '#1234', 'body.1': 'Ana' };
		expect(buildMetaTemplate(content(definition, values))).toEqual({
			name: 'order_update',
			language: { code: 'en_US' },
			components: [
				{ type: 'body', parameters: [{ type: 'text', text: 'Ana' }, { type: 'text', text: '#1234' }] },
				{ type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: 'ABC123' }] },
			],
		});
	});

	it('orders positional parameters by number even when the text uses {{2}} first', () => {
		const swapped: GraphTemplate = {
			name: 'swapped',
			language: 'en',
			status: 'APPROVED',
			components: [{ type: 'BODY', text: 'Order {{2}} is for {{1}}.' }],
		};
		const definition = metaTemplateDefinition(swapped);
		// Listed as they appear, sent by number.
		expect(definition.variables.map((v) => v.key)).toEqual(['body.2', 'body.1']);
		expect(buildMetaTemplate(content(definition, { 'body.2': '#7', 'body.1': 'Ana' })).components).toEqual([
			{ type: 'body', parameters: [{ type: 'text', text: 'Ana' }, { type: 'text', text: '#7' }] },
		]);
	});

	it('names named parameters, in the header and the body', () => {
		const values = { 'header.order_id': '#99', 'body.delivery_date': 'Friday', 'body.customer_name': 'Bo' };
		expect(buildMetaTemplate(content(metaTemplateDefinition(shippingNamed), values))).toEqual({
			name: 'shipping_named',
			language: { code: 'en_US' },
			components: [
				{ type: 'header', parameters: [{ type: 'text', text: '#99', parameter_name: 'order_id' }] },
				{
					type: 'body',
					parameters: [
						{ type: 'text', text: 'Bo', parameter_name: 'customer_name' },
						{ type: 'text', text: 'Friday', parameter_name: 'delivery_date' },
					],
				},
			],
		});
	});

	it('sends an image header, a quick reply with a payload, none for one without, and the coupon code', () => {
		const values = {
			'header.media': ' https://cdn.example.com/sale.jpg ',
			'body.1': '30%',
			'button.0.payload': 'YES_PROMO',
			'button.1.payload': '',
			'button.2.couponCode': 'SAVE30',
		};
		expect(buildMetaTemplate(content(metaTemplateDefinition(promoImage), values))).toEqual({
			name: 'promo_image',
			language: { code: 'en_US' },
			components: [
				{ type: 'header', parameters: [{ type: 'image', image: { link: 'https://cdn.example.com/sale.jpg' } }] },
				{ type: 'body', parameters: [{ type: 'text', text: '30%' }] },
				{ type: 'button', sub_type: 'quick_reply', index: '0', parameters: [{ type: 'payload', payload: 'YES_PROMO' }] },
				{ type: 'button', sub_type: 'copy_code', index: '2', parameters: [{ type: 'coupon_code', coupon_code: 'SAVE30' }] },
			],
		});
	});

	it('sends a document header with the file name from its URL, and a video header as video', () => {
		expect(
			buildMetaTemplate(content(metaTemplateDefinition(invoiceDoc), { 'header.media': 'https://files.example.com/inv/INV-7%20final.pdf?sig=1' })),
		).toEqual({
			name: 'invoice_doc',
			language: { code: 'en_US' },
			components: [
				{
					type: 'header',
					parameters: [{ type: 'document', document: { link: 'https://files.example.com/inv/INV-7%20final.pdf?sig=1', filename: 'INV-7 final.pdf' } }],
				},
			],
		});
		const video = metaTemplateDefinition({ ...invoiceDoc, components: [{ type: 'HEADER', format: 'VIDEO' }] });
		expect(buildMetaTemplate(content(video, { 'header.media': 'https://v.example.com/clip' })).components).toEqual([
			{ type: 'header', parameters: [{ type: 'video', video: { link: 'https://v.example.com/clip' } }] },
		]);
	});

	it('sends a location header from "lat,long,name,address", keeping commas in the address', () => {
		const values = { 'header.location': '37.4847, -122.1477, Meta HQ, 1 Hacker Way, Menlo Park', 'body.1': 'Ana' };
		expect(buildMetaTemplate(content(metaTemplateDefinition(storeLocation), values)).components).toEqual([
			{
				type: 'header',
				parameters: [
					{ type: 'location', location: { latitude: 37.4847, longitude: -122.1477, name: 'Meta HQ', address: '1 Hacker Way, Menlo Park' } },
				],
			},
			{ type: 'body', parameters: [{ type: 'text', text: 'Ana' }] },
		]);
		expect(
			buildMetaTemplate(content(metaTemplateDefinition(storeLocation), { 'header.location': '1,2', 'body.1': 'x' })).components,
		).toContainEqual({ type: 'header', parameters: [{ type: 'location', location: { latitude: 1, longitude: 2 } }] });
	});

	it('refuses a location that is not one', () => {
		const definition = metaTemplateDefinition(storeLocation);
		for (const bad of ['here', '91,0', '10,abc', '']) {
			const build = () => buildMetaTemplate(content(definition, { 'header.location': bad || ' , ', 'body.1': 'x' }));
			expect(build).toThrow(ValidationError);
		}
	});

	it('sends no components for a template without variables', () => {
		const hello: GraphTemplate = { name: 'hello_world', language: 'en_US', status: 'APPROVED', components: [{ type: 'BODY', text: 'Hello World' }] };
		expect(buildMetaTemplate(content(metaTemplateDefinition(hello), {}))).toEqual({ name: 'hello_world', language: { code: 'en_US' } });
	});

	it('refuses a template Meta has not approved, before any request', () => {
		const pending = metaTemplateDefinition({ ...orderUpdate(), status: 'PENDING' });
		expect(() => buildMetaTemplate(content(pending, { 'body.1': 'a', 'body.2': 'b', 'button.0.urlSuffix': 'c' }))).toThrow(
			'The template "order_update" (en_US) is PENDING; Meta only sends approved templates',
		);
	});

	it('goes out as the template object of a Graph API send', async () => {
		const definition = metaTemplateDefinition(orderUpdate());
		const scope = graph()
			.post('/v24.0/106540352242922/messages', {
				messaging_product: 'whatsapp',
				recipient_type: 'individual',
				to: '15551234567',
				type: 'template',
				template: {
					name: 'order_update',
					language: { code: 'en_US' },
					components: [
						{ type: 'body', parameters: [{ type: 'text', text: 'Ana' }, { type: 'text', text: '#1' }] },
						{ type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: 'T1' }] },
					],
				},
			})
			.reply(200, { messaging_product: 'whatsapp', messages: [{ id: 'wamid.T1', message_status: 'accepted' }] });

		const result = await provider().sendMessage({
			to: { kind: 'phone' as const, phoneNumber: '+15551234567' },
			content: content(definition, { 'body.1': 'Ana', 'body.2': '#1', 'button.0.urlSuffix': 'T1' }),
		});

		expect(scope.isDone()).toBe(true);
		expect(result.messageId).toBe('wamid.T1');
	});
});
