import { BSUID, InvalidRecipientError, parseRecipient, recipientAddress } from '../../nodes/WhatsAppOmni/helpers/recipient';

function refusal(input: unknown): InvalidRecipientError {
	let caught: unknown;
	try {
		parseRecipient(input);
	} catch (error) {
		caught = error;
	}
	expect(caught).toBeInstanceOf(InvalidRecipientError);
	return caught as InvalidRecipientError;
}

describe('parseRecipient: business-scoped user IDs', () => {
	it.each([
		['US.13491208655302741918', 'US.13491208655302741918'],
		['US.ENT.11815799212886844830', 'US.ENT.11815799212886844830'],
		['BR.abcXYZ019', 'BR.abcXYZ019'],
		['  US.13491208655302741918  ', 'US.13491208655302741918'],
		['whatsapp:US.13491208655302741918', 'US.13491208655302741918'],
		['WhatsApp: US.ENT.1', 'US.ENT.1'],
		['DE.1', 'DE.1'],
		[`IN.${'a'.repeat(128)}`, `IN.${'a'.repeat(128)}`],
	])('takes %p as the BSUID %p', (input, userId) => {
		expect(parseRecipient(input)).toEqual({ kind: 'bsuid', userId });
	});

	it.each([
		['us.13491208655302741918', /two capital letters/],
		['Us.13491208655302741918', /two capital letters/],
		['US.', /only letters and digits \(1 to 128\)/],
		['US.ENT.', /only letters and digits/],
		['US.1349-1208', /only letters and digits/],
		['US.1349 1208', /only letters and digits/],
		['US..1349', /only letters and digits/],
		['US.ENT.11815799212886844830.7', /only letters and digits/],
		[`US.${'1'.repeat(129)}`, /129 characters; a business-scoped user ID has at most 128/],
	])('refuses %p, saying why', (input, reason) => {
		const error = refusal(input);
		expect(error.value).toBe(input);
		expect(error.reason).toMatch(reason);
	});

	it.each(['USA.1349', 'U.1349', 'US-1349', 'US1349', '+US.1349', 'ENT.US.1349'])(
		'refuses %p, which is no BSUID and no number',
		(input) => {
			expect(() => parseRecipient(input)).toThrow(InvalidRecipientError);
		},
	);

	it('keeps BSUID to the shape Meta documents, case-sensitive in the country code', () => {
		expect(BSUID.test('US.13491208655302741918')).toBe(true);
		expect(BSUID.test('us.13491208655302741918')).toBe(false);
		expect(BSUID.test('US.ENT.1')).toBe(true);
		expect(BSUID.test('US.ent.1')).toBe(false);
	});
});

describe('parseRecipient: phone numbers as before', () => {
	it.each([
		['+15551234567', '+15551234567'],
		['15551234567', '+15551234567'],
		['+1 (555) 123-4567', '+15551234567'],
		['whatsapp:+15551234567', '+15551234567'],
		['  +49.30.1234.5678 ', '+493012345678'],
		[15551234567, '+15551234567'],
	])('takes %p as the number %p', (input, phoneNumber) => {
		expect(parseRecipient(input)).toEqual({ kind: 'phone', phoneNumber });
	});

	it.each([
		['', /empty/],
		[undefined, /empty/],
		['+1555CALLNOW', /only hold digits/],
		['1234567', /7 digits.*at least 8/],
		['0044 7700 900123', /country code, not 0/],
		['not a number', /only hold digits/],
	])('refuses %p with the phone number’s reason', (input, reason) => {
		expect(refusal(input).reason).toMatch(reason);
	});
});

describe('recipientAddress', () => {
	it('is the number or the BSUID', () => {
		expect(recipientAddress({ kind: 'phone', phoneNumber: '+15551234567' })).toBe('+15551234567');
		expect(recipientAddress({ kind: 'bsuid', userId: 'US.1' })).toBe('US.1');
	});
});
