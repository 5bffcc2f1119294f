/**
 * The in-process engine: tests, and the fallback where node:sqlite is missing (Node 20). Nothing
 * survives a restart and nothing is shared between processes. `memory:<name>` opens a named
 * database that every store of this process opened with the same name shares (tests use that to
 * play two processes); plain `memory:` is the name "".
 */
import type { ContactDocumentKind, ContactPatch, ContactRow, DeliveryRow, FlowStateRow, ListenerRow, MessageBounds, MessageRow, MessageWithStatus, StatusRow, StorageEngine, StoreTx } from './backend';
import { Mutex } from './mutex';
import type { PruneResult, StoreScope } from './types';

interface StoredContactRow extends ContactRow {
	scope: string;
	updatedMs: number;
}

class MemoryDatabase {
	readonly mutex = new Mutex();
	readonly contacts = new Map<number, StoredContactRow>();
	/** `scope \0 field \0 value` → contact id */
	readonly contactIndex = new Map<string, number>();
	/** `scope \0 message id` */
	readonly messages = new Map<string, MessageRow & { scope: string }>();
	readonly statuses = new Map<string, StatusRow>();
	/** `namespace \0 key` → expiry */
	readonly claims = new Map<string, number>();
	/** contact id → flow state */
	readonly flowStates = new Map<number, FlowStateRow>();
	/** `target \0 workflow \0 node` → listener */
	readonly listeners = new Map<string, ListenerRow>();
	/** `provider \0 business \0 reason` → tally */
	readonly deliveries = new Map<string, DeliveryRow>();
	/** contact id → Send and Wait waiting for the contact */
	readonly waits = new Map<number, FlowStateRow>();
	documents(kind: ContactDocumentKind = 'flow'): Map<number, FlowStateRow> {
		return kind === 'flow' ? this.flowStates : this.waits;
	}
	nextContactId = 1;
	openStores = 0;
}

const databases = new Map<string, MemoryDatabase>();

const scopeKey = (scope: StoreScope) => `${scope.provider}\0${scope.business}`;
const indexKey = (scope: string, field: 'phoneNumber' | 'userId', value: string) => `${scope}\0${field}\0${value}`;
const copy = <T>(value: T): T => structuredClone(value);

function publicContact(row: StoredContactRow): ContactRow {
	const { scope: _scope, updatedMs: _updatedMs, ...contact } = row;
	return copy(contact);
}

const publicStatus = (row: StatusRow): StatusRow => copy(row);

export class MemoryEngine implements StorageEngine {
	readonly kind = 'memory';
	readonly description: string;
	private readonly db: MemoryDatabase;
	private closed = false;

	constructor(private readonly name = '') {
		this.description = name ? `memory:${name} (this process only)` : 'memory (this process only)';
		let db = databases.get(name);
		if (!db) databases.set(name, (db = new MemoryDatabase()));
		db.openStores++;
		this.db = db;
	}

