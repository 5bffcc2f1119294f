import type { ChatHistoryQuery, StoredMessage } from '../types';
import type { TwilioContext } from './context';

// STUB: to be implemented.
export async function getTwilioMessage(_ctx: TwilioContext, _messageId: string): Promise<StoredMessage> {
	throw new Error('not implemented');
}

export async function getTwilioChatHistory(_ctx: TwilioContext, _query: ChatHistoryQuery): Promise<StoredMessage[]> {
	throw new Error('not implemented');
}
