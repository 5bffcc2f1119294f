/**
 * Account › Check Setup on Meta: the Graph look-ups that decide whether messages flow, each
 * turned into findings. Field names from Meta's docs (shared/reference/api-facts.md §2.10, §3.1):
 *   GET /debug_token?input_token=…          data{is_valid, type, application, app_id, expires_at
 *                                            (0: never), scopes[], granular_scopes[{scope, target_ids}]}
 *   GET /{phone-number-id}?fields=…         status (CONNECTED…), platform_type (CLOUD_API…),
 *                                            code_verification_status, name_status, new_name_status,
 *                                            quality_rating, throughput{level}
 *   GET /{phone-number-id}?fields=webhook_configuration   {phone_number, whatsapp_business_account, application}
 *   GET /{waba-id}/subscribed_apps          data[{whatsapp_business_api_data{id, name}, override_callback_uri}]
 *   GET /{app-id}/subscriptions             data[{object, callback_url, active, fields[{name, version}]}] (app token)
 * A look-up that fails becomes a finding with ok false; the other look-ups still run.
 */
import type { AxiosInstance } from 'axios';

import { CredentialError } from '../CredentialError';
import { describeLookupFailure, failedFinding, redactReport, settle, type Settled } from '../setupFindings';
import type { MetaCredentials, SetupFinding, SetupReport, SetupWebhookUrl } from '../types';
import type { MetaAppSubscription, MetaPhoneWebhooks, MetaSubscribedApp, MetaWebhookRegistration } from './webhookRegistration';

/** A token that runs out sooner than this is reported, so there is time to replace it. */
export const TOKEN_EXPIRY_MARGIN_DAYS = 7;

export const WHATSAPP_SCOPES = ['whatsapp_business_messaging', 'whatsapp_business_management'] as const;

const NUMBER_FIELDS =
	'display_phone_number,verified_name,status,platform_type,code_verification_status,name_status,new_name_status,quality_rating,throughput';

const TOKEN_FIX =
	'Paste a valid access token into the WhatsApp Omni Meta credential: a System User token that never expires (Meta Business Settings › Users › System users › Generate token) with whatsapp_business_messaging and whatsapp_business_management.';
const SCOPES_FIX =
	'Generate a new token for the System User with whatsapp_business_messaging and whatsapp_business_management ticked, with the app and this WhatsApp Business Account assigned to it (Meta Business Settings › Users › System users), and paste it into the credential.';

interface DebugTokenData {
	app_id?: string;
	type?: string;
	application?: string;
	expires_at?: number;
	data_access_expires_at?: number;
	is_valid?: boolean;
	issued_at?: number;
	scopes?: string[];
	granular_scopes?: Array<{ scope?: string; target_ids?: string[] }>;
	error?: { code?: number; subcode?: number; message?: string };
}

interface GraphNumber {
	display_phone_number?: string;
	verified_name?: string;
	status?: string;
	platform_type?: string;
	code_verification_status?: string;
	name_status?: string;
	new_name_status?: string;
	quality_rating?: string;
	throughput?: { level?: string };
}

export interface MetaSetupContext {
	client: AxiosInstance;
	credentials: MetaCredentials;
	registration: MetaWebhookRegistration;
	/** Turns an HTTP failure into the provider's ProviderError (toMetaError). */
	toError(error: unknown): Error;
}


/** What a failed look-up found and what to do, with Meta's code and message. */
export function describeMetaFailure(error: Error): { found: string; fix: string } {
	return describeLookupFailure('Meta', error, 'Try again; if it keeps failing, check the credential and that n8n can reach graph.facebook.com.');
}

function failed(check: string, title: string, error: Error): SetupFinding {
	return failedFinding(check, title, describeMetaFailure(error));
}

function iso(seconds: number): string {
	return new Date(seconds * 1000).toISOString();
}

function inWords(ms: number): string {
	const hours = Math.round(ms / 3_600_000);
	if (hours < 48) return `${Math.max(hours, 0)} hour${hours === 1 ? '' : 's'}`;
	return `${Math.round(hours / 24)} days`;
}

