/**
 * The examples run on n8n's engine against the sandbox: the trigger's filters let the sample
 * events in (and others out), each event takes the route the example promises, and every
 * WhatsApp Omni node's request is the message the example's sticky note describes.
 * Core nodes are stand-ins (see engine.ts); the AI agent example needs a language model and is
 * checked statically in examples.test.ts.
 */
import type { ILoadOptionsFunctions, INodeExecutionData } from 'n8n-workflow';

import { getTemplateVariables } from '../../nodes/WhatsAppOmni/methods/resourceMapping';
import { clearGraphClients } from '../../nodes/WhatsAppOmni/providers/meta/client';
import { parseMetaWebhook } from '../../nodes/WhatsAppOmni/providers/meta/webhook';
import { clearTwilioClients } from '../../nodes/WhatsAppOmni/providers/twilio/client';
import { parseTwilioWebhook } from '../../nodes/WhatsAppOmni/providers/twilio/webhook';
import type { UnifiedEvent } from '../../nodes/WhatsAppOmni/providers/events';
import { wanted } from '../../nodes/WhatsAppOmni/trigger/filters';
import { startSandbox, type Sandbox } from '../../sandbox';
import { sandboxCredentials } from '../sandboxCredentials';
import { runExample } from './engine';
import {
	ACTION_TYPE,
	PROVIDERS,
	TRIGGER_TYPE,
	completedParameters,
	exampleFile,
	nodesOfType,
	packageDescription,
	type ExampleWorkflow,
	type Provider,
} from './examples';

let sandbox: Sandbox;
beforeAll(async () => {
	sandbox = await startSandbox();
});
afterAll(async () => sandbox.stop());
beforeEach(() => {
	sandbox.clearRequests();
	sandbox.outbound.length = 0;
	clearGraphClients();
	clearTwilioClients();
});

const CUSTOMER = '+15551234567';

const credentials = () => sandboxCredentials(sandbox);

/** Events as the trigger emits them, from the providers' own webhook bodies. */
const events = {
	meta: {
		text: (text: string) => parseMetaWebhook(sandbox.metaPayload.message({ type: 'text', text, from: CUSTOMER.slice(1), name: 'Ana' }))[0],
		image: () => parseMetaWebhook(sandbox.metaPayload.message({ type: 'image', from: CUSTOMER.slice(1) }))[0],
		reaction: () =>
			parseMetaWebhook(sandbox.metaPayload.message({ type: 'reaction', from: CUSTOMER.slice(1), reaction: { message_id: 'wamid.HBgLMTU1NTEyMzQ1NjcVAgARGBI5', emoji: '👍' } }))[0],
		button: (id: string, title: string) =>
			parseMetaWebhook(sandbox.metaPayload.message({ type: 'interactive', from: CUSTOMER.slice(1), interactive: { type: 'button_reply', button_reply: { id, title } } }))[0],
		listRow: (id: string, title: string) =>
			parseMetaWebhook(sandbox.metaPayload.message({ type: 'interactive', from: CUSTOMER.slice(1), interactive: { type: 'list_reply', list_reply: { id, title } } }))[0],
	},
	twilio: {
		text: (body: string) => inbound(parseTwilioWebhook(sandbox.twilioParams.message({ body, from: `whatsapp:${CUSTOMER}`, profileName: 'Ana' }))[0]),
		image: () => inbound(parseTwilioWebhook(sandbox.twilioParams.message({ type: 'image', from: `whatsapp:${CUSTOMER}` }))[0]),
		reaction: () => undefined,
		button: (id: string, title: string) =>
			inbound(parseTwilioWebhook(sandbox.twilioParams.message({ type: 'button', from: `whatsapp:${CUSTOMER}`, button: { text: title, payload: id } }))[0]),
		listRow: (id: string, title: string) =>
			inbound(parseTwilioWebhook(sandbox.twilioParams.message({ type: 'interactive', from: `whatsapp:${CUSTOMER}`, button: { text: title, payload: id } }))[0]),
	},
};