	private tx(): StoreTx {
		const db = this.db;
		const setIndex = (row: StoredContactRow, field: 'phoneNumber' | 'userId', value: string | undefined) => {
			const old = row[field];
			if (old !== undefined) db.contactIndex.delete(indexKey(row.scope, field, old));
			if (value !== undefined) {
				const key = indexKey(row.scope, field, value);
				// The same rule as the SQL engines' unique indexes: a bug, never silently two owners.
				if (db.contactIndex.has(key)) throw new Error(`memory store: ${field} ${value} already belongs to another contact`);
				db.contactIndex.set(key, row.id);
				row[field] = value;
			} else {
				delete row[field];
			}
		};
		return {
			exclusive: true,
			findContact: async (scope, field, value) => {
				const id = db.contactIndex.get(indexKey(scopeKey(scope), field, value));
				const row = id === undefined ? undefined : db.contacts.get(id);
				return row && publicContact(row);
			},
			insertContact: async (scope, ref, nowMs) => {
				const row: StoredContactRow = { id: db.nextContactId++, scope: scopeKey(scope), updatedMs: nowMs };
				setIndex(row, 'phoneNumber', ref.phoneNumber);
				setIndex(row, 'userId', ref.userId);
				db.contacts.set(row.id, row);
				return publicContact(row);
			},
			updateContact: async (id, patch: ContactPatch, nowMs) => {
				const row = db.contacts.get(id);
				if (!row) return;
				if (patch.phoneNumber !== undefined) setIndex(row, 'phoneNumber', patch.phoneNumber ?? undefined);
				if (patch.userId !== undefined) setIndex(row, 'userId', patch.userId ?? undefined);
				if (patch.name !== undefined) row.name = patch.name ?? undefined;
				if (patch.lastInboundMs !== undefined) row.lastInboundMs = patch.lastInboundMs ?? undefined;
				row.updatedMs = nowMs;
			},
			touchInbound: async (id, tsMs, name, nowMs) => {
				const row = db.contacts.get(id);
				if (!row) return;
				if (row.lastInboundMs === undefined || tsMs >= row.lastInboundMs) {
					row.lastInboundMs = tsMs;
					if (name) row.name = name;
				}
				row.updatedMs = nowMs;
			},
			mergeContact: async (fromId, intoId) => {
				for (const message of db.messages.values()) if (message.contactId === fromId) message.contactId = intoId;
				const from = db.contacts.get(fromId);
				if (!from) return;
				setIndex(from, 'phoneNumber', undefined);
				setIndex(from, 'userId', undefined);
				db.contacts.delete(fromId);
			},
			insertMessage: async (scope, message, nowMs) => {
				const key = `${scopeKey(scope)}\0${message.id}`;
				if (db.messages.has(key)) return false;
				db.messages.set(key, { ...copy(message), scope: scopeKey(scope) });
				const contact = db.contacts.get(message.contactId);
				if (contact) contact.updatedMs = nowMs;
				return true;
			},
			lockStatus: async (scope, messageId) => {
				const row = db.statuses.get(`${scopeKey(scope)}\0${messageId}`);
				return row && publicStatus(row);
			},
			saveStatus: async (scope, messageId, status) => {
				db.statuses.set(`${scopeKey(scope)}\0${messageId}`, copy(status));
			},
			lockFlowState: async (contactId, kind) => {
				const row = db.documents(kind).get(contactId);
				return row && copy(row);
			},
			saveFlowState: async (contactId, row, nowMs, kind) => {
				db.documents(kind).set(contactId, copy(row));
				const contact = db.contacts.get(contactId);
				if (contact) contact.updatedMs = nowMs;
			},
			deleteFlowState: async (contactId, kind) => {
				db.documents(kind).delete(contactId);
			},
		};
	}

	private checkOpen(): void {
		if (this.closed) throw new Error('The conversation store is closed');
	}

	transaction<T>(_scope: StoreScope, _mode: unknown, work: (tx: StoreTx) => Promise<T>): Promise<T> {
		this.checkOpen();
		return this.db.mutex.run(() => work(this.tx()));
	}

	async findContacts(scope: StoreScope, ref: { phoneNumber?: string; userId?: string }): Promise<ContactRow[]> {
		this.checkOpen();
		const ids = new Set<number>();
		if (ref.userId) ids.add(this.db.contactIndex.get(indexKey(scopeKey(scope), 'userId', ref.userId)) ?? -1);
		if (ref.phoneNumber) ids.add(this.db.contactIndex.get(indexKey(scopeKey(scope), 'phoneNumber', ref.phoneNumber)) ?? -1);
		return [...ids].flatMap((id) => {
			const row = this.db.contacts.get(id);
			return row ? [publicContact(row)] : [];
		});
	}

	async getStatus(scope: StoreScope, messageId: string): Promise<StatusRow | undefined> {
		this.checkOpen();
		const row = this.db.statuses.get(`${scopeKey(scope)}\0${messageId}`);
		return row && publicStatus(row);
	}

