import type { INodeProperties } from 'n8n-workflow';

import type { MessageOperation, OperationModule } from '../node.type';
import * as getStatus from './getStatus.operation';
import * as markAsRead from './markAsRead.operation';
import * as sendAndWait from './sendAndWait.operation';
import * as sendContact from './sendContact.operation';
import * as sendDocument from './sendDocument.operation';
import * as sendInteractive from './sendInteractive.operation';
import * as sendLocation from './sendLocation.operation';
import * as sendMedia from './sendMedia.operation';
import * as sendReply from './sendReply.operation';
import * as sendSticker from './sendSticker.operation';
import * as sendTemplate from './sendTemplate.operation';
import * as sendText from './sendText.operation';

export const operations: Record<MessageOperation, OperationModule> = {
	sendText,
	sendMedia,
	sendDocument,
	sendSticker,
	sendLocation,
	sendContact,
	sendInteractive,
	sendTemplate,
	sendReply,
	markAsRead,
	getStatus,
	sendAndWait,
};

/** Shown in the node's subtitle and operation list. */
export const OPERATION_NAMES: Record<MessageOperation, string> = {
	getStatus: 'Get Status',
	markAsRead: 'Mark as Read',
	sendAndWait: 'Send and Wait for Response',
	sendContact: 'Send Contact',
	sendDocument: 'Send Document',
	sendInteractive: 'Send Interactive',
	sendLocation: 'Send Location',
	sendMedia: 'Send Media',
	sendReply: 'Send Reply',
	sendSticker: 'Send Sticker',
	sendTemplate: 'Send Template',
	sendText: 'Send Text',
};

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['message'] } },
		options: [
			{
				name: 'Get Status',
				value: 'getStatus',
				description: 'Get a sent message’s delivery status, error and price (Meta: from the statuses the trigger recorded)',
				action: 'Get a message status',
			},
			{
				name: 'Mark as Read',
				value: 'markAsRead',
				description: 'Mark a received message as read (blue ticks), optionally showing "typing…"',
				action: 'Mark a message as read',
			},
			{
				name: 'Send and Wait for Response',
				value: 'sendAndWait',
				description: 'Ask one contact a question (approval, buttons, a list or text) and wait for their answer, which the WhatsApp Omni Trigger hands back',
				action: 'Send message and wait for response',
			},
			{
				name: 'Send Contact',
				value: 'sendContact',
				description: 'Send one or more contact cards (Twilio: a vCard file from a public URL)',
				action: 'Send a contact',
			},
			{
				name: 'Send Document',
				value: 'sendDocument',
				description: 'Send a PDF, Word, Excel, PowerPoint or text file',
				action: 'Send a document',
			},
			{
				name: 'Send Interactive',
				value: 'sendInteractive',
				description: 'Send reply buttons, a list of choices or a link button',
				action: 'Send an interactive message',
			},
			{
				name: 'Send Location',
				value: 'sendLocation',
				description: 'Send a map pin with an optional name and address',
				action: 'Send a location',
			},
			{
				name: 'Send Media',
				value: 'sendMedia',
				description: 'Send an image, audio or video',
				action: 'Send media',
			},
			{
				name: 'Send Reply',
				value: 'sendReply',
				description: 'Reply to a message, quoting it (Meta), with any message type',
				action: 'Reply to a message',
			},
			{
				name: 'Send Sticker',
				value: 'sendSticker',
				description: 'Send a WebP sticker',
				action: 'Send a sticker',
			},
			{
				name: 'Send Template',
				value: 'sendTemplate',
				description: 'Send an approved WhatsApp template, the only message that reaches people outside the 24-hour window',
				action: 'Send a template message',
			},
			{
				name: 'Send Text',
				value: 'sendText',
				description: 'Send a text message to a WhatsApp number',
				action: 'Send a text message',
			},
		],
		default: 'sendText',
	},
	...sendText.description,
	...sendMedia.description,
	...sendDocument.description,
	...sendSticker.description,
	...sendLocation.description,
	...sendContact.description,
	...sendInteractive.description,
	...sendTemplate.description,
	...sendReply.description,
	...markAsRead.description,
	...getStatus.description,
	...sendAndWait.description,
];
