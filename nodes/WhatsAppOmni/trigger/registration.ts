import { NodeOperationError, type IHookFunctions } from 'n8n-workflow';

import { toNodeError } from '../helpers/errors';
import { PROVIDER_LABELS, type ProviderName, type WebhookMode, type WebhookRecord, type WebhookTarget, type WhatsAppProvider } from '../providers/types';
import { verifyTokenBinding } from './handshake';
import { forgetListeners, isListener, listenerId, listenerStore, registrationTarget } from './listeners';
import { providerName, registrationMode, triggerProvider } from './provider';

interface RegistrationData {
	registration?: WebhookRecord;
}

async function target(this: IHookFunctions, provider: ProviderName): Promise<WebhookTarget> {
	const events = this.getNodeParameter('events', []) as string[];
	return {
		mode: registrationMode.call(this, provider),
		url: this.getNodeWebhookUrl('default') as string,
		events,
	};
}

function failure(this: IHookFunctions, error: unknown) {
	return toNodeError(this.getNode(), error, { itemIndex: 0 });
}

/**
 * Activation, deactivation and the check n8n makes before them. What registration changed is
 * kept in the node's static data, the one place n8n saves at activation.
 */
export const registrationMethods = {
	async checkExists(this: IHookFunctions): Promise<boolean> {
		const name = providerName.call(this);
		const wanted = await target.call(this, name);
		if (wanted.mode === 'manual') return true;
		const provider = await triggerProvider.call(this, name);
		let current;
		try {
			current = await provider.checkWebhook(wanted);
		} catch (error) {
			throw failure.call(this, error);
		}
		const data = this.getWorkflowStaticData('node') as RegistrationData;
		const key = registrationTarget(provider, wanted.mode);
		const store = key ? await listenerStore() : undefined;
		const self = listenerId.call(this);
		const listeners = store && key ? await store.listListeners(key).catch(() => undefined) : undefined;
		const me = { target: key!, ...self, url: wanted.url, binding: verifyTokenBinding.call(this) };
		// Another published workflow of this n8n holds the number's webhook: listen through it.
		const holder = listeners?.find((listener) => listener.holder);
		if (store && current.state === 'elsewhere' && holder && holder.url === current.url && !isListener(holder, self)) {
			await store.addListener(me);
			forgetListeners();
			return true;
		}
		if (current.state === 'elsewhere' && !provider.restoresPreviousWebhook) {
			throw new NodeOperationError(
				this.getNode(),
				`${current.where.charAt(0).toUpperCase()}${current.where.slice(1)} already points at ${current.url}`,
				{
					description: `Another system (not a published workflow of this n8n) receives these webhooks. This trigger does not take it over silently: remove that URL in the ${PROVIDER_LABELS[provider.name]} settings, or choose another Registration — e.g. Phone Number, which gives each number its own URL.`,
				},
			);
		}
		if (current.state !== 'ours') return false;
		// Ours, and this activation knows how to undo it (a verify token on Meta): nothing to do.
		const mine = listeners?.find((listener) => isListener(listener, self));
		const record = data.registration ?? (mine?.holder ? (mine.registration as unknown as WebhookRecord | undefined) : undefined);
		const ours = record?.url === wanted.url && record.mode === wanted.mode;
		if (ours && store && key) {
			await store.addListener(me);
			if (!mine?.holder) await store.setHolder(key, self.workflowId, self.nodeId, record as unknown as Record<string, unknown>);
			forgetListeners();
		}
		return ours;
	},

	async create(this: IHookFunctions): Promise<boolean> {
		const name = providerName.call(this);
		const wanted = await target.call(this, name);
		const data = this.getWorkflowStaticData('node') as RegistrationData;
		if (wanted.mode === 'manual') {
			delete data.registration;
			return true;
		}
		const provider = await triggerProvider.call(this, name);
		// A new token per activation, bound to this workflow, node and webhook; kept with the
		// registration (saved once create returns) and dropped by delete. See trigger/handshake.ts.
		const verifyToken = provider.createVerifyToken?.(verifyTokenBinding.call(this));
		try {
			data.registration = await provider.registerWebhook({ ...wanted, ...(verifyToken ? { verifyToken } : {}) });
		} catch (error) {
			throw failure.call(this, error);
		}
		// This trigger holds the number's webhook now: other workflows on it will listen through it.
		const key = registrationTarget(provider, wanted.mode);
		const store = key ? await listenerStore() : undefined;
		if (store && key) {
			const self = listenerId.call(this);
			try {
				await store.addListener({ target: key, ...self, url: wanted.url, binding: verifyTokenBinding.call(this) });
				await store.setHolder(key, self.workflowId, self.nodeId, data.registration as unknown as Record<string, unknown>);
			} catch (error) {
				this.logger.warn(`WhatsApp Omni Trigger: other workflows on this number will not get its events (the conversation store failed: ${(error as Error).message})`);
			}
			forgetListeners();
		}
		return true;
	},

	async delete(this: IHookFunctions): Promise<boolean> {
		const data = this.getWorkflowStaticData('node') as RegistrationData;
		const name = providerName.call(this);
		const mode = registrationMode.call(this, name);
		let record = data.registration;
		if (mode !== 'manual') {
			const handed = await handOver.call(this, name, mode, record);
			if (handed.done) {
				delete data.registration;
				return true;
			}
			record ??= handed.record;
		}
		if (!record) return true;
		try {
			const provider = await triggerProvider.call(this);
			await provider.unregisterWebhook(record);
		} catch (error) {
			this.logger.warn(`WhatsApp Omni Trigger: could not undo the webhook registration: ${(error as Error).message}`);
			return false;
		}
		delete data.registration;
		return true;
	},
};

