/**
 * The examples run on n8n's engine against the sandbox: the trigger's filters let the sample
 * events in (and others out), each event takes the route the example promises, and every
 * WhatsApp Omni node's request is the message the example's sticky note describes.
 * Core nodes are stand-ins (see engine.ts); the AI agent example needs a language model and is
 * checked statically in examples.test.ts.
 *
 * Executions that wait (Send and Wait for Response, the Wait node) end waiting here and are
 * resumed in the process the way n8n resumes them (engine.ts, resumeExample): an answer goes
 * through the trigger's real hand-over (trigger/answers.ts, handAnswers) to the waiting node's
 * resume webhook; a wait time that ran out runs the saved execution on. What this cannot show:
 * n8n's own saving of the execution, its HTTP resume route and its wait tracker (the e2e suite
 * runs a real n8n).
 */
import type { ILoadOptionsFunctions, INode, INodeExecutionData } from 'n8n-workflow';

import { eventScope, useConversationStore } from '../../nodes/WhatsAppOmni/helpers/conversationStore';
import { closeSendRateLimiters } from '../../nodes/WhatsAppOmni/helpers/sendRateLimiter';
import type { ResumeBody } from '../../nodes/WhatsAppOmni/helpers/waits';
import { getTemplateVariables } from '../../nodes/WhatsAppOmni/methods/resourceMapping';
import { createProvider } from '../../nodes/WhatsAppOmni/providers';
import { clearGraphClients } from '../../nodes/WhatsAppOmni/providers/meta/client';
import { parseMetaWebhook } from '../../nodes/WhatsAppOmni/providers/meta/webhook';
import { clearTwilioClients } from '../../nodes/WhatsAppOmni/providers/twilio/client';
import { parseTwilioWebhook } from '../../nodes/WhatsAppOmni/providers/twilio/webhook';
import type { UnifiedEvent } from '../../nodes/WhatsAppOmni/providers/events';
import type { ConversationStore } from '../../nodes/WhatsAppOmni/store/types';
import { handAnswers } from '../../nodes/WhatsAppOmni/trigger/answers';
import { wanted } from '../../nodes/WhatsAppOmni/trigger/filters';
import { startSandbox, TWILIO_CONTENT_SEED, type Sandbox } from '../../sandbox';
import { sandboxCredentials } from '../sandboxCredentials';
import { useFreshStore } from '../storeHelpers';
import { resumeExample, runExample, type ExampleRun } from './engine';
import {
	ACTION_TYPE,
	CREDENTIAL_TYPES,
	PROVIDERS,
	TRIGGER_TYPE,
	completedParameters,
	exampleFile,
	nodeByName,
	nodesOfType,
	packageDescription,
	type ExampleWorkflow,
	type Provider,
} from './examples';

let sandbox: Sandbox;
let store: ConversationStore;
beforeAll(async () => {
	sandbox = await startSandbox();
});
afterAll(async () => {
	await sandbox.stop();
	useConversationStore(undefined);
});
beforeEach(async () => {
	// Waits and flow states live in the conversation store: each test starts with an empty one.
	store = await useFreshStore();
	// And with fresh send pacing: every Meta send keeps one person to about 10 messages a minute,
	// and this file writes to CUSTOMER more often than that (a send would wait for the next minute).
	await closeSendRateLimiters();
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
	const result = await runExample(workflow, items, credentials(), nodesOfType(workflow, TRIGGER_TYPE)[0].name);
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

/** The node's stored variable fields are those n8n's editor lists for its template, under the same keys. */
async function expectTemplateFields(send: INode) {
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
	const required = fields.filter((f) => f.required).map((f) => f.id);
	expect(Object.keys(variables.value).filter((id) => required.includes(id)).sort()).toEqual(required.sort());
	for (const id of Object.keys(variables.value)) expect(fields.map((f) => f.id)).toContain(id);
}

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
		await expectTemplateFields(nodesOfType(workflow, ACTION_TYPE)[0]);
	});
});


