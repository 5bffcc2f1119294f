
export { dedupeKey } from './dedupeKey';

/** How long an event is remembered: providers stop retrying well within a day. */
export const DEDUPE_TTL_MS = 24 * 60 * 60 * 1000;
/** Most keys the memory store holds, all triggers of the process together (about 5 MB with typical keys). */
export const DEDUPE_MAX_KEYS = 50_000;

/**
 * Keys seen in the last `ttlMs`, per scope (a trigger node of a workflow), in process memory.
 * It only takes keys (from `dedupeKey`), so a shared store (SQLite, PostgreSQL) for queue mode
 * can replace it without changing what counts as a duplicate.
 *
 * Bounded twice: keys older than `ttlMs` are dropped as new ones come in, and past `maxKeys`
 * the oldest keys go first (a redelivery of an event that old is then emitted again).
 */
export class MemoryDedupeStore {
	/** `scope|key` → when it was first seen; Map order is insertion order, so oldest first. */
	private readonly seen = new Map<string, number>();

	constructor(
		readonly ttlMs = DEDUPE_TTL_MS,
		readonly maxKeys = DEDUPE_MAX_KEYS,
	) {}

	/** True the first time a key is seen in a scope within the TTL, false for a repeat. */
	firstSeen(scope: string, key: string, now = Date.now()): boolean {
		const full = `${scope}|${key}`;
		const at = this.seen.get(full);
		if (at !== undefined && now - at < this.ttlMs) return false;
		this.seen.delete(full);
		this.expire(now);
		this.seen.set(full, now);
		if (this.seen.size > this.maxKeys) {
			// Drop the oldest tenth at once, so a full store does not evict on every event.
			const keep = Math.max(1, Math.floor(this.maxKeys * 0.9));
			for (const old of this.seen.keys()) {
				if (this.seen.size <= keep) break;
				this.seen.delete(old);
			}
		}
		return true;
	}

	get size(): number {
		return this.seen.size;
	}

	clear() {
		this.seen.clear();
	}

	/** Removes expired keys from the front, where the oldest are. */
	private expire(now: number) {
		for (const [full, at] of this.seen) {
			if (now - at < this.ttlMs) break;
			this.seen.delete(full);
		}
	}
}

/** This process's memory of events: the trigger's stand-in when the conversation store fails. */
export const memoryDedupeStore = new MemoryDedupeStore();

/** True the first time an event's key (dedupeKey) is seen in a scope, false for a redelivery or a replay. */
export function firstDelivery(scope: string, key: string, now = Date.now()): boolean {
	return memoryDedupeStore.firstSeen(scope, key, now);
}

export function forgetSeenEvents() {
	memoryDedupeStore.clear();
}
