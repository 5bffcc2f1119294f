// What the sandbox remembers about webhooks: where each provider has been told to send them,
// the Twilio resources that hold those URLs (Channels Senders, the Messaging Service), inbound
// Twilio media, and every call the sandbox made to a webhook URL.

import { createHash } from 'node:crypto';

import { DEFAULT_WEBHOOK_TIMEOUT_MS } from './callout';
import type { MetaAccount, DeliveryRecord, TwilioAccount, TwilioSenderWebhook } from './types';
import { randomAlnum } from './util';

/** A long-running sandbox keeps at most this many delivery records, dropping the oldest. */
export const MAX_DELIVERY_RECORDS = 10_000;

/**
 * Fields a phone-number or WABA override carries (Meta's override page, 2026-06-28); every
 * other field (templates, account, quality…) always goes to the app's callback URL.
 */
export const META_OVERRIDE_FIELDS: readonly string[] = Object.freeze([
	'messages',
	'message_echoes',
	'calls',
	'consumer_profile',
	'messaging_handovers',
	'standby',
	'group_lifecycle_update',
	'group_participants_update',
	'group_settings_update',
	'group_status_update',
	'smb_message_echoes',
	'smb_app_state_sync',
	'history',
	'account_settings_update',
]);

/** Field names an app may subscribe to on the whatsapp_business_account object. */
export const META_WEBHOOK_FIELDS: readonly string[] = Object.freeze([
	...META_OVERRIDE_FIELDS,
	'account_alerts',
	'account_review_update',
	'account_update',
	'automatic_events',
	'business_capability_update',
	'business_status_update',
	'flows',
	'message_template_components_update',
	'message_template_quality_update',
	'message_template_status_update',
	'partner_solutions',
	'payment_configuration_update',
	'phone_number_name_update',
	'phone_number_quality_update',
	'security',
	'template_category_update',
	'tracking_events',
	'user_preferences',
]);

export interface MetaAppSubscription {
	url: string;
	verifyToken: string;
	includeValues: boolean;
	/** field name → Graph version of the call that subscribed it, in subscription order. */
	fields: Map<string, string>;
}

export interface TwilioSender {
	sid: string;
	status: string;
	sender_id: string;
	configuration: Record<string, unknown>;
	webhook: TwilioSenderWebhook;
	profile: Record<string, unknown>;
	properties: { quality_rating: string | null; messaging_limit: string | null };
	offline_reasons: unknown[] | null;
	compliance: null;
}

export interface TwilioService {
	sid: string;
	friendly_name: string;
	date_created: string;
	date_updated: string;
	inbound_request_url: string | null;
	inbound_method: string;
	fallback_url: string | null;
	fallback_method: string;
	status_callback: string | null;
	sticky_sender: boolean;
	mms_converter: boolean;
	smart_encoding: boolean;
	scan_message_content: string;
	fallback_to_long_code: boolean;
	area_code_geomatch: boolean;
	validity_period: number;
	synchronous_validation: boolean;
	usecase: string;
	us_app_to_person_registered: boolean;
	use_inbound_webhook_on_number: boolean;
}

/** A file attached to an inbound Twilio message (a Media subresource of the Message). */
export interface TwilioMedia {
	/** `ME` + 32 hex */
	sid: string;
	/** `MM…`/`SM…` of the message. */
	messageSid: string;
	contentType: string;
	bytes: Buffer;
	/** Epoch milliseconds. */
	createdAt: number;
	/** Part of the CDN URL the media URL redirects to. */
	cdnToken: string;
}

/** Total bytes of inbound Twilio media kept before the oldest are dropped. */
export const TWILIO_MEDIA_MAX_BYTES = 64 * 1024 * 1024;

/** Deterministic, so builders without a sandbox name the same sender as the sandbox does. */
export function senderSid(accountSid: string, senderId: string): string {
	return `XE${createHash('sha256').update(`${accountSid}:${senderId}`).digest('hex').slice(0, 32)}`;
}

/** The second sender every sandbox account has, so that matching by number is exercised. */
export const OTHER_SENDER_NUMBER = 'whatsapp:+15550100001';

function emptyWebhook(): TwilioSenderWebhook {
	return {
		callback_url: null,
		callback_method: 'POST',
		fallback_url: null,
		fallback_method: 'POST',
		status_callback_url: null,
		status_callback_method: 'POST',
	};
}

function newSender(account: TwilioAccount, senderId: string, name: string, wabaId: string, webhook: TwilioSenderWebhook): TwilioSender {
	return {
		sid: senderSid(account.accountSid, senderId),
		status: 'ONLINE',
		sender_id: senderId,
		configuration: {
			waba_id: wabaId,
			verification_method: null,
			verification_code: null,
			voice_application_sid: null,
			account_type: null,
		},
		webhook,
		profile: {
			name,
			about: 'Hello from the sandbox.',
			address: '1 Sandbox Way, Springfield',
			description: 'A WhatsApp sender of the WhatsApp Omni sandbox.',
			emails: [{ email: 'hello@sandbox.example', label: 'Email' }],
			logo_url: 'https://sandbox.example/logo.png',
			vertical: 'Other',
			websites: [{ website: 'https://sandbox.example', label: 'Website' }],
			banner_url: null,
			privacy_url: null,
			terms_of_service_url: null,
			accent_color: null,
			phone_numbers: null,
		},
		properties: { quality_rating: 'HIGH', messaging_limit: '1K Customers/24hr' },
		offline_reasons: null,
		compliance: null,
	};
}

