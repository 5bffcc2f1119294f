'use strict';
/**
 * The data of this package's two credentials, pointing at a running sandbox's accounts: one
 * source for `npm start`, the e2e suite and the in-process workflow tests.
 * `messagingService: false` leaves the Messaging Service out, so Twilio sends from the number.
 */
function sandboxCredentialData(sandbox, { messagingService = true } = {}) {
	return {
		whatsAppOmniMetaApi: {
			accessToken: sandbox.meta.accessToken,
			phoneNumberId: sandbox.meta.phoneNumberId,
			businessAccountId: sandbox.meta.wabaId,
			appId: sandbox.meta.appId,
			appSecret: sandbox.meta.appSecret,
			graphApiVersion: 'v24.0',
			baseUrl: sandbox.graphBaseUrl,
		},
		whatsAppOmniTwilioApi: {
			authType: 'authToken',
			accountSid: sandbox.twilio.accountSid,
			authToken: sandbox.twilio.authToken,
			whatsAppNumber: sandbox.twilio.whatsAppNumber,
			...(messagingService ? { messagingServiceSid: sandbox.twilio.messagingServiceSid } : {}),
			baseUrl: sandbox.twilioBaseUrl,
		},
	};
}

/** Names of the credentials `npm start` and the e2e suite create in n8n. */
const SANDBOX_CREDENTIAL_NAMES = {
	whatsAppOmniMetaApi: 'WhatsApp Omni Meta (sandbox)',
	whatsAppOmniTwilioApi: 'WhatsApp Omni Twilio (sandbox)',
};

/** Creates both credentials in n8n through its API: `{ meta, twilio }`, each `{ id, name }`. */
async function createSandboxCredentials(api, sandbox) {
	const data = sandboxCredentialData(sandbox);
	const create = (type) => api.createCredential(SANDBOX_CREDENTIAL_NAMES[type], type, data[type]);
	return { meta: await create('whatsAppOmniMetaApi'), twilio: await create('whatsAppOmniTwilioApi') };
}

module.exports = { sandboxCredentialData, createSandboxCredentials };
