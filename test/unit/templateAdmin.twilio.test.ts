import { ValidationError } from '../../nodes/WhatsAppOmni/helpers/ValidationError';
import { ProviderError } from '../../nodes/WhatsAppOmni/providers/ProviderError';
import { clearTwilioClients } from '../../nodes/WhatsAppOmni/providers/twilio/client';
import { TwilioProvider } from '../../nodes/WhatsAppOmni/providers/twilio/TwilioProvider';
import type { NewTemplate } from '../../nodes/WhatsAppOmni/providers/types';
import { UnsupportedError } from '../../nodes/WhatsAppOmni/providers/UnsupportedError';
import { rejectionOf, useNock } from './nockHelpers';
import { ACCOUNT, twilioCredentials as credentials, twilioHost } from './twilioFixtures';

const content = () => twilioHost('content');
const provider = () => new TwilioProvider(credentials);

const sid = (n: number) => `HX${String(n).padStart(32, '0')}`;
const NEW = sid(7);

/** What Twilio answers to POST /v1/Content: the request echoed with the resource fields. */
function created(body: Record<string, unknown>, contentSid = NEW) {
	const url = `https://content.twilio.com/v1/Content/${contentSid}`;
	return {
		account_sid: ACCOUNT,
		date_created: '2026-01-01T00:00:00Z',
		date_updated: '2026-01-01T00:00:00Z',
		friendly_name: body.friendly_name,
		language: body.language,
		links: { approval_create: `${url}/ApprovalRequests/whatsapp`, approval_fetch: `${url}/ApprovalRequests` },
		sid: contentSid,
		types: body.types,
		url,
		variables: body.variables ?? {},
	};
}

const approvalAnswer = (name: string, category: string) => ({
	name,
	category,
	content_type: 'twilio/text',
	status: 'received',
	rejection_reason: '',
	allow_category_change: true,
});

function template(overrides: Partial<NewTemplate> = {}): NewTemplate {
	return {
		name: 'order_shipped',
		language: 'en',
		category: 'UTILITY',
		parameterFormat: 'positional',
		body: 'Hi {{1}}, your order {{2}} has shipped today.',
		bodyExamples: { 1: 'Ada', 2: 'A-1042' },
		buttons: [],
		submitForApproval: true,
		...overrides,
	};
}

/**
 * Expects one POST /v1/Content with exactly `expected` as its JSON body, then (when `approval`)
 * one approval request with exactly that body. Returns the scope.
 */
function expectCreate(expected: Record<string, unknown>, approval?: Record<string, unknown>) {
	const scope = content()
		.post('/v1/Content', (body) => {
			expect(body).toEqual(expected);
			return true;
		})
		.reply(201, created(expected));
	if (approval) {
		scope
			.post(`/v1/Content/${NEW}/ApprovalRequests/whatsapp`, (body) => {
				expect(body).toEqual(approval);
				return true;
			})
			.reply(201, approvalAnswer(String(approval.name), String(approval.category)));
	}
	return scope;
}

useNock(clearTwilioClients);

