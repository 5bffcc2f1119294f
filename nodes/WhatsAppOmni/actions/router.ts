import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

import { mapInOrder } from '../helpers/concurrency';
import { errorItemJson, toNodeError } from '../helpers/errors';
import { CREDENTIAL_TYPES, createProvider } from '../providers';
import type { ProviderName, WhatsAppProvider } from '../providers/types';
import * as message from './message/Message.resource';
import * as media from './media/Media.resource';
import * as template from './template/Template.resource';
import * as contact from './contact/Contact.resource';
import * as conversation from './conversation/Conversation.resource';
import { OperationItem, type OperationModule, type WhatsAppOmniResource } from './node.type';

const resources: Record<WhatsAppOmniResource, Record<string, OperationModule>> = {
	message: message.operations,
	media: media.operations,
	template: template.operations,
	contact: contact.operations,
	conversation: conversation.operations,
};

export interface RouterOptions {
	/** Items in flight at once. Output order and pairing never depend on it. */
	concurrency?: number;
}

/**
 * Runs the chosen operation once per input item. Owns what every operation shares: provider
 * set-up, continueOnFail, pairedItem, output order and error wrapping.
 */
export async function router(
	this: IExecuteFunctions,
	{ concurrency = 1 }: RouterOptions = {},
): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter('resource', 0) as WhatsAppOmniResource;
	const operationName = this.getNodeParameter('operation', 0) as string;
	const operation = resources[resource]?.[operationName];
	if (!operation) {
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${operationName}" of resource "${resource}" is not supported`,
		);
	}

	// One provider per credential and execution: credentials are decrypted once, not per item.
	const providers = new Map<ProviderName, Promise<WhatsAppProvider>>();
	const providerFor = (itemIndex: number): Promise<WhatsAppProvider> => {
		const name = this.getNodeParameter('provider', itemIndex) as ProviderName;
		let provider = providers.get(name);
		if (!provider) {
			provider = this.getCredentials(CREDENTIAL_TYPES[name], itemIndex).then((credentials) =>
				createProvider(name, credentials),
			);
			providers.set(name, provider);
		}
		return provider;
	};

	let succeeded = 0;
	const continueOnFail = this.continueOnFail();
	const results = await mapInOrder(items.length, concurrency, async (itemIndex) => {
		try {
			const provider = await providerFor(itemIndex);
			const output = await operation.execute.call(this, itemIndex, provider);
			succeeded++;
			return (Array.isArray(output) ? output : [output]).map((one) => toItem(one, itemIndex));
		} catch (error) {
			const nodeError = toNodeError(this.getNode(), error, {
				itemIndex,
				sendsMessages: operation.sendsMessages === true,
				alreadySent: operation.sendsMessages && !continueOnFail ? succeeded : undefined,
			});
			if (continueOnFail) {
				return [{ json: errorItemJson(nodeError), pairedItem: { item: itemIndex } }];
			}
			throw nodeError;
		}
	});
	return [results.flat()];
}

function toItem(output: IDataObject | OperationItem, itemIndex: number): INodeExecutionData {
	if (output instanceof OperationItem) {
		return { json: output.json, ...(output.binary ? { binary: output.binary } : {}), pairedItem: { item: itemIndex } };
	}
	return { json: output, pairedItem: { item: itemIndex } };
}
