/**
 * The trigger's part of the conversation store: it records what providers tell only webhooks
 * (inbound messages, statuses, identity changes) and claims each event once across every n8n
 * process (Ignore Duplicates). The store never costs an event: when it fails or is slow, the
 * event is still emitted, duplicates are checked in this process's memory, and the item says so
 * in `storeWarning`.
 */
import { conversationStore, eventScope, storeWarning } from '../helpers/conversationStore';
import type { EventContact, IdentityIds, UnifiedEvent } from '../providers/events';
import type { ContactRef, ConversationStore, StoreScope } from '../store/types';
import { DEDUPE_TTL_MS, firstDelivery } from './dedupe';
import { dedupeKey } from './dedupeKey';

/** Longest a store call may hold up an execution; the provider already has its 200 by then. */
export const STORE_TIMEOUT_MS = 5000;

export interface StoreOptions {
	/** Record messages, statuses and identity changes (Record in Store). */
	record: boolean;
	/** Emit each event once (Ignore Duplicates). */
	ignoreDuplicates: boolean;
	/** Whose duplicates: one workflow's trigger node. */
	namespace: string;
}

export interface StoredEvent {
	event: UnifiedEvent;
	/** Why the store did not do its part for this event, when it did not. */
	storeWarning?: string;
}

export function contactRef(ids: EventContact | IdentityIds): ContactRef | undefined {
	const { phoneNumber, userId } = ids;
	if (!phoneNumber && !userId) return undefined;
	return { ...(phoneNumber ? { phoneNumber } : {}), ...(userId ? { userId } : {}) };
}

type StoreWrite = (scope: StoreScope) => (store: ConversationStore) => Promise<unknown>;

/** The store write an event calls for, or undefined when there is nothing to record. */
function recording(event: UnifiedEvent, key: () => string): StoreWrite | undefined {
	const contact = contactRef(event.contact);
	const { message, status, identity } = event;
	if (event.event === 'message' && message && contact) {
		const media = message.media?.id ?? message.media?.url;
		const text = message.text ?? message.media?.caption;
		return (scope) => async (store) =>
			await store.recordMessage(scope, {
				// An id-less message is still a message the person sent (it opens the window).
				id: event.id || key(),
				direction: 'inbound',
				contact,
				type: message.type,
				...(text !== undefined ? { text } : {}),
				...(media ? { mediaIds: [media] } : {}),
				timestamp: event.timestamp,
				...(event.contact.name ? { contactName: event.contact.name } : {}),
			});
	}
	if (event.event === 'status' && status && event.id) {
		return (scope) => async (store) =>
			await store.recordStatus(scope, {
				messageId: event.id,
				status: status.status,
				timestamp: event.timestamp,
				...(contact ? { contact } : {}),
				...(status.errors?.length ? { errors: status.errors } : {}),
				...(status.pricing ? { pricing: status.pricing } : {}),
			});
	}
	if (event.event === 'identity' && identity) {
		const previous = contactRef(identity.previous);
		const current = contactRef(identity.current);
		if (previous && current) return (scope) => async (store) => await store.recordIdentityChange(scope, previous, current);
	}
	return undefined;
}

export function withTimeout<T>(promise: Promise<T>): Promise<T> {
	let timer: NodeJS.Timeout | undefined;
	const timeout = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(new Error(`no answer within ${STORE_TIMEOUT_MS / 1000} s`)), STORE_TIMEOUT_MS);
	});
	return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** What the store failed to do for one event, as the item's storeWarning says it. */
function failureWarning(notRecorded: boolean, checkedHere: boolean, reason: unknown, store?: ConversationStore): string {
	const what = [notRecorded ? 'not recorded' : '', checkedHere ? 'checked for duplicates in this n8n process only' : ''].filter(Boolean).join(' and ');
	return storeWarning(`The event was ${what}`, reason, store);
}

/**
 * Records every event that calls for it (wanted or not: Get Status needs statuses a workflow
 * does not listen to) and claims the wanted ones, all at once. Returns the wanted events that
 * are not duplicates, in order, each with a warning where the store failed.
 */
export async function storeEvents(events: UnifiedEvent[], isWanted: (event: UnifiedEvent) => boolean, options: StoreOptions): Promise<StoredEvent[]> {
	const plans = events.map((event) => {
		const wanted = isWanted(event);
		// Hashing an id-less event's content is the costly part of its key: done once, when needed.
		let computed: string | undefined;
		const key = () => (computed ??= dedupeKey(event));
		const scope = options.record ? eventScope(event) : undefined;
		const write = scope ? recording(event, key) : undefined;
		return { event, key, wanted, dedupe: wanted && options.ignoreDuplicates, write: scope && write ? write(scope) : undefined };
	});
	if (!plans.some((plan) => plan.dedupe || plan.write)) return plans.filter((plan) => plan.wanted).map(({ event }) => ({ event }));

	// The process-wide store, opened at its first use; a store that cannot be opened says why.
	let store: ConversationStore | undefined;
	let openError: unknown;
	try {
		store = await withTimeout(conversationStore());
	} catch (error) {
		openError = error;
	}

	const outcomes = await Promise.all(
		plans.map(async ({ event, key, wanted, dedupe, write }): Promise<StoredEvent | undefined> => {
			// This process's memory sees every event, so it can stand in whenever the store fails.
			const firstHere = dedupe ? firstDelivery(options.namespace, key()) : true;
			if (!store) {
				if (!wanted || !firstHere) return undefined;
				return dedupe || write ? { event, storeWarning: failureWarning(!!write, dedupe, openError) } : { event };
			}
			const open = store;
			const [claim, written] = await Promise.allSettled([
				dedupe ? withTimeout(open.claimEvent(options.namespace, key(), DEDUPE_TTL_MS)) : true,
				write ? withTimeout(write(open)) : undefined,
			]);
			const first = claim.status === 'fulfilled' ? claim.value : firstHere;
			if (!wanted || !first) return undefined;
			if (claim.status === 'fulfilled' && written.status === 'fulfilled') return { event };
			const reason = written.status === 'rejected' ? written.reason : (claim as PromiseRejectedResult).reason;
			return { event, storeWarning: failureWarning(written.status === 'rejected', claim.status === 'rejected', reason, open) };
		}),
	);
	return outcomes.filter((outcome): outcome is StoredEvent => outcome !== undefined);
}
