/**
 * The SQL engines (SQLite and PostgreSQL) share every statement: a driver only runs SQL (with `?`
 * placeholders and `{t}` before table names) and brackets transactions in its own way.
 */
import type {
	ContactPatch,
	ContactRow,
	ContactDocumentKind,
	DeliveryRow,
	FlowStateRow,
	ListenerRow,
	LockMode,
	MessageBounds,
	MessageWithStatus,
	StatusRow,
	StorageEngine,
	StoreTx,
} from './backend';
import type { Dialect } from './schema';
import type { PruneResult, StoreScope } from './types';

export type SqlValue = string | number | null;
export type SqlRow = Record<string, unknown>;

export interface SqlRunner {
	all(sql: string, params?: SqlValue[]): Promise<SqlRow[]>;
	/** The number of rows changed. */
	run(sql: string, params?: SqlValue[]): Promise<number>;
}

export interface SqlDriver {
	readonly kind: 'sqlite' | 'postgres';
	readonly dialect: Dialect;
	readonly description: string;
	/** Outside a transaction (one statement). */
	read<T>(work: (db: SqlRunner) => Promise<T>): Promise<T>;
	/** In one transaction that holds the lock `mode` asks for on `scope`. */
	transaction<T>(scope: StoreScope, mode: LockMode, work: (db: SqlRunner, exclusive: boolean) => Promise<T>): Promise<T>;
	close(): Promise<void>;
}

const json = <T>(value: unknown): T | undefined => (value === null || value === undefined ? undefined : (JSON.parse(String(value)) as T));
const toJson = (value: unknown): string | null => (value === undefined ? null : JSON.stringify(value));

function contactFrom(row: SqlRow): ContactRow {
	const contact: ContactRow = { id: Number(row.id) };
	if (row.phone_number != null) contact.phoneNumber = String(row.phone_number);
	if (row.user_id != null) contact.userId = String(row.user_id);
	if (row.name != null) contact.name = String(row.name);
	if (row.last_inbound_ms != null) contact.lastInboundMs = Number(row.last_inbound_ms);
	return contact;
}

/** `prefix` picks the columns of a joined status (s_status…) or a plain status row (status…). */
function statusFrom(row: SqlRow, prefix = ''): StatusRow | undefined {
	const status = row[`${prefix}status`];
	if (status === null || status === undefined || status === '') return undefined;
	const result: StatusRow = {
		status: String(status),
		tsMs: Number(row[`${prefix}ts_ms`]),
		history: json(row[`${prefix}history`]) ?? [],
	};
	const errors = json<StatusRow['errors']>(row[`${prefix}errors`]);
	const pricing = json<StatusRow['pricing']>(row[`${prefix}pricing`]);
	if (errors) result.errors = errors;
	if (pricing) result.pricing = pricing;
	return result;
}

function messageFrom(row: SqlRow): MessageWithStatus {
	const message: MessageWithStatus = {
		id: String(row.id),
		direction: row.direction as MessageWithStatus['direction'],
		contactId: Number(row.contact_id),
		type: String(row.type),
		tsMs: Number(row.ts_ms),
	};
	if (row.text != null) message.text = String(row.text);
	const mediaIds = json<string[]>(row.media_ids);
	if (mediaIds) message.mediaIds = mediaIds;
	if (row.template_name != null) message.templateName = String(row.template_name);
	if (row.contact_name != null) message.contactName = String(row.contact_name);
	const status = statusFrom(row, 's_');
	if (status) message.status = status;
	return message;
}

function flowStateFrom(row: SqlRow): FlowStateRow {
	const state: FlowStateRow = { version: Number(row.version), updatedMs: Number(row.updated_ms) };
	const document = json<FlowStateRow['document']>(row.document);
	if (document) state.document = document;
	if (row.expires_ms != null) state.expiresMs = Number(row.expires_ms);
	return state;
}

