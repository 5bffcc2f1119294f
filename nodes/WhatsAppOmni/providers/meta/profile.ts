import type { BusinessProfileInfo, BusinessProfileUpdate, ContactProfile, E164 } from '../types';
import type { MetaContext } from './context';

// STUB: to be implemented.
export async function getMetaBusinessProfile(_ctx: MetaContext): Promise<BusinessProfileInfo> {
	throw new Error('not implemented');
}

export async function updateMetaBusinessProfile(_ctx: MetaContext, _update: BusinessProfileUpdate): Promise<BusinessProfileInfo> {
	throw new Error('not implemented');
}

export async function getMetaContactProfile(_ctx: MetaContext, _phoneNumber: E164): Promise<ContactProfile> {
	throw new Error('not implemented');
}
