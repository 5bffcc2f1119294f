import nock from 'nock';

import { ValidationError } from '../../nodes/WhatsAppOmni/helpers/ValidationError';
import { ProviderError } from '../../nodes/WhatsAppOmni/providers/ProviderError';
import { clearTwilioClients } from '../../nodes/WhatsAppOmni/providers/twilio/client';
import { buildTwilioTemplate, contentPageUrl } from '../../nodes/WhatsAppOmni/providers/twilio/templates';
import { TwilioProvider } from '../../nodes/WhatsAppOmni/providers/twilio/TwilioProvider';
import type { TemplateContent, TemplateDefinition } from '../../nodes/WhatsAppOmni/providers/types';
import { captureForm, rejectionOf, useNock } from './nockHelpers';
import { ACCOUNT, twilioCredentials as credentials, twilioHost } from './twilioFixtures';

const content = () => twilioHost('content');
const provider = () => new TwilioProvider(credentials);

const sid = (n: number) => `HX${String(n).padStart(32, '0')}`;
const ORDER = sid(1);
const REMINDER = sid(2);

type Approval = { status: string; category?: string } | Record<string, never>;
const entry = (n: number, friendlyName: string, approval: Approval, types: object = { 'twilio/text': { body: `Body of ${friendlyName}` } }, variables: object = {}) => ({
	sid: sid(n),
	account_sid: ACCOUNT,
	friendly_name: friendlyName,
	language: 'en',
	variables,
	types,
	approval_requests: 'status' in approval ? { name: friendlyName, content_type: Object.keys(types)[0], rejection_reason: '', allow_category_change: true, ...approval } : {},
	date_created: '2026-01-01T00:00:00Z',
	date_updated: '2026-01-01T00:00:00Z',
});
const listBody = (contents: object[], next?: string) => ({
	contents,
	meta: {
		page: 0,
		page_size: 100,
		first_page_url: 'https://content.twilio.com/v1/ContentAndApprovals?PageSize=100&Page=0',
		previous_page_url: null,
		url: 'https://content.twilio.com/v1/ContentAndApprovals?PageSize=100&Page=0',
		next_page_url: next ?? null,
		key: 'contents',
	},
});
const NEXT = 'https://content.twilio.com/v1/ContentAndApprovals?PageSize=100&Page=1&PageToken=PT1';

const orderUpdate = entry(
	1,
	'order_update',
	{ status: 'approved', category: 'UTILITY' },
	{ 'twilio/text': { body: 'Hi {{1}}, your order {{2}} has shipped.' } },
	{ 1: 'Ana', 2: '#1234' },
);
const reminder = entry(
	2,
	'appointment_reminder',
	{ status: 'approved', category: 'UTILITY' },
	{ 'twilio/quick-reply': { body: 'See you on {{1}}?', actions: [{ title: 'Yes', id: 'yes' }, { title: 'No', id: 'no' }] } },
	{ 1: 'Friday' },
);
const pending = entry(3, 'summer_sale', { status: 'pending', category: 'MARKETING' });
const unsubmitted = entry(4, 'draft_notice', {});
const generated = entry(5, 'omni_0123456789abcdef0123456789abcdef', {});

useNock(clearTwilioClients);

