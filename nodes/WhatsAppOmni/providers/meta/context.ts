import type { AxiosInstance } from 'axios';

import type { MetaCredentials } from '../types';

/** What Meta's feature modules (templates, profile) need from the provider, nothing more. */
export interface MetaContext {
	client: AxiosInstance;
	credentials: MetaCredentials;
	/** URL-encoded. */
	phoneNumberId: string;
	/** URL-encoded; throws a CredentialError naming the missing field when the credential has none. */
	wabaId(): string;
}
