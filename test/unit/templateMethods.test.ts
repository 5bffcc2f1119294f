import { mock } from 'jest-mock-extended';
import { NodeApiError, NodeOperationError, type ILoadOptionsFunctions, type INode } from 'n8n-workflow';

import { getTemplateVariables } from '../../nodes/WhatsAppOmni/methods/resourceMapping';
import { searchTemplates } from '../../nodes/WhatsAppOmni/methods/listSearch';
import { templateRefFromValue } from '../../nodes/WhatsAppOmni/methods/shared';
import { clearGraphClients } from '../../nodes/WhatsAppOmni/providers/meta/client';
import { clearTwilioClients } from '../../nodes/WhatsAppOmni/providers/twilio/client';
import { startSandbox, type Sandbox } from '../../sandbox';
import { sandboxCredentials } from '../sandboxCredentials';

let sandbox: Sandbox;
beforeAll(async () => {
	sandbox = await startSandbox();
});
afterAll(async () => sandbox.stop());
beforeEach(() => {
	sandbox.clearRequests();
	clearGraphClients();
	clearTwilioClients();
});

const credentials = (overrides: { meta?: object; twilio?: object } = {}) => sandboxCredentials(sandbox, overrides);

/** A load-options context for a node with these parameters, as n8n's LoadOptionsContext answers. */
function context(parameters: Record<string, unknown>, overrides: { meta?: object; twilio?: object } = {}) {
	const fn = mock<ILoadOptionsFunctions>();
	const getParameter = (name: string, fallback?: unknown, options?: { extractValue?: boolean }) => {
		let value: unknown = name.split('.').reduce<unknown>((at, key) => (at as Record<string, unknown> | undefined)?.[key], parameters);
		if (value === undefined) return fallback;
		if (options?.extractValue && value && typeof value === 'object' && '__rl' in value) value = (value as unknown as { value: unknown }).value;
		return value;
	};
	fn.getNodeParameter.mockImplementation(getParameter as never);
	const creds = credentials(overrides) as Record<string, object>;
	fn.getCredentials.mockImplementation((async (type: string) => creds[type]) as never);
	fn.getNode.mockReturnValue({ id: 'omni', name: 'WhatsApp Omni', type: 'n8n-nodes-whatsapp-omni.whatsAppOmni', typeVersion: 1, position: [0, 0], parameters: {} } as INode);
	return fn;
}

const rl = (value: string, mode = 'list') => ({ __rl: true, mode, value });
const twilioSid = (friendlyName: string) => sandbox.twilioContents.find((c) => c.friendly_name === friendlyName)!.sid;

describe('templateRefFromValue', () => {
	it('splits name|language at the last bar and keeps a bare id whole', () => {
		expect(templateRefFromValue('order_update|en_US')).toEqual({ id: 'order_update', language: 'en_US' });
		expect(templateRefFromValue(' HX0123 ')).toEqual({ id: 'HX0123' });
		expect(templateRefFromValue('order_update|')).toEqual({ id: 'order_update' });
		expect(templateRefFromValue(undefined)).toEqual({ id: '' });
	});
});