describe('listTwilioTemplates', () => {
	it('lists WhatsApp-approved Content from ContentAndApprovals with the next page URL as cursor', async () => {
		const scope = content()
			.get('/v1/ContentAndApprovals')
			.query({ PageSize: '100' })
			.reply(200, listBody([orderUpdate, pending, unsubmitted, reminder, generated], NEXT));

		const page = await provider().listTemplates({});

		expect(scope.isDone()).toBe(true);
		expect(page).toEqual({
			templates: [
				{
					id: ORDER,
					name: 'order_update',
					language: 'en',
					status: 'APPROVED',
					category: 'UTILITY',
					preview: 'Hi {{1}}, your order {{2}} has shipped.',
				},
				{
					id: REMINDER,
					name: 'appointment_reminder',
					language: 'en',
					status: 'APPROVED',
					category: 'UTILITY',
					preview: 'See you on {{1}}?',
				},
			],
			nextCursor: NEXT,
		});
	});

	it('shows unapproved Content when asked, but never the node’s own generated Content', async () => {
		content().get('/v1/ContentAndApprovals').query({ PageSize: '100' }).reply(200, listBody([orderUpdate, pending, unsubmitted, generated]));
		const page = await provider().listTemplates({ includeUnapproved: true });
		expect(page.templates.map((t) => [t.name, t.status])).toEqual([
			['order_update', 'APPROVED'],
			['summer_sale', 'PENDING'],
			['draft_notice', 'UNSUBMITTED'],
		]);
		expect(page.nextCursor).toBeUndefined();
	});

	it('resumes from the cursor with the SDK’s getPage, and ends on the last page', async () => {
		const scope = content()
			.get('/v1/ContentAndApprovals')
			.query({ PageSize: '100', Page: '1', PageToken: 'PT1' })
			.reply(200, listBody([reminder]));
		const page = await provider().listTemplates({ cursor: NEXT });
		expect(scope.isDone()).toBe(true);
		expect(page.templates.map((t) => t.id)).toEqual([REMINDER]);
		expect(page.nextCursor).toBeUndefined();
	});

	it('reads on while a name filter has matched nothing yet', async () => {
		const page2 = 'https://content.twilio.com/v1/ContentAndApprovals?PageSize=100&Page=1&PageToken=PT1';
		const page3 = 'https://content.twilio.com/v1/ContentAndApprovals?PageSize=100&Page=2&PageToken=PT2';
		const scope = content()
			.get('/v1/ContentAndApprovals')
			.query({ PageSize: '100' })
			.reply(200, listBody([orderUpdate], page2))
			.get('/v1/ContentAndApprovals')
			.query({ PageSize: '100', Page: '1', PageToken: 'PT1' })
			.reply(200, listBody([reminder], page3));

		const page = await provider().listTemplates({ filter: 'APPOINTMENT' });

		expect(scope.isDone()).toBe(true);
		expect(page.templates.map((t) => t.name)).toEqual(['appointment_reminder']);
		expect(page.nextCursor).toBe(page3);
	});

	it('never follows a cursor to another host: only its query is kept', async () => {
		const scope = content()
			.get('/v1/ContentAndApprovals')
			.query({ PageSize: '100', PageToken: 'X' })
			.reply(200, listBody([]));
		await provider().listTemplates({ cursor: 'https://attacker.example.com/v1/ContentAndApprovals?PageSize=100&PageToken=X' });
		expect(scope.isDone()).toBe(true);

		await expect(provider().listTemplates({ cursor: 'https://attacker.example.com/steal' })).rejects.toBeInstanceOf(ValidationError);
		await expect(provider().listTemplates({ cursor: 'not a url' })).rejects.toBeInstanceOf(ValidationError);
		expect(contentPageUrl('http://127.0.0.1:9/content/v1/ContentAndApprovals?Page=2')).toBe(
			'https://content.twilio.com/v1/ContentAndApprovals?Page=2',
		);
	});

	it('goes through the base URL override', async () => {
		const scope = nock('http://gateway.local')
			.get('/content/v1/ContentAndApprovals')
			.query({ PageSize: '100', Page: '1', PageToken: 'PT1' })
			.reply(200, listBody([orderUpdate]));
		const page = await new TwilioProvider({ ...credentials, baseUrl: 'http://gateway.local' }).listTemplates({ cursor: NEXT });
		expect(scope.isDone()).toBe(true);
		expect(page.templates).toHaveLength(1);
	});

	it('turns a Twilio error into a ProviderError', async () => {
		content()
			.get('/v1/ContentAndApprovals')
			.query(true)
			.reply(401, { code: 20003, message: 'Authenticate', more_info: 'https://www.twilio.com/docs/errors/20003', status: 401 });
		const error = (await rejectionOf(provider().listTemplates({}))) as ProviderError;
		expect(error).toBeInstanceOf(ProviderError);
		expect(error).toMatchObject({ provider: 'twilio', code: 20003, httpStatus: 401 });
	});
});

