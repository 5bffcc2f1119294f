// Emulation of Twilio's REST APIs under /twilio/<product>/..., where <product> is the first
// label of the real host (api, content, messaging, lookups).
// Order for every request: Basic auth, then the OpenAPI check (twilioSpec.ts), then the route
// for the operation the spec matched. Routes are keyed by Twilio's operationId so a route can
// only exist for an operation the official spec has.

import { twilioAccountState } from './setupCheck';
import type { SandboxState } from './state';
import {
	approvalRequests,
	contentAndApprovalsResource,
	contentPlaceholders,
	contentResource,
	CONTENT_LIMITS,
	newContent,
	TwilioContentError,
} from './twilioContent';
import { notFound, twilioError, unauthorized } from './twilioErrors';
import type { FormBody, ProviderHandler, SandboxReply, SandboxRequest, TwilioAccount } from './types';
import { twilioListPage } from './twilioPaging';
import { TwilioSpec } from './twilioSpec';
import { cdnReply, mediaContent, TWILIO_WEBHOOK_ROUTES } from './twilioWebhooks';
import { TWILIO_MESSAGE_ROUTES } from './twilioMessages';
import { TWILIO_PROFILE_ROUTES } from './twilioProfile';
import { TWILIO_TEMPLATE_ADMIN_ROUTES } from './twilioTemplateAdmin';
import { firstValue, isPlainObject, mediaType, randomHex, rfc2822 } from './util';

const API_VERSION = '2010-04-01';

export { twilioError } from './twilioErrors';

export interface RouteContext {
	request: SandboxRequest;
	pathParams: Record<string, string>;
	/** The form body; empty for JSON or bodiless requests (those read request.body). */
	form: FormBody;
	account: TwilioAccount;
	accountCreated: Date;
	state: SandboxState;
}

export type TwilioRoute = (context: RouteContext) => SandboxReply;

// ---------------------------------------------------------------------------------------------
// api.twilio.com/2010-04-01

function accountUri(account: TwilioAccount, rest = '.json'): string {
	return `/${API_VERSION}/Accounts/${account.accountSid}${rest}`;
}

const ACCOUNT_SUBRESOURCES: Record<string, string> = {
	available_phone_numbers: '/AvailablePhoneNumbers.json',
	calls: '/Calls.json',
	conferences: '/Conferences.json',
	incoming_phone_numbers: '/IncomingPhoneNumbers.json',
	notifications: '/Notifications.json',
	outgoing_caller_ids: '/OutgoingCallerIds.json',
	recordings: '/Recordings.json',
	transcriptions: '/Transcriptions.json',
	addresses: '/Addresses.json',
	signing_keys: '/SigningKeys.json',
	connect_apps: '/ConnectApps.json',
	sip: '/SIP.json',
	authorized_connect_apps: '/AuthorizedConnectApps.json',
	usage: '/Usage.json',
	keys: '/Keys.json',
	applications: '/Applications.json',
	short_codes: '/SMS/ShortCodes.json',
	queues: '/Queues.json',
	messages: '/Messages.json',
	balance: '/Balance.json',
};

const fetchAccount: TwilioRoute = ({ account, accountCreated, state }) => {
	// Seeded by Sandbox.setSetupFaults: a suspended or closed account, a Trial account.
	const { status, type } = twilioAccountState(state.setupFaults.twilio);
	const subresourceUris: Record<string, string> = {};
	for (const [key, rest] of Object.entries(ACCOUNT_SUBRESOURCES)) subresourceUris[key] = accountUri(account, rest);
	return {
		status: 200,
		body: {
			// The real API returns the auth token too; kept so leaks of this field can be tested.
			auth_token: account.authToken,
			date_created: rfc2822(accountCreated),
			date_updated: rfc2822(accountCreated),
			friendly_name: 'Omni Sandbox',
			owner_account_sid: account.accountSid,
			sid: account.accountSid,
			status,
			subresource_uris: subresourceUris,
			type,
			uri: accountUri(account),
		},
	};
};

interface Address {
	/** `whatsapp`, or '' for a plain phone number (SMS). */
	channel: string;
	number: string;
}

