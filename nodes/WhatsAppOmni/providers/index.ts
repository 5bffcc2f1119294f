import { MetaProvider } from './meta/MetaProvider';
import { TwilioProvider } from './twilio/TwilioProvider';
import type { MetaCredentials, ProviderName, TwilioCredentials, WhatsAppProvider } from './types';

export const CREDENTIAL_TYPES: Record<ProviderName, string> = {
	meta: 'whatsAppOmniMetaApi',
	twilio: 'whatsAppOmniTwilioApi',
};

/** The one place that knows which class serves which provider. */
export function createProvider(name: ProviderName, credentials: object): WhatsAppProvider {
	switch (name) {
		case 'meta':
			return new MetaProvider(credentials as MetaCredentials);
		case 'twilio':
			return new TwilioProvider(credentials as TwilioCredentials);
	}
}

export { ProviderError } from './ProviderError';
export { CredentialError } from './CredentialError';
export type * from './types';