describe('searchTemplates (Meta, against the sandbox)', () => {
	it('lists approved templates as "name (language) · CATEGORY" with a body preview', async () => {
		const result = await searchTemplates.call(context({ provider: 'meta' }));
		const approved = sandbox.metaTemplates.filter((t) => t.status === 'APPROVED');
		expect(result.results).toHaveLength(approved.length);
		expect(result.paginationToken).toBeUndefined();
		expect(result.results[0]).toEqual({
			name: 'hello_world (en_US) · UTILITY',
			value: 'hello_world|en_US',
			description: expect.stringMatching(/^Welcome and congratulations!! .*…$/),
		});
		expect(result.results.map((r) => r.value)).toEqual(expect.arrayContaining(['order_update|en_US', 'order_update|es', 'promo_image|en_US']));
		expect(result.results.map((r) => r.value)).not.toContain('loyalty_pending|en_US');
		expect(sandbox.requests[0].query).toMatchObject({ status: 'APPROVED', limit: '50' });
	});

	it('filters by name and shows unapproved ones with their status when the option is on', async () => {
		const filtered = await searchTemplates.call(context({ provider: 'meta' }), 'order');
		expect(filtered.results.map((r) => r.name)).toEqual(['order_update (en_US) · UTILITY', 'order_update (es) · UTILITY']);

		const all = await searchTemplates.call(context({ provider: 'meta', options: { includeUnapproved: true } }), 'loyalty');
		expect(all.results).toEqual([
			{ name: 'loyalty_pending (en_US) · MARKETING · PENDING', value: 'loyalty_pending|en_US', description: 'You have {{1}} loyalty points.' },
		]);
	});

	it('lists unapproved templates too for the Template resource (Get, Delete), without the option', async () => {
		const managed = await searchTemplates.call(context({ provider: 'meta', resource: 'template' }), 'loyalty');
		expect(managed.results.map((r) => r.value)).toEqual(['loyalty_pending|en_US']);
		const sending = await searchTemplates.call(context({ provider: 'meta', resource: 'message' }), 'loyalty');
		expect(sending.results).toEqual([]);
	});

	it('pages with the token it hands out', async () => {
		for (let i = 0; i < 30; i++) {
			sandbox.addMetaTemplate({ name: `paging_extra_${String(i).padStart(2, '0')}`, language: 'en_US', components: [{ type: 'BODY', text: 'Extra' }] });
		}
		const approved = sandbox.metaTemplates.filter((t) => t.status === 'APPROVED').map((t) => `${t.name}|${t.language}`);
		const first = await searchTemplates.call(context({ provider: 'meta' }));
		expect(first.results).toHaveLength(50);
		expect(first.paginationToken).toEqual(expect.any(String));
		const second = await searchTemplates.call(context({ provider: 'meta' }), undefined, first.paginationToken);
		expect(second.paginationToken).toBeUndefined();
		expect([...first.results, ...second.results].map((r) => r.value)).toEqual(approved);
	});

	it('fails with Meta’s reason when the credential is wrong', async () => {
		const error = await searchTemplates.call(context({ provider: 'meta' }, { meta: { accessToken: 'EAAG-wrong' } })).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(NodeApiError);
		expect((error as Error).message).toMatch(/^Meta \(WhatsApp Cloud API\) error 190/);
	});
});

describe('searchTemplates (Twilio, against the sandbox)', () => {
	it('lists WhatsApp-approved Content as "name (language) · CATEGORY · status"', async () => {
		const result = await searchTemplates.call(context({ provider: 'twilio' }));
		expect(result.results[0]).toEqual({
			name: 'order_update (en) · UTILITY · APPROVED',
			value: twilioSid('order_update'),
			description: 'Hi {{1}}, your order {{2}} has shipped.',
		});
		const names = result.results.map((r) => r.name);
		expect(names.some((n) => n.startsWith('flight_delay_pending'))).toBe(false);
		expect(names.some((n) => n.startsWith('support_menu_list'))).toBe(false);
		expect(sandbox.requests[0]).toMatchObject({ path: '/content/v1/ContentAndApprovals', query: { PageSize: '100' } });
	});

	it('shows pending and unsubmitted Content when asked, filtered by name', async () => {
		const result = await searchTemplates.call(context({ provider: 'twilio', options: { includeUnapproved: true } }), 'FLIGHT');
		expect(result.results.map((r) => r.name)).toEqual(['flight_delay_pending (en) · UTILITY · PENDING']);
	});

	it('pages with the next page URL as token', async () => {
		for (let i = 0; i < 100; i++) {
			sandbox.addTwilioContent({
				friendly_name: `paging_content_${String(i).padStart(3, '0')}`,
				language: 'en',
				types: { 'twilio/text': { body: `Extra ${i}` } },
				approval: { name: `paging_content_${i}`, category: 'UTILITY', status: 'approved', rejection_reason: '' },
			});
		}
		const approved = sandbox.twilioContents.filter((c) => c.approval?.status === 'approved').map((c) => c.sid);
		const first = await searchTemplates.call(context({ provider: 'twilio' }));
		expect(first.paginationToken).toMatch(/\/twilio\/content\/v1\/ContentAndApprovals\?.*PageToken=PA/);
		const second = await searchTemplates.call(context({ provider: 'twilio' }), undefined, first.paginationToken);
		expect(second.paginationToken).toBeUndefined();
		expect([...first.results, ...second.results].map((r) => r.value)).toEqual(approved);
	});
});