function parseAddress(value: string): Address | undefined {
	const match = /^(?:([a-z]+):)?(\+?[1-9]\d{6,14})$/.exec(value.trim());
	if (!match) return undefined;
	const channel = match[1] ?? '';
	// WhatsApp addresses must be full E.164 with the plus; SMS numbers may omit it.
	if (channel !== '' && !match[2].startsWith('+')) return undefined;
	if (channel !== '' && channel !== 'whatsapp') return undefined;
	return { channel, number: match[2].startsWith('+') ? match[2] : `+${match[2]}` };
}

function listValue(value: string | string[] | undefined): string[] {
	if (value === undefined) return [];
	return Array.isArray(value) ? value : [value];
}

const BODY_MAX = 1600;

/**
 * `geo:<lat>,<long>|<label>` (the label is optional), the PersistentAction WhatsApp renders as a
 * location. Returns a problem, or undefined.
 */
function persistentActionProblem(action: string): string | undefined {
	const match = /^geo:(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)(?:\|(.*))?$/s.exec(action);
	if (!match) return `'${action}' is not geo:<latitude>,<longitude>|<label>`;
	const latitude = Number(match[1]);
	const longitude = Number(match[2]);
	if (latitude < -90 || latitude > 90) return `latitude ${match[1]} is outside -90..90`;
	if (longitude < -180 || longitude > 180) return `longitude ${match[2]} is outside -180..180`;
	return undefined;
}

interface ContentSend {
	sid: string;
	variables: Record<string, string>;
}

/**
 * ContentSid/ContentVariables checks. Codes:
 *   21654  ContentVariables without ContentSid (Twilio's "ContentSid Required")
 *   21655  ContentSid not in this account's content store
 *   63030  ContentSid together with Body or MediaUrl. Twilio's docs only say not to combine them;
 *          63030 ("Unsupported parameter for type of channels message") is the closest code.
 *   21656  ContentVariables not a JSON object of non-empty strings
 *   63028  a variable the content does not have, or one it has that is neither given nor has a
 *          default in the content's `variables` (Twilio falls back to those defaults)
 *   21658  a value over 1600 characters
 */
function checkContent(form: FormBody, state: SandboxState): ContentSend | SandboxReply | undefined {
	const contentSid = firstValue(form.ContentSid);
	const contentVariables = firstValue(form.ContentVariables);
	if (!contentSid) {
		if (contentVariables !== undefined) {
			return twilioError(400, 21654, 'A ContentSid must be specified if ContentVariables are provided in the request.');
		}
		return undefined;
	}
	const content = state.twilioContents.find((c) => c.sid === contentSid);
	if (!content) return twilioError(400, 21655, `The Content SID is invalid: ${contentSid} is not a Content resource of this account.`);
	if (firstValue(form.Body) !== undefined || form.MediaUrl !== undefined) {
		return twilioError(400, 63030, 'Unsupported parameter: a message sent with ContentSid takes neither Body nor MediaUrl.');
	}

	let given: Record<string, unknown> = {};
	if (contentVariables !== undefined) {
		let parsed: unknown;
		try {
			parsed = JSON.parse(contentVariables);
		} catch {
			parsed = undefined;
		}
		if (!isPlainObject(parsed)) return twilioError(400, 21656, 'The ContentVariables Parameter is invalid.');
		given = parsed;
	}
	const variables: Record<string, string> = {};
	for (const [key, value] of Object.entries(given)) {
		if (typeof value !== 'string' || value === '') {
			return twilioError(400, 21656, `The ContentVariables Parameter is invalid: variable '${key}' must be a non-empty string.`);
		}
		if (value.length > CONTENT_LIMITS.variableValue) {
			return twilioError(400, 21658, `Parameter exceeded character limit: variable '${key}' is over ${CONTENT_LIMITS.variableValue} characters.`);
		}
		variables[key] = value;
	}
	const expected = contentPlaceholders(content.types);
	const extra = Object.keys(variables).filter((key) => !expected.includes(key));
	const missing = expected.filter((key) => variables[key] === undefined && content.variables[key] === undefined);
	if (extra.length > 0 || missing.length > 0) {
		const parts = [];
		if (missing.length > 0) parts.push(`missing ${missing.map((k) => `{{${k}}}`).join(', ')}`);
		if (extra.length > 0) parts.push(`not in the content ${extra.map((k) => `{{${k}}}`).join(', ')}`);
		return twilioError(
			400,
			63028,
			`Number of parameters provided does not match the expected number of parameters: content ${contentSid} takes ${expected.map((k) => `{{${k}}}`).join(', ') || 'no variables'}; ${parts.join('; ')}.`,
		);
	}
	return { sid: contentSid, variables: { ...content.variables, ...variables } };
}

