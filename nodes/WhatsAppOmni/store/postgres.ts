/**
 * PostgreSQL through `pg` (required at first use: SQLite users never load it). One small pool per
 * store, and getStore() keeps one store per URL per process, so an n8n process holds at most
 * POOL_SIZE connections whatever it runs. Tables live in their own schema (default
 * `whatsapp_omni`, `?schema=` in the URL), so n8n's own database server can host them.
 */
import type { Pool, PoolClient } from 'pg';

import { NeedsExclusive, type LockMode } from './backend';
import { STORE_URL_VARIABLE, StoreUnavailableError, redact, schemaTooNew } from './errors';
import type { StoreLocation } from './index';
import { LATEST_SCHEMA_VERSION, META_TABLE, META_TABLE_STATEMENT, pendingMigrations } from './schema';
import { SqlEngine, type SqlDriver, type SqlRow, type SqlRunner, type SqlValue } from './sql';
import type { StoreScope } from './types';

export const POOL_SIZE = 5;

type PostgresLocation = Extract<StoreLocation, { kind: 'postgres' }>;

/** `?` placeholders become $1, $2…; `{t}` becomes the schema. No statement here has a literal `?`. */
function sqlFor(sql: string, schema: string): string {
	let index = 0;
	return sql.replace(/\{t\}/g, `"${schema}".`).replace(/\?/g, () => `$${++index}`);
}

/** Connection failures (server down, refused, timed out, shutting down) as opposed to bad SQL. */
function isConnectionError(error: { code?: string; message?: string }): boolean {
	const code = error.code ?? '';
	return (
		/^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EPIPE)$/.test(code) ||
		/^(08|57P|53)/.test(code) ||
		/timeout|terminated|Connection terminated/i.test(error.message ?? '')
	);
}

class PostgresDriver implements SqlDriver {
	readonly kind = 'postgres';
	readonly dialect = 'postgres';
	readonly description: string;

	constructor(
		private readonly pool: Pool,
		private readonly location: PostgresLocation,
	) {
		this.description = `PostgreSQL at ${location.where} (schema ${location.schema})`;
	}

	/** Any error, with the password cut out; connection failures become StoreUnavailableError. */
	fail(error: unknown, doing: string): Error {
		const original = error as { code?: string; message?: string };
		const message = redact(String(original?.message ?? error), [this.location.password]);
		if (isConnectionError(original)) {
			return new StoreUnavailableError(
				`Cannot reach the conversation store: PostgreSQL at ${this.location.where} (${STORE_URL_VARIABLE}) while ${doing}: ${message}${original.code ? ` (${original.code})` : ''}`,
			);
		}
		if (error instanceof Error && message === error.message) return error;
		return new Error(`The conversation store (PostgreSQL at ${this.location.where}) failed while ${doing}: ${message}`);
	}

	runner(client: Pool | PoolClient): SqlRunner {
		const schema = this.location.schema;
		return {
			all: async (sql: string, params: SqlValue[] = []) => (await client.query(sqlFor(sql, schema), params)).rows as SqlRow[],
			run: async (sql: string, params: SqlValue[] = []) => (await client.query(sqlFor(sql, schema), params)).rowCount ?? 0,
		};
	}

	async connect(doing: string): Promise<PoolClient> {
		try {
			return await this.pool.connect();
		} catch (error) {
			throw this.fail(error, doing);
		}
	}

	async read<T>(work: (db: SqlRunner) => Promise<T>): Promise<T> {
		try {
			return await work(this.runner(this.pool));
		} catch (error) {
			throw this.fail(error, 'reading');
		}
	}

	async transaction<T>(scope: StoreScope, mode: LockMode, work: (db: SqlRunner, exclusive: boolean) => Promise<T>): Promise<T> {
		const client = await this.connect('writing');
		let broken = false;
		try {
			await client.query('BEGIN');
			if (mode !== 'rows') {
				// Contacts of a scope change only under the exclusive lock; writers that read them share it.
				const lock = mode === 'exclusive' ? 'pg_advisory_xact_lock' : 'pg_advisory_xact_lock_shared';
				await client.query(`SELECT ${lock}(hashtextextended($1, 0))`, [`${this.location.schema}|${scope.provider}|${scope.business}`]);
			}
			const result = await work(this.runner(client), mode === 'exclusive');
			await client.query('COMMIT');
			return result;
		} catch (error) {
			await client.query('ROLLBACK').catch(() => (broken = true));
			throw error instanceof NeedsExclusive ? error : this.fail(error, 'writing');
		} finally {
			client.release(broken);
		}
	}

	async close(): Promise<void> {
		await this.pool.end();
	}
}

/** Applies the missing migrations in one transaction, one process at a time (advisory lock). */
async function migrate(driver: PostgresDriver, client: PoolClient, location: PostgresLocation, target = LATEST_SCHEMA_VERSION): Promise<void> {
	const schema = location.schema;
	const where = `PostgreSQL at ${location.where}, schema ${schema}`;
	await client.query('BEGIN');
	try {
		await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`whatsapp_omni migrate ${schema}`]);
		// Read before anything is written: a newer database is left exactly as it is.
		const { rows } = await client.query<{ meta: string | null }>('SELECT to_regclass($1) AS meta', [`"${schema}".${META_TABLE}`]);
		let version = 0;
		if (rows[0].meta) {
			const found = await client.query<{ value: string }>(`SELECT value FROM "${schema}".${META_TABLE} WHERE key = 'schema_version'`);
			version = Number(found.rows[0]?.value ?? 0);
		}
		if (version > LATEST_SCHEMA_VERSION) throw schemaTooNew(where, version, LATEST_SCHEMA_VERSION);
		const steps = pendingMigrations(version, target);
		if (steps.length > 0) {
			await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
			await client.query(sqlFor(META_TABLE_STATEMENT, schema));
			for (const step of steps) for (const statement of step.statements('postgres')) await client.query(sqlFor(statement, schema));
			await client.query(
				`INSERT INTO "${schema}".${META_TABLE} (key, value) VALUES ('schema_version', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
				[String(steps[steps.length - 1].version)],
			);
		}
		await client.query('COMMIT');
	} catch (error) {
		await client.query('ROLLBACK').catch(() => undefined);
		if (error instanceof StoreUnavailableError) throw error;
		throw driver.fail(error, 'creating or upgrading its tables');
	}
}

export async function openPostgresEngine(location: PostgresLocation): Promise<SqlEngine> {
	const { Pool: PoolClass } = require('pg') as typeof import('pg');
	const pool = new PoolClass({
		connectionString: location.connectionString,
		max: POOL_SIZE,
		idleTimeoutMillis: 30_000,
		// Short: a webhook waiting on an unreachable store must still answer the provider in time.
		connectionTimeoutMillis: 5_000,
		application_name: 'n8n-nodes-whatsapp-omni',
	});
	const driver = new PostgresDriver(pool, location);
	// An idle connection the server drops must not crash n8n: the next query reconnects.
	pool.on('error', () => undefined);
	try {
		const client = await driver.connect('opening the store');
		try {
			await migrate(driver, client, location);
		} finally {
			client.release();
		}
	} catch (error) {
		await pool.end().catch(() => undefined);
		throw error;
	}
	return new SqlEngine(driver);
}
