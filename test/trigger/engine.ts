/**
 * The trigger run through n8n's own execution contexts (HookContext for activation,
 * WebhookContext for each request, from n8n-core) on a Workflow built as n8n builds it: node
 * parameters completed with their defaults, webhook URLs computed by n8n from the base URL.
 */
import { mock } from 'jest-mock-extended';
import { HookContext, WebhookContext } from 'n8n-core';
import {
	NodeHelpers,
	Workflow,
	type ICredentialDataDecryptedObject,
	type ICredentialsHelper,
	type IDataObject,
	type INode,
	type INodeCredentialsDetails,
	type INodeType,
	type INodeTypes,
	type IWebhookData,
	type IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

import { capturingResponse, trigger, type WebhookCall } from './context';

export { trigger };

const TYPE = 'n8n-nodes-whatsapp-omni.whatsAppOmniTrigger';

class TriggerTypes implements INodeTypes {
	getByName(): INodeType {
		return trigger;
	}

	getByNameAndVersion(): INodeType {
		return trigger;
	}

	getKnownTypes() {
		return {};
	}
}

/** A request as n8n's webhook server hands it over: the method where the stand-in has the webhook name. */
export type EngineRequest = Omit<WebhookCall, 'webhookName'> & { method: 'GET' | 'POST' };

export function createTriggerWorkflow(options: {
	parameters: IDataObject;
	credentials: Record<string, ICredentialDataDecryptedObject>;
	/** n8n's WEBHOOK_URL + "webhook", the base of production webhook URLs. */
	webhookBaseUrl: string;
	webhookId: string;
	/** Several workflows on one number need IDs of their own. */
	workflowId?: string;
}) {
	const description = trigger.description;
	const parameters = NodeHelpers.getNodeParameters(description.properties, options.parameters as INode['parameters'], true, false, { typeVersion: 1 }, description) ?? {};
	const provider = parameters.provider === 'twilio' ? 'whatsAppOmniTwilioApi' : 'whatsAppOmniMetaApi';
	const node: INode = {
		id: 'trigger-node-id',
		name: 'WhatsApp Omni Trigger',
		type: TYPE,
		typeVersion: 1,
		position: [0, 0],
		webhookId: options.webhookId,
		parameters,
		credentials: { [provider]: { id: '1', name: 'test' } },
	};
	const workflow = new Workflow({ id: options.workflowId ?? 'wf-engine', nodes: [node], connections: {}, nodeTypes: new TriggerTypes(), active: true, staticData: {} });

	const credentialsHelper = mock<ICredentialsHelper>();
	credentialsHelper.getDecrypted.mockImplementation(async (_a: IWorkflowExecuteAdditionalData, _d: INodeCredentialsDetails, type: string) => ({
		...options.credentials[type],
	}));
	credentialsHelper.isCredentialUsableByNode.mockReturnValue(true);
	const base = {
		credentialsHelper,
		webhookBaseUrl: options.webhookBaseUrl,
		webhookTestBaseUrl: options.webhookBaseUrl.replace(/webhook$/, 'webhook-test'),
		instanceBaseUrl: 'http://localhost:5678/',
		restApiUrl: 'http://localhost:5678/rest',
		executionId: undefined,
		encryptedRunnerIdentity: undefined,
		currentNodeParameters: undefined,
	};
	// A plain object, not a mock: a mock's proxies would wrap the request's Buffer, which
	// node:crypto then refuses. The contexts only read these fields.
	const additionalData = (extra: object = {}) => ({ ...base, ...extra }) as unknown as IWorkflowExecuteAdditionalData;

	const webhookData = (method: 'GET' | 'POST', data: IWorkflowExecuteAdditionalData): IWebhookData => {
		const webhookDescription = description.webhooks!.find((w) => w.httpMethod === method)!;
		return {
			httpMethod: method,
			node: node.name,
			path: 'webhook',
			webhookDescription,
			workflowId: workflow.id,
			workflowExecuteAdditionalData: data,
			webhookId: options.webhookId,
		} as IWebhookData;
	};

	return {
		workflow,
		node,
		/** The production URL n8n shows for this trigger. */
		get url() {
			return new HookContext(workflow, node, additionalData(), 'trigger', 'activate').getNodeWebhookUrl('default') as string;
		},
		hooks(activation: 'activate' | 'update' = 'activate') {
			return new HookContext(workflow, node, additionalData(), 'trigger', activation, webhookData('POST', additionalData()));
		},
		/** One request through webhook(), in a WebhookContext as n8n's webhook server makes it. */
		async request(request: EngineRequest) {
			const { response, res, headers } = capturingResponse();
			const req = { ...request, params: {} };
			const data = additionalData({ httpRequest: req, httpResponse: res });
			const context = new WebhookContext(workflow, node, data, 'webhook', webhookData(request.method, data), [], null);
			const result = await trigger.webhook.call(context);
			return { response, result, headers };
		},
	};
}
