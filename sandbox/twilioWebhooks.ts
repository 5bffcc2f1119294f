// The Twilio resources that hold webhook URLs, and inbound media:
//   messaging.twilio.com/v2/Channels/Senders            list (Channel=whatsapp), fetch, update (JSON)
//   messaging.twilio.com/v1/Services/{Sid}              fetch, update (form)
//   api.twilio.com/2010-04-01/…/Messages/{Sid}/Media    list, fetch, delete (.json), and the media
//                                                        URL itself (no extension): a 307 to the CDN
//   /twilio/cdn/<AccountSid>/<token>                    the "CDN" that serves the bytes, no auth
// Every request has passed Basic auth and the OpenAPI check (twilioSpec.ts) before a route here.

import { twilioSenderState } from './setupCheck';
import type { SandboxState } from './state';
import type { RouteContext, TwilioRoute } from './twilio';
import { notFound, twilioError } from './twilioErrors';
import { twilioListPage } from './twilioPaging';
import type { SandboxReply, TwilioAccount, TwilioSenderView, TwilioServiceView, TwilioWebhooks } from './types';
import { firstValue, isHttpUrl, isPlainObject, rfc2822 } from './util';
import type { TwilioMedia, TwilioSender, TwilioService, WebhookState } from './webhookState';

function senderUrl(baseUrl: string, sid: string): string {
	return `${baseUrl}/twilio/messaging/v2/Channels/Senders/${sid}`;
}

function senderResource(sender: TwilioSender, baseUrl: string, state?: SandboxState): Record<string, unknown> {
	// Seeded by Sandbox.setSetupFaults: the own sender OFFLINE (with its reasons) or not yet online.
	const seeded = state && sender === state.webhooks.ownSender ? twilioSenderState(state.setupFaults.twilio) : undefined;
	return {
		sid: sender.sid,
		status: seeded?.status ?? sender.status,
		sender_id: sender.sender_id,
		configuration: { ...sender.configuration },
		webhook: { ...sender.webhook },
		profile: structuredClone(sender.profile),
		properties: { ...sender.properties },
		offline_reasons: seeded ? seeded.offline_reasons : sender.offline_reasons,
		compliance: sender.compliance,
		url: senderUrl(baseUrl, sender.sid),
	};
}

const listSenders: TwilioRoute = ({ request, state }) => {
	const channel = firstValue(request.query.Channel) ?? '';
	const senders = state.webhooks.twilioSenders.filter((s) => s.sender_id.toLowerCase().startsWith(`${channel.toLowerCase()}:`));
	const list = {
		url: `${request.baseUrl}/twilio/messaging/v2/Channels/Senders`,
		key: 'senders',
		sidPrefix: 'XE',
		extraQuery: `&Channel=${encodeURIComponent(channel)}`,
	};
	return twilioListPage(senders, request, list, (s) => senderResource(s, request.baseUrl, state));
};

function findSender({ pathParams, state }: RouteContext): TwilioSender | undefined {
	return state.webhooks.twilioSenders.find((s) => s.sid === pathParams.Sid);
}

const fetchSender: TwilioRoute = (context) => {
	const sender = findSender(context);
	if (!sender) return notFound(`/v2/Channels/Senders/${context.pathParams.Sid}`);
	return { status: 200, body: senderResource(sender, context.request.baseUrl, context.state) };
};

const WEBHOOK_URL_KEYS = ['callback_url', 'fallback_url', 'status_callback_url'] as const;
const WEBHOOK_METHOD_KEYS = ['callback_method', 'fallback_method', 'status_callback_method'] as const;

/** Meta's profile limits, which Twilio passes on; lists as the Senders API documents them. */
const PROFILE_TEXT_LIMITS: Record<string, number> = { about: 139, address: 256, description: 512 };

/** The Senders API's `profile.vertical` enum (twilio_messaging_v2.json): the words WhatsApp shows. */
const SENDER_VERTICALS = [
	'Alcohol', 'Automotive', 'Beauty, Spa and Salon', 'Clothing and Apparel', 'Education', 'Entertainment',
	'Event Planning and Service', 'Finance and Banking', 'Food and Grocery', 'Hotel and Lodging', 'Matrimony Service',
	'Medical and Health', 'Non-profit', 'Online Gambling', 'OTC Drugs', 'Other', 'Physical Gambling',
	'Professional Services', 'Public Service', 'Restaurant', 'Shopping and Retail', 'Travel and Transportation',
];