function tokenFindings(result: Settled<DebugTokenData>, ctx: MetaSetupContext, withAppToken: boolean, now: number): SetupFinding[] {
	const titles = {
		valid: 'The access token is valid',
		expiry: `The access token does not expire within ${TOKEN_EXPIRY_MARGIN_DAYS} days`,
		scopes: 'The access token has both WhatsApp permissions',
	};
	if (!result.ok) {
		return [
			failed('token.valid', titles.valid, result.error),
			failed('token.expiry', titles.expiry, result.error),
			failed('token.scopes', titles.scopes, result.error),
		];
	}
	const data = result.value;
	const checkedWith = withAppToken ? 'the app token (App ID and App Secret)' : 'the token itself (the credential has no App ID and App Secret)';
	const valid = data.is_valid === true;
	const appId = ctx.credentials.appId?.trim();
	const otherApp = valid && appId && data.app_id && data.app_id !== appId;
	const tokenValid: SetupFinding = valid
		? {
				check: 'token.valid',
				title: titles.valid,
				ok: !otherApp,
				found: otherApp
					? `valid, but it is a token of the app ${data.app_id}${data.application ? ` (“${data.application}”)` : ''} while the credential’s App ID is ${appId}; checked with ${checkedWith}`
					: `valid: a ${data.type ?? 'Meta'} token of the app ${data.application ? `“${data.application}” ` : ''}(${data.app_id ?? 'unknown ID'}); checked with ${checkedWith}`,
				...(otherApp
					? { fix: 'Use a token of the credential’s app, or put that app’s App ID and App Secret into the credential: webhook signatures are checked with the App Secret of the app that sends them.' }
					: {}),
				details: { tokenType: data.type, tokenAppId: data.app_id, checkedWith: withAppToken ? 'app token' : 'the token itself' },
			}
		: {
				check: 'token.valid',
				title: titles.valid,
				ok: false,
				found: `Meta says the token is not valid${data.error?.message ? `: ${data.error.message}` : ''}${data.error?.code ? ` (code ${data.error.code}${data.error.subcode ? `, subcode ${data.error.subcode}` : ''})` : ''}`,
				fix: TOKEN_FIX,
				details: { checkedWith: withAppToken ? 'app token' : 'the token itself' },
			};

	let tokenExpiry: SetupFinding;
	const expiresAt = Number(data.expires_at ?? 0);
	if (!Number.isFinite(expiresAt) || expiresAt <= 0) {
		tokenExpiry = valid
			? { check: 'token.expiry', title: titles.expiry, ok: true, found: 'it never expires', details: { expiresAt: null } }
			: { check: 'token.expiry', title: titles.expiry, ok: false, found: 'not known: Meta gives no expiry for a token that is not valid', fix: TOKEN_FIX, details: { expiresAt: null } };
	} else {
		const left = expiresAt * 1000 - now;
		const details = { expiresAt: iso(expiresAt) };
		if (left <= 0) {
			tokenExpiry = { check: 'token.expiry', title: titles.expiry, ok: false, found: `it expired on ${iso(expiresAt)}`, fix: TOKEN_FIX, details };
		} else if (left < TOKEN_EXPIRY_MARGIN_DAYS * 86_400_000) {
			tokenExpiry = {
				check: 'token.expiry',
				title: titles.expiry,
				ok: false,
				found: `it expires on ${iso(expiresAt)}, in ${inWords(left)}`,
				fix: 'Before it runs out, replace it with a System User token that never expires (Meta Business Settings › Users › System users › Generate token, expiration Never) in the WhatsApp Omni Meta credential.',
				details,
			};
		} else {
			tokenExpiry = { check: 'token.expiry', title: titles.expiry, ok: true, found: `it expires on ${iso(expiresAt)}, in ${inWords(left)}`, details };
		}
	}

	const scopes = Array.isArray(data.scopes) ? data.scopes.filter((s): s is string => typeof s === 'string') : [];
	const missing = WHATSAPP_SCOPES.filter((scope) => !scopes.includes(scope));
	const wabaId = ctx.credentials.businessAccountId?.trim();
	// A token may hold the permission for other WhatsApp Business Accounts only (granular_scopes).
	const notForWaba = wabaId
		? WHATSAPP_SCOPES.filter((scope) => {
				const granular = data.granular_scopes?.find((g) => g.scope === scope);
				return !missing.includes(scope) && Array.isArray(granular?.target_ids) && granular.target_ids.length > 0 && !granular.target_ids.includes(wabaId);
			})
		: [];
	let tokenScopes: SetupFinding;
	if (missing.length === 0 && notForWaba.length === 0) {
		tokenScopes = { check: 'token.scopes', title: titles.scopes, ok: true, found: `it has ${WHATSAPP_SCOPES.join(' and ')}`, details: { scopes } };
	} else {
		const parts = [];
		if (missing.length) parts.push(`it lacks ${missing.join(' and ')}`);
		if (notForWaba.length) parts.push(`its ${notForWaba.join(' and ')} permission does not cover the WhatsApp Business Account ${wabaId}`);
		tokenScopes = {
			check: 'token.scopes',
			title: titles.scopes,
			ok: false,
			found: `${parts.join('; ')}${scopes.length ? ` (it has: ${scopes.join(', ')})` : ' (Meta lists no permission for it)'}`,
			fix: SCOPES_FIX,
			details: { scopes, missingScopes: [...missing] },
		};
	}
	return [tokenValid, tokenExpiry, tokenScopes];
}

