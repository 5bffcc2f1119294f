/**
 * Runs a workflow JSON through n8n's real execution engine (`WorkflowExecute` from n8n-core),
 * in-process, with this package's node and credentials loaded as n8n would load them.
 */
import { mock } from 'jest-mock-extended';
import { ExecutionLifecycleHooks, WorkflowExecute } from 'n8n-core';
import {
	createRunExecutionData,
	Workflow,
	type ICredentialDataDecryptedObject,
	type ICredentialsHelper,
	type IExecuteFunctions,
	type INode,
	type INodeCredentialsDetails,
	type INodeExecutionData,
	type INodeType,
	type INodeTypes,
	type IRun,
	type IWorkflowBase,
	type IWorkflowExecuteAdditionalData,
	NodeConnectionTypes,
} from 'n8n-workflow';

import { WhatsAppOmni } from '../../nodes/WhatsAppOmni/WhatsAppOmni.node';

/** Stands in for n8n-nodes-base's Manual Trigger: passes the test's items on. */
class ManualTrigger implements INodeType {
	description = {
		displayName: 'Manual Trigger',
		name: 'manualTrigger',
		group: ['trigger'],
		version: 1,
		description: 'Test trigger',
		defaults: { name: 'Manual Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	} as INodeType['description'];

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [this.getInputData()];
	}
}

const PACKAGE = 'n8n-nodes-whatsapp-omni';

class TestNodeTypes implements INodeTypes {
	private readonly types: Record<string, INodeType> = {
		'n8n-nodes-base.manualTrigger': new ManualTrigger(),
		[`${PACKAGE}.whatsAppOmni`]: new WhatsAppOmni(),
	};

	getByName(name: string) {
		return this.getByNameAndVersion(name);
	}

	getByNameAndVersion(name: string): INodeType {
		const type = this.types[name];
		if (!type) throw new Error(`Unknown node type ${name}`);
		return type;
	}

	getKnownTypes() {
		return {};
	}
}

export interface RunOptions {
	/** Credential data by credential type name. */
	credentials: Record<string, ICredentialDataDecryptedObject>;
	/** Items the start node emits. */
	input?: INodeExecutionData[];
	/** Node types to run with, when the workflow uses more than the Manual Trigger and this node. */
	nodeTypes?: INodeTypes;
	/** The node the run starts at; default the workflow's start node. */
	startNode?: string;
}

export interface RunResult {
	run: IRun;
	/** Output items of a node's first run, first output. */
	output(nodeName: string): INodeExecutionData[];
	/** The error of the execution, if it failed. */
	error: IRun['data']['resultData']['error'];
}

const nodeTypes = new TestNodeTypes();

export async function runWorkflow(workflowData: IWorkflowBase, options: RunOptions): Promise<RunResult> {
	const workflow = new Workflow({
		id: 'test-workflow',
		nodes: workflowData.nodes,
		connections: workflowData.connections,
		nodeTypes: options.nodeTypes ?? nodeTypes,
		settings: workflowData.settings,
		active: false,
	});

	const credentialsHelper = mock<ICredentialsHelper>();
	credentialsHelper.getDecrypted.mockImplementation(
		async (_data: IWorkflowExecuteAdditionalData, _details: INodeCredentialsDetails, type: string) => {
			const found = options.credentials[type];
			if (!found) throw new Error(`No test credentials for ${type}`);
			return { ...found };
		},
	);
	credentialsHelper.getParentTypes.mockReturnValue([]);
	credentialsHelper.isCredentialUsableByNode.mockReturnValue(true);

	const hooks = new ExecutionLifecycleHooks('manual', 'test-execution', mock());
	let resolveRun!: (run: IRun) => void;
	const finished = new Promise<IRun>((resolve) => (resolveRun = resolve));
	hooks.addHandler('workflowExecuteAfter', (run) => resolveRun(run));
	const overrides = {
		hooks,
		currentNodeParameters: undefined,
		// Unset, or the mock would hand the engine a function where it expects encrypted data.
		encryptedRunnerIdentity: undefined,
		executionId: 'test-execution',
		instanceBaseUrl: 'http://localhost:5678/',
		restApiUrl: 'http://localhost:5678/rest',
		webhookBaseUrl: 'http://localhost:5678/webhook',
		webhookTestBaseUrl: 'http://localhost:5678/webhook-test',
		webhookWaitingBaseUrl: 'http://localhost:5678/webhook-waiting',
		formWaitingBaseUrl: 'http://localhost:5678/form-waiting',
	};
	// Cast: the deep-partial type of this interface is too deep for the compiler.
	const additionalData = mock<IWorkflowExecuteAdditionalData>(overrides as never);
	additionalData.credentialsHelper = credentialsHelper;

	const start = (options.startNode ? workflow.getNode(options.startNode) : workflow.getStartNode()) as INode;
	const runExecutionData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [{ node: start, data: { main: [options.input ?? [{ json: {} }]] }, source: null }],
		},
	});

	const execute = new WorkflowExecute(additionalData, 'manual', runExecutionData);
	await execute.processRunExecutionData(workflow);
	const run = await finished;
	return {
		run,
		error: run.data.resultData.error,
		output(nodeName: string) {
			const runs = run.data.resultData.runData[nodeName];
			if (!runs) throw new Error(`Node "${nodeName}" did not run`);
			return runs[0].data?.main[0] ?? [];
		},
	};
}

/** `Manual Trigger → WhatsApp Omni` with the given parameters. */
export function sendWorkflow(
	parameters: Record<string, unknown>,
	settings: { continueOnFail?: boolean } = {},
): IWorkflowBase {
	const provider = parameters.provider as string;
	const credentialType = provider === 'twilio' ? 'whatsAppOmniTwilioApi' : 'whatsAppOmniMetaApi';
	return {
		id: 'wf',
		name: 'Send test',
		active: false,
		isArchived: false,
		createdAt: new Date(),
		updatedAt: new Date(),
		activeVersionId: null,
		settings: {},
		connections: {
			'Manual Trigger': { main: [[{ node: 'WhatsApp Omni', type: 'main', index: 0 }]] },
		},
		nodes: [
			{
				id: 'trigger',
				name: 'Manual Trigger',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: 'omni',
				name: 'WhatsApp Omni',
				type: `${PACKAGE}.whatsAppOmni`,
				typeVersion: 1,
				position: [200, 0],
				parameters: parameters as INode['parameters'],
				credentials: { [credentialType]: { id: '1', name: `${provider} test` } },
				...(settings.continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
			},
		],
	} as IWorkflowBase;
}
