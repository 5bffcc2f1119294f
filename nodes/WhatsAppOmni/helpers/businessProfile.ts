import type { BusinessProfileUpdate } from '../providers/types';
import { characterCount } from './validation';
import { ValidationError } from './ValidationError';

/**
 * WhatsApp's rules for the business profile, the same whichever provider passes an update on to
 * Meta (directly, or Twilio through its Senders API). Checked before any request.
 */

/**
 * WhatsApp's business categories (the `vertical` enum of Meta's business profile) with the words
 * WhatsApp shows for them. Meta takes every code here; a provider that takes fewer (Twilio's
 * Senders API takes the shown words, and not all of them) checks its own list in its module.
 */
export const WHATSAPP_VERTICALS: Readonly<Record<string, string>> = Object.freeze({
	UNDEFINED: 'Not set',
	OTHER: 'Other',
	ALCOHOL: 'Alcohol',
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
	MATRIMONY_SERVICE: 'Matrimony Service',
	HEALTH: 'Medical and Health',
	NONPROFIT: 'Non-profit',
	ONLINE_GAMBLING: 'Online Gambling',
	OTC_DRUGS: 'OTC Drugs',
	PHYSICAL_GAMBLING: 'Physical Gambling',
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
	const length = characterCount(value);
	if (length > max) {
		throw new ValidationError(field, `${field} has ${length} characters; WhatsApp allows at most ${max}`, `Shorten ${field} to ${max} characters or fewer.`);
	}
}

/** Throws a ValidationError naming the field (as the node shows it) for the first rule broken. */
export function checkBusinessProfileUpdate(update: BusinessProfileUpdate): void {
	const fields = Object.entries(update).filter(([, value]) => value !== undefined);
	if (fields.length === 0) {
		throw new ValidationError('Update Fields', 'Nothing to update', 'Add at least one field under "Update Fields": About, Address, Description, Email, Vertical or Websites.');
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
