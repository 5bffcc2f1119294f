// Emulation of Meta's Graph API (WhatsApp Cloud API) under /graph/<version>/...
// Error bodies copy Meta's shapes and codes, because the package maps them to user hints.

import {
	bsuidNotSupported,
	invalidParameter,
	invalidToken,
	invalidValue,
	MetaError,
	metaErrorReply,
	missingParameter,
	nonexistingField,
	requiredParameter,
	unknownPath,
	unsupportedRequest,
} from './metaErrors';
import { describeMedia, downloadMedia, uploadMedia } from './metaMedia';
import { isBsuid, isMessageType, isWamid, MESSAGE_TYPES, MESSAGE_VALIDATORS } from './metaMessages';
import { listTemplates, readTemplate, type MetaTemplate } from './metaTemplates';
import { routeMetaWebhooks, webhookConfiguration } from './metaWebhooks';
import { routeMetaProfile } from './metaProfile';
import { debugToken, expiredToken, tokenExpiredAt } from './setupCheck';
import { routeMetaTemplateAdmin } from './metaTemplateAdmin';
import type { SandboxState } from './state';
import type { MetaAccount, ProviderHandler, SandboxReply, SandboxRequest } from './types';
import { firstValue, isPlainObject, randomHex } from './util';

export { MetaError, metaErrorReply } from './metaErrors';
export { MESSAGE_VALIDATORS } from './metaMessages';

// ---------------------------------------------------------------------------------------------
// Graph nodes: each known object id has a node type, readable fields and a default field set,
// as Graph answers a GET without `fields` with a fixed subset.

interface GraphNode {
	type: string;
	fields: Record<string, unknown>;
	defaultFields: string[];
}

function graphNodes(account: MetaAccount): Map<string, GraphNode> {
	return new Map<string, GraphNode>([
		[
			account.phoneNumberId,
			{
				type: 'WhatsAppBusinessPhoneNumber',
				fields: {
					id: account.phoneNumberId,
					display_phone_number: account.displayPhoneNumber,
					verified_name: account.verifiedName,
					code_verification_status: 'VERIFIED',
					quality_rating: 'GREEN',
					name_status: 'APPROVED',
					// Meta returns it only while a display-name change is under review.
					new_name_status: undefined,
					platform_type: 'CLOUD_API',
					throughput: { level: 'STANDARD' },
					status: 'CONNECTED',
					account_mode: 'LIVE',
					is_official_business_account: false,
				},
				defaultFields: [
					'verified_name',
					'code_verification_status',
					'display_phone_number',
					'quality_rating',
					'platform_type',
					'throughput',
				],
			},
		],
		[
			account.wabaId,
			{
				type: 'WhatsAppBusinessAccount',
				fields: {
					id: account.wabaId,
					name: account.verifiedName,
					currency: 'USD',
					timezone_id: '1',
					message_template_namespace: 'c0ffee5a_1db0_4c0f_fee5_a1db0c0ffee5',
					account_review_status: 'APPROVED',
				},
				defaultFields: ['name', 'timezone_id', 'message_template_namespace'],
			},
		],
	]);
}

function readNode(node: GraphNode, fieldsParam: string | undefined): Record<string, unknown> {
	// `fields` may carry nested selections such as `throughput{level}`; the sandbox returns the
	// whole value for those.
	const asked = fieldsParam
		? fieldsParam
				.split(',')
				.map((f) => f.split('{')[0].trim())
				.filter((f) => f.length > 0)
		: node.defaultFields;
	const out: Record<string, unknown> = {};
	for (const field of asked) {
		if (!(field in node.fields)) throw nonexistingField(field, node.type);
		out[field] = node.fields[field];
	}
	// Graph always adds the id, last.
	out.id = node.fields.id;
	return out;
}

// ---------------------------------------------------------------------------------------------
// Sending messages: POST /<phone-number-id>/messages

/**
 * Real message ids are base64 of a small binary record that starts with the recipient's
 * number. Its third byte is the number's length; it stays 11 here so that every id starts
 * with `HBgL`, as ids for 11-digit (e.g. US) numbers do, and clients matching that prefix
 * are satisfied.
 */
export function newWamid(waId: string): string {
	const head = Buffer.from([0x1c, 0x18, 0x0b]);
	const rest = Buffer.concat([
		Buffer.from(waId, 'ascii'),
		Buffer.from([0x15, 0x02, 0x00, 0x11, 0x18, 0x12]),
		Buffer.from(randomHex(18).toUpperCase(), 'ascii'),
		Buffer.from([0x00]),
	]);
	return `wamid.${head.toString('base64')}${rest.toString('base64')}`;
}

interface SendContext {
	account: MetaAccount;
	state: SandboxState;
}