function profileProblem(profile: Record<string, unknown>): string | undefined {
	const vertical = profile.vertical;
	if (vertical !== undefined && vertical !== null && !SENDER_VERTICALS.includes(vertical as string)) {
		return `vertical: '${String(vertical)}' is not one of ${SENDER_VERTICALS.join(', ')}`;
	}
	for (const [key, max] of Object.entries(PROFILE_TEXT_LIMITS)) {
		const value = profile[key];
		if (typeof value === 'string' && [...value].length > max) return `${key}: at most ${max} characters`;
	}
	if (profile.websites !== undefined && profile.websites !== null) {
		const websites = profile.websites;
		if (!Array.isArray(websites) || websites.length > 2) return 'websites: a list of at most 2 {website, label} objects';
		for (const item of websites) {
			const url = isPlainObject(item) ? item.website : undefined;
			if (typeof url !== 'string' || !isHttpUrl(url) || url.length > 256) return `websites: '${JSON.stringify(item)}' is not a {website, label} with an http(s) URL`;
		}
	}
	if (profile.emails !== undefined && profile.emails !== null) {
		const emails = profile.emails;
		if (!Array.isArray(emails) || emails.length > 1) return 'emails: a list of at most 1 {email, label} object';
		for (const item of emails) {
			const email = isPlainObject(item) ? item.email : undefined;
			if (typeof email !== 'string' || email.length > 128 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) return `emails: '${JSON.stringify(item)}' is not an {email, label} with a valid address`;
		}
	}
	return undefined;
}

/** The body is already checked against the spec's schema: known keys, strings or null. */
const updateSender: TwilioRoute = (context) => {
	const sender = findSender(context);
	if (!sender) return notFound(`/v2/Channels/Senders/${context.pathParams.Sid}`);
	const body = isPlainObject(context.request.body) ? context.request.body : {};

	const webhook = isPlainObject(body.webhook) ? body.webhook : undefined;
	const next = { ...sender.webhook };
	if (webhook) {
		for (const key of WEBHOOK_URL_KEYS) {
			if (!(key in webhook)) continue;
			const value = webhook[key] as string | null;
			if (value !== null && value !== '' && !isHttpUrl(value)) {
				return twilioError(400, 20001, `Invalid parameter webhook.${key}: '${value}' is not an http(s) URL`);
			}
			next[key] = value === '' ? null : value;
		}
		for (const key of WEBHOOK_METHOD_KEYS) {
			if (!(key in webhook)) continue;
			const value = webhook[key] as string | null;
			if (value !== null && !['POST', 'PUT', 'GET'].includes(value.toUpperCase())) {
				return twilioError(400, 20001, `Invalid parameter webhook.${key}: '${value}' is not an HTTP method Twilio calls webhooks with`);
			}
			next[key] = value === null ? null : value.toUpperCase();
		}
	}
	let profile = sender.profile;
	if (isPlainObject(body.profile)) {
		const problem = profileProblem(body.profile);
		if (problem) return twilioError(400, 20001, `Invalid parameter profile.${problem}`);
		profile = { ...sender.profile, ...body.profile };
	}
	sender.webhook = next;
	sender.profile = profile;
	if (isPlainObject(body.configuration)) sender.configuration = { ...sender.configuration, ...body.configuration };
	// Twilio answers an update with 202 Accepted and the sender as it now is.
	return { status: 202, body: senderResource(sender, context.request.baseUrl, context.state) };
};

// ---------------------------------------------------------------------------------------------

function serviceResource(service: TwilioService, account: TwilioAccount, baseUrl: string): Record<string, unknown> {
	const url = `${baseUrl}/twilio/messaging/v1/Services/${service.sid}`;
	return {
		account_sid: account.accountSid,
		...service,
		links: {
			phone_numbers: `${url}/PhoneNumbers`,
			short_codes: `${url}/ShortCodes`,
			alpha_senders: `${url}/AlphaSenders`,
			messages: `${url}/Messages`,
			us_app_to_person: `${url}/Compliance/Usa2p`,
			us_app_to_person_usecases: `${url}/Compliance/Usa2p/Usecases`,
			channel_senders: `${url}/ChannelSenders`,
			destination_alpha_senders: `${url}/DestinationAlphaSenders`,
		},
		url,
	};
}

