/**
 * The contract on a real PostgreSQL: a throw-away server from Debian's packages
 * (scripts/services/postgres.js), one schema per test. Fails, never skips, when the server
 * binaries are missing (CI installs them).
 */
import { Client } from 'pg';

import { openStore } from '../../nodes/WhatsAppOmni/store';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../../nodes/WhatsAppOmni/store/schema';
import { storeContract, T0 } from './contract';

const { startPostgres } = require('../../scripts/services/postgres') as {
	startPostgres(options?: { settings?: Record<string, string> }): Promise<{ url: string; stop(): Promise<void> }>;
};

let server: { url: string; stop(): Promise<void> };
let admin: Client;
let count = 0;

beforeAll(async () => {
	server = await startPostgres({ settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' } });
	admin = new Client(server.url);
	await admin.connect();
}, 60_000);

afterAll(async () => {
	await admin?.end();
	await server?.stop();
});

const query = async (sql: string, params: unknown[] = []) => (await admin.query(sql, params)).rows as Array<Record<string, unknown>>;

storeContract({
	name: 'postgres',
	latestVersion: LATEST_SCHEMA_VERSION,
	processes: true,
	open: (env) => openStore(env),
	// Nothing listens on port 1; the password must not show up in the error.
	unreachable: { url: 'postgres://omni:s3cr3t-Pa55w0rd@127.0.0.1:1/n8n', where: '127.0.0.1:1', secret: 's3cr3t-Pa55w0rd' },
	async database() {
		const schema = `contract_${++count}`;
		const url = `${server.url}?schema=${schema}`;
		const tables = async () => (await query('SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name', [schema])).map((row) => String(row.table_name));
		return {
			url,
			open: (clock) => openStore({ WHATSAPP_OMNI_STORE_URL: url }, { now: clock?.now }),
			schema: {
				version: async () => {
					if (!(await tables()).includes('store_meta')) return undefined;
					return Number((await query(`SELECT value FROM "${schema}".store_meta WHERE key = 'schema_version'`))[0]?.value);
				},
				setVersion: async (version) => void (await query(`UPDATE "${schema}".store_meta SET value = $1 WHERE key = 'schema_version'`, [String(version)])),
				indexNames: async () => (await query('SELECT indexname FROM pg_indexes WHERE schemaname = $1', [schema])).map((row) => String(row.indexname)),
				tableNames: tables,
				buildVersion: async (version) => {
					// As that version of the package left a database: its statements, by hand.
					await query(`CREATE SCHEMA "${schema}"`);
					for (const migration of MIGRATIONS.filter((step) => step.version <= version)) {
						for (const statement of migration.statements('postgres')) await query(statement.replace(/\{t\}/g, `"${schema}".`));
					}
					await query(`CREATE TABLE "${schema}".store_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`);
					await query(`INSERT INTO "${schema}".store_meta VALUES ('schema_version', $1)`, [String(version)]);
					await query(`INSERT INTO "${schema}".contacts (id, provider, business, phone_number, updated_ms) VALUES (1, 'meta', '106540352242922', '+15550001111', ${T0})`);
					await query(
						`INSERT INTO "${schema}".messages (provider, business, id, contact_id, direction, type, text, ts_ms, recorded_ms) VALUES ('meta', '106540352242922', 'wamid.v1', 1, 'inbound', 'text', 'from v1', ${T0}, ${T0})`,
					);
				},
			},
			drop: async () => void (await query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)),
		};
	},
});
