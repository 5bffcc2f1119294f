/**
 * SQLite through Node's built-in node:sqlite (Node ≥ 22.13), loaded at first use so the package
 * still loads on Node 20. One connection per store; WAL lets readers run beside a writer, and
 * BEGIN IMMEDIATE + busy_timeout make writers of several processes take turns.
 */
import fs from 'node:fs';
import path from 'node:path';

import type { LockMode } from './backend';
import { STORE_URL_VARIABLE, StoreUnavailableError, schemaTooNew } from './errors';
import { Mutex } from './mutex';
import { LATEST_SCHEMA_VERSION, META_TABLE, META_TABLE_STATEMENT, pendingMigrations } from './schema';
import { SqlEngine, type SqlDriver, type SqlRow, type SqlRunner, type SqlValue } from './sql';
import type { StoreScope } from './types';

/** The part of node:sqlite used here (@types/node 20 does not describe it). */
interface StatementSync {
	all(...params: SqlValue[]): SqlRow[];
	run(...params: SqlValue[]): { changes: number | bigint };
}
interface DatabaseSync {
	exec(sql: string): void;
	prepare(sql: string): StatementSync;
	close(): void;
}

/** How long a writer waits for another process's write to finish before giving up. */
export const SQLITE_BUSY_TIMEOUT_MS = 5000;

/**
 * Connections of this process to one file take turns here: node:sqlite is synchronous, so a
 * second connection waiting on SQLite's own lock would block the very thread holding it.
 */
const fileMutexes = new Map<string, { mutex: Mutex; users: number }>();

function sqlFor(sql: string): string {
	return sql.replace(/\{t\}/g, '');
}

class SqliteDriver implements SqlDriver {
	readonly kind = 'sqlite';
	readonly dialect = 'sqlite';
	readonly description: string;
	private readonly statements = new Map<string, StatementSync>();
	private readonly runner: SqlRunner;
	private closed = false;

	constructor(
		private readonly db: DatabaseSync,
		private readonly file: string,
		private readonly turn: { mutex: Mutex; users: number },
	) {
		this.description = `sqlite:${file}`;
		this.runner = {
			all: async (sql, params = []) => this.statement(sql).all(...params),
			run: async (sql, params = []) => Number(this.statement(sql).run(...params).changes),
		};
	}

	private statement(sql: string): StatementSync {
		let statement = this.statements.get(sql);
		if (!statement) this.statements.set(sql, (statement = this.db.prepare(sqlFor(sql))));
		return statement;
	}

	private guard<T>(work: () => Promise<T>): Promise<T> {
		if (this.closed) return Promise.reject(new Error('The conversation store is closed'));
		return this.turn.mutex.run(async () => {
			try {
				return await work();
			} catch (error) {
				throw busyError(error, this.file);
			}
		});
	}

	read<T>(work: (db: SqlRunner) => Promise<T>): Promise<T> {
		return this.guard(() => work(this.runner));
	}

	transaction<T>(_scope: StoreScope, _mode: LockMode, work: (db: SqlRunner, exclusive: boolean) => Promise<T>): Promise<T> {
		// One writer at a time in the whole file: every transaction may change contacts.
		return this.guard(async () => {
			this.db.exec('BEGIN IMMEDIATE');
			try {
				const result = await work(this.runner, true);
				this.db.exec('COMMIT');
				return result;
			} catch (error) {
				this.db.exec('ROLLBACK');
				throw error;
			}
		});
	}

	async close(): Promise<void> {
		if (this.closed) return;
		await this.turn.mutex.run(async () => {
			this.closed = true;
			this.db.close();
		});
		if (--this.turn.users === 0) fileMutexes.delete(this.file);
	}
}