const fetchService: TwilioRoute = ({ pathParams, account, state, request }) => {
	const service = state.webhooks.twilioService;
	if (pathParams.Sid !== service.sid) return notFound(`/v1/Services/${pathParams.Sid}`);
	return { status: 200, body: serviceResource(service, account, request.baseUrl) };
};

const SERVICE_TEXT: Record<string, keyof TwilioService> = {
	FriendlyName: 'friendly_name',
	ScanMessageContent: 'scan_message_content',
	Usecase: 'usecase',
};
/** An empty value clears these. */
const SERVICE_URLS: Record<string, keyof TwilioService> = {
	InboundRequestUrl: 'inbound_request_url',
	FallbackUrl: 'fallback_url',
	StatusCallback: 'status_callback',
};
const SERVICE_METHODS: Record<string, keyof TwilioService> = {
	InboundMethod: 'inbound_method',
	FallbackMethod: 'fallback_method',
};
const SERVICE_BOOLEANS: Record<string, keyof TwilioService> = {
	StickySender: 'sticky_sender',
	MmsConverter: 'mms_converter',
	SmartEncoding: 'smart_encoding',
	FallbackToLongCode: 'fallback_to_long_code',
	AreaCodeGeomatch: 'area_code_geomatch',
	SynchronousValidation: 'synchronous_validation',
	UseInboundWebhookOnNumber: 'use_inbound_webhook_on_number',
};

/** The form is already checked against the spec: known names, booleans, integers, URLs, methods. */
const updateService: TwilioRoute = ({ pathParams, account, state, request, form }) => {
	const service = state.webhooks.twilioService as unknown as Record<string, unknown>;
	if (pathParams.Sid !== state.webhooks.twilioService.sid) return notFound(`/v1/Services/${pathParams.Sid}`);
	for (const [name, raw] of Object.entries(form)) {
		const value = firstValue(raw) ?? '';
		if (SERVICE_TEXT[name]) service[SERVICE_TEXT[name]] = value;
		else if (SERVICE_URLS[name]) service[SERVICE_URLS[name]] = value === '' ? null : value;
		else if (SERVICE_METHODS[name]) service[SERVICE_METHODS[name]] = value.toUpperCase();
		else if (SERVICE_BOOLEANS[name]) service[SERVICE_BOOLEANS[name]] = value.toLowerCase() === 'true';
		else if (name === 'ValidityPeriod') service.validity_period = Number(value);
	}
	service.date_updated = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
	return { status: 200, body: serviceResource(state.webhooks.twilioService, account, request.baseUrl) };
};

// ---------------------------------------------------------------------------------------------
// Media of inbound messages

function mediaUri(account: TwilioAccount, media: TwilioMedia): string {
	return `/2010-04-01/Accounts/${account.accountSid}/Messages/${media.messageSid}/Media/${media.sid}.json`;
}

function mediaResource(account: TwilioAccount, media: TwilioMedia): Record<string, unknown> {
	const date = rfc2822(new Date(media.createdAt));
	return {
		account_sid: account.accountSid,
		content_type: media.contentType,
		date_created: date,
		date_updated: date,
		parent_sid: media.messageSid,
		sid: media.sid,
		uri: mediaUri(account, media),
	};
}

const fetchMedia: TwilioRoute = ({ pathParams, account, state }) => {
	const media = state.webhooks.findTwilioMedia(pathParams.MessageSid, pathParams.Sid);
	if (!media) return notFound(`/2010-04-01/Accounts/${account.accountSid}/Messages/${pathParams.MessageSid}/Media/${pathParams.Sid}.json`);
	return { status: 200, body: mediaResource(account, media) };
};

