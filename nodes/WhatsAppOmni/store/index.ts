/**
 * Opening the conversation store: WHATSAPP_OMNI_STORE_URL picks the engine, one store per URL per
 * process (n8n runs every execution of a process in one Node.js, so a connection per item or per
 * execution would exhaust the database).
 *
 *   memory:[name]                 this process only (tests; the fallback where node:sqlite is missing)
 *   sqlite:<path>                 node:sqlite (Node ≥ 22.13); the default, in the n8n user folder
 *   postgres://user:pass@host:port/db[?schema=name]   queue mode: shared by every n8n process
 *
 * WHATSAPP_OMNI_STORE_RETENTION_DAYS (default 90): older messages, statuses and claims are pruned.
 */
import os from 'node:os';
import path from 'node:path';

import { STORE_URL_VARIABLE, StoreConfigError, StoreUnavailableError } from './errors';
import { MemoryEngine } from './memory';
import { DEFAULT_RETENTION_DAYS, EngineStore, type StoreOptions } from './store';
import type { ConversationStore } from './types';

export * from './types';
export { FlowStateTooLargeError, StoreConfigError, StoreSchemaTooNewError, StoreUnavailableError, STORE_URL_VARIABLE } from './errors';

export const RETENTION_VARIABLE = 'WHATSAPP_OMNI_STORE_RETENTION_DAYS';
export const DEFAULT_POSTGRES_SCHEMA = 'whatsapp_omni';

type Env = Record<string, string | undefined>;

/** Where warnings go (n8n prints a community node's console output in its log). Replaceable. */
export const storeLog = { warn: (message: string) => console.warn(message) };

export type StoreLocation =
	| { kind: 'memory'; name: string; key: string }
	| { kind: 'sqlite'; path: string; key: string; isDefault: boolean }
	| {
			kind: 'postgres';
			/** Without the schema parameter, as the driver takes it. */
			connectionString: string;
			schema: string;
			/** host:port/database as people name the server: no user name, no password. */
			where: string;
			password?: string;
			key: string;
	  };

/** The default SQLite file: beside n8n's own database, in the n8n user folder. */
export function defaultSqlitePath(env: Env = process.env): string {
	return path.join(env.N8N_USER_FOLDER || os.homedir(), '.n8n', 'whatsapp-omni.sqlite');
}

function parsePostgres(raw: string): StoreLocation {
	let url: URL;
	try {
		url = new URL(raw);
	} catch {
		throw new StoreConfigError(`${STORE_URL_VARIABLE} is not a valid PostgreSQL URL (postgres://user:password@host:port/database)`);
	}
	const schema = url.searchParams.get('schema') || DEFAULT_POSTGRES_SCHEMA;
	if (!/^[a-z_][a-z0-9_]{0,62}$/i.test(schema)) {
		throw new StoreConfigError(`${STORE_URL_VARIABLE}: schema "${schema}" must be letters, digits and _ (starting with a letter or _)`);
	}
	url.searchParams.delete('schema');
	const password = url.password ? decodeURIComponent(url.password) : undefined;
	const where = `${url.hostname || 'localhost'}:${url.port || '5432'}${url.pathname && url.pathname !== '/' ? url.pathname : ''}`;
	const keyUrl = new URL(url.href);
	keyUrl.password = '';
	return { kind: 'postgres', connectionString: url.href, schema, where, password, key: `${keyUrl.href}#${schema}` };
}