const FLOW_STATE_COLUMNS = 'document, version, updated_ms, expires_ms';
const DOCUMENT_TABLES: Record<ContactDocumentKind, string> = { flow: 'flow_states', wait: 'waits' };

const CONTACT_COLUMNS = 'id, phone_number, user_id, name, last_inbound_ms';
const PATCH_COLUMNS: Record<keyof ContactPatch, string> = {
	phoneNumber: 'phone_number',
	userId: 'user_id',
	name: 'name',
	lastInboundMs: 'last_inbound_ms',
};

export class SqlEngine implements StorageEngine {
	readonly kind: 'sqlite' | 'postgres';
	readonly description: string;

	constructor(private readonly driver: SqlDriver) {
		this.kind = driver.kind;
		this.description = driver.description;
	}

	private tx(db: SqlRunner, exclusive: boolean): StoreTx {
		const postgres = this.driver.dialect === 'postgres';
		return {
			exclusive,
			findContact: async (scope, field, value) => {
				const column = field === 'phoneNumber' ? 'phone_number' : 'user_id';
				const [row] = await db.all(`SELECT ${CONTACT_COLUMNS} FROM {t}contacts WHERE provider = ? AND business = ? AND ${column} = ?`, [scope.provider, scope.business, value]);
				return row && contactFrom(row);
			},
			insertContact: async (scope, ref, nowMs) => {
				const [row] = await db.all(
					`INSERT INTO {t}contacts (provider, business, phone_number, user_id, updated_ms) VALUES (?, ?, ?, ?, ?) RETURNING ${CONTACT_COLUMNS}`,
					[scope.provider, scope.business, ref.phoneNumber ?? null, ref.userId ?? null, nowMs],
				);
				return contactFrom(row);
			},
			updateContact: async (id, patch, nowMs) => {
				const fields = (Object.keys(patch) as Array<keyof ContactPatch>).filter((field) => patch[field] !== undefined);
				const assignments = fields.map((field) => `${PATCH_COLUMNS[field]} = ?`);
				await db.run(`UPDATE {t}contacts SET ${[...assignments, 'updated_ms = ?'].join(', ')} WHERE id = ?`, [
					...fields.map((field) => patch[field] ?? null),
					nowMs,
					id,
				]);
			},
			touchInbound: async (id, tsMs, name, nowMs) => {
				await db.run(
					`UPDATE {t}contacts SET
						name = CASE WHEN CAST(? AS TEXT) IS NOT NULL AND (last_inbound_ms IS NULL OR last_inbound_ms <= ?) THEN CAST(? AS TEXT) ELSE name END,
						last_inbound_ms = CASE WHEN last_inbound_ms IS NULL OR last_inbound_ms < ? THEN ? ELSE last_inbound_ms END,
						updated_ms = ?
					WHERE id = ?`,
					[name ?? null, tsMs, name ?? null, tsMs, tsMs, nowMs, id],
				);
			},
			mergeContact: async (fromId, intoId) => {
				await db.run('UPDATE {t}messages SET contact_id = ? WHERE contact_id = ?', [intoId, fromId]);
				await db.run('DELETE FROM {t}contacts WHERE id = ?', [fromId]);
			},
			insertMessage: async (scope, message, nowMs) => {
				const changed = await db.run(
					`INSERT INTO {t}messages (provider, business, id, contact_id, direction, type, text, media_ids, template_name, ts_ms, contact_name, recorded_ms)
					VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (provider, business, id) DO NOTHING`,
					[
						scope.provider, scope.business, message.id, message.contactId, message.direction, message.type, message.text ?? null,
						toJson(message.mediaIds), message.templateName ?? null, message.tsMs, message.contactName ?? null, nowMs,
					],
				);
				if (changed > 0) await db.run('UPDATE {t}contacts SET updated_ms = ? WHERE id = ?', [nowMs, message.contactId]);
				return changed > 0;
			},
			lockStatus: async (scope, messageId) => {
				const key = [scope.provider, scope.business, messageId];
				if (postgres) {
					// An empty row to lock, so two first statuses of one message wait for each other.
					await db.run(
						`INSERT INTO {t}statuses (provider, business, message_id, status, ts_ms, history, updated_ms) VALUES (?, ?, ?, '', 0, '[]', 0) ON CONFLICT DO NOTHING`,
						key,
					);
				}
				const [row] = await db.all(
					`SELECT status, ts_ms, history, errors, pricing FROM {t}statuses WHERE provider = ? AND business = ? AND message_id = ?${postgres ? ' FOR UPDATE' : ''}`,
					key,
				);
				return row && statusFrom(row);
			},
			saveStatus: async (scope, messageId, status, nowMs) => {
				await db.run(
					`INSERT INTO {t}statuses (provider, business, message_id, status, ts_ms, history, errors, pricing, updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
					ON CONFLICT (provider, business, message_id) DO UPDATE SET status = excluded.status, ts_ms = excluded.ts_ms,
						history = excluded.history, errors = excluded.errors, pricing = excluded.pricing, updated_ms = excluded.updated_ms`,
					[scope.provider, scope.business, messageId, status.status, status.tsMs, JSON.stringify(status.history), toJson(status.errors), toJson(status.pricing), nowMs],
				);
			},
			lockFlowState: async (contactId, kind = 'flow') => {
				if (postgres) {
					// A row to lock even before the first write (version 0, no document: no state), so
					// two first writes for one contact wait for each other like later ones do.
					await db.run(`INSERT INTO {t}${DOCUMENT_TABLES[kind]} (contact_id, version, updated_ms) VALUES (?, 0, 0) ON CONFLICT DO NOTHING`, [contactId]);
				}
				const [row] = await db.all(`SELECT ${FLOW_STATE_COLUMNS} FROM {t}${DOCUMENT_TABLES[kind]} WHERE contact_id = ?${postgres ? ' FOR UPDATE' : ''}`, [contactId]);
				return row && flowStateFrom(row);
			},
			saveFlowState: async (contactId, row, nowMs, kind = 'flow') => {
				await db.run(
					`INSERT INTO {t}${DOCUMENT_TABLES[kind]} (contact_id, document, version, updated_ms, expires_ms) VALUES (?, ?, ?, ?, ?)
					ON CONFLICT (contact_id) DO UPDATE SET document = excluded.document, version = excluded.version,
						updated_ms = excluded.updated_ms, expires_ms = excluded.expires_ms`,
					[contactId, toJson(row.document), row.version, row.updatedMs, row.expiresMs ?? null],
				);
				await db.run('UPDATE {t}contacts SET updated_ms = ? WHERE id = ?', [nowMs, contactId]);
			},
			deleteFlowState: async (contactId, kind = 'flow') => {
				await db.run(`DELETE FROM {t}${DOCUMENT_TABLES[kind]} WHERE contact_id = ?`, [contactId]);
			},
		};
	}

