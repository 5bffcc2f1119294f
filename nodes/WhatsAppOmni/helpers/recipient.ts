import type { Recipient } from '../providers/types';
import { InvalidPhoneNumberError, normalizePhoneNumber } from './phoneNumber';

/**
 * A business-scoped user ID (BSUID): the two capital letters of a country code, `.ENT` for an
 * enterprise's parent ID, a dot, then 1 to 128 letters and digits. E.g.
 * `US.13491208655302741918`, `US.ENT.11815799212886844830`.
 */
export const BSUID = /^[A-Z]{2}(\.ENT)?\.[A-Za-z0-9]{1,128}$/;

/** An example for messages and parameter descriptions. */
export const BSUID_EXAMPLE = 'US.13491208655302741918';

export class InvalidRecipientError extends Error {
	constructor(
		readonly value: string,
		readonly reason: string,
	) {
		super(reason);
		this.name = 'InvalidRecipientError';
	}
}

/** Something that starts like a BSUID (two letters and a dot) but is not one: why. */
function bsuidReason(value: string): string {
	if (!/^[A-Z]{2}\./.test(value)) {
		return `a business-scoped user ID starts with a country code in two capital letters, e.g. ${BSUID_EXAMPLE}`;
	}
	const rest = value.replace(/^[A-Z]{2}(\.ENT)?\./, '');
	if (rest.length > 128) {
		return `the part after the country code has ${rest.length} characters; a business-scoped user ID has at most 128`;
	}
	return `after the country code a business-scoped user ID has only letters and digits (1 to 128), e.g. ${BSUID_EXAMPLE}`;
}

/**
 * Turns what a person, an agent or an upstream node gives as "To" into a recipient: a phone
 * number (normalizePhoneNumber's rules: E.164 with its country code) or a BSUID. Surrounding
 * spaces and the `whatsapp:` prefix are fine for both. Anything else is refused, not guessed at.
 */
export function parseRecipient(input: unknown): Recipient {
	const value = typeof input === 'number' ? String(input) : input;
	if (typeof value !== 'string' || value.trim() === '') {
		throw new InvalidRecipientError(String(input ?? ''), 'it is empty');
	}
	const bare = value.trim().replace(/^whatsapp:/i, '').trim();
	if (BSUID.test(bare)) return { kind: 'bsuid', userId: bare };
	if (/^[A-Za-z]{2}\./.test(bare)) throw new InvalidRecipientError(value, bsuidReason(bare));
	try {
		return { kind: 'phone', phoneNumber: normalizePhoneNumber(value) };
	} catch (error) {
		if (error instanceof InvalidPhoneNumberError) throw new InvalidRecipientError(error.value, error.reason);
		throw error;
	}
}

/** The recipient as one string: the E.164 number or the BSUID. */
export function recipientAddress(to: Recipient): string {
	return to.kind === 'phone' ? to.phoneNumber : to.userId;
}
