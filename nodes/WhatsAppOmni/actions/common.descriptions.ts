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

export const recipientField: INodeProperties = {
	displayName: 'To',
	name: 'to',
	type: 'string',
	required: true,
	default: '',
	placeholder: '+15551234567',
	description:
		'The recipient’s WhatsApp number in international (E.164) form: + then country code and number, e.g. +15551234567. Spaces, dashes, brackets and a whatsapp: prefix are fine; a number without its country code is refused.',
};