const createMessage: TwilioRoute = ({ form, account, state }) => {
	const toRaw = firstValue(form.To);
	if (!toRaw) return twilioError(400, 21604, "A 'To' phone number is required.");
	const to = parseAddress(toRaw);
	if (!to) return twilioError(400, 21211, `The 'To' number ${toRaw} is not a valid phone number.`);

	const fromRaw = firstValue(form.From);
	const serviceSid = firstValue(form.MessagingServiceSid);
	if (!fromRaw && !serviceSid) return twilioError(400, 21603, "A 'From' phone number is required.");
	if (serviceSid && serviceSid !== account.messagingServiceSid) {
		return twilioError(400, 21701, `The Messaging Service Sid ${serviceSid} is invalid.`);
	}
	if (fromRaw) {
		const from = parseAddress(fromRaw);
		if (!from) {
			return twilioError(
				400,
				21212,
				`The 'From' number ${fromRaw} is not a valid phone number, shortcode, or alphanumeric sender ID.`,
			);
		}
		if (from.channel !== to.channel) {
			return twilioError(400, 21910, 'Invalid From and To pair. From and To should be of the same channel');
		}
		const own = parseAddress(account.whatsAppNumber);
		if (from.channel === 'whatsapp' && from.number !== own?.number) {
			return twilioError(400, 63007, 'Twilio could not find a Channel with the specified From address');
		}
		if (from.channel === '') {
			// The sandbox account owns only its WhatsApp sender, no SMS-capable number.
			return twilioError(
				400,
				21606,
				`The From phone number ${fromRaw} is not a valid, SMS-capable inbound phone number or short code for your account.`,
			);
		}
	}

	const body = firstValue(form.Body);
	// WhatsApp shows one attachment; Twilio takes several (and drops the extras), so all are kept.
	const mediaUrls = listValue(form.MediaUrl);
	const contentSid = firstValue(form.ContentSid);
	if (!body && mediaUrls.length === 0 && !contentSid) return twilioError(400, 21602, 'Message body is required.');
	if (body && body.length > BODY_MAX) {
		return twilioError(400, 21617, `The concatenated message body exceeds the ${BODY_MAX} character limit.`);
	}
	if (mediaUrls.some((url) => !/^https?:\/\/[^\s]+$/i.test(url))) {
		return twilioError(400, 21620, 'Invalid media URL(s)');
	}
	const persistentActions = listValue(form.PersistentAction);
	for (const action of persistentActions) {
		const problem = persistentActionProblem(action);
		// 63021 is WhatsApp's "Channel invalid content error"; Twilio documents no code of its own
		// for a malformed PersistentAction, and this is content WhatsApp would refuse.
		if (problem) return twilioError(400, 63021, `Invalid PersistentAction: ${problem}.`);
	}
	const content = checkContent(form, state);
	if (content && 'status' in content) return content;

	const sid = `${mediaUrls.length > 0 ? 'MM' : 'SM'}${randomHex(32)}`;
	const now = rfc2822();
	const statusCallback = firstValue(form.StatusCallback);
	state.recordOutbound({
		provider: 'twilio',
		id: sid,
		to: toRaw,
		from: fromRaw ?? serviceSid ?? '',
		type: content ? 'content' : persistentActions.some((a) => a.startsWith('geo:')) ? 'location' : mediaUrls.length > 0 ? 'media' : 'text',
		content: {
			body: body ?? null,
			media_urls: mediaUrls,
			persistent_action: persistentActions,
			content_sid: content?.sid ?? null,
			content_variables: content?.variables ?? null,
		},
		...(statusCallback ? { statusCallback } : {}),
		timestamp: Date.now(),
	});
	return {
		status: 201,
		body: {
			account_sid: account.accountSid,
			api_version: API_VERSION,
			body: body ?? '',
			date_created: now,
			date_sent: null,
			date_updated: now,
			direction: 'outbound-api',
			error_code: null,
			error_message: null,
			from: fromRaw ?? null,
			messaging_service_sid: serviceSid ?? null,
			num_media: String(mediaUrls.length),
			num_segments: '1',
			price: null,
			price_unit: 'USD',
			sid,
			// A Messaging Service first picks a sender, which Twilio reports as `accepted`.
			status: serviceSid ? 'accepted' : 'queued',
			subresource_uris: { media: accountUri(account, `/Messages/${sid}/Media.json`) },
			to: toRaw,
			uri: accountUri(account, `/Messages/${sid}.json`),
		},
	};
};