/** Twilio's typing indicator only takes SIDs of messages the account received. */
function inbound(event: UnifiedEvent): UnifiedEvent {
	sandbox.addTwilioInboundMessage(event.id);
	return event;
}

/** Whether the example's trigger, with its filters as n8n completes them, lets the event in. */
function triggerWants(workflow: ExampleWorkflow, event: UnifiedEvent): boolean {
	const trigger = nodesOfType(workflow, TRIGGER_TYPE)[0];
	const parameters = completedParameters(trigger, packageDescription(TRIGGER_TYPE)!);
	return wanted(event, {
		events: parameters.events as string[],
		messageTypes: (parameters.messageTypes as string[] | undefined) ?? [],
		statusValues: (parameters.statusValues as string[] | undefined) ?? [],
	});
}

async function runOn(workflow: ExampleWorkflow, event: UnifiedEvent) {
	expect(triggerWants(workflow, event)).toBe(true);
	const items: INodeExecutionData[] = [{ json: event as never }];
	const result = await runExample(workflow, items, credentials());
	expect(result.error).toBeUndefined();
	return result;
}

/** What the sandbox was asked to send, in the providers' own shapes. */
const sent = () => sandbox.outbound.map(({ type, to, content, context }) => ({ type, to, content, context }));
const toOf = (provider: Provider) => (provider === 'meta' ? CUSTOMER.slice(1) : `whatsapp:${CUSTOMER}`);
const textOf = (provider: Provider, body: string) => (provider === 'meta' ? { type: 'text', content: { body } } : { type: 'text', content: expect.objectContaining({ body }) });

describe.each(PROVIDERS)('echo-bot (%s)', (provider) => {
	const { workflow } = exampleFile('echo-bot', provider);

	it('answers a text with "You said: …" to the person who wrote', async () => {
		const result = await runOn(workflow, events[provider].text('Hello there'));
		expect(result.ran).toEqual(['WhatsApp Omni Trigger', 'Echo the Text']);
		expect(sent()).toEqual([expect.objectContaining({ to: toOf(provider), ...textOf(provider, 'You said: Hello there') })]);
		expect(result.output('Echo the Text')[0].json).toMatchObject({ provider, to: CUSTOMER, messageId: expect.any(String) });
	});

	it('does not start on an image', () => {
		expect(triggerWants(workflow, events[provider].image())).toBe(false);
	});

	if (provider === 'meta') {
		it('answers a username user without a visible number through contact.id: their BSUID, in `recipient`', async () => {
			const event = parseMetaWebhook(sandbox.metaPayload.message({ type: 'text', text: 'Hi from kfisher', from: null, userId: 'US.1234', username: 'kfisher', name: 'Kerry' }))[0];
			expect(event.contact).toMatchObject({ id: 'US.1234' });
			expect(event.contact).not.toHaveProperty('phoneNumber');
			const result = await runOn(workflow, event);
			expect(result.ran).toEqual(['WhatsApp Omni Trigger', 'Echo the Text']);
			expect(sent()).toEqual([expect.objectContaining({ to: 'US.1234', ...textOf(provider, 'You said: Hi from kfisher') })]);
			const request = sandbox.requests.find((r) => r.method === 'POST' && r.path.endsWith('/messages'))!;
			expect(request.body).toMatchObject({ recipient: 'US.1234' });
			expect(request.body).not.toHaveProperty('to');
		});
	}
});

