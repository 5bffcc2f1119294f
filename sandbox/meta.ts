// Emulation of Meta's Graph API (WhatsApp Cloud API) under /graph/<version>/...
// Error bodies copy Meta's shapes and codes, because the package maps them to user hints.

import type { MetaAccount, ProviderHandler, SandboxReply, SandboxRequest } from './types';
import { firstValue, isPlainObject, randomAlnum, randomHex } from './util';

interface MetaErrorFields {
	message: string;
	type: string;
	code: number;
	error_subcode?: number;
	is_transient?: boolean;
	error_data?: { messaging_product: 'whatsapp'; details: string };
}

/** Thrown by validators and routes; turned into Meta's error envelope by the handler. */
export class MetaError extends Error {
	constructor(
		readonly status: number,
		readonly fields: MetaErrorFields,
		readonly headers: Record<string, string> = {},
	) {
		super(fields.message);
	}
}

export function metaErrorReply(status: number, fields: MetaErrorFields, headers: Record<string, string> = {}): SandboxReply {
	const fbtraceId = randomAlnum(23);
	return {
		status,
		body: { error: { ...fields, fbtrace_id: fbtraceId } },
		headers: { ...headers, 'x-fb-trace-id': fbtraceId, 'x-fb-request-id': randomAlnum(23) },
	};
}

const INVALID_TOKEN = 'Invalid OAuth access token - Cannot parse access token';

function invalidToken(): MetaError {
	return new MetaError(
		401,
		{ message: INVALID_TOKEN, type: 'OAuthException', code: 190 },
		{ 'www-authenticate': `OAuth "Facebook Platform" "invalid_token" "${INVALID_TOKEN}"` },
	);
}

/** code 100 with details: Meta's answer for a parameter of the wrong shape. */
function invalidParameter(details: string): MetaError {
	return new MetaError(400, {
		message: '(#100) Invalid parameter',
		type: 'OAuthException',
		code: 100,
		error_data: { messaging_product: 'whatsapp', details },
	});
}

function missingParameter(details: string): MetaError {
	return new MetaError(400, {
		message: '(#131008) Required parameter is missing',
		type: 'OAuthException',
		code: 131008,
		error_data: { messaging_product: 'whatsapp', details },
	});
}

function invalidValue(details: string): MetaError {
	return new MetaError(400, {
		message: '(#131009) Parameter value is not valid',
		type: 'OAuthException',
		code: 131009,
		error_data: { messaging_product: 'whatsapp', details },
	});
}

function unsupportedRequest(method: string, id: string): MetaError {
	return new MetaError(400, {
		message:
			`Unsupported ${method.toLowerCase()} request. Object with ID '${id}' does not exist, cannot be loaded due to ` +
			'missing permissions, or does not support this operation. Please read the Graph API documentation at ' +
			'https://developers.facebook.com/docs/graph-api',
		type: 'GraphMethodException',
		code: 100,
		error_subcode: 33,
	});
}

function unknownPath(path: string): MetaError {
	return new MetaError(400, { message: `Unknown path components: ${path}`, type: 'OAuthException', code: 2500 });
}

function nonexistingField(field: string, nodeType: string): MetaError {
	return new MetaError(400, {
		message: `(#100) Tried accessing nonexisting field (${field}) on node type (${nodeType})`,
		type: 'OAuthException',
		code: 100,
	});
}

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
					platform_type: 'CLOUD_API',
					throughput: { level: 'STANDARD' },
					status: 'CONNECTED',
					messaging_limit_tier: 'TIER_1K',
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

const MESSAGE_TYPES = [
	'audio',
	'contacts',
	'document',
	'image',
	'interactive',
	'location',
	'reaction',
	'sticker',
	'template',
	'text',
	'video',
] as const;

type MessageType = (typeof MESSAGE_TYPES)[number];

/** Checks the object stored under the message's type key; throws a MetaError. */
type TypeValidator = (content: Record<string, unknown>) => void;

const TEXT_BODY_MAX = 4096;

function validateText(text: Record<string, unknown>): void {
	const body = text.body;
	if (body === undefined || body === null) throw missingParameter("The parameter text['body'] is required.");
	if (typeof body !== 'string') throw invalidParameter("Param text['body'] must be a string.");
	if (body.length === 0) throw invalidParameter("Param text['body'] must be at least 1 character long.");
	if (body.length > TEXT_BODY_MAX) {
		throw invalidParameter(`Param text['body'] must be at most ${TEXT_BODY_MAX} characters long.`);
	}
	if (text.preview_url !== undefined && typeof text.preview_url !== 'boolean') {
		throw invalidParameter("Param text['preview_url'] must be a boolean.");
	}
}

/** Placeholder for types a later issue will check; the object itself is already required. */
const acceptAnyObject: TypeValidator = () => undefined;

