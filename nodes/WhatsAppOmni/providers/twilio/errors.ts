import {
	httpStatusError,
	parseRetryAfter,
	ProviderError,
	type KnownError,
} from '../ProviderError';

const SENDER_HINT =
	'Check the WhatsApp number (or Messaging Service SID) in the WhatsApp Omni Twilio credential: it must be a WhatsApp sender that is approved and online in the Twilio Console (Messaging \u203a Senders \u203a WhatsApp senders), or the sandbox number.';
const TEMPLATE_HINT =
	'Check the Content template in the Twilio Console (Messaging \u203a Content Template Builder): it must be approved for WhatsApp and its variables must match.';

/**
 * Every Twilio error code the package knows, with what a person should do about it.
 * WhatsApp codes from Twilio's error dictionary (see shared/reference/api-facts.md §5).
 */
export const TWILIO_ERRORS: Record<number, KnownError> = {
	20003: {
		message: 'Twilio rejected the credentials',
		hint: 'Open the WhatsApp Omni Twilio credential and check the Account SID and Auth Token (or API Key SID and Secret) in the Twilio Console \u203a Account Info.',
	},
	20404: {
		message: 'The Twilio resource was not found',
		hint: 'Check the SID you gave; it must belong to this Twilio account.',
	},
	20429: {
		message: 'Too many requests to Twilio',
		hint: 'Twilio is rate-limiting this account: send fewer items at once.',
		rateLimit: true,
	},
	20500: {
		message: 'Twilio had an internal error',
		hint: 'This is on Twilio\u2019s side and usually passes. The message was most likely not sent; check before running it again.',
	},
	21211: {
		message: 'The recipient number is invalid',
		hint: 'Give the recipient in E.164 form with its country code, e.g. +15551234567.',
	},
	21602: {
		message: 'The message has no body',
		hint: 'Type the text to send.',
	},
	21603: {
		message: 'No sender was given',
		hint: SENDER_HINT,
	},
	21606: {
		message: 'The sender number cannot send this message',
		hint: SENDER_HINT,
	},
	21617: {
		message: 'The message body is too long',
		hint: 'Twilio accepts at most 1,600 characters; shorten the text or split it into several messages.',
	},
	21655: {
		message: 'The Content SID is invalid',
		hint: TEMPLATE_HINT,
	},
	21656: {
		message: 'The content variables are invalid',
		hint: 'Give the variables as a JSON object of strings, one per template variable, e.g. {"1":"Ana"}.',
	},
	63002: { message: 'The sender address is not valid for WhatsApp', hint: SENDER_HINT },
	63003: {
		message: 'The recipient is not a valid WhatsApp user',
		hint: 'The number may not be on WhatsApp. Check it, or reach the person another way.',
	},
	63005: {
		message: 'WhatsApp did not accept the content',
		hint: 'Check the message\u2019s content (media type, length) against WhatsApp\u2019s rules.',
	},
	63007: {
		message: 'No WhatsApp sender was found for the From address',
		hint: SENDER_HINT,
	},
	63008: {
		message: 'The WhatsApp channel is not configured correctly',
		hint: SENDER_HINT,
	},
	63012: {
		message: 'WhatsApp had an internal error',
		hint: 'An error on WhatsApp\u2019s side; try again later.',
	},
	63013: {
		message: 'The message violates a WhatsApp policy',
		hint: 'Review WhatsApp\u2019s commerce and business policies for this content.',
	},
	63016: {
		message: 'The 24-hour window is closed',
		hint: 'More than 24 hours have passed since the customer last wrote. Send an approved template (Content SID) instead; free-form messages work again after they reply.',
	},
	63018: {
		message: 'WhatsApp rate or messaging limit reached',
		hint: 'The sender exceeded WhatsApp\u2019s throughput or its daily messaging limit: slow down, or wait until the daily limit resets.',
		rateLimit: true,
	},
	63019: {
		message: 'WhatsApp could not process the media',
		hint: 'Check that the media URL is public and its type and size are allowed.',
	},
	63020: {
		message: 'The business has not accepted Twilio\u2019s invitation in Meta Business Manager',
		hint: 'Accept the request from Twilio in Meta Business Settings \u203a Requests, then try again.',
	},
	63021: {
		message: 'WhatsApp rejected the content as invalid',
		hint: 'The media type is unsupported or the text is over 1,024 characters after variables are filled in. Fix the content and try again.',
	},
	63022: {
		message: 'WhatsApp rejected the message',
		hint: 'Check the recipient and the content; WhatsApp gave no further detail.',
	},
	63023: {
		message: 'WhatsApp reported an error',
		hint: 'A generic WhatsApp error; the details may say more. Try again later.',
	},
	63024: {
		message: 'The recipient is not valid for WhatsApp',
		hint: 'Give a WhatsApp user\u2019s number in E.164 form with its country code.',
	},
	63027: { message: 'The template could not be sent', hint: TEMPLATE_HINT },
	63028: { message: 'The template\u2019s variables do not match', hint: TEMPLATE_HINT },
	63029: { message: 'The template\u2019s parameters have the wrong format', hint: TEMPLATE_HINT },
	63030: {
		message: 'A parameter is not supported for WhatsApp',
		hint: 'Remove the parameter WhatsApp does not support; the details name it.',
	},
	63032: {
		message: 'The user is part of a WhatsApp experiment',
		hint: 'WhatsApp held back this marketing message on purpose. Nothing to fix.',
	},
};

interface TwilioErrorBody {
	code?: number;
	message?: string;
	more_info?: string;
	status?: number;
}

export function toTwilioError(
	status: number,
	body: unknown,
	headers: Record<string, unknown> | undefined,
): ProviderError {
	const parsed = parseBody(body);
	const retryAfterSeconds = parseRetryAfter(headers?.['retry-after']);
	const known =
		(parsed.code !== undefined ? TWILIO_ERRORS[parsed.code] : undefined) ??
		httpStatusError(status) ??
		(status === 401 ? TWILIO_ERRORS[20003] : undefined);
	return new ProviderError({
		provider: 'twilio',
		code: parsed.code,
		httpStatus: status,
		message: known?.message ?? parsed.message ?? `Twilio answered HTTP ${status}`,
		hint:
			known?.hint ??
			'Twilio rejected the request; its message says why. Check the node\u2019s fields and the credential.',
		details: [parsed.message, parsed.more_info].filter(Boolean).join(' \u2014 ') || undefined,
		retryAfterSeconds,
		rateLimited: known?.rateLimit === true,
	});
}

function parseBody(body: unknown): TwilioErrorBody {
	if (typeof body === 'string') {
		try {
			return JSON.parse(body) as TwilioErrorBody;
		} catch {
			return {};
		}
	}
	return (body && typeof body === 'object' ? body : {}) as TwilioErrorBody;
}