describe.each(PROVIDERS)('interactive-menu (%s)', (provider) => {
	const { workflow } = exampleFile('interactive-menu', provider);
	const e = events[provider];

	it('answers any text with the three reply buttons', async () => {
		const result = await runOn(workflow, e.text('hi'));
		expect(result.ran).toEqual(['WhatsApp Omni Trigger', 'Route by Message', 'Send Main Menu']);
		expect(sent()).toHaveLength(1);
		if (provider === 'meta') {
			expect(sent()[0]).toMatchObject({
				type: 'interactive',
				to: toOf(provider),
				content: {
					type: 'button',
					action: {
						buttons: [
							{ type: 'reply', reply: { id: 'hours', title: 'Opening hours' } },
							{ type: 'reply', reply: { id: 'menu', title: 'Menu' } },
							{ type: 'reply', reply: { id: 'talk', title: 'Talk to us' } },
						],
					},
				},
			});
		} else {
			expect(sent()[0]).toMatchObject({ type: 'content', to: toOf(provider) });
			const sid = (sent()[0].content as { content_sid: string }).content_sid;
			const content = sandbox.twilioContents.find((c) => c.sid === sid)!;
			expect(content.types['twilio/quick-reply']).toMatchObject({
				actions: [
					{ id: 'hours', title: 'Opening hours' },
					{ id: 'menu', title: 'Menu' },
					{ id: 'talk', title: 'Talk to us' },
				],
			});
		}
	});

	it('"menu" gets the list with its sections and rows', async () => {
		const result = await runOn(workflow, e.button('menu', 'Menu'));
		expect(result.ran).toEqual(['WhatsApp Omni Trigger', 'Route by Message', 'Send Food Menu']);
		if (provider === 'meta') {
			expect(sent()[0]).toMatchObject({
				type: 'interactive',
				content: {
					type: 'list',
					action: {
						button: 'See the menu',
						sections: [
							{ title: 'Pizzas', rows: [{ id: 'pizza_margherita' }, { id: 'pizza_funghi' }] },
							{ title: 'Drinks', rows: [{ id: 'drink_lemonade' }, { id: 'drink_espresso' }] },
						],
					},
				},
			});
		} else {
			const sid = (sent()[0].content as { content_sid: string }).content_sid;
			const items = (sandbox.twilioContents.find((c) => c.sid === sid)!.types['twilio/list-picker'] as { items: Array<{ id: string }> }).items;
			expect(items.map((item) => item.id)).toEqual(['pizza_margherita', 'pizza_funghi', 'drink_lemonade', 'drink_espresso']);
		}
	});

	it('a picked list row gets a confirmation naming it', async () => {
		const result = await runOn(workflow, e.listRow('pizza_funghi', 'Funghi'));
		expect(result.ran).toEqual(['WhatsApp Omni Trigger', 'Route by Message', 'Confirm the Choice']);
		expect(sent()).toEqual([expect.objectContaining(textOf(provider, 'Great choice: Funghi. It will be ready at the counter in 15 minutes.'))]);
	});

	it('"hours" gets the opening hours, then the location', async () => {
		const result = await runOn(workflow, e.button('hours', 'Opening hours'));
		expect(result.ran).toEqual(['WhatsApp Omni Trigger', 'Route by Message', 'Send Opening Hours', 'Send Location']);
		expect(sent()).toHaveLength(2);
		expect(sent()[0].content).toMatchObject({ body: expect.stringContaining('Monday to Friday') });
		expect(sent()[1]).toMatchObject({ type: 'location', to: toOf(provider) });
		if (provider === 'meta') {
			expect(sent()[1].content).toEqual({ latitude: 52.5219, longitude: 13.4132, name: 'Omni Café', address: 'Alexanderplatz 1, 10178 Berlin' });
		} else {
			expect(sent()[1].content).toMatchObject({ persistent_action: ['geo:52.5219,13.4132|Omni Café'] });
		}
	});

	it('"talk" gets the hand-over text', async () => {
		const result = await runOn(workflow, e.button('talk', 'Talk to us'));
		expect(result.ran).toEqual(['WhatsApp Omni Trigger', 'Route by Message', 'Hand Over to a Person']);
		expect(sent()).toEqual([expect.objectContaining(textOf(provider, 'Thanks! A person from our team will answer you here shortly.'))]);
	});

	it('sends nothing for an unknown button', async () => {
		const result = await runOn(workflow, e.button('something_else', 'Something else'));
		expect(result.ran).toEqual(['WhatsApp Omni Trigger', 'Route by Message']);
		expect(sent()).toEqual([]);
	});
});