const GOOD_NAME_STATUSES = ['APPROVED', 'AVAILABLE_WITHOUT_REVIEW'];

function numberFindings(result: Settled<GraphNumber>, phoneNumberId: string): SetupFinding[] {
	const titles = {
		connected: 'The phone number is connected to the Cloud API',
		name: 'The display name is approved',
		quality: 'The quality rating is not low',
		throughput: 'The number has a Cloud API throughput level',
	};
	if (!result.ok) {
		return [
			failed('number.connected', titles.connected, result.error),
			failed('number.nameStatus', titles.name, result.error),
			failed('number.quality', titles.quality, result.error),
			failed('number.throughput', titles.throughput, result.error),
		];
	}
	const number = result.value;
	const label = number.display_phone_number ? `${number.display_phone_number} (${phoneNumberId})` : phoneNumberId;
	const status = number.status?.toUpperCase();
	const platform = number.platform_type?.toUpperCase();

	const connectedDetails = {
		status: number.status ?? null,
		platformType: number.platform_type ?? null,
		codeVerificationStatus: number.code_verification_status ?? null,
		displayPhoneNumber: number.display_phone_number ?? null,
	};
	let connected: SetupFinding;
	if (platform && platform !== 'CLOUD_API') {
		connected = {
			check: 'number.connected',
			title: titles.connected,
			ok: false,
			found: `${label} is on ${number.platform_type}, not the Cloud API`,
			fix: 'Migrate the number to the Cloud API (WhatsApp Manager › Phone numbers), or use the credential of a Cloud API number.',
			details: connectedDetails,
		};
	} else if (status === 'CONNECTED') {
		connected = { check: 'number.connected', title: titles.connected, ok: true, found: `${label} is CONNECTED to the Cloud API`, details: connectedDetails };
	} else if (!status || status === 'PENDING' || status === 'UNVERIFIED') {
		connected = {
			check: 'number.connected',
			title: titles.connected,
			ok: false,
			found: status ? `${label} is ${number.status}: not registered with the Cloud API yet` : `Meta reported no status for ${label}`,
			fix: 'Register the number with the Cloud API (POST /{phone-number-id}/register with its two-step verification PIN, or App Dashboard › WhatsApp › API Setup), then check again.',
			details: connectedDetails,
		};
	} else {
		connected = {
			check: 'number.connected',
			title: titles.connected,
			ok: false,
			found: `${label} is ${number.status}, not CONNECTED`,
			fix: 'Open WhatsApp Manager › Phone numbers: the number’s status there says why it cannot send or receive (e.g. flagged, restricted, banned, disconnected) and what to do.',
			details: connectedDetails,
		};
	}

	const nameStatus = number.name_status?.toUpperCase();
	const name = number.verified_name ? `“${number.verified_name}”` : 'the display name';
	const change = number.new_name_status ? `; a name change is ${number.new_name_status}` : '';
	const nameDetails = { nameStatus: number.name_status ?? null, newNameStatus: number.new_name_status ?? null, verifiedName: number.verified_name ?? null };
	let nameFinding: SetupFinding;
	if (nameStatus && GOOD_NAME_STATUSES.includes(nameStatus)) {
		nameFinding = { check: 'number.nameStatus', title: titles.name, ok: true, found: `${name} is ${number.name_status}${change}`, details: nameDetails };
	} else if (nameStatus === 'PENDING_REVIEW') {
		nameFinding = {
			check: 'number.nameStatus',
			title: titles.name,
			ok: true,
			found: `${name} is waiting for Meta’s review (PENDING_REVIEW); the number can message within its limits meanwhile${change}`,
			details: nameDetails,
		};
	} else {
		nameFinding = {
			check: 'number.nameStatus',
			title: titles.name,
			ok: false,
			found: nameStatus ? `${name} is ${number.name_status}${change}` : `Meta reported no display-name status${change}`,
			fix:
				nameStatus === 'DECLINED' || nameStatus === 'REJECTED'
					? 'Change the display name in WhatsApp Manager › Phone numbers so it follows Meta’s display name guidelines (or appeal the decision), and wait for the review.'
					: 'Check the display name in WhatsApp Manager › Phone numbers and submit it for Meta’s review.',
			details: nameDetails,
		};
	}

	const quality = number.quality_rating?.toUpperCase();
	const qualityDetails = { qualityRating: number.quality_rating ?? null };
	const qualityFinding: SetupFinding =
		quality === 'RED'
			? {
					check: 'number.quality',
					title: titles.quality,
					ok: false,
					found: 'the quality rating is RED (low): people block or report this number’s messages',
					fix: 'Message only people who opted in, send fewer marketing messages and make opting out easy: a RED rating lowers the number’s limits and can get it flagged.',
					details: qualityDetails,
				}
			: {
					check: 'number.quality',
					title: titles.quality,
					ok: true,
					found:
						quality === 'GREEN'
							? 'the quality rating is GREEN (high)'
							: quality === 'YELLOW'
								? 'the quality rating is YELLOW (medium): watch it, it drops to RED when more people block or report messages'
								: `the quality rating is ${number.quality_rating ?? 'not reported'}: not rated yet`,
					details: qualityDetails,
				};

	const level = number.throughput?.level?.toUpperCase();
	const throughputDetails = { throughputLevel: number.throughput?.level ?? null };
	const throughputFinding: SetupFinding =
		level === 'STANDARD' || level === 'HIGH'
			? {
					check: 'number.throughput',
					title: titles.throughput,
					ok: true,
					found: level === 'HIGH' ? 'HIGH: up to 1,000 messages per second' : 'STANDARD: 80 messages per second',
					details: throughputDetails,
				}
			: {
					check: 'number.throughput',
					title: titles.throughput,
					ok: false,
					found: level ? `${number.throughput?.level}: Meta gives the number no Cloud API throughput` : 'Meta reported no throughput level for the number',
					fix: 'Register the number with the Cloud API (throughput applies to connected Cloud API numbers); if it is registered and connected, ask Meta support why it has no throughput level.',
					details: throughputDetails,
				};
	return [connected, nameFinding, qualityFinding, throughputFinding];
}

