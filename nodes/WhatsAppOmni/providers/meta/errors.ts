import { AxiosError } from 'axios';

import { copyDeliveryNote } from '../../helpers/retryPolicy';
import {
	httpStatusError,
	networkError,
	requestWritten,
	parseRetryAfter,
	ProviderError,
	type KnownError,
} from '../ProviderError';

const TOKEN_HINT =
	'Open the WhatsApp Omni Meta credential and paste a valid access token: a permanent System User token from Meta Business Settings, with whatsapp_business_messaging and whatsapp_business_management.';
const PERMISSION_HINT =
	'Give the token\u2019s System User the whatsapp_business_messaging and whatsapp_business_management permissions and assign it to this WhatsApp Business Account, then try again.';
const TEMPLATE_HINT =
	'Fix the template or its variables in WhatsApp Manager (or pick another template) and try again.';

/**
 * Every Meta error code the package knows, with what a person should do about it.
 * Codes from Meta's Cloud API error reference (see shared/reference/api-facts.md §5).
 */
export const META_ERRORS: Record<number, KnownError> = {
	0: { message: 'Authentication failed', hint: TOKEN_HINT },
	190: { message: 'The access token is invalid or has expired', hint: TOKEN_HINT },
	3: { message: 'The app is not allowed to call this API', hint: PERMISSION_HINT },
	4: {
		message: 'Too many API calls for this app',
		hint: 'The app hit Meta\u2019s hourly call limit. Wait a while (up to an hour) and try again, or spread the calls out.',
	},
	10: { message: 'Permission denied', hint: PERMISSION_HINT },
	100: {
		message: 'Invalid parameter',
		hint: 'Meta rejected a value in the request; the details say which. Check the IDs in the credential (Phone Number ID, WABA ID) and the node\u2019s fields.',
	},
	200: { message: 'Permission denied', hint: PERMISSION_HINT },
	2200: {
		message: 'Meta could not verify the webhook URL',
		hint: 'Meta called the n8n webhook URL for its handshake and did not get the expected answer. n8n must be reachable from the internet over HTTPS at its public URL (set WEBHOOK_URL when n8n runs behind a proxy), and the workflow must be saved.',
	},
	368: {
		message: 'Temporarily blocked for policy violations',
		hint: 'Meta blocked this account for policy reasons. Check the account\u2019s status in WhatsApp Manager; sending resumes when the block ends.',
	},
	80007: {
		message: 'Rate limit of the WhatsApp Business Account reached',
		hint: 'Too many calls to this WABA\u2019s management endpoints. Wait up to an hour and try again.',
	},
	130429: {
		message: 'Throughput limit reached',
		hint: 'The number sends more messages per second than Meta allows (80/s by default): send fewer items at once.',
		rateLimit: true,
	},
	130472: {
		message: 'The recipient\u2019s number is part of a Meta experiment',
		hint: 'Meta held back this marketing message on purpose. Nothing to fix; try another channel for this person.',
	},
	130497: {
		message: 'Messages to this country are restricted for this account',
		hint: 'This business cannot message users in the recipient\u2019s country. Check the account\u2019s allowed countries.',
	},
	131000: {
		message: 'Something went wrong at Meta',
		hint: 'An unknown error on Meta\u2019s side. Try again later; if it persists, quote the trace id to Meta support.',
	},
	131005: { message: 'Access denied', hint: PERMISSION_HINT },
	131008: {
		message: 'A required parameter is missing',
		hint: 'The details name the missing field. Fill it in the node and try again.',
	},
	131009: {
		message: 'A parameter value is invalid',
		hint: 'The details name the field Meta did not accept. Correct it and try again.',
	},
	131016: {
		message: 'The WhatsApp service is temporarily unavailable',
		hint: 'Meta is overloaded or in maintenance. Try again in a few minutes.',
	},
	131021: {
		message: 'The recipient is the sender',
		hint: 'The business number cannot message itself. Use the customer\u2019s number as the recipient.',
	},
	131026: {
		message: 'The message could not be delivered',
		hint: 'The number may not be on WhatsApp, may use an old app, or may not have accepted the latest terms. Check the number; try again later or reach the person another way.',
	},
	131031: {
		message: 'The business account is locked',
		hint: 'Meta locked this account (policy or a failed two-step verification). Check WhatsApp Manager for the reason.',
	},
	131042: {
		message: 'There is a payment problem with the business account',
		hint: 'Add or fix the payment method of the WhatsApp Business Account in Meta Business Settings.',
	},
	131045: {
		message: 'The phone number is not correctly registered',
		hint: 'Register the phone number with the Cloud API (it needs a certificate and a registered PIN) and try again.',
	},
	131047: {
		message: 'The 24-hour window is closed',
		hint: 'More than 24 hours have passed since the customer last wrote. Send a template message instead; free-form messages work again after they reply.',
	},
	131048: {
		message: 'Spam rate limit reached',
		hint: 'Too many of this number\u2019s messages were blocked or reported. Send less, improve quality, and check the number\u2019s quality rating.',
	},
	131049: {
		message: 'Meta chose not to deliver this message',
		hint: 'Meta limits how many marketing messages one person gets. Do not retry right away; try again later or send a utility message if appropriate.',
	},
	131050: {
		message: 'The user stopped marketing messages from this business',
		hint: 'Respect the opt-out: do not send marketing templates to this person.',
	},
	131051: {
		message: 'This message type is not supported',
		hint: 'Send one of the types WhatsApp supports.',
	},
	131052: {
		message: 'The media of the message could not be downloaded',
		hint: 'Meta could not fetch the user\u2019s media. Ask them to send it again.',
	},
	131053: {
		message: 'The media could not be uploaded',
		hint: 'Check the file\u2019s type and size against WhatsApp\u2019s limits, and that its URL is public, then try again.',
	},
	131062: {
		message: 'This message cannot be sent to a business-scoped user ID (BSUID)',
		hint: 'Authentication templates (one-time codes: one-tap, zero-tap, copy-code) still need a phone number. Send to the person\u2019s phone number (the trigger\u2019s contact.phoneNumber, when WhatsApp shares it), or use a template of another category.',
	},
	131056: {
		message: 'Too many messages to the same person',
		hint: 'Meta allows about one message every 6 seconds to one user: leave more time between messages to this person.',
		rateLimit: true,
	},
	131057: {
		message: 'The account is in maintenance mode',
		hint: 'Usually during a throughput upgrade; it lasts about a minute. Try again shortly.',
	},
	132000: {
		message: 'The number of template variables does not match the template',
		hint: 'Give exactly one value for each variable of the template.',
	},
	132001: {
		message: 'The template does not exist in this language or is not approved',
		hint: 'Check the template\u2019s name and language, and that it is approved in WhatsApp Manager.',
	},
	132005: {
		message: 'The template text is too long once the variables are filled in',
		hint: 'Shorten the variable values.',
	},
	132007: {
		message: 'The template violates a WhatsApp policy',
		hint: TEMPLATE_HINT,
	},
	132012: {
		message: 'A template variable has the wrong format',
		hint: 'Give each variable a value of the type the template expects (text, currency, date, media).',
	},
	132015: {
		message: 'The template is paused because of low quality',
		hint: 'Edit the template or use another one; paused templates cannot be sent.',
	},
	132016: {
		message: 'The template is disabled because of low quality',
		hint: 'Create a new template; disabled templates cannot be sent again.',
	},
	133010: {
		message: 'The phone number is not registered with the Cloud API',
		hint: 'Register the business phone number (POST /{phone-number-id}/register with its PIN) and try again.',
	},
	2388019: {
		message: 'The WhatsApp Business Account has too many templates',
		hint: 'Delete unused templates, or verify the business to raise the limit.',
	},
	2388024: {
		message: 'A template with this name already exists in this language',
		hint: 'Choose another name or language, or delete the existing template first (a deleted approved name stays blocked for 30 days).',
	},
	2388040: { message: 'The template was rejected by validation', hint: TEMPLATE_HINT },
	2388047: { message: 'The template was rejected by validation', hint: TEMPLATE_HINT },
	2388072: { message: 'The template was rejected by validation', hint: TEMPLATE_HINT },
	2388073: { message: 'The template was rejected by validation', hint: TEMPLATE_HINT },
	2388293: { message: 'The template was rejected by validation', hint: TEMPLATE_HINT },
	2388299: { message: 'The template was rejected by validation', hint: TEMPLATE_HINT },
};