/** `{messaging_product, status: 'read', message_id, typing_indicator?}`: no `to`, no `type`. */
function markAsRead(body: Record<string, unknown>, state: SandboxState): SandboxReply {
	if (body.status !== 'read') {
		throw invalidParameter(`Param status must be one of {READ} - got "${String(body.status)}".`);
	}
	for (const key of Object.keys(body)) {
		if (!['messaging_product', 'status', 'message_id', 'typing_indicator', 'recipient_type'].includes(key)) {
			throw invalidParameter(`Param ${key} is not valid when marking a message as read.`);
		}
	}
	if (body.message_id === undefined || body.message_id === null) throw requiredParameter('message_id');
	if (!isWamid(body.message_id)) {
		throw invalidParameter('Param message_id must be a WhatsApp message id (wamid.…) of a message you received.');
	}
	if (body.typing_indicator !== undefined) {
		const indicator = body.typing_indicator;
		if (!isPlainObject(indicator) || indicator.type !== 'text' || Object.keys(indicator).length !== 1) {
			throw invalidParameter("Param typing_indicator must be {\"type\": \"text\"}: typing_indicator['type'] must be one of {TEXT}.");
		}
	}
	state.markRead('meta', body.message_id, body.typing_indicator !== undefined);
	return { status: 200, body: { success: true } };
}

type Addressee = { kind: 'phone'; input: string; waId: string } | { kind: 'bsuid'; userId: string };

/**
 * `to` (a phone number) or `recipient` (a business-scoped user ID). With both, Meta goes by
 * `to`, and so does the sandbox. A BSUID in `to` is refused with code 100: Meta is reported to
 * accept it (200 and a message id) and then never deliver the message, which a test could not
 * notice, so the sandbox's choice is to fail loudly. A phone number in `recipient` is refused
 * too (also the sandbox's choice; Meta documents `recipient` for BSUIDs).
 */
function readAddressee(body: Record<string, unknown>): Addressee {
	const { to, recipient } = body;
	if (to !== undefined && to !== null && to !== '') {
		if (typeof to === 'string' && isBsuid(to.trim())) {
			throw invalidParameter(
				`Param to must be a phone number with country code; "${to}" is a business-scoped user ID, which goes in recipient instead. (The sandbox refuses this; Meta has been seen to accept it and never deliver the message.)`,
			);
		}
		if (typeof to !== 'string' || !/^\+?\d{5,15}$/.test(to)) {
			throw invalidValue(`Invalid 'to' parameter: expected the recipient's phone number with country code, digits only.`);
		}
		return { kind: 'phone', input: to, waId: to.replace(/^\+/, '') };
	}
	if (recipient === undefined || recipient === null || recipient === '') {
		throw missingParameter('The parameter to is required (or recipient, for a business-scoped user ID).');
	}
	if (typeof recipient !== 'string') throw invalidParameter('Param recipient must be a string.');
	if (!isBsuid(recipient)) {
		throw invalidParameter(
			`Param recipient must be a business-scoped user ID such as US.13491208655302741918 - got "${recipient}". A phone number goes in to.`,
		);
	}
	return { kind: 'bsuid', userId: recipient };
}

/** The template a (validated) template message names. */
function sentTemplate(content: unknown, templates: readonly MetaTemplate[]): MetaTemplate | undefined {
	const message = content as { name?: unknown; language?: { code?: unknown } };
	return templates.find((t) => t.name === message.name && t.language === message.language?.code);
}

