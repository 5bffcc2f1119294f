// Webhook registration in the Graph API emulation, and Meta's verification handshake:
//   POST/GET /<phone-number-id>  webhook_configuration (phone-number override)
//   POST/GET/DELETE /<waba-id>/subscribed_apps  (app subscribed to the WABA, WABA override)
//   POST/GET/DELETE /<app-id>/subscriptions  (app callback URL and fields; app access token)
//   GET /oauth/access_token  (client_credentials → app access token, as n8n's own trigger gets one)
// plus the precedence rule that picks the URL a delivery goes to.

import { randomInt } from 'node:crypto';

import { callout } from './callout';
import { invalidToken, MetaError, requiredParameter, unsupportedRequest } from './metaErrors';
import type { HandshakeRecord, MetaAccount, MetaWebhooks, SandboxReply, SandboxRequest } from './types';
import { firstValue, isPlainObject } from './util';
import { META_OVERRIDE_FIELDS, META_WEBHOOK_FIELDS } from './webhookState';
import type { WebhookState } from './webhookState';

/** Meta's limit for override_callback_uri (phone number and WABA). */
export const OVERRIDE_URI_MAX = 200;

export const META_APP_NAME = 'Omni Sandbox App';

/** The User-Agent of Meta's verification GET. */
const HANDSHAKE_USER_AGENT = 'facebookplatform/1.0 (+http://developers.facebook.com)';

type Level = HandshakeRecord['level'];

function graphError(message: string, code = 100, status = 400): MetaError {
	return new MetaError(status, { message, type: 'OAuthException', code });
}

/** The access token of a Graph call: header, query, or a form/JSON body field. */
export function requestToken(request: SandboxRequest): string | undefined {
	const header = firstValue(request.headers.authorization);
	if (header) {
		const match = /^(?:Bearer|OAuth)\s+(.+)$/i.exec(header.trim());
		return match ? match[1].trim() : undefined;
	}
	const fromQuery = firstValue(request.query.access_token);
	if (fromQuery !== undefined) return fromQuery;
	const body = request.body;
	if (isPlainObject(body)) {
		const value = body.access_token;
		if (typeof value === 'string') return value;
		if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
	}
	return undefined;
}

/**
 * A parameter of a Graph call, as Graph reads them: from a JSON or form body, else from the query
 * string. Form values arrive as strings; JSON values as they are.
 */
function param(request: SandboxRequest, name: string): unknown {
	const body = request.body;
	if (isPlainObject(body) && body[name] !== undefined) {
		const value = body[name];
		return Array.isArray(value) && request.contentType.includes('x-www-form-urlencoded') ? value[0] : value;
	}
	return firstValue(request.query[name]);
}

function paramNames(request: SandboxRequest): string[] {
	const names = new Set<string>(Object.keys(request.query));
	if (isPlainObject(request.body)) for (const key of Object.keys(request.body)) names.add(key);
	names.delete('access_token');
	names.delete('appsecret_proof');
	return [...names];
}

function stringParam(value: unknown, name: string): string | undefined {
	if (value === undefined || value === null) return undefined;
	if (typeof value !== 'string') throw graphError(`(#100) Param ${name} must be a string`);
	return value;
}

function checkCallbackUrl(url: string, name: string, maxLength?: number): void {
	if (maxLength !== undefined && url.length > maxLength) {
		throw graphError(`(#100) Param ${name} must be at most ${maxLength} characters long`);
	}
	let parsed: URL | undefined;
	try {
		parsed = new URL(url);
	} catch {
		parsed = undefined;
	}
	if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) {
		throw graphError(`(#100) Param ${name} must be a valid URL`);
	}
}

function curlDetails(error: string | undefined, url: string, timeoutMs: number): string {
	const { hostname, port, protocol } = new URL(url);
	const portNumber = port || (protocol === 'https:' ? '443' : '80');
	switch (error) {
		case 'ECONNREFUSED':
			return `curl_errno = 7; curl_error = Failed to connect to ${hostname} port ${portNumber}: Connection refused`;
		case 'timeout':
			return `curl_errno = 28; curl_error = Operation timed out after ${timeoutMs} milliseconds with 0 bytes received`;
		case 'ENOTFOUND':
			return `curl_errno = 6; curl_error = Could not resolve host: ${hostname}`;
		default:
			return `curl_errno = 56; curl_error = Failure when receiving data from the peer (${error ?? 'unknown'})`;
	}
}

