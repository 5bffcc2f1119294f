import { updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { recipientContact } from '../../helpers/conversationStore';
import { InvalidPhoneNumberError, normalizePhoneNumber } from '../../helpers/phoneNumber';
import { InvalidRecipientError, parseRecipient, recipientAddress, BSUID_EXAMPLE } from '../../helpers/recipient';
import { ValidationError } from '../../helpers/ValidationError';
import type { BusinessProfileInfo, ContactLookupData, ContactProfile, E164, SenderChoice, WhatsAppProvider } from '../../providers/types';
import { readStore, requireStoreScope } from '../conversation/storeAccess';
import { windowOf } from '../conversation/window';

/** Twilio only: whose profile, when the credential's number does not single out one sender. */
export const senderSidOption: INodeProperties = {
	displayName: 'Sender SID',
	name: 'senderSid',
	type: 'string',
	default: '',
	placeholder: 'XE0123456789abcdef0123456789abcdef',
	description:
		'The WhatsApp sender (XE…) whose profile to use, from Twilio Console › Messaging › Senders › WhatsApp senders. Needed when the credential has only a Messaging Service and the account has several WhatsApp senders; by default the sender of the credential’s WhatsApp number.',
};

/** Options with only the Sender SID, shown on Twilio (and where `show` says). */
export function twilioSenderOptions(show: Record<string, string[]> = {}): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: { show: { provider: ['twilio'], ...show } },
		options: [senderSidOption],
	};
}

/** The Twilio sender chosen under Options; Meta's credential names its one number already. */
export function readSenderChoice(this: IExecuteFunctions, itemIndex: number, provider: WhatsAppProvider): SenderChoice {
	if (provider.name !== 'twilio') return {};
	const options = this.getNodeParameter('options', itemIndex, {}) as { senderSid?: string };
	const senderId = String(options.senderSid ?? '').trim();
	return senderId ? { senderId } : {};
}

const properties: INodeProperties[] = [
	{
		displayName: 'Profile',
		name: 'profile',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Our Business',
				value: 'business',
				description: 'The business profile customers see (about, address, description, email, websites, category) and the sending number’s name, quality rating and limits',
			},
			{
				name: 'A Contact',
				value: 'contact',
				description:
					'What is known about a customer. Twilio: Lookup of their number (validity, country, national format). Meta has no such API: the conversation store’s record (name shown, IDs, last message, 24-hour window).',
			},
		],
		default: 'business',
		description: 'Whose profile to get',
	},
	{
		displayName: 'Phone Number',
		name: 'phoneNumber',
		type: 'string',
		default: '',
		required: true,
		placeholder: '+15551234567',
		displayOptions: { show: { profile: ['contact'] } },
		description:
			'The customer’s number in international form with its country code, e.g. the trigger’s contact.phoneNumber; on Meta also their business-scoped user ID (BSUID). Twilio answers with phone network data (free basic validation), not WhatsApp data; Meta answers from the conversation store, which the WhatsApp Omni Trigger fills.',
	},
	{
		displayName: 'Lookup Data',
		name: 'lookupData',
		type: 'multiOptions',
		options: [
			{ name: 'Call Forwarding', value: 'callForwarding', description: 'Whether calls to the mobile number are forwarded unconditionally (coverage varies by country)' },
			{ name: 'Caller Name', value: 'callerName', description: 'The name registered for the number and whether it is a business or a consumer (US numbers only)' },
			{ name: 'Line Status', value: 'lineStatus', description: 'Whether the number is active and reachable' },
			{ name: 'Line Type', value: 'lineType', description: 'Mobile, landline, fixed or non-fixed VoIP, toll-free and so on, with the carrier' },
			{ name: 'SIM Swap', value: 'simSwap', description: 'When the mobile number last moved to a new SIM card (coverage varies by country)' },
			{ name: 'SMS Pumping Risk', value: 'smsPumpingRisk', description: 'How likely the number is to be used for SMS pumping fraud' },
		],
		default: [],
		displayOptions: { show: { provider: ['twilio'], profile: ['contact'] } },
		description:
			'Data to ask Twilio Lookup for beyond the free validation. Twilio bills each package per lookup (see Twilio’s Lookup pricing); none chosen = free basic validation only.',
	},
	twilioSenderOptions({ profile: ['business'] }),
];

