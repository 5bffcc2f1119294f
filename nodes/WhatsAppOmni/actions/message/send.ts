import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';

import { ValidationError } from '../../helpers/ValidationError';
import { BSUID_EXAMPLE, InvalidRecipientError, parseRecipient } from '../../helpers/recipient';
import { validateContent } from '../../helpers/validation';
import {
	PROVIDER_LABELS,
	type MessageContent,
	type Recipient,
	type SendResult,
	type WhatsAppProvider,
} from '../../providers/types';
import { recordSentMessage } from './recordSent';
import { checkWindow, windowCheckField, windowTemplateFields, windowTemplateOptionFields } from './windowCheck';

/**
 * What a send operation contributes: its own fields, and how to turn them into a message.
 * The rest (recipient, reply options, validation, sending, output) is the same for all of them.
 */
export interface MessageType {
	fields: INodeProperties[];
	/** Go into the operation's Options collection. */
	optionFields: INodeProperties[];
	readContent(this: IExecuteFunctions, itemIndex: number, provider: WhatsAppProvider): Promise<MessageContent>;
	/** Templates: allowed outside the 24-hour window, so they get no Window Check. */
	allowedOutsideWindow?: boolean;
}

export const recipientField: INodeProperties = {
	displayName: 'To',
	name: 'to',
	type: 'string',
	required: true,
	default: '',
	placeholder: '+15551234567',
	// eslint-disable-next-line n8n-nodes-base/node-param-description-miscased-id, n8n-nodes-base/node-param-description-miscased-json -- an n8n expression, written as it is typed
	description: `The recipient: a WhatsApp number in international (E.164) form, + then country code and number, e.g. +15551234567 (spaces, dashes, brackets and a whatsapp: prefix are fine; a number without its country code is refused), or on Meta a business-scoped user ID (BSUID) such as ${BSUID_EXAMPLE}, which people who hide their number behind a username have. Twilio takes phone numbers only. After the WhatsApp Omni Trigger, {{ $json.contact.id }} always works.`,
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

/** "To" as a phone number or a BSUID; anything else is refused, naming the value. */
export function readRecipient(this: IExecuteFunctions, itemIndex: number, parameter = 'to'): Recipient {
	const value = this.getNodeParameter(parameter, itemIndex, '') as unknown;
	try {
		return parseRecipient(value);
	} catch (error) {
		if (!(error instanceof InvalidRecipientError)) throw error;
		throw new ValidationError(
			'To',
			`"${error.value}" is neither a WhatsApp phone number nor a business-scoped user ID (BSUID): ${error.reason}`,
			`Give a phone number in international (E.164) form with its country code, e.g. +15551234567, or (on Meta) a BSUID such as ${BSUID_EXAMPLE}. After the WhatsApp Omni Trigger, {{ $json.contact.id }} is always one of the two.`,
		);
	}
}

/**
 * The item's recipient, checked against what the provider can address. Send operations call it
 * before anything else, so a recipient the provider refuses costs no request (no template
 * look-up, no upload).
 */
export function readSendRecipient(this: IExecuteFunctions, itemIndex: number, provider: WhatsAppProvider): Recipient {
	const to = readRecipient.call(this, itemIndex);
	provider.assertRecipient(to);
	return to;
}

export function sendResultJson(result: SendResult, extra: IDataObject = {}): IDataObject {
	return {
		provider: result.provider,
		messageId: result.messageId,
		to: result.to,
		status: result.status,
		...(result.quoteDropped ? { quoteDropped: true } : {}),
		...(result.createdContentId ? { contentSid: result.createdContentId } : {}),
		...extra,
		raw: result.raw as IDataObject,
	};
}

/** Checks a message against the provider's limits and abilities, without any request. */
function checkedMessage(provider: WhatsAppProvider, to: Recipient, content: MessageContent, reply: { replyTo?: string; sendWithoutQuote?: boolean }) {
	validateContent(content, provider.limits, PROVIDER_LABELS[provider.name]);
	const message = { to, content, ...(reply.replyTo?.trim() ? { replyTo: reply.replyTo.trim() } : {}) };
	const options = { dropUnsupportedQuote: reply.sendWithoutQuote === true };
	provider.assertSupported(message, options);
	return { message, options };
}

/**
 * The one way every send operation sends: validates the item's message to `to` (from
 * readSendRecipient; `replyTo` may come from the operation itself, Send Reply), applies the
 * Window Check (which may refuse it or swap in a template), sends it, and records it in the
 * conversation store.
 */
export async function sendContent(
	this: IExecuteFunctions,
	itemIndex: number,
	provider: WhatsAppProvider,
	to: Recipient,
	content: MessageContent,
	reply: { replyTo?: string; sendWithoutQuote?: boolean },
): Promise<IDataObject> {
	checkedMessage(provider, to, content, reply);
	const window = await checkWindow.call(this, itemIndex, provider, to, content);
	const { message, options } = checkedMessage(provider, to, window.content, reply);
	const result = await provider.sendMessage(message, options);
	const recorded = await recordSentMessage(provider, to, window.content, result);
	return sendResultJson(result, { ...window.json, ...recorded });
}

/** `execute` of a send operation whose fields are the message type's own plus the reply options. */
export function sendOperation(type: MessageType) {
	return async function execute(this: IExecuteFunctions, itemIndex: number, provider: WhatsAppProvider) {
		const to = readSendRecipient.call(this, itemIndex, provider);
		const content = await type.readContent.call(this, itemIndex, provider);
		const options = this.getNodeParameter('options', itemIndex, {}) as {
			replyTo?: string;
			sendWithoutQuote?: boolean;
		};
		return await sendContent.call(this, itemIndex, provider, to, content, options);
	};
}

/**
 * Recipient, the type's fields, the Window Check with its fallback template (free-form types),
 * and Options (the type's own, then the reply options).
 */
export function sendDescription(operation: string, type: MessageType): INodeProperties[] {
	const freeForm = !type.allowedOutsideWindow;
	return updateDisplayOptions({ show: { resource: ['message'], operation: [operation] } }, [
		recipientField,
		...type.fields,
		...(freeForm ? [windowCheckField, ...windowTemplateFields] : []),
		{
			displayName: 'Options',
			name: 'options',
			type: 'collection',
			placeholder: 'Add option',
			default: {},
			options: [...type.optionFields, ...replyOptionFields, ...(freeForm ? windowTemplateOptionFields : [])],
		},
	]);
}