/** The provider the trigger builds from its credential: it sends a waiting question's reminder. */
const triggerProvider = (provider: Provider) => createProvider(provider, credentials()[CREDENTIAL_TYPES[provider] as keyof ReturnType<typeof credentials>]);

/**
 * A message reaching the published workflow's trigger while `paused` waits: the trigger's filters,
 * then its hand-over of answers (handAnswers, as the trigger runs it). Returns whether the message
 * would start a new execution, and the waiting execution resumed with it, if it was an answer.
 */
async function deliver(workflow: ExampleWorkflow, provider: Provider, event: UnifiedEvent, paused: ExampleRun) {
	expect(triggerWants(workflow, event)).toBe(true);
	const resumed: ExampleRun[] = [];
	const resumeUrls: string[] = [];
	const emitted = await handAnswers([{ event }], triggerProvider(provider), {
		resume: async (wait, body: ResumeBody) => {
			resumeUrls.push(wait.resumeUrl);
			resumed.push(await resumeExample(paused, body));
			return { resumed: true };
		},
	});
	expect(resumed.length).toBeLessThanOrEqual(1);
	if (resumed[0]) expect(resumed[0].error).toBeUndefined();
	return { startsNewExecution: emitted.length > 0, resumed: resumed[0], resumeUrl: resumeUrls[0] };
}

/** The wait time of the node the run waits in has passed: n8n runs the execution on. */
async function timeOut(paused: ExampleRun) {
	const resumed = await resumeExample(paused);
	expect(resumed.error).toBeUndefined();
	return resumed;
}

