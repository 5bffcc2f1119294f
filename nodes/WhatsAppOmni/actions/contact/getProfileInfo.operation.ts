import { updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { InvalidPhoneNumberError, normalizePhoneNumber } from '../../helpers/phoneNumber';
import { ValidationError } from '../../helpers/ValidationError';
import type { BusinessProfileInfo, ContactProfile, E164, WhatsAppProvider } from '../../providers/types';

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
				description: 'What the provider can tell about a customer’s number. Twilio: Lookup (validity, country, national format). Meta has no such API.',
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
			'The customer’s number in international form with its country code, e.g. the trigger’s contact.phoneNumber. Twilio answers with phone network data (free basic validation), not WhatsApp data; Meta offers no lookup and the node says so.',
	},
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

export async function execute(this: IExecuteFunctions, itemIndex: number, provider: WhatsAppProvider): Promise<IDataObject> {
	const profile = this.getNodeParameter('profile', itemIndex, 'business') as 'business' | 'contact';
	if (profile === 'contact') {
		const phoneNumber = readPhoneNumber.call(this, itemIndex);
		return contactProfileJson(await provider.getContactProfile(phoneNumber));
	}
	return businessProfileJson(await provider.getBusinessProfile());
}
