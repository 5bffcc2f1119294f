/**
 * The contract on SQLite (node:sqlite). Needs Node ≥ 22.13: `npm run test:store` runs it under
 * Node 24; jest.config.js leaves this file out on an older Node instead of letting it skip.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { openStore } from '../../nodes/WhatsAppOmni/store';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../../nodes/WhatsAppOmni/store/schema';
import { loadDatabaseSync } from '../../nodes/WhatsAppOmni/store/sqlite';
import { storeContract, T0 } from './contract';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'omni-store-sqlite-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

// A plain file where a folder should be: the store's file can never be created under it.
const blocker = path.join(root, 'not-a-folder');
fs.writeFileSync(blocker, '');

let count = 0;

function raw<T>(file: string, work: (db: { exec(sql: string): void; prepare(sql: string): { all(...p: unknown[]): Array<Record<string, unknown>>; run(...p: unknown[]): unknown } }) => T): T {
	const DatabaseSync = loadDatabaseSync();
	const db = new DatabaseSync(file) as unknown as Parameters<typeof work>[0] & { close(): void };
	try {
		return work(db);
	} finally {
		db.close();
	}
}

storeContract({
	name: 'sqlite',
	latestVersion: LATEST_SCHEMA_VERSION,
	processes: true,
	open: (env) => openStore(env),
	unreachable: { url: `sqlite:${path.join(blocker, 'store.sqlite')}`, where: path.join(blocker, 'store.sqlite') },
	async database() {
		const file = path.join(root, `db-${++count}`, 'store.sqlite');
		const tables = () => raw(file, (db) => db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all().map((row) => String(row.name)));
		return {
			url: `sqlite:${file}`,
			open: (clock) => openStore({ WHATSAPP_OMNI_STORE_URL: `sqlite:${file}` }, { now: clock?.now }),
			schema: {
				version: async () => {
					if (!fs.existsSync(file) || !tables().includes('store_meta')) return undefined;
					return raw(file, (db) => Number(db.prepare("SELECT value FROM store_meta WHERE key = 'schema_version'").all()[0]?.value));
				},
				setVersion: async (version) => raw(file, (db) => void db.prepare("UPDATE store_meta SET value = ? WHERE key = 'schema_version'").run(String(version))),
				indexNames: async () => raw(file, (db) => db.prepare("SELECT name FROM sqlite_master WHERE type = 'index'").all().map((row) => String(row.name))),
				tableNames: async () => tables(),
				buildVersion: async (version) => {
					fs.mkdirSync(path.dirname(file), { recursive: true });
					raw(file, (db) => {
						// As that version of the package left a database: its statements, by hand.
						for (const migration of MIGRATIONS.filter((step) => step.version <= version)) {
							for (const statement of migration.statements('sqlite')) db.exec(statement.replace(/\{t\}/g, ''));
						}
						db.exec(`CREATE TABLE store_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL); INSERT INTO store_meta VALUES ('schema_version', '${version}')`);
						db.exec(`INSERT INTO contacts (id, provider, business, phone_number, updated_ms) VALUES (1, 'meta', '106540352242922', '+15550001111', ${T0})`);
						db.exec(`INSERT INTO messages (provider, business, id, contact_id, direction, type, text, ts_ms, recorded_ms) VALUES ('meta', '106540352242922', 'wamid.v1', 1, 'inbound', 'text', 'from v1', ${T0}, ${T0})`);
					});
				},
			},
			drop: async () => fs.rmSync(path.dirname(file), { recursive: true, force: true }),
		};
	},
});
