/**
 * Guards shared by the webhook parsers of every provider, so that one odd item never costs the
 * other events of a delivery, and every event can be handled by n8n afterwards:
 *
 * * a timestamp that cannot be read gives the time of receipt, marked with `timestampInvalid`;
 * * objects and arrays nested deeper than MAX_EVENT_DEPTH below the item are replaced by
 *   DEPTH_MARKER and named in `truncated` (n8n copies and serialises items recursively: a payload
 *   nested some thousands of levels deep would overflow its stack after the provider got its 200,
 *   and the event would be lost without an execution);
 * * an item whose parsing throws becomes an `unsupported` event with `update.parseError` and its
 *   raw payload, and the rest of the batch goes on.
 */
import { DEPTH_MARKER, limitDepth } from '../helpers/json';
import type { EventContact, UnifiedEvent } from './events';
import type { ProviderName } from './types';

export { DEPTH_MARKER };

/** Objects and arrays nested deeper than this below the item (the event) are cut. */
export const MAX_EVENT_DEPTH = 64;

/** Largest distance from 1970 a JavaScript Date holds, in milliseconds. */
const MAX_DATE_MS = 8.64e15;

/** Longest `timestampInvalid` and `update.parseError` text. */
const MAX_TEXT = 200;

/**
 * The event with nothing nested deeper than MAX_EVENT_DEPTH below it. When something was cut, a
 * new event with `truncated` (the paths cut, e.g. `raw.message.interactive.a.a…`); otherwise the
 * very same event.
 */
export function boundEvent(event: UnifiedEvent): UnifiedEvent {
	const { value, truncated } = limitDepth(event, MAX_EVENT_DEPTH);
	if (truncated.length === 0) return event;
	const { raw, ...rest } = value;
	return { ...rest, truncated, raw };
}

/**
 * The ISO 8601 time of a Unix timestamp in seconds (a number, or a numeric string as Meta sends).
 * Missing (undefined or null): `now`, the time of receipt. Present but unreadable (not a number,
 * not after 1970, or beyond what a date can hold): `now` too, with `timestampInvalid` holding the
 * value as sent.
 */
export function unixTimestamp(value: unknown, now: Date): Pick<UnifiedEvent, 'timestamp' | 'timestampInvalid'> {
	if (value === undefined || value === null) return { timestamp: now.toISOString() };
	const seconds = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
	const ms = seconds * 1000;
	if (Number.isFinite(ms) && ms > 0 && ms <= MAX_DATE_MS) return { timestamp: new Date(ms).toISOString() };
	return { timestamp: now.toISOString(), timestampInvalid: valueText(value) };
}

/**
 * The contact with its `id` (EventContact.id): the phone number when it has one, else the BSUID.
 * A contact with neither stays as it is.
 */
export function withContactId(contact: EventContact): EventContact {
	const id = contact.phoneNumber ?? contact.userId;
	return id === undefined ? contact : { id, ...contact };
}

/** What a parser knows of an item before it tries to build its event. */
export interface UnparsedItem {
	provider: ProviderName;
	/** The webhook field the item came in (Meta's `field`; `messages` for Twilio). */
	field: string;
	/** Which part of the delivery could not be parsed. */
	item: 'message' | 'status' | 'error' | 'update';
	id?: string;
	business?: UnifiedEvent['business'];
	raw: unknown;
}

/**
 * The event `build` makes, bounded by boundEvent; when building it throws, an `unsupported` event
 * for the item instead, so the other events of the delivery still go out.
 */
export function guardEvent(build: () => UnifiedEvent, item: UnparsedItem, now: Date): UnifiedEvent {
	try {
		return boundEvent(build());
	} catch (error) {
		return unparsedEvent(item, error, now);
	}
}

/**
 * `{ event: 'unsupported', update: { field, item, parseError }, raw }`: an item the parser could
 * not read, passed on with the reason and its (bounded) payload.
 */
export function unparsedEvent(item: UnparsedItem, error: unknown, now: Date): UnifiedEvent {
	const event: UnifiedEvent = {
		event: 'unsupported',
		provider: item.provider,
		id: item.id ?? '',
		timestamp: now.toISOString(),
		business: { ...item.business },
		contact: {},
		update: { field: item.field, item: item.item, parseError: errorText(error) },
		raw: item.raw,
	};
	try {
		return boundEvent(event);
	} catch {
		// A raw value that cannot even be walked: the reason still goes out.
		return { ...event, raw: null, truncated: ['raw'] };
	}
}

function errorText(error: unknown): string {
	try {
		const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
		return clip(text);
	} catch {
		return 'unknown error';
	}
}

/** A short text of a value as the provider sent it. */
function valueText(value: unknown): string {
	if (typeof value === 'string') return clip(value);
	if (typeof value !== 'object' || value === null) return String(value);
	try {
		return clip(JSON.stringify(limitDepth(value, 4).value));
	} catch {
		return Array.isArray(value) ? '[array]' : '[object]';
	}
}

function clip(text: string): string {
	return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text;
}
