import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** The whole header value: the prefix, then exactly one SHA-256 digest in hex, nothing else. */
const SIGNATURE_HEADER = /^sha256=([0-9a-fA-F]{64})$/;

/**
 * One header value, or a one-value list as some servers hand it over. Two values (an array, or
 * repeated headers that Node joins with ", ") are refused, whichever of them would match.
 */
function singleHeaderValue(header: unknown): string | undefined {
	const value = Array.isArray(header) ? (header.length === 1 ? (header[0] as unknown) : undefined) : header;
	return typeof value === 'string' ? value : undefined;
}

/**
 * `X-Hub-Signature-256`: HMAC-SHA256 of the exact raw body with the app secret. Only
 * `sha256=` followed by exactly 64 hex digits is read (Buffer's hex decoding would stop at the
 * first bad character and ignore the rest, so the format is checked first); the 32 bytes are
 * compared in constant time.
 */
export function verifyMetaSignature(rawBody: Buffer, header: unknown, appSecret: string): boolean {
	const value = singleHeaderValue(header);
	const match = value === undefined ? null : SIGNATURE_HEADER.exec(value);
	if (!match) return false;
	const given = Buffer.from(match[1], 'hex');
	const expected = createHmac('sha256', appSecret).update(rawBody).digest();
	return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * Handshake tokens of automatic registration: `<issued>-<random>.<mac>`, `issued` being the
 * time the token was made (base 36 milliseconds), the mac an HMAC with the credential's secret
 * over the nonce and the binding (the workflow, node and webhook the token was made for).
 */
const VERIFY_TOKEN = /^([0-9a-z]{1,12})-([0-9a-f]{24})\.([0-9a-f]{32})$/;

/** How long after it was made a token that is not the saved one is still taken (see isValidVerifyToken). */
export const FRESH_VERIFY_TOKEN_MS = 10 * 60_000;
/** Clock difference tolerated between the process that made a token and the one that checks it. */
const CLOCK_SKEW_MS = 2 * 60_000;

export function createVerifyToken(secret: string, binding: string, now = Date.now()): string {
	const nonce = `${now.toString(36)}-${randomBytes(12).toString('hex')}`;
	return `${nonce}.${verifyTokenMac(secret, binding, nonce)}`;
}

export interface VerifyTokenCheck {
	/** The workflow, node and webhook the token must have been made for. */
	binding: string;
	/** The token of the current activation, as the saved static data holds it; absent when none is saved. */
	current?: string;
	now?: number;
}

/**
 * Whether `token` is this activation's handshake token. The mac must match the credential's
 * secret and `binding`, so a token made for another workflow, node or webhook never passes. Then:
 * * the saved token of the current activation passes;
 * * any other passes only while fresh (made within FRESH_VERIFY_TOKEN_MS) and newer than the
 *   saved one: the handshake of an activation in progress, whose token is not saved yet.
 * A token of an earlier activation is older than the saved one or stale, and is refused.
 */
export function isValidVerifyToken(secret: string, token: unknown, check: VerifyTokenCheck): boolean {
	const parsed = parseVerifyToken(token);
	if (!parsed) return false;
	const expected = Buffer.from(verifyTokenMac(secret, check.binding, parsed.nonce), 'hex');
	if (!timingSafeEqual(Buffer.from(parsed.mac, 'hex'), expected)) return false;

	// Past the mac the token is genuine: the same nonce means the very token that was saved.
	const current = parseVerifyToken(check.current);
	if (current && current.nonce === parsed.nonce) return true;
	const now = check.now ?? Date.now();
	const fresh = parsed.issued >= now - FRESH_VERIFY_TOKEN_MS && parsed.issued <= now + CLOCK_SKEW_MS;
	return fresh && (!current || parsed.issued > current.issued);
}

function parseVerifyToken(token: unknown): { nonce: string; issued: number; mac: string } | undefined {
	if (typeof token !== 'string') return undefined;
	const match = VERIFY_TOKEN.exec(token);
	if (!match) return undefined;
	const issued = parseInt(match[1], 36);
	if (!Number.isSafeInteger(issued)) return undefined;
	return { nonce: `${match[1]}-${match[2]}`, issued, mac: match[3] };
}

function verifyTokenMac(secret: string, binding: string, nonce: string): string {
	return createHmac('sha256', secret)
		.update(`whatsapp-omni-verify-token:v2\n${binding}\n${nonce}`)
		.digest('hex')
		.slice(0, 32);
}