const deleteMedia: TwilioRoute = ({ pathParams, account, state }) => {
	if (!state.webhooks.deleteTwilioMedia(pathParams.MessageSid, pathParams.Sid)) {
		return notFound(`/2010-04-01/Accounts/${account.accountSid}/Messages/${pathParams.MessageSid}/Media/${pathParams.Sid}.json`);
	}
	return { status: 204 };
};

const listMedia: TwilioRoute = ({ pathParams, account, state, request }) => {
	const items = state.webhooks.twilioMedia.get(pathParams.MessageSid) ?? [];
	const size = Number(firstValue(request.query.PageSize) ?? 50);
	const page = Number(firstValue(request.query.Page) ?? 0);
	const start = Math.min(items.length, page * size);
	const slice = items.slice(start, start + size);
	const uri = `/2010-04-01/Accounts/${account.accountSid}/Messages/${pathParams.MessageSid}/Media.json`;
	return {
		status: 200,
		body: {
			media_list: slice.map((m) => mediaResource(account, m)),
			end: Math.max(0, start + slice.length - 1),
			first_page_uri: `${uri}?PageSize=${size}&Page=0`,
			next_page_uri: start + size < items.length ? `${uri}?PageSize=${size}&Page=${page + 1}` : null,
			page,
			page_size: size,
			previous_page_uri: page > 0 ? `${uri}?PageSize=${size}&Page=${page - 1}` : null,
			start,
			uri: `${uri}?PageSize=${size}&Page=${page}`,
		},
	};
};

/**
 * The media URL of an inbound message (MediaUrl0…, no `.json`): like Twilio, a 307 to a
 * short-lived CDN URL that serves the bytes without credentials.
 */
export const mediaContent: TwilioRoute = ({ pathParams, account, state, request }) => {
	const media = state.webhooks.findTwilioMedia(pathParams.MessageSid, pathParams.Sid);
	if (!media) return notFound(`/2010-04-01/Accounts/${account.accountSid}/Messages/${pathParams.MessageSid}/Media/${pathParams.Sid}`);
	return {
		status: 307,
		body: '',
		headers: { location: `${request.baseUrl}/twilio/cdn/${account.accountSid}/${media.cdnToken}`, 'content-type': 'text/plain' },
	};
};

/** GET /twilio/cdn/<AccountSid>/<token>: no auth (the token is the credential), as a pre-signed URL. */
export function cdnReply(method: string, accountSid: string, token: string, account: TwilioAccount, webhooks: WebhookState): SandboxReply {
	const media = accountSid === account.accountSid ? webhooks.findTwilioMediaByCdnToken(token) : undefined;
	if (!media || (method !== 'GET' && method !== 'HEAD')) {
		return {
			status: 403,
			body: '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>',
			headers: { 'content-type': 'application/xml' },
		};
	}
	return {
		status: 200,
		body: method === 'HEAD' ? '' : media.bytes,
		headers: { 'content-type': media.contentType, 'cache-control': 'private, max-age=300' },
	};
}

export const TWILIO_WEBHOOK_ROUTES: Record<string, TwilioRoute> = {
	ListChannelsSender: listSenders,
	FetchChannelsSender: fetchSender,
	UpdateChannelsSender: updateSender,
	FetchService: fetchService,
	UpdateService: updateService,
	FetchMedia: fetchMedia,
	DeleteMedia: deleteMedia,
	ListMedia: listMedia,
};

// ---------------------------------------------------------------------------------------------

function senderView(sender: TwilioSender): TwilioSenderView {
	return { sid: sender.sid, senderId: sender.sender_id, status: sender.status, webhook: { ...sender.webhook } };
}

function serviceView(service: TwilioService): TwilioServiceView {
	return {
		sid: service.sid,
		inboundRequestUrl: service.inbound_request_url,
		inboundMethod: service.inbound_method,
		fallbackUrl: service.fallback_url,
		fallbackMethod: service.fallback_method,
		statusCallback: service.status_callback,
		useInboundWebhookOnNumber: service.use_inbound_webhook_on_number,
	};
}

export function twilioWebhooksView(webhooks: WebhookState): TwilioWebhooks {
	return {
		sender: senderView(webhooks.ownSender),
		senders: webhooks.twilioSenders.map(senderView),
		service: serviceView(webhooks.twilioService),
	};
}