/**
 * Meta's verification request: GET <url>?hub.mode=subscribe&hub.challenge=…&hub.verify_token=…
 * It passes on 200 with exactly the challenge as the body; anything else fails the
 * registration with error 2200 and nothing is stored.
 */
export async function metaHandshake(webhooks: WebhookState, level: Level, url: string, verifyToken: string): Promise<void> {
	const challenge = String(randomInt(1_000_000_000, 2_147_483_647));
	const target = new URL(url);
	target.searchParams.append('hub.mode', 'subscribe');
	target.searchParams.append('hub.challenge', challenge);
	target.searchParams.append('hub.verify_token', verifyToken);
	const at = Date.now();
	const answer = await callout({
		method: 'GET',
		url: target.toString(),
		headers: { 'User-Agent': HANDSHAKE_USER_AGENT, Accept: '*/*' },
		timeoutMs: webhooks.timeoutMs,
	});
	const body = answer.body.toString('utf8');
	const ok = answer.status === 200 && body === challenge;
	webhooks.record({
		kind: 'handshake',
		level,
		url: target.toString(),
		method: 'GET',
		verifyToken,
		challenge,
		ok,
		status: answer.status,
		statusText: answer.statusText,
		responseHeaders: answer.headers,
		responseBody: body,
		...(answer.error ? { error: answer.error } : {}),
		at,
		durationMs: Date.now() - at,
	});
	if (ok) return;

	let details: string;
	if (answer.status === 0) {
		details = `${curlDetails(answer.error, url, webhooks.timeoutMs)}; HTTP Status Code = 0; HTTP Message = None`;
	} else {
		details = `HTTP Status Code = ${answer.status}; HTTP Message = ${answer.statusText || 'None'}`;
		if (answer.status === 200) {
			const received = body.length > 100 ? `${body.slice(0, 100)}…` : body;
			details += `; Response does not match challenge, expected value="${challenge}", received="${received}"`;
		}
	}
	throw graphError(`(#2200) Callback verification failed with the following errors: ${details}`, 2200);
}

// ---------------------------------------------------------------------------------------------

/** What GET /<phone-number-id>?fields=webhook_configuration shows. */
export function webhookConfiguration(webhooks: WebhookState): Record<string, string> {
	const out: Record<string, string> = {};
	if (webhooks.metaPhoneOverride) out.phone_number = webhooks.metaPhoneOverride.url;
	if (webhooks.metaWaba?.url) out.whatsapp_business_account = webhooks.metaWaba.url;
	if (webhooks.metaApp) out.application = webhooks.metaApp.url;
	return out;
}

export function metaWebhooksView(webhooks: WebhookState): MetaWebhooks {
	const view: MetaWebhooks = {};
	if (webhooks.metaPhoneOverride) view.phoneNumber = { ...webhooks.metaPhoneOverride };
	if (webhooks.metaWaba) view.waba = { ...webhooks.metaWaba };
	if (webhooks.metaApp) {
		const app = webhooks.metaApp;
		view.app = {
			url: app.url,
			fields: [...app.fields.keys()],
			verifyToken: app.verifyToken,
			includeValues: app.includeValues,
			versions: Object.fromEntries(app.fields),
		};
	}
	return view;
}

