import type { INodeProperties } from 'n8n-workflow';

import type { ConversationOperation, OperationModule } from '../node.type';
import * as getChatHistory from './getChatHistory.operation';

export const operations: Record<ConversationOperation, OperationModule> = {
	getChatHistory,
};

/** Shown in the node's subtitle and operation list. */
export const OPERATION_NAMES: Record<ConversationOperation, string> = {
	getChatHistory: 'Get Chat History',
};

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['conversation'] } },
		options: [
			{
				name: 'Get Chat History',
				value: 'getChatHistory',
				description: 'Get the messages exchanged with a contact, both directions, newest first (Twilio; Meta needs the conversation store)',
				action: 'Get the chat history',
			},
		],
		default: 'getChatHistory',
	},
	...getChatHistory.description,
];
