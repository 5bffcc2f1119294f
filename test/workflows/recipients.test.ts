import type { INodeExecutionData } from 'n8n-workflow';

import { startSandbox, type Sandbox } from '../../sandbox';
import { sandboxCredentials } from '../sandboxCredentials';
import { runWorkflow, sendWorkflow } from './harness';

const BSUID = 'US.13491208655302741918';

let sandbox: Sandbox;
beforeAll(async () => {
	sandbox = await startSandbox();
	sandbox.addMetaTemplate({
		name: 'login_code',
		language: 'en_US',
		category: 'AUTHENTICATION',
		components: [{ type: 'BODY', text: '{{1}} is your verification code.' }],
	});
});
afterAll(async () => sandbox.stop());
beforeEach(() => {
	sandbox.clearRequests();
	sandbox.clearInjections();
	sandbox.clearOutbound();
	sandbox.setFaults(undefined);
});

const credentials = () => sandboxCredentials(sandbox);
const contact = (id: string): INodeExecutionData[] => [{ json: { contact: { id } } }];
const run = (parameters: Record<string, unknown>, input: INodeExecutionData[] = contact(BSUID)) =>
	runWorkflow(sendWorkflow({ resource: 'message', to: '={{ $json.contact.id }}', ...parameters }), { credentials: credentials(), input });
const messageRequests = () => sandbox.requests.filter((r) => r.method === 'POST' && /\/messages$|Messages\.json$/.test(r.path));

describe('Sending to a business-scoped user ID (BSUID) in the n8n engine', () => {
	it('Meta: Send Text puts the BSUID in recipient, never in to, and outputs it as to', async () => {
		const result = await run({ provider: 'meta', operation: 'sendText', text: 'Hello from n8n' }, contact(` whatsapp:${BSUID} `));

		expect(result.error).toBeUndefined();
		const [item] = result.output('WhatsApp Omni');
		expect(item.json).toEqual({
			provider: 'meta',
			messageId: expect.stringMatching(/^wamid\./),
			to: BSUID,
			status: 'accepted',
			raw: { messaging_product: 'whatsapp', contacts: [{ input: BSUID, user_id: BSUID }], messages: [{ id: item.json.messageId }] },
		});
		expect(sandbox.requests).toHaveLength(1);
		expect(sandbox.requests[0]).toMatchObject({ method: 'POST', path: `/v24.0/${sandbox.meta.phoneNumberId}/messages`, status: 200 });
		expect(sandbox.requests[0].body).toEqual({
			messaging_product: 'whatsapp',
			recipient_type: 'individual',
			recipient: BSUID,
			type: 'text',
			text: { body: 'Hello from n8n' },
		});
		expect(sandbox.outbound.map((m) => [m.to, m.id])).toEqual([[BSUID, item.json.messageId]]);
	});

	it('Meta: a phone number in the same field still goes in to', async () => {
		const result = await run({ provider: 'meta', operation: 'sendText', text: 'Hi' }, contact('+1 555 123 4567'));
		expect(result.error).toBeUndefined();
		expect(result.output('WhatsApp Omni')[0].json.to).toBe('+15551234567');
		expect(messageRequests()[0].body).toMatchObject({ to: '15551234567' });
		expect(messageRequests()[0].body).not.toHaveProperty('recipient');
	});

	it('Meta: Send Reply quotes a message for a BSUID', async () => {
		const replyTo = 'wamid.HBgLMTU1NTEyMzQ1NjcVAgASGBQzQUE';
		const result = await run({ provider: 'meta', operation: 'sendReply', replyTo, messageType: 'text', text: 'On it' });
		expect(result.error).toBeUndefined();
		expect(messageRequests()[0].body).toEqual({
			messaging_product: 'whatsapp',
			recipient_type: 'individual',
			recipient: BSUID,
			context: { message_id: replyTo },
			type: 'text',
			text: { body: 'On it' },
		});
	});

	it('Meta: refuses an authentication template for a BSUID after reading the template, before sending', async () => {
		const parameters = {
			provider: 'meta',
			operation: 'sendTemplate',
			template: { __rl: true, mode: 'list', value: 'login_code|en_US' },
			variables: { mappingMode: 'defineBelow', value: { 'body.1': '123456' }, schema: [] },
		};
		const refused = await run(parameters);
		expect(refused.error?.message).toBe(
			'Meta (WhatsApp Cloud API) cannot do this: Meta does not send authentication templates (one-time codes) to a business-scoped user ID (BSUID); "login_code" is one',
		);
		expect(refused.error?.description).toMatch(/phone number/);
		expect(sandbox.requests.map((r) => r.method)).toEqual(['GET']);

		sandbox.clearRequests();
		const toPhone = await run(parameters, contact('+15551234567'));
		expect(toPhone.error).toBeUndefined();
		expect(messageRequests()).toHaveLength(1);
	});

	it.each([
		['Send Text', { operation: 'sendText', text: 'Hi' }],
		['Send Template', { operation: 'sendTemplate', template: { __rl: true, mode: 'id', value: 'HX0123456789abcdef0123456789abcdef' }, variables: { mappingMode: 'defineBelow', value: {}, schema: [] } }],
		['Send Reply', { operation: 'sendReply', replyTo: 'SM0123456789abcdef0123456789abcdef', messageType: 'text', text: 'Hi', options: { sendWithoutQuote: true } }],
	])('Twilio: %s to a BSUID is refused before any request, naming the phone number and Meta', async (_name, parameters) => {
		const result = await run({ provider: 'twilio', ...parameters });
		expect(result.error?.message).toBe(
			`Twilio cannot do this: Twilio addresses WhatsApp users by phone number only (as far as Twilio documents), so it cannot send to the business-scoped user ID (BSUID) "${BSUID}"`,
		);
		expect(result.error?.description).toBe(
			'Send to the person’s phone number instead (the trigger’s {{ $json.contact.phoneNumber }}), or send through the Meta provider, which takes BSUIDs.',
		);
		expect(sandbox.requests).toHaveLength(0);
	});

	it.each(['meta', 'twilio'] as const)('%s: a malformed BSUID is refused naming the item and the value, before any request', async (provider) => {
		const result = await run({ provider, operation: 'sendText', text: 'Hi' }, contact('us.13491208655302741918'));
		expect(result.error?.message).toBe(
			'Item 1: "us.13491208655302741918" is neither a WhatsApp phone number nor a business-scoped user ID (BSUID): a business-scoped user ID starts with a country code in two capital letters, e.g. US.13491208655302741918',
		);
		expect(result.error?.description).toMatch(/\+15551234567.*US\.13491208655302741918.*contact\.id/);
		expect(sandbox.requests).toHaveLength(0);
	});
});
