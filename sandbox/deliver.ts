// Signed webhook deliveries, as the providers send them:
//   Meta:   POST JSON (non-ASCII escaped as \uXXXX), X-Hub-Signature-256 = HMAC-SHA256 of the
//           exact bytes with the app secret, User-Agent facebookexternalua.
//   Twilio: POST form (or JSON with bodySHA256 in the URL), X-Twilio-Signature computed with the
//           twilio package's own helper over the URL (and the sorted parameters), with an
//           I-Twilio-Idempotency-Token. On no answer or a 5xx, the fallback URL if one is set.

import { createHash, createHmac } from 'node:crypto';

import twilio from 'twilio';

import { callout } from './callout';
import type { CalloutAnswer } from './callout';
import { metaDeliveryTarget } from './metaWebhooks';
import type { SandboxState } from './state';
import type {
	DeliveryAnswer,
	MetaAccount,
	MetaDeliveryRecord,
	SignatureMode,
	TwilioAccount,
	TwilioDeliveryRecord,
} from './types';
import { idempotencyToken, metaJson, pendingMetaMedia, pendingTwilioMedia } from './webhookPayloads';
import type { WebhookState } from './webhookState';

export interface DeliverMetaOptions {
	/** Send here instead of the URL the registrations pick. */
	url?: string;
	/** Default `valid`. `wrong` signs with another secret; `missing` sends no signature headers. */
	signature?: SignatureMode;
	/** Send (and sign) exactly this text instead of the serialized payload. */
	rawBody?: string;
}

export interface DeliverTwilioOptions {
	/** Send here instead of the sender's/service's URL (with POST). */
	url?: string;
	/** Default: `status` when the parameters have MessageStatus, else `message`. */
	kind?: 'message' | 'status';
	/** Default `valid`. `wrong` signs with another auth token; `missing` sends no signature. */
	signature?: SignatureMode;
	/**
	 * The URL to sign instead of the one called: n8n behind a proxy sees another URL than the
	 * public one Twilio signs.
	 */
	publicUrl?: string;
	/** JSON body; the URL (called and signed) gets `bodySHA256=<hex SHA-256 of the body>`. */
	json?: boolean;
}

function answerOf(answer: CalloutAnswer): DeliveryAnswer {
	return { status: answer.status, body: answer.body.toString('utf8'), headers: answer.headers };
}

function noAnswer(provider: string, url: string, answer: CalloutAnswer): Error {
	return new Error(`${provider}: no answer from ${url}: ${answer.error ?? 'error'} (${answer.statusText})`);
}

// ---------------------------------------------------------------------------------------------

export async function deliverMeta(
	account: MetaAccount,
	state: SandboxState,
	payload: object,
	options: DeliverMetaOptions = {},
): Promise<DeliveryAnswer> {
	const webhooks = state.webhooks;
	for (const media of pendingMetaMedia(payload)) {
		state.media.add(
			{ mimeType: media.mimeType, fileName: media.fileName, bytes: media.bytes, phoneNumberId: media.phoneNumberId },
			{ id: media.id, downloadToken: media.downloadToken },
		);
	}
	const target = options.url ? { url: options.url, target: 'given' as const } : metaDeliveryTarget(payload, account, webhooks);
	const rawBody = options.rawBody ?? metaJson(payload);
	const signature = options.signature ?? 'valid';
	const secret = signature === 'wrong' ? `${account.appSecret}-not` : account.appSecret;
	const headers: Record<string, string> = {
		'User-Agent': 'facebookexternalua',
		Accept: '*/*',
		'Content-Type': 'application/json',
	};
	if (signature !== 'missing') {
		// Meta still sends the SHA-1 header beside the SHA-256 one.
		headers['X-Hub-Signature'] = `sha1=${createHmac('sha1', secret).update(rawBody, 'utf8').digest('hex')}`;
		headers['X-Hub-Signature-256'] = `sha256=${createHmac('sha256', secret).update(rawBody, 'utf8').digest('hex')}`;
	}
	const at = Date.now();
	const answer = await callout({ method: 'POST', url: target.url, headers, body: rawBody, timeoutMs: webhooks.timeoutMs });
	const record: MetaDeliveryRecord = {
		kind: 'meta',
		target: target.target,
		url: target.url,
		method: 'POST',
		requestHeaders: headers,
		rawBody,
		payload,
		signature,
		status: answer.status,
		statusText: answer.statusText,
		responseHeaders: answer.headers,
		responseBody: answer.body.toString('utf8'),
		...(answer.error ? { error: answer.error } : {}),
		at,
		durationMs: Date.now() - at,
	};
	webhooks.record(record);
	if (answer.status === 0) throw noAnswer('deliverMeta', target.url, answer);
	return answerOf(answer);
}

