import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { MessageContent } from '../../providers/types';
import { sendDescription, sendOperation, type MessageType } from './send';

export const fields: INodeProperties[] = [
	{
		displayName: 'Latitude',
		name: 'latitude',
		type: 'number',
		default: 0,
		required: true,
		typeOptions: { minValue: -90, maxValue: 90, numberPrecision: 7 },
		description: 'Latitude in decimal degrees, from -90 to 90 (e.g. 52.5200)',
	},
	{
		displayName: 'Longitude',
		name: 'longitude',
		type: 'number',
		default: 0,
		required: true,
		typeOptions: { minValue: -180, maxValue: 180, numberPrecision: 7 },
		description: 'Longitude in decimal degrees, from -180 to 180 (e.g. 13.4050)',
	},
];

export const optionFields: INodeProperties[] = [
	{
		displayName: 'Address',
		name: 'address',
		type: 'string',
		default: '',
		placeholder: 'Pariser Platz, 10117 Berlin',
		description: 'The address shown under the name',
	},
	{
		displayName: 'Name',
		name: 'name',
		type: 'string',
		default: '',
		placeholder: 'Brandenburg Gate',
		description: 'The place’s name. On Twilio the name and address are also sent as the message text.',
	},
];

async function readContent(this: IExecuteFunctions, itemIndex: number): Promise<MessageContent> {
	const options = this.getNodeParameter('options', itemIndex, {}) as { name?: string; address?: string };
	// Expressions may hand over strings: "52.52" is a latitude too, "north" is not.
	return {
		type: 'location',
		latitude: Number(this.getNodeParameter('latitude', itemIndex)),
		longitude: Number(this.getNodeParameter('longitude', itemIndex)),
		...(options.name ? { name: options.name } : {}),
		...(options.address ? { address: options.address } : {}),
	};
}

export const messageType: MessageType = { fields, optionFields, readContent };

export const description = sendDescription('sendLocation', messageType);

export const sendsMessages = true;

export const execute = sendOperation(messageType);
