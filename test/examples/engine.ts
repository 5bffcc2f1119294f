/**
 * Runs an example workflow on n8n's own engine (`WorkflowExecute` from n8n-core), in-process,
 * with this package's real nodes. n8n-nodes-base is not a dependency of this package, so its
 * nodes the examples use are small stand-ins that do what those nodes do for the parameters the
 * examples set, and refuse any other parameter rather than guess:
 * - Manual Trigger: passes the given items on.
 * - Switch (rules mode): each item goes to the first rule whose conditions hold. The conditions
 *   are n8n filter parameters, evaluated by n8n-core itself (getNodeParameter with
 *   extractValue), as the real Switch does.
 * - Edit Fields (Set, manual mapping): one item per input item with the assigned fields only.
 * The trigger is this package's real trigger node: n8n-core passes a webhook node's data on, the
 * way a webhook-started execution begins.
 */
import {
	NodeConnectionTypes,
	type ICredentialDataDecryptedObject,
	type IDataObject,
	type IExecuteFunctions,
	type INode,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type INodeTypes,
	type IRun,
	type IWorkflowBase,
} from 'n8n-workflow';

import { runWorkflow } from '../workflows/harness';

import { WhatsAppOmni } from '../../nodes/WhatsAppOmni/WhatsAppOmni.node';
import { WhatsAppOmniTrigger } from '../../nodes/WhatsAppOmni/WhatsAppOmniTrigger.node';
import { ACTION_TYPE, TRIGGER_TYPE, type ExampleWorkflow } from './examples';

const standIn = (name: string, properties: INodeTypeDescription['properties'], outputs: number, inputs = true) =>
	({
		displayName: name,
		name,
		group: ['transform'],
		version: [1, 3.2, 3.4],
		description: `Stand-in for n8n-nodes-base.${name}`,
		defaults: { name },
		inputs: inputs ? [NodeConnectionTypes.Main] : [],
		outputs: Array.from({ length: outputs }, () => NodeConnectionTypes.Main),
		properties,
	}) as INodeTypeDescription;

function refuse(node: INode, name: string, value: unknown, allowed: unknown[]) {
	if (!allowed.some((a) => JSON.stringify(a) === JSON.stringify(value))) {
		throw new Error(`The stand-in for ${node.type} does not model ${name} = ${JSON.stringify(value)} (node "${node.name}")`);
	}
}

class ManualTriggerStandIn implements INodeType {
	description = standIn('manualTrigger', [], 1, false);

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [this.getInputData()];
	}
}

const MAX_RULES = 10;

class SwitchStandIn implements INodeType {
	description = standIn(
		'switch',
		[
			{ displayName: 'Mode', name: 'mode', type: 'options', options: [{ name: 'Rules', value: 'rules' }], default: 'rules' },
			{
				displayName: 'Routing Rules',
				name: 'rules',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true },
				default: {},
				options: [
					{
						name: 'values',
						displayName: 'Routing Rule',
						values: [
							{ displayName: 'Conditions', name: 'conditions', type: 'filter', default: {} },
							{ displayName: 'Rename Output', name: 'renameOutput', type: 'boolean', default: false },
							{ displayName: 'Output Name', name: 'outputKey', type: 'string', default: '' },
						],
					},
				],
			},
			{ displayName: 'Options', name: 'options', type: 'collection', default: {}, options: [] },
		],
		MAX_RULES,
	);

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const node = this.getNode();
		refuse(node, 'mode', node.parameters.mode ?? 'rules', ['rules']);
		refuse(node, 'options', node.parameters.options ?? {}, [{}]);
		const rules = this.getNodeParameter('rules.values', 0, []) as IDataObject[];
		const outputs: INodeExecutionData[][] = rules.map(() => []);
		this.getInputData().forEach((item, itemIndex) => {
			for (let rule = 0; rule < rules.length; rule++) {
				if (this.getNodeParameter(`rules.values[${rule}].conditions`, itemIndex, false, { extractValue: true }) === true) {
					outputs[rule].push({ json: item.json, pairedItem: { item: itemIndex } });
					break;
				}
			}
		});
		return outputs;
	}
}

class SetStandIn implements INodeType {
	description = standIn(
		'set',
		[
			{ displayName: 'Mode', name: 'mode', type: 'options', options: [{ name: 'Manual Mapping', value: 'manual' }], default: 'manual' },
			{ displayName: 'Fields to Set', name: 'assignments', type: 'assignmentCollection', default: {} },
			{ displayName: 'Options', name: 'options', type: 'collection', default: {}, options: [] },
		],
		1,
	);

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const node = this.getNode();
		refuse(node, 'mode', node.parameters.mode ?? 'manual', ['manual']);
		refuse(node, 'includeOtherFields', node.parameters.includeOtherFields ?? false, [false]);
		refuse(node, 'options', node.parameters.options ?? {}, [{}]);
		return [
			this.getInputData().map((_item, itemIndex) => {
				const assignments = this.getNodeParameter('assignments.assignments', itemIndex, []) as Array<{ name: string; value: unknown; type: string }>;
				const json: IDataObject = {};
				for (const assignment of assignments) {
					refuse(node, 'assignment type', assignment.type, ['string']);
					json[assignment.name] = String(assignment.value);
				}
				return { json, pairedItem: { item: itemIndex } };
			}),
		];
	}
}

class ExampleNodeTypes implements INodeTypes {
	private readonly types: Record<string, INodeType> = {
		'n8n-nodes-base.manualTrigger': new ManualTriggerStandIn(),
		'n8n-nodes-base.switch': new SwitchStandIn(),
		'n8n-nodes-base.set': new SetStandIn(),
		[ACTION_TYPE]: new WhatsAppOmni(),
		[TRIGGER_TYPE]: new WhatsAppOmniTrigger(),
	};

	getByName(name: string) {
		return this.getByNameAndVersion(name);
	}

	getByNameAndVersion(name: string): INodeType {
		const type = this.types[name];
		if (!type) throw new Error(`The example engine has no node type ${name}`);
		return type;
	}

	getKnownTypes() {
		return {};
	}
}

export interface ExampleRun {
	run: IRun;
	error: IRun['data']['resultData']['error'];
	/** Names of the nodes that ran, in the order they first ran. */
	ran: string[];
	/** Output items of a node's first run, first output. */
	output(nodeName: string): INodeExecutionData[];
}

const nodeTypes = new ExampleNodeTypes();

/**
 * Runs the workflow from its trigger (this package's or the Manual Trigger), which emits `items`.
 * Sticky notes are left out, as n8n never runs them.
 */
export async function runExample(
	workflowData: ExampleWorkflow,
	items: INodeExecutionData[],
	credentials: Record<string, ICredentialDataDecryptedObject>,
): Promise<ExampleRun> {
	const nodes = workflowData.nodes.filter((node) => node.type !== 'n8n-nodes-base.stickyNote');
	const start = nodes.find((node) => node.type === TRIGGER_TYPE || node.type === 'n8n-nodes-base.manualTrigger');
	if (!start) throw new Error(`"${workflowData.name}" has no trigger the example engine can start`);
	const result = await runWorkflow({ ...workflowData, nodes } as unknown as IWorkflowBase, {
		credentials,
		input: items,
		nodeTypes,
		startNode: start.name,
	});
	const runData = result.run.data.resultData.runData;
	return {
		...result,
		ran: Object.keys(runData).sort((a, b) => (runData[a][0].startTime ?? 0) - (runData[b][0].startTime ?? 0)),
	};
}
