/** A real n8n with this package installed, and the sandbox its credentials point at. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { startSandbox, type Sandbox } from '../../sandbox';

// Plain JS helpers shared with `npm start`.
const { startN8n } = require('../../scripts/n8n/server');
const { N8nApi } = require('../../scripts/n8n/api');
const { exampleWorkflow } = require('../../scripts/n8n/examples');
const { webhookNode } = require('../../scripts/n8n/nodes') as { webhookNode(path: string, answer: Record<string, unknown>): Record<string, unknown> };
const { createSandboxCredentials } = require('../../scripts/n8n/sandboxCredentials');
const { freePort } = require('../../scripts/services/common') as { freePort(): Promise<number> };

export interface N8nApiClient {
	baseUrl: string;
	request(method: string, path: string, options?: { body?: unknown; useCookie?: boolean; expect?: number[] }): Promise<{ status: number; data: any }>;
	createCredential(name: string, type: string, data: object): Promise<{ id: string; name: string }>;
	createWorkflow(workflow: object): Promise<{ id: string }>;
	activate(id: string): Promise<unknown>;
	deactivate(id: string): Promise<unknown>;
	executions(workflowId: string): Promise<any[]>;
	nodeTypes(): Promise<any[]>;
}

export interface E2eEnvironment {
	sandbox: Sandbox;
	api: N8nApiClient;
	baseUrl: string;
	credentials: { meta: { id: string; name: string }; twilio: { id: string; name: string } };
	outputDir: string;
	/** The n8n version running. */
	version: string;
	/** N8N_USER_FOLDER of that n8n (the default conversation store lives in its .n8n folder). */
	userFolder?: string;
	stop(): Promise<void>;
}

/** 'current' is the n8n everything is tested on; 'legacy' the last 1.x, for the compatibility smoke. */
export async function startEnvironment({ runtime = 'current' }: { runtime?: 'current' | 'legacy' } = {}): Promise<E2eEnvironment> {
	const outputDir = path.resolve(__dirname, '..', '..', 'test-output', 'e2e');
	fs.mkdirSync(outputDir, { recursive: true });
	const sandbox = await startSandbox({ statusDelayMs: 50 } as never);
	const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'omni-n8n-'));
	let n8n: { baseUrl: string; version: string; stop(): Promise<void> } | undefined;
	const stop = async () => {
		await n8n?.stop();
		await sandbox.stop();
		fs.rmSync(userFolder, { recursive: true, force: true });
	};
	try {
		const port = await freePort();
		const server = await startN8n({ userFolder, port, runtime, brokerPort: await freePort(), logFile: path.join(outputDir, runtime === 'current' ? 'n8n.log' : `n8n-${runtime}.log`) });
		n8n = server;
		const api: N8nApiClient = new N8nApi(server.baseUrl);
		await (api as unknown as { signIn(): Promise<void> }).signIn();
		const { meta, twilio } = await createSandboxCredentials(api, sandbox);
		return { sandbox, api, baseUrl: server.baseUrl, credentials: { meta, twilio }, outputDir, version: server.version, userFolder, stop };
	} catch (error) {
		// Nothing may outlive a failed start: a running n8n would keep the test runner from exiting.
		await stop();
		throw error;
	}
}

export const uuid = () => crypto.randomUUID();

/** Polls until `read` returns something truthy. */
export async function eventually<T>(read: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await read();
		if (value) return value;
		if (Date.now() > deadline) throw new Error('timed out waiting');
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
}

export type Provider = 'meta' | 'twilio';

/** An example workflow on the sandbox's credentials, created and published: its id. */
export async function publishExample(env: E2eEnvironment, file: string): Promise<string> {
	const created = await env.api.createWorkflow(exampleWorkflow(file, env.credentials));
	await env.api.activate(created.id);
	return created.id;
}