describe('createTwilioTemplate: NewTemplate → Content type', () => {
	it('text only → twilio/text with the body examples as variables, then the approval request', async () => {
		const scope = expectCreate(
			{
				friendly_name: 'order_shipped',
				language: 'en',
				variables: { 1: 'Ada', 2: 'A-1042' },
				types: { 'twilio/text': { body: 'Hi {{1}}, your order {{2}} has shipped today.' } },
			},
			{ name: 'order_shipped', category: 'UTILITY' },
		);

		const info = await provider().createTemplate(template());

		expect(scope.isDone()).toBe(true);
		expect(info).toEqual({
			id: NEW,
			templateId: NEW,
			name: 'order_shipped',
			language: 'en',
			status: 'RECEIVED',
			category: 'UTILITY',
			preview: 'Hi {{1}}, your order {{2}} has shipped today.',
			parameterFormat: 'positional',
			body: 'Hi {{1}}, your order {{2}} has shipped today.',
			buttons: [],
			variables: [
				{ key: 'body.1', label: 'Body {{1}}', component: 'body', kind: 'text', name: '1', example: 'Ada', required: true },
				{ key: 'body.2', label: 'Body {{2}}', component: 'body', kind: 'text', name: '2', example: 'A-1042', required: true },
			],
			raw: {
				content: expect.objectContaining({ sid: NEW, friendly_name: 'order_shipped' }),
				approvalRequest: approvalAnswer('order_shipped', 'UTILITY'),
			},
		});
	});

	it('a media header from a public URL → twilio/media', async () => {
		const scope = expectCreate(
			{
				friendly_name: 'order_shipped',
				language: 'en',
				variables: { 1: 'Ada', 2: 'A-1042' },
				types: {
					'twilio/media': { body: 'Hi {{1}}, your order {{2}} has shipped today.', media: ['https://cdn.example.com/box'] },
				},
			},
			{ name: 'order_shipped', category: 'UTILITY' },
		);
		const info = await provider().createTemplate(
			template({ header: { format: 'video', sample: { kind: 'url', url: 'https://cdn.example.com/box' } } }),
		);
		expect(scope.isDone()).toBe(true);
		expect(info.header).toEqual({ format: 'video' });
	});

	it('quick replies only → twilio/quick-reply', async () => {
		const scope = expectCreate(
			{
				friendly_name: 'order_shipped',
				language: 'en',
				variables: { 1: 'Ada', 2: 'A-1042' },
				types: {
					'twilio/quick-reply': {
						body: 'Hi {{1}}, your order {{2}} has shipped today.',
						actions: [{ title: 'Thanks' }, { title: 'Where is it?' }],
					},
				},
			},
			{ name: 'order_shipped', category: 'UTILITY' },
		);
		const info = await provider().createTemplate(
			template({
				buttons: [
					{ type: 'quickReply', text: 'Thanks' },
					{ type: 'quickReply', text: 'Where is it?' },
				],
			}),
		);
		expect(scope.isDone()).toBe(true);
		expect(info.buttons).toEqual([
			{ type: 'quickReply', text: 'Thanks' },
			{ type: 'quickReply', text: 'Where is it?' },
		]);
	});

	it('URL, phone and copy-code buttons → twilio/call-to-action; the URL variable follows the body’s and its sample is the suffix', async () => {
		const scope = expectCreate(
			{
				friendly_name: 'order_shipped',
				language: 'en',
				variables: { 1: 'Ada', 2: 'A-1042', 3: 'A-1042?ref=wa' },
				types: {
					'twilio/call-to-action': {
						body: 'Hi {{1}}, your order {{2}} has shipped today.',
						actions: [
							{ type: 'URL', title: 'Track it', url: 'https://shop.example.com/track/{{3}}' },
							{ type: 'PHONE_NUMBER', title: 'Call us', phone: '+15551234567' },
							{ type: 'COPY_CODE', title: 'Copy code', code: 'SAVE10' },
						],
					},
				},
			},
			{ name: 'order_shipped', category: 'MARKETING' },
		);
		const info = await provider().createTemplate(
			template({
				category: 'MARKETING',
				buttons: [
					{ type: 'url', text: 'Track it', url: 'https://shop.example.com/track/{{1}}', example: 'https://shop.example.com/track/A-1042?ref=wa' },
					{ type: 'phoneNumber', text: 'Call us', phoneNumber: '+15551234567' },
					{ type: 'copyCode', example: 'SAVE10' },
				],
			}),
		);
		expect(scope.isDone()).toBe(true);
		expect(info.buttons).toEqual([
			{ type: 'url', text: 'Track it', url: 'https://shop.example.com/track/{{3}}' },
			{ type: 'phoneNumber', text: 'Call us', phoneNumber: '+15551234567' },
			{ type: 'copyCode', text: 'Copy code' },
		]);
		expect(info.variables.map((v) => [v.key, v.label, v.example])).toEqual([
			['body.1', 'Body {{1}}', 'Ada'],
			['body.2', 'Body {{2}}', 'A-1042'],
			['body.3', 'Button URL {{3}}', 'A-1042?ref=wa'],
		]);
	});

	it('a text header with a variable, a footer and buttons → whatsapp/card, header variable numbered after the body’s', async () => {
		const scope = expectCreate(
			{
				friendly_name: 'order_shipped',
				language: 'en_US',
				variables: { 1: 'Ada', 2: 'A-1042', 3: 'May' },
				types: {
					'whatsapp/card': {
						body: 'Hi {{1}}, your order {{2}} has shipped today.',
						header_text: 'Your {{3}} order',
						footer: 'Reply STOP to opt out',
						actions: [
							{ type: 'QUICK_REPLY', title: 'Thanks' },
							{ type: 'URL', title: 'Shop', url: 'https://shop.example.com' },
						],
					},
				},
			},
			{ name: 'order_shipped', category: 'UTILITY' },
		);
		const info = await provider().createTemplate(
			template({
				language: 'en_US',
				header: { format: 'text', text: 'Your {{1}} order', example: 'May' },
				footer: 'Reply STOP to opt out',
				buttons: [
					{ type: 'quickReply', text: 'Thanks' },
					{ type: 'url', text: 'Shop', url: 'https://shop.example.com' },
				],
			}),
		);
		expect(scope.isDone()).toBe(true);
		expect(info).toMatchObject({
			header: { format: 'text', text: 'Your {{3}} order' },
			footer: 'Reply STOP to opt out',
			body: 'Hi {{1}}, your order {{2}} has shipped today.',
		});
		expect(info.variables.find((v) => v.name === '3')).toMatchObject({ label: 'Title {{3}}', example: 'May' });
	});

	it('a media header with buttons → whatsapp/card with media', async () => {
		const scope = expectCreate(
			{
				friendly_name: 'order_shipped',
				language: 'en',
				variables: { 1: 'Ada', 2: 'A-1042' },
				types: {
					'whatsapp/card': {
						body: 'Hi {{1}}, your order {{2}} has shipped today.',
						media: ['https://cdn.example.com/invoice.pdf'],
						actions: [{ type: 'QUICK_REPLY', title: 'Thanks' }],
					},
				},
			},
			{ name: 'order_shipped', category: 'UTILITY' },
		);
		const info = await provider().createTemplate(
			template({
				header: { format: 'document', sample: { kind: 'url', url: 'https://cdn.example.com/invoice.pdf' } },
				buttons: [{ type: 'quickReply', text: 'Thanks' }],
			}),
		);
		expect(scope.isDone()).toBe(true);
		expect(info.header).toEqual({ format: 'document' });
	});

	it('without submitForApproval: only the Content, status unsubmitted, no variables member when there are none', async () => {
		const scope = expectCreate({
			friendly_name: 'plain_notice',
			language: 'en',
			types: { 'twilio/text': { body: 'Our office is closed on Friday.' } },
		});
		const info = await provider().createTemplate(
			template({ name: 'plain_notice', body: 'Our office is closed on Friday.', bodyExamples: {}, submitForApproval: false }),
		);
		expect(scope.isDone()).toBe(true);
		expect(info).toMatchObject({ templateId: NEW, status: 'UNSUBMITTED', variables: [], raw: { approvalRequest: null } });
		expect(info.category).toBeUndefined();
	});
});

