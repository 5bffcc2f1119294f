import type { BusinessProfileInfo, BusinessProfileUpdate, ContactProfile, E164 } from '../types';
import type { TwilioContext } from './context';

// STUB: to be implemented.
export async function getTwilioBusinessProfile(_ctx: TwilioContext): Promise<BusinessProfileInfo> {
	throw new Error('not implemented');
}

export async function updateTwilioBusinessProfile(_ctx: TwilioContext, _update: BusinessProfileUpdate): Promise<BusinessProfileInfo> {
	throw new Error('not implemented');
}

export async function getTwilioContactProfile(_ctx: TwilioContext, _phoneNumber: E164): Promise<ContactProfile> {
	throw new Error('not implemented');
}
