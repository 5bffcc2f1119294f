import type { INodeExecutionData } from 'n8n-workflow';

import { startSandbox, type RecordedRequest, type Sandbox } from '../../sandbox';
import { sandboxCredentials } from '../sandboxCredentials';
import { runWorkflow, sendWorkflow } from './harness';

let sandbox: Sandbox;
beforeAll(async () => {
	sandbox = await startSandbox();
});
afterAll(async () => sandbox.stop());
beforeEach(() => {
	sandbox.clearRequests();
	sandbox.clearInjections();
	sandbox.setFaults(undefined);
});

const credentials = () => sandboxCredentials(sandbox);

const mapper = (value: Record<string, string>) => ({ mappingMode: 'defineBelow', value, schema: [] });
const sendTemplate = (provider: 'meta' | 'twilio', template: string, variables: Record<string, string>, parameters: object = {}) => ({
	provider,
	resource: 'message',
	operation: 'sendTemplate',
	to: '={{ $json.phone }}',
	template: { __rl: true, mode: 'list', value: template },
	variables: mapper(variables),
	...parameters,
});
const people = (...rows: Array<[string, string]>): INodeExecutionData[] => rows.map(([phone, name]) => ({ json: { phone, name } }));
const run = (parameters: Record<string, unknown>, input: INodeExecutionData[] = people(['+15551234567', 'Ana'])) =>
	runWorkflow(sendWorkflow(parameters), { credentials: credentials(), input });

const sends = () => sandbox.requests.filter((r) => r.method === 'POST');
const lookups = () => sandbox.requests.filter((r) => r.method === 'GET');
const metaTemplate = (request: RecordedRequest) => (request.body as { template: unknown }).template;
const twilioSid = (friendlyName: string) => sandbox.twilioContents.find((c) => c.friendly_name === friendlyName)!.sid;

