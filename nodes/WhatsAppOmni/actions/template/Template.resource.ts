import type { INodeProperties } from 'n8n-workflow';

import type { OperationModule, TemplateOperation } from '../node.type';
import * as create from './create.operation';
import * as deleteTemplate from './delete.operation';
import * as get from './get.operation';
import * as getMany from './getMany.operation';

export const operations: Record<TemplateOperation, OperationModule> = {
	create,
	get,
	getMany,
	delete: deleteTemplate,
};

/** Shown in the node's subtitle and operation list. */
export const OPERATION_NAMES: Record<TemplateOperation, string> = {
	create: 'Create',
	delete: 'Delete',
	get: 'Get',
	getMany: 'Get Many',
};

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['template'] } },
		options: [
			{
				name: 'Create',
				value: 'create',
				description: 'Create a message template and submit it to WhatsApp for approval',
				action: 'Create a template',
			},
			{
				name: 'Delete',
				value: 'delete',
				description: 'Delete a template (Meta: every language, or one; Twilio: the content)',
				action: 'Delete a template',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get one template with its text, buttons, variables and approval status',
				action: 'Get a template',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				description: 'List templates, filtered by status, name, language or category',
				action: 'Get many templates',
			},
		],
		default: 'getMany',
	},
	...create.description,
	...get.description,
	...getMany.description,
	...deleteTemplate.description,
];