	transaction<T>(scope: StoreScope, mode: LockMode, work: (tx: StoreTx) => Promise<T>): Promise<T> {
		return this.driver.transaction(scope, mode, (db, exclusive) => work(this.tx(db, exclusive)));
	}

	findContacts(scope: StoreScope, ref: { phoneNumber?: string; userId?: string }): Promise<ContactRow[]> {
		return this.driver.read(async (db) => {
			// The BSUID's row first: it is the person when the two are not linked yet.
			const rows = await db.all(
				`SELECT ${CONTACT_COLUMNS}, CASE WHEN user_id = ? THEN 0 ELSE 1 END AS rank FROM {t}contacts
				WHERE provider = ? AND business = ? AND (user_id = ? OR phone_number = ?) ORDER BY rank`,
				[ref.userId ?? null, scope.provider, scope.business, ref.userId ?? null, ref.phoneNumber ?? null],
			);
			return rows.map(contactFrom);
		});
	}

	getStatus(scope: StoreScope, messageId: string): Promise<StatusRow | undefined> {
		return this.driver.read(async (db) => {
			const [row] = await db.all('SELECT status, ts_ms, history, errors, pricing FROM {t}statuses WHERE provider = ? AND business = ? AND message_id = ?', [
				scope.provider,
				scope.business,
				messageId,
			]);
			return row && statusFrom(row);
		});
	}