describe('createTwilioTemplate: errors', () => {
	it('says the Content exists, with its SID, when the approval request fails', async () => {
		const scope = content()
			.post('/v1/Content')
			.once()
			.reply(201, created({ friendly_name: 'order_shipped', language: 'en', types: {} }))
			.post(`/v1/Content/${NEW}/ApprovalRequests/whatsapp`)
			.reply(400, {
				code: 20001,
				message: "A WhatsApp template named 'order_shipped' in language 'en' exists already",
				more_info: 'https://www.twilio.com/docs/errors/20001',
				status: 400,
			});

		const error = (await rejectionOf(provider().createTemplate(template()))) as ProviderError;

		expect(scope.isDone()).toBe(true);
		expect(error).toBeInstanceOf(ProviderError);
		expect(error).toMatchObject({ provider: 'twilio', code: 20001, httpStatus: 400 });
		expect(error.message).toContain(`The Content ${NEW} was created, but submitting it to WhatsApp for approval failed`);
		expect(error.message).toContain('exists already');
		expect(error.hint).toContain('Do not run Create again');
		expect(error.hint).toContain(NEW);
		expect(JSON.stringify(error)).not.toContain(credentials.authToken);
	});

	it('passes a Content API error on with Twilio’s code, and makes no approval request', async () => {
		const scope = content()
			.post('/v1/Content')
			.reply(400, { code: 21658, message: 'Parameter exceeded character limit', more_info: 'https://www.twilio.com/docs/errors/21658', status: 400 });
		const error = (await rejectionOf(provider().createTemplate(template()))) as ProviderError;
		expect(scope.isDone()).toBe(true);
		expect(error).toBeInstanceOf(ProviderError);
		expect(error).toMatchObject({ code: 21658, httpStatus: 400 });
		expect(error.message).not.toContain('was created');
	});

	// No interceptor is set up in these: any request would fail with a network error instead.
	it.each<[string, Partial<NewTemplate>, RegExp]>([
		['named variables', { parameterFormat: 'named', body: 'Hi {{name}}, welcome aboard.', bodyExamples: { name: 'Ada' } }, /numbered variables/],
		['a location header', { header: { format: 'location' } }, /no location header/],
		[
			'a header sample from n8n binary data',
			{ header: { format: 'image', sample: { kind: 'id', id: '4::aW1hZ2U=' } } },
			/public URL/,
		],
		['an authentication template for approval', { category: 'AUTHENTICATION' }, /whatsapp\/authentication/],
		['forbidding a category change', { allowCategoryChange: false }, /always lets WhatsApp change the category/],
	])('refuses %s with UnsupportedError before any request', async (_what, overrides, message) => {
		const error = (await rejectionOf(provider().createTemplate(template(overrides)))) as UnsupportedError;
		expect(error).toBeInstanceOf(UnsupportedError);
		expect(error.provider).toBe('twilio');
		expect(error.message).toMatch(message);
		expect(error.alternative.length).toBeGreaterThan(10);
	});

	it('creates an authentication-category Content when it is not submitted', async () => {
		const scope = expectCreate({
			friendly_name: 'order_shipped',
			language: 'en',
			variables: { 1: 'Ada', 2: 'A-1042' },
			types: { 'twilio/text': { body: 'Hi {{1}}, your order {{2}} has shipped today.' } },
		});
		await provider().createTemplate(template({ category: 'AUTHENTICATION', submitForApproval: false }));
		expect(scope.isDone()).toBe(true);
	});

	it('checks Twilio’s 20-character quick-reply limit and the URL example before any request', async () => {
		const long = (await rejectionOf(
			provider().createTemplate(template({ buttons: [{ type: 'quickReply', text: 'Tell me more about it' }] })),
		)) as ValidationError;
		expect(long).toBeInstanceOf(ValidationError);
		expect(long.field).toBe('Buttons');
		expect(long.message).toContain('20 characters');

		const url = (await rejectionOf(
			provider().createTemplate(
				template({
					buttons: [{ type: 'url', text: 'Track', url: 'https://shop.example.com/track/{{1}}', example: 'https://other.example.com/x' }],
				}),
			),
		)) as ValidationError;
		expect(url).toBeInstanceOf(ValidationError);
		expect(url.message).toContain('https://shop.example.com/track/');
	});
});