	async listMessages(scope: StoreScope, contactIds: number[], bounds: MessageBounds, limit: number): Promise<MessageWithStatus[]> {
		this.checkOpen();
		const { afterMs, beforeMs, cursor } = bounds;
		const rows = [...this.db.messages.values()].filter(
			(row) =>
				contactIds.includes(row.contactId) &&
				(afterMs === undefined || row.tsMs >= afterMs) &&
				(beforeMs === undefined || row.tsMs <= beforeMs) &&
				(!cursor || row.tsMs < cursor.tsMs || (row.tsMs === cursor.tsMs && row.id < cursor.id)),
		);
		rows.sort((a, b) => b.tsMs - a.tsMs || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
		return rows.slice(0, limit).map(({ scope: _scope, ...row }) => {
			const status = this.db.statuses.get(`${scopeKey(scope)}\0${row.id}`);
			return { ...copy(row), ...(status ? { status: publicStatus(status) } : {}) };
		});
	}

	async getFlowState(contactId: number, kind?: ContactDocumentKind): Promise<FlowStateRow | undefined> {
		this.checkOpen();
		const row = this.db.documents(kind).get(contactId);
		return row && copy(row);
	}

	async saveListener(row: Omit<ListenerRow, 'holder' | 'registration'>): Promise<void> {
		this.checkOpen();
		const key = `${row.target}\0${row.workflowId}\0${row.nodeId}`;
		const known = this.db.listeners.get(key);
		this.db.listeners.set(key, { ...copy(row), holder: known?.holder ?? false, ...(known?.registration ? { registration: known.registration } : {}) });
	}

	async listListeners(where: { target: string } | { url: string }): Promise<ListenerRow[]> {
		this.checkOpen();
		const order = (a: ListenerRow, b: ListenerRow) =>
			Number(b.holder) - Number(a.holder) || a.updatedMs - b.updatedMs || a.workflowId.localeCompare(b.workflowId) || a.nodeId.localeCompare(b.nodeId);
		return [...this.db.listeners.values()]
			.filter((row) => ('target' in where ? row.target === where.target : row.url === where.url))
			.sort(order)
			.map((row) => copy(row));
	}

	async deleteListener(target: string, workflowId: string, nodeId: string): Promise<boolean> {
		this.checkOpen();
		return this.db.listeners.delete(`${target}\0${workflowId}\0${nodeId}`);
	}

	async setHolder(target: string, workflowId: string, nodeId: string, registration: Record<string, unknown> | undefined): Promise<void> {
		this.checkOpen();
		for (const row of this.db.listeners.values()) {
			if (row.target !== target) continue;
			row.holder = row.workflowId === workflowId && row.nodeId === nodeId;
			if (row.holder && registration) row.registration = copy(registration);
			else delete row.registration;
		}
	}

	async countDelivery(scope: StoreScope, reason: string, nowMs: number): Promise<void> {
		this.checkOpen();
		const key = `${scope.provider}\0${scope.business}\0${reason}`;
		const row = this.db.deliveries.get(key);
		if (row) {
			row.count++;
			row.lastMs = nowMs;
		} else this.db.deliveries.set(key, { reason, count: 1, firstMs: nowMs, lastMs: nowMs });
	}

	async listDeliveries(scope: StoreScope): Promise<DeliveryRow[]> {
		this.checkOpen();
		const prefix = `${scope.provider}\0${scope.business}\0`;
		return [...this.db.deliveries.entries()]
			.filter(([key]) => key.startsWith(prefix))
			.map(([, row]) => copy(row))
			.sort((a, b) => b.lastMs - a.lastMs);
	}

	async claim(namespace: string, key: string, expiresMs: number, nowMs: number): Promise<boolean> {
		this.checkOpen();
		const id = `${namespace}\0${key}`;
		const expiry = this.db.claims.get(id);
		if (expiry !== undefined && expiry > nowMs) return false;
		this.db.claims.set(id, expiresMs);
		return true;
	}

	async prune(cutoffMs: number, nowMs: number): Promise<PruneResult> {
		this.checkOpen();
		return this.db.mutex.run(async () => {
			const db = this.db;
			const result: PruneResult = { messages: 0, events: 0, statuses: 0, contacts: 0, flowStates: 0, waits: 0, deliveries: 0 };
			for (const [key, row] of db.deliveries) {
				if (row.lastMs < cutoffMs) {
					db.deliveries.delete(key);
					result.deliveries++;
				}
			}
			for (const [key, row] of db.messages) {
				if (row.tsMs < cutoffMs) {
					db.messages.delete(key);
					result.messages++;
				}
			}
			for (const [key, row] of db.statuses) {
				if (row.tsMs < cutoffMs) {
					db.statuses.delete(key);
					result.statuses++;
				}
			}
			for (const [key, expiry] of db.claims) {
				if (expiry <= nowMs) {
					db.claims.delete(key);
					result.events++;
				}
			}
			for (const kind of ['flow', 'wait'] as const) {
				for (const [contactId, row] of db.documents(kind)) {
					if ((row.expiresMs !== undefined && row.expiresMs <= nowMs) || row.updatedMs < cutoffMs) {
						db.documents(kind).delete(contactId);
						result[kind === 'flow' ? 'flowStates' : 'waits']++;
					}
				}
			}
			const withMessages = new Set([...db.messages.values()].map((row) => row.contactId));
			for (const row of db.contacts.values()) {
				if (row.updatedMs < cutoffMs && !withMessages.has(row.id) && !db.flowStates.has(row.id) && !db.waits.has(row.id)) {
					if (row.phoneNumber) db.contactIndex.delete(indexKey(row.scope, 'phoneNumber', row.phoneNumber));
					if (row.userId) db.contactIndex.delete(indexKey(row.scope, 'userId', row.userId));
					db.contacts.delete(row.id);
					result.contacts++;
				}
			}
			return result;
		});
	}

	async close(): Promise<void> {
		if (this.closed) return;
		this.closed = true;
		if (--this.db.openStores === 0) databases.delete(this.name);
	}
}
