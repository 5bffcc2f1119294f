/**
 * The conversation store's rules, written once over a StorageEngine (memory, SQLite, PostgreSQL):
 * contact identity, status order, history paging and retention.
 */
import { NeedsExclusive, type ContactDocumentKind, type ContactRow, type ListenerRow, type LockMode, type MessageBounds, type StorageEngine, type StoreTx } from './backend';
import { checkDocument, clearedRow, currentVersion, isLive, mergedRow, toFlowState, writtenRow } from './flowState';
import { mergeStatus, timeMs, toStoredStatus } from './status';
import type {
	ContactRef,
	ConversationStore,
	DeliveryTally,
	FlowState,
	FlowStateDocument,
	FlowStateCleared,
	FlowStateConflict,
	FlowStateWrite,
	HistoryPage,
	HistoryQuery,
	Listener,
	MessageRecord,
	PruneResult,
	StatusRecord,
	StoredContact,
	StoredMessage,
	StoredStatus,
	StoreScope,
	Wait,
} from './types';

function toListener({ updatedMs, ...row }: ListenerRow): Listener {
	return { ...row, updatedAt: new Date(updatedMs).toISOString() };
}

export const DEFAULT_RETENTION_DAYS = 90;
const DAY_MS = 24 * 60 * 60 * 1000;
/** Automatic pruning runs at most this often per store (per process), on a write. */
export const AUTO_PRUNE_INTERVAL_MS = 60 * 60 * 1000;
export const MAX_HISTORY_LIMIT = 1000;

export interface StoreOptions {
	/** Messages and statuses older than this are pruned automatically. */
	retentionDays?: number;
	/** For tests: the clock. */
	now?: () => number;
	/** Where a failed automatic prune is reported (it never fails a write). */
	warn?: (message: string) => void;
}

function hasContact(ref: ContactRef | undefined): ref is ContactRef {
	return Boolean(ref && (ref.phoneNumber || ref.userId));
}

function checkContact(ref: ContactRef): void {
	if (!hasContact(ref)) throw new TypeError('A contact needs a phone number or a user ID (BSUID)');
}

/**
 * The one contact row for `ref`: found by the BSUID, else the phone number; when the call carries
 * both, they are linked (a phone-only row takes the BSUID, or is merged into the BSUID's row).
 */
/** The contact `ref` names, found but never created or linked (the BSUID's row first). */
async function existingContact(tx: StoreTx, scope: StoreScope, ref: ContactRef): Promise<ContactRow | undefined> {
	return (
		(ref.userId ? await tx.findContact(scope, 'userId', ref.userId) : undefined) ??
		(ref.phoneNumber ? await tx.findContact(scope, 'phoneNumber', ref.phoneNumber) : undefined)
	);
}

async function resolveContact(tx: StoreTx, scope: StoreScope, ref: ContactRef, nowMs: number): Promise<ContactRow> {
	const byUser = ref.userId ? await tx.findContact(scope, 'userId', ref.userId) : undefined;
	const byPhone = ref.phoneNumber ? await tx.findContact(scope, 'phoneNumber', ref.phoneNumber) : undefined;
	if (byUser && (!ref.phoneNumber || byPhone?.id === byUser.id)) return byUser;
	if (!ref.userId && byPhone) return byPhone;
	if (!tx.exclusive) throw new NeedsExclusive();

	if (byUser) {
		// The BSUID is the person; the phone number joins it.
		if (byPhone && !byPhone.userId) await mergeInto(tx, byPhone, byUser, nowMs);
		else if (byPhone) await tx.updateContact(byPhone.id, { phoneNumber: null }, nowMs); // the number now belongs to this BSUID
		await tx.updateContact(byUser.id, { phoneNumber: ref.phoneNumber }, nowMs);
		return { ...byUser, phoneNumber: ref.phoneNumber };
	}
	if (byPhone && !byPhone.userId) {
		await tx.updateContact(byPhone.id, { userId: ref.userId }, nowMs);
		return { ...byPhone, userId: ref.userId };
	}
	if (byPhone) await tx.updateContact(byPhone.id, { phoneNumber: null }, nowMs); // another BSUID had this number
	return tx.insertContact(scope, { phoneNumber: ref.phoneNumber, userId: ref.userId }, nowMs);
}