export const description = updateDisplayOptions({ show: { resource: ['contact'], operation: ['getProfileInfo'] } }, properties);

function readPhoneNumber(this: IExecuteFunctions, itemIndex: number): E164 {
	const value = this.getNodeParameter('phoneNumber', itemIndex, '') as unknown;
	try {
		return normalizePhoneNumber(value);
	} catch (error) {
		if (!(error instanceof InvalidPhoneNumberError)) throw error;
		throw new ValidationError(
			'Phone Number',
			`"${error.value}" is not a valid phone number: ${error.reason}`,
			'Give the number in international (E.164) form with its country code, e.g. +15551234567.',
		);
	}
}

export function businessProfileJson(info: BusinessProfileInfo): IDataObject {
	return {
		provider: info.provider,
		profile: { ...info.profile } as IDataObject,
		phoneNumber: { ...info.phoneNumber } as IDataObject,
		raw: info.raw as IDataObject,
	};
}

function contactProfileJson(contact: ContactProfile): IDataObject {
	return {
		provider: contact.provider,
		phoneNumber: contact.phoneNumber,
		valid: contact.valid,
		details: contact.details as IDataObject,
		note: contact.note,
		raw: contact.raw as IDataObject,
	};
}

/**
 * Meta has no API for a customer: what the conversation store learnt from the trigger's events
 * (the name they showed, their number and BSUID, their last message and so the 24-hour window).
 */
async function storedContactProfile(this: IExecuteFunctions, itemIndex: number, provider: WhatsAppProvider): Promise<IDataObject> {
	const value = this.getNodeParameter('phoneNumber', itemIndex, '') as unknown;
	let recipient;
	try {
		recipient = parseRecipient(value);
	} catch (error) {
		if (!(error instanceof InvalidRecipientError)) throw error;
		throw new ValidationError(
			'Phone Number',
			`"${error.value}" is neither a phone number nor a business-scoped user ID (BSUID): ${error.reason}`,
			`Give the number with its country code, e.g. +15551234567, or the BSUID such as ${BSUID_EXAMPLE}; after the WhatsApp Omni Trigger, {{ $json.contact.id }} is always one of the two.`,
		);
	}
	const scope = requireStoreScope(provider);
	const stored = await readStore(this.getNode(), itemIndex, async (store) => await store.getContact(scope, recipientContact(recipient)));
	const window = windowOf(stored);
	return {
		provider: provider.name,
		contact: recipientAddress(recipient),
		known: stored !== undefined,
		...(stored?.phoneNumber ? { phoneNumber: stored.phoneNumber } : {}),
		...(stored?.userId ? { userId: stored.userId } : {}),
		...(stored?.name ? { name: stored.name } : {}),
		...(stored?.lastInboundAt ? { lastInboundAt: stored.lastInboundAt } : {}),
		window: { open: window.open, ...(window.since ? { since: window.since, until: window.until } : {}) },
		note: stored
			? 'From the conversation store (Meta has no API for a customer’s profile): what the WhatsApp Omni Trigger and this node recorded.'
			: 'The conversation store knows nothing of this person yet: the WhatsApp Omni Trigger records people when they write (with Record in Store on). Meta has no API for a customer’s profile.',
	};
}

export async function execute(this: IExecuteFunctions, itemIndex: number, provider: WhatsAppProvider): Promise<IDataObject> {
	const profile = this.getNodeParameter('profile', itemIndex, 'business') as 'business' | 'contact';
	if (profile === 'contact' && provider.name === 'meta') return await storedContactProfile.call(this, itemIndex, provider);
	if (profile === 'contact') {
		const phoneNumber = readPhoneNumber.call(this, itemIndex);
		const extraData = provider.name === 'twilio' ? (this.getNodeParameter('lookupData', itemIndex, []) as ContactLookupData[]) : [];
		return contactProfileJson(await provider.getContactProfile(phoneNumber, extraData.length ? { extraData } : {}));
	}
	return businessProfileJson(await provider.getBusinessProfile(readSenderChoice.call(this, itemIndex, provider)));
}
