import { ValidationError } from '../../helpers/ValidationError';
import type { BusinessProfile, BusinessProfileInfo, BusinessProfileUpdate, ContactProfile, E164 } from '../types';
import { UnsupportedError } from '../UnsupportedError';
import type { MetaContext } from './context';

const PROFILE_FIELDS = 'about,address,description,email,profile_picture_url,websites,vertical';
const NUMBER_FIELDS =
	'display_phone_number,verified_name,quality_rating,code_verification_status,name_status,throughput,status,messaging_limit_tier';

/**
 * WhatsApp's business categories (Meta's `vertical` enum) with the words WhatsApp shows for them.
 * Twilio's Senders API takes the shown words instead of the codes.
 */
export const WHATSAPP_VERTICALS: Readonly<Record<string, string>> = Object.freeze({
	UNDEFINED: 'Not set',
	OTHER: 'Other',
	AUTO: 'Automotive',
	BEAUTY: 'Beauty, Spa and Salon',
	APPAREL: 'Clothing and Apparel',
	EDU: 'Education',
	ENTERTAIN: 'Entertainment',
	EVENT_PLAN: 'Event Planning and Service',
	FINANCE: 'Finance and Banking',
	GROCERY: 'Food and Grocery',
	GOVT: 'Public Service',
	HOTEL: 'Hotel and Lodging',
	HEALTH: 'Medical and Health',
	NONPROFIT: 'Non-profit',
	PROF_SERVICES: 'Professional Services',
	RETAIL: 'Shopping and Retail',
	TRAVEL: 'Travel and Transportation',
	RESTAURANT: 'Restaurant',
	NOT_A_BIZ: 'Not a Business',
});

/** Meta's limits for the business profile (Business Profiles API reference). */
export const PROFILE_LIMITS = { about: 139, address: 256, description: 512, email: 128, websites: 2, website: 256 } as const;

// Deliberately loose: Meta checks the address itself; this catches what is plainly not one.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function checkLength(field: string, value: string | undefined, max: number): void {
	if (value === undefined) return;
	// Meta counts characters as people see them, so an emoji is one.
	const length = [...value].length;
	if (length > max) {
		throw new ValidationError(field, `${field} has ${length} characters; WhatsApp allows at most ${max}`, `Shorten ${field} to ${max} characters or fewer.`);
	}
}

/**
 * WhatsApp's rules for the profile, which hold whichever provider passes the update on to Meta.
 * Field names are as the node shows them.
 */
export function checkBusinessProfileUpdate(update: BusinessProfileUpdate): void {
	const fields = Object.entries(update).filter(([, value]) => value !== undefined);
	if (fields.length === 0) {
		throw new ValidationError('Update Fields', 'Nothing to update', 'Add at least one field under "Update Fields": About, Address, Description, Email, Websites or Vertical.');
	}
	if (update.about !== undefined && update.about.trim() === '') {
		throw new ValidationError('About', 'About is empty; WhatsApp needs 1 to 139 characters', 'Write a short About text, or leave the field out to keep the current one.');
	}
	checkLength('About', update.about, PROFILE_LIMITS.about);
	checkLength('Address', update.address, PROFILE_LIMITS.address);
	checkLength('Description', update.description, PROFILE_LIMITS.description);
	if (update.email !== undefined && update.email !== '') {
		checkLength('Email', update.email, PROFILE_LIMITS.email);
		if (!EMAIL.test(update.email)) {
			throw new ValidationError('Email', `"${update.email}" is not an email address`, 'Give one address such as support@example.com.');
		}
	}
	if (update.websites !== undefined) {
		if (update.websites.length > PROFILE_LIMITS.websites) {
			throw new ValidationError('Websites', `${update.websites.length} websites given; WhatsApp shows at most ${PROFILE_LIMITS.websites}`, 'Keep two websites at most.');
		}
		for (const website of update.websites) {
			checkLength('Websites', website, PROFILE_LIMITS.website);
			if (!/^https?:\/\/[^\s/]+\.[^\s]*$/i.test(website)) {
				throw new ValidationError('Websites', `"${website}" is not a web address starting with http:// or https://`, 'Write each website in full, e.g. https://www.example.com.');
			}
		}
	}
	if (update.vertical !== undefined && !(update.vertical in WHATSAPP_VERTICALS)) {
		throw new ValidationError('Vertical', `"${update.vertical}" is not one of WhatsApp’s business categories`, `Use one of ${Object.keys(WHATSAPP_VERTICALS).join(', ')}.`);
	}
}

