import type { MessageListInstanceCreateOptions } from 'twilio/lib/rest/api/v2010/account/message';

import type { MessageContent, OutboundMessage } from '../types';

/** Twilio addresses WhatsApp users as `whatsapp:+E164`. */
export function toWhatsAppAddress(e164: string): string {
	return `whatsapp:${e164}`;
}

export interface TwilioSender {
	from?: string;
	messagingServiceSid?: string;
}

function buildContent(content: MessageContent): Partial<MessageListInstanceCreateOptions> {
	switch (content.type) {
		case 'text':
			return { body: content.text };
	}
}

export function buildTwilioMessage(
	message: OutboundMessage,
	sender: TwilioSender,
): MessageListInstanceCreateOptions {
	return {
		to: toWhatsAppAddress(message.to),
		...(sender.from ? { from: sender.from } : {}),
		...(sender.messagingServiceSid ? { messagingServiceSid: sender.messagingServiceSid } : {}),
		...buildContent(message.content),
	};
}
