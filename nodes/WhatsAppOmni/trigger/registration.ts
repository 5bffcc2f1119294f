import { NodeOperationError, type IHookFunctions } from 'n8n-workflow';

import { toNodeError } from '../helpers/errors';
import { PROVIDER_LABELS, type ProviderName, type WebhookRecord, type WebhookTarget } from '../providers/types';
import { verifyTokenBinding } from './handshake';
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
		if (current.state === 'elsewhere' && !provider.restoresPreviousWebhook) {
			throw new NodeOperationError(
				this.getNode(),
				`${current.where.charAt(0).toUpperCase()}${current.where.slice(1)} already points at ${current.url}`,
				{
					description: `Another workflow or system receives these webhooks. This trigger does not take it over silently: deactivate that workflow (or remove its URL in the ${PROVIDER_LABELS[provider.name]} settings), or choose another Registration — e.g. Phone Number, which gives each number its own URL.`,
				},
			);
		}
		// Ours, and this activation knows how to undo it (a verify token on Meta): nothing to do.
		return current.state === 'ours' && data.registration?.url === wanted.url && data.registration.mode === wanted.mode;
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
		return true;
	},

	async delete(this: IHookFunctions): Promise<boolean> {
		const data = this.getWorkflowStaticData('node') as RegistrationData;
		const record = data.registration;
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