// ---------------------------------------------------------------------------------------------

interface TwilioHop {
	url: string;
	method: string;
	target: TwilioDeliveryRecord['target'];
}

interface TwilioTarget extends TwilioHop {
	fallback?: TwilioHop;
}

/**
 * Inbound messages: the Messaging Service's InboundRequestUrl when set and the service does not
 * defer to the number (UseInboundWebhookOnNumber), else the sender's callback_url, else the
 * service's. Status callbacks: the service's StatusCallback for a message sent through the
 * service (MessagingServiceSid), else the sender's status_callback_url, else the service's.
 * The service's sender pool holds the account's own number only.
 */
export function twilioDeliveryTarget(kind: 'message' | 'status', params: Record<string, string>, webhooks: WebhookState): TwilioTarget {
	const address = kind === 'message' ? params.To : params.From;
	const sender = webhooks.senderFor(address);
	if (!sender) {
		throw new Error(`deliverTwilio: ${address} is not a WhatsApp sender of this account (${webhooks.twilioSenders.map((s) => s.sender_id).join(', ')})`);
	}
	const service = webhooks.twilioService;
	const inPool = sender === webhooks.ownSender;
	const hook = sender.webhook;
	const senderFallback = hook.fallback_url ? { url: hook.fallback_url, method: hook.fallback_method ?? 'POST', target: 'sender_fallback' as const } : undefined;
	const serviceFallback = service.fallback_url ? { url: service.fallback_url, method: service.fallback_method, target: 'service_fallback' as const } : undefined;

	if (kind === 'message') {
		const serviceHop = inPool && service.inbound_request_url ? { url: service.inbound_request_url, method: service.inbound_method, target: 'service' as const } : undefined;
		if (serviceHop && !service.use_inbound_webhook_on_number) return { ...serviceHop, fallback: serviceFallback };
		if (hook.callback_url) return { url: hook.callback_url, method: hook.callback_method ?? 'POST', target: 'sender', fallback: senderFallback };
		if (serviceHop) return { ...serviceHop, fallback: serviceFallback };
		throw new Error(`deliverTwilio: no inbound URL for ${sender.sender_id}: neither its sender webhook.callback_url nor the Messaging Service's InboundRequestUrl is set`);
	}
	if (inPool && params.MessagingServiceSid === service.sid && service.status_callback) {
		return { url: service.status_callback, method: 'POST', target: 'service' };
	}
	if (hook.status_callback_url) return { url: hook.status_callback_url, method: hook.status_callback_method ?? 'POST', target: 'sender' };
	if (inPool && service.status_callback) return { url: service.status_callback, method: 'POST', target: 'service' };
	throw new Error(`deliverTwilio: no status callback URL for ${sender.sender_id}: neither its sender webhook.status_callback_url nor the Messaging Service's StatusCallback is set`);
}

function withQuery(url: string, params: Record<string, string>): string {
	const parsed = new URL(url);
	for (const [key, value] of Object.entries(params)) parsed.searchParams.append(key, value);
	return parsed.toString();
}

