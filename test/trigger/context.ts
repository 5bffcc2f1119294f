/**
 * Stand-ins for the contexts n8n hands a trigger: IWebhookFunctions for one request and
 * IHookFunctions for activation. Parameters and credentials come from the test; binary data
 * goes through a real stream read, as n8n's prepareBinaryData does.
 */
import type { IBinaryData, IDataObject, IHookFunctions, INode, IWebhookFunctions } from 'n8n-workflow';
import { createHmac } from 'node:crypto';
import type { Readable } from 'node:stream';
import twilio from 'twilio';

import { WhatsAppOmniTrigger } from '../../nodes/WhatsAppOmni/WhatsAppOmniTrigger.node';
import { verifyTokenBinding } from '../../nodes/WhatsAppOmni/trigger/handshake';

export const node: INode = {
	id: 'trigger-node',
	name: 'WhatsApp Omni Trigger',
	type: 'n8n-nodes-whatsapp-omni.whatsAppOmniTrigger',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

/** What the trigger's verify tokens are bound to in these contexts (workflow `wf-1` unless the setup says otherwise). */
export function triggerBinding(workflowId = 'wf-1'): string {
	return verifyTokenBinding.call({ getNode: () => node, getWorkflow: () => ({ id: workflowId }) } as unknown as IHookFunctions);
}

export interface TriggerSetup {
	parameters: IDataObject;
	credentials: Record<string, IDataObject>;
	webhookUrl: string;
	staticData?: IDataObject;
	workflowId?: string;
	/** What the node logs (silent when not given). */
	logger?: { warn(message: string): void; info(message: string): void; debug(message: string): void; error(message: string): void };
}

export interface CapturedResponse {
	status?: number;
	contentType?: string;
	body?: unknown;
}

/** Parameter defaults as the node's description gives them. */
function parameterReader(setup: TriggerSetup) {
	const defaults: IDataObject = { events: ['messages'], messageTypes: [], statusValues: [], verifySignature: true, options: {} };
	return (name: string, fallback?: unknown) => {
		const value = setup.parameters[name] ?? defaults[name];
		return value === undefined ? fallback : value;
	};
}

async function streamToBuffer(stream: Readable): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
	return Buffer.concat(chunks);
}

export function hookContext(setup: TriggerSetup): IHookFunctions {
	const staticData = (setup.staticData ??= {});
	const getParameter = parameterReader(setup);
	return {
		getNode: () => node,
		getNodeParameter: getParameter,
		getCredentials: async (type: string) => {
			if (!setup.credentials[type]) throw new Error(`No credentials ${type}`);
			return setup.credentials[type];
		},
		getNodeWebhookUrl: () => setup.webhookUrl,
		getWorkflow: () => ({ id: setup.workflowId ?? 'wf-1', name: 'Test', active: true }),
		getWorkflowStaticData: () => staticData,
		logger: { warn: () => {}, info: () => {}, debug: () => {}, error: () => {} },
	} as unknown as IHookFunctions;
}

export interface WebhookCall {
	webhookName: 'setup' | 'default';
	url: string;
	headers: Record<string, string | string[] | undefined>;
	query: IDataObject;
	body: unknown;
	rawBody: Buffer;
}

/** The public URL the test triggers have; the calls below are signed for it. */
export const WEBHOOK_URL = 'https://n8n.example.com/webhook/0f1e2d3c/webhook';

/**
 * A POST as Meta sends it: `text` is the JSON body as sent, signed over those exact bytes with
 * `secret` (no header without one).
 */
export function signedMetaCall(text: string, secret: string | undefined): WebhookCall {
	const rawBody = Buffer.from(text);
	const headers: Record<string, string> = { 'content-type': 'application/json' };
	if (secret !== undefined) headers['x-hub-signature-256'] = `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
	return { webhookName: 'default', url: '/webhook/0f1e2d3c/webhook', headers, query: {}, body: JSON.parse(text), rawBody };
}

/** A form POST as Twilio sends it, signed by the twilio package for the URL it called. */
export function signedTwilioCall(params: Record<string, string>, authToken: string, signedUrl = WEBHOOK_URL): WebhookCall {
	return {
		webhookName: 'default',
		url: '/webhook/0f1e2d3c/webhook',
		headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilio.getExpectedTwilioSignature(authToken, signedUrl, params) },
		query: {},
		body: params,
		rawBody: Buffer.from(new URLSearchParams(params).toString()),
	};
}

/** An express-like response object that records what the trigger answers (headers set one by one apart). */
export function capturingResponse() {
	const response: CapturedResponse = {};
	const headers: Record<string, string> = {};
	const res = {
		setHeader(name: string, value: string) {
			headers[name.toLowerCase()] = value;
			return res;
		},
		status(code: number) {
			response.status = code;
			return res;
		},
		type(contentType: string) {
			response.contentType = contentType;
			return res;
		},
		send(body: unknown) {
			response.body = body;
			return res;
		},
		end() {
			return res;
		},
	};
	return { response, res, headers };
}

export function webhookContext(setup: TriggerSetup, call: WebhookCall) {
	const { response, res, headers } = capturingResponse();
	const getParameter = parameterReader(setup);
	const context = {
		getNode: () => node,
		getWorkflow: () => ({ id: setup.workflowId ?? 'wf-1', name: 'Test', active: true }),
		logger: setup.logger ?? { warn: () => {}, info: () => {}, debug: () => {}, error: () => {} },
		getNodeParameter: getParameter,
		getCredentials: async (type: string) => setup.credentials[type],
		getNodeWebhookUrl: () => setup.webhookUrl,
		getWebhookName: () => call.webhookName,
		getRequestObject: () => ({ url: call.url, headers: call.headers, rawBody: call.rawBody, query: call.query }),
		getResponseObject: () => res,
		getQueryData: () => call.query,
		getBodyData: () => call.body,
		getHeaderData: () => call.headers,
		getWorkflowStaticData: () => (setup.staticData ??= {}),
		helpers: {
			prepareBinaryData: async (data: Readable | Buffer, fileName?: string, mimeType?: string): Promise<IBinaryData> => {
				const buffer = Buffer.isBuffer(data) ? data : await streamToBuffer(data);
				return { data: buffer.toString('base64'), mimeType: mimeType ?? 'application/octet-stream', fileName, fileSize: String(buffer.length) };
			},
		},
	} as unknown as IWebhookFunctions;
	return { context, response, headers };
}

export const trigger = new WhatsAppOmniTrigger();

/** Runs one request through the trigger's webhook() and returns what n8n would do with it. */
export async function callWebhook(setup: TriggerSetup, call: WebhookCall) {
	const { context, response, headers } = webhookContext(setup, call);
	const result = await trigger.webhook.call(context);
	const items = result.workflowData?.[0] ?? [];
	return { result, response, headers, items, executed: result.workflowData !== undefined };
}
