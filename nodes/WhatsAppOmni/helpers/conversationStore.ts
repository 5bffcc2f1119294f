/**
 * How the trigger and the action node reach the conversation store: the process-wide store
 * (opened once, never per request), which scope a credential or an event belongs to, how a
 * recipient names a contact, and what an item says when the store failed it.
 */
import type { UnifiedEvent } from '../providers/events';
import type { Recipient, WhatsAppProvider } from '../providers/types';
import { openProcessStore, STORE_URL_VARIABLE } from '../store';
import type { ConversationStore, ContactRef, StoreScope } from '../store/types';

export { STORE_URL_VARIABLE };

let override: ConversationStore | undefined;

/**
 * The store every workflow of this n8n process shares (opened at first use). Throws when it
 * cannot be opened; callers decide whether that fails the item or only warns.
 */
export async function conversationStore(): Promise<ConversationStore> {
	return override ?? (await openProcessStore());
}

/** Tests: use this store instead of the one WHATSAPP_OMNI_STORE_URL names (undefined: back to that one). */
export function useConversationStore(store: ConversationStore | undefined): void {
	override = store;
}

/**
 * The business number a credential sends from, as the store files it: Meta's phone number ID,
 * or the Twilio WhatsApp sender's E.164 number. Undefined when the credential names no number
 * (Twilio with a Messaging Service only).
 */
export function providerScope(provider: WhatsAppProvider): StoreScope | undefined {
	const business = provider.businessKey;
	return business ? { provider: provider.name, business } : undefined;
}

/** The same scope as providerScope, from an event the trigger received. */
export function eventScope(event: UnifiedEvent): StoreScope | undefined {
	const business = event.provider === 'meta' ? event.business.phoneNumberId : event.business.phoneNumber;
	return business ? { provider: event.provider, business } : undefined;
}

export function recipientContact(recipient: Recipient): ContactRef {
	return recipient.kind === 'phone' ? { phoneNumber: recipient.phoneNumber } : { userId: recipient.userId };
}

/**
 * What an item says when the store could not do its part: what failed, and the store by its
 * description and the variable that chooses it (descriptions and the store's errors never hold
 * a password).
 */
export function storeWarning(what: string, error: unknown, store?: ConversationStore): string {
	const reason = error instanceof Error ? error.message : String(error);
	if (store) return `${what}: the conversation store (${store.description}, set by ${STORE_URL_VARIABLE}) failed: ${reason}`;
	// The store could not be opened: its error names where it is.
	return `${what}: ${reason}${reason.includes(STORE_URL_VARIABLE) ? '' : ` (the conversation store set by ${STORE_URL_VARIABLE})`}`;
}