/**
 * Deactivation with other workflows on the number: a listener just leaves the list; the holder
 * moves the provider's webhook to the listener published longest ago (with a handshake token
 * made for that trigger on Meta, and Twilio's original URLs kept for the very last to put back)
 * and leaves. `done: false` when this trigger must undo the registration itself: it was the last
 * one, the store cannot be reached, or the move failed (then the others stop getting events too,
 * which the log says).
 */
async function handOver(
	this: IHookFunctions,
	name: ProviderName,
	mode: WebhookMode,
	record: WebhookRecord | undefined,
): Promise<{ done: boolean; record?: WebhookRecord }> {
	let provider: WhatsAppProvider;
	try {
		provider = await triggerProvider.call(this, name);
	} catch {
		return { done: false };
	}
	const key = registrationTarget(provider, mode);
	const store = key ? await listenerStore() : undefined;
	if (!store || !key) return { done: false };
	const self = listenerId.call(this);
	const listeners = await store.listListeners(key).catch(() => undefined);
	if (!listeners) return { done: false };
	const mine = listeners.find((listener) => isListener(listener, self));
	const held = mine?.holder ? (mine.registration as unknown as WebhookRecord | undefined) : undefined;
	const holding = mine?.holder === true || (!!record && !listeners.some((listener) => listener.holder));
	forgetListeners();
	if (!holding) {
		await store.removeListener(key, self.workflowId, self.nodeId).catch(() => undefined);
		return { done: true };
	}
	const registration = record ?? held;
	const next = listeners.find((listener) => !isListener(listener, self));
	if (!next || !registration) {
		await store.removeListener(key, self.workflowId, self.nodeId).catch(() => undefined);
		return { done: false, record: registration };
	}
	try {
		const verifyToken = provider.createVerifyToken?.(next.binding ?? '');
		const events = this.getNodeParameter('events', []) as string[];
		const moved = await provider.registerWebhook({ mode: registration.mode, url: next.url, events, ...(verifyToken ? { verifyToken } : {}) });
		const kept: WebhookRecord = registration.previous ? { ...moved, previous: registration.previous } : moved;
		await store.setHolder(key, next.workflowId, next.nodeId, kept as unknown as Record<string, unknown>);
		await store.removeListener(key, self.workflowId, self.nodeId);
		return { done: true };
	} catch (error) {
		this.logger.warn(
			`WhatsApp Omni Trigger: could not hand the number's webhook to workflow ${next.workflowId} (${(error as Error).message}); removing it, so the other workflows on the number get no events until one is published again`,
		);
		await store.removeListener(key, self.workflowId, self.nodeId).catch(() => undefined);
		return { done: false, record: registration };
	}
}
