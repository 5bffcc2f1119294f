import type { StoredContact } from '../../store/types';

/** WhatsApp's customer service window: free-form messages reach a person this long after they last wrote. */
export const WINDOW_MS = 24 * 60 * 60 * 1000;

export interface ConversationWindow {
	open: boolean;
	/** The person's last message the store knows of: the window opened then. */
	since?: string;
	/** When the window closes (or closed): `since` + 24 hours. */
	until?: string;
}

/** The window as far as the store knows: closed when it knows of no message from the person. */
export function windowOf(contact: StoredContact | undefined, now = Date.now()): ConversationWindow {
	const since = contact?.lastInboundAt;
	const sinceMs = since ? Date.parse(since) : NaN;
	if (!since || Number.isNaN(sinceMs)) return { open: false };
	const untilMs = sinceMs + WINDOW_MS;
	return { open: now < untilMs, since, until: new Date(untilMs).toISOString() };
}

/** Why the window is closed, in one sentence naming the person and since when. */
export function closedWindowReason(contact: string, window: ConversationWindow): string {
	return window.until
		? `The 24-hour window with ${contact} is closed since ${window.until} (their last message the conversation store knows of came at ${window.since})`
		: `The 24-hour window with ${contact} is closed: the conversation store knows of no message from them`;
}
