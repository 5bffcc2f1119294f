import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { DEFAULT_DELIVERY_SETTINGS, type DeliverySettings } from '../helpers/retryPolicy';

/** Meta's higher throughput tier; no provider sells more per number. */
export const MAX_MESSAGES_PER_SECOND = 1000;
export const MAX_CONCURRENCY = 100;
export const MAX_ATTEMPTS = 10;

/**
 * The defaults are literals for n8n's linter; a test checks they equal DEFAULT_DELIVERY_SETTINGS.
 *
 * How the node sends many items: how many at once, how fast per number and per person, and how
 * it retries. One collection for every operation, read by the router, so no operation repeats it.
 */
export const bulkSending: INodeProperties = {
	displayName: 'Bulk Sending',
	name: 'bulkSending',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	description: 'How many items are sent at once, how fast, and how failed requests are retried',
	options: [
		{
			displayName: 'Concurrency',
			name: 'concurrency',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: MAX_CONCURRENCY },
			default: 50,
			description:
				'How many items are sent at the same time. Output order and pairing stay the same whatever it is; it is also the most connections the node opens to the provider. With the providers’ usual 100–300 ms per request, 50 keeps 80 messages a second going.',
		},
		{
			displayName: 'Max Attempts',
			name: 'maxAttempts',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: MAX_ATTEMPTS },
			default: 5,
			description:
				'Tries per request, the first included, when the provider answers 429 (rate limit), 5xx, or the connection fails before the request was sent. 1 turns retries off.',
		},
		{
			displayName: 'Max Retry Wait (Seconds)',
			name: 'maxRetryWaitSeconds',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 3600 },
			default: 60,
			description:
				'Longest wait before one retry. When the provider asks to wait longer (Retry-After), the item fails at once with the wait in its error instead of holding the execution.',
		},
		{
			displayName: 'Messages per Recipient per Minute',
			name: 'messagesPerRecipientPerMinute',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 600 },
			default: 10,
			description:
				'Meta only: messages to one person are held so that no more than this many go out in a minute (Meta allows about one every 6 seconds to the same person on average, error 131056). 0 turns it off.',
		},
		{
			displayName: 'Messages per Second',
			name: 'messagesPerSecond',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: MAX_MESSAGES_PER_SECOND },
			default: 80,
			description:
				'Most messages per second from one sender number: 80 is the default tier of Meta and Twilio; Meta’s higher tier allows 1,000. Held across executions, and across n8n processes when the conversation store is PostgreSQL.',
		},
		{
			displayName: 'Retry When Outcome Unknown',
			name: 'retryUnknownOutcome',
			type: 'boolean',
			default: false,
			description:
				'Whether to also retry a send whose connection dropped after the request went out. The provider may have accepted it, so the person may get the message twice.',
		},
	],
};

function bounded(value: unknown, fallback: number, min: number, max: number): number {
	const number = typeof value === 'number' ? value : Number(value);
	if (value === undefined || value === null || value === '' || !Number.isFinite(number)) return fallback;
	return Math.min(max, Math.max(min, Math.floor(number)));
}

/** The node's Bulk Sending values (missing ones at their defaults, out-of-range ones clamped). */
export function deliverySettingsFrom(options: IDataObject): DeliverySettings {
	const defaults = DEFAULT_DELIVERY_SETTINGS;
	return {
		...defaults,
		concurrency: bounded(options.concurrency, defaults.concurrency, 1, MAX_CONCURRENCY),
		messagesPerSecond: bounded(options.messagesPerSecond, defaults.messagesPerSecond, 1, MAX_MESSAGES_PER_SECOND),
		perRecipient: {
			messages: bounded(options.messagesPerRecipientPerMinute, defaults.perRecipient.messages, 0, 600),
			windowSeconds: 60,
		},
		maxAttempts: bounded(options.maxAttempts, defaults.maxAttempts, 1, MAX_ATTEMPTS),
		maxRetryWaitMs: bounded(options.maxRetryWaitSeconds, defaults.maxRetryWaitMs / 1000, 0, 3600) * 1000,
		retryUnknownOutcome: options.retryUnknownOutcome === true,
	};
}
