import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { MessageContent } from '../../providers/types';
import { mediaSourceFields, readMediaContent } from './media';
import { sendDescription, sendOperation, type MessageType } from './send';

export const fields: INodeProperties[] = [
	{
		displayName: 'Stickers are WebP images, 512×512 pixels: up to 100 KB when static, 500 KB when animated',
		name: 'stickerNotice',
		type: 'notice',
		default: '',
	},
	...mediaSourceFields('sticker'),
];

export const optionFields: INodeProperties[] = [];

async function readContent(this: IExecuteFunctions, itemIndex: number): Promise<MessageContent> {
	return await readMediaContent.call(this, itemIndex, 'sticker');
}

export const messageType: MessageType = { fields, optionFields, readContent };

export const description = sendDescription('sendSticker', messageType);

export const sendsMessages = true;

export const execute = sendOperation(messageType);