async function updatePhoneNumber(request: SandboxRequest, webhooks: WebhookState): Promise<SandboxReply> {
	const names = paramNames(request);
	const unknown = names.find((name) => name !== 'webhook_configuration');
	if (unknown !== undefined) {
		throw graphError(`(#100) Param ${unknown} is not supported: the sandbox updates only webhook_configuration on a phone number`);
	}
	let configuration = param(request, 'webhook_configuration');
	if (configuration === undefined) throw requiredParameter('webhook_configuration');
	if (typeof configuration === 'string') {
		// A form body carries it as JSON text, as Graph accepts.
		try {
			configuration = JSON.parse(configuration);
		} catch {
			throw graphError('(#100) Param webhook_configuration must be a JSON object');
		}
	}
	if (!isPlainObject(configuration)) throw graphError('(#100) Param webhook_configuration must be a JSON object');
	for (const key of Object.keys(configuration)) {
		if (key !== 'override_callback_uri' && key !== 'verify_token') {
			throw graphError(`(#100) Unexpected key "${key}" on param "webhook_configuration".`);
		}
	}
	const uri = stringParam(configuration.override_callback_uri, "webhook_configuration['override_callback_uri']");
	if (uri === undefined) throw requiredParameter("webhook_configuration['override_callback_uri']");
	if (uri === '') {
		webhooks.metaPhoneOverride = undefined;
		return { status: 200, body: { success: true } };
	}
	checkCallbackUrl(uri, "webhook_configuration['override_callback_uri']", OVERRIDE_URI_MAX);
	const verifyToken = stringParam(configuration.verify_token, "webhook_configuration['verify_token']");
	if (verifyToken === undefined || verifyToken === '') throw requiredParameter("webhook_configuration['verify_token']");
	await metaHandshake(webhooks, 'phone_number', uri, verifyToken);
	webhooks.metaPhoneOverride = { url: uri, verifyToken };
	return { status: 200, body: { success: true } };
}

async function subscribedApps(request: SandboxRequest, account: MetaAccount, webhooks: WebhookState): Promise<SandboxReply> {
	if (request.method === 'GET') {
		const waba = webhooks.metaWaba;
		const data = waba?.subscribed
			? [
					{
						whatsapp_business_api_data: {
							id: account.appId,
							link: `https://www.facebook.com/games/?app_id=${account.appId}`,
							name: META_APP_NAME,
						},
						...(waba.url ? { override_callback_uri: waba.url } : {}),
					},
				]
			: [];
		return { status: 200, body: { data } };
	}
	if (request.method === 'DELETE') {
		webhooks.metaWaba = { subscribed: false };
		return { status: 200, body: { success: true } };
	}
	if (request.method !== 'POST') throw unsupportedRequest(request.method, account.wabaId);

	const unknown = paramNames(request).find((name) => name !== 'override_callback_uri' && name !== 'verify_token');
	if (unknown !== undefined) throw graphError(`(#100) Param ${unknown} is not valid for subscribed_apps`);
	const uri = stringParam(param(request, 'override_callback_uri'), 'override_callback_uri');
	const verifyToken = stringParam(param(request, 'verify_token'), 'verify_token');
	if (uri === undefined || uri === '') {
		if (verifyToken !== undefined && verifyToken !== '' && uri === undefined) throw requiredParameter('override_callback_uri');
		// Subscribing again without an override clears it (Meta's override page).
		webhooks.metaWaba = { subscribed: true };
		return { status: 200, body: { success: true } };
	}
	checkCallbackUrl(uri, 'override_callback_uri', OVERRIDE_URI_MAX);
	if (verifyToken === undefined || verifyToken === '') throw requiredParameter('verify_token');
	await metaHandshake(webhooks, 'whatsapp_business_account', uri, verifyToken);
	webhooks.metaWaba = { subscribed: true, url: uri, verifyToken };
	return { status: 200, body: { success: true } };
}

function fieldList(value: unknown): string[] {
	let list: unknown = value;
	if (typeof value === 'string') {
		const text = value.trim();
		if (text.startsWith('[')) {
			try {
				list = JSON.parse(text);
			} catch {
				throw graphError('(#100) Param fields must be a comma-separated list or a JSON array of field names');
			}
		} else {
			list = text.split(',');
		}
	}
	if (!Array.isArray(list) || list.some((f) => typeof f !== 'string')) {
		throw graphError('(#100) Param fields must be a comma-separated list or a JSON array of field names');
	}
	return (list as string[]).map((f) => f.trim()).filter((f) => f.length > 0);
}

function booleanParam(value: unknown, name: string): boolean | undefined {
	if (value === undefined) return undefined;
	if (typeof value === 'boolean') return value;
	if (value === 'true' || value === '1') return true;
	if (value === 'false' || value === '0') return false;
	throw graphError(`(#100) Param ${name} must be a boolean`);
}

const OBJECT_NAME = 'whatsapp_business_account';

