import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';

import { ValidationError } from '../../helpers/ValidationError';
import { InvalidPhoneNumberError, normalizePhoneNumber } from '../../helpers/phoneNumber';
import { validateContent } from '../../helpers/validation';
import {
	PROVIDER_LABELS,
	type E164,
	type MessageContent,
	type SendResult,
	type WhatsAppProvider,
} from '../../providers/types';

/**
 * What a send operation contributes: its own fields, and how to turn them into a message.
 * The rest (recipient, reply options, validation, sending, output) is the same for all of them.
 */
export interface MessageType {
	fields: INodeProperties[];
	/** Go into the operation's Options collection. */
	optionFields: INodeProperties[];
	readContent(this: IExecuteFunctions, itemIndex: number, provider: WhatsAppProvider): Promise<MessageContent>;
}

export const recipientField: INodeProperties = {
	displayName: 'To',
	name: 'to',
	type: 'string',
	required: true,
	default: '',
	placeholder: '+15551234567',
	description:
		'The recipient’s WhatsApp number in international (E.164) form: + then country code and number, e.g. +15551234567. Spaces, dashes, brackets and a whatsapp: prefix are fine; a number without its country code is refused.',
};

export const replyOptionFields: INodeProperties[] = [
	{
		displayName: 'Reply To Message ID',
		name: 'replyTo',
		type: 'string',
		default: '',
		placeholder: 'wamid.HBgL…',
		description: 'Quote an earlier message: its ID from the trigger’s output or from a send’s messageId. Meta only; Twilio has no quoted replies (see the next option).',
	},
	{
		displayName: 'Send Without Quote on Twilio',
		name: 'sendWithoutQuote',
		type: 'boolean',
		default: false,
		description:
			'Whether to send the message unquoted on Twilio, which cannot quote, instead of failing. The output then says quoteDropped: true.',
	},
];

export function readRecipient(this: IExecuteFunctions, itemIndex: number, parameter = 'to'): E164 {
	const value = this.getNodeParameter(parameter, itemIndex, '') as unknown;
	try {
		return normalizePhoneNumber(value);
	} catch (error) {
		if (!(error instanceof InvalidPhoneNumberError)) throw error;
		throw new ValidationError(
			'To',
			`"${error.value}" is not a valid WhatsApp number: ${error.reason}`,
			'Give the number in international (E.164) form with its country code, e.g. +15551234567.',
		);
	}
}

export function sendResultJson(result: SendResult): IDataObject {
	return {
		provider: result.provider,
		messageId: result.messageId,
		to: result.to,
		status: result.status,
		...(result.quoteDropped ? { quoteDropped: true } : {}),
		...(result.createdContentId ? { contentSid: result.createdContentId } : {}),
		raw: result.raw as IDataObject,
	};
}

/** Validates and sends one item's message; `replyTo` may come from the operation itself (Send Reply). */
export async function sendContent(
	this: IExecuteFunctions,
	itemIndex: number,
	provider: WhatsAppProvider,
	content: MessageContent,
	reply: { replyTo?: string; sendWithoutQuote?: boolean },
): Promise<IDataObject> {
	const to = readRecipient.call(this, itemIndex);
	validateContent(content, provider.limits, PROVIDER_LABELS[provider.name]);
	const message = { to, content, ...(reply.replyTo?.trim() ? { replyTo: reply.replyTo.trim() } : {}) };
	const options = { dropUnsupportedQuote: reply.sendWithoutQuote === true };
	provider.assertSupported(message, options);
	return sendResultJson(await provider.sendMessage(message, options));
}

/** `execute` of a send operation whose fields are the message type's own plus the reply options. */
export function sendOperation(type: MessageType) {
	return async function execute(this: IExecuteFunctions, itemIndex: number, provider: WhatsAppProvider) {
		const content = await type.readContent.call(this, itemIndex, provider);
		const options = this.getNodeParameter('options', itemIndex, {}) as {
			replyTo?: string;
			sendWithoutQuote?: boolean;
		};
		return await sendContent.call(this, itemIndex, provider, content, options);
	};
}

/** Recipient, the type's fields, and Options (the type's own, then the reply options). */
export function sendDescription(operation: string, type: MessageType): INodeProperties[] {
	return updateDisplayOptions({ show: { resource: ['message'], operation: [operation] } }, [
		recipientField,
		...type.fields,
		{
			displayName: 'Options',
			name: 'options',
			type: 'collection',
			placeholder: 'Add option',
			default: {},
			options: [...type.optionFields, ...replyOptionFields],
		},
	]);
}
