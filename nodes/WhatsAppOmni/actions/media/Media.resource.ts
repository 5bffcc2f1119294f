import type { INodeProperties } from 'n8n-workflow';

import type { MediaOperation, OperationModule } from '../node.type';
import * as deleteMedia from './delete.operation';
import * as download from './download.operation';
import * as getUrl from './getUrl.operation';
import * as upload from './upload.operation';

export const operations: Record<MediaOperation, OperationModule> = {
	upload,
	getUrl,
	download,
	delete: deleteMedia,
};

/** Shown in the node's subtitle and operation list. */
export const OPERATION_NAMES: Record<MediaOperation, string> = {
	delete: 'Delete',
	download: 'Download',
	getUrl: 'Get URL',
	upload: 'Upload',
};

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['media'] } },
		options: [
			{
				name: 'Delete',
				value: 'delete',
				description: 'Delete stored media: a Meta media ID, or a Twilio message’s media',
				action: 'Delete media',
			},
			{
				name: 'Download',
				value: 'download',
				description: 'Download media into the item’s binary data, by media ID, message SID or URL',
				action: 'Download media',
			},
			{
				name: 'Get URL',
				value: 'getUrl',
				description: 'Get the download URL, type and size of media. Meta’s URL expires in about 5 minutes and needs the access token.',
				action: 'Get a media URL',
			},
			{
				name: 'Upload',
				value: 'upload',
				description: 'Upload a file from binary data to Meta and get a media ID to send it by (Meta only)',
				action: 'Upload media',
			},
		],
		default: 'download',
	},
	...upload.description,
	...getUrl.description,
	...download.description,
	...deleteMedia.description,
];
