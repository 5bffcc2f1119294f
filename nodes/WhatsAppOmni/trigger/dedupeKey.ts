/**
 * What makes two deliveries "the same event" for the trigger's Ignore Duplicates: one key per
 * unified event, computed from the event alone (no clock, no state), so that the in-process memory
 * store and a shared store (SQLite, PostgreSQL) use the very same keys.
 *
 * | kind        | key                                                                         |
 * | ----------- | --------------------------------------------------------------------------- |
 * | message     | `m:<provider>:<message id>`                                                 |
 * | status      | `s:<provider>:<message id>:<status>`, plus `:<member>` for a group member's |
 * | identity    | `i:<provider>:<id>:<old ids>:<new ids>` (number, BSUID and parent BSUID)    |
 * | template    | `t:<provider>:<hash of id (the template's), timestamp, update and raw>`     |
 * | account     | `a:<provider>:<hash of id, update and raw>`                                 |
 * | error       | `e:<provider>:<hash of id, update and raw>`                                 |
 * | unsupported | `u:<provider>:<hash of id, update and raw>`                                 |
 *
 * A message or status without an id is keyed by a hash of its raw payload (`m:<provider>:#<hash>`),
 * never by a key it would share with other id-less events. An identity change is keyed by its id
 * (the system message's, or one made of the update) with the old and the new identifiers, so two
 * changes never share a key even where the id is made up; without an id, by a hash of its raw
 * payload (a long key is hashed, as every key). Updates have no id of their own that tells one
 * update from the next, so their key is a hash of what the provider sent: a replay of a captured,
 * validly signed update gives the same key, a different update another one. Template
 * updates add their timestamp (Meta's `entry.time`), as the same template can go through the same
 * change twice (approved, paused, approved again); the parsers put that time in the other kinds'
 * ids. An update sent again byte for byte cannot be told from a replay, and counts once.
 *
 * Hash: SHA-256, base64url, of the canonical JSON (keys sorted at every level).
 */
import { createHash } from 'node:crypto';

import type { EventKind, IdentityIds, UnifiedEvent } from '../providers/events';

const PREFIX: Record<EventKind, string> = {
	message: 'm',
	status: 's',
	identity: 'i',
	template: 't',
	account: 'a',
	error: 'e',
	unsupported: 'u',
};

/** Longer ids are hashed, so that every key, and so every entry of the memory store, stays small. */
const MAX_ID_LENGTH = 128;

/** The dedupe key of an event: never empty, equal for redeliveries, different for different events. */
export function dedupeKey(event: UnifiedEvent): string {
	const prefix = `${PREFIX[event.event] ?? `x-${String(event.event)}`}:${event.provider}`;
	switch (event.event) {
		case 'message':
			return event.id ? `${prefix}:${bounded(event.id)}` : `${prefix}:#${contentHash(event.raw)}`;
		case 'status': {
			if (!event.id || !event.status) return `${prefix}:#${contentHash(event.raw)}`;
			const participant = groupParticipant(event);
			return `${prefix}:${bounded([event.id, event.status.status, ...(participant ? [participant] : [])].join(':'))}`;
		}
		case 'identity': {
			if (!event.id || !event.identity) return `${prefix}:#${contentHash(event.raw)}`;
			const ids = ({ phoneNumber, userId, parentUserId }: IdentityIds) => [phoneNumber ?? '', userId ?? '', parentUserId ?? ''].join(',');
			return `${prefix}:${bounded([event.id, ids(event.identity.previous), ids(event.identity.current)].join(':'))}`;
		}
		case 'template':
			return `${prefix}:${contentHash({ id: event.id, timestamp: event.timestampInvalid ?? event.timestamp, update: event.update, raw: event.raw })}`;
		default:
			return `${prefix}:${contentHash({ id: event.id, update: event.update, raw: event.raw })}`;
	}
}

/**
 * The member a status is about when the message went to a group: the recipient is then the group
 * and the contact the member, and each member's `delivered`/`read` is an event of its own.
 */
function groupParticipant(event: UnifiedEvent): string | undefined {
	const recipient = event.status?.recipient;
	const { phoneNumber, waId, userId } = event.contact;
	const member = waId ?? userId;
	if (!member || !recipient) return undefined;
	return [phoneNumber, waId, userId].includes(recipient) ? undefined : member;
}

function bounded(value: string): string {
	return value.length > MAX_ID_LENGTH ? `#${contentHash(value)}` : value;
}

/** SHA-256 (base64url) of a value's canonical JSON. */
export function contentHash(value: unknown): string {
	return createHash('sha256').update(canonicalJson(value)).digest('base64url');
}

/** Deeper than this, a value is written as DEEP_MARKER (the parsers already cut events at 64 levels). */
const MAX_DEPTH = 256;
const DEEP_MARKER = '"[nested too deep]"';

/**
 * JSON with object keys sorted at every level, so the same payload always gives the same text
 * whatever order its keys were parsed or built in. Like JSON.stringify otherwise: undefined
 * properties are left out, undefined array items and non-finite numbers are null. Values nested
 * more than MAX_DEPTH levels (or in a cycle) are written as a marker instead of overflowing the stack.
 */
export function canonicalJson(value: unknown): string {
	const write = (item: unknown, depth: number): string | undefined => {
		if (item === null) return 'null';
		switch (typeof item) {
			case 'string':
			case 'boolean':
				return JSON.stringify(item);
			case 'number':
				return Number.isFinite(item) ? JSON.stringify(item) : 'null';
			case 'bigint':
				return JSON.stringify(item.toString());
			case 'object':
				break;
			default:
				// undefined, functions and symbols, which JSON.stringify leaves out too.
				return undefined;
		}
		if (depth >= MAX_DEPTH) return DEEP_MARKER;
		if (Array.isArray(item)) return `[${item.map((inner) => write(inner, depth + 1) ?? 'null').join(',')}]`;
		if (Buffer.isBuffer(item)) return JSON.stringify(item.toString('base64'));
		if (item instanceof Date) return JSON.stringify(Number.isNaN(item.getTime()) ? null : item.toISOString());
		const record = item as Record<string, unknown>;
		const parts: string[] = [];
		for (const key of Object.keys(record).sort()) {
			const inner = write(record[key], depth + 1);
			if (inner !== undefined) parts.push(`${JSON.stringify(key)}:${inner}`);
		}
		return `{${parts.join(',')}}`;
	};
	return write(value, 0) ?? 'null';
}
