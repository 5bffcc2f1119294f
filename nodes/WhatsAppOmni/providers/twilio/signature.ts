import twilio from 'twilio';

import type { WebhookRequest } from '../types';

/**
 * `X-Twilio-Signature`, checked with the twilio package's own validator: for form posts over the
 * URL and the sorted parameters, for JSON posts over the URL (with `bodySHA256`) and the body
 * hash. The validator also tries the URL with and without its port, since n8n often sits
 * behind a proxy that changes it.
 */
export function verifyTwilioSignature(request: WebhookRequest, authToken: string): boolean {
	// Exactly one header value, compared whole by the validator: a second value (an array, or
	// repeated headers joined with ", ") fails even when one of them is the right signature.
	const header = request.headers['x-twilio-signature'];
	const signature = Array.isArray(header) ? (header.length === 1 ? header[0] : undefined) : header;
	if (typeof signature !== 'string' || !signature) return false;
	if (new URL(request.url).searchParams.has('bodySHA256')) {
		return twilio.validateRequestWithBody(authToken, signature, request.url, request.rawBody.toString('utf8'));
	}
	const params = request.body && typeof request.body === 'object' ? (request.body as Record<string, unknown>) : {};
	return twilio.validateRequest(authToken, signature, request.url, params);
}

/** The `X-Twilio-Signature` Twilio would send for this request posted to `url` (a forward). */
export function signTwilioRequest(request: WebhookRequest, url: string, authToken: string): string {
	if (new URL(url).searchParams.has('bodySHA256')) return twilio.getExpectedTwilioSignature(authToken, url, {});
	const params = request.body && typeof request.body === 'object' ? (request.body as Record<string, unknown>) : {};
	return twilio.getExpectedTwilioSignature(authToken, url, params);
}
