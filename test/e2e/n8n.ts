/** A real n8n with this package installed, and the sandbox its credentials point at. */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { startSandbox, type Sandbox } from '../../sandbox';

// Plain JS helpers shared with `npm start`.
const { startN8n } = require('../../scripts/n8n/server');
const { N8nApi } = require('../../scripts/n8n/api');
const { createSandboxCredentials } = require('../../scripts/n8n/sandboxCredentials');

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
	stop(): Promise<void>;
}

async function freePort(): Promise<number> {
	return await new Promise((resolve, reject) => {
		const server = net.createServer();
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as net.AddressInfo;
			server.close(() => resolve(port));
		});
		server.on('error', reject);
	});
}

export async function startEnvironment(): Promise<E2eEnvironment> {
	const outputDir = path.resolve(__dirname, '..', '..', 'test-output', 'e2e');
	fs.mkdirSync(outputDir, { recursive: true });
	const sandbox = await startSandbox({ statusDelayMs: 50 } as never);
	const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'omni-n8n-'));
	const port = await freePort();
	const n8n = await startN8n({ userFolder, port, brokerPort: await freePort(), logFile: path.join(outputDir, 'n8n.log') });
	const api: N8nApiClient = new N8nApi(n8n.baseUrl);
	await (api as unknown as { signIn(): Promise<void> }).signIn();
	const { meta, twilio } = await createSandboxCredentials(api, sandbox);
	return {
		sandbox,
		api,
		baseUrl: n8n.baseUrl,
		credentials: { meta, twilio },
		outputDir,
		async stop() {
			await n8n.stop();
			await sandbox.stop();
			fs.rmSync(userFolder, { recursive: true, force: true });
		},
	};
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
