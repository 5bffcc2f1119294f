import type { IBinaryKeyData, IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { WhatsAppProvider } from '../providers/types';

export type WhatsAppOmniResource = 'message' | 'media' | 'template' | 'contact' | 'conversation' | 'account';

export type AccountOperation = 'checkSetup';

export type TemplateOperation = 'create' | 'get' | 'getMany' | 'delete';

export type ContactOperation = 'getProfileInfo' | 'updateBusinessProfile';

export type ConversationOperation = 'getChatHistory' | 'getWindow' | 'getState' | 'setState' | 'clearState';

export type MediaOperation = 'upload' | 'getUrl' | 'download' | 'delete';

export type MessageOperation =
	| 'sendText'
	| 'sendMedia'
	| 'sendDocument'
	| 'sendSticker'
	| 'sendLocation'
	| 'sendContact'
	| 'sendInteractive'
	| 'sendReply'
	| 'sendTemplate'
	| 'markAsRead'
	| 'getStatus'
	| 'sendAndWait';

/** The tool n8n makes of the node for AI agents (and MCP clients), rather than the node in a workflow. */
export function isToolNode(node: { type: string }): boolean {
	return node.type.endsWith('Tool');
}

/** What an operation returns when its item carries binary data as well as json. */
export class OperationItem {
	constructor(
		readonly json: IDataObject,
		readonly binary?: IBinaryKeyData,
	) {}
}

export interface OperationModule {
	description: INodeProperties[];
	/**
	 * Handles one item: reads its parameters, validates them, calls the provider. An array is
	 * several output items for this one input item (Get Many, Get Chat History), possibly none.
	 */
	execute(
		this: IExecuteFunctions,
		itemIndex: number,
		provider: WhatsAppProvider,
	): Promise<IDataObject | OperationItem | Array<IDataObject | OperationItem>>;
	/** What it does reaches a person, so a rerun after a failure would do it again. */
	sendsMessages?: boolean;
}
