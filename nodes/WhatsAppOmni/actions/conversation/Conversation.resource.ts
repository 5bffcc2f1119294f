import type { INodeProperties } from 'n8n-workflow';

import type { ConversationOperation, OperationModule } from '../node.type';
import * as clearState from './clearState.operation';
import * as getChatHistory from './getChatHistory.operation';
import * as getState from './getState.operation';
import * as getWindow from './getWindow.operation';
import * as setState from './setState.operation';

export const operations: Record<ConversationOperation, OperationModule> = {
	getChatHistory,
	getWindow,
	getState,
	setState,
	clearState,
};

/** Shown in the node's subtitle and operation list. */
export const OPERATION_NAMES: Record<ConversationOperation, string> = {
	getChatHistory: 'Get Chat History',
	getWindow: 'Get Window',
	getState: 'Get State',
	setState: 'Set State',
	clearState: 'Clear State',
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
				name: 'Clear State',
				value: 'clearState',
				description: 'Remove a contact’s flow state when their flow ends',
				action: 'Clear the flow state',
			},
			{
				name: 'Get Chat History',
				value: 'getChatHistory',
				description: 'Get the messages exchanged with a contact, both directions, newest first (Meta: from the conversation store)',
				action: 'Get the chat history',
			},
			{
				name: 'Get State',
				value: 'getState',
				description: 'Get where a contact is in a flow: the JSON state Set State saved for them, with its version, from the conversation store',
				action: 'Get the flow state',
			},
			{
				name: 'Get Window',
				value: 'getWindow',
				description: 'Whether free-form messages reach a contact now: their 24-hour window, from the conversation store',
				action: 'Get the 24 hour window',
			},
			{
				name: 'Set State',
				value: 'setState',
				description: 'Save where a contact is in a flow (merge into or replace their JSON state), optionally expiring and only if still at an expected version',
				action: 'Set the flow state',
			},
		],
		default: 'getChatHistory',
	},
	...getChatHistory.description,
	...getWindow.description,
	...getState.description,
	...setState.description,
	...clearState.description,
];
