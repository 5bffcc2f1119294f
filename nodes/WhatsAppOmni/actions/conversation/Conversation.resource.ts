import type { INodeProperties } from 'n8n-workflow';

import type { ConversationOperation, OperationModule } from '../node.type';
import * as getChatHistory from './getChatHistory.operation';
import * as getWindow from './getWindow.operation';

export const operations: Record<ConversationOperation, OperationModule> = {
	getChatHistory,
	getWindow,
};

/** Shown in the node's subtitle and operation list. */
export const OPERATION_NAMES: Record<ConversationOperation, string> = {
	getChatHistory: 'Get Chat History',
	getWindow: 'Get Window',
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
				description: 'Get the messages exchanged with a contact, both directions, newest first (Meta: from the conversation store)',
				action: 'Get the chat history',
			},
			{
				name: 'Get Window',
				value: 'getWindow',
				description: 'Whether free-form messages reach a contact now: their 24-hour window, from the conversation store',
				action: 'Get the 24 hour window',
			},
		],
		default: 'getChatHistory',
	},
	...getChatHistory.description,
	...getWindow.description,
];
