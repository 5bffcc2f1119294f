/**
 * The example workflows in examples/: importable n8n workflow JSON whose nodes of this package
 * pass the checks n8n's editor makes, with the credential of their provider, and whose Meta and
 * Twilio files differ only where the providers do.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import type { INode, INodeParameters } from 'n8n-workflow';

import { META_TEMPLATE_SEED, TWILIO_CONTENT_SEED } from '../../sandbox';
import {
	ACTION_TYPE,
	CREDENTIAL_TYPES,
	EXAMPLE_NAMES,
	EXAMPLES_DIR,
	PROVIDERS,
	STICKY_TYPE,
	TOOL_TYPE,
	TRIGGER_TYPE,
	completedParameters,
	droppedParameters,
	exampleFile,
	exampleFiles,
	loadExample,
	nodeByName,
	nodesOfType,
	packageDescription,
	parameterIssues,
	referencedNodeNames,
	type Example,
	type ExampleWorkflow,
} from './examples';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const CONNECTION_TYPES = ['main', 'ai_languageModel', 'ai_tool', 'ai_memory', 'ai_outputParser'];
const PACKAGE_TYPES = [ACTION_TYPE, TRIGGER_TYPE, TOOL_TYPE];

const files = exampleFiles();
const examples = files.map(loadExample);

/** How many main outputs a node has, for the node types the examples use. */
function mainOutputs(node: INode): number {
	if (node.type === 'n8n-nodes-base.switch') {
		const rules = ((node.parameters.rules as INodeParameters | undefined)?.values as unknown[] | undefined) ?? [];
		const fallback = (node.parameters.options as INodeParameters | undefined)?.fallbackOutput === 'extra' ? 1 : 0;
		return rules.length + fallback;
	}
	if (node.type === 'n8n-nodes-base.if') return 2;
	if (node.type === STICKY_TYPE || node.type === TOOL_TYPE || node.type.startsWith('@n8n/n8n-nodes-langchain.lm')) return 0;
	return 1;
}

interface Rule {
	leftValue: string;
	rightValue: unknown;
	operator: object;
}

/** The first condition of each rule of a Switch, in output order. */
function switchRules(node: INode): Rule[] {
	return (node.parameters.rules as unknown as { values: Array<{ conditions: { conditions: Rule[] } }> }).values.map((rule) => rule.conditions.conditions[0]);
}

/** The nodes each main output of a node leads to. */
function targets(workflow: ExampleWorkflow, name: string): string[][] {
	return (workflow.connections[name]?.main ?? []).map((output) => (output ?? []).map((target) => target.node));
}

/** Every node after this one along main connections. */
function downstream(workflow: ExampleWorkflow, name: string, seen = new Set<string>()): string[] {
	for (const next of targets(workflow, name).flat()) {
		if (seen.has(next)) continue;
		seen.add(next);
		downstream(workflow, next, seen);
	}
	return [...seen];
}

it('examples/ holds a Meta and a Twilio file of every example, and nothing else', () => {
	expect(files).toEqual(EXAMPLE_NAMES.flatMap((name) => PROVIDERS.map((provider) => `${name}.${provider}.json`)).sort());
});

