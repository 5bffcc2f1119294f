import { checkBusinessProfileUpdate } from '../../helpers/businessProfile';
import type { BusinessProfile, BusinessProfileInfo, BusinessProfileUpdate, ContactProfile, E164 } from '../types';
import { UnsupportedError } from '../UnsupportedError';
import type { MetaContext } from './context';

const PROFILE_FIELDS = 'about,address,description,email,profile_picture_url,websites,vertical';
// No messaging limit: Meta deprecated the number's messaging_limit_tier when limits moved to the
// business portfolio (October 2025), and asking for a field Graph no longer has fails the whole read.
const NUMBER_FIELDS = 'display_phone_number,verified_name,quality_rating,code_verification_status,name_status,throughput,status';

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
