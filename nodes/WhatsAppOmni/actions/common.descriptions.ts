import type { INodeProperties } from 'n8n-workflow';

export const providerSelector: INodeProperties = {
	displayName: 'Provider',
	name: 'provider',
	type: 'options',
	noDataExpression: true,
	options: [
		{
			name: 'Meta (WhatsApp Cloud API)',
			value: 'meta',
			description: 'Meta’s own WhatsApp Business Cloud API, with a Meta access token',
		},
		{
			name: 'Twilio',
			value: 'twilio',
			description: 'Twilio’s WhatsApp API, with a Twilio account and a WhatsApp sender',
		},
	],
	default: 'meta',
	description: 'Which WhatsApp API carries the message. Each has its own credential.',
};
