import type { MessagingV2ChannelsSenderRequestsUpdate } from 'twilio/lib/rest/messaging/v2/channelsSender';

import { checkBusinessProfileUpdate, WHATSAPP_VERTICALS } from '../../helpers/businessProfile';
import { ValidationError } from '../../helpers/ValidationError';
import type {
	BusinessProfile,
	BusinessProfileInfo,
	BusinessProfileUpdate,
	ContactLookupChoice,
	ContactLookupData,
	ContactProfile,
	E164,
	SenderChoice,
} from '../types';
import { withRawResponse } from './client';
import type { TwilioContext } from './context';
import { findWhatsAppSender } from './webhookRegistration';

const LOOKUP_FIELDS: Record<ContactLookupData, string> = {
	callerName: 'caller_name',
	lineType: 'line_type_intelligence',
	lineStatus: 'line_status',
	simSwap: 'sim_swap',
	callForwarding: 'call_forwarding',
	smsPumpingRisk: 'sms_pumping_risk',
};

const SENDER_SID = /^XE[0-9a-fA-F]{32}$/;

const CONTACT_NOTE =
	'Phone network data from Twilio Lookup, not WhatsApp data: WhatsApp shares no profile of a customer. The name they show arrives with their messages in the trigger’s contact.name.';

/** As the Senders API answers (snake_case wire format). */
interface WireSender {
	sid?: string;
	status?: string;
	sender_id?: string;
	profile?: {
		name?: string | null;
		about?: string | null;
		address?: string | null;
		description?: string | null;
		logo_url?: string | null;
		vertical?: string | null;
		websites?: Array<{ website?: string }> | string[] | null;
		emails?: Array<{ email?: string }> | string[] | null;
	} | null;
	properties?: { quality_rating?: string | null; messaging_limit?: string | null } | null;
}

/** The categories the Senders API takes (its `profile.vertical` enum): WhatsApp's shown words, not Meta's codes. */
const TWILIO_VERTICALS: readonly string[] = Object.freeze([
	'Alcohol',
	'Automotive',
	'Beauty, Spa and Salon',
	'Clothing and Apparel',
	'Education',
	'Entertainment',
	'Event Planning and Service',
	'Finance and Banking',
	'Food and Grocery',
	'Hotel and Lodging',
	'Matrimony Service',
	'Medical and Health',
	'Non-profit',
	'Online Gambling',
	'OTC Drugs',
	'Other',
	'Physical Gambling',
	'Professional Services',
	'Public Service',
	'Restaurant',
	'Shopping and Retail',
	'Travel and Transportation',
]);

const VERTICAL_CODES: Record<string, string> = Object.fromEntries(
	Object.entries(WHATSAPP_VERTICALS).map(([code, label]) => [label.toLowerCase(), code]),
);

/** The Senders API's word for a category code; null clears it. Codes Twilio has no word for are refused before any request. */
function twilioVertical(code: string): string | null {
	if (code === 'UNDEFINED') return null;
	const label = WHATSAPP_VERTICALS[code];
	if (label !== undefined && TWILIO_VERTICALS.includes(label)) return label;
	const allowed = Object.entries(WHATSAPP_VERTICALS)
		.filter(([, name]) => TWILIO_VERTICALS.includes(name))
		.map(([value, name]) => `${name} (${value})`);
	throw new ValidationError(
		'Vertical',
		`"${label ?? code}" is not a category Twilio’s Senders API takes`,
		`On Twilio use one of: ${allowed.join(', ')}; or "Not set" to clear it.`,
	);
}

function entries(list: Array<Record<string, unknown> | string> | null | undefined, key: string): string[] {
	// Twilio documents objects ({website, label}); a plain string list is read too.
	return (list ?? [])
		.map((item) => (typeof item === 'string' ? item : item?.[key]))
		.filter((value): value is string => typeof value === 'string' && value !== '');
}

function toInfo(wire: WireSender): BusinessProfileInfo {
	const source = wire.profile ?? {};
	const profile: BusinessProfile = {};
	if (source.name) profile.name = source.name;
	if (source.about) profile.about = source.about;
	if (source.address) profile.address = source.address;
	if (source.description) profile.description = source.description;
	const emails = entries(source.emails as Array<Record<string, unknown>>, 'email');
	if (emails.length) {
		profile.email = emails[0];
		profile.emails = emails;
	}
	const websites = entries(source.websites as Array<Record<string, unknown>>, 'website');
	if (websites.length) profile.websites = websites;
	if (source.vertical) profile.vertical = VERTICAL_CODES[source.vertical.toLowerCase()] ?? source.vertical;
	if (source.logo_url) profile.profilePictureUrl = source.logo_url;

	const phoneNumber: BusinessProfileInfo['phoneNumber'] = {};
	if (wire.sender_id) phoneNumber.displayPhoneNumber = wire.sender_id.replace(/^whatsapp:/, '');
	if (source.name) phoneNumber.verifiedName = source.name;
	if (wire.properties?.quality_rating) phoneNumber.qualityRating = wire.properties.quality_rating;
	if (wire.properties?.messaging_limit) {
		phoneNumber.messagingLimit = wire.properties.messaging_limit;
		phoneNumber.throughput = wire.properties.messaging_limit;
	}
	if (wire.status) phoneNumber.status = wire.status;
	if (wire.sid) phoneNumber.id = wire.sid;
	return { provider: 'twilio', profile, phoneNumber, raw: wire };
}

