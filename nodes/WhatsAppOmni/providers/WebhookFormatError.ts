import type { ProviderName } from './types';

const LABELS: Record<ProviderName, string> = { meta: 'Meta WhatsApp', twilio: 'Twilio' };

/**
 * The request is not this provider's webhook at all (not an object, another `object`, no `entry`
 * array, no MessageSid…). The trigger answers it with 400. A well-formed webhook with something
 * new in it never throws this: it becomes an `unsupported` event instead.
 */
export class WebhookFormatError extends Error {
	constructor(
		readonly provider: ProviderName,
		/** What is wrong with the body, in a few words. */
		readonly reason: string,
	) {
		super(`Not a ${LABELS[provider]} webhook: ${reason}`);
		this.name = 'WebhookFormatError';
	}
}
