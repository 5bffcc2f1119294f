import { InvalidPhoneNumberError, normalizePhoneNumber } from '../../nodes/WhatsAppOmni/helpers/phoneNumber';

describe('normalizePhoneNumber', () => {
	it.each([
		['+15551234567', '+15551234567'],
		['15551234567', '+15551234567'],
		['+1 (555) 123-4567', '+15551234567'],
		['whatsapp:+15551234567', '+15551234567'],
		['WhatsApp:+44 7700 900123', '+447700900123'],
		['  +49.30.1234.5678 ', '+493012345678'],
		[15551234567, '+15551234567'],
		['+12345678', '+12345678'],
		['+123456789012345', '+123456789012345'],
	])('accepts %p as %p', (input, expected) => {
		expect(normalizePhoneNumber(input)).toBe(expected);
	});

	it.each([
		['', /empty/],
		['   ', /empty/],
		[undefined, /empty/],
		['+1555CALLNOW', /only hold digits/],
		['abc', /only hold digits/],
		['+1 555 123 4567 ext 9', /only hold digits/],
		['1234567', /7 digits.*at least 8/],
		['+1234567890123456', /16 digits.*at most 15/],
		['0044 7700 900123', /country code, not 0/],
		['++15551234567', /only hold digits/],
		['whatsapp:', /empty|only hold digits|digits/],
	])('refuses %p', (input, reason) => {
		let caught: unknown;
		try {
			normalizePhoneNumber(input);
		} catch (error) {
			caught = error;
		}
		expect(caught).toBeInstanceOf(InvalidPhoneNumberError);
		expect((caught as InvalidPhoneNumberError).reason).toMatch(reason);
	});
});
