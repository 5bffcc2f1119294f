/**
 * Choosing and opening the store: WHATSAPP_OMNI_STORE_URL's forms, the default file, the
 * retention variable, one store per URL per process, lazy drivers, and the fallback to memory
 * (with one warning per process) where node:sqlite is missing.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import {
	closeAllStores,
	defaultSqlitePath,
	getStore,
	hasNodeSqlite,
	openStore,
	resetStoreWarnings,
	retentionDays,
	StoreConfigError,
	storeLocation,
	storeLog,
	StoreUnavailableError,
} from '../../nodes/WhatsAppOmni/store';

const URL_VARIABLE = 'WHATSAPP_OMNI_STORE_URL';
const [major, minor] = process.versions.node.split('.').map(Number);
const nodeHasSqlite = major > 22 || (major === 22 && minor >= 13);

let folder: string;
let warn: jest.SpyInstance;

beforeEach(() => {
	folder = fs.mkdtempSync(path.join(os.tmpdir(), 'omni-open-store-'));
	resetStoreWarnings();
	warn = jest.spyOn(storeLog, 'warn').mockImplementation(() => undefined);
});

afterEach(async () => {
	await closeAllStores();
	warn.mockRestore();
	fs.rmSync(folder, { recursive: true, force: true });
});

describe('WHATSAPP_OMNI_STORE_URL', () => {
	it('defaults to SQLite in the n8n user folder, else in ~/.n8n', () => {
		expect(storeLocation({ N8N_USER_FOLDER: '/data/n8n' })).toMatchObject({ kind: 'sqlite', path: '/data/n8n/.n8n/whatsapp-omni.sqlite', isDefault: true });
		expect(defaultSqlitePath({})).toBe(path.join(os.homedir(), '.n8n', 'whatsapp-omni.sqlite'));
		expect(storeLocation({ [URL_VARIABLE]: '  ' })).toMatchObject({ kind: 'sqlite', isDefault: true });
	});

	it('reads memory:, sqlite: and postgres:// forms', () => {
		expect(storeLocation({ [URL_VARIABLE]: 'memory:' })).toEqual({ kind: 'memory', name: '', key: 'memory:' });
		expect(storeLocation({ [URL_VARIABLE]: 'sqlite:/var/lib/omni.sqlite' })).toMatchObject({ kind: 'sqlite', path: '/var/lib/omni.sqlite', isDefault: false });
		expect(storeLocation({ [URL_VARIABLE]: 'sqlite:///var/lib/omni.sqlite' })).toMatchObject({ path: '/var/lib/omni.sqlite' });
		expect(storeLocation({ [URL_VARIABLE]: 'sqlite:data/omni.sqlite' })).toMatchObject({ path: path.resolve('data/omni.sqlite') });
		const postgres = storeLocation({ [URL_VARIABLE]: 'postgresql://n8n:p%40ss@db.internal:6543/n8n?schema=omni&sslmode=require' });
		expect(postgres).toMatchObject({ kind: 'postgres', schema: 'omni', where: 'db.internal:6543/n8n', password: 'p@ss' });
		expect(postgres.kind === 'postgres' && postgres.connectionString).toBe('postgresql://n8n:p%40ss@db.internal:6543/n8n?sslmode=require');
		expect(postgres.key).not.toContain('p%40ss');
		expect(storeLocation({ [URL_VARIABLE]: 'postgres://db/n8n' })).toMatchObject({ schema: 'whatsapp_omni', where: 'db:5432/n8n' });
	});

	it('refuses what it cannot read, without quoting a password', () => {
		expect(() => storeLocation({ [URL_VARIABLE]: 'mysql://root:hunter2@db/x' })).toThrow(StoreConfigError);
		expect(() => storeLocation({ [URL_VARIABLE]: 'mysql://root:hunter2@db/x' })).not.toThrow(/hunter2/);
		expect(() => storeLocation({ [URL_VARIABLE]: 'postgres://db/n8n?schema=drop;table' })).toThrow(/schema/);
		expect(() => storeLocation({ [URL_VARIABLE]: 'sqlite:' })).toThrow(/file path/);
	});

	it('reads WHATSAPP_OMNI_STORE_RETENTION_DAYS (default 90)', () => {
		expect(retentionDays({})).toBe(90);
		expect(retentionDays({ WHATSAPP_OMNI_STORE_RETENTION_DAYS: '7' })).toBe(7);
		expect(() => retentionDays({ WHATSAPP_OMNI_STORE_RETENTION_DAYS: '0' })).toThrow(/WHATSAPP_OMNI_STORE_RETENTION_DAYS/);
		expect(() => retentionDays({ WHATSAPP_OMNI_STORE_RETENTION_DAYS: 'forever' })).toThrow(StoreConfigError);
	});
});

describe('without node:sqlite', () => {
	const missing = { sqliteAvailable: () => false };

	it('the default falls back to memory and says so once per process', async () => {
		const first = await openStore({ N8N_USER_FOLDER: folder }, missing);
		const second = await openStore({ N8N_USER_FOLDER: folder }, missing);
		expect(first.kind).toBe('memory');
		expect(second.kind).toBe('memory');
		expect(warn).toHaveBeenCalledTimes(1);
		expect(warn.mock.calls[0][0]).toMatch(/node:sqlite is not available.*in memory.*WHATSAPP_OMNI_STORE_URL/s);
		await Promise.all([first.close(), second.close()]);
	});

	it('an explicit sqlite: URL fails clearly instead', async () => {
		const file = path.join(folder, 'x.sqlite');
		const error = await openStore({ [URL_VARIABLE]: `sqlite:${file}` }, missing).catch((failure: Error) => failure);
		expect(error).toBeInstanceOf(StoreUnavailableError);
		expect((error as Error).message).toContain(file);
		expect((error as Error).message).toContain(URL_VARIABLE);
		expect((error as Error).message).toMatch(/22\.13/);
		expect(warn).not.toHaveBeenCalled();
	});
});

describe(`this Node.js (${process.version})`, () => {
	it(nodeHasSqlite ? 'has node:sqlite: the default store is the SQLite file in the n8n user folder' : 'lacks node:sqlite: the default store is memory, with exactly one warning', async () => {
		expect(hasNodeSqlite()).toBe(nodeHasSqlite);
		const env = { N8N_USER_FOLDER: folder };
		const store = await getStore(env);
		expect(await getStore(env)).toBe(store);
		if (nodeHasSqlite) {
			expect(store.kind).toBe('sqlite');
			expect(fs.existsSync(path.join(folder, '.n8n', 'whatsapp-omni.sqlite'))).toBe(true);
			expect(warn).not.toHaveBeenCalled();
		} else {
			expect(store.kind).toBe('memory');
			await openStore(env);
			expect(warn).toHaveBeenCalledTimes(1);
		}
	});
});

describe('getStore', () => {
	it('keeps one store per URL in a process', async () => {
		const a = await getStore({ [URL_VARIABLE]: 'memory:a' });
		expect(await getStore({ [URL_VARIABLE]: 'memory:a' })).toBe(a);
		expect(await getStore({ [URL_VARIABLE]: 'memory:b' })).not.toBe(a);
	});

	it('tries again after a failed open', async () => {
		const blocker = path.join(folder, 'file');
		fs.writeFileSync(blocker, '');
		const env = { [URL_VARIABLE]: `sqlite:${path.join(blocker, 'x.sqlite')}` };
		const first = getStore(env);
		await expect(first).rejects.toThrow(StoreUnavailableError);
		expect(getStore(env)).not.toBe(first);
		await getStore(env).catch(() => undefined);
	});
});

it('does not load pg for a memory store (pg is required only by postgres:// stores)', () => {
	const script = `
		require('./sandbox/register');
		const { openStore } = require('./nodes/WhatsAppOmni/store');
		const loaded = () => Object.keys(require.cache).some((file) => file.includes('/node_modules/pg/'));
		(async () => {
			const memory = await openStore({ WHATSAPP_OMNI_STORE_URL: 'memory:' });
			const afterMemory = loaded();
			await memory.close();
			process.stdout.write(JSON.stringify({ afterMemory }));
		})();`;
	const result = spawnSync(process.execPath, ['-e', script], { cwd: path.join(__dirname, '..', '..'), encoding: 'utf8' });
	expect(result.stderr).toBe('');
	expect(JSON.parse(result.stdout)).toEqual({ afterMemory: false });
});