// ---------------------------------------------------------------------------------------------
// messaging.twilio.com/v2/Indicators/Typing.json

/**
 * The typing indicator (which also marks the message read) takes the SID of an *inbound*
 * WhatsApp message. For any other well-formed SID Twilio answers 400 with the message below
 * (seen in twilio/twilio-python#894); its code is undocumented, so the generic 20001 is used.
 * A malformed SID never gets here: the OpenAPI pattern rejects it first, also with 20001.
 */
const createTypingIndicator: TwilioRoute = ({ form, state }) => {
	const messageId = firstValue(form.messageId) ?? '';
	if (!state.twilioInboundSids.has(messageId)) {
		return twilioError(400, 20001, `invalid or incomplete inbound data in MDR: ${messageId} is not an inbound WhatsApp message of this account`);
	}
	state.markRead('twilio', messageId, true);
	return { status: 200, body: { success: true } };
};

// ---------------------------------------------------------------------------------------------
// content.twilio.com/v1

function contentError(error: unknown): SandboxReply {
	if (error instanceof TwilioContentError) return twilioError(400, error.code, error.message);
	throw error;
}

const createContent: TwilioRoute = ({ request, account, state }) => {
	try {
		const content = newContent(request.body as Parameters<typeof newContent>[0], state.twilioContents);
		state.twilioContents.push(content);
		return { status: 201, body: contentResource(content, account, request.baseUrl) };
	} catch (error) {
		return contentError(error);
	}
};

const listContent: TwilioRoute = ({ request, account, state }) =>
	twilioListPage(state.twilioContents, request, { url: `${request.baseUrl}/twilio/content/v1/Content`, key: 'contents', sidPrefix: 'HX' }, (c) =>
		contentResource(c, account, request.baseUrl),
	);

const listContentAndApprovals: TwilioRoute = ({ request, account, state }) =>
	twilioListPage(
		state.twilioContents,
		request,
		{ url: `${request.baseUrl}/twilio/content/v1/ContentAndApprovals`, key: 'contents', sidPrefix: 'HX' },
		(c) => contentAndApprovalsResource(c, account),
	);

const fetchContent: TwilioRoute = ({ request, pathParams, account, state }) => {
	const content = state.twilioContents.find((c) => c.sid === pathParams.Sid);
	if (!content) return notFound(`/v1/Content/${pathParams.Sid}`);
	return { status: 200, body: contentResource(content, account, request.baseUrl) };
};

// What the SDK's contents(sid).approvalFetch() reads: the WhatsApp approval under `whatsapp`.
const fetchApprovals: TwilioRoute = ({ request, pathParams, account, state }) => {
	const content = state.twilioContents.find((c) => c.sid === pathParams.Sid);
	if (!content) return notFound(`/v1/Content/${pathParams.Sid}/ApprovalRequests`);
	return {
		status: 200,
		body: {
			sid: content.sid,
			account_sid: account.accountSid,
			url: `${request.baseUrl}/twilio/content/v1/Content/${content.sid}/ApprovalRequests`,
			whatsapp: approvalRequests(content),
		},
	};
};

const deleteContent: TwilioRoute = ({ pathParams, state }) => {
	const index = state.twilioContents.findIndex((c) => c.sid === pathParams.Sid);
	if (index < 0) return notFound(`/v1/Content/${pathParams.Sid}`);
	state.twilioContents.splice(index, 1);
	return { status: 204 };
};

export const TWILIO_ROUTES: Record<string, TwilioRoute> = {
	FetchAccount: fetchAccount,
	CreateMessage: createMessage,
	CreateTypingIndicator: createTypingIndicator,
	CreateContent: createContent,
	ListContent: listContent,
	FetchContent: fetchContent,
	DeleteContent: deleteContent,
	ListContentAndApprovals: listContentAndApprovals,
	FetchApprovalFetch: fetchApprovals,
	...TWILIO_WEBHOOK_ROUTES,
	...TWILIO_MESSAGE_ROUTES,
	...TWILIO_PROFILE_ROUTES,
	...TWILIO_TEMPLATE_ADMIN_ROUTES,
};