async function twilioHop(
	account: TwilioAccount,
	webhooks: WebhookState,
	hop: TwilioHop,
	event: 'message' | 'status',
	params: Record<string, string>,
	options: DeliverTwilioOptions,
): Promise<CalloutAnswer> {
	const signature = options.signature ?? 'valid';
	const token = signature === 'wrong' ? account.authToken.split('').reverse().join('') : account.authToken;
	const json = options.json === true;
	const method = hop.method.toUpperCase();
	let callUrl = hop.url;
	let signedUrl = options.publicUrl ?? hop.url;
	let body: string | undefined;
	let signedParams: Record<string, string> = {};
	const headers: Record<string, string> = {
		'User-Agent': 'TwilioProxy/1.1',
		Accept: '*/*',
		'Cache-Control': 'max-age=259200',
		'X-Home-Region': 'us1',
		'I-Twilio-Idempotency-Token': idempotencyToken(),
	};
	if (json) {
		body = JSON.stringify(params);
		const hash = createHash('sha256').update(body, 'utf8').digest('hex');
		callUrl = withQuery(callUrl, { bodySHA256: hash });
		signedUrl = withQuery(signedUrl, { bodySHA256: hash });
		headers['Content-Type'] = 'application/json';
	} else if (method === 'GET') {
		callUrl = withQuery(callUrl, params);
		signedUrl = withQuery(signedUrl, params);
	} else {
		body = new URLSearchParams(params).toString();
		signedParams = params;
		headers['Content-Type'] = 'application/x-www-form-urlencoded';
	}
	if (signature !== 'missing') headers['X-Twilio-Signature'] = twilio.getExpectedTwilioSignature(token, signedUrl, signedParams);

	const at = Date.now();
	const answer = await callout({ method: json ? 'POST' : method, url: callUrl, headers, body, timeoutMs: webhooks.timeoutMs });
	webhooks.record({
		kind: 'twilio',
		event,
		target: hop.target,
		url: callUrl,
		method: json ? 'POST' : method,
		requestHeaders: headers,
		rawBody: body ?? '',
		params,
		signedUrl,
		signature,
		json,
		status: answer.status,
		statusText: answer.statusText,
		responseHeaders: answer.headers,
		responseBody: answer.body.toString('utf8'),
		...(answer.error ? { error: answer.error } : {}),
		at,
		durationMs: Date.now() - at,
	});
	return answer;
}

export async function deliverTwilio(
	account: TwilioAccount,
	state: SandboxState,
	params: Record<string, string>,
	options: DeliverTwilioOptions = {},
): Promise<DeliveryAnswer> {
	const webhooks = state.webhooks;
	for (const media of pendingTwilioMedia(params)) webhooks.addTwilioMedia(media);
	const event = options.kind ?? (params.MessageStatus !== undefined ? 'status' : 'message');
	// The Message resource changes whether or not anyone hears of it.
	if (event === 'message') state.recordTwilioInbound(params);
	else state.updateTwilioStatus(params);
	const target: TwilioTarget = options.url ? { url: options.url, method: 'POST', target: 'given' } : twilioDeliveryTarget(event, params, webhooks);
	// A delivered inbound message is one the typing indicator / mark-as-read accepts afterwards.
	if (event === 'message' && /^(SM|MM)[0-9a-fA-F]{32}$/.test(params.MessageSid ?? '')) state.twilioInboundSids.add(params.MessageSid);

	const answer = await twilioHop(account, webhooks, target, event, params, options);
	if ((answer.status === 0 || answer.status >= 500) && target.fallback) {
		// Twilio tells the fallback URL what went wrong with the primary one.
		const fallbackParams = { ...params, ErrorCode: '11200', ErrorUrl: target.url };
		const second = await twilioHop(account, webhooks, target.fallback, event, fallbackParams, { ...options, publicUrl: undefined });
		if (second.status === 0) throw noAnswer('deliverTwilio', target.fallback.url, second);
		return answerOf(second);
	}
	if (answer.status === 0) throw noAnswer('deliverTwilio', target.url, answer);
	return answerOf(answer);
}
