/**
 * n8n in queue mode on this machine, with this package and the sandbox: a throw-away PostgreSQL
 * (n8n's database, and the conversation store in its own schema) and Redis (the queue), one main
 * process, one worker and webhook processes, each with a user folder and a task-runner broker
 * port of its own. Production webhooks go only to the webhook processes
 * (N8N_DISABLE_PRODUCTION_MAIN_PROCESS), executions only to the worker.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { startSandbox } from '../../sandbox';
import type { E2eEnvironment, N8nApiClient } from './n8n';

// Plain JS helpers shared with `npm start`, the benchmarks and the store tests.
const { startN8n } = require('../../scripts/n8n/server');
const { N8nApi } = require('../../scripts/n8n/api');
const { createSandboxCredentials } = require('../../scripts/n8n/sandboxCredentials');
const { startPostgres } = require('../../scripts/services/postgres');
const { startRedis } = require('../../scripts/services/redis');
const { freePort } = require('../../scripts/services/common');

export type QueueCommand = 'start' | 'worker' | 'webhook';

export interface N8nProcess {
	/** main, worker, webhook-1, webhook-2… */
	name: string;
	command: QueueCommand;
	version: string;
	/** Its HTTP server: the editor and API (main), production webhooks (webhook), health (worker). */
	baseUrl: string;
	pid: number;
	userFolder: string;
	logFile: string;
	bootSeconds: number;
	/** What it logged so far. */
	log(): string;
	stop(): Promise<void>;
}

export interface QueueEnvironment extends E2eEnvironment {
	/** Where providers call: the first webhook process (every process's WEBHOOK_URL). */
	baseUrl: string;
	main: N8nProcess;
	worker: N8nProcess;
	webhooks: N8nProcess[];
	/** n8n's database and the store's server: `url` connects as the superuser. */
	postgres: { url: string; host: string; port: number; user: string; database: string };
	redis: { host: string; port: number };
	/** WHATSAPP_OMNI_STORE_URL of every process. */
	storeUrl: string;
	/** Resident memory of every n8n process (with its task runners), in MB. */
	residentMb(): Record<string, number>;
}

/** Resident set of a process and its descendants (n8n starts task runners as children), in kB. */
function residentKb(pid: number): number {
	const children = (() => {
		try {
			return fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
		} catch {
			return [];
		}
	})();
	let own = 0;
	try {
		own = Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
	} catch {
		// exited
	}
	return own + children.reduce((sum, child) => sum + residentKb(child), 0);
}

/**
 * Starts everything, main first (it creates n8n's tables; the others would race it), then the
 * worker and the webhook processes side by side. Stops whatever did start when a step fails.
 */
