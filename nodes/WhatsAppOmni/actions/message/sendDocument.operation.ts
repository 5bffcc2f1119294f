import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { MessageContent } from '../../providers/types';
import { mediaSourceFields, readMediaContent } from './media';
import { sendDescription, sendOperation, type MessageType } from './send';

export const fields: INodeProperties[] = [...mediaSourceFields('document')];

export const optionFields: INodeProperties[] = [
	{
		displayName: 'Caption',
		name: 'caption',
		type: 'string',
		default: '',
		typeOptions: { rows: 2 },
		description: 'Text shown with the document, up to 1,024 characters. Meta only.',
	},
	{
		displayName: 'File Name',
		name: 'filename',
		type: 'string',
		default: '',
		placeholder: 'invoice-1042.pdf',
		description:
			'The name the recipient sees. Meta only; Twilio takes it from the file’s URL. For a binary file the binary’s own name is used when this is empty.',
	},
];

async function readContent(this: IExecuteFunctions, itemIndex: number): Promise<MessageContent> {
	const options = this.getNodeParameter('options', itemIndex, {}) as { caption?: string; filename?: string };
	const content = await readMediaContent.call(this, itemIndex, 'document', {
		...(options.caption ? { caption: options.caption } : {}),
		...(options.filename ? { filename: options.filename } : {}),
	});
	// A document sent from n8n keeps its own name unless another is given.
	if (!content.filename && content.source.kind === 'binary') {
		content.filename = content.source.file.fileName;
	}
	return content;
}

export const messageType: MessageType = { fields, optionFields, readContent };

export const description = sendDescription('sendDocument', messageType);

export const sendsMessages = true;

export const execute = sendOperation(messageType);
