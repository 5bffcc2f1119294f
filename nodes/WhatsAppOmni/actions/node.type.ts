import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { WhatsAppProvider } from '../providers/types';

export type WhatsAppOmniResource = 'message';

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

export interface OperationModule {
	description: INodeProperties[];
	/** Handles one item: reads its parameters, validates them, calls the provider once. */
	execute(this: IExecuteFunctions, itemIndex: number, provider: WhatsAppProvider): Promise<IDataObject>;
	/** What it does reaches a person, so a rerun after a failure would do it again. */
	sendsMessages?: boolean;
}
