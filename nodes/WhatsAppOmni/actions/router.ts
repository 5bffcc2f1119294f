import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

import { mapInOrder } from '../helpers/concurrency';
import { errorItemJson, toNodeError } from '../helpers/errors';
import { withDeliverySettings, type DeliverySettings, type ScopeOptions } from '../helpers/retryPolicy';
import { deliverySettingsFrom } from './bulkSending.description';
import { CREDENTIAL_TYPES, createProvider } from '../providers';
import type { ProviderName, WhatsAppProvider } from '../providers/types';
import * as message from './message/Message.resource';
import * as media from './media/Media.resource';
import * as template from './template/Template.resource';
import * as contact from './contact/Contact.resource';
import * as conversation from './conversation/Conversation.resource';
import * as account from './account/Account.resource';
import { isToolNode, OperationItem, type OperationModule, type WhatsAppOmniResource } from './node.type';

const resources: Record<WhatsAppOmniResource, Record<string, OperationModule>> = {
	message: message.operations,
	media: media.operations,
	template: template.operations,
	contact: contact.operations,
	conversation: conversation.operations,
	account: account.operations,
};

export interface RouterOptions extends ScopeOptions {
	/** Replaces the node's Bulk Sending values (tests). Output order and pairing never depend on them. */
	settings?: Partial<DeliverySettings>;
}

/**
 * Runs the chosen operation once per input item. Owns what every operation shares: provider
 * set-up, continueOnFail, pairedItem, output order and error wrapping.
 */
export async function router(
	this: IExecuteFunctions,
	{ settings: overrides, ...scopeOptions }: RouterOptions = {},
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

	// Read once, from the first item: the pace and the pool belong to the whole run, not an item.
	const settings = { ...deliverySettingsFrom(this.getNodeParameter('bulkSending', 0, {}) as IDataObject), ...overrides };

	const sent: number[] = [];
	const continueOnFail = this.continueOnFail();
	const runItems = () =>
		mapInOrder(items.length, settings.concurrency, async (itemIndex) => {
			try {
				const provider = await providerFor(itemIndex);
				const output = await operation.execute.call(this, itemIndex, provider);
				sent.push(itemIndex);
				return (Array.isArray(output) ? output : [output]).map((one) => toItem(one, itemIndex));
			} catch (error) {
				if (!continueOnFail) throw new ItemFailure(itemIndex, error);
				const nodeError = toNodeError(this.getNode(), error, { itemIndex, sendsMessages: operation.sendsMessages === true });
				return [{ json: errorItemJson(nodeError), pairedItem: { item: itemIndex } }];
			}
		});
	let results: INodeExecutionData[][];
	try {
		results = await withDeliverySettings(settings, runItems, scopeOptions);
	} catch (failure) {
		if (!(failure instanceof ItemFailure)) throw failure;
		// Counted once the items in flight beside it have settled (mapInOrder waits for them), so
		// the note names every message that went out, including later items sent meanwhile.
		const { itemIndex } = failure;
		throw forAgent(this.getNode(), toNodeError(this.getNode(), failure.error, {
			itemIndex,
			sendsMessages: operation.sendsMessages === true,
			alreadySent: operation.sendsMessages ? sent.filter((index) => index < itemIndex).length : undefined,
			sentLater: operation.sendsMessages ? sent.filter((index) => index > itemIndex).sort((a, b) => a - b) : undefined,
		}));
	}
	const output = results.flat();
	const asTool = isToolNode(this.getNode());
	// An AI agent (n8n's AI Agent, an MCP client) reads every byte of a tool's output as tokens:
	// the provider's raw answer repeats what the item already says, so a tool leaves it out.
	return [asTool ? output.map(withoutRaw) : output];
}

/**
 * An AI agent gets only an error's message from a tool (n8n 2.x drops the description), so as a
 * tool the node puts what to do next into the message itself.
 */
function forAgent<E extends Error & { description?: string | null }>(node: { type: string }, error: E): E {
	if (!isToolNode(node) || !error.description || error.message.includes(error.description)) return error;
	error.message = `${error.message.replace(/[.\s]*$/, '')}. ${error.description}`;
	return error;
}

function withoutRaw(item: INodeExecutionData): INodeExecutionData {
	if (!('raw' in item.json)) return item;
	const { raw: _raw, ...json } = item.json;
	return { ...item, json };
}

/** An item's failure on its way out of mapInOrder, turned into the node's error once all settled. */
class ItemFailure {
	constructor(
		readonly itemIndex: number,
		readonly error: unknown,
	) {}
}

function toItem(output: IDataObject | OperationItem, itemIndex: number): INodeExecutionData {
	if (output instanceof OperationItem) {
		return { json: output.json, ...(output.binary ? { binary: output.binary } : {}), pairedItem: { item: itemIndex } };
	}
	return { json: output, pairedItem: { item: itemIndex } };
}
