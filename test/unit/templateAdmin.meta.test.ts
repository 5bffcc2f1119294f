import nock from 'nock';
import { Readable } from 'node:stream';

import { ValidationError } from '../../nodes/WhatsAppOmni/helpers/ValidationError';
import { CredentialError } from '../../nodes/WhatsAppOmni/providers/CredentialError';
import { clearGraphClients } from '../../nodes/WhatsAppOmni/providers/meta/client';
import { MetaProvider } from '../../nodes/WhatsAppOmni/providers/meta/MetaProvider';
import { META_TEMPLATE_INFO_FIELDS, uploadTimeoutMs } from '../../nodes/WhatsAppOmni/providers/meta/templateAdmin';
import { META_TEMPLATE_FIELDS, type GraphTemplate } from '../../nodes/WhatsAppOmni/providers/meta/templates';
import { ProviderError } from '../../nodes/WhatsAppOmni/providers/ProviderError';
import type { MetaCredentials, NewTemplate } from '../../nodes/WhatsAppOmni/providers/types';
import { UnsupportedError } from '../../nodes/WhatsAppOmni/providers/UnsupportedError';
import { rejectionOf, useNock } from './nockHelpers';

const WABA = '102290129340398';
const APP = '4455667788';
const TOKEN = 'EAAG-admin-secret-token';
const credentials: MetaCredentials = { accessToken: TOKEN, phoneNumberId: '106540352242922', businessAccountId: WABA, appId: APP, graphApiVersion: 'v24.0' };
const graph = () => nock('https://graph.facebook.com', { reqheaders: { authorization: `Bearer ${TOKEN}` } });
const LIST = `/v24.0/${WABA}/message_templates`;
const provider = (over: Partial<MetaCredentials> = {}) => new MetaProvider({ ...credentials, ...over });

useNock(() => clearGraphClients());

const graphTemplate = (name: string, language = 'en_US', over: Partial<GraphTemplate> = {}): GraphTemplate => ({
	id: `${name.length}${language.length}123`,
	name,
	language,
	status: 'APPROVED',
	category: 'UTILITY',
	parameter_format: 'POSITIONAL',
	components: [
		{ type: 'HEADER', format: 'TEXT', text: 'Order {{1}}', example: { header_text: ['A-1'] } },
		{ type: 'BODY', text: 'Hi {{1}}, thanks.', example: { body_text: [['Ada']] } },
		{ type: 'FOOTER', text: 'Shop' },
		{ type: 'BUTTONS', buttons: [{ type: 'PHONE_NUMBER', text: 'Call', phone_number: '+15551234567' }, { type: 'QUICK_REPLY', text: 'Stop' }] },
	],
	...over,
});

const newTemplate = (over: Partial<NewTemplate> = {}): NewTemplate => ({
	name: 'order_update',
	language: 'en_US',
	category: 'UTILITY',
	parameterFormat: 'positional',
	body: 'Hi {{1}}, your order {{2}} has shipped.',
	bodyExamples: { '2': 'A-1042', '1': 'Ada' },
	buttons: [],
	submitForApproval: true,
	...over,
});