describe.each(examples.map((example) => [example.file, example] as const))('%s', (_file, { workflow, provider }) => {
	const packageNodes = workflow.nodes.filter((node) => PACKAGE_TYPES.includes(node.type));

	it('is workflow JSON n8n 2.x imports: name, nodes, connections, settings, pinData', () => {
		expect(typeof workflow.name).toBe('string');
		expect(workflow.name.trim()).not.toBe('');
		expect(Array.isArray(workflow.nodes)).toBe(true);
		expect(workflow.nodes.length).toBeGreaterThan(1);
		expect(workflow.connections).toEqual(expect.any(Object));
		expect(workflow.settings).toEqual(expect.objectContaining({ executionOrder: 'v1' }));
		expect(workflow.pinData).toEqual({});
	});

	it('has nodes with a unique uuid, a unique name, a type, a version, a position and parameters', () => {
		for (const node of workflow.nodes) {
			expect({ node: node.name, id: node.id }).toEqual({ node: node.name, id: expect.stringMatching(UUID) });
			expect(typeof node.type).toBe('string');
			expect(node.type).toMatch(/^(@n8n\/)?[a-z0-9-]+\.[A-Za-z0-9]+$/);
			expect(typeof node.typeVersion).toBe('number');
			expect(node.typeVersion).toBeGreaterThan(0);
			expect(node.position).toEqual([expect.any(Number), expect.any(Number)]);
			expect(node.parameters).toEqual(expect.any(Object));
		}
		expect(new Set(workflow.nodes.map((n) => n.id)).size).toBe(workflow.nodes.length);
		expect(new Set(workflow.nodes.map((n) => n.name)).size).toBe(workflow.nodes.length);
	});

	it('connects only existing nodes, with matching connection types and existing outputs', () => {
		const names = new Set(workflow.nodes.map((n) => n.name));
		for (const [source, byType] of Object.entries(workflow.connections)) {
			expect({ source, exists: names.has(source) }).toEqual({ source, exists: true });
			const sourceNode = nodeByName(workflow, source);
			for (const [type, outputs] of Object.entries(byType)) {
				expect(CONNECTION_TYPES).toContain(type);
				if (type === 'main') expect(outputs.length).toBeLessThanOrEqual(mainOutputs(sourceNode));
				for (const targets of outputs) {
					for (const target of targets ?? []) {
						expect({ source, target: target.node, exists: names.has(target.node) }).toEqual({ source, target: target.node, exists: true });
						expect(target.type).toBe(type);
						expect(Number.isInteger(target.index) && target.index >= 0).toBe(true);
						const targetNode = nodeByName(workflow, target.node);
						expect(targetNode.type).not.toBe(STICKY_TYPE);
						expect(targetNode.type).not.toBe(TRIGGER_TYPE);
					}
				}
			}
		}
	});

	it('leaves no node unconnected, except sticky notes', () => {
		const connected = new Set<string>(Object.keys(workflow.connections));
		for (const byType of Object.values(workflow.connections)) {
			for (const outputs of Object.values(byType)) for (const targets of outputs) for (const t of targets ?? []) connected.add(t.node);
		}
		const loose = workflow.nodes.filter((n) => n.type !== STICKY_TYPE && !connected.has(n.name)).map((n) => n.name);
		expect(loose).toEqual([]);
	});

	it('refers in expressions only to nodes that exist', () => {
		const names = workflow.nodes.map((n) => n.name);
		for (const node of workflow.nodes) {
			for (const referenced of referencedNodeNames(node.parameters)) {
				expect({ node: node.name, referenced, exists: names.includes(referenced) }).toEqual({ node: node.name, referenced, exists: true });
			}
		}
	});

	it('explains itself in a sticky note', () => {
		const notes = nodesOfType(workflow, STICKY_TYPE);
		expect(notes.length).toBeGreaterThanOrEqual(1);
		const content = String(notes[0].parameters.content ?? '');
		expect(content.length).toBeGreaterThan(150);
		expect(content).toContain(provider === 'meta' ? 'Meta' : 'Twilio');
		expect(notes[0].parameters).toEqual(expect.objectContaining({ width: expect.any(Number), height: expect.any(Number) }));
	});

	it('uses this package’s nodes', () => {
		expect(packageNodes.length).toBeGreaterThan(0);
	});

	it('has no parameter issues on this package’s nodes (n8n’s own check, parameters completed as n8n loads them)', () => {
		for (const node of packageNodes) {
			const description = packageDescription(node.type)!;
			expect({ node: node.name, issues: parameterIssues(node, description) }).toEqual({ node: node.name, issues: null });
		}
	});

	it('sets no parameter on this package’s nodes that n8n would drop on import (unknown or not shown)', () => {
		for (const node of packageNodes) {
			const description = packageDescription(node.type)!;
			expect({ node: node.name, dropped: droppedParameters(node, description) }).toEqual({ node: node.name, dropped: [] });
		}
	});

	it('uses the provider of its file name, and that provider’s credential', () => {
		for (const node of packageNodes) {
			expect({ node: node.name, provider: node.parameters.provider }).toEqual({ node: node.name, provider });
			expect(Object.keys(node.credentials ?? {})).toEqual([CREDENTIAL_TYPES[provider]]);
			const credential = node.credentials![CREDENTIAL_TYPES[provider]];
			expect(credential).toEqual({ id: expect.any(String), name: expect.any(String) });
			expect(credential.name).toMatch(/^WhatsApp Omni (Meta|Twilio)\b/);
			expect(credential.name).toContain(provider === 'meta' ? 'Meta' : 'Twilio');
		}
	});

	it('gives every trigger of this package a webhookId', () => {
		for (const node of nodesOfType(workflow, TRIGGER_TYPE)) {
			expect({ node: node.name, webhookId: node.webhookId }).toEqual({ node: node.name, webhookId: expect.stringMatching(UUID) });
		}
	});

	it('lays the nodes out left to right along their connections', () => {
		for (const [source, byType] of Object.entries(workflow.connections)) {
			if (!byType.main) continue;
			const from = nodeByName(workflow, source).position;
			for (const targets of byType.main) for (const target of targets ?? []) expect(nodeByName(workflow, target.node).position[0]).toBeGreaterThan(from[0]);
		}
	});
});

