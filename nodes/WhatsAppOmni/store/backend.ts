/**
 * What a storage engine (memory, SQLite, PostgreSQL) offers the store: a few primitive reads and
 * writes inside a transaction. Every rule (contact identity, status order, paging, retention)
 * lives once, in store.ts, on top of these primitives, so the three engines cannot drift apart.
 */
import type { FlowStateDocument, Listener, PruneResult, StatusError, StoreScope } from './types';

/** A person as stored: `id` is the engine's own row id, stable across links and number changes. */
export interface ContactRow {
	id: number;
	phoneNumber?: string;
	userId?: string;
	name?: string;
	lastInboundMs?: number;
}

export interface ContactPatch {
	phoneNumber?: string | null;
	userId?: string | null;
	name?: string | null;
	lastInboundMs?: number | null;
}

export interface MessageRow {
	id: string;
	direction: 'inbound' | 'outbound';
	contactId: number;
	type: string;
	text?: string;
	mediaIds?: string[];
	templateName?: string;
	tsMs: number;
	contactName?: string;
}

/** One distinct status a message went through (stored as JSON inside the status row). */
export interface HistoryEntry {
	status: string;
	tsMs: number;
	errors?: StatusError[];
	/** Arrival order, to order entries with the same provider time. */
	seq: number;
}

export interface StatusRow {
	status: string;
	tsMs: number;
	history: HistoryEntry[];
	errors?: StatusError[];
	pricing?: Record<string, unknown>;
}

export interface MessageWithStatus extends MessageRow {
	status?: StatusRow;
}

/**
 * A contact's flow state row. A row without a document is a cleared state, kept so the version
 * keeps counting (a writer holding an old version must not match a state created after a clear).
 */
export interface FlowStateRow {
	document?: FlowStateDocument;
	version: number;
	updatedMs: number;
	expiresMs?: number;
}

/**
 * The per-contact documents kept in FlowStateRow form: `flow` is the flow state (Conversation ›
 * Set State), `wait` a Send and Wait execution waiting for the contact's answer.
 */
export type ContactDocumentKind = 'flow' | 'wait';

/** Newest first: (tsMs, id) descending; the cursor is the last row of the previous page. */
export interface MessageBounds {
	afterMs?: number;
	beforeMs?: number;
	cursor?: { tsMs: number; id: string };
}

/**
 * How much a write transaction must exclude:
 * - `rows`: only the rows it touches (statuses: a row lock is enough);
 * - `shared`: it reads contacts of one scope and must not see them merged under its feet;
 * - `exclusive`: it creates, links or merges contacts of that scope.
 * Engines that run one transaction at a time (memory, SQLite) treat all three alike.
 */
export type LockMode = 'rows' | 'shared' | 'exclusive';

export interface StoreTx {
	/** True when contacts may be created, linked or merged in this transaction. */
	readonly exclusive: boolean;
	findContact(scope: StoreScope, field: 'phoneNumber' | 'userId', value: string): Promise<ContactRow | undefined>;
	insertContact(scope: StoreScope, ref: { phoneNumber?: string; userId?: string }, nowMs: number): Promise<ContactRow>;
	updateContact(id: number, patch: ContactPatch, nowMs: number): Promise<void>;
	/** Later inbound message: last inbound time moves forward only; the name follows the newest message. */
	touchInbound(id: number, tsMs: number, name: string | undefined, nowMs: number): Promise<void>;
	/** Moves every message of `fromId` to `intoId` and deletes `fromId` (its flow state is the store's to move first). */
	mergeContact(fromId: number, intoId: number): Promise<void>;
	/** False when the message was already there (then nothing changes). */
	insertMessage(scope: StoreScope, message: MessageRow, nowMs: number): Promise<boolean>;
	/** Reads a message's status and keeps others from changing it until the transaction ends. */
	lockStatus(scope: StoreScope, messageId: string): Promise<StatusRow | undefined>;
	saveStatus(scope: StoreScope, messageId: string, status: StatusRow, nowMs: number): Promise<void>;
	/** Reads a contact's flow state (or wait) and keeps others from changing it until the transaction ends. */
	lockFlowState(contactId: number, kind?: ContactDocumentKind): Promise<FlowStateRow | undefined>;
	/** Writes a contact's flow state (or wait) row (and counts as the contact's activity). */
	saveFlowState(contactId: number, row: FlowStateRow, nowMs: number, kind?: ContactDocumentKind): Promise<void>;
	deleteFlowState(contactId: number, kind?: ContactDocumentKind): Promise<void>;
}

/** A listener as stored (times in ms). */
export type ListenerRow = Omit<Listener, 'updatedAt'> & { updatedMs: number };

export interface DeliveryRow {
	/** '' for accepted deliveries. */
	reason: string;
	count: number;
	firstMs: number;
	lastMs: number;
}

export interface StorageEngine {
	readonly kind: 'memory' | 'sqlite' | 'postgres';
	readonly description: string;
	transaction<T>(scope: StoreScope, mode: LockMode, work: (tx: StoreTx) => Promise<T>): Promise<T>;
	/** Contacts found by either identifier, without locking (read path). */
	findContacts(scope: StoreScope, ref: { phoneNumber?: string; userId?: string }): Promise<ContactRow[]>;
	getStatus(scope: StoreScope, messageId: string): Promise<StatusRow | undefined>;
	listMessages(scope: StoreScope, contactIds: number[], bounds: MessageBounds, limit: number): Promise<MessageWithStatus[]>;
	getFlowState(contactId: number, kind?: ContactDocumentKind): Promise<FlowStateRow | undefined>;
	/** Atomic: true when no unexpired claim of the key exists (and records this one). */
	claim(namespace: string, key: string, expiresMs: number, nowMs: number): Promise<boolean>;
	prune(cutoffMs: number, nowMs: number): Promise<PruneResult>;
	/** Inserts the listener, or refreshes its URL, binding and time (holder and registration stay). */
	saveListener(row: Omit<ListenerRow, 'holder' | 'registration'>): Promise<void>;
	listListeners(where: { target: string } | { url: string }): Promise<ListenerRow[]>;
	deleteListener(target: string, workflowId: string, nodeId: string): Promise<boolean>;
	setHolder(target: string, workflowId: string, nodeId: string, registration: Record<string, unknown> | undefined): Promise<void>;
	/** Adds one to the tally of `reason` ('' = accepted). */
	countDelivery(scope: StoreScope, reason: string, nowMs: number): Promise<void>;
	listDeliveries(scope: StoreScope): Promise<DeliveryRow[]>;
	close(): Promise<void>;
}

/**
 * Thrown inside a shared transaction when contacts must be created, linked or merged: the store
 * rolls it back and does the work again under the exclusive lock.
 */
export class NeedsExclusive extends Error {}