	listMessages(scope: StoreScope, contactIds: number[], bounds: MessageBounds, limit: number): Promise<MessageWithStatus[]> {
		const where = [`m.contact_id IN (${contactIds.map(() => '?').join(', ')})`];
		const params: SqlValue[] = [scope.provider, scope.business, ...contactIds];
		if (bounds.afterMs !== undefined) {
			where.push('m.ts_ms >= ?');
			params.push(bounds.afterMs);
		}
		if (bounds.beforeMs !== undefined) {
			where.push('m.ts_ms <= ?');
			params.push(bounds.beforeMs);
		}
		if (bounds.cursor) {
			where.push('(m.ts_ms < ? OR (m.ts_ms = ? AND m.id < ?))');
			params.push(bounds.cursor.tsMs, bounds.cursor.tsMs, bounds.cursor.id);
		}
		params.push(limit);
		return this.driver.read(async (db) => {
			const rows = await db.all(
				`SELECT m.id, m.contact_id, m.direction, m.type, m.text, m.media_ids, m.template_name, m.ts_ms, m.contact_name,
					s.status AS s_status, s.ts_ms AS s_ts_ms, s.history AS s_history, s.errors AS s_errors, s.pricing AS s_pricing
				FROM {t}messages m
				LEFT JOIN {t}statuses s ON s.provider = ? AND s.business = ? AND s.message_id = m.id
				WHERE ${where.join(' AND ')}
				ORDER BY m.ts_ms DESC, m.id DESC LIMIT ?`,
				params,
			);
			return rows.map(messageFrom);
		});
	}

	getFlowState(contactId: number, kind: ContactDocumentKind = 'flow'): Promise<FlowStateRow | undefined> {
		return this.driver.read(async (db) => {
			const [row] = await db.all(`SELECT ${FLOW_STATE_COLUMNS} FROM {t}${DOCUMENT_TABLES[kind]} WHERE contact_id = ?`, [contactId]);
			return row && flowStateFrom(row);
		});
	}

	claim(namespace: string, key: string, expiresMs: number, nowMs: number): Promise<boolean> {
		// One statement: a new key is inserted, an expired one taken over, a live one left alone.
		return this.driver.read(async (db) => {
			const changed = await db.run(
				`INSERT INTO {t}claims (namespace, key, expires_ms) VALUES (?, ?, ?)
				ON CONFLICT (namespace, key) DO UPDATE SET expires_ms = excluded.expires_ms WHERE {t}claims.expires_ms <= ?`,
				[namespace, key, expiresMs, nowMs],
			);
			return changed > 0;
		});
	}

	prune(cutoffMs: number, nowMs: number): Promise<PruneResult> {
		return this.driver.read(async (db) => ({
			messages: await db.run('DELETE FROM {t}messages WHERE ts_ms < ?', [cutoffMs]),
			statuses: await db.run('DELETE FROM {t}statuses WHERE ts_ms < ?', [cutoffMs]),
			events: await db.run('DELETE FROM {t}claims WHERE expires_ms <= ?', [nowMs]),
			// Before contacts: a contact goes only once its flow state has gone.
			flowStates: await db.run('DELETE FROM {t}flow_states WHERE expires_ms <= ? OR updated_ms < ?', [nowMs, cutoffMs]),
			waits: await db.run('DELETE FROM {t}waits WHERE expires_ms <= ? OR updated_ms < ?', [nowMs, cutoffMs]),
			deliveries: await db.run('DELETE FROM {t}deliveries WHERE last_ms < ?', [cutoffMs]),
			contacts: await db.run(
				`DELETE FROM {t}contacts WHERE updated_ms < ?
				AND NOT EXISTS (SELECT 1 FROM {t}messages m WHERE m.contact_id = {t}contacts.id)
				AND NOT EXISTS (SELECT 1 FROM {t}flow_states f WHERE f.contact_id = {t}contacts.id)
				AND NOT EXISTS (SELECT 1 FROM {t}waits w WHERE w.contact_id = {t}contacts.id)`,
				[cutoffMs],
			),
		}));
	}