function sendMessage(body: unknown, { account, state }: SendContext): SandboxReply {
	if (!isPlainObject(body) || body.messaging_product === undefined) throw requiredParameter('messaging_product');
	if (body.messaging_product !== 'whatsapp') {
		throw invalidParameter(`Param messaging_product must be one of {WHATSAPP} - got "${String(body.messaging_product)}".`);
	}
	if (body.status !== undefined) return markAsRead(body, state);
	if (body.recipient_type !== undefined && body.recipient_type !== 'individual' && body.recipient_type !== 'group') {
		throw invalidParameter(
			`Param recipient_type must be one of {INDIVIDUAL, GROUP} - got "${String(body.recipient_type)}".`,
		);
	}

	const addressee = readAddressee(body);

	if (body.type === undefined) throw missingParameter('The parameter type is required.');
	const type = String(body.type);
	if (!isMessageType(type)) {
		throw invalidParameter(
			`Param type must be one of {${MESSAGE_TYPES.map((t) => t.toUpperCase()).join(', ')}} - got "${type}".`,
		);
	}
	const content = body[type];
	if (content === undefined || content === null) throw missingParameter(`The parameter ${type} is required.`);
	if (type !== 'contacts' && !isPlainObject(content)) throw invalidParameter(`Param ${type} must be a JSON object.`);
	MESSAGE_VALIDATORS[type](content, { templates: state.metaTemplates });
	if (addressee.kind === 'bsuid' && type === 'template') {
		const template = sentTemplate(content, state.metaTemplates);
		if (template?.category === 'AUTHENTICATION') {
			throw bsuidNotSupported(
				`Template ${template.name} is an authentication template; authentication templates can only be sent to a phone number (to), not to a business-scoped user ID (recipient).`,
			);
		}
	}

	let context: { message_id: string } | undefined;
	if (body.context !== undefined) {
		if (!isPlainObject(body.context) || typeof body.context.message_id !== 'string') {
			throw invalidParameter("Param context['message_id'] must be a string.");
		}
		if (!isWamid(body.context.message_id)) {
			throw invalidParameter("Param context['message_id'] must be a WhatsApp message id (wamid.…).");
		}
		context = { message_id: body.context.message_id };
	}
	if (body.biz_opaque_callback_data !== undefined) {
		if (typeof body.biz_opaque_callback_data !== 'string' || body.biz_opaque_callback_data.length > 512) {
			throw invalidParameter('Param biz_opaque_callback_data must be a string of at most 512 characters.');
		}
	}

	// Real ids start with the recipient's number; for a BSUID its digits stand in.
	const to = addressee.kind === 'phone' ? addressee.waId : addressee.userId;
	const id = newWamid(addressee.kind === 'phone' ? addressee.waId : addressee.userId.replace(/\D/g, ''));
	state.recordOutbound({
		provider: 'meta',
		id,
		to,
		from: account.phoneNumberId,
		type,
		content: structuredClone(content),
		...(context ? { context } : {}),
		timestamp: Date.now(),
	});
	return {
		status: 200,
		body: {
			messaging_product: 'whatsapp',
			// A BSUID recipient is echoed as `user_id`, with no `wa_id`: the number stays hidden.
			contacts: [addressee.kind === 'phone' ? { input: addressee.input, wa_id: addressee.waId } : { input: addressee.userId, user_id: addressee.userId }],
			messages: [{ id }],
		},
	};
}

// ---------------------------------------------------------------------------------------------

function bearerToken(request: SandboxRequest): string | undefined {
	const header = firstValue(request.headers.authorization);
	if (header) {
		// Graph takes `OAuth <token>` as well; Meta's own upload docs use it.
		const match = /^(?:Bearer|OAuth)\s+(.+)$/i.exec(header.trim());
		return match ? match[1].trim() : undefined;
	}
	return firstValue(request.query.access_token);
}

/** The token of a Graph call wherever it is: header, query or body (as the webhook routes read it). */
function bearerOrBodyToken(request: SandboxRequest): string | undefined {
	const token = bearerToken(request);
	if (token !== undefined) return token;
	const body = request.body;
	return isPlainObject(body) && typeof body.access_token === 'string' ? body.access_token : undefined;
}

function singleValues(query: Record<string, string | string[]>): Record<string, string | undefined> {
	const out: Record<string, string | undefined> = {};
	for (const [key, value] of Object.entries(query)) out[key] = firstValue(value);
	return out;
}