describe('queryTwilioTemplates', () => {
	const entry = (n: number, friendlyName: string, language: string, approval: Record<string, unknown> | null) => ({
		sid: sid(n),
		account_sid: ACCOUNT,
		friendly_name: friendlyName,
		language,
		variables: {},
		types: { 'twilio/text': { body: `Body of ${friendlyName}` } },
		approval_requests: approval
			? { name: friendlyName, content_type: 'twilio/text', rejection_reason: '', allow_category_change: true, type: 'whatsapp', ...approval }
			: { name: '', category: '', content_type: 'twilio/text', status: 'unsubmitted', rejection_reason: '', allow_category_change: true, type: 'whatsapp' },
		date_created: '2026-01-01T00:00:00Z',
		date_updated: '2026-01-01T00:00:00Z',
	});
	const page = (contents: object[], next: string | null) => ({
		contents,
		meta: { page: 0, page_size: 3, first_page_url: '', previous_page_url: null, url: '', next_page_url: next, key: 'contents' },
	});
	const NEXT = 'https://content.twilio.com/v1/ContentAndApprovals?PageSize=3&Page=1&PageToken=PAHX3';

	const first = [
		entry(1, 'order_update', 'en', { status: 'approved', category: 'UTILITY' }),
		entry(2, 'summer_sale', 'pt_BR', { status: 'rejected', category: 'MARKETING', rejection_reason: 'Promotional content' }),
		entry(3, 'draft_notice', 'en', null),
		entry(4, 'fresh_notice', 'en', { status: 'received', category: 'UTILITY' }),
	];

	it('reads one page of the asked size and keeps every Content when there are no filters', async () => {
		const scope = content().get('/v1/ContentAndApprovals').query({ PageSize: '3' }).reply(200, page(first, NEXT));
		const result = await provider().queryTemplates({ pageSize: 3 });
		expect(scope.isDone()).toBe(true);
		expect(result.nextCursor).toBe(NEXT);
		expect(result.templates.map((t) => [t.templateId, t.name, t.language, t.status, t.category])).toEqual([
			[sid(1), 'order_update', 'en', 'APPROVED', 'UTILITY'],
			[sid(2), 'summer_sale', 'pt_BR', 'REJECTED', 'MARKETING'],
			[sid(3), 'draft_notice', 'en', 'UNSUBMITTED', undefined],
			[sid(4), 'fresh_notice', 'en', 'RECEIVED', 'UTILITY'],
		]);
		expect(result.templates[1]).toMatchObject({ rejectionReason: 'Promotional content', body: 'Body of summer_sale', raw: first[1] });
	});

	it('filters status, name, language and category here, and still hands back the cursor', async () => {
		const ask = async (query: object) => {
			content().get('/v1/ContentAndApprovals').query({ PageSize: '100' }).reply(200, page(first, NEXT));
			const result = await provider().queryTemplates({ pageSize: 3, ...query });
			expect(result.nextCursor).toBe(NEXT);
			return result.templates.map((t) => t.name);
		};
		expect(await ask({ status: 'APPROVED' })).toEqual(['order_update']);
		expect(await ask({ status: 'unsubmitted' })).toEqual(['draft_notice']);
		expect(await ask({ name: 'SALE' })).toEqual(['summer_sale']);
		expect(await ask({ language: 'pt-BR' })).toEqual(['summer_sale']);
		expect(await ask({ category: 'UTILITY' })).toEqual(['order_update', 'fresh_notice']);
		expect(await ask({ status: 'PENDING' })).toEqual(['fresh_notice']);
		expect(await ask({ status: 'received' })).toEqual(['fresh_notice']);
		expect(await ask({ category: 'UTILITY', status: 'rejected' })).toEqual([]);
	});

	it('continues from the cursor (only its query is kept) and ends without a cursor', async () => {
		const scope = content()
			.get('/v1/ContentAndApprovals')
			.query({ PageSize: '3', Page: '1', PageToken: 'PAHX3' })
			.reply(200, page([entry(4, 'late_notice', 'en', { status: 'pending', category: 'UTILITY' })], null));
		const result = await provider().queryTemplates({ cursor: NEXT.replace('content.twilio.com', 'evil.example.com') });
		expect(scope.isDone()).toBe(true);
		expect(result.templates.map((t) => t.status)).toEqual(['PENDING']);
		expect(result.nextCursor).toBeUndefined();
	});

	it('reads at least 100 per page when it filters, since the filters apply here', async () => {
		const scope = content().get('/v1/ContentAndApprovals').query({ PageSize: '100' }).reply(200, page(first, null));
		const result = await provider().queryTemplates({ pageSize: 2, status: 'approved' });
		expect(scope.isDone()).toBe(true);
		expect(result.templates.map((t) => t.name)).toEqual(['order_update']);
	});

	it('caps the page size at Twilio’s 1000', async () => {
		const scope = content().get('/v1/ContentAndApprovals').query({ PageSize: '1000' }).reply(200, page([], null));
		await provider().queryTemplates({ pageSize: 5000 });
		expect(scope.isDone()).toBe(true);
	});
});