export async function startQueueEnvironment({ webhookProcesses = 1 }: { webhookProcesses?: number } = {}): Promise<QueueEnvironment> {
	const outputDir = path.resolve(__dirname, '..', '..', 'test-output', 'e2e');
	fs.mkdirSync(outputDir, { recursive: true });
	const folders: string[] = [];
	const processes: N8nProcess[] = [];
	let sandbox: Awaited<ReturnType<typeof startSandbox>> | undefined;
	let postgres: (QueueEnvironment['postgres'] & { stop(): Promise<void> }) | undefined;
	let redis: (QueueEnvironment['redis'] & { stop(): Promise<void> }) | undefined;

	const stop = async () => {
		// Webhook processes and the worker before main, n8n before its database and queue; every
		// step runs even when one before it failed.
		const steps: Array<() => Promise<unknown> | undefined> = [
			() => Promise.all(processes.filter((p) => p.command !== 'start').map((p) => p.stop())),
			() => Promise.all(processes.filter((p) => p.command === 'start').map((p) => p.stop())),
			() => sandbox?.stop(),
			() => redis?.stop(),
			() => postgres?.stop(),
		];
		const errors: unknown[] = [];
		for (const step of steps) {
			try {
				await step();
			} catch (error) {
				errors.push(error);
			}
		}
		for (const folder of folders) fs.rmSync(folder, { recursive: true, force: true });
		if (errors.length > 0) throw errors[0];
	};

	try {
		sandbox = await startSandbox({ statusDelayMs: 50 } as never);
		[postgres, redis] = await Promise.all([startPostgres({ settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' } }), startRedis()]);
		const pg = postgres!;
		const queue = redis!;
		const webhookPorts: number[] = [];
		for (let i = 0; i < webhookProcesses; i++) webhookPorts.push(await freePort());
		const webhookUrl = `http://127.0.0.1:${webhookPorts[0]}`;
		const storeUrl = `postgres://${pg.user}@${pg.host}:${pg.port}/${pg.database}`;
		const shared = {
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_HOST: queue.host,
			QUEUE_BULL_REDIS_PORT: String(queue.port),
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: pg.host,
			DB_POSTGRESDB_PORT: String(pg.port),
			DB_POSTGRESDB_DATABASE: pg.database,
			DB_POSTGRESDB_USER: pg.user,
			DB_POSTGRESDB_PASSWORD: '',
			// startN8n gives every process the same N8N_ENCRYPTION_KEY already.
			N8N_DISABLE_PRODUCTION_MAIN_PROCESS: 'true',
			// Resume URLs and the trigger's registered callback are built from it on whichever process.
			WEBHOOK_URL: `${webhookUrl}/`,
			WHATSAPP_OMNI_STORE_URL: storeUrl,
			// The test reads the worker's "Worker started execution" lines (jest's setup silences n8n).
			N8N_LOG_LEVEL: 'info',
		};

		const start = async (name: string, command: QueueCommand, port: number, linkNodesFrom?: string): Promise<N8nProcess> => {
			const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), `omni-n8n-${name}-`));
			folders.push(userFolder);
			const logFile = path.join(outputDir, `queue-${name}.log`);
			// Execution ids start at 1 in every new database: an old log would answer for this run.
			fs.rmSync(logFile, { force: true });
			const server = await startN8n({ userFolder, port, brokerPort: await freePort(), command, linkNodesFrom, logFile, env: shared });
			const started: N8nProcess = {
				name,
				command,
				version: server.version,
				baseUrl: server.baseUrl,
				pid: server.pid,
				userFolder,
				logFile,
				bootSeconds: server.bootSeconds,
				log: () => fs.readFileSync(logFile, 'utf8'),
				stop: () => server.stop(),
			};
			processes.push(started);
			return started;
		};

		const main = await start('main', 'start', await freePort());
		// allSettled: a process still booting when another fails must be running (and listed) before stop().
		const others = await Promise.allSettled([
			start('worker', 'worker', await freePort(), main.userFolder),
			...webhookPorts.map((port, i) => start(`webhook-${i + 1}`, 'webhook', port, main.userFolder)),
		]);
		const failed = others.find((outcome) => outcome.status === 'rejected');
		if (failed) throw (failed as PromiseRejectedResult).reason;
		const [worker, ...webhooks] = others.map((outcome) => (outcome as PromiseFulfilledResult<N8nProcess>).value);
		const api: N8nApiClient = new N8nApi(main.baseUrl);
		await (api as unknown as { signIn(): Promise<void> }).signIn();
		const { meta, twilio } = await createSandboxCredentials(api, sandbox);
		return {
			sandbox,
			api,
			baseUrl: webhookUrl,
			credentials: { meta, twilio },
			outputDir,
			version: main.version,
			main,
			worker,
			webhooks,
			postgres: { url: pg.url, host: pg.host, port: pg.port, user: pg.user, database: pg.database },
			redis: { host: queue.host, port: queue.port },
			storeUrl,
			residentMb: () => Object.fromEntries(processes.map((p) => [p.name, Math.round(residentKb(p.pid) / 1024)])),
			stop,
		};
	} catch (error) {
		// Nothing may outlive a failed start: a running n8n, database or Redis would keep jest waiting.
		await stop().catch(() => undefined);
		throw error;
	}
}
