// The business profile on the Graph emulation: GET and POST /<phone-number-id>/whatsapp_business_profile.
// Limits and the vertical enum follow Meta's Business Profiles reference.

import { invalidParameter, nonexistingField, requiredParameter, unsupportedRequest } from './metaErrors';
import type { MetaRouteContext } from './metaTemplateAdmin';
import type { SandboxState } from './state';
import type { SandboxReply } from './types';
import { firstValue, isHttpUrl, isPlainObject } from './util';

interface StoredProfile {
	about: string;
	address: string;
	description: string;
	email: string;
	profile_picture_url: string;
	websites: string[];
	vertical: string;
}

const READABLE = ['about', 'address', 'description', 'email', 'profile_picture_url', 'websites', 'vertical', 'messaging_product'];
const WRITABLE = ['messaging_product', 'about', 'address', 'description', 'email', 'websites', 'vertical', 'profile_picture_handle'];
const VERTICALS = [
	'UNDEFINED', 'OTHER', 'ALCOHOL', 'APPAREL', 'AUTO', 'BEAUTY', 'EDU', 'ENTERTAIN', 'EVENT_PLAN', 'FINANCE', 'GOVT',
	'GROCERY', 'HEALTH', 'HOTEL', 'MATRIMONY_SERVICE', 'NONPROFIT', 'NOT_A_BIZ', 'ONLINE_GAMBLING', 'OTC_DRUGS',
	'PHYSICAL_GAMBLING', 'PROF_SERVICES', 'RESTAURANT', 'RETAIL', 'TRAVEL',
];
const LIMITS: Record<string, number> = { about: 139, address: 256, description: 512, email: 128 };

/** One profile per sandbox, kept beside its state rather than in it. */
const profiles = new WeakMap<SandboxState, StoredProfile>();

function profileOf(state: SandboxState): StoredProfile {
	let profile = profiles.get(state);
	if (!profile) {
		profile = {
			about: 'Hello from the sandbox.',
			address: '',
			description: '',
			email: '',
			profile_picture_url: '',
			websites: [],
			vertical: 'OTHER',
		};
		profiles.set(state, profile);
	}
	return profile;
}

function read(profile: StoredProfile, fieldsParam: string | undefined): Record<string, unknown> {
	const asked = fieldsParam ? fieldsParam.split(',').map((f) => f.trim()).filter((f) => f.length > 0) : READABLE;
	const out: Record<string, unknown> = {};
	// Graph leaves empty fields out of the answer, as the real profile does for unset ones.
	for (const field of asked) {
		if (!READABLE.includes(field)) throw nonexistingField(field, 'WhatsAppBusinessProfile');
		const value = field === 'messaging_product' ? 'whatsapp' : profile[field as keyof StoredProfile];
		if (Array.isArray(value) ? value.length > 0 : value !== '') out[field] = value;
	}
	out.messaging_product = 'whatsapp';
	return out;
}

function update(profile: StoredProfile, body: unknown): SandboxReply {
	if (!isPlainObject(body) || body.messaging_product === undefined) throw requiredParameter('messaging_product');
	if (body.messaging_product !== 'whatsapp') {
		throw invalidParameter(`Param messaging_product must be one of {WHATSAPP} - got "${String(body.messaging_product)}".`);
	}
	for (const key of Object.keys(body)) {
		if (!WRITABLE.includes(key)) throw invalidParameter(`Param ${key} is not a field of the business profile.`);
	}
	const next = { ...profile };
	for (const key of ['about', 'address', 'description', 'email'] as const) {
		if (body[key] === undefined) continue;
		const value = body[key];
		if (typeof value !== 'string') throw invalidParameter(`Param ${key} must be a string.`);
		if ([...value].length > LIMITS[key]) throw invalidParameter(`Param ${key} must be at most ${LIMITS[key]} characters long.`);
		if (key === 'about' && value.length === 0) throw invalidParameter('Param about must be at least 1 character long.');
		if (key === 'email' && value !== '' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) throw invalidParameter('Param email must be a valid email address.');
		next[key] = value;
	}
	if (body.websites !== undefined) {
		const websites = body.websites;
		if (!Array.isArray(websites) || websites.some((w) => typeof w !== 'string')) throw invalidParameter('Param websites must be an array of strings.');
		if (websites.length > 2) throw invalidParameter('Param websites must have at most 2 elements.');
		for (const website of websites as string[]) {
			if (website.length > 256) throw invalidParameter('Param websites[] must be at most 256 characters long.');
			if (!isHttpUrl(website)) throw invalidParameter(`Param websites[] must be a URL with the http:// or https:// scheme - got "${website}".`);
		}
		next.websites = [...(websites as string[])];
	}
	if (body.vertical !== undefined) {
		if (typeof body.vertical !== 'string' || (body.vertical !== '' && !VERTICALS.includes(body.vertical))) {
			throw invalidParameter(`Param vertical must be one of {${VERTICALS.join(', ')}} - got "${String(body.vertical)}".`);
		}
		next.vertical = body.vertical;
	}
	if (body.profile_picture_handle !== undefined) {
		if (typeof body.profile_picture_handle !== 'string' || body.profile_picture_handle === '') {
			throw invalidParameter('Param profile_picture_handle must be a handle from the Resumable Upload API.');
		}
		next.profile_picture_url = `https://pps.whatsapp.net/v/sandbox/${encodeURIComponent(body.profile_picture_handle)}.jpg`;
	}
	Object.assign(profile, next);
	return { status: 200, body: { success: true } };
}

export function routeMetaProfile({ request, id, edge, account, state }: MetaRouteContext): SandboxReply | undefined {
	if (id !== account.phoneNumberId || edge !== 'whatsapp_business_profile') return undefined;
	const profile = profileOf(state);
	if (request.method === 'GET') return { status: 200, body: { data: [read(profile, firstValue(request.query.fields))] } };
	if (request.method === 'POST') return update(profile, request.body);
	throw unsupportedRequest(request.method, `${id}/${edge}`);
}
