import type { INodeProperties } from 'n8n-workflow';

import type { AccountOperation, OperationModule } from '../node.type';
import * as checkSetup from './checkSetup.operation';

export const operations: Record<AccountOperation, OperationModule> = {
	checkSetup,
};

/** Shown in the node's subtitle and operation list. */
export const OPERATION_NAMES: Record<AccountOperation, string> = {
	checkSetup: 'Check Setup',
};

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['account'] } },
		options: [
			{
				name: 'Check Setup',
				value: 'checkSetup',
				description:
					'Find out why WhatsApp messages do not arrive or cannot be sent: checks the token or account, the number or sender, where the webhooks go, and the deliveries the trigger received or rejected. Returns one item per check with ok, what was found and, when not ok, the fix.',
				action: 'Check setup',
			},
		],
		default: 'checkSetup',
	},
	...checkSetup.description,
];