export const credentialFor = (env: E2eEnvironment, provider: Provider) =>
	provider === 'meta'
		? { whatsAppOmniMetaApi: { id: env.credentials.meta.id, name: env.credentials.meta.name } }
		: { whatsAppOmniTwilioApi: { id: env.credentials.twilio.id, name: env.credentials.twilio.name } };

export interface RunOptions {
	/** The request that starts the run: JSON by default; any other type arrives as binary `data`. */
	body?: Buffer | string;
	contentType?: string;
	/** What the Webhook answers with: every item's JSON, or the first item's binary file. */
	responseData?: 'allEntries' | 'firstEntryBinary';
}


/** Webhook → WhatsApp Omni, answering with the node's output: an operation run by n8n itself. */
export async function runOperation(env: E2eEnvironment, provider: Provider, parameters: Record<string, unknown>, options: RunOptions = {}) {
	const { body = '{}', contentType = 'application/json', responseData = 'allEntries' } = options;
	const path = `omni-${uuid()}`;
	const workflow = await env.api.createWorkflow({
		name: `e2e ${provider} ${String(parameters.operation)}`,
		nodes: [
			webhookNode(path, { responseMode: 'lastNode', responseData }),
			{
				id: uuid(),
				name: 'WhatsApp Omni',
				type: 'n8n-nodes-whatsapp-omni.whatsAppOmni',
				typeVersion: 1,
				position: [300, 0],
				parameters: { provider, resource: 'message', ...parameters },
				credentials: credentialFor(env, provider),
			},
		],
		connections: { Webhook: { main: [[{ node: 'WhatsApp Omni', type: 'main', index: 0 }]] } },
	});
	await env.api.activate(workflow.id);
	env.sandbox.clearRequests();
	const response = await fetch(`${env.baseUrl}/webhook/${path}`, { method: 'POST', headers: { 'content-type': contentType }, body });
	const bytes = Buffer.from(await response.arrayBuffer());
	await env.api.deactivate(workflow.id);
	const output = responseData === 'allEntries' ? (JSON.parse(bytes.toString('utf8')) as Array<Record<string, unknown>>) : [];
	return { status: response.status, output, bytes, contentType: response.headers.get('content-type'), workflowId: workflow.id as string };
}

/** The body of the send request the sandbox received last for the provider. */
export const sentBody = (env: E2eEnvironment, provider: Provider) => {
	const request = env.sandbox.requests.find((r) => r.provider === provider && r.method === 'POST' && /\/messages$|Messages\.json$/.test(r.path));
	return request?.body as Record<string, unknown> | undefined;
};

/** A workflow with only the trigger; its executions are what the trigger emitted. */
export async function triggerWorkflow(env: E2eEnvironment, provider: Provider, parameters: Record<string, unknown>) {
	const webhookId = uuid();
	const workflow = await env.api.createWorkflow({
		name: `e2e trigger ${provider} ${JSON.stringify(parameters)}`,
		nodes: [
			{
				id: uuid(),
				name: 'WhatsApp Omni Trigger',
				type: 'n8n-nodes-whatsapp-omni.whatsAppOmniTrigger',
				typeVersion: 2,
				position: [0, 0],
				webhookId,
				parameters: { provider, events: ['messages', 'statuses'], ...parameters },
				credentials: credentialFor(env, provider),
			},
		],
		connections: {},
	});
	return { id: workflow.id, url: `${env.baseUrl}/webhook/${webhookId}/webhook` };
}

/** An execution n8n has finished and stored with its data (the list shows running ones too). */
export const finished = (execution: { finished?: boolean; status?: string; data?: { resultData?: { runData?: object } } }) =>
	execution.finished === true || (execution.status !== 'running' && execution.status !== 'new' && !!execution.data?.resultData?.runData);

