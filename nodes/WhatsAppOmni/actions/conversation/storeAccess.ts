import { NodeOperationError, type IExecuteFunctions, type INode, type INodeProperties } from 'n8n-workflow';

import { conversationStore, providerScope, STORE_URL_VARIABLE } from '../../helpers/conversationStore';
import { BSUID_EXAMPLE, InvalidRecipientError, parseRecipient } from '../../helpers/recipient';
import { ValidationError } from '../../helpers/ValidationError';
import { PROVIDER_NAMES, type Recipient, type WhatsAppProvider } from '../../providers/types';
import type { ConversationStore, StoreScope } from '../../store/types';

/**
 * What the operations that read the conversation store share: the credential's scope, the
 * Contact parameter, and one read with an error that says what to do when the store fails.
 */

/** The Contact parameter of the Conversation operations; `more` says what the operation does with it. */
export function contactField(more: string): INodeProperties {
	return {
		displayName: 'Contact',
		name: 'contact',
		type: 'string',
		default: '',
		required: true,
		placeholder: '+15551234567',
		// eslint-disable-next-line n8n-nodes-base/node-param-description-miscased-id, n8n-nodes-base/node-param-description-miscased-json -- an n8n expression, written as it is typed
		description: `The customer: their WhatsApp number with its country code (E.164, e.g. +15551234567; spaces, dashes and a whatsapp: prefix are fine) or their business-scoped user ID (BSUID, e.g. ${BSUID_EXAMPLE}); after the WhatsApp Omni Trigger, {{ $json.contact.id }} always works. ${more}`,
	};
}

/** The credential's business number as the store files it; refused when the credential names none. */
export function requireStoreScope(provider: WhatsAppProvider): StoreScope {
	const scope = providerScope(provider);
	if (!scope) {
		throw new ValidationError(
			'Credential',
			`The ${PROVIDER_NAMES[provider.name]} credential names no WhatsApp number, and the conversation store keeps messages per business number`,
			'Fill in "WhatsApp Number" in the Twilio credential (the sender the trigger receives on, e.g. +14155238886), next to the Messaging Service SID.',
		);
	}
	return scope;
}

/** The Contact parameter: a phone number or a BSUID, as "To" takes them. */
export function readContact(this: IExecuteFunctions, itemIndex: number): Recipient {
	const value = this.getNodeParameter('contact', itemIndex, '') as unknown;
	try {
		return parseRecipient(value);
	} catch (error) {
		if (!(error instanceof InvalidRecipientError)) throw error;
		throw new ValidationError(
			'Contact',
			`Contact "${error.value}" is neither a WhatsApp phone number nor a business-scoped user ID (BSUID): ${error.reason}`,
			`Give the customer’s number with its country code, e.g. +15551234567, or their BSUID such as ${BSUID_EXAMPLE}; after the WhatsApp Omni Trigger, {{ $json.contact.id }} is always one of the two.`,
		);
	}
}

/**
 * Runs one read against the process's store. A store that cannot be opened or fails the read
 * fails the item, naming the store and what to check: a read has nothing to fall back on.
 */
export async function readStore<T>(
	node: INode,
	itemIndex: number,
	read: (store: ConversationStore) => Promise<T>,
): Promise<T> {
	return await useStore(node, itemIndex, 'read', read);
}

/** Runs one write (Set State, Clear State): a store that fails it fails the item, as for a read. */
export async function writeStore<T>(
	node: INode,
	itemIndex: number,
	write: (store: ConversationStore) => Promise<T>,
): Promise<T> {
	return await useStore(node, itemIndex, 'written', write);
}

async function useStore<T>(
	node: INode,
	itemIndex: number,
	done: 'read' | 'written',
	work: (store: ConversationStore) => Promise<T>,
): Promise<T> {
	let store: ConversationStore | undefined;
	try {
		store = await conversationStore();
		return await work(store);
	} catch (error) {
		if (error instanceof ValidationError || error instanceof NodeOperationError) throw error;
		const where = store ? `${store.description}, set by ${STORE_URL_VARIABLE}` : `set by ${STORE_URL_VARIABLE}`;
		throw new NodeOperationError(node, `The conversation store (${where}) could not be ${done}: ${(error as Error).message}`, {
			itemIndex,
			description: `Check that the database ${STORE_URL_VARIABLE} names is running and reachable from this n8n process (with queue mode, from every process), then run the node again.`,
		});
	}
}