describe('Meta template management', () => {
	describe('queryTemplates', () => {
		it('sends the filters Meta takes, returns TemplateInfo and the next cursor', async () => {
			graph()
				.get(LIST)
				.query({ fields: META_TEMPLATE_INFO_FIELDS, limit: '20', name: 'order', status: 'REJECTED', language: 'en_US', category: 'MARKETING', after: 'C1' })
				.reply(200, {
					data: [
						graphTemplate('order_promo', 'en_US', { status: 'REJECTED', category: 'MARKETING', rejected_reason: 'PROMOTIONAL' }),
						// Meta's filters are looser than ours in places; the client check drops this one.
						graphTemplate('order_other', 'es', { status: 'REJECTED', category: 'MARKETING' }),
					],
					paging: { cursors: { before: 'B', after: 'C2' }, next: 'https://graph.facebook.com/next' },
				});
			const page = await provider().queryTemplates({ name: 'order', status: 'rejected', language: 'en_US', category: 'MARKETING', cursor: 'C1', pageSize: 20 });
			expect(page.nextCursor).toBe('C2');
			expect(page.templates).toHaveLength(1);
			const [info] = page.templates;
			expect(info).toMatchObject({
				id: 'order_promo|en_US',
				templateId: expect.stringMatching(/^\d+$/),
				name: 'order_promo',
				language: 'en_US',
				status: 'REJECTED',
				category: 'MARKETING',
				parameterFormat: 'positional',
				header: { format: 'text', text: 'Order {{1}}' },
				body: 'Hi {{1}}, thanks.',
				footer: 'Shop',
				buttons: [
					{ type: 'phoneNumber', text: 'Call', phoneNumber: '+15551234567' },
					{ type: 'quickReply', text: 'Stop' },
				],
				rejectionReason: 'PROMOTIONAL',
			});
			expect(info.variables.map((v) => v.key)).toEqual(['header.1', 'body.1', 'button.1.payload']);
		});

		it('has no next cursor on the last page and caps the page size at 100', async () => {
			graph().get(LIST).query({ fields: META_TEMPLATE_INFO_FIELDS, limit: '100' }).reply(200, { data: [graphTemplate('a')], paging: { cursors: { after: 'Z' } } });
			const page = await provider().queryTemplates({ pageSize: 500 });
			expect(page.nextCursor).toBeUndefined();
			expect(page.templates.map((t) => t.name)).toEqual(['a']);
		});
	});

	describe('getTemplateInfo', () => {
		it('reads a numeric template ID with GET /{id}', async () => {
			graph().get('/v24.0/987654321').query({ fields: META_TEMPLATE_INFO_FIELDS }).reply(200, graphTemplate('hello', 'en_US', { id: '987654321' }));
			const info = await provider().getTemplateInfo({ id: '987654321' });
			expect(info).toMatchObject({ id: 'hello|en_US', templateId: '987654321', name: 'hello' });
		});

		it('finds name|language through the list', async () => {
			graph()
				.get(LIST)
				.query({ fields: META_TEMPLATE_INFO_FIELDS, name: 'hello', limit: '100', language: 'es' })
				.reply(200, { data: [graphTemplate('hello', 'es', { id: '55' })] });
			const info = await provider().getTemplateInfo({ id: 'hello', language: 'es' });
			expect(info).toMatchObject({ id: 'hello|es', templateId: '55' });
		});

		it('a Meta error keeps its code', async () => {
			graph().get('/v24.0/1').query(true).reply(400, { error: { message: 'Unsupported get request.', type: 'GraphMethodException', code: 100, error_subcode: 33 } });
			const error = (await rejectionOf(provider().getTemplateInfo({ id: '1' }))) as ProviderError;
			expect(error).toBeInstanceOf(ProviderError);
			expect(error.code).toBe(100);
		});
	});

	describe('createTemplate', () => {
		it('posts name, language, category, parameter_format and components in Meta’s shape', async () => {
			let sent: unknown;
			graph()
				.post(LIST, (body) => {
					sent = body;
					return true;
				})
				.reply(200, { id: '1689556908129832', status: 'PENDING', category: 'UTILITY' });
			const info = await provider().createTemplate(
				newTemplate({
					header: { format: 'text', text: 'Order {{1}}', example: 'A-1042' },
					footer: 'Omni Shop',
					allowCategoryChange: true,
					buttons: [
						{ type: 'url', text: 'Track', url: 'https://shop.example.com/t/{{1}}', example: 'https://shop.example.com/t/A-1042' },
						{ type: 'phoneNumber', text: 'Call', phoneNumber: '+15551234567' },
						{ type: 'copyCode', example: 'SAVE25' },
						{ type: 'quickReply', text: 'Stop' },
					],
				}),
			);
			expect(sent).toEqual({
				name: 'order_update',
				language: 'en_US',
				category: 'UTILITY',
				parameter_format: 'POSITIONAL',
				allow_category_change: true,
				components: [
					{ type: 'HEADER', format: 'TEXT', text: 'Order {{1}}', example: { header_text: ['A-1042'] } },
					{ type: 'BODY', text: 'Hi {{1}}, your order {{2}} has shipped.', example: { body_text: [['Ada', 'A-1042']] } },
					{ type: 'FOOTER', text: 'Omni Shop' },
					{
						type: 'BUTTONS',
						buttons: [
							{ type: 'URL', text: 'Track', url: 'https://shop.example.com/t/{{1}}', example: ['https://shop.example.com/t/A-1042'] },
							{ type: 'PHONE_NUMBER', text: 'Call', phone_number: '+15551234567' },
							{ type: 'COPY_CODE', example: 'SAVE25' },
							{ type: 'QUICK_REPLY', text: 'Stop' },
						],
					},
				],
			});
			expect(info).toMatchObject({ id: 'order_update|en_US', templateId: '1689556908129832', status: 'PENDING', category: 'UTILITY', raw: { id: '1689556908129832', status: 'PENDING', category: 'UTILITY' } });
			expect(info.variables.map((v) => v.key)).toEqual(['header.1', 'body.1', 'body.2', 'button.0.urlSuffix', 'button.2.couponCode', 'button.3.payload']);
		});

		it('named parameters use the *_named_params examples', async () => {
			let sent: Record<string, unknown> = {};
			graph()
				.post(LIST, (body) => {
					sent = body;
					return true;
				})
				.reply(200, { id: '9', status: 'PENDING', category: 'MARKETING' });
			await provider().createTemplate(
				newTemplate({
					category: 'MARKETING',
					parameterFormat: 'named',
					header: { format: 'text', text: 'For {{customer_name}}', example: 'Ada' },
					body: 'Hi {{customer_name}}, order {{order_id}} is ready.',
					bodyExamples: { customer_name: 'Ada', order_id: 'A-1' },
				}),
			);
			expect(sent.parameter_format).toBe('NAMED');
			expect(sent.components).toEqual([
				{ type: 'HEADER', format: 'TEXT', text: 'For {{customer_name}}', example: { header_text_named_params: [{ param_name: 'customer_name', example: 'Ada' }] } },
				{
					type: 'BODY',
					text: 'Hi {{customer_name}}, order {{order_id}} is ready.',
					example: { body_text_named_params: [{ param_name: 'customer_name', example: 'Ada' }, { param_name: 'order_id', example: 'A-1' }] },
				},
			]);
		});

		it('uploads a binary header sample with the Resumable Upload API, streamed, then sends its handle', async () => {
			const bytes = Buffer.from('%PNG-sample-bytes');
			let opened = 0;
			let uploaded = '';
			graph()
				.post(`/v24.0/${APP}/uploads`)
				.query({ file_name: 'promo.png', file_length: String(bytes.length), file_type: 'image/png' })
				.reply(200, { id: 'upload:MTphdHRhY2htZW50?sig=ARZ' });
			nock('https://graph.facebook.com', { reqheaders: { authorization: `OAuth ${TOKEN}`, file_offset: '0', 'content-length': String(bytes.length) } })
				.post('/v24.0/upload:MTphdHRhY2htZW50')
				.query({ sig: 'ARZ' })
				.reply(200, (_uri, body) => {
					uploaded = String(body);
					return { h: '4::aW1hZ2UvcG5n:ARbHandle' };
				});
			let sent: Record<string, unknown> = {};
			graph()
				.post(LIST, (body) => {
					sent = body;
					return true;
				})
				.reply(200, { id: '77', status: 'PENDING', category: 'MARKETING' });
			const file = {
				fileName: 'promo.png',
				mimeType: 'image/png',
				size: bytes.length,
				open: async () => {
					opened++;
					return Readable.from([bytes]);
				},
			};
			const info = await provider().createTemplate(newTemplate({ category: 'MARKETING', header: { format: 'image', sample: { kind: 'binary', file } } }));
			expect(opened).toBe(1);
			expect(uploaded).toBe(bytes.toString());
			expect((sent.components as unknown[])[0]).toEqual({ type: 'HEADER', format: 'IMAGE', example: { header_handle: ['4::aW1hZ2UvcG5n:ARbHandle'] } });
			expect(info.header).toEqual({ format: 'image' });
			expect(nock.isDone()).toBe(true);
		});

		it('takes an existing handle as it is', async () => {
			let sent: Record<string, unknown> = {};
			graph()
				.post(LIST, (body) => {
					sent = body;
					return true;
				})
				.reply(200, { id: '78', status: 'PENDING', category: 'UTILITY' });
			await provider().createTemplate(newTemplate({ header: { format: 'document', sample: { kind: 'id', id: '4::handle' } } }));
			expect((sent.components as unknown[])[0]).toEqual({ type: 'HEADER', format: 'DOCUMENT', example: { header_handle: ['4::handle'] } });
		});

		it('checks a binary sample’s type against the header format and its size before opening an upload session', async () => {
			const file = (mimeType: string, size: number) => ({ fileName: 'sample', mimeType, size, open: async () => Readable.from([Buffer.alloc(size)]) });
			const create = (format: 'image' | 'video' | 'document', mimeType: string, size: number) =>
				rejectionOf(provider().createTemplate(newTemplate({ header: { format, sample: { kind: 'binary', file: file(mimeType, size) } } })));
			const wrongType = await create('video', 'image/png', 10);
			expect(wrongType).toBeInstanceOf(ValidationError);
			expect(wrongType).toMatchObject({ field: 'Input Binary Field', message: 'The sample of a video header must be an MP4 video up to 16 MB; "sample" is image/png' });
			expect(await create('image', 'image/gif', 10)).toMatchObject({ message: expect.stringMatching(/must be a JPEG or PNG image up to 5 MB; "sample" is image\/gif/) });
			expect(await create('document', 'application/msword', 10)).toMatchObject({ message: expect.stringMatching(/a PDF document/) });
			const tooBig = await create('image', 'image/jpeg', 5 * 1024 * 1024 + 1);
			expect(tooBig).toMatchObject({ field: 'Input Binary Field', message: 'The sample of an image header must be a JPEG or PNG image up to 5 MB; "sample" is 5242881 bytes' });
			// No interceptor was set up: any request would have failed differently.
		});

		it('gives the byte upload a timeout that grows with the file (the Graph client’s 30 s is for small calls)', () => {
			expect(uploadTimeoutMs(1000)).toBe(40_000);
			expect(uploadTimeoutMs(16 * 1024 * 1024)).toBe(190_000);
		});

		it('refuses an Authentication template (UnsupportedError naming WhatsApp Manager) before any request', async () => {
			const error = await rejectionOf(provider().createTemplate(newTemplate({ category: 'AUTHENTICATION' })));
			expect(error).toBeInstanceOf(UnsupportedError);
			expect((error as UnsupportedError).alternative).toMatch(/WhatsApp Manager/);
		});

		it('refuses a URL sample (UnsupportedError) and a binary sample without App ID (CredentialError), before any request', async () => {
			const url = await rejectionOf(provider().createTemplate(newTemplate({ header: { format: 'image', sample: { kind: 'url', url: 'https://x.example/a.png' } } })));
			expect(url).toBeInstanceOf(UnsupportedError);
			expect((url as UnsupportedError).alternative).toMatch(/HTTP Request/);
			const file = { fileName: 'a.png', mimeType: 'image/png', size: 1, open: async () => Readable.from([Buffer.from('a')]) };
			const noApp = await rejectionOf(provider({ appId: '' }).createTemplate(newTemplate({ header: { format: 'image', sample: { kind: 'binary', file } } })));
			expect(noApp).toBeInstanceOf(CredentialError);
			expect((noApp as Error).message).toMatch(/App ID/);
		});
	});

	describe('deleteTemplate', () => {
		it('deletes every language by name after checking the name exists, and lists each language that went', async () => {
			graph()
				.get(LIST)
				.query({ fields: META_TEMPLATE_FIELDS, name: 'order_update', limit: '100' })
				.reply(200, { data: [graphTemplate('order_update', 'es'), graphTemplate('order_update')] });
			graph().delete(LIST).query({ name: 'order_update' }).reply(200, { success: true });
			expect(await provider().deleteTemplate({ id: 'order_update' })).toEqual({ provider: 'meta', deleted: ['order_update (en_US)', 'order_update (es)'], success: true });
		});

		it('deletes one language by its hsm_id', async () => {
			graph()
				.get(LIST)
				.query({ fields: META_TEMPLATE_FIELDS, name: 'order_update', limit: '100', language: 'es' })
				.reply(200, { data: [graphTemplate('order_update', 'es', { id: '4242' })] });
			graph().delete(LIST).query({ name: 'order_update', hsm_id: '4242' }).reply(200, { success: true });
			expect(await provider().deleteTemplate({ id: 'order_update|es' })).toEqual({ provider: 'meta', deleted: ['order_update (es)'], success: true });
		});

		it('deletes by numeric ID: reads the name, then that one version', async () => {
			graph().get('/v24.0/4242').query({ fields: META_TEMPLATE_INFO_FIELDS }).reply(200, graphTemplate('order_update', 'es', { id: '4242' }));
			graph().delete(LIST).query({ name: 'order_update', hsm_id: '4242' }).reply(200, { success: true });
			expect(await provider().deleteTemplate({ id: '4242' })).toEqual({ provider: 'meta', deleted: ['order_update (es)'], success: true });
		});

		it('a missing template or language is a clear error, with no DELETE sent', async () => {
			graph().get(LIST).query({ fields: META_TEMPLATE_FIELDS, name: 'nope', limit: '100' }).reply(200, { data: [] });
			const missing = await rejectionOf(provider().deleteTemplate({ id: 'nope' }));
			expect(missing).toBeInstanceOf(ValidationError);
			expect((missing as Error).message).toBe('There is no template named "nope" in this WhatsApp Business Account');

			graph().get(LIST).query({ fields: META_TEMPLATE_FIELDS, name: 'order_update', limit: '100', language: 'fr' }).reply(200, { data: [] });
			graph().get(LIST).query({ fields: META_TEMPLATE_FIELDS, name: 'order_update', limit: '100' }).reply(200, { data: [graphTemplate('order_update'), graphTemplate('order_update', 'es')] });
			const language = await rejectionOf(provider().deleteTemplate({ id: 'order_update', language: 'fr' }));
			expect((language as ValidationError).message).toBe('The template "order_update" has no fr version to delete');
			expect((language as ValidationError).hint).toMatch(/en_US, es/);
		});
	});
});