/** `from`'s messages and flow state move to `into`, which keeps the newer name and last inbound time. */
async function mergeInto(tx: StoreTx, from: ContactRow, into: ContactRow, nowMs: number): Promise<void> {
	for (const kind of ['flow', 'wait'] as const) {
		const fromState = await tx.lockFlowState(from.id, kind);
		if (fromState) {
			const merged = mergedRow(fromState, await tx.lockFlowState(into.id, kind), nowMs);
			await tx.deleteFlowState(from.id, kind);
			await tx.saveFlowState(into.id, merged, nowMs, kind);
		}
	}
	await tx.mergeContact(from.id, into.id);
	const fromNewer = (from.lastInboundMs ?? -Infinity) > (into.lastInboundMs ?? -Infinity);
	if (fromNewer) {
		await tx.updateContact(into.id, { lastInboundMs: from.lastInboundMs ?? null, name: from.name ?? into.name ?? null }, nowMs);
		into.lastInboundMs = from.lastInboundMs;
		into.name = from.name ?? into.name;
	} else if (!into.name && from.name) {
		await tx.updateContact(into.id, { name: from.name }, nowMs);
		into.name = from.name;
	}
}

function checkExpectedVersion(version: number | undefined): void {
	if (version !== undefined && !(Number.isSafeInteger(version) && version >= 0)) {
		throw new RangeError(`Flow state: expectedVersion must be a whole number, 0 or more, not ${String(version)}`);
	}
}

function encodeCursor(tsMs: number, id: string): string {
	return Buffer.from(JSON.stringify([tsMs, id])).toString('base64url');
}

function decodeCursor(cursor: string): { tsMs: number; id: string } {
	try {
		const [tsMs, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown];
		if (typeof tsMs === 'number' && typeof id === 'string') return { tsMs, id };
	} catch {
		// reported below
	}
	throw new TypeError('The history cursor is not one this store handed out');
}

function boundMs(iso: string | undefined, name: string): number | undefined {
	if (iso === undefined || iso === '') return undefined;
	const ms = Date.parse(iso);
	if (!Number.isFinite(ms)) throw new TypeError(`History: "${name}" is not an ISO 8601 time: ${iso}`);
	return ms;
}

export class EngineStore implements ConversationStore {
	readonly kind: ConversationStore['kind'];
	readonly description: string;
	private readonly now: () => number;
	private readonly retentionMs: number;
	private readonly warn: (message: string) => void;
	private lastPruneMs = -Infinity;
	private pruning: Promise<unknown> | undefined;
	private closed = false;

	constructor(
		private readonly engine: StorageEngine,
		options: StoreOptions = {},
	) {
		this.kind = engine.kind;
		this.description = engine.description;
		this.now = options.now ?? Date.now;
		this.retentionMs = (options.retentionDays ?? DEFAULT_RETENTION_DAYS) * DAY_MS;
		this.warn = options.warn ?? ((message) => console.warn(message));
	}

	/** Runs `work` with the least locking it needs, again exclusively if contacts must change. */
	private async write<T>(scope: StoreScope, mode: LockMode, work: (tx: StoreTx) => Promise<T>): Promise<T> {
		this.autoPrune();
		try {
			return await this.engine.transaction(scope, mode, work);
		} catch (error) {
			if (!(error instanceof NeedsExclusive)) throw error;
			return this.engine.transaction(scope, 'exclusive', work);
		}
	}

	async recordMessage(scope: StoreScope, message: MessageRecord): Promise<void> {
		checkContact(message.contact);
		const nowMs = this.now();
		const tsMs = timeMs(message.timestamp, nowMs);
		await this.write(scope, 'shared', async (tx) => {
			const contact = await resolveContact(tx, scope, message.contact, nowMs);
			const inserted = await tx.insertMessage(
				scope,
				{
					id: message.id,
					direction: message.direction,
					contactId: contact.id,
					type: message.type,
					text: message.text,
					mediaIds: message.mediaIds?.length ? message.mediaIds : undefined,
					templateName: message.templateName,
					tsMs,
					contactName: message.contactName,
				},
				nowMs,
			);
			if (inserted && message.direction === 'inbound') await tx.touchInbound(contact.id, tsMs, message.contactName, nowMs);
		});
	}