export const MESSAGE_VALIDATORS: Record<MessageType, TypeValidator> = {
	audio: acceptAnyObject,
	contacts: acceptAnyObject,
	document: acceptAnyObject,
	image: acceptAnyObject,
	interactive: acceptAnyObject,
	location: acceptAnyObject,
	reaction: acceptAnyObject,
	sticker: acceptAnyObject,
	template: acceptAnyObject,
	text: validateText,
	video: acceptAnyObject,
};

function isMessageType(value: string): value is MessageType {
	return (MESSAGE_TYPES as readonly string[]).includes(value);
}

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

function sendMessage(body: unknown): SandboxReply {
	if (!isPlainObject(body) || body.messaging_product === undefined) {
		throw new MetaError(400, {
			message: '(#100) The parameter messaging_product is required.',
			type: 'OAuthException',
			code: 100,
		});
	}
	if (body.messaging_product !== 'whatsapp') {
		throw invalidParameter(`Param messaging_product must be one of {WHATSAPP} - got "${String(body.messaging_product)}".`);
	}
	if (body.recipient_type !== undefined && body.recipient_type !== 'individual' && body.recipient_type !== 'group') {
		throw invalidParameter(
			`Param recipient_type must be one of {INDIVIDUAL, GROUP} - got "${String(body.recipient_type)}".`,
		);
	}

	const to = body.to;
	if (to === undefined || to === null || to === '') throw missingParameter('The parameter to is required.');
	if (typeof to !== 'string' || !/^\+?\d{5,15}$/.test(to)) {
		throw invalidValue(`Invalid 'to' parameter: expected the recipient's phone number with country code, digits only.`);
	}

	if (body.type === undefined) throw missingParameter('The parameter type is required.');
	const type = String(body.type);
	if (!isMessageType(type)) {
		throw invalidParameter(
			`Param type must be one of {${MESSAGE_TYPES.map((t) => t.toUpperCase()).join(', ')}} - got "${type}".`,
		);
	}
	const content = body[type];
	if (content === undefined || content === null) throw missingParameter(`The parameter ${type} is required.`);
	if (type === 'contacts') {
		// The one type whose content is an array of objects rather than an object.
		if (!Array.isArray(content) || !content.every(isPlainObject)) {
			throw invalidParameter('Param contacts must be an array of objects.');
		}
	} else {
		if (!isPlainObject(content)) throw invalidParameter(`Param ${type} must be a JSON object.`);
		MESSAGE_VALIDATORS[type](content);
	}

	if (body.context !== undefined) {
		if (!isPlainObject(body.context) || typeof body.context.message_id !== 'string') {
			throw invalidParameter("Param context['message_id'] must be a string.");
		}
	}
	if (body.biz_opaque_callback_data !== undefined) {
		if (typeof body.biz_opaque_callback_data !== 'string' || body.biz_opaque_callback_data.length > 512) {
			throw invalidParameter('Param biz_opaque_callback_data must be a string of at most 512 characters.');
		}
	}

	const waId = to.replace(/^\+/, '');
	return {
		status: 200,
		body: {
			messaging_product: 'whatsapp',
			contacts: [{ input: to, wa_id: waId }],
			messages: [{ id: newWamid(waId) }],
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

export function createMetaHandler(account: MetaAccount): ProviderHandler {
	const nodes = graphNodes(account);

	function route(request: SandboxRequest): SandboxReply {
		const match = /^\/(v\d+\.\d+)((?:\/[^/]+)*)\/?$/.exec(request.path);
		if (!match) throw unknownPath(request.path);
		if (bearerToken(request) !== account.accessToken) throw invalidToken();

		const segments = match[2].split('/').filter((s) => s.length > 0);
		if (segments.length === 0) throw unknownPath(request.path);
		const [id, edge, ...extra] = segments.map((s) => decodeURIComponent(s));
		const node = nodes.get(id);
		if (!node) throw unsupportedRequest(request.method, id);
		if (extra.length > 0) throw unknownPath(`/${extra.join('/')}`);

		if (edge === undefined) {
			if (request.method === 'GET') return { status: 200, body: readNode(node, firstValue(request.query.fields)) };
			throw unsupportedRequest(request.method, id);
		}
		if (id === account.phoneNumberId && edge === 'messages' && request.method === 'POST') {
			return sendMessage(request.body);
		}
		if (request.method === 'GET') throw nonexistingField(edge, node.type);
		throw unsupportedRequest(request.method, id);
	}

	return {
		provider: 'meta',
		prefix: '/graph',
		handle(request) {
			try {
				return route(request);
			} catch (error) {
				if (error instanceof MetaError) return metaErrorReply(error.status, error.fields, error.headers);
				throw error;
			}
		},
		faultReply(kind, retryAfterSeconds) {
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
	};
}