	saveListener(row: Omit<ListenerRow, 'holder' | 'registration'>): Promise<void> {
		return this.driver.read(async (db) => {
			await db.run(
				`INSERT INTO {t}listeners (target, workflow_id, node_id, url, binding, holder, updated_ms) VALUES (?, ?, ?, ?, ?, 0, ?)
				ON CONFLICT (target, workflow_id, node_id) DO UPDATE SET url = excluded.url, binding = excluded.binding, updated_ms = excluded.updated_ms`,
				[row.target, row.workflowId, row.nodeId, row.url, row.binding ?? null, row.updatedMs],
			);
		});
	}

	listListeners(where: { target: string } | { url: string }): Promise<ListenerRow[]> {
		const [column, value] = 'target' in where ? ['target', where.target] : ['url', where.url];
		return this.driver.read(async (db) => {
			const rows = await db.all(
				`SELECT target, workflow_id, node_id, url, binding, holder, registration, updated_ms FROM {t}listeners WHERE ${column} = ?
				ORDER BY holder DESC, updated_ms, workflow_id, node_id`,
				[value],
			);
			return rows.map((row) => ({
				target: String(row.target),
				workflowId: String(row.workflow_id),
				nodeId: String(row.node_id),
				url: String(row.url),
				...(row.binding != null ? { binding: String(row.binding) } : {}),
				holder: Number(row.holder) === 1,
				...(row.registration != null ? { registration: json<Record<string, unknown>>(row.registration) } : {}),
				updatedMs: Number(row.updated_ms),
			}));
		});
	}

	deleteListener(target: string, workflowId: string, nodeId: string): Promise<boolean> {
		return this.driver.read(async (db) => (await db.run('DELETE FROM {t}listeners WHERE target = ? AND workflow_id = ? AND node_id = ?', [target, workflowId, nodeId])) > 0);
	}

	setHolder(target: string, workflowId: string, nodeId: string, registration: Record<string, unknown> | undefined): Promise<void> {
		// One statement: there is never a moment with two holders.
		return this.driver.read(async (db) => {
			await db.run(
				`UPDATE {t}listeners SET
					holder = CASE WHEN workflow_id = ? AND node_id = ? THEN 1 ELSE 0 END,
					registration = CASE WHEN workflow_id = ? AND node_id = ? THEN ? ELSE NULL END
				WHERE target = ?`,
				[workflowId, nodeId, workflowId, nodeId, toJson(registration), target],
			);
		});
	}

	countDelivery(scope: StoreScope, reason: string, nowMs: number): Promise<void> {
		return this.driver.read(async (db) => {
			await db.run(
				`INSERT INTO {t}deliveries (provider, business, reason, count, first_ms, last_ms) VALUES (?, ?, ?, 1, ?, ?)
				ON CONFLICT (provider, business, reason) DO UPDATE SET count = {t}deliveries.count + 1, last_ms = excluded.last_ms`,
				[scope.provider, scope.business, reason, nowMs, nowMs],
			);
		});
	}

	listDeliveries(scope: StoreScope): Promise<DeliveryRow[]> {
		return this.driver.read(async (db) =>
			(await db.all('SELECT reason, count, first_ms, last_ms FROM {t}deliveries WHERE provider = ? AND business = ? ORDER BY last_ms DESC', [scope.provider, scope.business])).map(
				(row) => ({ reason: String(row.reason), count: Number(row.count), firstMs: Number(row.first_ms), lastMs: Number(row.last_ms) }),
			),
		);
	}

	close(): Promise<void> {
		return this.driver.close();
	}
}