	async recordStatus(scope: StoreScope, status: StatusRecord): Promise<StoredStatus> {
		const nowMs = this.now();
		const row = await this.write(scope, 'rows', async (tx) => {
			const merged = mergeStatus(await tx.lockStatus(scope, status.messageId), status, nowMs);
			await tx.saveStatus(scope, status.messageId, merged, nowMs);
			return merged;
		});
		// A status that names both the phone number and the BSUID links them, like a message does.
		if (status.contact?.phoneNumber && status.contact.userId) {
			const contact = status.contact;
			await this.write(scope, 'shared', (tx) => resolveContact(tx, scope, contact, nowMs));
		}
		return toStoredStatus(status.messageId, row);
	}

	async recordIdentityChange(scope: StoreScope, previous: ContactRef, current: ContactRef): Promise<void> {
		checkContact(previous);
		checkContact(current);
		const nowMs = this.now();
		await this.write(scope, 'exclusive', async (tx) => {
			const find = async (field: 'phoneNumber' | 'userId', value: string | undefined) =>
				value ? await tx.findContact(scope, field, value) : undefined;
			const currentRows = [await find('userId', current.userId), await find('phoneNumber', current.phoneNumber)];
			const previousRows = [await find('userId', previous.userId), await find('phoneNumber', previous.phoneNumber)];
			const target = [...currentRows, ...previousRows].find((row) => row !== undefined);
			if (!target) {
				await tx.insertContact(scope, current, nowMs);
				return;
			}
			const rows = [...currentRows, ...previousRows].filter((row): row is ContactRow => row !== undefined);
			// Identifiers the change does not name stay as they were (on whichever row had them).
			const finalUserId = current.userId ?? target.userId ?? rows.find((row) => row.userId && row.userId !== previous.userId)?.userId;
			const finalPhone = current.phoneNumber ?? target.phoneNumber ?? rows.find((row) => row.phoneNumber && row.phoneNumber !== previous.phoneNumber)?.phoneNumber;
			const seen = new Set([target.id]);
			for (const row of rows) {
				if (seen.has(row.id)) continue;
				seen.add(row.id);
				const anotherPerson = row.userId && row.userId !== finalUserId && row.userId !== previous.userId;
				if (anotherPerson) {
					// Someone else held the new number: it is theirs no longer; their rows stay theirs.
					if (row.phoneNumber === finalPhone) await tx.updateContact(row.id, { phoneNumber: null }, nowMs);
				} else {
					await mergeInto(tx, row, target, nowMs);
				}
			}
			await tx.updateContact(target.id, { userId: finalUserId ?? null, phoneNumber: finalPhone ?? null }, nowMs);
		});
	}

	async getStatus(scope: StoreScope, messageId: string): Promise<StoredStatus | undefined> {
		const row = await this.engine.getStatus(scope, messageId);
		return row ? toStoredStatus(messageId, row) : undefined;
	}

	async getHistory(scope: StoreScope, contact: ContactRef, query: HistoryQuery): Promise<HistoryPage> {
		checkContact(contact);
		const limit = Math.floor(query.limit);
		if (!(limit >= 1 && limit <= MAX_HISTORY_LIMIT)) throw new RangeError(`History: limit must be 1 to ${MAX_HISTORY_LIMIT}, not ${query.limit}`);
		const bounds: MessageBounds = {
			afterMs: boundMs(query.after, 'after'),
			beforeMs: boundMs(query.before, 'before'),
			cursor: query.cursor ? decodeCursor(query.cursor) : undefined,
		};
		const contacts = await this.engine.findContacts(scope, contact);
		if (contacts.length === 0) return { messages: [] };
		// One more than asked tells whether another page exists.
		const rows = await this.engine.listMessages(scope, contacts.map((row) => row.id), bounds, limit + 1);
		const page = rows.slice(0, limit);
		const messages = page.map((row): StoredMessage => {
			const owner = contacts.find((candidate) => candidate.id === row.contactId) ?? contacts[0];
			const message: StoredMessage = {
				id: row.id,
				direction: row.direction,
				contact: { ...(owner.phoneNumber ? { phoneNumber: owner.phoneNumber } : {}), ...(owner.userId ? { userId: owner.userId } : {}) },
				type: row.type,
				timestamp: new Date(row.tsMs).toISOString(),
			};
			if (row.text !== undefined) message.text = row.text;
			if (row.mediaIds) message.mediaIds = row.mediaIds;
			if (row.templateName !== undefined) message.templateName = row.templateName;
			if (row.contactName !== undefined) message.contactName = row.contactName;
			if (row.status) message.status = toStoredStatus(row.id, row.status);
			return message;
		});
		const last = page[page.length - 1];
		return rows.length > limit ? { messages, nextCursor: encodeCursor(last.tsMs, last.id) } : { messages };
	}