async function appSubscriptions(
	request: SandboxRequest,
	version: string,
	account: MetaAccount,
	webhooks: WebhookState,
): Promise<SandboxReply> {
	const token = requestToken(request);
	if (!webhooks.isMetaAppToken(token)) {
		if (token === account.accessToken) {
			throw new MetaError(400, { message: '(#15) This method must be called with an app access_token', type: 'OAuthException', code: 15 });
		}
		throw invalidToken();
	}

	if (request.method === 'GET') {
		const app = webhooks.metaApp;
		const data = app
			? [
					{
						object: OBJECT_NAME,
						callback_url: app.url,
						active: true,
						fields: [...app.fields].map(([name, fieldVersion]) => ({ name, version: fieldVersion })),
					},
				]
			: [];
		return { status: 200, body: { data } };
	}

	const object = stringParam(param(request, 'object'), 'object');
	if (request.method === 'DELETE') {
		// Without `object` Graph removes every subscription of the app; with `fields`, only those.
		if (object !== undefined && object !== OBJECT_NAME) return { status: 200, body: { success: true } };
		const fields = param(request, 'fields');
		if (fields !== undefined && webhooks.metaApp) {
			for (const field of fieldList(fields)) webhooks.metaApp.fields.delete(field);
			if (webhooks.metaApp.fields.size > 0) return { status: 200, body: { success: true } };
		}
		webhooks.metaApp = undefined;
		return { status: 200, body: { success: true } };
	}
	if (request.method !== 'POST') throw unsupportedRequest(request.method, account.appId);

	if (object === undefined) throw requiredParameter('object');
	if (object !== OBJECT_NAME) {
		throw graphError(`(#100) Param object must be ${OBJECT_NAME}: the sandbox emulates only WhatsApp Business Account subscriptions`);
	}
	const callbackUrl = stringParam(param(request, 'callback_url'), 'callback_url');
	if (callbackUrl === undefined || callbackUrl === '') throw requiredParameter('callback_url');
	checkCallbackUrl(callbackUrl, 'callback_url');
	const rawFields = param(request, 'fields');
	if (rawFields === undefined) throw requiredParameter('fields');
	const fields = fieldList(rawFields);
	if (fields.length === 0) throw requiredParameter('fields');
	const invalid = fields.filter((f) => !META_WEBHOOK_FIELDS.includes(f));
	if (invalid.length > 0) throw graphError(`(#100) Invalid field name(s) for object ${OBJECT_NAME}: ${invalid.join(', ')}`);
	const verifyToken = stringParam(param(request, 'verify_token'), 'verify_token');
	if (verifyToken === undefined || verifyToken === '') throw requiredParameter('verify_token');
	const includeValues = booleanParam(param(request, 'include_values'), 'include_values') ?? false;

	await metaHandshake(webhooks, 'application', callbackUrl, verifyToken);
	// Posting again adds fields to the subscription and replaces its URL and token.
	const merged = new Map(webhooks.metaApp?.fields ?? []);
	for (const field of fields) merged.set(field, version);
	webhooks.metaApp = { url: callbackUrl, verifyToken, includeValues, fields: merged };
	return { status: 200, body: { success: true } };
}

function oauthAccessToken(request: SandboxRequest, account: MetaAccount, webhooks: WebhookState): SandboxReply {
	const clientId = stringParam(param(request, 'client_id'), 'client_id');
	const clientSecret = stringParam(param(request, 'client_secret'), 'client_secret');
	const grantType = stringParam(param(request, 'grant_type'), 'grant_type');
	if (clientId === undefined) throw requiredParameter('client_id');
	if (clientId !== account.appId) throw graphError('Error validating application. Invalid application ID.', 101);
	if (grantType !== 'client_credentials') {
		throw graphError('(#100) Param grant_type must be client_credentials: the sandbox issues only app access tokens');
	}
	if (clientSecret !== account.appSecret) throw graphError('Error validating client secret.', 1);
	return { status: 200, body: { access_token: webhooks.issueMetaAppToken(), token_type: 'bearer' } };
}

/**
 * The webhook routes of the Graph emulation, tried before the ordinary ones. Returns undefined
 * for a request that is not one of them. `id` and `edge` are the decoded path segments.
 */
