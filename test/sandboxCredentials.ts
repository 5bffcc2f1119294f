import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import type { Sandbox } from '../sandbox';

// Plain JS, shared with `npm start` and the e2e suite.
const { sandboxCredentialData } = require('../scripts/n8n/sandboxCredentials') as {
	sandboxCredentialData(sandbox: Sandbox, options?: { messagingService?: boolean }): Record<'whatsAppOmniMetaApi' | 'whatsAppOmniTwilioApi', ICredentialDataDecryptedObject>;
};

/** Both credentials of this package, pointing at a running sandbox's accounts. */
export function sandboxCredentials(
	sandbox: Sandbox,
	overrides: { meta?: object; twilio?: object } = {},
): Record<'whatsAppOmniMetaApi' | 'whatsAppOmniTwilioApi', ICredentialDataDecryptedObject> {
	// The in-process tests send from the WhatsApp number, so the Messaging Service is left out.
	const data = sandboxCredentialData(sandbox, { messagingService: false });
	return {
		whatsAppOmniMetaApi: { ...data.whatsAppOmniMetaApi, ...overrides.meta },
		whatsAppOmniTwilioApi: { ...data.whatsAppOmniTwilioApi, ...overrides.twilio },
	};
}
