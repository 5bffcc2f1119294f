import type { UnifiedEvent } from '../providers/events';

const TTL_MS = 24 * 60 * 60 * 1000;
const MAX_KEYS = 50_000;

/**
 * Events already seen, per trigger node, for 24 hours. In process memory for now: a later
 * shared store makes this work across n8n processes (queue mode).
 */
const seen = new Map<string, number>();

export function eventKey(event: UnifiedEvent): string | undefined {
	if (event.event === 'message') return `m:${event.provider}:${event.id}`;
	if (event.event === 'status' && event.status) return `s:${event.provider}:${event.id}:${event.status.status}`;
	return undefined;
}

/** True the first time an event is seen in a scope, false for a redelivery. */
export function firstDelivery(scope: string, event: UnifiedEvent, now = Date.now()): boolean {
	const key = eventKey(event);
	if (!key) return true;
	const full = `${scope}|${key}`;
	const at = seen.get(full);
	if (at !== undefined && now - at < TTL_MS) return false;
	seen.delete(full);
	seen.set(full, now);
	if (seen.size > MAX_KEYS) {
		// Map iteration is insertion order: the first keys are the oldest.
		for (const old of seen.keys()) {
			seen.delete(old);
			if (seen.size <= MAX_KEYS * 0.9) break;
		}
	}
	return true;
}

export function forgetSeenEvents() {
	seen.clear();
}
