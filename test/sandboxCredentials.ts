import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import type { Sandbox } from '../sandbox';

/** Both credentials of this package, pointing at a running sandbox's accounts. */
export function sandboxCredentials(
	sandbox: Sandbox,
	overrides: { meta?: object; twilio?: object } = {},
): Record<'whatsAppOmniMetaApi' | 'whatsAppOmniTwilioApi', ICredentialDataDecryptedObject> {
	return {
		whatsAppOmniMetaApi: {
			accessToken: sandbox.meta.accessToken,
			phoneNumberId: sandbox.meta.phoneNumberId,
			businessAccountId: sandbox.meta.wabaId,
			appId: sandbox.meta.appId,
			appSecret: sandbox.meta.appSecret,
			graphApiVersion: 'v24.0',
			baseUrl: sandbox.graphBaseUrl,
			...overrides.meta,
		},
		whatsAppOmniTwilioApi: {
			authType: 'authToken',
			accountSid: sandbox.twilio.accountSid,
			authToken: sandbox.twilio.authToken,
			whatsAppNumber: sandbox.twilio.whatsAppNumber,
			baseUrl: sandbox.twilioBaseUrl,
			...overrides.twilio,
		},
	};
}
