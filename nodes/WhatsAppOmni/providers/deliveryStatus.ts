import type { DeliveryStatus } from './types';

/**
 * A provider's word for a message's state, as its API or its webhooks say it (Twilio's message
 * statuses, Meta's status webhooks), in the unified words of Get Status and Get Chat History.
 */
const DELIVERY_STATUS: Record<string, DeliveryStatus> = {
	accepted: 'queued',
	scheduled: 'queued',
	queued: 'queued',
	sending: 'queued',
	sent: 'sent',
	delivered: 'delivered',
	read: 'read',
	// Meta: a voice message was listened to, so it was read.
	played: 'read',
	failed: 'failed',
	canceled: 'failed',
	undelivered: 'undelivered',
	partially_delivered: 'undelivered',
	receiving: 'received',
	received: 'received',
};

/** A word the provider adds later is read as not delivered yet; the caller keeps the word itself. */
export function deliveryStatus(word: string, inbound: boolean): DeliveryStatus {
	return DELIVERY_STATUS[word] ?? (inbound ? 'received' : 'queued');
}