	async getContact(scope: StoreScope, contact: ContactRef): Promise<StoredContact | undefined> {
		checkContact(contact);
		const [row] = await this.engine.findContacts(scope, contact);
		if (!row) return undefined;
		const stored: StoredContact = {};
		if (row.phoneNumber) stored.phoneNumber = row.phoneNumber;
		if (row.userId) stored.userId = row.userId;
		if (row.name) stored.name = row.name;
		if (row.lastInboundMs !== undefined) stored.lastInboundAt = new Date(row.lastInboundMs).toISOString();
		return stored;
	}

	async getFlowState(scope: StoreScope, contact: ContactRef): Promise<FlowState | undefined> {
		const state = await this.liveDocument(scope, contact, 'flow');
		return state && toFlowState(state);
	}

	/** A contact's live flow state or wait, read without locking; undefined when there is none. */
	private async liveDocument(scope: StoreScope, contact: ContactRef, kind: ContactDocumentKind) {
		checkContact(contact);
		// The BSUID's row comes first: it is the person when the two are not linked yet.
		const [row] = await this.engine.findContacts(scope, contact);
		if (!row) return undefined;
		const state = await this.engine.getFlowState(row.id, kind);
		return isLive(state, this.now()) ? state : undefined;
	}

	async setFlowState(scope: StoreScope, contact: ContactRef, write: FlowStateWrite): Promise<FlowState | FlowStateConflict> {
		checkContact(contact);
		checkDocument(write.document);
		if (write.mode !== 'merge' && write.mode !== 'replace') throw new TypeError(`Flow state: mode must be merge or replace, not ${String(write.mode)}`);
		checkExpectedVersion(write.expectedVersion);
		const nowMs = this.now();
		let expiresMs: number | undefined;
		if (write.expiresAt !== undefined) {
			expiresMs = Date.parse(write.expiresAt);
			if (!Number.isFinite(expiresMs)) throw new TypeError(`Flow state: expiresAt is not an ISO 8601 time: ${write.expiresAt}`);
			if (expiresMs <= nowMs) throw new RangeError(`Flow state: expiresAt ${write.expiresAt} is not in the future`);
		}
		return this.write(scope, 'shared', async (tx) => {
			const row = await resolveContact(tx, scope, contact, nowMs);
			const current = await tx.lockFlowState(row.id);
			const version = currentVersion(current, nowMs);
			if (write.expectedVersion !== undefined && write.expectedVersion !== version) {
				return { conflict: true, expectedVersion: write.expectedVersion, currentVersion: version } as const;
			}
			// Throws before anything is saved when the result is too large (the transaction rolls back).
			const next = writtenRow(current, write, expiresMs, nowMs);
			await tx.saveFlowState(row.id, next, nowMs);
			return toFlowState(next);
		});
	}

	async clearFlowState(scope: StoreScope, contact: ContactRef, expectedVersion?: number): Promise<FlowStateCleared | FlowStateConflict> {
		checkContact(contact);
		checkExpectedVersion(expectedVersion);
		const nowMs = this.now();
		return this.write(scope, 'shared', async (tx): Promise<FlowStateCleared | FlowStateConflict> => {
			// Never creates or links a contact: clearing what nobody has is nothing to record.
			const row = await existingContact(tx, scope, contact);
			const current = row ? await tx.lockFlowState(row.id) : undefined;
			const version = currentVersion(current, nowMs);
			if (expectedVersion !== undefined && expectedVersion !== version) return { conflict: true, expectedVersion, currentVersion: version };
			if (!row || !current || !isLive(current, nowMs)) return { cleared: false };
			await tx.saveFlowState(row.id, clearedRow(current, nowMs), nowMs);
			return { cleared: true, version };
		});
	}