describe('getTwilioTemplate', () => {
	const contentBody = (e: ReturnType<typeof entry>) => {
		const { approval_requests: _approval, ...rest } = e;
		return { ...rest, url: `https://content.twilio.com/v1/Content/${e.sid}`, links: {} };
	};
	const approvals = (e: ReturnType<typeof entry>, whatsapp: object) => ({
		sid: e.sid,
		account_sid: ACCOUNT,
		url: `https://content.twilio.com/v1/Content/${e.sid}/ApprovalRequests`,
		whatsapp,
	});

	it('reads the Content and its WhatsApp approval; every variable is a required body.<key>', async () => {
		const scope = content()
			.get(`/v1/Content/${ORDER}`)
			.reply(200, contentBody(orderUpdate))
			.get(`/v1/Content/${ORDER}/ApprovalRequests`)
			.reply(200, approvals(orderUpdate, { name: 'order_update', category: 'UTILITY', status: 'approved', type: 'whatsapp' }));

		const definition = await provider().getTemplate({ id: ORDER });

		expect(scope.isDone()).toBe(true);
		expect(definition).toEqual({
			id: ORDER,
			name: 'order_update',
			language: 'en',
			status: 'APPROVED',
			category: 'UTILITY',
			preview: 'Hi {{1}}, your order {{2}} has shipped.',
			headerFormat: 'none',
			variables: [
				{ key: 'body.1', label: 'Body {{1}}', component: 'body', kind: 'text', name: '1', example: 'Ana', required: true },
				{ key: 'body.2', label: 'Body {{2}}', component: 'body', kind: 'text', name: '2', example: '#1234', required: true },
			],
		});
	});

	it('says where a variable sits when it is not in the body, and orders keys by number', async () => {
		const media = entry(
			6,
			'welcome_media',
			{},
			{ 'twilio/media': { body: 'Welcome {{1}}!', media: ['https://cdn.example.com/{{10}}.jpg'] } },
			{ 10: 'hero', 1: 'Ana', 2: 'unused' },
		);
		content()
			.get(`/v1/Content/${media.sid}`)
			.reply(200, contentBody(media))
			.get(`/v1/Content/${media.sid}/ApprovalRequests`)
			.reply(404, { code: 20404, message: 'not found', status: 404 });

		const definition = await provider().getTemplate({ id: media.sid });

		expect(definition.status).toBe('UNSUBMITTED');
		expect(definition.variables.map((v) => [v.key, v.label])).toEqual([
			['body.1', 'Body {{1}}'],
			['body.2', 'Variable {{2}}'],
			['body.10', 'Media URL {{10}}'],
		]);
	});

	it('refuses an unknown Content SID with a clear message and keeps Twilio’s 20404', async () => {
		content()
			.get(`/v1/Content/${sid(99)}`)
			.reply(404, { code: 20404, message: 'The requested resource was not found', more_info: 'https://www.twilio.com/docs/errors/20404', status: 404 })
			.get(`/v1/Content/${sid(99)}/ApprovalRequests`)
			.reply(404, { code: 20404, message: 'not found', status: 404 });

		const error = (await rejectionOf(provider().getTemplate({ id: sid(99) }))) as ProviderError;

		expect(error).toBeInstanceOf(ProviderError);
		expect(error).toMatchObject({
			provider: 'twilio',
			code: 20404,
			httpStatus: 404,
			message: `There is no Content template ${sid(99)} in this Twilio account`,
			details: 'The requested resource was not found \u2014 https://www.twilio.com/docs/errors/20404',
		});
		expect(error.hint).toMatch(/Check the Content SID/);
	});

	it('finds a Content by its friendly name when no SID is given', async () => {
		const scope = content()
			.get('/v1/ContentAndApprovals')
			.query({ PageSize: '100' })
			.reply(200, listBody([pending, reminder]))
			.get(`/v1/Content/${REMINDER}`)
			.reply(200, contentBody(reminder))
			.get(`/v1/Content/${REMINDER}/ApprovalRequests`)
			.reply(200, approvals(reminder, { status: 'approved', category: 'UTILITY' }));

		const definition = await provider().getTemplate({ id: 'appointment_reminder' });

		expect(scope.isDone()).toBe(true);
		expect(definition).toMatchObject({ id: REMINDER, name: 'appointment_reminder', variables: [{ key: 'body.1', example: 'Friday' }] });
	});

	it('says so when the name is no Content’s', async () => {
		content().get('/v1/ContentAndApprovals').query({ PageSize: '100' }).reply(200, listBody([orderUpdate]));
		const error = (await rejectionOf(provider().getTemplate({ id: 'order_update|en_US' }))) as ValidationError;
		expect(error).toBeInstanceOf(ValidationError);
		expect(error.message).toContain('is neither a Content SID nor the name of a Content template');
	});
});

describe('buildTwilioTemplate', () => {
	const definition: TemplateDefinition = {
		id: ORDER,
		name: 'order_update',
		status: 'approved',
		headerFormat: 'none',
		variables: [],
	};
	const template = (values: Record<string, string>): TemplateContent => ({ type: 'template', template: { id: ORDER }, definition, values });

	it('sends the Content SID and the variables as a JSON string keyed without the body. prefix', () => {
		expect(buildTwilioTemplate(template({ 'body.2': '#1234', 'body.1': 'Ana' }))).toEqual({
			contentSid: ORDER,
			contentVariables: '{"1":"Ana","2":"#1234"}',
		});
	});

	it('leaves ContentVariables out when there are none', () => {
		expect(buildTwilioTemplate(template({}))).toEqual({ contentSid: ORDER });
		expect(buildTwilioTemplate(template({ 'body.1': '' }))).toEqual({ contentSid: ORDER });
	});

	it('goes out as ContentSid + ContentVariables without a Body', async () => {
		const { captured, matcher } = captureForm();
		const scope = nock('https://api.twilio.com')
			.post(`/2010-04-01/Accounts/${ACCOUNT}/Messages.json`, matcher)
			.reply(201, { sid: 'SM0123456789abcdef0123456789abcdef', status: 'queued', to: 'whatsapp:+15551234567' });

		await provider().sendMessage({ to: { kind: 'phone' as const, phoneNumber: '+15551234567' }, content: template({ 'body.1': 'Ana', 'body.2': '#1234' }) });

		expect(scope.isDone()).toBe(true);
		expect(captured.form).toEqual({
			To: 'whatsapp:+15551234567',
			From: 'whatsapp:+14155238886',
			ContentSid: ORDER,
			ContentVariables: '{"1":"Ana","2":"#1234"}',
		});
	});
});