/** Reads WHATSAPP_OMNI_STORE_URL (unset: SQLite in the n8n user folder). */
export function storeLocation(env: Env = process.env): StoreLocation {
	const raw = env[STORE_URL_VARIABLE]?.trim();
	if (!raw) {
		const file = defaultSqlitePath(env);
		return { kind: 'sqlite', path: file, key: `sqlite:${file}`, isDefault: true };
	}
	if (raw.startsWith('memory:')) {
		const name = raw.slice('memory:'.length);
		return { kind: 'memory', name, key: `memory:${name}` };
	}
	if (raw.startsWith('sqlite:')) {
		// sqlite:/abs, sqlite:///abs and sqlite:relative (to the working folder) all name a file.
		const rest = raw.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
		if (!rest) throw new StoreConfigError(`${STORE_URL_VARIABLE}=sqlite: needs a file path, e.g. sqlite:/home/node/.n8n/whatsapp-omni.sqlite`);
		const file = path.resolve(rest);
		return { kind: 'sqlite', path: file, key: `sqlite:${file}`, isDefault: false };
	}
	if (/^postgres(ql)?:\/\//.test(raw)) return parsePostgres(raw);
	throw new StoreConfigError(
		`${STORE_URL_VARIABLE} must start with memory:, sqlite: or postgres:// (got "${raw.split(':')[0]}:…")`,
	);
}

export function retentionDays(env: Env = process.env): number {
	const raw = env[RETENTION_VARIABLE]?.trim();
	if (!raw) return DEFAULT_RETENTION_DAYS;
	const days = Number(raw);
	if (!Number.isFinite(days) || days <= 0) {
		throw new StoreConfigError(`${RETENTION_VARIABLE} must be a number of days above 0 (got "${raw}")`);
	}
	return days;
}

/** Whether this Node.js has node:sqlite (Node ≥ 22.13; not Node 20). */
export function hasNodeSqlite(): boolean {
	try {
		require('node:sqlite');
		return true;
	} catch {
		return false;
	}
}

let warnedNoSqlite = false;

/** For tests: the next missing node:sqlite warns again. */
export function resetStoreWarnings(): void {
	warnedNoSqlite = false;
}

export interface OpenStoreOptions extends Pick<StoreOptions, 'now'> {
	/** For tests: whether node:sqlite can be loaded. */
	sqliteAvailable?: () => boolean;
}

/** Opens a new store (migrating its database when needed). Most callers want getStore(). */
export async function openStore(env: Env = process.env, options: OpenStoreOptions = {}): Promise<ConversationStore> {
	const location = storeLocation(env);
	const storeOptions: StoreOptions = { retentionDays: retentionDays(env), now: options.now, warn: (message) => storeLog.warn(message) };
	if (location.kind === 'memory') return new EngineStore(new MemoryEngine(location.name), storeOptions);
	if (location.kind === 'sqlite') {
		const available = (options.sqliteAvailable ?? hasNodeSqlite)();
		if (!available && location.isDefault) {
			if (!warnedNoSqlite) {
				warnedNoSqlite = true;
				storeLog.warn(
					`WhatsApp Omni: node:sqlite is not available on Node.js ${process.version} (it needs 22.13 or later), so the conversation store ` +
						`keeps history, statuses and dedupe keys in memory: they are lost on restart and not shared between n8n processes. ` +
						`Run n8n on Node.js 22.13+ or set ${STORE_URL_VARIABLE} to a postgres:// URL.`,
				);
			}
			return new EngineStore(new MemoryEngine(), storeOptions);
		}
		if (!available) {
			throw new StoreUnavailableError(
				`${STORE_URL_VARIABLE}=sqlite:${location.path} needs node:sqlite, which Node.js ${process.version} does not have (22.13 or later has it). ` +
					`Run n8n on a newer Node.js, or use a postgres:// URL.`,
			);
		}
		const { openSqliteEngine } = await import('./sqlite');
		return new EngineStore(await openSqliteEngine(location.path), storeOptions);
	}
	const { openPostgresEngine } = await import('./postgres');
	return new EngineStore(await openPostgresEngine(location), storeOptions);
}

const stores = new Map<string, Promise<ConversationStore>>();

/**
 * The process's store for the configured URL, opened on first use and shared by every execution.
 * A failed open is not cached: the next call tries again (the database may be back).
 */
export function getStore(env: Env = process.env): Promise<ConversationStore> {
	const { key } = storeLocation(env);
	let store = stores.get(key);
	if (!store) {
		store = openStore(env);
		stores.set(key, store);
		store.catch(() => stores.delete(key));
	}
	return store;
}

/** Closes every store getStore() opened (tests; a process that shuts down). */
export async function closeAllStores(): Promise<void> {
	const open = [...stores.values()];
	stores.clear();
	await Promise.all(open.map(async (store) => (await store.catch(() => undefined))?.close()));
}

/** The store of this process for process.env's WHATSAPP_OMNI_STORE_URL (what the nodes use). */
export function openProcessStore(): Promise<ConversationStore> {
	return getStore(process.env);
}