export function routeMetaWebhooks(
	request: SandboxRequest,
	version: string,
	id: string,
	edge: string | undefined,
	account: MetaAccount,
	webhooks: WebhookState,
): Promise<SandboxReply> | SandboxReply | undefined {
	if (id === 'oauth' && edge === 'access_token' && (request.method === 'GET' || request.method === 'POST')) {
		return oauthAccessToken(request, account, webhooks);
	}
	if (id === account.appId && edge === 'subscriptions') return appSubscriptions(request, version, account, webhooks);

	const isWebhookRoute =
		(id === account.phoneNumberId && edge === undefined && request.method === 'POST') ||
		(id === account.wabaId && edge === 'subscribed_apps');
	if (!isWebhookRoute) return undefined;
	if (requestToken(request) !== account.accessToken) throw invalidToken();
	if (id === account.wabaId) return subscribedApps(request, account, webhooks);
	return updatePhoneNumber(request, webhooks);
}

// ---------------------------------------------------------------------------------------------
// Where a delivery goes

export interface MetaTarget {
	url: string;
	target: 'phone_number' | 'whatsapp_business_account' | 'application';
}

interface Change {
	wabaId: unknown;
	field: string;
	phoneNumberId: unknown;
}

function changesOf(payload: unknown): Change[] {
	const out: Change[] = [];
	const entries = isPlainObject(payload) && Array.isArray(payload.entry) ? payload.entry : [];
	for (const entry of entries) {
		if (!isPlainObject(entry) || !Array.isArray(entry.changes)) continue;
		for (const change of entry.changes) {
			if (!isPlainObject(change) || typeof change.field !== 'string') continue;
			const value = isPlainObject(change.value) ? change.value : {};
			const metadata = isPlainObject(value.metadata) ? value.metadata : {};
			out.push({ wabaId: entry.id, field: change.field, phoneNumberId: metadata.phone_number_id });
		}
	}
	return out;
}

/**
 * Picks the callback URL as Meta does: the WABA must have the app subscribed; the app's field
 * list (when the app has a subscription) must hold the field; override-capable fields go to the
 * phone-number override, else the WABA override, else the app's URL; every other field
 * (templates, account, quality…) to the app's URL only. Without an app subscription the sandbox
 * takes every field as subscribed in the App Dashboard. Throws when nothing would be delivered.
 */
export function metaDeliveryTarget(payload: unknown, account: MetaAccount, webhooks: WebhookState): MetaTarget {
	const changes = changesOf(payload);
	if (changes.length === 0) {
		throw new Error('deliverMeta: the payload has no entry[].changes[] with a field; pass options.url to send it anyway');
	}
	let chosen: MetaTarget | undefined;
	for (const change of changes) {
		if (change.wabaId !== account.wabaId) {
			throw new Error(`deliverMeta: entry id ${String(change.wabaId)} is not this sandbox's WABA (${account.wabaId}); pass options.url to send it anyway`);
		}
		if (!webhooks.metaWaba?.subscribed) {
			throw new Error(
				`deliverMeta: the app is not subscribed to WABA ${account.wabaId} (POST /${account.wabaId}/subscribed_apps), so Meta sends it no webhooks`,
			);
		}
		const app = webhooks.metaApp;
		if (app && !app.fields.has(change.field)) {
			throw new Error(`deliverMeta: the app's subscription does not include the field '${change.field}' (it has ${[...app.fields.keys()].join(', ')})`);
		}
		let target: MetaTarget | undefined;
		if (META_OVERRIDE_FIELDS.includes(change.field)) {
			const phone = webhooks.metaPhoneOverride;
			if (phone && change.phoneNumberId === account.phoneNumberId) target = { url: phone.url, target: 'phone_number' };
			else if (webhooks.metaWaba.url) target = { url: webhooks.metaWaba.url, target: 'whatsapp_business_account' };
		}
		if (!target && app) target = { url: app.url, target: 'application' };
		if (!target) {
			throw new Error(
				META_OVERRIDE_FIELDS.includes(change.field)
					? `deliverMeta: no callback URL for field '${change.field}': no phone-number override, WABA override or app subscription is set`
					: `deliverMeta: field '${change.field}' goes only to the app's callback URL, and the app has no subscription (POST /<app-id>/subscriptions)`,
			);
		}
		if (chosen && chosen.url !== target.url) {
			throw new Error('deliverMeta: the payload mixes fields that Meta sends to different URLs; deliver them separately');
		}
		chosen = target;
	}
	return chosen as MetaTarget;
}
