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

/**
 * n8n 1.x's public API schema demands allowedDomains unless the HTTP Request domain restriction
 * is stated, so it is stated as n8n's own default ('all') wherever n8n has the setting.
 */
async function domainDefault(api, type) {
	const schema = await api.request('GET', `/api/v1/credentials/schema/${type}`, { expect: [200, 404] });
	return schema.data?.properties?.allowedHttpRequestDomains ? { allowedHttpRequestDomains: 'all' } : {};
}

/** Creates both credentials in n8n through its API: `{ meta, twilio }`, each `{ id, name }`. */
async function createSandboxCredentials(api, sandbox) {
	const data = sandboxCredentialData(sandbox);
	const create = async (type) => api.createCredential(SANDBOX_CREDENTIAL_NAMES[type], type, { ...data[type], ...(await domainDefault(api, type)) });
	return { meta: await create('whatsAppOmniMetaApi'), twilio: await create('whatsAppOmniTwilioApi') };
}

module.exports = { sandboxCredentialData, createSandboxCredentials };
