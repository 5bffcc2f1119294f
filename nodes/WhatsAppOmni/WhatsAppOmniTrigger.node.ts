import type {
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { triggerProperties } from './trigger/description';
import { registrationMethods } from './trigger/registration';
import { handleWebhook } from './trigger/webhook';

export class WhatsAppOmniTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'WhatsApp Omni Trigger',
		name: 'whatsAppOmniTrigger',
		icon: { light: 'file:whatsapp.svg', dark: 'file:whatsapp.dark.svg' },
		group: ['trigger'],
		// Version 2 behaves exactly as 1. n8n evaluates an expression for every request to a start
		// node of version 1 (its Webhook node's old binaryData option), which costs an expression
		// isolate per delivery (scripts/bench-trigger.js); from version 2 on it does not.
		version: [1, 2],
		defaultVersion: 2,
		subtitle: '={{ "Via " + ($parameter["provider"] === "twilio" ? "Twilio" : "Meta") }}',
		description: 'Starts the workflow on WhatsApp messages and statuses from Meta’s Cloud API or Twilio',
		defaults: { name: 'WhatsApp Omni Trigger' },
		inputs: [],
		outputs: ['main'],
		credentials: [
			{ name: 'whatsAppOmniMetaApi', required: true, displayOptions: { show: { provider: ['meta'] } } },
			{ name: 'whatsAppOmniTwilioApi', required: true, displayOptions: { show: { provider: ['twilio'] } } },
		],
		webhooks: [
			// Meta's verification handshake.
			{ name: 'setup', httpMethod: 'GET', responseMode: 'onReceived', path: 'webhook' },
			{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' },
		],
		properties: triggerProperties,
	};

	webhookMethods = { default: registrationMethods };

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await handleWebhook.call(this);
	}
}