/** The items the trigger emitted, one array per execution, once `count` executions have finished. */
export const triggerItems = async (env: E2eEnvironment, workflowId: string, count: number) =>
	await eventually(async () => {
		const executions = await env.api.executions(workflowId);
		if (executions.length < count || !executions.every(finished)) return undefined;
		return executions.map((e: any) => e.data.resultData.runData['WhatsApp Omni Trigger'][0].data.main[0].map((i: any) => i.json));
	});

/**
 * Webhook → WhatsApp Omni › Send and Wait; returns how to start it (one execution per call).
 * `then`: a text sent to the contact after the answer, e.g. `={{ $json.approved ? 'Done' : 'Cancelled' }}`.
 */
export async function askingWorkflow(env: E2eEnvironment, provider: Provider, parameters: Record<string, unknown>, then?: string) {
	const hook = `ask-${uuid()}`;
	const workflow = await env.api.createWorkflow({
		name: `e2e send and wait ${provider}`,
		nodes: [
			webhookNode(hook, { responseMode: 'onReceived' }),
			{
				id: uuid(),
				name: 'Ask',
				type: 'n8n-nodes-whatsapp-omni.whatsAppOmni',
				typeVersion: 1,
				position: [300, 0],
				parameters: { provider, resource: 'message', operation: 'sendAndWait', ...parameters },
				credentials: credentialFor(env, provider),
			},
			...(then
				? [
						{
							id: uuid(),
							name: 'Then',
							type: 'n8n-nodes-whatsapp-omni.whatsAppOmni',
							typeVersion: 1,
							position: [600, 0],
							parameters: { provider, resource: 'message', operation: 'sendText', to: '={{ $json.contact.id }}', text: then },
							credentials: credentialFor(env, provider),
						},
					]
				: []),
		],
		connections: {
			Webhook: { main: [[{ node: 'Ask', type: 'main', index: 0 }]] },
			...(then ? { Ask: { main: [[{ node: 'Then', type: 'main', index: 0 }]] } } : {}),
		},
	});
	await env.api.activate(workflow.id);
	return {
		id: workflow.id as string,
		ask: async () => {
			const response = await fetch(`${env.baseUrl}/webhook/${hook}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
			expect(response.status).toBe(200);
		},
	};
}

/** Ended: `finished` also counts a waiting execution, which has run data. */
export const ended = (execution: { status?: string; finished?: boolean; data?: any }) => execution.status !== 'waiting' && finished(execution);

const PACKAGE = 'n8n-nodes-whatsapp-omni';

/**
 * What n8n loaded of the package: its node types and credential types, each icon fetched from
 * n8n as the editor does (light and dark).
 */
export async function loadedPackage(env: E2eEnvironment) {
	const nodeTypes = (await env.api.nodeTypes()) as Array<{ name: string; iconUrl?: unknown }>;
	const credentialTypes = (await env.api.request('GET', '/types/credentials.json', { useCookie: true })).data as Array<{ name: string; iconUrl?: unknown }>;
	const ours = [
		...nodeTypes.filter((t) => t.name.startsWith(`${PACKAGE}.`)),
		...credentialTypes.filter((t) => t.name.startsWith('whatsAppOmni')),
	];
	const icons: Record<string, Array<{ url: string; status: number; type: string | null }>> = {};
	for (const type of ours) {
		const urls = typeof type.iconUrl === 'string' ? [type.iconUrl] : Object.values((type.iconUrl ?? {}) as Record<string, string>);
		icons[type.name] = [];
		for (const url of urls) {
			const response = await fetch(`${env.baseUrl}/${url.replace(/^\//, '')}`);
			await response.arrayBuffer();
			icons[type.name].push({ url, status: response.status, type: response.headers.get('content-type') });
		}
	}
	return {
		nodeTypes: nodeTypes.map((t) => t.name).filter((name) => name.startsWith(`${PACKAGE}.`)),
		credentialTypes: credentialTypes.map((t) => t.name).filter((name) => name.startsWith('whatsAppOmni')),
		icons,
	};
}