/** SQLite gave up waiting for another process: that is the store being unavailable, not a bug. */
function busyError(error: unknown, file: string): unknown {
	const message = error instanceof Error ? error.message : String(error);
	if (!/database is locked|SQLITE_BUSY/i.test(message)) return error;
	return new StoreUnavailableError(
		`The conversation store sqlite:${file} (${STORE_URL_VARIABLE}) stayed locked by another process for ${SQLITE_BUSY_TIMEOUT_MS / 1000} s: ${message}`,
	);
}

function unavailable(file: string, error: unknown): StoreUnavailableError {
	const reason = error instanceof Error ? error.message : String(error);
	return new StoreUnavailableError(`Cannot open the conversation store sqlite:${file} (${STORE_URL_VARIABLE}): ${reason}`);
}

function schemaVersion(db: DatabaseSync): number {
	const [table] = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name = '${META_TABLE}'`).all();
	if (!table) return 0;
	const [row] = db.prepare(`SELECT value FROM ${META_TABLE} WHERE key = 'schema_version'`).all();
	return row ? Number(row.value) : 0;
}

/** Applies the missing migrations in one write transaction (another process may be doing the same). */
export function migrateSqlite(db: DatabaseSync, file: string, target = LATEST_SCHEMA_VERSION): void {
	db.exec('BEGIN IMMEDIATE');
	try {
		const version = schemaVersion(db);
		if (version > LATEST_SCHEMA_VERSION) throw schemaTooNew(`sqlite:${file}`, version, LATEST_SCHEMA_VERSION);
		const steps = pendingMigrations(version, target);
		if (steps.length > 0) {
			db.exec(sqlFor(META_TABLE_STATEMENT));
			for (const step of steps) for (const statement of step.statements('sqlite')) db.exec(sqlFor(statement));
			db.prepare(`INSERT INTO ${META_TABLE} (key, value) VALUES ('schema_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`).run(
				String(steps[steps.length - 1].version),
			);
		}
		db.exec('COMMIT');
	} catch (error) {
		db.exec('ROLLBACK');
		throw error;
	}
}

/** node:sqlite's DatabaseSync, required at first use. */
export function loadDatabaseSync(): new (file: string) => DatabaseSync {
	return (require('node:sqlite') as { DatabaseSync: new (file: string) => DatabaseSync }).DatabaseSync;
}

export function openSqliteDatabase(file: string): DatabaseSync {
	const DatabaseSyncClass = loadDatabaseSync();
	let db: DatabaseSync;
	try {
		fs.mkdirSync(path.dirname(file), { recursive: true });
		db = new DatabaseSyncClass(file);
		db.exec(`PRAGMA busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
	} catch (error) {
		throw unavailable(file, error);
	}
	return db;
}

export async function openSqliteEngine(file: string): Promise<SqlEngine> {
	let turn = fileMutexes.get(file);
	if (!turn) fileMutexes.set(file, (turn = { mutex: new Mutex(), users: 0 }));
	turn.users++;
	try {
		// In turn with this process's other connections to the file (see fileMutexes).
		const db = await turn.mutex.run(async () => {
			const opened = openSqliteDatabase(file);
			try {
				// Looked at before anything is written: a newer database is left exactly as it is.
				const found = schemaVersion(opened);
				if (found > LATEST_SCHEMA_VERSION) throw schemaTooNew(`sqlite:${file}`, found, LATEST_SCHEMA_VERSION);
				// WAL: readers never wait for the writer; NORMAL sync is safe with WAL (a power cut may
				// lose the last transactions, never corrupt the file) and much faster than FULL.
				opened.exec('PRAGMA journal_mode = WAL');
				opened.exec('PRAGMA synchronous = NORMAL');
				migrateSqlite(opened, file);
				return opened;
			} catch (error) {
				opened.close();
				const mapped = busyError(error, file);
				throw mapped instanceof StoreUnavailableError ? mapped : unavailable(file, error);
			}
		});
		return new SqlEngine(new SqliteDriver(db, file, turn));
	} catch (error) {
		if (--turn.users === 0) fileMutexes.delete(file);
		throw error;
	}
}