describe('Send Template through Meta in the n8n engine', () => {
	it('sends a positional template to every item, reading the template once', async () => {
		const result = await run(
			sendTemplate('meta', 'order_update|en_US', { 'body.1': '={{ $json.name }}', 'body.2': 'A-1042', 'button.0.urlSuffix': 'A-1042' }),
			people(['+15551234567', 'Ana'], ['+15557654321', 'Bo']),
		);

		expect(result.error).toBeUndefined();
		const output = result.output('WhatsApp Omni');
		expect(output.map((item) => item.json)).toEqual([
			{ provider: 'meta', messageId: expect.stringMatching(/^wamid\./), to: '+15551234567', status: 'accepted', raw: expect.any(Object) },
			{ provider: 'meta', messageId: expect.stringMatching(/^wamid\./), to: '+15557654321', status: 'accepted', raw: expect.any(Object) },
		]);
		expect(lookups()).toHaveLength(1);
		expect(lookups()[0]).toMatchObject({
			path: `/v24.0/${sandbox.meta.wabaId}/message_templates`,
			query: { name: 'order_update', language: 'en_US' },
		});
		expect(sends()).toHaveLength(2);
		expect(sends()[0]).toMatchObject({ path: `/v24.0/${sandbox.meta.phoneNumberId}/messages`, status: 200 });
		expect(sends()[0].body).toEqual({
			messaging_product: 'whatsapp',
			recipient_type: 'individual',
			to: '15551234567',
			type: 'template',
			template: {
				name: 'order_update',
				language: { code: 'en_US' },
				components: [
					{ type: 'body', parameters: [{ type: 'text', text: 'Ana' }, { type: 'text', text: 'A-1042' }] },
					{ type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: 'A-1042' }] },
				],
			},
		});
		expect((metaTemplate(sends()[1]) as { components: Array<{ parameters: unknown[] }> }).components[0].parameters[0]).toEqual({
			type: 'text',
			text: 'Bo',
		});
	});

	it('sends named parameters with their names, in the header and the body', async () => {
		const result = await run(
			sendTemplate('meta', 'shipping_named|en_US', {
				'header.customer_name': 'Ana',
				'body.customer_name': 'Ana',
				'body.order_id': 'A-1042',
			}),
		);
		expect(result.error).toBeUndefined();
		expect(sends()).toHaveLength(1);
		expect(metaTemplate(sends()[0])).toEqual({
			name: 'shipping_named',
			language: { code: 'en_US' },
			components: [
				{ type: 'header', parameters: [{ type: 'text', text: 'Ana', parameter_name: 'customer_name' }] },
				{
					type: 'body',
					parameters: [
						{ type: 'text', text: 'Ana', parameter_name: 'customer_name' },
						{ type: 'text', text: 'A-1042', parameter_name: 'order_id' },
					],
				},
			],
		});
	});

	it('sends an image header, a quick-reply payload, the coupon code, and nothing for an empty quick reply', async () => {
		const result = await run(
			sendTemplate('meta', 'promo_image|en_US', {
				'header.media': 'https://cdn.example.com/promo.png',
				'body.1': '25%',
				'button.0.payload': 'PROMO_YES',
				'button.1.payload': '',
				'button.2.couponCode': 'SAVE25',
			}),
		);
		expect(result.error).toBeUndefined();
		expect(metaTemplate(sends()[0])).toEqual({
			name: 'promo_image',
			language: { code: 'en_US' },
			components: [
				{ type: 'header', parameters: [{ type: 'image', image: { link: 'https://cdn.example.com/promo.png' } }] },
				{ type: 'body', parameters: [{ type: 'text', text: '25%' }] },
				{ type: 'button', sub_type: 'quick_reply', index: '0', parameters: [{ type: 'payload', payload: 'PROMO_YES' }] },
				{ type: 'button', sub_type: 'copy_code', index: '2', parameters: [{ type: 'coupon_code', coupon_code: 'SAVE25' }] },
			],
		});
	});

	it('takes the values from Variables (JSON) when it is set, bare numbers meaning body variables', async () => {
		const result = await run(
			sendTemplate('meta', 'invoice_doc|en_US', { 'body.1': 'ignored' }, {
				options: { variablesJson: '={{ JSON.stringify({ "header.media": "https://files.example.com/INV-7.pdf", "1": "INV-7", "2": 42 }) }}' },
			}),
		);
		expect(result.error).toBeUndefined();
		expect(metaTemplate(sends()[0])).toEqual({
			name: 'invoice_doc',
			language: { code: 'en_US' },
			components: [
				{ type: 'header', parameters: [{ type: 'document', document: { link: 'https://files.example.com/INV-7.pdf', filename: 'INV-7.pdf' } }] },
				{ type: 'body', parameters: [{ type: 'text', text: 'INV-7' }, { type: 'text', text: '42' }] },
			],
		});
	});

	it('sends a location header and a template without variables', async () => {
		const located = await run(sendTemplate('meta', 'store_location|en_US', { 'header.location': '37.7886,-122.3931,Omni Store,1 Main St, SF' }));
		expect(located.error).toBeUndefined();
		expect(metaTemplate(sends()[0])).toEqual({
			name: 'store_location',
			language: { code: 'en_US' },
			components: [
				{ type: 'header', parameters: [{ type: 'location', location: { latitude: 37.7886, longitude: -122.3931, name: 'Omni Store', address: '1 Main St, SF' } }] },
			],
		});
		sandbox.clearRequests();
		const hello = await run(sendTemplate('meta', 'hello_world|en_US', {}));
		expect(hello.error).toBeUndefined();
		expect(metaTemplate(sends()[0])).toEqual({ name: 'hello_world', language: { code: 'en_US' } });
	});

	it('refuses a missing variable before sending, naming it', async () => {
		const result = await run(sendTemplate('meta', 'order_update|en_US', { 'body.1': 'Ana', 'button.0.urlSuffix': 'A-1042' }));
		expect(result.error?.message).toBe('Item 1: The template "order_update" needs Body {{2}} (body.2)');
		expect(sends()).toHaveLength(0);
	});

	it('refuses a variable the template does not have before sending, naming it and the ones it has', async () => {
		const result = await run(
			sendTemplate('meta', 'order_update|en_US', { 'body.1': 'Ana', 'body.2': 'A-1042', 'body.3': 'extra', 'button.0.urlSuffix': 'x' }),
		);
		expect(result.error?.message).toBe('Item 1: The template "order_update" has no variable "body.3"');
		expect(result.error?.description).toContain('body.1, body.2, button.0.urlSuffix');
		expect(sends()).toHaveLength(0);
	});

	it('fails clearly for an unknown template, and for a language it does not have', async () => {
		const unknown = await run(sendTemplate('meta', 'no_such_template|en_US', {}));
		expect(unknown.error?.message).toBe('Item 1: There is no template named "no_such_template" in this WhatsApp Business Account');
		const language = await run(sendTemplate('meta', 'order_update|fr', {}));
		expect(language.error?.message).toBe('Item 1: The template "order_update" has no fr version');
		expect(language.error?.description).toContain('It exists in en_US, es.');
		expect(sends()).toHaveLength(0);
	});

	it('refuses a template that is not approved before sending', async () => {
		const result = await run(sendTemplate('meta', 'loyalty_pending|en_US', { 'body.1': '120' }));
		expect(result.error?.message).toBe('Item 1: The template "loyalty_pending" (en_US) is PENDING; Meta only sends approved templates');
		expect(sends()).toHaveLength(0);
	});

	it('takes the template by name and language typed in', async () => {
		const result = await run({
			...sendTemplate('meta', '', { 'body.1': 'Ana', 'body.2': 'A-1', 'button.0.urlSuffix': 'A-1' }),
			template: { __rl: true, mode: 'id', value: 'order_update|es' },
		});
		expect(result.error).toBeUndefined();
		expect(metaTemplate(sends()[0])).toMatchObject({ name: 'order_update', language: { code: 'es' } });
	});
});

