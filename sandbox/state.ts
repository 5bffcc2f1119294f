// What a Sandbox remembers between requests besides the recorded requests: messages it accepted
// for sending, uploaded media, Meta templates, Twilio contents and webhook registrations. One per
// Sandbox instance, shared by both provider emulations.

import { MediaStore } from './metaMedia';
import { copyTemplate, META_TEMPLATE_SEED } from './metaTemplates';
import type { SetupFaults } from './setupCheck';
import type { MetaTemplate } from './metaTemplates';
import { copyContent, TWILIO_CONTENT_SEED } from './twilioContent';
import type { TwilioContent } from './twilioContent';
import type { MetaAccount, OutboundMessage, Provider, TwilioAccount } from './types';
import { WebhookState } from './webhookState';

/** A long-running sandbox keeps at most this many outbound messages, dropping the oldest. */
export const MAX_OUTBOUND_MESSAGES = 10_000;

/** Twilio Message resources kept (both directions), dropping the oldest. */
export const MAX_TWILIO_MESSAGES = 10_000;

/**
 * A Twilio Message resource as GET Messages/{Sid}.json reports it: created by a send, or by an
 * inbound message; its status follows the status callbacks the sandbox sends.
 */
export interface TwilioMessageRecord {
	sid: string;
	direction: 'inbound' | 'outbound-api';
	/** Addresses as Twilio writes them, e.g. `whatsapp:+15551230000`. */
	from: string | null;
	to: string;
	body: string;
	numMedia: number;
	status: string;
	messagingServiceSid: string | null;
	errorCode: number | null;
	errorMessage: string | null;
	/** Epoch milliseconds. */
	dateCreated: number;
	dateSent: number | null;
	dateUpdated: number;
	/** Twilio reports charges as negative amounts, e.g. `-0.00500`; null until it is priced. */
	price: string | null;
	priceUnit: string;
	/** Order of creation, which breaks ties between messages of the same second. */
	seq: number;
}

/** What the sandbox charges a WhatsApp message once it is sent or received. */
export const TWILIO_MESSAGE_PRICE = '-0.00500';

/** Statuses of a message that left Twilio: date_sent is set and it is priced. */
const SENT_STATUSES = new Set(['sent', 'delivered', 'read', 'undelivered']);

export class SandboxState {
	/** Oldest first. Cleared in place. */
	readonly outbound: OutboundMessage[] = [];
	readonly media = new MediaStore();
	/** The WABA's templates, in list order; starts as a copy of META_TEMPLATE_SEED. */
	readonly metaTemplates: MetaTemplate[] = META_TEMPLATE_SEED.map(copyTemplate);
	/** The Twilio account's contents, in list order; starts as a copy of TWILIO_CONTENT_SEED. */
	readonly twilioContents: TwilioContent[] = TWILIO_CONTENT_SEED.map(copyContent);
	/** SIDs of inbound Twilio WhatsApp messages, which the typing indicator accepts. */
	readonly twilioInboundSids = new Set<string>();
	/** Webhook registrations of both providers, Twilio senders/service/inbound media, deliveries. */
	readonly webhooks: WebhookState;
	/** Called with every message either API accepted for sending (the chat page listens). */
	readonly outboundListeners: Array<(message: OutboundMessage) => void> = [];
	/**
	 * Called when the business marks an inbound message read: Meta's `status: read` (with or
	 * without a typing indicator), Twilio's typing indicator. `typing`: the person now sees
	 * "typing…" (Meta's `typing_indicator`; always with Twilio's).
	 */
	readonly readListeners: Array<(provider: Provider, messageId: string, typing: boolean) => void> = [];
	/** The Twilio account's Message resources by SID, oldest first. */
	readonly twilioMessages = new Map<string, TwilioMessageRecord>();
	private twilioMessageSeq = 0;
	/** What Check Setup's look-ups report wrongly (Sandbox.setSetupFaults); empty: all healthy. */
	setupFaults: SetupFaults = {};