describe('getTemplateVariables', () => {
	const fieldOf = (id: string, displayName: string, required = true) => ({
		id,
		displayName,
		required,
		defaultMatch: false,
		canBeUsedToMatch: false,
		display: true,
		type: 'string',
	});

	it('gives one field per variable of a Meta template, labelled with its example', async () => {
		const result = await getTemplateVariables.call(context({ provider: 'meta', template: rl('order_update|en_US') }));
		expect(result).toEqual({
			fields: [
				fieldOf('body.1', 'Body {{1}} (e.g. Ada)'),
				fieldOf('body.2', 'Body {{2}} (e.g. A-1042)'),
				fieldOf('button.0.urlSuffix', 'Button 1 (URL) suffix (e.g. A-1042)'),
			],
		});
		expect(sandbox.requests[0].query).toMatchObject({ name: 'order_update', language: 'en_US' });
	});

	it('reads a media header, optional quick replies and a coupon code', async () => {
		const result = await getTemplateVariables.call(context({ provider: 'meta', template: rl('promo_image|en_US', 'id') }));
		expect(result.fields).toEqual([
			fieldOf('header.media', 'Header image URL'),
			fieldOf('body.1', 'Body {{1}} (e.g. 25%)'),
			fieldOf('button.0.payload', 'Button 1 (quick reply "Show me") payload', false),
			fieldOf('button.1.payload', 'Button 2 (quick reply "Not interested") payload', false),
			fieldOf('button.2.couponCode', 'Button 3 (copy code) coupon code (e.g. SAVE25)'),
		]);
	});

	it('reads named parameters', async () => {
		const result = await getTemplateVariables.call(context({ provider: 'meta', template: rl('shipping_named|en_US') }));
		expect(result.fields.map((f) => f.id)).toEqual(['header.customer_name', 'body.customer_name', 'body.order_id']);
	});

	it('says there is nothing to fill in for a template without variables', async () => {
		const result = await getTemplateVariables.call(context({ provider: 'meta', template: rl('hello_world|en_US') }));
		expect(result).toEqual({ fields: [], emptyFieldsNotice: expect.stringContaining('has no variables') });
	});

	it('asks for a template first, without any request', async () => {
		const result = await getTemplateVariables.call(context({ provider: 'meta', template: rl('') }));
		expect(result.fields).toEqual([]);
		expect(result.emptyFieldsNotice).toContain('Choose a template first');
		expect(sandbox.requests).toHaveLength(0);
	});

	it('points to Variables (JSON) when the template is an unresolved expression', async () => {
		const fn = context({ provider: 'meta' });
		const plain = fn.getNodeParameter.getMockImplementation()!;
		fn.getNodeParameter.mockImplementation(((name: string, ...rest: unknown[]) => {
			if (name === 'template') throw new Error('Cannot resolve $json here');
			return (plain as (...a: unknown[]) => unknown)(name, ...rest);
		}) as never);
		const result = await getTemplateVariables.call(fn);
		expect(result).toEqual({ fields: [], emptyFieldsNotice: expect.stringContaining('Variables (JSON)') });
	});

	it('fails with the languages there are for a missing language', async () => {
		const error = await getTemplateVariables.call(context({ provider: 'meta', template: rl('order_update|fr') })).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect((error as NodeOperationError).message).toBe('The template "order_update" has no fr version');
		expect((error as NodeOperationError).description).toContain('en_US, es');
	});

	it('gives one field per Content variable on Twilio', async () => {
		const result = await getTemplateVariables.call(context({ provider: 'twilio', template: rl(twilioSid('appointment_reminder')) }));
		expect(result.fields).toEqual([
			fieldOf('body.1', 'Body {{1}} (e.g. Ada)'),
			fieldOf('body.2', 'Body {{2}} (e.g. May 4)'),
			fieldOf('body.3', 'Body {{3}} (e.g. 10:30)'),
		]);
	});
});
