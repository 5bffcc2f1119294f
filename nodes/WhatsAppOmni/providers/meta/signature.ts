import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** `X-Hub-Signature-256`: HMAC-SHA256 of the exact raw body with the app secret, compared in constant time. */
export function verifyMetaSignature(rawBody: Buffer, header: unknown, appSecret: string): boolean {
	const value = Array.isArray(header) ? header[0] : header;
	if (typeof value !== 'string' || !value.startsWith('sha256=')) return false;
	const given = Buffer.from(value.slice('sha256='.length), 'hex');
	const expected = createHmac('sha256', appSecret).update(rawBody).digest();
	return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * A handshake token that is random per activation yet checkable without storage: `<nonce>.<mac>`.
 * Meta calls the handshake while activation is still running, before n8n has saved the
 * workflow's static data, and possibly on another n8n process; any process holding the
 * credential can recompute the mac, nobody without it can forge one.
 */
export function createVerifyToken(secret: string): string {
	const nonce = randomBytes(12).toString('hex');
	return `${nonce}.${verifyTokenMac(secret, nonce)}`;
}

export function isValidVerifyToken(secret: string, token: unknown): boolean {
	if (typeof token !== 'string') return false;
	const [nonce, mac, extra] = token.split('.');
	if (!nonce || !mac || extra !== undefined) return false;
	const expected = Buffer.from(verifyTokenMac(secret, nonce));
	const given = Buffer.from(mac);
	return given.length === expected.length && timingSafeEqual(given, expected);
}

function verifyTokenMac(secret: string, nonce: string): string {
	return createHmac('sha256', secret).update(`whatsapp-omni-verify-token:${nonce}`).digest('hex').slice(0, 32);
}