interface GraphBusinessProfile {
	about?: string;
	address?: string;
	description?: string;
	email?: string;
	profile_picture_url?: string;
	websites?: string[];
	vertical?: string;
}

interface GraphPhoneNumber {
	id?: string;
	display_phone_number?: string;
	verified_name?: string;
	quality_rating?: string;
	code_verification_status?: string;
	name_status?: string;
	throughput?: { level?: string };
	status?: string;
	messaging_limit_tier?: string;
}

function toBusinessProfile(graph: GraphBusinessProfile, name: string | undefined): BusinessProfile {
	const profile: BusinessProfile = {};
	if (name) profile.name = name;
	if (graph.about) profile.about = graph.about;
	if (graph.address) profile.address = graph.address;
	if (graph.description) profile.description = graph.description;
	if (graph.email) {
		profile.email = graph.email;
		profile.emails = [graph.email];
	}
	if (graph.websites?.length) profile.websites = [...graph.websites];
	if (graph.vertical) profile.vertical = graph.vertical;
	if (graph.profile_picture_url) profile.profilePictureUrl = graph.profile_picture_url;
	return profile;
}

export async function getMetaBusinessProfile(ctx: MetaContext): Promise<BusinessProfileInfo> {
	const [profileAnswer, numberAnswer] = await Promise.all([
		ctx.client.get<{ data?: GraphBusinessProfile[] }>(`${ctx.phoneNumberId}/whatsapp_business_profile`, { params: { fields: PROFILE_FIELDS } }),
		ctx.client.get<GraphPhoneNumber>(ctx.phoneNumberId, { params: { fields: NUMBER_FIELDS } }),
	]);
	const graphProfile = profileAnswer.data.data?.[0] ?? {};
	const number = numberAnswer.data;
	const phoneNumber: BusinessProfileInfo['phoneNumber'] = {};
	if (number.display_phone_number) phoneNumber.displayPhoneNumber = number.display_phone_number;
	if (number.verified_name) phoneNumber.verifiedName = number.verified_name;
	if (number.quality_rating) phoneNumber.qualityRating = number.quality_rating;
	if (number.throughput?.level) phoneNumber.throughput = number.throughput.level;
	if (number.messaging_limit_tier) phoneNumber.messagingLimit = number.messaging_limit_tier;
	if (number.status) phoneNumber.status = number.status;
	if (number.name_status) phoneNumber.nameStatus = number.name_status;
	phoneNumber.id = number.id ?? decodeURIComponent(ctx.phoneNumberId);
	return {
		provider: 'meta',
		profile: toBusinessProfile(graphProfile, number.verified_name),
		phoneNumber,
		raw: { businessProfile: graphProfile, phoneNumber: number },
	};
}

export async function updateMetaBusinessProfile(ctx: MetaContext, update: BusinessProfileUpdate): Promise<BusinessProfileInfo> {
	checkBusinessProfileUpdate(update);
	const body: Record<string, unknown> = { messaging_product: 'whatsapp' };
	for (const key of ['about', 'address', 'description', 'email', 'websites', 'vertical'] as const) {
		if (update[key] !== undefined) body[key] = update[key];
	}
	await ctx.client.post(`${ctx.phoneNumberId}/whatsapp_business_profile`, body);
	// Meta answers only {success: true}; the profile as customers now see it takes another read.
	return await getMetaBusinessProfile(ctx);
}

export async function getMetaContactProfile(_ctx: MetaContext, _phoneNumber: E164): Promise<ContactProfile> {
	throw new UnsupportedError(
		'meta',
		'Meta’s Cloud API has no way to look up a customer’s WhatsApp profile',
		'The name a contact shows arrives with each of their messages: use contact.name in the WhatsApp Omni Trigger’s output. The conversation store (a later version) will keep it for you.',
	);
}
