import type { IBinaryKeyData, IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { WhatsAppProvider } from '../providers/types';

export type WhatsAppOmniResource = 'message' | 'media';

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
	| 'markAsRead';

/** What an operation returns when its item carries binary data as well as json. */
export class OperationItem {
	constructor(
		readonly json: IDataObject,
		readonly binary?: IBinaryKeyData,
	) {}
}

export interface OperationModule {
	description: INodeProperties[];
	/** Handles one item: reads its parameters, validates them, calls the provider once. */
	execute(this: IExecuteFunctions, itemIndex: number, provider: WhatsAppProvider): Promise<IDataObject | OperationItem>;
	/** What it does reaches a person, so a rerun after a failure would do it again. */
	sendsMessages?: boolean;
}
