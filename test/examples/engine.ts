/**
 * Runs an example workflow on n8n's own engine (`WorkflowExecute` from n8n-core), in-process,
 * with this package's real nodes. n8n-nodes-base is not a dependency of this package, so its
 * nodes the examples use are small stand-ins that do what those nodes do for the parameters the
 * examples set, and refuse any other parameter rather than guess:
 * - Manual Trigger and Webhook (POST, respond immediately): pass the given items on, the way a
 *   webhook-started execution begins with the request as its item.
 * - Switch (rules mode): each item goes to the first rule whose conditions hold. The conditions
 *   are n8n filter parameters, evaluated by n8n-core itself (getNodeParameter with
 *   extractValue), as the real Switch does.
 * - If: each item goes to the true or the false output by its conditions, evaluated the same way.
 * - Edit Fields (Set, manual mapping): one item per input item with the assigned fields only.
 * - Wait (after a time interval of 65 s or more): puts the execution to wait until then and
 *   passes its input on, as the real node does for waits it does not sleep through.
 * The trigger is this package's real trigger node: n8n-core passes a webhook node's data on, the
 * way a webhook-started execution begins.
 *
 * A run that ends waiting (Send and Wait for Response, Wait) can be resumed with resumeExample,
 * the two ways n8n resumes one: with the waiting node's webhook (n8n's waiting-webhook handler
 * runs the node's webhook method on the request, disables the node and runs the execution on with
 * the webhook's output in its place), or because the wait time ran out (n8n's wait tracker runs
 * the saved execution again; n8n-core's WorkflowExecute then disables the waiting node, which
 * passes the input it was left with on). In between, the saved execution goes through JSON, as n8n
 * stores it in its database and reads it back.
 */