describe('getTwilioTemplateInfo and deleteTwilioTemplate', () => {
	const wire = {
		account_sid: ACCOUNT,
		sid: NEW,
		friendly_name: 'track_order',
		language: 'en',
		variables: { 1: 'A-1042' },
		types: {
			'twilio/call-to-action': {
				body: 'Order {{1}} is on its way.',
				actions: [{ type: 'URL', title: 'Track order', url: 'https://shop.example.com/track/{{1}}' }],
			},
			'twilio/text': { body: 'Order {{1}} is on its way.' },
		},
		url: `https://content.twilio.com/v1/Content/${NEW}`,
		links: {},
		date_created: '2026-01-01T00:00:00Z',
		date_updated: '2026-01-01T00:00:00Z',
	};
	const approvals = {
		sid: NEW,
		account_sid: ACCOUNT,
		url: `https://content.twilio.com/v1/Content/${NEW}/ApprovalRequests`,
		whatsapp: { name: 'track_order', category: 'UTILITY', content_type: 'twilio/call-to-action', status: 'paused', rejection_reason: 'Low quality', type: 'whatsapp' },
	};

	it('Get reads the Content and its approval, describing the richest type', async () => {
		const scope = content().get(`/v1/Content/${NEW}`).reply(200, wire).get(`/v1/Content/${NEW}/ApprovalRequests`).reply(200, approvals);
		const info = await provider().getTemplateInfo({ id: NEW });
		expect(scope.isDone()).toBe(true);
		expect(info).toMatchObject({
			templateId: NEW,
			name: 'track_order',
			status: 'PAUSED',
			category: 'UTILITY',
			rejectionReason: 'Low quality',
			body: 'Order {{1}} is on its way.',
			buttons: [{ type: 'url', text: 'Track order', url: 'https://shop.example.com/track/{{1}}' }],
			raw: { content: wire, approvalRequests: approvals },
		});
		expect(info.variables.map((v) => v.label)).toEqual(['Body {{1}}']);
	});

	it('Get says unsubmitted when there is no approval, and names the SID when there is no Content', async () => {
		content()
			.get(`/v1/Content/${NEW}`)
			.reply(200, wire)
			.get(`/v1/Content/${NEW}/ApprovalRequests`)
			.reply(404, { code: 20404, message: 'Not found', status: 404 });
		expect((await provider().getTemplateInfo({ id: NEW })).status).toBe('UNSUBMITTED');

		content()
			.get(`/v1/Content/${NEW}`)
			.reply(404, { code: 20404, message: 'Not found', status: 404 })
			.get(`/v1/Content/${NEW}/ApprovalRequests`)
			.reply(404, { code: 20404, message: 'Not found', status: 404 });
		const error = (await rejectionOf(provider().getTemplateInfo({ id: NEW }))) as ProviderError;
		expect(error).toBeInstanceOf(ProviderError);
		expect(error).toMatchObject({ provider: 'twilio', code: 20404, httpStatus: 404, message: `There is no Content template ${NEW} in this Twilio account` });
	});

	it('Delete removes the Content by SID and ignores a language', async () => {
		const scope = content().delete(`/v1/Content/${NEW}`).reply(204);
		expect(await provider().deleteTemplate({ id: NEW, language: 'en_US' })).toEqual({ provider: 'twilio', deleted: [NEW], success: true });
		expect(scope.isDone()).toBe(true);
	});

	it('Delete of a missing Content names the SID and keeps Twilio’s 20404', async () => {
		content().delete(`/v1/Content/${NEW}`).reply(404, { code: 20404, message: 'Not found', status: 404 });
		const error = (await rejectionOf(provider().deleteTemplate({ id: NEW }))) as ProviderError;
		expect(error).toBeInstanceOf(ProviderError);
		expect(error).toMatchObject({
			provider: 'twilio',
			code: 20404,
			httpStatus: 404,
			message: `There is no Content template ${NEW} in this Twilio account`,
			details: 'Not found',
		});
	});

	it('Delete finds a Content by its friendly name', async () => {
		const scope = content()
			.get('/v1/ContentAndApprovals')
			.query({ PageSize: '100' })
			.reply(200, { contents: [{ ...wire, approval_requests: {} }], meta: { next_page_url: null, key: 'contents' } })
			.delete(`/v1/Content/${NEW}`)
			.reply(204);
		expect((await provider().deleteTemplate({ id: 'track_order' })).deleted).toEqual([NEW]);
		expect(scope.isDone()).toBe(true);
	});
});
