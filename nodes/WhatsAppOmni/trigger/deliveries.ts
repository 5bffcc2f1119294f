/**
 * What Account › Check Setup reads about a number's deliveries: the trigger counts every delivery
 * in the store, accepted or refused with its reason (never a body, never a secret), and logs a
 * refusal at most once a minute per reason and trigger.
 */
import type { IWebhookFunctions } from 'n8n-workflow';

import { conversationStore, providerScope } from '../helpers/conversationStore';
import type { WhatsAppProvider } from '../providers/types';
import { warnOnce } from './listeners';
import { withTimeout } from './record';

/** Reasons a delivery was refused, as Check Setup reads them from the store. */
export const SIGNATURE_MISMATCH = 'signature mismatch';
export const NOT_A_WEBHOOK = 'not a webhook of this provider';
export const WRONG_VERIFY_TOKEN = 'wrong verify token';
export const UNKNOWN_NUMBER = 'unknown number';

/** Counts a delivery to this trigger's number in the store; never fails or holds up the request. */
export async function countDelivery(provider: WhatsAppProvider, reason?: string): Promise<void> {
	const scope = providerScope(provider);
	if (!scope) return;
	try {
		await withTimeout((await withTimeout(conversationStore())).recordDelivery(scope, reason));
	} catch {
		// The tally is for Check Setup; the delivery itself is what matters.
	}
}

/** A refused delivery: counted for Check Setup, and logged once a minute per reason. */
export async function rejected(this: IWebhookFunctions, provider: WhatsAppProvider, reason: string): Promise<void> {
	warnOnce.call(this, reason, `WhatsApp Omni Trigger: refused a delivery (${reason}); Account › Check Setup says what to fix`);
	await countDelivery(provider, reason);
}

