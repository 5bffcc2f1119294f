// What Account › Check Setup reads, and the failures a test can seed for it:
//   GET /debug_token?input_token=…            (Graph: the token's validity, expiry and scopes)
//   GET /<phone-number-id>?fields=…            (status, platform_type, name_status, new_name_status,
//                                               quality_rating, throughput: see meta.ts; faults merge in)
//   GET /2010-04-01/Accounts/<Sid>.json        (Twilio: status active|suspended|closed, type Trial|Full)
//   GET /v2/Channels/Senders                   (Twilio: the sender's status and offline reasons)
// plus seedWebhooks(), which sets where each provider sends webhooks without the verification
// handshake (a test's URL need not answer it).
//
// By default every answer is healthy: a valid System User token that never expires with both
// WhatsApp permissions, a CONNECTED Cloud API number with an APPROVED name, GREEN quality and
// STANDARD throughput, an active Full Twilio account and an ONLINE sender.

import { invalidToken, MetaError, requiredParameter } from './metaErrors';
import { META_APP_NAME } from './metaWebhooks';
import type { MetaAccount, SandboxReply, SandboxRequest } from './types';
import { firstValue, randomAlnum } from './util';
import type { WebhookState } from './webhookState';

/** The permissions a healthy sandbox token has (a System User token of the app). */
export const META_TOKEN_SCOPES: readonly string[] = Object.freeze(['whatsapp_business_management', 'whatsapp_business_messaging']);

export interface MetaSetupFaults {
	/**
	 * The access token expired an hour ago: debug_token says `is_valid: false` (code 190, subcode
	 * 463), and every other Graph call made with it is refused with code 190, as Meta does.
	 */
	tokenExpired?: boolean;
	/** debug_token's `expires_at` this many seconds from now (e.g. 2 days). Default: 0, never. */
	tokenExpiresInSeconds?: number;
	/** The permissions debug_token lists. Default: META_TOKEN_SCOPES. */
	tokenScopes?: string[];
	/**
	 * Fields of GET /<phone-number-id> replaced, e.g. `{ status: 'DISCONNECTED' }`,
	 * `{ platform_type: 'ON_PREMISE' }`, `{ name_status: 'DECLINED' }`, `{ quality_rating: 'RED' }`,
	 * `{ throughput: { level: 'NOT_APPLICABLE' } }`. A value of `undefined` leaves the field out.
	 */
	phoneNumber?: Record<string, unknown>;
}

export interface TwilioSetupFaults {
	/** GET Accounts/<Sid>.json `status`. Default `active`. */
	accountStatus?: 'active' | 'suspended' | 'closed';
	/** GET Accounts/<Sid>.json `type`. Default `Full`. */
	accountType?: 'Trial' | 'Full';
	/** The own WhatsApp sender's `status`, e.g. `OFFLINE`. Default `ONLINE`. */
	senderStatus?: string;
	/** The own sender's `offline_reasons`; default one reason when the status is OFFLINE. */
	senderOfflineReasons?: Array<{ code: string; message: string; more_info?: string }>;
}

export interface SetupFaults {
	meta?: MetaSetupFaults;
	twilio?: TwilioSetupFaults;
}

/** A sensible reason for an OFFLINE sender when the test gives none. */
export const DEFAULT_OFFLINE_REASON = Object.freeze({
	code: '63112',
	message: 'The Meta Business Manager account has been disabled or the WhatsApp Business Account was suspended.',
	more_info: 'https://www.twilio.com/docs/errors/63112',
});

/** Where each provider's webhooks go, set directly (no handshake). `null` removes a setting. */
export interface WebhookSeed {
	meta?: {
		/** The phone number's override_callback_uri. */
		phoneNumber?: string | null;
		/** The app's subscription to the WABA, and the WABA's override_callback_uri. */
		waba?: { subscribed: boolean; url?: string } | null;
		/** The app's callback for whatsapp_business_account and its fields (default `messages`). */
		app?: { url: string; fields?: string[] } | null;
	};
	twilio?: {
		/** The account's own WhatsApp sender's webhook. */
		sender?: { callbackUrl?: string | null; statusCallbackUrl?: string | null };
		/** The Messaging Service's URLs. */
		service?: { inboundRequestUrl?: string | null; statusCallback?: string | null; useInboundWebhookOnNumber?: boolean };
	};
}

