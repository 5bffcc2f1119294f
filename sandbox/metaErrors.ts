// Meta's error envelope and the errors the Graph API emulation throws. Shapes and codes copy
// Meta's, because the package maps them to user hints.

import type { SandboxReply } from './types';
import { randomAlnum } from './util';

export interface MetaErrorFields {
	message: string;
	type: string;
	code: number;
	error_subcode?: number;
	is_transient?: boolean;
	/** Template management: the reason in words meant for people. */
	error_user_title?: string;
	error_user_msg?: string;
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

function whatsappError(status: number, code: number, message: string, details: string): MetaError {
	return new MetaError(status, {
		message,
		type: 'OAuthException',
		code,
		error_data: { messaging_product: 'whatsapp', details },
	});
}

/** code 100 with details: Meta's answer for a parameter of the wrong shape. */
export function invalidParameter(details: string): MetaError {
	return whatsappError(400, 100, '(#100) Invalid parameter', details);
}

/** code 100 without details, as Graph answers a required top-level parameter that is absent. */
export function requiredParameter(name: string): MetaError {
	return new MetaError(400, { message: `(#100) The parameter ${name} is required.`, type: 'OAuthException', code: 100 });
}

/** Graph's answer for a member an object does not have, e.g. a caption on audio. */
export function unexpectedKey(key: string, param: string): MetaError {
	return whatsappError(400, 100, `(#100) Unexpected key "${key}" on param "${param}".`, `Unexpected key "${key}" on param "${param}".`);
}

export function missingParameter(details: string): MetaError {
	return whatsappError(400, 131008, '(#131008) Required parameter is missing', details);
}

export function invalidValue(details: string): MetaError {
	return whatsappError(400, 131009, '(#131009) Parameter value is not valid', details);
}

export function mediaUploadError(details: string): MetaError {
	return whatsappError(400, 131053, '(#131053) Media upload error', details);
}

export function templateMissing(name: string, language: string): MetaError {
	return whatsappError(
		404,
		132001,
		'(#132001) Template name does not exist in the translation',
		`template name (${name}) does not exist in ${language}`,
	);
}

/** Meta's answer for a message a BSUID cannot receive: authentication templates (one-time codes). */
export function bsuidNotSupported(details: string): MetaError {
	return whatsappError(400, 131062, '(#131062) Business-scoped User ID recipients are not supported for this message', details);
}

export function templateParamCount(details: string): MetaError {
	return whatsappError(400, 132000, '(#132000) Number of parameters does not match the expected number of params', details);
}

export function templateParamFormat(details: string): MetaError {
	return whatsappError(400, 132012, '(#132012) Parameter format does not match format in the created template', details);
}

export function templatePaused(name: string): MetaError {
	return whatsappError(400, 132015, '(#132015) Template is Paused', `Template ${name} is paused due to low quality so it cannot be sent in a template message.`);
}

export function templateDisabled(name: string): MetaError {
	return whatsappError(400, 132016, '(#132016) Template is Disabled', `Template ${name} has been paused too many times due to low quality and is now permanently disabled.`);
}

const INVALID_TOKEN = 'Invalid OAuth access token - Cannot parse access token';

export function invalidToken(): MetaError {
	return new MetaError(
		401,
		{ message: INVALID_TOKEN, type: 'OAuthException', code: 190 },
		{ 'www-authenticate': `OAuth "Facebook Platform" "invalid_token" "${INVALID_TOKEN}"` },
	);
}

export function unsupportedRequest(method: string, id: string): MetaError {
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

export function unknownPath(path: string): MetaError {
	return new MetaError(400, { message: `Unknown path components: ${path}`, type: 'OAuthException', code: 2500 });
}

export function nonexistingField(field: string, nodeType: string): MetaError {
	return new MetaError(400, {
		message: `(#100) Tried accessing nonexisting field (${field}) on node type (${nodeType})`,
		type: 'OAuthException',
		code: 100,
	});
}
