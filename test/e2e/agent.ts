/** The AI-agent example in a real n8n, on the sandbox's OpenAI stand-in: set-up and look-ups. */
import { eventually, finished, type E2eEnvironment } from './n8n';

// Plain JS, shared with `npm start`.
const { exampleWorkflow } = require('../../scripts/n8n/examples');
const { createOpenAiStandInCredential, withChatModelCredential } = require('../../scripts/n8n/sandboxCredentials');
const { ACTIVE_EXAMPLES } = require('../../scripts/n8n/activeExamples') as { ACTIVE_EXAMPLES: Array<{ file: string; number: string; answer: string }> };

export { ACTIVE_EXAMPLES };

export interface Credential {
	id: string;
	name: string;
}

/** n8n's OpenAI credential with the stand-in's Base URL, as `npm start` creates it. */
export const createStandInCredential = (env: E2eEnvironment): Promise<Credential> => createOpenAiStandInCredential(env.api, env.sandbox);

/** An example workflow as `npm start` imports it: the sandbox's credentials, the stand-in's on the chat model. */
export async function importExample(env: E2eEnvironment, file: string, openAi: Credential): Promise<string> {
	const workflow = withChatModelCredential(exampleWorkflow(file, env.credentials), openAi);
	return (await env.api.createWorkflow(workflow)).id;
}

/** A node's runs in an execution (empty when it did not run). */
export const runsOf = (execution: any, node: string): any[] => execution?.data?.resultData?.runData?.[node] ?? [];

/** The executions of a workflow once there are `count` and all have finished, oldest first. */
export async function executionsOf(env: E2eEnvironment, workflowId: string, count: number, timeoutMs = 30_000): Promise<any[]> {
	const all = await eventually(async () => {
		const list = await env.api.executions(workflowId);
		return list.length >= count && list.every(finished) ? list : undefined;
	}, timeoutMs);
	return [...all].sort((a, b) => Number(a.id) - Number(b.id));
}

/** What n8n did with a workflow's messages, for the message of a failing check. */
export async function whatHappened(env: E2eEnvironment, workflowId: string): Promise<string> {
	const executions = await env.api.executions(workflowId).catch(() => []);
	const summary = executions.map((e: any) => ({
		status: e.status,
		error: e.data?.resultData?.error?.message,
		nodes: Object.fromEntries(Object.entries(e.data?.resultData?.runData ?? {}).map(([name, runs]: [string, any]) => [name, runs.map((r: any) => r.error?.message ?? r.executionStatus)])),
	}));
	const standIn = env.sandbox.openAi.requests.slice(-4).map((r) => ({ path: r.path, status: r.status, decision: r.decision }));
	const deliveries = env.sandbox.deliveries.slice(-3).map((d: any) => ({ kind: d.kind, url: d.url, status: d.status }));
	return `executions: ${JSON.stringify(summary)}\nstand-in: ${JSON.stringify(standIn)}\ndeliveries: ${JSON.stringify(deliveries)}`;
}
