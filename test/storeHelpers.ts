/**
 * Conversation stores for tests: each test that runs the trigger or a send gets an empty store of
 * its own, so what one test recorded or claimed never changes another's outcome.
 */
import { useConversationStore } from '../nodes/WhatsAppOmni/helpers/conversationStore';
import { openStore } from '../nodes/WhatsAppOmni/store';
import type { ConversationStore } from '../nodes/WhatsAppOmni/store/types';
import { forgetSeenEvents } from '../nodes/WhatsAppOmni/trigger/dedupe';

let count = 0;
let current: ConversationStore | undefined;

/** Opens a store on `url` (default: a new in-memory database of its own). */
export async function openTestStore(url = `memory:test-${process.pid}-${++count}`): Promise<ConversationStore> {
	return await openStore({ WHATSAPP_OMNI_STORE_URL: url });
}

/**
 * Makes the nodes use a new, empty store (and forget the events this process's memory saw),
 * closing the one the previous test used.
 */
export async function useFreshStore(url?: string): Promise<ConversationStore> {
	const previous = current;
	current = await openTestStore(url);
	useConversationStore(current);
	forgetSeenEvents();
	await previous?.close();
	return current;
}

/** Makes the nodes use this store, e.g. one that fails, or one another "process" shares. */
export function useStore(store: ConversationStore | undefined): void {
	useConversationStore(store);
}