import { mock } from 'jest-mock-extended';
import { ExecutionLifecycleHooks, WebhookContext, WorkflowExecute } from 'n8n-core';
import {
	NodeConnectionTypes,
	Workflow,
	createRunExecutionData,
	type ICredentialDataDecryptedObject,
	type ICredentialsHelper,
	type IDataObject,
	type IExecuteFunctions,
	type INode,
	type INodeCredentialsDetails,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type INodeTypes,
	type IRun,
	type IRunExecutionData,
	type IWebhookData,
	type IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

import { WhatsAppOmni } from '../../nodes/WhatsAppOmni/WhatsAppOmni.node';
import { WhatsAppOmniTrigger } from '../../nodes/WhatsAppOmni/WhatsAppOmniTrigger.node';
import { ACTION_TYPE, STICKY_TYPE, TRIGGER_TYPE, type ExampleWorkflow } from './examples';

const standIn = (name: string, properties: INodeTypeDescription['properties'], outputs: number, inputs = true) =>
	({
		displayName: name,
		name,
		group: ['transform'],
		version: [1, 1.1, 2, 2.2, 3.2, 3.4],
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

/** n8n's Webhook node as an execution's start: the test's items are the request it received. */
class WebhookStandIn implements INodeType {
	description = standIn(
		'webhook',
		[
			{ displayName: 'HTTP Method', name: 'httpMethod', type: 'options', options: [{ name: 'POST', value: 'POST' }], default: 'GET' },
			{ displayName: 'Path', name: 'path', type: 'string', default: '' },
			{ displayName: 'Options', name: 'options', type: 'collection', default: {}, options: [] },
		],
		1,
		false,
	);

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const node = this.getNode();
		refuse(node, 'httpMethod', node.parameters.httpMethod, ['POST']);
		refuse(node, 'authentication', node.parameters.authentication ?? 'none', ['none']);
		refuse(node, 'responseMode', node.parameters.responseMode ?? 'onReceived', ['onReceived']);
		refuse(node, 'options', node.parameters.options ?? {}, [{}]);
		if (typeof node.parameters.path !== 'string' || node.parameters.path === '') throw new Error(`The Webhook "${node.name}" has no path`);
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

class IfStandIn implements INodeType {
	description = standIn(
		'if',
		[
			{ displayName: 'Conditions', name: 'conditions', type: 'filter', default: {} },
			{ displayName: 'Options', name: 'options', type: 'collection', default: {}, options: [] },
		],
		2,
	);

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const node = this.getNode();
		refuse(node, 'looseTypeValidation', node.parameters.looseTypeValidation ?? false, [false]);
		refuse(node, 'options', node.parameters.options ?? {}, [{}]);
		const outputs: INodeExecutionData[][] = [[], []];
		this.getInputData().forEach((item, itemIndex) => {
			const pass = this.getNodeParameter('conditions', itemIndex, false, { extractValue: true }) === true;
			outputs[pass ? 0 : 1].push({ json: item.json, pairedItem: { item: itemIndex } });
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

const UNIT_MS: Record<string, number> = { seconds: 1000, minutes: 60_000, hours: 3_600_000, days: 86_400_000 };
/** Shorter waits the real Wait node sleeps through in the process instead of saving the execution. */
const SLEEP_LIMIT_MS = 65_000;

class WaitStandIn implements INodeType {
	description = standIn(
		'wait',
		[
			{ displayName: 'Resume', name: 'resume', type: 'options', options: [{ name: 'After Time Interval', value: 'timeInterval' }], default: 'timeInterval' },
			{ displayName: 'Wait Amount', name: 'amount', type: 'number', default: 1 },
			{
				displayName: 'Wait Unit',
				name: 'unit',
				type: 'options',
				options: Object.keys(UNIT_MS).map((value) => ({ name: value, value })),
				default: 'hours',
			},
		],
		1,
	);

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const node = this.getNode();
		refuse(node, 'resume', node.parameters.resume ?? 'timeInterval', ['timeInterval']);
		const ms = (this.getNodeParameter('amount', 0) as number) * UNIT_MS[this.getNodeParameter('unit', 0) as string];
		if (!(ms >= SLEEP_LIMIT_MS)) throw new Error(`The stand-in for ${node.type} models waits of 65 s or more only (node "${node.name}")`);
		await this.putExecutionToWait(new Date(Date.now() + ms));
		return [this.getInputData()];
	}
}

class ExampleNodeTypes implements INodeTypes {
	private readonly types: Record<string, INodeType> = {
		'n8n-nodes-base.manualTrigger': new ManualTriggerStandIn(),
		'n8n-nodes-base.webhook': new WebhookStandIn(),
		'n8n-nodes-base.switch': new SwitchStandIn(),
		'n8n-nodes-base.if': new IfStandIn(),
		'n8n-nodes-base.set': new SetStandIn(),
		'n8n-nodes-base.wait': new WaitStandIn(),
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
	/** Names of the nodes that ran, in the order they first ran (a resumed run includes the runs before). */
	ran: string[];
	/** Output items of a node's last run, first output. */
	output(nodeName: string): INodeExecutionData[];
	/** When the execution waits (it ended waiting): until when; WAIT_INDEFINITELY for no limit. */
	waitTill: Date | undefined;
	/** The node it waits in. */
	waitingIn: string | undefined;
	/** What resumeExample needs to run it on. */
	workflow: ExampleWorkflow;
	credentials: Record<string, ICredentialDataDecryptedObject>;
}

const nodeTypes = new ExampleNodeTypes();
const EXECUTION_ID = 'example-execution';
const BASE = 'http://localhost:5678';

function workflowOf(workflowData: ExampleWorkflow): Workflow {
	return new Workflow({
		id: 'example-workflow',
		nodes: workflowData.nodes,
		connections: workflowData.connections,
		nodeTypes,
		settings: workflowData.settings,
		active: true,
	});
}

/** What n8n hands the engine and the nodes: credentials, URLs, hooks (the rest is a mock). */
function additionalDataFor(credentials: Record<string, ICredentialDataDecryptedObject>, extra: Partial<IWorkflowExecuteAdditionalData> = {}) {
	const credentialsHelper = mock<ICredentialsHelper>();
	credentialsHelper.getDecrypted.mockImplementation(async (_data: IWorkflowExecuteAdditionalData, _details: INodeCredentialsDetails, type: string) => {
		const found = credentials[type];
		if (!found) throw new Error(`No test credentials for ${type}`);
		return { ...found };
	});
	credentialsHelper.getParentTypes.mockReturnValue([]);
	credentialsHelper.isCredentialUsableByNode.mockReturnValue(true);
	const overrides = {
		currentNodeParameters: undefined,
		// Unset, or the mock would hand the engine a function where it expects encrypted data.
		encryptedRunnerIdentity: undefined,
		executionId: EXECUTION_ID,
		instanceBaseUrl: `${BASE}/`,
		restApiUrl: `${BASE}/rest`,
		webhookBaseUrl: `${BASE}/webhook`,
		webhookTestBaseUrl: `${BASE}/webhook-test`,
		webhookWaitingBaseUrl: `${BASE}/webhook-waiting`,
		formWaitingBaseUrl: `${BASE}/form-waiting`,
		...extra,
	};
	// Cast: the deep-partial type of this interface is too deep for the compiler.
	const additionalData = mock<IWorkflowExecuteAdditionalData>(overrides as never);
	additionalData.credentialsHelper = credentialsHelper;
	return additionalData;
}

/** Runs (or runs on) the execution `data` describes, until it finishes or waits. */
async function execute(
	workflowData: ExampleWorkflow,
	data: IRunExecutionData,
	credentials: Record<string, ICredentialDataDecryptedObject>,
): Promise<ExampleRun> {
	const workflow = workflowOf(workflowData);
	const additionalData = additionalDataFor(credentials);
	const hooks = new ExecutionLifecycleHooks('webhook', EXECUTION_ID, mock());
	let resolveRun!: (run: IRun) => void;
	const finished = new Promise<IRun>((resolve) => (resolveRun = resolve));
	hooks.addHandler('workflowExecuteAfter', (run) => resolveRun(run));
	additionalData.hooks = hooks;
	await new WorkflowExecute(additionalData, 'webhook', data).processRunExecutionData(workflow);
	const run = await finished;
	const runData = run.data.resultData.runData;
	const waitTill = run.waitTill ?? undefined;
	return {
		run,
		error: run.data.resultData.error,
		ran: Object.keys(runData).sort((a, b) => (runData[a][0]?.startTime ?? 0) - (runData[b][0]?.startTime ?? 0)),
		output(nodeName: string) {
			const runs = runData[nodeName];
			if (!runs?.length) throw new Error(`Node "${nodeName}" did not run`);
			return runs[runs.length - 1].data?.main[0] ?? [];
		},
		waitTill,
		waitingIn: waitTill ? run.data.resultData.lastNodeExecuted : undefined,
		workflow: workflowData,
		credentials,
	};
}

/**
 * Runs the workflow from a trigger (this package's, a Webhook or the Manual Trigger; `startNode`
 * names one when there are several), which emits `items`. Sticky notes are left out, as n8n never
 * runs them.
 */
export async function runExample(
	workflowData: ExampleWorkflow,
	items: INodeExecutionData[],
	credentials: Record<string, ICredentialDataDecryptedObject>,
	startNode?: string,
): Promise<ExampleRun> {
	const nodes = workflowData.nodes.filter((node) => node.type !== STICKY_TYPE);
	const starts = [TRIGGER_TYPE, 'n8n-nodes-base.webhook', 'n8n-nodes-base.manualTrigger'];
	const start = startNode ? nodes.find((node) => node.name === startNode) : nodes.find((node) => starts.includes(node.type));
	if (!start) throw new Error(`"${workflowData.name}" has no trigger the example engine can start`);
	const data = createRunExecutionData({
		executionData: { nodeExecutionStack: [{ node: start, data: { main: [items] }, source: null }] },
	});
	return await execute({ ...workflowData, nodes }, data, credentials);
}

/** The saved execution as n8n reads it back from its database, where it is kept as JSON (flatted). */
function stored(run: IRun): IRunExecutionData {
	return JSON.parse(JSON.stringify(run.data)) as IRunExecutionData;
}

/**
 * Resumes a waiting run. With `body`, the way n8n's waiting-webhook handler does when the
 * waiting node's resume URL is called (the WhatsApp Omni Trigger POSTs the contact's answer to a
 * Send and Wait node's): it disables the waiting node, drops its last run, runs the node's
 * webhook method on the request and runs the execution on with the webhook's output as the
 * node's. Without `body`, as n8n resumes an execution whose wait time ran out: it runs the saved
 * execution again.
 */
export async function resumeExample(paused: ExampleRun, body?: object): Promise<ExampleRun> {
	if (!paused.waitTill || !paused.waitingIn) throw new Error('The run does not wait');
	const data = stored(paused.run);
	if (body === undefined) return await execute(paused.workflow, data, paused.credentials);

	const entry = data.executionData!.nodeExecutionStack[0];
	if (entry.node.name !== paused.waitingIn) throw new Error(`The execution waits in "${paused.waitingIn}", not in "${entry.node.name}"`);
	entry.node.disabled = true;
	data.waitTill = undefined;
	data.resultData.runData[paused.waitingIn].pop();

	const workflow = workflowOf(paused.workflow);
	const node = workflow.getNode(paused.waitingIn)!;
	const nodeType = nodeTypes.getByNameAndVersion(node.type);
	if (!nodeType.webhook) throw new Error(`"${node.name}" has no webhook to resume it`);
	let status = 200;
	const response = {
		status(code: number) {
			status = code;
			return response;
		},
		type: () => response,
		send: () => response,
	};
	const additionalData = additionalDataFor(paused.credentials, {
		httpRequest: { method: 'POST', body, headers: { 'content-type': 'application/json' }, query: {}, params: {} } as never,
		httpResponse: response as never,
	});
	const webhookData = { httpMethod: 'POST', node: node.name, path: node.id, workflowId: workflow.id, webhookDescription: nodeType.description.webhooks![0] } as IWebhookData;
	const context = new WebhookContext(workflow, node, additionalData, 'webhook', webhookData, [], data);
	const answered = await nodeType.webhook.call(context);
	if (!answered.workflowData) throw new Error(`The webhook of "${node.name}" did not resume it (HTTP ${status})`);
	entry.data.main = answered.workflowData;
	return await execute(paused.workflow, data, paused.credentials);
}
