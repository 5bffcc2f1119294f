import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class WhatsAppOmniMetaApi implements ICredentialType {
	name = 'whatsAppOmniMetaApi';

	displayName = 'WhatsApp Omni Meta API';

	documentationUrl = 'https://developers.facebook.com/docs/whatsapp/cloud-api/get-started';

	icon: Icon = {
		light: 'file:../nodes/WhatsAppOmni/whatsapp.svg',
		dark: 'file:../nodes/WhatsAppOmni/whatsapp.dark.svg',
	};

	properties: INodeProperties[] = [
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'A permanent System User access token (Meta Business Settings › Users › System users › Generate token) with the whatsapp_business_messaging and whatsapp_business_management permissions. Temporary tokens from the app dashboard expire after 24 hours.',
		},
		{
			displayName: 'Phone Number ID',
			name: 'phoneNumberId',
			type: 'string',
			default: '',
			required: true,
			placeholder: '106540352242922',
			description:
				'The ID of the business phone number that sends messages (WhatsApp Manager › Phone numbers, or the app dashboard › WhatsApp › API Setup). It is not the phone number itself.',
		},
		{
			displayName: 'WhatsApp Business Account ID',
			name: 'businessAccountId',
			type: 'string',
			default: '',
			placeholder: '102290129340398',
			description:
				'The WABA ID, shown next to the Phone Number ID in API Setup. Needed for templates and for webhook registration.',
		},
		{
			displayName: 'App ID',
			name: 'appId',
			type: 'string',
			default: '',
			description:
				'The Meta app’s ID (app dashboard › App settings › Basic). Needed by the trigger for app-level webhook registration.',
		},
		{
			displayName: 'App Secret',
			name: 'appSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'The Meta app’s secret (App settings › Basic › App secret). The trigger uses it to check that every webhook really comes from Meta.',
		},
		{
			displayName: 'Graph API Version',
			name: 'graphApiVersion',
			type: 'string',
			default: 'v24.0',
			placeholder: 'v24.0',
			description: 'The Graph API version to call, e.g. v24.0.',
		},
		{
			displayName: 'Graph API Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			placeholder: 'https://graph.facebook.com',
			description:
				'Leave empty to call Meta directly. Set it only to go through an API gateway or a local emulator: requests then go to <base URL>/<version>/<path>.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Bearer {{$credentials.accessToken}}',
			},
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL:
				'={{ ($credentials.baseUrl || "https://graph.facebook.com").replace(/\\/+$/, "") + "/" + ($credentials.graphApiVersion || "v24.0") }}',
			url: '=/{{ $credentials.phoneNumberId }}',
			qs: { fields: 'display_phone_number,verified_name' },
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						'Meta rejected the access token: it is wrong or has expired. Generate a permanent System User token in Meta Business Settings and paste it here.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 400,
					message:
						'Meta does not know this Phone Number ID for this token. Copy the Phone Number ID (not the phone number) from API Setup, and check that the token’s System User is assigned to its WhatsApp Business Account.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message:
						'The token lacks permission for this phone number. Give its System User whatsapp_business_messaging and whatsapp_business_management on this WhatsApp Business Account.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 404,
					message:
						'The Graph API URL was not found. Check the Graph API Version (e.g. v24.0) and, if set, the Graph API Base URL.',
				},
			},
		],
	};
}
