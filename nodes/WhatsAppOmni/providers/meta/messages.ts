import type { MessageContent, OutboundMessage } from '../types';

/** The Graph API wants the recipient as digits with the country code. */
export function toMetaRecipient(e164: string): string {
	return e164.replace(/^\+/, '');
}

function buildContent(content: MessageContent): Record<string, unknown> {
	switch (content.type) {
		case 'text':
			return {
				type: 'text',
				text: {
					body: content.text,
					...(content.previewUrl !== undefined ? { preview_url: content.previewUrl } : {}),
				},
			};
	}
}

export function buildMetaMessage(message: OutboundMessage): Record<string, unknown> {
	return {
		messaging_product: 'whatsapp',
		recipient_type: 'individual',
		to: toMetaRecipient(message.to),
		...buildContent(message.content),
	};
}