/** Permission codes 200–299 share one meaning. */
function lookup(code: number | undefined): KnownError | undefined {
	if (code === undefined) return undefined;
	if (META_ERRORS[code]) return META_ERRORS[code];
	if (code >= 200 && code <= 299) return META_ERRORS[200];
	return undefined;
}

interface GraphErrorBody {
	error?: {
		message?: string;
		type?: string;
		code?: number;
		/** Template management names the precise reason here, under the generic code 100. */
		error_subcode?: number;
		error_user_title?: string;
		error_user_msg?: string;
		error_data?: { details?: string };
		fbtrace_id?: string;
	};
}

/** HTTP and network failures become ProviderErrors; anything else (our own errors) passes through. */
export function toMetaError(error: unknown, host: string): Error {
	if (error instanceof ProviderError) return error;
	const converted = convertMetaError(error, host);
	// What the retries did travels with the error the person sees.
	if (converted !== error) copyDeliveryNote(error, converted);
	return converted;
}

function convertMetaError(error: unknown, host: string): Error {
	if (!(error instanceof AxiosError)) {
		const code = (error as NodeJS.ErrnoException)?.code;
		return typeof code === 'string' && /^E[A-Z_]+$/.test(code) ? networkError('meta', code, host) : (error as Error);
	}
	if (!error.response) return networkError('meta', error.code, host, requestWritten(error));
	const { status, headers } = error.response;
	const body = (error.response.data ?? {}) as GraphErrorBody;
	const graph = typeof body === 'object' ? body.error : undefined;
	const retryAfterSeconds = parseRetryAfter(headers?.['retry-after']);
	const subcode = graph?.error_subcode;
	// Template management reports its reasons as subcodes of 100 (2388024 …); those are the codes
	// Meta's reference lists, so a known one is reported as the code. Other subcodes (33: no such
	// object) only refine the code and are named in the details.
	const knownSubcode = lookup(subcode) ? subcode : undefined;
	const known = lookup(knownSubcode) ?? lookup(graph?.code) ?? httpStatusError(status);
	const detail = graph?.error_data?.details;
	// Meta's words for people (error_user_title/msg) say more than a generic "Invalid parameter".
	const message = graph?.error_user_title ?? known?.message ?? graph?.message ?? `Meta answered HTTP ${status}`;
	return new ProviderError({
		provider: 'meta',
		code: knownSubcode ?? graph?.code,
		httpStatus: status,
		message,
		hint:
			known?.hint ??
			'Meta rejected the request; its message says why. Check the node\u2019s fields and the credential.',
		details:
			[graph?.error_user_msg, graph?.message, detail, subcode !== undefined && knownSubcode === undefined ? `subcode ${subcode}` : undefined]
				.filter(Boolean)
				.join(' \u2014 ') || undefined,
		retryAfterSeconds,
		rateLimited: known?.rateLimit === true,
		traceId: graph?.fbtrace_id,
	});
}