it('uses a different webhookId in every trigger of every example (two active workflows cannot share one)', () => {
	const ids = examples.flatMap(({ workflow }) => nodesOfType(workflow, TRIGGER_TYPE).map((n) => n.webhookId));
	expect(ids.length).toBeGreaterThanOrEqual(8);
	expect(new Set(ids).size).toBe(ids.length);
});

describe.each(EXAMPLE_NAMES.map((name) => [name] as const))('%s: the Meta and Twilio files', (name) => {
	/** What may differ between the two files: the provider, its credential, its registration and its template. */
	function providerFree(workflow: ExampleWorkflow) {
		return {
			name: workflow.name.replace(/\((Meta|Twilio)\)/, '(provider)'),
			connections: workflow.connections,
			settings: workflow.settings,
			nodes: workflow.nodes.map((node) => {
				const parameters: Record<string, unknown> = { ...node.parameters };
				if (node.type === STICKY_TYPE) delete parameters.content;
				if (PACKAGE_TYPES.includes(node.type)) {
					delete parameters.provider;
					delete parameters.metaRegistration;
					delete parameters.twilioRegistration;
					if (parameters.operation === 'sendTemplate') {
						delete parameters.template;
						delete parameters.variables;
					}
					if (parameters.options && typeof parameters.options === 'object') {
						const { sendWithoutQuote: _dropped, ...options } = parameters.options as Record<string, unknown>;
						parameters.options = options;
					}
				}
				return { name: node.name, type: node.type, typeVersion: node.typeVersion, position: node.position, parameters };
			}),
		};
	}

	it('are the same workflow apart from provider, credential, registration and template', () => {
		const meta = exampleFile(name, 'meta').workflow;
		const twilio = exampleFile(name, 'twilio').workflow;
		expect(providerFree(twilio)).toEqual(providerFree(meta));
	});

	it('register the trigger as each provider does by default', () => {
		const triggers = (['meta', 'twilio'] as const).map((provider) => nodesOfType(exampleFile(name, provider).workflow, TRIGGER_TYPE));
		for (const [index, provider] of (['meta', 'twilio'] as const).entries()) {
			for (const trigger of triggers[index]) {
				const parameters = completedParameters(trigger, packageDescription(TRIGGER_TYPE)!);
				if (provider === 'meta') expect(parameters.metaRegistration).toBe('phoneNumber');
				else expect(parameters.twilioRegistration).toBe('sender');
			}
		}
	});
});