// ---------------------------------------------------------------------------------------------

function basicCredentials(request: SandboxRequest): { user: string; password: string } | undefined {
	const header = firstValue(request.headers.authorization);
	const match = header ? /^Basic\s+(\S+)$/i.exec(header.trim()) : null;
	if (!match) return undefined;
	const decoded = Buffer.from(match[1], 'base64').toString('utf8');
	const colon = decoded.indexOf(':');
	if (colon < 0) return undefined;
	return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function authenticated(request: SandboxRequest, account: TwilioAccount): boolean {
	const credentials = basicCredentials(request);
	if (!credentials) return false;
	const { user, password } = credentials;
	return (
		(user === account.accountSid && password === account.authToken) ||
		(user === account.apiKeySid && password === account.apiKeySecret)
	);
}

let sharedSpec: TwilioSpec | undefined;

function defaultSpec(): TwilioSpec {
	sharedSpec ??= TwilioSpec.load();
	return sharedSpec;
}

export function createTwilioHandler(account: TwilioAccount, state: SandboxState, spec: TwilioSpec = defaultSpec()): ProviderHandler {
	const accountCreated = new Date();
	const products = new Set(spec.products);
	const requestIdHeader = () => ({ 'twilio-request-id': `RQ${randomHex(32)}` });

	function handle(request: SandboxRequest): SandboxReply {
		// The CDN that inbound media URLs redirect to: no Basic auth, the token is the credential.
		const cdn = /^\/cdn\/([^/]+)\/([^/]+)$/.exec(request.path);
		if (cdn) return cdnReply(request.method, cdn[1], cdn[2], account, state.webhooks);

		const match = /^\/([a-z]+)(\/.*)$/.exec(request.path);
		if (!match || !products.has(match[1])) return notFound(request.path);
		const [, product] = match;
		let path = match[2];
		// A media URL without `.json` is the file itself. It is checked as the Media resource
		// (same path parameters), then answered with the bytes rather than the JSON.
		const mediaFile =
			product === 'api' && request.method === 'GET' && /^\/2010-04-01\/Accounts\/[^/]+\/Messages\/[^/]+\/Media\/[^/.]+$/.test(path);
		if (mediaFile) path = `${path}.json`;

		if (!authenticated(request, account)) return unauthorized();
		// The credentials are right but name another account in the path: Twilio says 20003 too.
		const pathAccount = /^\/2010-04-01\/Accounts\/([^/.]+)/.exec(path);
		if (product === 'api' && pathAccount && pathAccount[1] !== account.accountSid) return unauthorized();

		const checked = spec.check({
			product,
			method: request.method,
			path,
			query: request.query,
			rawBody: request.rawBody,
			body: request.body,
			contentType: request.contentType,
		});
		if (!checked.ok) return twilioError(checked.status, checked.code, checked.message);

		const route = mediaFile && checked.operationId === 'FetchMedia' ? mediaContent : TWILIO_ROUTES[checked.operationId];
		if (!route) return notFound(path, `the sandbox does not emulate ${checked.operationId} yet`);
		return route({
			request,
			pathParams: checked.pathParams,
			form: mediaType(request.contentType) === 'application/x-www-form-urlencoded' ? (request.body as FormBody) : {},
			account,
			accountCreated,
			state,
		});
	}

	return {
		provider: 'twilio',
		prefix: '/twilio',
		handle(request) {
			const reply = handle(request);
			return { ...reply, headers: { ...requestIdHeader(), ...reply.headers } };
		},
		faultReply(kind, retryAfterSeconds) {
			const reply =
				kind === '429' || kind === '131056'
					? twilioError(429, 20429, 'Too Many Requests', { 'retry-after': String(retryAfterSeconds) })
					: twilioError(500, 20500, 'Internal Server Error');
			return { ...reply, headers: { ...requestIdHeader(), ...reply.headers } };
		},
		tooLargeReply(limitBytes) {
			// Twilio's codes mirror HTTP statuses in the 20xxx range (20404, 20429, 20500).
			const reply = twilioError(413, 20413, `Request Entity Too Large: the body is over ${limitBytes} bytes`);
			return { ...reply, headers: { ...requestIdHeader(), ...reply.headers } };
		},
	};
}