export function seedWebhooks(webhooks: WebhookState, seed: WebhookSeed, graphVersion = 'v24.0'): void {
	const meta = seed.meta ?? {};
	if (meta.phoneNumber !== undefined) {
		webhooks.metaPhoneOverride = meta.phoneNumber ? { url: meta.phoneNumber, verifyToken: randomAlnum(16) } : undefined;
	}
	if (meta.waba !== undefined) {
		webhooks.metaWaba = meta.waba
			? { subscribed: meta.waba.subscribed, ...(meta.waba.url ? { url: meta.waba.url, verifyToken: randomAlnum(16) } : {}) }
			: undefined;
	}
	if (meta.app !== undefined) {
		webhooks.metaApp = meta.app
			? {
					url: meta.app.url,
					verifyToken: randomAlnum(16),
					includeValues: true,
					fields: new Map((meta.app.fields ?? ['messages']).map((field) => [field, graphVersion])),
				}
			: undefined;
	}
	const twilio = seed.twilio ?? {};
	if (twilio.sender) {
		const webhook = webhooks.ownSender.webhook;
		if (twilio.sender.callbackUrl !== undefined) webhook.callback_url = twilio.sender.callbackUrl || null;
		if (twilio.sender.statusCallbackUrl !== undefined) webhook.status_callback_url = twilio.sender.statusCallbackUrl || null;
	}
	if (twilio.service) {
		const service = webhooks.twilioService;
		if (twilio.service.inboundRequestUrl !== undefined) service.inbound_request_url = twilio.service.inboundRequestUrl || null;
		if (twilio.service.statusCallback !== undefined) service.status_callback = twilio.service.statusCallback || null;
		if (twilio.service.useInboundWebhookOnNumber !== undefined) service.use_inbound_webhook_on_number = twilio.service.useInboundWebhookOnNumber;
	}
}

// ---------------------------------------------------------------------------------------------
// Meta

/** Meta's answer to a call made with an expired token (code 190, subcode 463). */
export function expiredToken(at: Date): MetaError {
	return new MetaError(
		401,
		{
			message: `Error validating access token: Session has expired on ${at.toUTCString()}. The current time is ${new Date().toUTCString()}.`,
			type: 'OAuthException',
			code: 190,
			error_subcode: 463,
		},
		{ 'www-authenticate': 'OAuth "Facebook Platform" "invalid_token" "Error validating access token"' },
	);
}

/** When an expired sandbox token expired: an hour ago. */
export function tokenExpiredAt(): Date {
	return new Date(Date.now() - 3_600_000);
}

/** The caller's token: the Authorization header, else `access_token` in the query. */
function callerToken(request: SandboxRequest): string | undefined {
	const header = firstValue(request.headers.authorization);
	if (header) {
		const match = /^(?:Bearer|OAuth)\s+(.+)$/i.exec(header.trim());
		return match ? match[1].trim() : undefined;
	}
	return firstValue(request.query.access_token);
}

/**
 * GET /debug_token?input_token=…: called with an app access token (`<app-id>|<app-secret>`) or
 * a valid token of the app (Meta's permissions page calls it with the token itself). An unknown
 * input token is answered 200 with `is_valid: false`, as Graph does.
 */
export function debugToken(request: SandboxRequest, account: MetaAccount, webhooks: WebhookState, faults: MetaSetupFaults = {}): SandboxReply {
	const caller = callerToken(request);
	if (!webhooks.isMetaAppToken(caller)) {
		if (caller !== account.accessToken) throw invalidToken();
		if (faults.tokenExpired) throw expiredToken(tokenExpiredAt());
	}
	const input = firstValue(request.query.input_token);
	if (input === undefined || input === '') throw requiredParameter('input_token');
	if (input !== account.accessToken) {
		return {
			status: 200,
			body: { data: { error: { code: 190, message: 'Invalid OAuth access token - Cannot parse access token' }, is_valid: false, scopes: [] } },
		};
	}
	const now = Math.floor(Date.now() / 1000);
	const scopes = [...(faults.tokenScopes ?? META_TOKEN_SCOPES)];
	const expiresAt = faults.tokenExpired
		? Math.floor(tokenExpiredAt().getTime() / 1000)
		: faults.tokenExpiresInSeconds !== undefined
			? now + Math.round(faults.tokenExpiresInSeconds)
			: 0;
	const data: Record<string, unknown> = {
		app_id: account.appId,
		type: 'SYSTEM_USER',
		application: META_APP_NAME,
		data_access_expires_at: 0,
		expires_at: expiresAt,
		is_valid: !faults.tokenExpired,
		issued_at: now - 30 * 86_400,
		scopes,
		granular_scopes: scopes.map((scope) => ({ scope, ...(scope.startsWith('whatsapp_') ? { target_ids: [account.wabaId] } : {}) })),
		user_id: '104169029247128',
	};
	if (faults.tokenExpired) {
		data.error = {
			code: 190,
			subcode: 463,
			message: `Error validating access token: Session has expired on ${tokenExpiredAt().toUTCString()}.`,
		};
	}
	return { status: 200, body: { data } };
}

// ---------------------------------------------------------------------------------------------
// Twilio

/** The account's `status` and `type` as the faults set them. */
export function twilioAccountState(faults: TwilioSetupFaults = {}): { status: string; type: string } {
	return { status: faults.accountStatus ?? 'active', type: faults.accountType ?? 'Full' };
}

/** The own sender's `status` and `offline_reasons` as the faults set them, or undefined for as stored. */
export function twilioSenderState(faults: TwilioSetupFaults = {}): { status: string; offline_reasons: unknown[] | null } | undefined {
	if (faults.senderStatus === undefined && faults.senderOfflineReasons === undefined) return undefined;
	const status = faults.senderStatus ?? 'ONLINE';
	const reasons = faults.senderOfflineReasons ?? (status === 'OFFLINE' ? [{ ...DEFAULT_OFFLINE_REASON }] : undefined);
	return { status, offline_reasons: reasons ? reasons.map((r) => ({ ...r })) : null };
}