describe.each(PROVIDERS)('support-flow (%s)', (provider) => {
	const { workflow } = exampleFile('support-flow', provider);
	const e = events[provider];
	const ask = nodeByName(workflow, 'Ask What They Need');
	const MENU = 'Hi, thanks for writing to us! What can we help you with?';
	const HAND_OVER = 'Thanks! A person from our team will take over this chat and answer you here shortly.';
	const CLOSED = 'We did not hear back from you, so we closed this request. Write to us any time to start again.';
	const HOUR = 60 * 60 * 1000;

	/** The conversation up to the first question: a text starts it, the menu waits for a tap. */
	async function askedWhatTheyNeed() {
		const before = Date.now();
		const first = await runOn(workflow, e.text('Hi, I need help'));
		expect(first.ran).toEqual(['WhatsApp Omni Trigger', 'Ask What They Need']);
		expect(first.waitingIn).toBe('Ask What They Need');
		expect(first.waitTill!.getTime()).toBeGreaterThanOrEqual(before + HOUR);
		expect(first.waitTill!.getTime()).toBeLessThanOrEqual(Date.now() + HOUR);
		return first;
	}

	it('asks "What can we help you with?" with three reply buttons, then waits up to an hour for a tap', async () => {
		const event = e.text('Hi, I need help');
		await askedWhatTheyNeed();
		expect(sent()).toHaveLength(1);
		if (provider === 'meta') {
			expect(sent()[0]).toMatchObject({
				type: 'interactive',
				to: toOf(provider),
				content: {
					type: 'button',
					body: { text: MENU },
					action: {
						buttons: [
							{ type: 'reply', reply: { id: 'order_status', title: 'Order status' } },
							{ type: 'reply', reply: { id: 'returns', title: 'Returns' } },
							{ type: 'reply', reply: { id: 'other', title: 'Something else' } },
						],
					},
				},
			});
		} else {
			expect(sent()[0]).toMatchObject({ type: 'content', to: toOf(provider) });
			const sid = (sent()[0].content as { content_sid: string }).content_sid;
			expect(sandbox.twilioContents.find((c) => c.sid === sid)!.types['twilio/quick-reply']).toMatchObject({
				body: MENU,
				actions: [
					{ id: 'order_status', title: 'Order status' },
					{ id: 'returns', title: 'Returns' },
					{ id: 'other', title: 'Something else' },
				],
			});
		}
		// The wait the trigger will find: choices only, the reminder, the hour, the node's resume URL.
		const wait = await store.findWait(eventScope(event)!, { phoneNumber: CUSTOMER });
		expect(wait).toMatchObject({
			accept: 'choices',
			choices: [
				{ id: 'order_status', title: 'Order status' },
				{ id: 'returns', title: 'Returns' },
				{ id: 'other', title: 'Something else' },
			],
			reprompt: 'Please tap one of the buttons: Order status, Returns or Something else.',
			expiresAt: expect.any(String),
		});
		expect(new URL(wait!.resumeUrl).pathname).toMatch(new RegExp(`/webhook-waiting/[^/]+/${ask.id}$`));
	});

	it('"Order status": the tap resumes this execution (no new one), which asks for the order number; the number gets the hand-over', async () => {
		const first = await askedWhatTheyNeed();

		const tap = await deliver(workflow, provider, e.button('order_status', 'Order status'), first);
		expect(tap.startsNewExecution).toBe(false);
		const second = tap.resumed!;
		expect(second.ran).toEqual(['WhatsApp Omni Trigger', 'Ask What They Need', 'Route by Topic', 'Ask for the Order Number']);
		expect(second.output('Ask What They Need')[0].json).toMatchObject({
			answer: { id: 'order_status', title: 'Order status' },
			questionMessageId: first.output('Ask What They Need')[0].json.questionMessageId,
			waitedSeconds: expect.any(Number),
			contact: { id: CUSTOMER },
		});
		expect(second.waitingIn).toBe('Ask for the Order Number');
		expect(sent()).toHaveLength(2);
		expect(sent()[1]).toEqual(expect.objectContaining({ to: toOf(provider), ...textOf(provider, 'What is your order number? You find it in your order confirmation, e.g. A-1042.') }));

		const number = await deliver(workflow, provider, e.text('A-1042'), second);
		expect(number.startsNewExecution).toBe(false);
		const third = number.resumed!;
		expect(third.ran).toEqual([
			'WhatsApp Omni Trigger',
			'Ask What They Need',
			'Route by Topic',
			'Ask for the Order Number',
			'Got the Details?',
			'Hand Over to a Person',
		]);
		expect(third.waitTill).toBeUndefined();
		expect(third.output('Got the Details?')[0].json).toMatchObject({ answer: { text: 'A-1042' } });
		expect(sent()).toHaveLength(3);
		expect(sent()[2]).toEqual(expect.objectContaining({ to: toOf(provider), ...textOf(provider, HAND_OVER) }));
		// The wait ended: the next message starts the workflow anew.
		expect(await store.findWait(eventScope(e.text('x'))!, { phoneNumber: CUSTOMER })).toBeUndefined();
	});

	it.each([
		['a tap on "Returns"', () => e.button('returns', 'Returns'), 'returns', 'Ask for the Order Number', 'What is your order number? You find it in your order confirmation, e.g. A-1042.'],
		['"something else" typed (a choice’s title counts as the tap)', () => e.text('something else'), 'other', 'Ask What It Is About', 'Tell us in a few words what it is about.'],
	])('%s: routed by its ID to the next question', async (_case, answer, id, next, question) => {
		const tap = await deliver(workflow, provider, answer(), await askedWhatTheyNeed());
		expect(tap.startsNewExecution).toBe(false);
		expect(tap.resumed!.output('Ask What They Need')[0].json).toMatchObject({ answer: { id } });
		expect(tap.resumed!.ran.slice(2)).toEqual(['Route by Topic', next]);
		expect(tap.resumed!.waitingIn).toBe(next);
		expect(sent()[1]).toEqual(expect.objectContaining({ to: toOf(provider), ...textOf(provider, question) }));
	});

	it('another text while the buttons wait gets the reminder; the question still waits, and no execution starts', async () => {
		const first = await askedWhatTheyNeed();
		const other = await deliver(workflow, provider, e.text('where is my parcel?'), first);
		expect(other).toMatchObject({ startsNewExecution: false, resumed: undefined });
		expect(sent()).toHaveLength(2);
		expect(sent()[1]).toEqual(expect.objectContaining({ to: toOf(provider), ...textOf(provider, 'Please tap one of the buttons: Order status, Returns or Something else.') }));
		expect(await store.findWait(eventScope(e.text('x'))!, { phoneNumber: CUSTOMER })).toMatchObject({ accept: 'choices' });
	});

	it('no tap within the hour: the closing text', async () => {
		const resumed = await timeOut(await askedWhatTheyNeed());
		expect(resumed.ran).toEqual(['WhatsApp Omni Trigger', 'Ask What They Need', 'Route by Topic', 'No Answer']);
		expect(resumed.output('Ask What They Need')[0].json).toMatchObject({ timedOut: true, waitedSeconds: 3600 });
		expect(sent()).toHaveLength(2);
		expect(sent()[1]).toEqual(expect.objectContaining({ to: toOf(provider), ...textOf(provider, CLOSED) }));
	});

	it('no order number within the hour: the closing text, no hand-over', async () => {
		const tap = await deliver(workflow, provider, e.button('order_status', 'Order status'), await askedWhatTheyNeed());
		const resumed = await timeOut(tap.resumed!);
		expect(resumed.ran.slice(3)).toEqual(['Ask for the Order Number', 'Got the Details?', 'No Answer']);
		expect(sent().map((s) => s.content)).not.toContainEqual(expect.objectContaining({ body: HAND_OVER }));
		expect(sent()[2]).toEqual(expect.objectContaining({ to: toOf(provider), ...textOf(provider, CLOSED) }));
	});

	it('lets in texts and button taps (which answer the question), not images or reactions', () => {
		expect(triggerWants(workflow, e.button('returns', 'Returns'))).toBe(true);
		expect(triggerWants(workflow, e.image())).toBe(false);
		const reaction = e.reaction();
		if (reaction) expect(triggerWants(workflow, reaction)).toBe(false);
	});
});