/** The sender SID: the one asked for, else the credential's number, else the account's only WhatsApp sender. */
async function senderSid(ctx: TwilioContext, choice: SenderChoice): Promise<string> {
	const asked = choice.senderId?.trim();
	if (asked) {
		if (!SENDER_SID.test(asked)) {
			throw new ValidationError('Sender SID', `"${asked}" is not a WhatsApp sender SID`, 'A sender SID is XE followed by 32 hexadecimal characters: Twilio Console › Messaging › Senders › WhatsApp senders.');
		}
		return asked;
	}
	if (ctx.sender.from) return (await findWhatsAppSender(ctx.client, ctx.sender.from)).sid;
	const senders = await ctx.client.messaging.v2.channelsSenders.list({ channel: 'whatsapp', pageSize: 100 });
	if (senders.length === 1) return senders[0].sid;
	throw new ValidationError(
		'Sender SID',
		senders.length === 0 ? 'This Twilio account has no WhatsApp sender' : `The credential names no WhatsApp number and the account has ${senders.length} WhatsApp senders`,
		'Fill in "WhatsApp Number" in the WhatsApp Omni Twilio credential (or give the sender SID, XE…) so the node knows whose profile to use.',
	);
}

async function fetchSender(ctx: TwilioContext, sid: string): Promise<WireSender> {
	const { raw } = await withRawResponse(() => ctx.client.messaging.v2.channelsSenders(sid).fetch());
	return raw as WireSender;
}

export async function getTwilioBusinessProfile(ctx: TwilioContext, choice: SenderChoice = {}): Promise<BusinessProfileInfo> {
	return toInfo(await fetchSender(ctx, await senderSid(ctx, choice)));
}

export async function updateTwilioBusinessProfile(
	ctx: TwilioContext,
	update: BusinessProfileUpdate,
	choice: SenderChoice = {},
): Promise<BusinessProfileInfo> {
	// Twilio passes the profile on to Meta, so WhatsApp's rules hold here as well.
	checkBusinessProfileUpdate(update);
	const profile: Record<string, unknown> = {};
	if (update.about !== undefined) profile.about = update.about;
	if (update.address !== undefined) profile.address = update.address;
	if (update.description !== undefined) profile.description = update.description;
	if (update.email !== undefined) profile.emails = update.email ? [{ email: update.email, label: 'Email' }] : [];
	if (update.websites !== undefined) profile.websites = update.websites.map((website) => ({ website, label: 'Website' }));
	if (update.vertical !== undefined) profile.vertical = twilioVertical(update.vertical);
	const sid = await senderSid(ctx, choice);
	// The SDK sends this object as the JSON body as it is, so it is in Twilio's wire format.
	const { raw } = await withRawResponse(() =>
		ctx.client.messaging.v2.channelsSenders(sid).update({ profile } as unknown as MessagingV2ChannelsSenderRequestsUpdate),
	);
	// The update answers with the sender as it now is; an empty answer is read back.
	const wire = raw && typeof raw === 'object' && (raw as WireSender).sid ? (raw as WireSender) : await fetchSender(ctx, sid);
	return toInfo(wire);
}

export async function getTwilioContactProfile(ctx: TwilioContext, phoneNumber: E164, choice: ContactLookupChoice = {}): Promise<ContactProfile> {
	const extra = [...new Set(choice.extraData ?? [])];
	for (const name of extra) {
		if (!(name in LOOKUP_FIELDS)) {
			throw new ValidationError('Lookup Data', `"${String(name)}" is not a Lookup data package`, `Choose from ${Object.keys(LOOKUP_FIELDS).join(', ')}.`);
		}
	}
	const fields = extra.map((name) => LOOKUP_FIELDS[name]).join(',');
	const { raw } = await withRawResponse(() => ctx.client.lookups.v2.phoneNumbers(phoneNumber).fetch(fields ? { fields } : {}));
	const wire = (raw ?? {}) as Record<string, unknown>;
	const details: Record<string, unknown> = {
		countryCode: wire.country_code ?? null,
		callingCountryCode: wire.calling_country_code ?? null,
		nationalFormat: wire.national_format ?? null,
		validationErrors: Array.isArray(wire.validation_errors) ? wire.validation_errors : [],
	};
	for (const name of extra) details[name] = wire[LOOKUP_FIELDS[name]] ?? null;
	return {
		provider: 'twilio',
		phoneNumber: typeof wire.phone_number === 'string' ? wire.phone_number : phoneNumber,
		valid: wire.valid === true,
		details,
		note: CONTACT_NOTE,
		raw: wire,
	};
}
