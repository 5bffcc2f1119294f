import type { IHookFunctions, IWebhookFunctions } from 'n8n-workflow';

import { CREDENTIAL_TYPES, createProvider } from '../providers';
import type { ProviderName, WebhookMode, WhatsAppProvider } from '../providers/types';

type TriggerContext = IHookFunctions | IWebhookFunctions;

export function providerName(this: TriggerContext): ProviderName {
	return this.getNodeParameter('provider', 'meta') as ProviderName;
}

/** The provider built from the credential as n8n has it now (one getCredentials call). */
export async function triggerProvider(this: TriggerContext, name: ProviderName = providerName.call(this)): Promise<WhatsAppProvider> {
	return createProvider(name, await this.getCredentials(CREDENTIAL_TYPES[name]));
}

/**
 * How long webhook requests of one trigger node reuse the provider an earlier request built.
 *
 * In a webhook, n8n's getCredentials does more than read and decrypt the credential: it resolves
 * the credential's expressions on a throw-away workflow that takes an expression isolate of its
 * own (n8n 2.x, `CredentialsHelper.applyDefaultsAndOverwrites`), and isolates are used once and
 * rebuilt. That was the largest per-request cost this node caused (see scripts/bench-trigger.js).
 * A burst of deliveries now pays it once per interval. The price: an edited credential applies to
 * webhooks up to this long later. A signature that fails with a reused provider is checked again
 * with the credential n8n has now, so a new App Secret / Auth Token is never refused; only the
 * previous one can still pass during that interval.
 */
export const PROVIDER_REUSE_MS = 5_000;
/** Trigger nodes (workflow, node, credential) remembered at once, all workflows of the process together. */
export const PROVIDER_REUSE_MAX_ENTRIES = 256;

interface ReusedProvider {
	provider: Promise<WhatsAppProvider>;
	expires: number;
}

/** Keyed by workflow, node, credential type and credential id: no secret in a key. */
const reusable = new Map<string, ReusedProvider>();

/** Where this node's provider may be reused: only for a node whose credential n8n names by id. */
function reuseKey(this: IWebhookFunctions, name: ProviderName): string | undefined {
	const node = this.getNode();
	const credentialId = node.credentials?.[CREDENTIAL_TYPES[name]]?.id;
	if (!credentialId) return undefined;
	return [this.getWorkflow().id ?? '', node.id ?? node.name, CREDENTIAL_TYPES[name], credentialId].join('\n');
}

function remember(key: string, entry: ReusedProvider, now: number) {
	for (const [other, { expires }] of reusable) if (expires <= now) reusable.delete(other);
	reusable.delete(key);
	reusable.set(key, entry);
	// Map order is insertion order: past the bound the oldest go first.
	for (const other of reusable.keys()) {
		if (reusable.size <= PROVIDER_REUSE_MAX_ENTRIES) break;
		reusable.delete(other);
	}
}

export interface WebhookProvider {
	provider: WhatsAppProvider;
	/** Built by an earlier request from the credential as it was then (at most PROVIDER_REUSE_MS ago). */
	reused: boolean;
}

/**
 * The provider for one webhook request: built from n8n's credential, or reused from an earlier
 * request of the same trigger node within PROVIDER_REUSE_MS. Concurrent requests share one
 * getCredentials call. `fresh` skips reuse (and replaces what is remembered).
 */
export async function webhookProvider(
	this: IWebhookFunctions,
	name: ProviderName,
	{ fresh = false, now = Date.now() }: { fresh?: boolean; now?: number } = {},
): Promise<WebhookProvider> {
	const key = reuseKey.call(this, name);
	if (key === undefined) return { provider: await triggerProvider.call(this, name), reused: false };
	const known = reusable.get(key);
	if (!fresh && known && known.expires > now) return { provider: await known.provider, reused: true };
	const entry: ReusedProvider = { provider: triggerProvider.call(this, name), expires: now + PROVIDER_REUSE_MS };
	remember(key, entry, now);
	try {
		return { provider: await entry.provider, reused: false };
	} catch (error) {
		// A failure is never reused: the next request asks n8n again.
		if (reusable.get(key) === entry) reusable.delete(key);
		throw error;
	}
}

/** Drops every reused provider (tests). */
export function forgetReusedProviders() {
	reusable.clear();
}

export function registrationMode(this: TriggerContext, provider: ProviderName = providerName.call(this)): WebhookMode {
	return (
		provider === 'meta'
			? this.getNodeParameter('metaRegistration', 'phoneNumber')
			: this.getNodeParameter('twilioRegistration', 'sender')
	) as WebhookMode;
}
