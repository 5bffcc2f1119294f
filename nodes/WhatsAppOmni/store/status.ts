/**
 * How a message's status moves: one pure function, so every engine applies the same rule inside
 * its own transaction. The result depends only on the set of statuses received, never on their
 * arrival order (webhooks come out of order and twice, from several processes).
 */
import type { HistoryEntry, StatusRow } from './backend';
import type { StatusError, StatusRecord, StoredStatus } from './types';
import { STATUS_RANK } from './types';

/** Statuses the table does not know (a provider's new ones) rank with the earliest. */
export function statusRank(status: string): number {
	return STATUS_RANK[status] ?? 0;
}

/** Milliseconds of an ISO time; a time that cannot be read counts as now (the event is kept). */
export function timeMs(iso: string | undefined, nowMs: number): number {
	const ms = iso === undefined ? Number.NaN : Date.parse(iso);
	return Number.isFinite(ms) ? ms : nowMs;
}

/** The entry that is the message's status: highest rank; on a tie the earliest, then by name. */
function furthest(history: HistoryEntry[]): HistoryEntry {
	return history.reduce((best, entry) => {
		const byRank = statusRank(entry.status) - statusRank(best.status);
		if (byRank !== 0) return byRank > 0 ? entry : best;
		if (entry.tsMs !== best.tsMs) return entry.tsMs < best.tsMs ? entry : best;
		return entry.status < best.status ? entry : best;
	});
}

export function mergeStatus(current: StatusRow | undefined, incoming: StatusRecord, nowMs: number): StatusRow {
	const tsMs = timeMs(incoming.timestamp, nowMs);
	const errors: StatusError[] | undefined = incoming.errors?.length ? incoming.errors : undefined;
	const history = (current?.history ?? []).map((entry) => ({ ...entry }));
	const same = history.find((entry) => entry.status === incoming.status);
	if (same) {
		// A repeat keeps one entry: the earliest time the provider gave for it.
		if (tsMs < same.tsMs) same.tsMs = tsMs;
		if (!same.errors && errors) same.errors = errors;
	} else {
		history.push({ status: incoming.status, tsMs, errors, seq: history.length });
	}
	// Providers give whole seconds: within one second the order is the statuses' own (sent before
	// delivered), not the arrival order, which differs between processes.
	history.sort((a, b) => a.tsMs - b.tsMs || statusRank(a.status) - statusRank(b.status) || a.seq - b.seq);
	const latest = furthest(history);
	const pricing = incoming.pricing ? { ...current?.pricing, ...incoming.pricing } : current?.pricing;
	return { status: latest.status, tsMs: latest.tsMs, history, errors: latest.errors, pricing };
}

export function toStoredStatus(messageId: string, row: StatusRow): StoredStatus {
	const stored: StoredStatus = {
		messageId,
		status: row.status,
		timestamp: new Date(row.tsMs).toISOString(),
		history: row.history.map((entry) => ({
			status: entry.status,
			timestamp: new Date(entry.tsMs).toISOString(),
			...(entry.errors ? { errors: entry.errors } : {}),
		})),
	};
	if (row.errors) stored.errors = row.errors;
	if (row.pricing) stored.pricing = row.pricing;
	return stored;
}
