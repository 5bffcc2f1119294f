import type { INodeProperties } from 'n8n-workflow';

import type { MessageOperation, OperationModule } from '../node.type';
import * as sendText from './sendText.operation';

export const operations: Record<MessageOperation, OperationModule> = {
	sendText,
};

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['message'] } },
		options: [
			{
				name: 'Send Text',
				value: 'sendText',
				description: 'Send a text message to a WhatsApp number',
				action: 'Send a text message',
			},
		],
		default: 'sendText',
	},
	...sendText.description,
];
