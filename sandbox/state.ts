// What a Sandbox remembers between requests besides the recorded requests: messages it accepted
// for sending, uploaded media, Meta templates, Twilio contents and webhook registrations. One per
// Sandbox instance, shared by both provider emulations.

import { MediaStore } from './metaMedia';
import { copyTemplate, META_TEMPLATE_SEED } from './metaTemplates';
import type { MetaTemplate } from './metaTemplates';
import { copyContent, TWILIO_CONTENT_SEED } from './twilioContent';
import type { TwilioContent } from './twilioContent';
import type { MetaAccount, OutboundMessage, Provider, TwilioAccount } from './types';
import { WebhookState } from './webhookState';

/** A long-running sandbox keeps at most this many outbound messages, dropping the oldest. */
export const MAX_OUTBOUND_MESSAGES = 10_000;

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
	 * without a typing indicator), Twilio's typing indicator.
	 */
	readonly readListeners: Array<(provider: Provider, messageId: string) => void> = [];

	constructor(meta: MetaAccount, twilio: TwilioAccount) {
		this.webhooks = new WebhookState(meta, twilio);
	}

	recordOutbound(message: OutboundMessage): void {
		this.outbound.push(message);
		if (this.outbound.length > MAX_OUTBOUND_MESSAGES) this.outbound.splice(0, this.outbound.length - MAX_OUTBOUND_MESSAGES);
		for (const listener of this.outboundListeners) listener(message);
	}

	markRead(provider: Provider, messageId: string): void {
		for (const listener of this.readListeners) listener(provider, messageId);
	}
}