	async startWait(scope: StoreScope, contact: ContactRef, wait: Wait): Promise<Wait | undefined> {
		checkContact(contact);
		const nowMs = this.now();
		const expiresMs = wait.expiresAt === undefined ? undefined : Date.parse(wait.expiresAt);
		if (expiresMs !== undefined && !Number.isFinite(expiresMs)) throw new TypeError(`Wait: expiresAt is not an ISO 8601 time: ${wait.expiresAt}`);
		const document = JSON.parse(JSON.stringify(wait)) as FlowStateDocument;
		return this.write(scope, 'shared', async (tx) => {
			const row = await resolveContact(tx, scope, contact, nowMs);
			const current = await tx.lockFlowState(row.id, 'wait');
			await tx.saveFlowState(row.id, { document, version: (current?.version ?? 0) + 1, updatedMs: nowMs, ...(expiresMs !== undefined ? { expiresMs } : {}) }, nowMs, 'wait');
			return isLive(current, nowMs) && current.document.id !== wait.id ? (current.document as unknown as Wait) : undefined;
		});
	}

	async findWait(scope: StoreScope, contact: ContactRef): Promise<Wait | undefined> {
		return (await this.liveDocument(scope, contact, 'wait'))?.document as unknown as Wait | undefined;
	}


	async endWait(scope: StoreScope, contact: ContactRef, id: string): Promise<Wait | undefined> {
		checkContact(contact);
		const nowMs = this.now();
		return this.write(scope, 'shared', async (tx) => {
			const row = await existingContact(tx, scope, contact);
			const current = row ? await tx.lockFlowState(row.id, 'wait') : undefined;
			if (!row || !current || !isLive(current, nowMs) || current.document.id !== id) return undefined;
			await tx.saveFlowState(row.id, clearedRow(current, nowMs), nowMs, 'wait');
			return current.document as unknown as Wait;
		});
	}

	async addListener(listener: Omit<Listener, 'updatedAt' | 'holder' | 'registration'>): Promise<void> {
		await this.engine.saveListener({ ...listener, updatedMs: this.now() });
	}

	async listListeners(target: string): Promise<Listener[]> {
		return (await this.engine.listListeners({ target })).map(toListener);
	}

	async listenersAt(url: string): Promise<Listener[]> {
		return (await this.engine.listListeners({ url })).map(toListener);
	}

	removeListener(target: string, workflowId: string, nodeId: string): Promise<boolean> {
		return this.engine.deleteListener(target, workflowId, nodeId);
	}

	setHolder(target: string, workflowId: string, nodeId: string, registration: Record<string, unknown> | undefined): Promise<void> {
		return this.engine.setHolder(target, workflowId, nodeId, registration);
	}

	recordDelivery(scope: StoreScope, rejectedBecause?: string): Promise<void> {
		return this.engine.countDelivery(scope, rejectedBecause ?? '', this.now());
	}

	async getDeliveries(scope: StoreScope): Promise<DeliveryTally[]> {
		return (await this.engine.listDeliveries(scope)).map((row) => ({
			...(row.reason ? { rejectedBecause: row.reason } : {}),
			count: row.count,
			firstAt: new Date(row.firstMs).toISOString(),
			lastAt: new Date(row.lastMs).toISOString(),
		}));
	}

	async claimEvent(namespace: string, key: string, ttlMs: number): Promise<boolean> {
		if (!(ttlMs > 0)) throw new RangeError(`claimEvent: ttlMs must be positive, not ${ttlMs}`);
		this.autoPrune();
		const nowMs = this.now();
		return this.engine.claim(namespace, key, nowMs + ttlMs, nowMs);
	}

	prune(olderThan: Date): Promise<PruneResult> {
		const cutoffMs = olderThan.getTime();
		if (!Number.isFinite(cutoffMs)) throw new TypeError('prune: olderThan is not a valid date');
		return this.engine.prune(cutoffMs, this.now());
	}

	/** At most once an hour per store, started by a write and never awaited by it. */
	private autoPrune(): void {
		const nowMs = this.now();
		if (this.closed || this.pruning || nowMs - this.lastPruneMs < AUTO_PRUNE_INTERVAL_MS) return;
		this.lastPruneMs = nowMs;
		this.pruning = this.engine
			.prune(nowMs - this.retentionMs, nowMs)
			.catch((error: Error) => this.warn(`WhatsApp Omni: pruning the conversation store failed (${error.message}); retrying in an hour`))
			.finally(() => (this.pruning = undefined));
	}

	async close(): Promise<void> {
		if (this.closed) return;
		this.closed = true;
		await this.pruning;
		await this.engine.close();
	}
}
