import type { IDataObject } from 'n8n-workflow';

import { conversationStore, providerScope, recipientContact, storeWarning } from '../../helpers/conversationStore';
import type { MessageContent, Recipient, SendResult, WhatsAppProvider } from '../../providers/types';
import type { ConversationStore, MessageRecord } from '../../store/types';

/** What the store keeps of a message the node sent: its kind, its words, its media, its template. */
function describe(content: MessageContent): Pick<MessageRecord, 'type' | 'text' | 'mediaIds' | 'templateName'> {
	switch (content.type) {
		case 'text':
			return { type: 'text', text: content.text };
		case 'media': {
			const source = content.source;
			const media = source.kind === 'id' ? source.id : source.kind === 'url' ? source.url : undefined;
			return { type: content.mediaType, ...(content.caption ? { text: content.caption } : {}), ...(media ? { mediaIds: [media] } : {}) };
		}
		case 'location':
			return { type: 'location', ...(content.name || content.address ? { text: [content.name, content.address].filter(Boolean).join(', ') } : {}) };
		case 'contacts':
			return { type: 'contacts', text: content.contacts.map((card) => card.name.formattedName).join(', ') };
		case 'template':
			return { type: 'template', templateName: content.template.id };
		case 'interactive':
			return { type: 'interactive', text: content.body };
	}
}

/**
 * Records a message the provider accepted, so Get Chat History (and on Meta, Get Status once its
 * statuses arrive) know it. The message is already sent: a store that fails never fails the item
 * (running it again would send it twice); the item says so in `storeWarning` instead.
 */
export async function recordSentMessage(
	provider: WhatsAppProvider,
	to: Recipient,
	content: MessageContent,
	result: SendResult,
): Promise<IDataObject> {
	// Twilio with only a Messaging Service: no sender number to file the message under.
	const scope = providerScope(provider);
	if (!scope) return {};
	let store: ConversationStore | undefined;
	try {
		store = await conversationStore();
		await store.recordMessage(scope, {
			id: result.messageId,
			direction: 'outbound',
			contact: recipientContact(to),
			...describe(content),
			timestamp: new Date().toISOString(),
		});
		return {};
	} catch (error) {
		return { storeWarning: storeWarning('The message was sent but not recorded in the conversation store', error, store) };
	}
}