describe('what each example does', () => {
	const T = "$('WhatsApp Omni Trigger').item.json";

	it.each(PROVIDERS)('echo-bot (%s): text messages only, answered with "You said: …" to the sender', (provider) => {
		const { workflow } = exampleFile('echo-bot', provider);
		const trigger = nodesOfType(workflow, TRIGGER_TYPE)[0];
		expect(trigger.parameters).toMatchObject({ events: ['messages'], messageTypes: ['text'] });
		const [send] = nodesOfType(workflow, ACTION_TYPE);
		expect(send.parameters).toMatchObject({
			operation: 'sendText',
			to: '={{ $json.contact.id }}',
			text: '=You said: {{ $json.message.text }}',
		});
	});

	it('every recipient taken from the trigger is contact.id, which people without a visible number have too', () => {
		for (const { file, workflow } of examples) {
			for (const node of nodesOfType(workflow, ACTION_TYPE).concat(nodesOfType(workflow, TOOL_TYPE))) {
				const to = node.parameters.to as string | undefined;
				if (to === undefined || !to.includes('contact.')) continue;
				expect({ file, node: node.name, to }).toEqual({ file, node: node.name, to: expect.stringMatching(/\.contact\.id \}\}$/) });
			}
			expect({ file, mentions: JSON.stringify(workflow).includes('contact.phoneNumber') }).toEqual({ file, mentions: false });
		}
	});

	it.each(PROVIDERS)('interactive-menu (%s): every button and list row has its route', (provider) => {
		const { workflow } = exampleFile('interactive-menu', provider);
		expect(nodesOfType(workflow, TRIGGER_TYPE)[0].parameters.messageTypes).toEqual(['text', 'interactive', 'button']);
		const [router] = nodesOfType(workflow, 'n8n-nodes-base.switch');
		const rules = ((router.parameters.rules as { values: Array<{ conditions: { conditions: Array<{ leftValue: string; rightValue: string }> } }> }).values).map(
			(rule) => rule.conditions.conditions[0],
		);
		const routed = (left: string) => rules.filter((c) => c.leftValue === `={{ $json.${left} }}`).map((c) => c.rightValue);
		expect(routed('message.type')).toEqual(['text']);
		expect(routed('message.reply.kind')).toEqual(['list']);

		const sends = nodesOfType(workflow, ACTION_TYPE);
		const buttons = sends.find((n) => n.parameters.interactiveType === 'buttons')!;
		const buttonIds = (buttons.parameters.buttons as { button: Array<{ id: string; title: string }> }).button.map((b) => b.id);
		expect(buttonIds).toHaveLength(3);
		expect(routed('message.reply.id').sort()).toEqual([...buttonIds].sort());

		const list = sends.find((n) => n.parameters.interactiveType === 'list')!;
		const rows = (list.parameters.rows as { row: Array<{ id: string; section: string }> }).row;
		expect(new Set(rows.map((r) => r.section)).size).toBeGreaterThanOrEqual(2);
		for (const row of rows) expect(buttonIds).not.toContain(row.id);
	});

	it('order-notification (meta): order_update|en_US with the name, the order ID and the URL button suffix', () => {
		const { workflow } = exampleFile('order-notification', 'meta');
		const send = nodesOfType(workflow, ACTION_TYPE)[0];
		expect(send.parameters).toMatchObject({ operation: 'sendTemplate', to: '={{ $json.phone }}', template: { __rl: true, mode: 'list', value: 'order_update|en_US' } });
		expect(META_TEMPLATE_SEED.some((t) => t.name === 'order_update' && t.language === 'en_US')).toBe(true);
		expect((send.parameters.variables as { value: object }).value).toEqual({
			'body.1': '={{ $json.name }}',
			'body.2': '={{ $json.orderId }}',
			'button.0.urlSuffix': '={{ $json.orderId }}',
		});
	});

	it('order-notification (twilio): the sandbox’s order_update Content with the name and the order ID', () => {
		const { workflow } = exampleFile('order-notification', 'twilio');
		const send = nodesOfType(workflow, ACTION_TYPE)[0];
		const sid = TWILIO_CONTENT_SEED.find((c) => c.friendly_name === 'order_update')!.sid;
		expect(send.parameters).toMatchObject({ operation: 'sendTemplate', to: '={{ $json.phone }}', template: { __rl: true, mode: 'list', value: sid } });
		expect((send.parameters.variables as { value: object }).value).toEqual({ 'body.1': '={{ $json.name }}', 'body.2': '={{ $json.orderId }}' });
	});

	it.each(PROVIDERS)('order-notification (%s): the order comes from a Set node after a manual trigger', (provider) => {
		const { workflow } = exampleFile('order-notification', provider);
		expect(nodesOfType(workflow, 'n8n-nodes-base.manualTrigger')).toHaveLength(1);
		const [order] = nodesOfType(workflow, 'n8n-nodes-base.set');
		const names = (order.parameters.assignments as { assignments: Array<{ name: string }> }).assignments.map((a) => a.name);
		expect(names).toEqual(['phone', 'name', 'orderId']);
	});

	it.each(PROVIDERS)('support-flow (%s): one straight conversation of Send and Wait questions, routed on the answer’s ID', (provider) => {
		const { workflow } = exampleFile('support-flow', provider);
		expect(nodesOfType(workflow, TRIGGER_TYPE)[0].parameters).toMatchObject({ events: ['messages'], messageTypes: ['text', 'interactive', 'button'] });

		const menu = nodeByName(workflow, 'Ask What They Need');
		expect(menu.parameters).toMatchObject({
			operation: 'sendAndWait',
			to: '={{ $json.contact.id }}',
			interactiveType: 'buttons',
			body: 'Hi, thanks for writing to us! What can we help you with?',
			options: { accept: 'choices', limitWaitTime: { values: { amount: 1, unit: 'hours' } }, reprompt: expect.stringMatching(/^Please tap one of the buttons/) },
		});
		const buttons = (menu.parameters.buttons as { button: Array<{ id: string; title: string }> }).button;
		expect(buttons).toEqual([
			{ title: 'Order status', id: 'order_status' },
			{ title: 'Returns', id: 'returns' },
			{ title: 'Something else', id: 'other' },
		]);

		// Every choice and the time-out have a route, and the routes lead where the sticky note says.
		const router = nodeByName(workflow, 'Route by Topic');
		const rules = switchRules(router);
		expect(rules.map((rule) => rule.leftValue)).toEqual(['={{ $json.timedOut }}', ...buttons.map(() => '={{ $json.answer.id }}')]);
		expect(rules.slice(1).map((rule) => rule.rightValue)).toEqual(buttons.map((b) => b.id));
		expect(rules[0].operator).toEqual({ type: 'boolean', operation: 'true', singleValue: true });
		expect(targets(workflow, router.name)).toEqual([['No Answer'], ['Ask for the Order Number'], ['Ask for the Order Number'], ['Ask What It Is About']]);

		for (const name of ['Ask for the Order Number', 'Ask What It Is About']) {
			const question = nodeByName(workflow, name);
			expect(question.parameters).toMatchObject({ operation: 'sendAndWait', to: `={{ ${T}.contact.id }}`, interactiveType: 'text', options: { limitWaitTime: { values: { amount: 1, unit: 'hours' } } } });
			expect(targets(workflow, name)).toEqual([['Got the Details?']]);
		}
		expect(switchRules(nodeByName(workflow, 'Got the Details?')).map((rule) => rule.leftValue)).toEqual(['={{ $json.answer !== undefined }}', '={{ $json.timedOut }}']);
		expect(targets(workflow, 'Got the Details?')).toEqual([['Hand Over to a Person'], ['No Answer']]);
		for (const name of ['Hand Over to a Person', 'No Answer']) {
			expect(nodeByName(workflow, name).parameters).toMatchObject({ operation: 'sendText', to: `={{ ${T}.contact.id }}` });
		}
		expect(nodesOfType(workflow, STICKY_TYPE).map((note) => String(note.parameters.content)).join('\n')).toMatch(/this workflow's own WhatsApp Omni Trigger/);
	});

	it.each(PROVIDERS)('onboarding-sequence (%s): a Webhook starts it, the flow state carries it over a day’s Wait, STOP on the trigger ends it', (provider) => {
		const { workflow } = exampleFile('onboarding-sequence', provider);
		const W = "$('Start Onboarding').item.json.body";
		const webhook = nodeByName(workflow, 'Start Onboarding');
		expect(webhook).toMatchObject({ type: 'n8n-nodes-base.webhook', parameters: { httpMethod: 'POST', path: 'start-onboarding' }, webhookId: expect.stringMatching(UUID) });
		expect(nodeByName(workflow, 'Send Welcome').parameters).toMatchObject({ operation: 'sendTemplate', to: '={{ $json.body.phone }}' });

		const start = nodeByName(workflow, 'Start the Sequence');
		expect(start.parameters).toMatchObject({ operation: 'setState', contact: `={{ ${W}.phone }}`, mode: 'replace' });
		expect(String(start.parameters.state)).toBe('={\n  "step": 1,\n  "startedAt": "{{ $now.toISO() }}"\n}');
		const wait = nodeByName(workflow, 'Wait a Day');
		expect(wait).toMatchObject({ type: 'n8n-nodes-base.wait', parameters: { amount: 1, unit: 'days' }, webhookId: expect.stringMatching(UUID) });
		// The state outlives the wait, so the check after it finds it.
		expect((start.parameters.options as { expiresIn: number }).expiresIn).toBeGreaterThan(24 * 60);

		expect(nodeByName(workflow, 'Read the State').parameters).toMatchObject({ operation: 'getState', contact: `={{ ${W}.phone }}` });
		const still = (nodeByName(workflow, 'Still in the Sequence?').parameters.conditions as { conditions: Array<{ leftValue: string; rightValue: unknown }> }).conditions;
		expect(still.map(({ leftValue, rightValue }) => [leftValue, rightValue])).toEqual([
			['={{ $json.found }}', ''],
			['={{ $json.state.step }}', 1],
		]);
		expect(targets(workflow, 'Still in the Sequence?')).toEqual([['Send the Day-2 Message'], []]);
		expect(nodeByName(workflow, 'Send the Day-2 Message').parameters).toMatchObject({ operation: 'sendTemplate', to: `={{ ${W}.phone }}` });
		expect(nodeByName(workflow, 'End the Sequence').parameters).toMatchObject({ operation: 'clearState', contact: `={{ ${W}.phone }}` });

		expect(nodesOfType(workflow, TRIGGER_TYPE)[0].parameters).toMatchObject({ events: ['messages'], messageTypes: ['text'] });
		const stop = nodeByName(workflow, 'Is It STOP?').parameters.conditions as { options: { caseSensitive: boolean }; conditions: Array<{ leftValue: string; rightValue: string }> };
		expect(stop.options.caseSensitive).toBe(false);
		expect(stop.conditions.map(({ leftValue, rightValue }) => [leftValue, rightValue])).toEqual([['={{ $json.message.text.trim() }}', 'STOP']]);
		expect(nodeByName(workflow, 'Stop the Sequence').parameters).toMatchObject({ operation: 'clearState', contact: '={{ $json.contact.id }}' });
		expect(nodeByName(workflow, 'Confirm the Opt-Out').parameters).toMatchObject({ operation: 'sendText', to: `={{ ${T}.contact.id }}` });
	});

	it('onboarding-sequence (meta): hello_world on day 1, promo_image on day 2 (approved sandbox templates)', () => {
		const { workflow } = exampleFile('onboarding-sequence', 'meta');
		const template = (name: string) => (nodeByName(workflow, name).parameters.template as { value: string }).value;
		expect([template('Send Welcome'), template('Send the Day-2 Message')]).toEqual(['hello_world|en_US', 'promo_image|en_US']);
		for (const ref of ['hello_world|en_US', 'promo_image|en_US']) {
			const [name, language] = ref.split('|');
			expect(META_TEMPLATE_SEED.find((t) => t.name === name && t.language === language)?.status).toBe('APPROVED');
		}
		expect((nodeByName(workflow, 'Send the Day-2 Message').parameters.variables as { value: object }).value).toEqual({
			'header.media': 'https://example.com/media/welcome-offer.png',
			'body.1': '25%',
			'button.2.couponCode': 'WELCOME25',
		});
	});

	it('onboarding-sequence (twilio): welcome_media with the name on day 1, filler_text_01 on day 2 (approved sandbox contents)', () => {
		const { workflow } = exampleFile('onboarding-sequence', 'twilio');
		const content = (name: string) => TWILIO_CONTENT_SEED.find((c) => c.friendly_name === name)!;
		const welcome = nodeByName(workflow, 'Send Welcome').parameters;
		expect((welcome.template as { value: string }).value).toBe(content('welcome_media').sid);
		expect((welcome.variables as { value: object }).value).toEqual({ 'body.1': '={{ $json.body.name }}' });
		expect((nodeByName(workflow, 'Send the Day-2 Message').parameters.template as { value: string }).value).toBe(content('filler_text_01').sid);
		for (const name of ['welcome_media', 'filler_text_01']) expect(content(name).approval?.status).toBe('approved');
	});

	it('after a wait, no node reads the contact from $json (it is the answer or the timed-out item then): recipients come from the trigger or the start', () => {
		for (const { file, workflow } of examples) {
			const waits = workflow.nodes.filter((node) => node.parameters.operation === 'sendAndWait' || node.type === 'n8n-nodes-base.wait');
			for (const name of new Set(waits.flatMap((node) => downstream(workflow, node.name)))) {
				const { to, contact } = nodeByName(workflow, name).parameters as { to?: string; contact?: string };
				for (const value of [to, contact].filter((v) => v !== undefined)) {
					expect({ file, node: name, value }).toEqual({ file, node: name, value: expect.not.stringContaining('$json.') });
				}
			}
		}
	});

	it('a trigger in front of a Send and Wait with buttons or a list lets the taps in: it hands over only what its filters let in', () => {
		for (const { file, workflow } of examples) {
			const choices = workflow.nodes.some((node) => node.parameters.operation === 'sendAndWait' && node.parameters.interactiveType !== 'text');
			if (!choices) continue;
			for (const trigger of nodesOfType(workflow, TRIGGER_TYPE)) {
				const types = (trigger.parameters.messageTypes as string[] | undefined) ?? [];
				if (types.length > 0) expect({ file, types }).toEqual({ file, types: expect.arrayContaining(['interactive', 'button']) });
			}
		}
	});
	it.each(PROVIDERS)('ai-agent (%s): agent with a chat model and the WhatsApp Omni tool, no model credential', (provider) => {
		const { workflow } = exampleFile('ai-agent', provider);
		const [agent] = nodesOfType(workflow, '@n8n/n8n-nodes-langchain.agent');
		expect(agent.typeVersion).toBe(3.1);
		expect(agent.parameters).toMatchObject({ promptType: 'define', text: '={{ $json.message.text }}' });

		const [model] = nodesOfType(workflow, '@n8n/n8n-nodes-langchain.lmChatOpenAi');
		expect(model.credentials).toBeUndefined();
		expect(workflow.connections[model.name]).toEqual({ ai_languageModel: [[{ node: agent.name, type: 'ai_languageModel', index: 0 }]] });

		const [tool] = nodesOfType(workflow, TOOL_TYPE);
		expect(tool.parameters).toMatchObject({
			operation: 'sendText',
			to: `={{ ${T}.contact.id }}`,
			text: expect.stringMatching(/^=\{\{ \$fromAI\('text', '[^']+', 'string'\) \}\}$/),
		});
		expect(workflow.connections[tool.name]).toEqual({ ai_tool: [[{ node: agent.name, type: 'ai_tool', index: 0 }]] });
		expect(String((agent.parameters.options as { systemMessage?: string }).systemMessage)).toContain(tool.name);
	});

	it.each(PROVIDERS)('ai-agent (%s): Chat Completions (any OpenAI-compatible server, the sandbox’s stand-in), memory per contact, read receipt with typing first', (provider) => {
		const { workflow } = exampleFile('ai-agent', provider);
		const [agent] = nodesOfType(workflow, '@n8n/n8n-nodes-langchain.agent');
		// The Responses API is OpenAI's own; Chat Completions is what OpenAI-compatible servers speak.
		const [model] = nodesOfType(workflow, '@n8n/n8n-nodes-langchain.lmChatOpenAi');
		expect(model.typeVersion).toBe(1.3);
		expect(model.parameters.responsesApiEnabled).toBe(false);

		// One conversation per person: the memory's key is the sender's contact.id.
		const [memory] = nodesOfType(workflow, '@n8n/n8n-nodes-langchain.memoryBufferWindow');
		expect(memory.parameters).toMatchObject({ sessionIdType: 'customKey', sessionKey: `={{ ${T}.contact.id }}` });
		expect(workflow.connections[memory.name]).toEqual({ ai_memory: [[{ node: agent.name, type: 'ai_memory', index: 0 }]] });

		// Mark as Read with the typing indicator runs first (top branch: n8n's v1 order runs the
		// higher node first) and never stops the answer.
		const [read] = nodesOfType(workflow, ACTION_TYPE);
		expect(read.parameters).toMatchObject({ operation: 'markAsRead', messageId: '={{ $json.id }}', options: { typingIndicator: true } });
		expect(read.onError).toBe('continueRegularOutput');
		expect(targets(workflow, 'WhatsApp Omni Trigger')).toEqual([[read.name, agent.name]]);
		expect(read.position[1]).toBeLessThan(agent.position[1]);

		const note = String(nodesOfType(workflow, STICKY_TYPE)[0].parameters.content);
		expect(note).toMatch(/Simple Memory/);
		expect(note).toContain('contact.id');
		expect(note).toMatch(/typing/);
		expect(note).toMatch(/stand-in/);
	});
});

describe('examples/README.md', () => {
	const readme = path.join(EXAMPLES_DIR, 'README.md');

	it('exists and has a paragraph on every example, naming its files', () => {
		expect(existsSync(readme)).toBe(true);
		const text = readFileSync(readme, 'utf8');
		for (const name of EXAMPLE_NAMES) {
			expect(text).toContain(`${name}.meta.json`);
			expect(text).toContain(`${name}.twilio.json`);
		}
	});
});

/** The checks above must be able to fail: they do on broken copies of an example. */
describe('the checks catch broken examples', () => {
	const original = (): Example => exampleFile('support-flow', 'meta');
	const omni = (example: Example, name: string) => nodeByName(example.workflow, name);

	it('a missing required value', () => {
		const example = original();
		omni(example, 'Ask What They Need').parameters.body = '';
		expect(parameterIssues(omni(example, 'Ask What They Need'), packageDescription(ACTION_TYPE)!)).toEqual({
			parameters: { body: [expect.stringContaining('Message')] },
		});
	});

	it('a misspelt or misplaced parameter', () => {
		const example = original();
		const node = omni(example, 'Ask What They Need');
		node.parameters.Body = node.parameters.body;
		(node.parameters.options as Record<string, unknown>).typingIndicator = true;
		node.parameters.rows = { row: [{ title: 'Returns', id: 'returns' }] };
		expect(droppedParameters(node, packageDescription(ACTION_TYPE)!).sort()).toEqual(['Body', 'options.typingIndicator', 'rows']);
	});

	it('a template given in the wrong form', () => {
		const example = exampleFile('order-notification', 'twilio');
		const node = nodesOfType(example.workflow, ACTION_TYPE)[0];
		node.parameters.template = { __rl: true, mode: 'id', value: 'order_update|en_US' };
		expect(parameterIssues(node, packageDescription(ACTION_TYPE)!)?.parameters?.template).toEqual([expect.stringContaining('Content SID')]);
	});

	it('a tool parameter the tool does not have', () => {
		const example = exampleFile('ai-agent', 'meta');
		const node = nodesOfType(example.workflow, TOOL_TYPE)[0];
		expect(droppedParameters(node, packageDescription(TOOL_TYPE)!)).toEqual([]);
		expect(droppedParameters(node, packageDescription(ACTION_TYPE)!)).toEqual(['descriptionType', 'toolDescription']);
		node.parameters.descriptionType = 'auto';
		expect(droppedParameters(node, packageDescription(TOOL_TYPE)!)).toEqual(['toolDescription']);
	});

	it('an expression naming a node that is not there', () => {
		expect(referencedNodeNames({ a: "={{ $('WhatsApp Omni Trigger').item.json.id }}", b: '={{ $node["Order"].json.phone }}' })).toEqual([
			'WhatsApp Omni Trigger',
			'Order',
		]);
	});
});
