import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class WhatsAppOmniTwilioApi implements ICredentialType {
	name = 'whatsAppOmniTwilioApi';

	displayName = 'WhatsApp Omni Twilio API';

	documentationUrl = 'https://www.twilio.com/docs/whatsapp/quickstart';

	icon: Icon = {
		light: 'file:../nodes/WhatsAppOmni/whatsapp.svg',
		dark: 'file:../nodes/WhatsAppOmni/whatsapp.dark.svg',
	};

	properties: INodeProperties[] = [
		{
			displayName: 'Authentication',
			name: 'authType',
			type: 'options',
			default: 'authToken',
			options: [
				{ name: 'Auth Token', value: 'authToken' },
				{ name: 'API Key', value: 'apiKey' },
			],
			description:
				'How API calls sign in. API keys can be revoked one by one; the Auth Token is still needed by the trigger to check webhook signatures.',
		},
		{
			displayName: 'Account SID',
			name: 'accountSid',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'AC0123456789abcdef0123456789abcdef',
			description: 'Starts with AC. Twilio Console › Account Info.',
		},
		{
			displayName: 'Auth Token',
			name: 'authToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'Twilio Console › Account Info. Required with Auth Token authentication; with an API key it is only used to check webhook signatures.',
		},
		{
			displayName: 'API Key SID',
			name: 'apiKeySid',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			placeholder: 'SK0123456789abcdef0123456789abcdef',
			description: 'Starts with SK. Twilio Console › Account › API keys & tokens.',
			displayOptions: { show: { authType: ['apiKey'] } },
		},
		{
			displayName: 'API Key Secret',
			name: 'apiKeySecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'Shown once when the API key is created.',
			displayOptions: { show: { authType: ['apiKey'] } },
		},
		{
			displayName: 'WhatsApp Number',
			name: 'whatsAppNumber',
			type: 'string',
			default: '',
			placeholder: '+14155238886',
			description:
				'Your WhatsApp sender in E.164 form, with or without the whatsapp: prefix. For the Twilio Sandbox for WhatsApp it is +14155238886. Leave empty only when a Messaging Service picks the sender.',
		},
		{
			displayName: 'Messaging Service SID',
			name: 'messagingServiceSid',
			type: 'string',
			default: '',
			placeholder: 'MG0123456789abcdef0123456789abcdef',
			description:
				'Optional. A Messaging Service (starts with MG) whose sender pool holds your WhatsApp sender.',
		},
		{
			displayName: 'Region',
			name: 'region',
			type: 'string',
			default: '',
			placeholder: 'ie1',
			description: 'Optional Twilio region for data residency, e.g. ie1 or au1. Leave empty for the default (us1).',
		},
		{
			displayName: 'Edge',
			name: 'edge',
			type: 'string',
			default: '',
			placeholder: 'dublin',
			description: 'Optional Twilio edge location, e.g. dublin or sydney.',
		},
		{
			displayName: 'API Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			placeholder: 'https://gateway.example.com/twilio',
			description:
				'Leave empty to call Twilio directly. Set it only to go through an API gateway or a local emulator: a request for https://<product>.twilio.com/<path> then goes to <base URL>/<product>/<path>.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			auth: {
				username:
					'={{ $credentials.authType === "apiKey" ? $credentials.apiKeySid : $credentials.accountSid }}',
				password:
					'={{ $credentials.authType === "apiKey" ? $credentials.apiKeySecret : $credentials.authToken }}',
			},
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL:
				'={{ $credentials.baseUrl ? $credentials.baseUrl.replace(/\\/+$/, "") + "/api" : "https://api" + ($credentials.edge ? "." + $credentials.edge : "") + ($credentials.region ? "." + $credentials.region : ($credentials.edge ? ".us1" : "")) + ".twilio.com" }}',
			url: '=/2010-04-01/Accounts/{{ $credentials.accountSid }}.json',
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						'Twilio rejected the credentials. Copy the Account SID and Auth Token (or the API Key SID and Secret) again from the Twilio Console › Account Info.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message:
						'These credentials may not read this account. Check that the Account SID is the account the API key or Auth Token belongs to.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 404,
					message:
						'Twilio has no account with this Account SID. It starts with AC; copy it from the Twilio Console › Account Info.',
				},
			},
		],
	};
}