describe('Send Template through Twilio in the n8n engine', () => {
	it('sends the Content SID and its variables as ContentVariables', async () => {
		const sid = twilioSid('order_update');
		const result = await run(sendTemplate('twilio', sid, { 'body.1': '={{ $json.name }}', 'body.2': 'A-1042' }));

		expect(result.error).toBeUndefined();
		const [item] = result.output('WhatsApp Omni');
		expect(item.json).toEqual({
			provider: 'twilio',
			messageId: expect.stringMatching(/^(SM|MM)[0-9a-f]{32}$/),
			to: '+15551234567',
			status: 'queued',
			raw: expect.any(Object),
		});
		expect(lookups().map((r) => r.path)).toContain(`/content/v1/Content/${sid}`);
		expect(sends()).toHaveLength(1);
		expect(sends()[0]).toMatchObject({
			path: `/api/2010-04-01/Accounts/${sandbox.twilio.accountSid}/Messages.json`,
			status: 201,
		});
		expect(sends()[0].body).toEqual({
			To: 'whatsapp:+15551234567',
			From: sandbox.twilio.whatsAppNumber,
			ContentSid: sid,
			ContentVariables: '{"1":"Ana","2":"A-1042"}',
		});
	});

	it('takes Variables (JSON) as an object from an expression', async () => {
		const sid = twilioSid('appointment_reminder');
		const result = await run(
			sendTemplate('twilio', sid, {}, { options: { variablesJson: '={{ { "1": $json.name, "body.2": "May 4", "3": "10:30" } }}' } }),
		);
		expect(result.error).toBeUndefined();
		expect(sends()[0].body).toMatchObject({ ContentSid: sid, ContentVariables: '{"1":"Ana","2":"May 4","3":"10:30"}' });
	});

	it('refuses a missing and an extra variable before sending, naming them', async () => {
		const sid = twilioSid('order_update');
		const missing = await run(sendTemplate('twilio', sid, { 'body.1': 'Ana' }));
		expect(missing.error?.message).toBe('Item 1: The template "order_update" needs Body {{2}} (body.2)');
		const extra = await run(sendTemplate('twilio', sid, { 'body.1': 'Ana', 'body.2': 'x', 'body.9': 'y' }));
		expect(extra.error?.message).toBe('Item 1: The template "order_update" has no variable "body.9"');
		expect(sends()).toHaveLength(0);
	});

	it('refuses a typed-in Content SID that is not one before the run starts', async () => {
		await expect(
			run({ ...sendTemplate('twilio', '', {}), template: { __rl: true, mode: 'id', value: 'welcome_media' } }),
		).rejects.toThrow('A Content SID is HX followed by 32 hexadecimal characters');
		expect(sandbox.requests).toHaveLength(0);
	});

	it('fails clearly for an unknown Content SID, keeping Twilio’s 20404, provider and HTTP code', async () => {
		const sid = `HX${'0'.repeat(32)}`;
		const result = await run(sendTemplate('twilio', sid, {}));
		expect(result.error?.message).toBe(`Twilio error 20404: There is no Content template ${sid} in this Twilio account`);
		expect(result.error?.description).toMatch(/^Check the Content SID .* Provider said: /);
		expect((result.error as { httpCode?: string }).httpCode).toBe('404');
		expect(result.error?.context).toMatchObject({ provider: 'twilio', providerCode: 20404 });
		expect(sends()).toHaveLength(0);
	});

	it('with Continue On Fail, an unknown Content SID gives an error item with Twilio’s code, like every provider error', async () => {
		const sid = `HX${'0'.repeat(32)}`;
		const result = await runWorkflow(sendWorkflow(sendTemplate('twilio', sid, {}), { continueOnFail: true }), { credentials: credentials(), input: people(['+15551234567', 'Ana']) });
		expect(result.error).toBeUndefined();
		expect(result.output('WhatsApp Omni').map((item) => item.json)).toEqual([
			{
				error: `Twilio error 20404: There is no Content template ${sid} in this Twilio account`,
				hint: expect.stringMatching(/^Check the Content SID/),
				provider: 'twilio',
				code: 20404,
				httpCode: '404',
			},
		]);
		expect(sends()).toHaveLength(0);
	});

	it('finds a Content by its name given by an expression', async () => {
		const result = await run({
			...sendTemplate('twilio', '', { 'body.1': 'Ana' }),
			template: { __rl: true, mode: 'id', value: '={{ "welcome_" + "media" }}' },
		});
		expect(result.error).toBeUndefined();
		expect(sends()[0].body).toMatchObject({ ContentSid: twilioSid('welcome_media'), ContentVariables: '{"1":"Ana"}' });
	});
});
