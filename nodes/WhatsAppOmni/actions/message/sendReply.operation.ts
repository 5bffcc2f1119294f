import {
	updateDisplayOptions,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';

import { ValidationError } from '../../helpers/ValidationError';
import type { WhatsAppProvider } from '../../providers/types';
import * as sendContact from './sendContact.operation';
import * as sendDocument from './sendDocument.operation';
import * as sendInteractive from './sendInteractive.operation';
import * as sendLocation from './sendLocation.operation';
import * as sendMedia from './sendMedia.operation';
import * as sendSticker from './sendSticker.operation';
import * as sendTemplate from './sendTemplate.operation';
import * as sendText from './sendText.operation';
import { readSendRecipient, recipientField, replyOptionFields, sendContent, type MessageType } from './send';
import { windowCheckField, windowTemplateFields, windowTemplateOptionFields } from './windowCheck';

/** Every message type a reply can be; each keeps its own fields. */
export const REPLY_TYPES: Record<string, { name: string; type: MessageType }> = {
	text: { name: 'Text', type: sendText.messageType },
	media: { name: 'Media (Image, Audio, Video)', type: sendMedia.messageType },
	document: { name: 'Document', type: sendDocument.messageType },
	sticker: { name: 'Sticker', type: sendSticker.messageType },
	location: { name: 'Location', type: sendLocation.messageType },
	contact: { name: 'Contact', type: sendContact.messageType },
	interactive: { name: 'Interactive (Buttons, List, Link)', type: sendInteractive.messageType },
	template: { name: 'Template', type: sendTemplate.messageType },
};

/**
 * Option fields of all types in one collection, each shown for the types that have it.
 * Variables (JSON) is shown for every type: a free-form reply's Window Check may send a template.
 */
function mergedOptionFields(): INodeProperties[] {
	const byName = new Map<string, { field: INodeProperties; types: string[] }>();
	for (const [value, { type }] of Object.entries(REPLY_TYPES)) {
		for (const field of type.optionFields) {
			const entry = byName.get(field.name) ?? { field, types: [] };
			entry.types.push(value);
			byName.set(field.name, entry);
		}
	}
	const windowTemplateOptions = new Set(windowTemplateOptionFields.map((field) => field.name));
	return [...byName.values()].map(({ field, types }) =>
		windowTemplateOptions.has(field.name)
			? field
			: { ...field, displayOptions: { ...field.displayOptions, show: { ...field.displayOptions?.show, '/messageType': types } } },
	);
}

function buildDescription(): INodeProperties[] {
	const properties: INodeProperties[] = [
		recipientField,
		{
			displayName: 'Reply To Message ID',
			name: 'replyTo',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'wamid.HBgL…',
			description: 'The message to quote: its ID from the trigger’s output or from a send’s messageId. Twilio cannot quote: see the option "Send Without Quote on Twilio".',
		},
		{
			displayName: 'Message Type',
			name: 'messageType',
			type: 'options',
			default: 'text',
			options: Object.entries(REPLY_TYPES)
				.map(([value, { name }]) => ({ name, value }))
				.sort((a, b) => a.name.localeCompare(b.name)),
			description: 'What to reply with',
		},
		...Object.entries(REPLY_TYPES).flatMap(([value, { type }]) =>
			updateDisplayOptions({ show: { messageType: [value] } }, type.fields),
		),
		// A template reply is allowed outside the window: no check, and no second Template field.
		...updateDisplayOptions({ hide: { messageType: ['template'] } }, [windowCheckField, ...windowTemplateFields]),
		{
			displayName: 'Options',
			name: 'options',
			type: 'collection',
			placeholder: 'Add option',
			default: {},
			options: [...mergedOptionFields(), ...replyOptionFields.filter((field) => field.name !== 'replyTo')],
		},
	];
	return updateDisplayOptions({ show: { resource: ['message'], operation: ['sendReply'] } }, properties);
}

export const description = buildDescription();

export const sendsMessages = true;

export async function execute(this: IExecuteFunctions, itemIndex: number, provider: WhatsAppProvider) {
	const to = readSendRecipient.call(this, itemIndex, provider);
	const messageType = this.getNodeParameter('messageType', itemIndex, 'text') as string;
	const entry = REPLY_TYPES[messageType];
	if (!entry) throw new ValidationError('Message Type', `"${messageType}" is not a message type a reply can have`);
	const replyTo = String(this.getNodeParameter('replyTo', itemIndex, '')).trim();
	if (!replyTo) {
		throw new ValidationError('Reply To Message ID', 'Reply To Message ID is empty', 'Give the ID of the message to quote.');
	}
	const options = this.getNodeParameter('options', itemIndex, {}) as { sendWithoutQuote?: boolean };
	const content = await entry.type.readContent.call(this, itemIndex, provider);
	return await sendContent.call(this, itemIndex, provider, to, content, { replyTo, sendWithoutQuote: options.sendWithoutQuote });
}