function appName(app: MetaSubscribedApp): string {
	const data = app.whatsapp_business_api_data ?? {};
	return data.name ? `“${data.name}” (${data.id ?? 'unknown ID'})` : (data.id ?? 'an app');
}

function subscribedFinding(result: Settled<MetaSubscribedApp[]>, ctx: MetaSetupContext): { finding: SetupFinding; ours?: MetaSubscribedApp } {
	const title = 'The app is subscribed to the WhatsApp Business Account';
	if (!result.ok) return { finding: failed('waba.subscribed', title, result.error) };
	const apps = result.value;
	const wabaId = ctx.credentials.businessAccountId?.trim() ?? '';
	const appId = ctx.credentials.appId?.trim();
	const ours = ctx.registration.ourSubscribedApp(apps);
	const details = { wabaId, subscribedApps: apps.map((app) => app.whatsapp_business_api_data?.id).filter(Boolean) };
	if (ours) {
		return { finding: { check: 'waba.subscribed', title, ok: true, found: `the app ${appName(ours)} is subscribed to the WhatsApp Business Account ${wabaId}`, details }, ours };
	}
	if (!appId && apps.length > 1) {
		return {
			finding: {
				check: 'waba.subscribed',
				title,
				ok: true,
				found: `${apps.length} apps are subscribed to the WhatsApp Business Account ${wabaId} (${apps.map(appName).join(', ')}); the credential has no App ID to tell which one is this credential’s`,
				details,
			},
		};
	}
	return {
		finding: {
			check: 'waba.subscribed',
			title,
			ok: false,
			found:
				apps.length === 0
					? `no app is subscribed to the WhatsApp Business Account ${wabaId}, so Meta sends its webhooks nowhere`
					: `the WhatsApp Business Account ${wabaId} has ${apps.map(appName).join(', ')} subscribed, not this credential’s app ${appId}: this app gets none of its webhooks`,
			fix: 'Publish a workflow with the WhatsApp Omni Trigger for this credential (its activation subscribes the app), or call POST /{waba-id}/subscribed_apps once with the credential’s token.',
			details,
		},
	};
}