export function createMetaHandler(account: MetaAccount, state: SandboxState): ProviderHandler {
	const nodes = graphNodes(account);

	function mediaDownload(request: SandboxRequest, id: string): SandboxReply {
		// Meta's download URLs need the same token as the API; the URL alone is not enough.
		const token = firstValue(request.headers.authorization);
		const match = token ? /^(?:Bearer|OAuth)\s+(.+)$/i.exec(token.trim()) : null;
		if (!match || match[1].trim() !== account.accessToken) throw invalidToken();
		const media = state.media.get(id);
		if (request.method !== 'GET' || !media || firstValue(request.query.token) !== media.downloadToken) {
			throw new MetaError(404, { message: `Unsupported get request. Object with ID '${id}' does not exist.`, type: 'GraphMethodException', code: 100, error_subcode: 33 });
		}
		return downloadMedia(media);
	}

	function route(request: SandboxRequest): SandboxReply | Promise<SandboxReply> {
		const download = /^\/media-download\/(\d+)\/?$/.exec(request.path);
		if (download) return mediaDownload(request, download[1]);

		const match = /^\/(v\d+\.\d+)((?:\/[^/]+)*)\/?$/.exec(request.path);
		if (!match) throw unknownPath(request.path);
		const version = match[1];

		const segments = match[2].split('/').filter((s) => s.length > 0);
		if (segments.length === 0) throw unknownPath(request.path);
		const [id, edge, ...extra] = segments.map((s) => decodeURIComponent(s));
		if (extra.length > 0) throw unknownPath(`/${extra.join('/')}`);

		// Check Setup's token look-up takes an app access token or the token itself.
		if (id === 'debug_token' && edge === undefined && request.method === 'GET') {
			return debugToken(request, account, state.webhooks, state.setupFaults.meta);
		}
		// A seeded expired token: Meta refuses every call made with it (code 190, subcode 463).
		if (state.setupFaults.meta?.tokenExpired && bearerOrBodyToken(request) === account.accessToken) {
			throw expiredToken(tokenExpiredAt());
		}

		// Webhook registration has its own tokens (an app access token for /<app-id>/subscriptions).
		const webhookReply = routeMetaWebhooks(request, version, id, edge, account, state.webhooks);
		if (webhookReply) return webhookReply;

		if (bearerToken(request) !== account.accessToken) throw invalidToken();
		const fields = firstValue(request.query.fields);

		const context = { request, version, id, edge, account, state };
		const featureReply = routeMetaTemplateAdmin(context) ?? routeMetaProfile(context);
		if (featureReply) return featureReply;

		const staticNode = nodes.get(id);
		// Read at request time: the webhook URLs change as the trigger registers.
		const node =
			staticNode && id === account.phoneNumberId
				? {
						...staticNode,
						fields: {
							...staticNode.fields,
							// Seeded by Sandbox.setSetupFaults: a number not connected, a declined name…
							...state.setupFaults.meta?.phoneNumber,
							webhook_configuration: webhookConfiguration(state.webhooks),
						},
					}
				: staticNode;
		if (!node) {
			const media = state.media.get(id);
			const template = state.metaTemplates.find((t) => t.id === id);
			if (edge === undefined && media && request.method === 'GET') {
				return { status: 200, body: describeMedia(media, request.baseUrl) };
			}
			if (edge === undefined && media && request.method === 'DELETE') {
				state.media.delete(id);
				return { status: 200, body: { success: true } };
			}
			if (edge === undefined && template && request.method === 'GET') {
				return { status: 200, body: readTemplate(template, fields) };
			}
			if ((media || template) && edge !== undefined && request.method === 'GET') {
				throw nonexistingField(edge, media ? 'WhatsAppBusinessAccountMedia' : 'WhatsAppMessageTemplate');
			}
			throw unsupportedRequest(request.method, id);
		}

		if (edge === undefined) {
			if (request.method === 'GET') return { status: 200, body: readNode(node, fields) };
			throw unsupportedRequest(request.method, id);
		}
		if (id === account.phoneNumberId && request.method === 'POST') {
			if (edge === 'messages') return sendMessage(request.body, { account, state });
			if (edge === 'media') return uploadMedia(request, state.media, account.phoneNumberId);
		}
		if (id === account.wabaId && edge === 'message_templates' && request.method === 'GET') {
			return {
				status: 200,
				body: listTemplates({
					templates: state.metaTemplates,
					query: singleValues(request.query),
					edgeUrl: `${request.baseUrl}/graph/${version}/${id}/message_templates`,
				}),
			};
		}
		if (request.method === 'GET') throw nonexistingField(edge, node.type);
		throw unsupportedRequest(request.method, id);
	}

	return {
		provider: 'meta',
		prefix: '/graph',
		async handle(request) {
			try {
				return await route(request);
			} catch (error) {
				if (error instanceof MetaError) return metaErrorReply(error.status, error.fields, error.headers);
				throw error;
			}
		},
		faultReply(kind, retryAfterSeconds) {
			if (kind === '131056') {
				return metaErrorReply(400, {
					message: '(#131056) (Business Account, Consumer Account) pair rate limit hit',
					type: 'OAuthException',
					code: 131056,
					error_data: { messaging_product: 'whatsapp', details: 'Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.' },
				});
			}
			if (kind === '429') {
				return metaErrorReply(
					429,
					{
						message: '(#130429) Rate limit hit',
						type: 'OAuthException',
						code: 130429,
						error_data: { messaging_product: 'whatsapp', details: 'Cloud API message throughput has been reached.' },
					},
					{ 'retry-after': String(retryAfterSeconds) },
				);
			}
			return metaErrorReply(500, {
				message: 'An unknown error has occurred.',
				type: 'OAuthException',
				code: 1,
				is_transient: true,
			});
		},
		tooLargeReply(limitBytes) {
			// Graph answers an oversized upload before reading it, as a media upload error.
			return metaErrorReply(413, {
				message: '(#131053) Media upload error',
				type: 'OAuthException',
				code: 131053,
				error_data: {
					messaging_product: 'whatsapp',
					details: `The request body is larger than the ${limitBytes} bytes the API accepts.`,
				},
			});
		},
	};
}
