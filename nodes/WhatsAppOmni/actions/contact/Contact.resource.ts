import type { INodeProperties } from 'n8n-workflow';

import type { ContactOperation, OperationModule } from '../node.type';
import * as getProfileInfo from './getProfileInfo.operation';
import * as updateBusinessProfile from './updateBusinessProfile.operation';

export const operations: Record<ContactOperation, OperationModule> = {
	getProfileInfo,
	updateBusinessProfile,
};

/** Shown in the node's subtitle and operation list. */
export const OPERATION_NAMES: Record<ContactOperation, string> = {
	getProfileInfo: 'Get Profile Info',
	updateBusinessProfile: 'Update Business Profile',
};

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['contact'] } },
		options: [
			{
				name: 'Get Profile Info',
				value: 'getProfileInfo',
				description: 'Get your business profile and number details, or what the provider knows about a customer’s number',
				action: 'Get profile info',
			},
			{
				name: 'Update Business Profile',
				value: 'updateBusinessProfile',
				description: 'Change the about text, address, description, email, websites or industry customers see',
				action: 'Update the business profile',
			},
		],
		default: 'getProfileInfo',
	},
	...getProfileInfo.description,
	...updateBusinessProfile.description,
];
