import type { IHookFunctions, IWebhookFunctions } from 'n8n-workflow';

import { CREDENTIAL_TYPES, createProvider } from '../providers';
import type { ProviderName, WebhookMode, WhatsAppProvider } from '../providers/types';

type TriggerContext = IHookFunctions | IWebhookFunctions;

export async function triggerProvider(this: TriggerContext): Promise<WhatsAppProvider> {
	const name = this.getNodeParameter('provider', 'meta') as ProviderName;
	return createProvider(name, await this.getCredentials(CREDENTIAL_TYPES[name]));
}

export function registrationMode(this: TriggerContext): WebhookMode {
	const provider = this.getNodeParameter('provider', 'meta') as ProviderName;
	return (
		provider === 'meta'
			? this.getNodeParameter('metaRegistration', 'phoneNumber')
			: this.getNodeParameter('twilioRegistration', 'sender')
	) as WebhookMode;
}