export class WebhookState {
	// Meta -----------------------------------------------------------------------------------
	metaPhoneOverride: { url: string; verifyToken: string } | undefined;
	/** undefined until the first POST/DELETE on /<waba-id>/subscribed_apps. */
	metaWaba: { subscribed: boolean; url?: string; verifyToken?: string } | undefined;
	metaApp: MetaAppSubscription | undefined;
	/** App access tokens handed out by GET /oauth/access_token (besides `<app-id>|<app-secret>`). */
	readonly metaAppTokens = new Set<string>();

	// Twilio ---------------------------------------------------------------------------------
	readonly twilioSenders: TwilioSender[] = [];
	twilioService!: TwilioService;
	/** message SID → its media, in attachment order. */
	readonly twilioMedia = new Map<string, TwilioMedia[]>();
	private twilioMediaBytes = 0;

	/** How long a handshake or delivery waits for an answer. */
	timeoutMs = DEFAULT_WEBHOOK_TIMEOUT_MS;

	/** Every handshake and delivery, oldest first. Cleared in place. */
	readonly deliveries: DeliveryRecord[] = [];

	constructor(
		readonly metaAccount: MetaAccount,
		readonly twilioAccount: TwilioAccount,
	) {
		this.resetRegistrations();
	}

	/**
	 * Back to a fresh account: no Meta registration, the Twilio senders and service as at start.
	 * Keeps deliveries, inbound media and issued app tokens.
	 */
	resetRegistrations(): void {
		const { metaAccount, twilioAccount } = this;
		this.metaPhoneOverride = undefined;
		this.metaWaba = undefined;
		this.metaApp = undefined;
		const created = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
		this.twilioSenders.length = 0;
		this.twilioSenders.push(
			newSender(twilioAccount, twilioAccount.whatsAppNumber, 'Omni Sandbox', metaAccount.wabaId, emptyWebhook()),
			newSender(twilioAccount, OTHER_SENDER_NUMBER, 'Omni Sandbox (other number)', metaAccount.wabaId, {
				...emptyWebhook(),
				// Someone else's set-up: a trigger that updates the wrong sender overwrites these.
				callback_url: 'https://other-team.example.com/whatsapp/inbound',
				status_callback_url: 'https://other-team.example.com/whatsapp/status',
			}),
		);
		this.twilioService = {
			sid: twilioAccount.messagingServiceSid,
			friendly_name: 'Omni Sandbox Service',
			date_created: created,
			date_updated: created,
			inbound_request_url: null,
			inbound_method: 'POST',
			fallback_url: null,
			fallback_method: 'POST',
			status_callback: null,
			sticky_sender: true,
			mms_converter: true,
			smart_encoding: true,
			scan_message_content: 'inherit',
			fallback_to_long_code: false,
			area_code_geomatch: true,
			validity_period: 14400,
			synchronous_validation: true,
			usecase: 'notifications',
			us_app_to_person_registered: false,
			use_inbound_webhook_on_number: false,
		};
	}

	record(record: DeliveryRecord): void {
		this.deliveries.push(record);
		if (this.deliveries.length > MAX_DELIVERY_RECORDS) this.deliveries.splice(0, this.deliveries.length - MAX_DELIVERY_RECORDS);
	}

	isMetaAppToken(token: string | undefined): boolean {
		if (!token) return false;
		return token === `${this.metaAccount.appId}|${this.metaAccount.appSecret}` || this.metaAppTokens.has(token);
	}

	issueMetaAppToken(): string {
		const token = `${this.metaAccount.appId}|${randomAlnum(27)}`;
		this.metaAppTokens.add(token);
		return token;
	}

	/** The sender of the account's own WhatsApp number. */
	get ownSender(): TwilioSender {
		return this.twilioSenders[0];
	}

	senderFor(address: string | undefined): TwilioSender | undefined {
		if (address === undefined) return this.ownSender;
		return this.twilioSenders.find((s) => s.sender_id === address);
	}

	/** Stores a media file of an inbound Twilio message; keeps the existing one with that SID. */
	addTwilioMedia(media: Omit<TwilioMedia, 'createdAt' | 'cdnToken'> & { cdnToken?: string }): TwilioMedia {
		const list = this.twilioMedia.get(media.messageSid) ?? [];
		const existing = list.find((m) => m.sid === media.sid);
		if (existing) return existing;
		const stored: TwilioMedia = { ...media, createdAt: Date.now(), cdnToken: media.cdnToken ?? randomAlnum(40) };
		list.push(stored);
		this.twilioMedia.set(media.messageSid, list);
		this.twilioMediaBytes += stored.bytes.length;
		// Map iteration is insertion order: the first messages are the oldest.
		for (const [sid, items] of this.twilioMedia) {
			if (this.twilioMediaBytes <= TWILIO_MEDIA_MAX_BYTES || sid === media.messageSid) break;
			this.twilioMedia.delete(sid);
			for (const item of items) this.twilioMediaBytes -= item.bytes.length;
		}
		return stored;
	}

	findTwilioMedia(messageSid: string, mediaSid: string): TwilioMedia | undefined {
		return this.twilioMedia.get(messageSid)?.find((m) => m.sid === mediaSid);
	}

	findTwilioMediaByCdnToken(token: string): TwilioMedia | undefined {
		for (const items of this.twilioMedia.values()) {
			const found = items.find((m) => m.cdnToken === token);
			if (found) return found;
		}
		return undefined;
	}

	deleteTwilioMedia(messageSid: string, mediaSid: string): boolean {
		const list = this.twilioMedia.get(messageSid);
		const index = list ? list.findIndex((m) => m.sid === mediaSid) : -1;
		if (!list || index < 0) return false;
		const [removed] = list.splice(index, 1);
		this.twilioMediaBytes -= removed.bytes.length;
		if (list.length === 0) this.twilioMedia.delete(messageSid);
		return true;
	}
}
