import type { MessagingV2ChannelsSenderRequestsUpdate } from 'twilio/lib/rest/messaging/v2/channelsSender';

import { CredentialError } from '../CredentialError';
import type { WebhookRecord, WebhookState, WebhookTarget } from '../types';
import { webhookState } from '../webhookState';
import type { TwilioClient } from './client';

/** As the SDK reads a sender (camelCase); updates are sent in the wire's snake_case. */
interface SenderWebhook {
	callbackUrl?: string | null;
	callbackMethod?: string | null;
	statusCallbackUrl?: string | null;
	statusCallbackMethod?: string | null;
}

/** The WhatsApp sender (Senders API) whose `sender_id` is `address` (`whatsapp:+E164`). */
export async function findWhatsAppSender(client: TwilioClient, address: string) {
	const senders = await client.messaging.v2.channelsSenders.list({ channel: 'whatsapp', pageSize: 100 });
	const sender = senders.find((s) => s.senderId === address);
	if (!sender) {
		throw new CredentialError(
			`Twilio has no WhatsApp sender ${address} in this account`,
			'Check "WhatsApp Number" in the credential against Twilio Console › Messaging › Senders › WhatsApp senders. The Twilio Sandbox number has no sender: use Manual registration and paste the URL in the sandbox settings.',
		);
	}
	return sender;
}

/**
 * Points a WhatsApp sender (Senders API) or a Messaging Service at the trigger's URL, keeping
 * what was there before so deactivation can put it back.
 */
export class TwilioWebhookRegistration {
	constructor(
		private readonly client: TwilioClient,
		private readonly ids: { senderAddress?: string; messagingServiceSid?: string },
	) {}

	/** The sender whose `sender_id` is the credential's WhatsApp number. */
	private async sender() {
		const address = this.ids.senderAddress;
		if (!address) {
			throw new CredentialError(
				'The Twilio credential has no WhatsApp number, so there is no sender to point at n8n',
				'Fill in "WhatsApp Number" in the WhatsApp Omni Twilio credential, or choose the Messaging Service or Manual registration.',
			);
		}
		const sender = await findWhatsAppSender(this.client, address);
		return { sid: sender.sid, webhook: (sender.webhook ?? {}) as SenderWebhook };
	}

	/**
	 * The WhatsApp sender as the SDK reads it (status, webhook, offline reasons): the one asked
	 * for by SID, else the credential's number's, else the account's only WhatsApp sender.
	 */
	async readSender(senderSid?: string) {
		if (senderSid) return await this.client.messaging.v2.channelsSenders(senderSid).fetch();
		if (this.ids.senderAddress) return await findWhatsAppSender(this.client, this.ids.senderAddress);
		const senders = await this.client.messaging.v2.channelsSenders.list({ channel: 'whatsapp', pageSize: 100 });
		if (senders.length === 1) return senders[0];
		throw new CredentialError(
			senders.length === 0
				? 'This Twilio account has no WhatsApp sender'
				: `The credential names no WhatsApp number and the account has ${senders.length} WhatsApp senders`,
			'Fill in "WhatsApp Number" in the WhatsApp Omni Twilio credential, or give the sender SID (XE…) under Options, so the node knows which sender to look at.',
		);
	}

	/** Whether the credential names a Messaging Service. */
	get hasMessagingService(): boolean {
		return !!this.ids.messagingServiceSid;
	}

	/** The credential's Messaging Service (inbound URL, status callback, use_inbound_webhook_on_number). */
	async readService() {
		return await this.client.messaging.v1.services(this.serviceSid).fetch();
	}

	private get serviceSid(): string {
		const sid = this.ids.messagingServiceSid;
		if (!sid) {
			throw new CredentialError(
				'The Twilio credential has no Messaging Service SID',
				'Fill in "Messaging Service SID" in the WhatsApp Omni Twilio credential, or choose the WhatsApp Sender or Manual registration.',
			);
		}
		return sid;
	}

	private async setSenderWebhook(sid: string, webhook: Record<string, string>) {
		// The SDK sends this object as the JSON body as it is, so it is in Twilio's wire format.
		await this.client.messaging.v2.channelsSenders(sid).update({ webhook } as unknown as MessagingV2ChannelsSenderRequestsUpdate);
	}

	async check(target: WebhookTarget): Promise<WebhookState> {
		if (target.mode === 'sender') {
			const { webhook } = await this.sender();
			return webhookState(webhook.callbackUrl, target.url, 'the WhatsApp sender’s webhook');
		}
		if (target.mode === 'messagingService') {
			const service = await this.client.messaging.v1.services(this.serviceSid).fetch();
			return webhookState(service.inboundRequestUrl ?? undefined, target.url, 'the Messaging Service’s inbound URL');
		}
		return { state: 'absent' };
	}

	async register(target: WebhookTarget): Promise<WebhookRecord> {
		if (target.mode === 'sender') {
			const { sid, webhook } = await this.sender();
			await this.setSenderWebhook(sid, { callback_url: target.url, callback_method: 'POST', status_callback_url: target.url, status_callback_method: 'POST' });
			return {
				mode: 'sender',
				url: target.url,
				resourceId: sid,
				previous: {
					callback_url: webhook.callbackUrl ?? '',
					callback_method: webhook.callbackMethod ?? '',
					status_callback_url: webhook.statusCallbackUrl ?? '',
					status_callback_method: webhook.statusCallbackMethod ?? '',
				},
			};
		}
		if (target.mode === 'messagingService') {
			const sid = this.serviceSid;
			const service = await this.client.messaging.v1.services(sid).fetch();
			await this.client.messaging.v1.services(sid).update({ inboundRequestUrl: target.url, inboundMethod: 'POST', statusCallback: target.url });
			return {
				mode: 'messagingService',
				url: target.url,
				resourceId: sid,
				previous: {
					inboundRequestUrl: service.inboundRequestUrl ?? '',
					inboundMethod: service.inboundMethod ?? '',
					statusCallback: service.statusCallback ?? '',
				},
			};
		}
		return { mode: target.mode, url: target.url };
	}

	/** Puts the previous URLs back, unless someone else changed them since. */
	async unregister(record: WebhookRecord): Promise<void> {
		if (!record.resourceId || !record.previous) return;
		const current = await this.check({ mode: record.mode, url: record.url });
		if (current.state !== 'ours') return;
		const previous = record.previous;
		if (record.mode === 'sender') {
			await this.setSenderWebhook(record.resourceId, {
				callback_url: previous.callback_url ?? '',
				callback_method: previous.callback_method || 'POST',
				status_callback_url: previous.status_callback_url ?? '',
				status_callback_method: previous.status_callback_method || 'POST',
			});
		} else if (record.mode === 'messagingService') {
			await this.client.messaging.v1.services(record.resourceId).update({
				inboundRequestUrl: previous.inboundRequestUrl ?? '',
				inboundMethod: previous.inboundMethod || 'POST',
				statusCallback: previous.statusCallback ?? '',
			});
		}
	}
}