	constructor(
		meta: MetaAccount,
		private readonly twilio: TwilioAccount,
	) {
		this.webhooks = new WebhookState(meta, twilio);
	}

	recordOutbound(message: OutboundMessage): void {
		this.outbound.push(message);
		if (this.outbound.length > MAX_OUTBOUND_MESSAGES) this.outbound.splice(0, this.outbound.length - MAX_OUTBOUND_MESSAGES);
		if (message.provider === 'twilio') this.recordTwilioOutbound(message);
		for (const listener of this.outboundListeners) listener(message);
	}

	private addTwilioMessage(record: Omit<TwilioMessageRecord, 'seq'>): void {
		if (this.twilioMessages.has(record.sid)) return;
		this.twilioMessages.set(record.sid, { ...record, seq: ++this.twilioMessageSeq });
		for (const sid of this.twilioMessages.keys()) {
			if (this.twilioMessages.size <= MAX_TWILIO_MESSAGES) break;
			this.twilioMessages.delete(sid);
		}
	}

	private recordTwilioOutbound(message: OutboundMessage): void {
		const viaService = message.from.startsWith('MG');
		const content = message.content as { body?: string | null; media_urls?: string[] };
		this.addTwilioMessage({
			sid: message.id,
			direction: 'outbound-api',
			// The service's sender pool holds the account's own WhatsApp number only.
			from: viaService ? (message.to.startsWith('whatsapp:') ? this.twilio.whatsAppNumber : null) : message.from,
			to: message.to,
			body: content.body ?? '',
			numMedia: content.media_urls?.length ?? 0,
			status: viaService ? 'accepted' : 'queued',
			messagingServiceSid: viaService ? message.from : null,
			errorCode: null,
			errorMessage: null,
			dateCreated: message.timestamp,
			dateSent: null,
			dateUpdated: message.timestamp,
			price: null,
			priceUnit: 'USD',
		});
	}

	/** An inbound message's webhook parameters (MessageSid, From, To, Body, NumMedia…) as a Message resource. */
	recordTwilioInbound(params: Record<string, string>, at = Date.now()): void {
		const sid = params.MessageSid ?? params.SmsMessageSid ?? '';
		if (!/^(SM|MM)[0-9a-fA-F]{32}$/.test(sid)) return;
		const numMedia = Number(params.NumMedia ?? 0);
		this.addTwilioMessage({
			sid,
			direction: 'inbound',
			from: params.From ?? null,
			to: params.To ?? '',
			body: params.Body ?? '',
			numMedia: Number.isFinite(numMedia) ? numMedia : 0,
			status: 'received',
			messagingServiceSid: params.MessagingServiceSid || null,
			errorCode: null,
			errorMessage: null,
			dateCreated: at,
			dateSent: at,
			dateUpdated: at,
			price: TWILIO_MESSAGE_PRICE,
			priceUnit: 'USD',
		});
	}

	/** A status callback's parameters (MessageSid, MessageStatus, ErrorCode…): the message moves on. */
	updateTwilioStatus(params: Record<string, string>, at = Date.now()): void {
		const record = this.twilioMessages.get(params.MessageSid ?? params.SmsSid ?? '');
		const status = params.MessageStatus ?? params.SmsStatus;
		if (!record || record.direction !== 'outbound-api' || !status) return;
		record.status = status;
		record.dateUpdated = at;
		if (SENT_STATUSES.has(status) && record.dateSent === null) record.dateSent = at;
		if (SENT_STATUSES.has(status) && record.price === null) record.price = TWILIO_MESSAGE_PRICE;
		if (params.ErrorCode) {
			const code = Number(params.ErrorCode);
			record.errorCode = Number.isFinite(code) ? code : null;
			record.errorMessage = params.ChannelStatusMessage || null;
		}
		if (record.from === null && params.From) record.from = params.From;
	}

	markRead(provider: Provider, messageId: string, typing = false): void {
		for (const listener of this.readListeners) listener(provider, messageId, typing);
	}
}
