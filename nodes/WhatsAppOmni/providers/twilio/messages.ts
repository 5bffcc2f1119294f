import type { MessageListInstanceCreateOptions } from 'twilio/lib/rest/api/v2010/account/message';

import type { LocationContent, MessageContent, OutboundMessage } from '../types';
import { buildTwilioTemplate } from './templates';

/** A Message resource's SID: SM…, or MM… for one with media. */
export const MESSAGE_SID = /^(SM|MM)[0-9a-fA-F]{32}$/;

/** Twilio addresses WhatsApp users as `whatsapp:+E164`. */
export function toWhatsAppAddress(e164: string): string {
	return `whatsapp:${e164}`;
}

export interface TwilioSender {
	from?: string;
	messagingServiceSid?: string;
}

/** Twilio's WhatsApp location: a `geo:` persistent action, with the place in the text. */
function location(content: LocationContent): Partial<MessageListInstanceCreateOptions> {
	const label = (content.name || content.address || '').replace(/\|/g, ' ');
	const text = [content.name, content.address].filter(Boolean).join('\n');
	return {
		persistentAction: [`geo:${content.latitude},${content.longitude}${label ? `|${label}` : ''}`],
		body: text || `${content.latitude}, ${content.longitude}`,
	};
}

/**
 * `contentSid` is given for interactive messages, whose Content the provider created first.
 * Everything else maps straight onto the Messages API.
 */
function buildContent(content: MessageContent, contentSid?: string): Partial<MessageListInstanceCreateOptions> {
	switch (content.type) {
		case 'text':
			return { body: content.text };
		case 'media':
			if (content.source.kind !== 'url') throw new Error('Twilio sends media from a public URL only');
			return { mediaUrl: [content.source.url], ...(content.caption ? { body: content.caption } : {}) };
		case 'location':
			return location(content);
		case 'contacts':
			return { mediaUrl: [content.vCardUrl as string] };
		case 'template':
			return buildTwilioTemplate(content);
		case 'interactive':
			if (!contentSid) throw new Error('Create the Content of an interactive message before sending it');
			return { contentSid };
	}
}

export function buildTwilioMessage(
	message: OutboundMessage,
	sender: TwilioSender,
	contentSid?: string,
): MessageListInstanceCreateOptions {
	// The provider refused any other kind of recipient before this (assertRecipient).
	if (message.to.kind !== 'phone') throw new Error('Twilio sends to phone numbers only');
	return {
		to: toWhatsAppAddress(message.to.phoneNumber),
		...(sender.from ? { from: sender.from } : {}),
		...(sender.messagingServiceSid ? { messagingServiceSid: sender.messagingServiceSid } : {}),
		...buildContent(message.content, contentSid),
	};
}