function fieldNames(subscription: MetaAppSubscription): string[] {
	return (subscription.fields ?? []).map((field) => (typeof field === 'string' ? field : (field?.name ?? ''))).filter(Boolean);
}

export async function checkMetaSetup(ctx: MetaSetupContext, now = Date.now()): Promise<SetupReport> {
	const { client, credentials, registration, toError } = ctx;
	const appId = credentials.appId?.trim();
	const appSecret = credentials.appSecret?.trim();
	const withAppToken = !!appId && !!appSecret;
	const phoneNumberId = credentials.phoneNumberId.trim();

	const [token, number, phoneWebhooks, apps, appSubscription] = await Promise.all([
		settle(async () => {
			// An app access token when the credential has one; otherwise the token checks itself, as
			// Meta's permissions page does. The token travels as input_token only, never in an output.
			const { data } = await client.get<{ data?: DebugTokenData }>('debug_token', {
				params: { input_token: credentials.accessToken.trim() },
				...(withAppToken ? { headers: { Authorization: `Bearer ${appId}|${appSecret}` } } : {}),
			});
			return data.data ?? {};
		}, toError),
		settle(async () => (await client.get<GraphNumber>(encodeURIComponent(phoneNumberId), { params: { fields: NUMBER_FIELDS } })).data, toError),
		settle(() => registration.readPhoneWebhooks(), toError),
		settle(() => {
			if (!credentials.businessAccountId?.trim()) {
				throw new CredentialError(
					'the Meta credential has no WhatsApp Business Account ID',
					'Copy the WhatsApp Business Account ID from the App Dashboard › WhatsApp › API Setup into the WhatsApp Omni Meta credential.',
				);
			}
			return registration.readSubscribedApps();
		}, toError),
		withAppToken ? settle(() => registration.readAppSubscription(), toError) : Promise.resolve(undefined),
	]);

	const findings: SetupFinding[] = [...tokenFindings(token, ctx, withAppToken, now), ...numberFindings(number, phoneNumberId)];
	const subscribed = subscribedFinding(apps, ctx);
	findings.push(subscribed.finding);

	// Where the webhooks go: the number's override wins, then the WABA's, then the app's callback.
	const destinationTitle = 'The webhooks go to a callback URL';
	let webhooks: SetupWebhookUrl[] | undefined;
	let webhooksUnknown: SetupReport['webhooksUnknown'];
	if (!phoneWebhooks.ok) {
		const failure = describeMetaFailure(phoneWebhooks.error);
		findings.push({ check: 'webhook.destination', title: destinationTitle, ok: false, ...failure });
		webhooksUnknown = { found: `where the webhooks go could not be read (${failure.found})`, fix: failure.fix };
	} else {
		const configuration: MetaPhoneWebhooks = phoneWebhooks.value;
		const activeApp = appSubscription?.ok && appSubscription.value?.active !== false ? appSubscription.value : undefined;
		const places = [
			{ url: configuration.phone_number, where: 'the phone number’s webhook override', setOn: 'phone number' },
			{ url: configuration.whatsapp_business_account ?? subscribed.ours?.override_callback_uri, where: 'the WhatsApp Business Account’s webhook override', setOn: 'WhatsApp Business Account' },
			{ url: configuration.application ?? activeApp?.callback_url, where: 'the Meta app’s callback URL', setOn: 'app' },
		];
		const effective = places.find((place) => !!place.url);
		const details = {
			url: effective?.url ?? null,
			setOn: effective?.setOn ?? null,
			phoneNumberOverride: places[0].url ?? null,
			wabaOverride: places[1].url ?? null,
			appCallback: places[2].url ?? null,
		};
		if (effective?.url) {
			// The others matter when they differ: an override shadowed by the number's, or the app's
			// callback, which still gets what overrides do not carry (template and account webhooks).
			const others = places
				.filter((place) => place !== effective && place.url && place.url !== effective.url)
				.map((place) =>
					place.setOn === 'app'
						? `${place.where} is ${place.url} (template and account webhooks go there)`
						: `${place.where} ${place.url} is not used for this number`,
				);
			findings.push({
				check: 'webhook.destination',
				title: destinationTitle,
				ok: true,
				found: `messages and statuses go to ${effective.url} (${effective.where})${others.length ? `; ${others.join('; ')}` : ''}`,
				details,
			});
			webhooks = [{ url: effective.url, carries: 'messages and statuses', where: effective.where }];
		} else {
			findings.push({
				check: 'webhook.destination',
				title: destinationTitle,
				ok: false,
				found: 'no callback URL is set: not on the phone number, not on the WhatsApp Business Account, not on the app',
				fix: 'Publish a workflow with the WhatsApp Omni Trigger for this credential so it registers its URL, or set the callback URL in the App Dashboard › WhatsApp › Configuration.',
				details,
			});
			webhooks = [];
		}
	}

	const fieldTitle = 'The app’s “messages” webhook field is subscribed';
	if (!appSubscription) {
		findings.push({
			check: 'webhook.messagesField',
			title: fieldTitle,
			ok: false,
			found: 'not checked: reading the app’s webhook fields needs an app access token, and the credential has no App ID and App Secret',
			fix: 'Fill in App ID and App Secret (App Dashboard › App settings › Basic) in the WhatsApp Omni Meta credential; the trigger needs the App Secret to check webhook signatures too.',
		});
	} else if (!appSubscription.ok) {
		findings.push(failed('webhook.messagesField', fieldTitle, appSubscription.error));
	} else if (!appSubscription.value) {
		findings.push({
			check: 'webhook.messagesField',
			title: fieldTitle,
			ok: false,
			found: 'the app has no webhook subscription for WhatsApp Business Accounts, so no field is subscribed and Meta sends no messages',
			fix: 'Subscribe the messages field in the App Dashboard › WhatsApp › Configuration › Webhook fields (it needs a callback URL there).',
			details: { fields: [] },
		});
	} else {
		const subscription = appSubscription.value;
		const fields = fieldNames(subscription);
		const inactive = subscription.active === false;
		const ok = fields.includes('messages') && !inactive;
		findings.push({
			check: 'webhook.messagesField',
			title: fieldTitle,
			ok,
			found: inactive
				? 'the app’s webhook subscription is inactive'
				: ok
					? `messages is subscribed (fields: ${fields.join(', ')})`
					: `the app’s subscription does not include messages (it has: ${fields.join(', ') || 'no field'})`,
			...(ok ? {} : { fix: 'Subscribe the messages field in the App Dashboard › WhatsApp › Configuration › Webhook fields.' }),
			details: { fields, active: !inactive },
		});
	}

	return redactReport(
		{ provider: 'meta', findings, ...(webhooks ? { webhooks } : {}), ...(webhooksUnknown ? { webhooksUnknown } : {}), businessKey: phoneNumberId },
		[credentials.accessToken, credentials.appSecret],
	);
}
