import {
	NodeOperationError,
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';

import { conversationStore, providerScope, recipientContact, storeWarning } from '../../helpers/conversationStore';
import { recipientAddress } from '../../helpers/recipient';
import { ValidationError } from '../../helpers/ValidationError';
import type { MessageContent, Recipient, WhatsAppProvider } from '../../providers/types';
import type { ConversationStore } from '../../store/types';
import { closedWindowReason, windowOf, type ConversationWindow } from '../conversation/window';
import { fields as templateFields, optionFields as templateOptionFields, readTemplateContent } from './templateContent';

/**
 * Window Check: free-form messages reach a person only within 24 hours of their last message.
 * Before a free-form send the node can ask the conversation store whether that window is open,
 * and fail (no request made) or send a template instead when it is closed. Templates are never
 * checked: they are what may be sent outside the window.
 */
export type WindowCheckMode = 'off' | 'fail' | 'sendTemplate';

const WINDOW_CHECK = 'windowCheck';

export const windowCheckField: INodeProperties = {
	displayName: 'Window Check',
	name: WINDOW_CHECK,
	type: 'options',
	default: 'off',
	options: [
		{
			name: 'Off',
			value: 'off',
			description: 'Send without checking; outside the window Meta refuses with 131047 and Twilio with 63016',
		},
		{
			name: 'Fail When Closed',
			value: 'fail',
			description: 'Fail the item before sending when the conversation store knows of no message from the person in the last 24 hours',
		},
		{
			name: 'Send Template Instead',
			value: 'sendTemplate',
			description: 'When the window is closed, send the template chosen below instead of this message',
		},
	],
	description:
		'Whether to check WhatsApp’s 24-hour window before sending, in the conversation store that the WhatsApp Omni Trigger fills (it must be active with Record in Store on). If the store cannot be read, the message is sent unchecked with a storeWarning.',
};

/** The fallback template: Send Template's own fields, shown when the check sends one. */
export const windowTemplateFields: INodeProperties[] = updateDisplayOptions({ show: { [WINDOW_CHECK]: ['sendTemplate'] } }, templateFields);

/** Send Template's Variables (JSON), for the fallback template. */
export const windowTemplateOptionFields: INodeProperties[] = templateOptionFields
	.filter((field) => field.name === 'variablesJson')
	.map((field) => ({ ...field, displayOptions: { show: { [`/${WINDOW_CHECK}`]: ['sendTemplate'] } } }));

/** What the check decided: the content to send and what the output item says about it. */
export interface WindowDecision {
	content: MessageContent;
	json: IDataObject;
}

/**
 * Checks the window for a free-form message and returns what to send. A store that cannot be
 * read does not stop the message (the provider still refuses it outside the window): it is sent
 * as asked, and the item says the check was skipped.
 */
export async function checkWindow(
	this: IExecuteFunctions,
	itemIndex: number,
	provider: WhatsAppProvider,
	to: Recipient,
	content: MessageContent,
): Promise<WindowDecision> {
	const mode = this.getNodeParameter(WINDOW_CHECK, itemIndex, 'off') as WindowCheckMode;
	if (mode === 'off' || content.type === 'template') return { content, json: {} };
	const scope = providerScope(provider);
	if (!scope) {
		throw new ValidationError(
			'Window Check',
			'Window Check needs the credential’s WhatsApp number: the conversation store keeps each business number’s contacts apart',
			'Fill in "WhatsApp Number" in the Twilio credential, or set Window Check to Off.',
		);
	}
	let store: ConversationStore | undefined;
	let window: ConversationWindow;
	try {
		store = await conversationStore();
		window = windowOf(await store.getContact(scope, recipientContact(to)));
	} catch (error) {
		return { content, json: { storeWarning: storeWarning('The 24-hour window was not checked and the message was sent as it was', error, store) } };
	}
	if (window.open) return { content, json: {} };
	const contact = recipientAddress(to);
	if (mode === 'fail') {
		throw new NodeOperationError(this.getNode(), `${closedWindowReason(contact, window)}: nothing was sent`, {
			itemIndex,
			description:
				'Only templates reach a person outside the 24-hour window: send a template (Send Template, or Window Check › Send Template Instead), or wait until they write again.',
		});
	}
	const template = await readTemplateContent.call(this, itemIndex, provider);
	return {
		content: template,
		json: { sentTemplateInstead: true, windowClosed: { ...(window.since ? { since: window.since, until: window.until } : {}), reason: closedWindowReason(contact, window) } },
	};
}
