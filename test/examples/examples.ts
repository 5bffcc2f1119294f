/**
 * The example workflows in examples/ as n8n would import them, and the node descriptions their
 * nodes of this package are checked against.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import {
	deepCopy,
	NodeHelpers,
	type IConnections,
	type INode,
	type INodeIssues,
	type INodeParameters,
	type INodeProperties,
	type INodeTypeDescription,
	type IWorkflowSettings,
} from 'n8n-workflow';

import { WhatsAppOmni } from '../../nodes/WhatsAppOmni/WhatsAppOmni.node';
import { WhatsAppOmniTrigger } from '../../nodes/WhatsAppOmni/WhatsAppOmniTrigger.node';

export const EXAMPLES_DIR = path.resolve(__dirname, '../../examples');

export const PACKAGE = 'n8n-nodes-whatsapp-omni';
export const ACTION_TYPE = `${PACKAGE}.whatsAppOmni`;
export const TRIGGER_TYPE = `${PACKAGE}.whatsAppOmniTrigger`;
/** The type n8n derives from the action node because it is `usableAsTool`. */
export const TOOL_TYPE = `${PACKAGE}.whatsAppOmniTool`;
export const STICKY_TYPE = 'n8n-nodes-base.stickyNote';

export type Provider = 'meta' | 'twilio';
export const PROVIDERS: Provider[] = ['meta', 'twilio'];
export const CREDENTIAL_TYPES: Record<Provider, string> = {
	meta: 'whatsAppOmniMetaApi',
	twilio: 'whatsAppOmniTwilioApi',
};

/** The examples, each with a file per provider. */
export const EXAMPLE_NAMES = ['echo-bot', 'interactive-menu', 'order-notification', 'support-flow', 'onboarding-sequence', 'ai-agent', 'mcp-server'] as const;
export type ExampleName = (typeof EXAMPLE_NAMES)[number];

export interface ExampleWorkflow {
	name: string;
	nodes: INode[];
	connections: IConnections;
	settings: IWorkflowSettings;
	pinData: Record<string, unknown>;
	[key: string]: unknown;
}

export interface Example {
	file: string;
	/** The part before the provider, e.g. `echo-bot`. */
	example: string;
	provider: Provider;
	workflow: ExampleWorkflow;
}

/** Every `<example>.<provider>.json` file in examples/. */
export function exampleFiles(): string[] {
	return readdirSync(EXAMPLES_DIR)
		.filter((file) => file.endsWith('.json'))
		.sort();
}

export function loadExample(file: string): Example {
	const match = /^(.+)\.(meta|twilio)\.json$/.exec(file);
	if (!match) throw new Error(`${file}: example files are named <example>.<meta|twilio>.json`);
	const workflow = JSON.parse(readFileSync(path.join(EXAMPLES_DIR, file), 'utf8')) as ExampleWorkflow;
	return { file, example: match[1], provider: match[2] as Provider, workflow };
}

export function exampleFile(example: ExampleName, provider: Provider): Example {
	return loadExample(`${example}.${provider}.json`);
}

export function nodeByName(workflow: ExampleWorkflow, name: string): INode {
	const node = workflow.nodes.find((n) => n.name === name);
	if (!node) throw new Error(`No node "${name}" in workflow "${workflow.name}"`);
	return node;
}

export function nodesOfType(workflow: ExampleWorkflow, type: string): INode[] {
	return workflow.nodes.filter((n) => n.type === type);
}

/**
 * The description n8n gives the tool variant of a `usableAsTool` node when it loads the package
 * (n8n 2.41 does so for community packages too): the node's own, renamed with a `Tool` suffix,
 * with an `ai_tool` output and two properties in front (there is no callout before them):
 * "Tool Description" (`descriptionType`, auto or manual) and "Description" (`toolDescription`,
 * required, shown when manual). Written after what n8n's loader does, not taken from its code.
 */
export function toolDescriptionOf(description: INodeTypeDescription): INodeTypeDescription {
	const tool = deepCopy(description);
	tool.name = `${description.name}Tool`;
	tool.displayName = `${description.displayName} Tool`;
	tool.inputs = [];
	tool.outputs = ['ai_tool'];
	delete tool.usableAsTool;
	const added: INodeProperties[] = [
		{
			displayName: 'Tool Description',
			name: 'descriptionType',
			type: 'options',
			noDataExpression: true,
			options: [
				{ name: 'Set Automatically', value: 'auto' },
				{ name: 'Set Manually', value: 'manual' },
			],
			default: 'auto',
		},
		{
			displayName: 'Description',
			name: 'toolDescription',
			type: 'string',
			default: description.description,
			required: true,
			displayOptions: { show: { descriptionType: ['manual'] } },
		},
	];
	tool.properties = [...added, ...tool.properties];
	return tool;
}

const actionDescription = new WhatsAppOmni().description;
const triggerDescription = new WhatsAppOmniTrigger().description;
const toolDescription = toolDescriptionOf(actionDescription);

/** The description of a node of this package, or undefined for any other node. */
export function packageDescription(type: string): INodeTypeDescription | undefined {
	if (type === ACTION_TYPE) return actionDescription;
	if (type === TRIGGER_TYPE) return triggerDescription;
	if (type === TOOL_TYPE) return toolDescription;
	return undefined;
}

/** The node's parameters completed with their defaults, as n8n does when it loads a workflow. */
export function completedParameters(node: INode, description: INodeTypeDescription): INodeParameters {
	return NodeHelpers.getNodeParameters(description.properties, node.parameters, true, false, node, description) ?? {};
}

/** What n8n's editor would flag on the node (missing required values, bad resource locators…). */
export function parameterIssues(node: INode, description: INodeTypeDescription): INodeIssues | null {
	return NodeHelpers.getNodeParametersIssues(description.properties, { ...node, parameters: completedParameters(node, description) }, description);
}

/**
 * Paths of parameters the node sets that n8n would drop when it loads the workflow: names the
 * description does not have, or that are not shown with the node's other values.
 */
export function droppedParameters(node: INode, description: INodeTypeDescription): string[] {
	return droppedPaths(node.parameters, completedParameters(node, description), '');
}

function droppedPaths(given: unknown, kept: unknown, prefix: string): string[] {
	if (Array.isArray(given)) {
		const keptArray = Array.isArray(kept) ? kept : [];
		return given.flatMap((value, index) =>
			index < keptArray.length ? droppedPaths(value, keptArray[index], `${prefix}${index}.`) : [`${prefix}${index}`],
		);
	}
	if (given === null || typeof given !== 'object') return [];
	const keptObject = kept !== null && typeof kept === 'object' ? (kept as Record<string, unknown>) : {};
	return Object.entries(given as Record<string, unknown>).flatMap(([key, value]) =>
		key in keptObject ? droppedPaths(value, keptObject[key], `${prefix}${key}.`) : [`${prefix}${key}`],
	);
}

/** Names of the nodes the parameters' expressions refer to with `$('…')` or `$node['…']`. */
export function referencedNodeNames(parameters: INodeParameters): string[] {
	const text = JSON.stringify(parameters);
	const names = new Set<string>();
	// In the JSON text quotes inside strings are escaped: \" — both quote kinds are matched.
	const patterns = [/\$\(\s*(?:'([^']+)'|\\"(.+?)\\")\s*\)/g, /\$node\[\s*(?:'([^']+)'|\\"(.+?)\\")\s*\]/g];
	for (const pattern of patterns) {
		for (const match of text.matchAll(pattern)) names.add(match[1] ?? match[2]);
	}
	return [...names];
}
