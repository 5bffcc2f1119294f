import type { INodeTypeDescription } from 'n8n-workflow';

import { providerSelector } from './common.descriptions';
import * as message from './message/Message.resource';
import { OPERATION_NAMES } from './message/Message.resource';

export const versionDescription: INodeTypeDescription = {
	displayName: 'WhatsApp Omni',
	name: 'whatsAppOmni',
	icon: { light: 'file:whatsapp.svg', dark: 'file:whatsapp.dark.svg' },
	group: ['output'],
	version: 1,
	subtitle: `={{ (${JSON.stringify(OPERATION_NAMES)})[$parameter["operation"]] + " via " + ($parameter["provider"] === "twilio" ? "Twilio" : "Meta") }}`,
	description: 'Send WhatsApp messages through Meta’s Cloud API or Twilio',
	defaults: { name: 'WhatsApp Omni' },
	usableAsTool: true,
	// A plain 'main', not NodeConnectionTypes.Main: that constant is missing from older n8n releases.
	inputs: ['main'],
	outputs: ['main'],
	credentials: [
		{
			name: 'whatsAppOmniMetaApi',
			required: true,
			displayOptions: { show: { provider: ['meta'] } },
		},
		{
			name: 'whatsAppOmniTwilioApi',
			required: true,
			displayOptions: { show: { provider: ['twilio'] } },
		},
	],
	properties: [
		providerSelector,
		{
			displayName: 'Resource',
			name: 'resource',
			type: 'options',
			noDataExpression: true,
			options: [{ name: 'Message', value: 'message' }],
			default: 'message',
		},
		...message.description,
	],
};
