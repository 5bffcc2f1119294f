// Profiles on the Twilio emulation: Lookup v2 (GET lookups /v2/PhoneNumbers/{PhoneNumber}), keyed
// by Twilio operationId. Sender profiles are served by the sender routes of twilioWebhooks.ts.

import type { TwilioRoute } from './twilio';
import { twilioError } from './twilioErrors';
import { firstValue } from './util';

/** The Fields values the Lookup v2 spec lists. */
const LOOKUP_FIELDS = [
	'validation',
	'caller_name',
	'sim_swap',
	'call_forwarding',
	'line_status',
	'line_type_intelligence',
	'identity_match',
	'reassigned_number',
	'sms_pumping_risk',
	'phone_number_quality_score',
	'pre_fill',
] as const;

/** Calling codes the emulation knows, longest first so that 1 does not shadow 1xxx-style codes. */
const COUNTRIES: Array<[string, string, number]> = [
	// calling code, ISO country, digits after the code in a valid number
	['55', 'BR', 11],
	['44', 'GB', 10],
	['49', 'DE', 11],
	['34', 'ES', 9],
	['52', 'MX', 10],
	['91', 'IN', 10],
	['1', 'US', 10],
];

interface Parsed {
	valid: boolean;
	errors: string[];
	callingCode: string | null;
	country: string | null;
	national: string | null;
}

function parse(number: string): Parsed {
	const invalid = (error: string): Parsed => ({ valid: false, errors: [error], callingCode: null, country: null, national: null });
	const digits = number.replace(/^\+/, '');
	if (!/^\d+$/.test(digits)) return invalid('NOT_A_NUMBER');
	const country = COUNTRIES.find(([code]) => digits.startsWith(code));
	if (!country) return invalid('INVALID_COUNTRY_CODE');
	const [code, iso, length] = country;
	const rest = digits.slice(code.length);
	if (rest.length < length) return { ...invalid('TOO_SHORT'), callingCode: code, country: iso };
	if (rest.length > length) return { ...invalid('TOO_LONG'), callingCode: code, country: iso };
	const national = iso === 'US' ? `(${rest.slice(0, 3)}) ${rest.slice(3, 6)}-${rest.slice(6)}` : `0${rest}`;
	return { valid: true, errors: [], callingCode: code, country: iso, national };
}

function packageData(field: string, number: string, valid: boolean): unknown {
	// Sandbox numbers ending in an odd digit are landlines, the rest mobiles.
	const mobile = Number(number.slice(-1)) % 2 === 0;
	if (!valid) return null;
	switch (field) {
		case 'caller_name':
			return { caller_name: 'SANDBOX CONTACT', caller_type: 'CONSUMER', error_code: null };
		case 'line_type_intelligence':
			return mobile
				? { mobile_country_code: '310', mobile_network_code: '260', carrier_name: 'Sandbox Wireless', type: 'mobile', error_code: null }
				: { mobile_country_code: null, mobile_network_code: null, carrier_name: 'Sandbox Telephone', type: 'landline', error_code: null };
		case 'line_status':
			return { status: 'active', error_code: null };
		case 'sim_swap':
			return { last_sim_swap: { last_sim_swap_date: null, swapped_period: 'PT48H', swapped_in_period: false }, carrier_name: 'Sandbox Wireless', mobile_country_code: '310', mobile_network_code: '260', error_code: null };
		case 'call_forwarding':
			return { call_forwarding_enabled: false, error_code: null };
		case 'sms_pumping_risk':
			return { carrier_risk_category: 'low', number_blocked: false, number_blocked_date: null, number_blocked_last_3_months: null, sms_pumping_risk_score: 3, error_code: null };
		default:
			return null;
	}
}

const fetchPhoneNumber: TwilioRoute = ({ request, pathParams }) => {
	const number = decodeURIComponent(pathParams.PhoneNumber ?? '').trim();
	const fieldsParam = firstValue(request.query.Fields) ?? '';
	const fields = fieldsParam.split(',').map((f) => f.trim()).filter((f) => f.length > 0);
	const unknown = fields.find((f) => !(LOOKUP_FIELDS as readonly string[]).includes(f));
	if (unknown) return twilioError(400, 60200, `Invalid parameter Fields: '${unknown}' is not one of ${LOOKUP_FIELDS.join(', ')}`);
	const parsed = parse(number);
	const body: Record<string, unknown> = {
		calling_country_code: parsed.callingCode,
		country_code: parsed.country,
		phone_number: number,
		national_format: parsed.national,
		valid: parsed.valid,
		validation_errors: parsed.errors,
	};
	for (const field of LOOKUP_FIELDS) {
		if (field === 'validation') continue;
		body[field] = fields.includes(field) ? packageData(field, number, parsed.valid) : null;
	}
	body.url = `${request.baseUrl}/twilio/lookups/v2/PhoneNumbers/${encodeURIComponent(number)}`;
	return { status: 200, body };
};

export const TWILIO_PROFILE_ROUTES: Record<string, TwilioRoute> = {
	FetchPhoneNumber: fetchPhoneNumber,
};
