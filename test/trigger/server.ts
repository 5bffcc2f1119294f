/**
 * A stand-in for n8n's webhook server on loopback: requests to the trigger's path go through
 * the trigger's real webhook() with a context built from the HTTP request, so the sandbox's
 * handshakes and signed deliveries exercise the whole chain.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INodeExecutionData } from 'n8n-workflow';

import type { TriggerSetup } from './context';
import { createTriggerWorkflow, trigger } from './engine';

export interface TriggerServer {
	/** The URL the trigger registers (n8n's public webhook URL). */
	url: string;
	/** Where the server really listens (differs from `url` behind a "proxy"). */
	localUrl: string;
	setup: TriggerSetup;
	/** Items of every execution the trigger started, in order. */
	executions: INodeExecutionData[][];
	activate(): Promise<void>;
	deactivate(): Promise<boolean>;
	setWebhookBaseUrl(baseUrl: string): void;
	stop(): Promise<void>;
}

function parseForm(text: string): Record<string, string | string[]> {
	const params: Record<string, string | string[]> = {};
	for (const [key, value] of new URLSearchParams(text)) {
		const existing = params[key];
		params[key] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
	}
	return params;
}

export async function startTriggerServer(
	setup: Omit<TriggerSetup, 'webhookUrl'>,
	options: { publicBaseUrl?: string; path?: string } = {},
): Promise<TriggerServer> {
	const webhookId = (options.path ?? '/webhook/7c1b9e2a-test/webhook').split('/')[2];
	const path = `/webhook/${webhookId}/webhook`;
	const executions: INodeExecutionData[][] = [];
	const full: TriggerSetup = { ...setup, webhookUrl: '' };
	let engine: ReturnType<typeof createTriggerWorkflow>;
	const server = http.createServer(async (req, res) => {
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		const rawBody = Buffer.concat(chunks);
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		if (url.pathname !== path) {
			res.writeHead(404).end('not a webhook');
			return;
		}
		const contentType = String(req.headers['content-type'] ?? '');
		const text = rawBody.toString('utf8');
		let body: unknown = {};
		try {
			body = contentType.includes('json') ? JSON.parse(text || '{}') : contentType.includes('form') ? parseForm(text) : {};
		} catch {
			body = {};
		}
		try {
			const { response, result, headers } = await engine.request({
				method: req.method === 'GET' ? 'GET' : 'POST',
				url: req.url ?? '/',
				headers: req.headers,
				query: Object.fromEntries(url.searchParams),
				body,
				rawBody,
			});
			if (result.workflowData) executions.push(result.workflowData[0]);
			res.writeHead(response.status ?? 200, { ...headers, 'content-type': response.contentType ?? 'text/plain' });
			res.end(response.body === undefined ? '' : String(response.body));
		} catch (error) {
			res.writeHead(500).end((error as Error).message);
		}
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	engine = createTriggerWorkflow({
		parameters: setup.parameters,
		credentials: setup.credentials as never,
		webhookBaseUrl: `${options.publicBaseUrl ?? `http://127.0.0.1:${port}`}/webhook`,
		webhookId,
		workflowId: setup.workflowId,
	});
	full.webhookUrl = engine.url;
	return {
		url: full.webhookUrl,
		localUrl: `http://127.0.0.1:${port}${path}`,
		setup: full,
		executions,
		async activate() {
			const exists = await trigger.webhookMethods.default.checkExists.call(engine.hooks());
			if (!exists) await trigger.webhookMethods.default.create.call(engine.hooks());
		},
		async deactivate() {
			return await trigger.webhookMethods.default.delete.call(engine.hooks());
		},
		/** Points the trigger at another URL, as if n8n's public URL changed. */
		setWebhookBaseUrl(baseUrl: string) {
			engine = createTriggerWorkflow({ parameters: setup.parameters, credentials: setup.credentials as never, webhookBaseUrl: baseUrl, webhookId, workflowId: setup.workflowId });
			full.webhookUrl = engine.url;
		},
		async stop() {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
