import type { E164 } from '../providers/types';

export class InvalidPhoneNumberError extends Error {
	constructor(
		readonly value: string,
		readonly reason: string,
	) {
		super(reason);
		this.name = 'InvalidPhoneNumberError';
	}
}

// Separators people paste from address books and spreadsheets.
const SEPARATORS = /[\s().\-\u00a0]/g;

/**
 * Turns what a person or an upstream node gives as a WhatsApp number into E.164 (`+15551234567`).
 * Accepts a leading `+`, the `whatsapp:` prefix Twilio uses, and spaces, dashes, dots and
 * brackets. Anything else is refused rather than guessed at: a wrong guess messages a stranger.
 */
export function normalizePhoneNumber(input: unknown): E164 {
	const value = typeof input === 'number' ? String(input) : input;
	if (typeof value !== 'string' || value.trim() === '') {
		throw new InvalidPhoneNumberError(String(input ?? ''), 'it is empty');
	}
	let rest = value.trim().replace(/^whatsapp:/i, '').trim();
	const hasPlus = rest.startsWith('+');
	if (hasPlus) rest = rest.slice(1);
	const digits = rest.replace(SEPARATORS, '');
	if (!/^\d+$/.test(digits)) {
		throw new InvalidPhoneNumberError(value, 'it may only hold digits, an optional leading +, spaces, dashes, dots and brackets');
	}
	if (digits.startsWith('0')) {
		throw new InvalidPhoneNumberError(value, 'international numbers start with the country code, not 0 or 00 (e.g. +44 7700 900123)');
	}
	if (digits.length < 8) {
		throw new InvalidPhoneNumberError(value, `it has ${digits.length} digits; a number with its country code has at least 8`);
	}
	if (digits.length > 15) {
		throw new InvalidPhoneNumberError(value, `it has ${digits.length} digits; E.164 numbers have at most 15`);
	}
	return `+${digits}`;
}

/** The E.164 form of a value that may not be a phone number at all (a BSUID, a group ID): undefined then. */
export function phoneNumberOrUndefined(value: unknown): E164 | undefined {
	try {
		return normalizePhoneNumber(value);
	} catch {
		return undefined;
	}
}