describe.each(PROVIDERS)('onboarding-sequence (%s)', (provider) => {
	const { workflow } = exampleFile('onboarding-sequence', provider);
	const e = events[provider];
	const DAY = 24 * 60 * 60 * 1000;
	const contact = { phoneNumber: CUSTOMER };
	const scope = () => eventScope(e.text('x'))!;
	/** The request your sign-up form or shop sends to the Webhook, as the Webhook node emits it. */
	const signUp = { json: { headers: { 'content-type': 'application/json' }, params: {}, query: {}, body: { phone: CUSTOMER, name: 'Ana' } } };

	/** Day 1: a sign-up starts the sequence, which then waits a day. */
	async function signedUp() {
		const before = Date.now();
		const first = await runExample(workflow, [signUp], credentials(), 'Start Onboarding');
		expect(first.error).toBeUndefined();
		expect(first.ran).toEqual(['Start Onboarding', 'Send Welcome', 'Start the Sequence', 'Wait a Day']);
		expect(first.waitingIn).toBe('Wait a Day');
		expect(first.waitTill!.getTime()).toBeGreaterThanOrEqual(before + DAY);
		expect(first.waitTill!.getTime()).toBeLessThanOrEqual(Date.now() + DAY);
		return first;
	}

	const day2 =
		provider === 'meta'
			? {
					type: 'template',
					content: {
						name: 'promo_image',
						language: { code: 'en_US' },
						components: [
							{ type: 'header', parameters: [{ type: 'image', image: { link: 'https://example.com/media/welcome-offer.png' } }] },
							{ type: 'body', parameters: [{ type: 'text', text: '25%' }] },
							{ type: 'button', sub_type: 'copy_code', index: '2', parameters: [{ type: 'coupon_code', coupon_code: 'WELCOME25' }] },
						],
					},
				}
			: { type: 'content', content: expect.objectContaining({ content_sid: sidOf('filler_text_01'), content_variables: {} }) };

	function sidOf(name: string) {
		return TWILIO_CONTENT_SEED.find((c) => c.friendly_name === name)!.sid;
	}

	it('a sign-up gets the day-1 template, and the flow state step 1 (expiring after 2 days); then the execution waits a day', async () => {
		const before = Date.now();
		const first = await signedUp();
		if (provider === 'meta') {
			expect(sent()).toEqual([{ type: 'template', to: toOf(provider), content: { name: 'hello_world', language: { code: 'en_US' } }, context: undefined }]);
		} else {
			expect(sent()).toEqual([
				expect.objectContaining({ type: 'content', to: toOf(provider), content: expect.objectContaining({ content_sid: sidOf('welcome_media'), content_variables: { 1: 'Ana' } }) }),
			]);
		}
		const state = await store.getFlowState(scope(), contact);
		expect(state).toMatchObject({ document: { step: 1, startedAt: expect.any(String) }, version: 1 });
		expect(Date.parse(String(state!.document.startedAt))).toBeGreaterThanOrEqual(before - 1000);
		expect(Date.parse(state!.expiresAt!)).toBeGreaterThanOrEqual(before + 2 * DAY);
		expect(first.output('Start the Sequence')[0].json).toMatchObject({ contact: CUSTOMER, state: { step: 1 } });
	});

	it('a day later, still at step 1: the day-2 template goes out and the sequence’s state is cleared', async () => {
		const next = await timeOut(await signedUp());
		expect(next.ran).toEqual([
			'Start Onboarding',
			'Send Welcome',
			'Start the Sequence',
			'Wait a Day',
			'Read the State',
			'Still in the Sequence?',
			'Send the Day-2 Message',
			'End the Sequence',
		]);
		expect(next.waitTill).toBeUndefined();
		expect(sent()).toHaveLength(2);
		expect(sent()[1]).toEqual(expect.objectContaining({ to: toOf(provider), ...day2 }));
		expect(next.output('End the Sequence')[0].json).toMatchObject({ contact: CUSTOMER, cleared: true });
		expect(await store.getFlowState(scope(), contact)).toBeUndefined();
	});

	it('"STOP" (any case) clears the state and is confirmed; a day later the waiting execution sends nothing more', async () => {
		const waiting = await signedUp();

		const stop = await runOn(workflow, e.text(' Stop '));
		expect(stop.ran).toEqual(['WhatsApp Omni Trigger', 'Is It STOP?', 'Stop the Sequence', 'Confirm the Opt-Out']);
		expect(stop.output('Stop the Sequence')[0].json).toMatchObject({ contact: CUSTOMER, cleared: true });
		expect(sent()).toHaveLength(2);
		expect(sent()[1]).toEqual(expect.objectContaining({ to: toOf(provider), ...textOf(provider, 'Done: you will get no more onboarding messages from us.') }));
		expect(await store.getFlowState(scope(), contact)).toBeUndefined();

		const next = await timeOut(waiting);
		expect(next.ran.slice(4)).toEqual(['Read the State', 'Still in the Sequence?']);
		expect(next.output('Read the State')[0].json).toMatchObject({ found: false, version: 0 });
		expect(sent()).toHaveLength(2);
	});

	it('another text does nothing: no state is touched, nothing is sent', async () => {
		await signedUp();
		const other = await runOn(workflow, e.text('Thanks, what is STOP for?'));
		expect(other.ran).toEqual(['WhatsApp Omni Trigger', 'Is It STOP?']);
		expect(sent()).toHaveLength(1);
		expect(await store.getFlowState(scope(), contact)).toMatchObject({ document: { step: 1 } });
	});

	it.each(['Send Welcome', 'Send the Day-2 Message'])('%s has the fields the template’s variable list shows in n8n, under the same keys', async (name) => {
		await expectTemplateFields(nodeByName(workflow, name));
	});
});