describe.each(PROVIDERS)('order-notification (%s)', (provider) => {
	const { workflow } = exampleFile('order-notification', provider);

	it('sends order_update with the order’s name and ID', async () => {
		const result = await runExample(workflow, [{ json: {} }], credentials());
		expect(result.error).toBeUndefined();
		expect(result.ran).toEqual(['When clicking ‘Execute workflow’', 'Order', 'Send Order Update']);
		if (provider === 'meta') {
			expect(sent()).toEqual([
				expect.objectContaining({
					type: 'template',
					to: toOf(provider),
					content: {
						name: 'order_update',
						language: { code: 'en_US' },
						components: [
							{ type: 'body', parameters: [{ type: 'text', text: 'Ana' }, { type: 'text', text: 'A-1042' }] },
							{ type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: 'A-1042' }] },
						],
					},
				}),
			]);
		} else {
			const sid = sandbox.twilioContents.find((c) => c.friendly_name === 'order_update')!.sid;
			expect(sent()).toEqual([
				expect.objectContaining({ type: 'content', to: toOf(provider), content: expect.objectContaining({ content_sid: sid, content_variables: { 1: 'Ana', 2: 'A-1042' } }) }),
			]);
		}
	});

	it('has the fields the template’s variable list shows in n8n, under the same keys', async () => {
		const send = nodesOfType(workflow, ACTION_TYPE)[0];
		const context = {
			getNodeParameter: (name: string, fallback?: unknown, options?: { extractValue?: boolean }) => {
				const value = (send.parameters as Record<string, unknown>)[name];
				if (value === undefined) return fallback;
				return options?.extractValue && value && typeof value === 'object' ? (value as { value: unknown }).value : value;
			},
			getCredentials: async (type: string) => (credentials() as Record<string, object>)[type],
			getNode: () => send,
		} as unknown as ILoadOptionsFunctions;
		const { fields } = await getTemplateVariables.call(context);
		const variables = send.parameters.variables as { value: Record<string, string>; schema: Array<{ id: string; displayName: string; required: boolean }> };
		expect(variables.schema.map(({ id, displayName, required }) => ({ id, displayName, required }))).toEqual(
			fields.map(({ id, displayName, required }) => ({ id, displayName, required })),
		);
		expect(Object.keys(variables.value).sort()).toEqual(fields.map((f) => f.id).sort());
	});
});

describe.each(PROVIDERS)('support-flow (%s)', (provider) => {
	const { workflow } = exampleFile('support-flow', provider);

	it('marks the message read with "typing…", then replies to it', async () => {
		const event = events[provider].text('My order has not arrived');
		const result = await runOn(workflow, event);
		expect(result.ran).toEqual(['WhatsApp Omni Trigger', 'Mark as Read', 'Reply to the Customer']);

		const posts = sandbox.requests.filter((r) => r.method === 'POST');
		if (provider === 'meta') {
			expect(posts[0].body).toEqual({ messaging_product: 'whatsapp', status: 'read', message_id: event.id, typing_indicator: { type: 'text' } });
			expect(sent()).toEqual([
				{ type: 'text', to: toOf(provider), content: { body: 'Thanks, an agent will answer shortly' }, context: { message_id: event.id } },
			]);
			expect(result.output('Reply to the Customer')[0].json).not.toHaveProperty('quoteDropped');
		} else {
			expect(posts[0]).toMatchObject({ path: expect.stringMatching(/Indicators\/Typing\.json$/), status: 200, body: expect.objectContaining({ messageId: event.id }) });
			expect(sent()).toEqual([expect.objectContaining({ to: toOf(provider), ...textOf(provider, 'Thanks, an agent will answer shortly') })]);
			expect(result.output('Reply to the Customer')[0].json).toMatchObject({ quoteDropped: true });
		}
		expect(result.output('Mark as Read')[0].json).toMatchObject({ provider, messageId: event.id, success: true, typingIndicator: true });
	});

	it('starts on messages people write (an image too), not on reactions (Meta)', () => {
		const reaction = events[provider].reaction();
		if (reaction) expect(triggerWants(workflow, reaction)).toBe(false);
		expect(triggerWants(workflow, events[provider].image())).toBe(true);
	});
});
