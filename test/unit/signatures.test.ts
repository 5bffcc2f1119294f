import { createHash, createHmac } from 'node:crypto';
import twilio from 'twilio';

import { FRESH_VERIFY_TOKEN_MS, createVerifyToken, isValidVerifyToken, verifyMetaSignature } from '../../nodes/WhatsAppOmni/providers/meta/signature';
import { verifyTwilioSignature } from '../../nodes/WhatsAppOmni/providers/twilio/signature';

describe('Meta X-Hub-Signature-256', () => {
	const secret = 'app-secret-123';
	// Meta signs the body as it sends it: non-ASCII escaped as \uXXXX, so sign and check those bytes.
	const raw = Buffer.from('{"entry":[{"changes":[{"value":{"messages":[{"text":{"body":"Ol\\u00e1, caf\\u00e9 \\ud83d\\ude00"}}]}}]}]}');
	const sign = (body: Buffer, key = secret) => `sha256=${createHmac('sha256', key).update(body).digest('hex')}`;

	it('accepts the HMAC of the exact raw bytes, including escaped non-ASCII text', () => {
		expect(verifyMetaSignature(raw, sign(raw), secret)).toBe(true);
		const utf8 = Buffer.from('{"text":"Olá 😀"}', 'utf8');
		expect(verifyMetaSignature(utf8, sign(utf8), secret)).toBe(true);
	});

	it.each([
		['a wrong secret', () => sign(raw, 'other')],
		['a re-serialized body', () => sign(Buffer.from(JSON.stringify(JSON.parse(raw.toString()))))],
		['no prefix', () => sign(raw).slice(7)],
		['a missing header', () => undefined],
		['a truncated signature', () => sign(raw).slice(0, 40)],
		['not hex', () => 'sha256=zz'],
	])('refuses %s', (_name, header) => {
		expect(verifyMetaSignature(raw, header(), secret)).toBe(false);
	});

	it('accepts upper-case hex digits, and a header handed over as a list of one value', () => {
		expect(verifyMetaSignature(raw, `sha256=${sign(raw).slice(7).toUpperCase()}`, secret)).toBe(true);
		expect(verifyMetaSignature(raw, [sign(raw)], secret)).toBe(true);
	});

	// Hex decoding stops at the first character that is not hex: each of these carries the valid
	// MAC first and was accepted before the whole value was checked.
	it.each([
		['the valid MAC followed by junk', () => `${sign(raw)}zzzz`],
		['a 65th hex digit', () => `${sign(raw)}0`],
		['66 hex digits', () => `${sign(raw)}00`],
		['a second signature appended after a comma', () => `${sign(raw)},sha256=${'0'.repeat(64)}`],
		['two header values joined by Node (", ")', () => `${sign(raw)}, ${sign(raw, 'other')}`],
		['the same valid value twice, joined', () => `${sign(raw)}, ${sign(raw)}`],
		['two header values as a list, the valid one first', () => [sign(raw), 'sha256=junk']],
		['two header values as a list, both valid', () => [sign(raw), sign(raw)]],
		['trailing whitespace', () => `${sign(raw)} `],
		['a newline after the MAC', () => `${sign(raw)}\n`],
		['an upper-case prefix', () => `SHA256=${sign(raw).slice(7)}`],
		['63 hex digits', () => sign(raw).slice(0, -1)],
		['an empty list', () => []],
		['a number', () => 42],
	])('refuses %s', (_name, header) => {
		expect(verifyMetaSignature(raw, header(), secret)).toBe(false);
	});
});

describe('Meta verify tokens', () => {
	const binding = 'whatsapp-omni-trigger\nwf-1\nnode-1\nhook-1';
	const now = Date.UTC(2025, 0, 15, 12);
	const minutes = (n: number) => n * 60_000;

	it('are random per call, checkable with the secret, and only for the binding they were made for', () => {
		const a = createVerifyToken('s', binding, now);
		const b = createVerifyToken('s', binding, now);
		expect(a).not.toBe(b);
		expect(a).toMatch(/^[0-9a-z]+-[0-9a-f]{24}\.[0-9a-f]{32}$/);
		expect(isValidVerifyToken('s', a, { binding, now })).toBe(true);
		expect(isValidVerifyToken('other', a, { binding, now })).toBe(false);
		expect(isValidVerifyToken('s', a, { binding: binding.replace('wf-1', 'wf-2'), now })).toBe(false);
		expect(isValidVerifyToken('s', a, { binding: binding.replace('hook-1', 'hook-2'), now })).toBe(false);
		expect(isValidVerifyToken('s', `${a.split('.')[0]}.${'0'.repeat(32)}`, { binding, now })).toBe(false);
	});

	it.each([
		['garbage', 'abc'],
		['nothing', undefined],
		['a token of the earlier format (<nonce>.<mac>, valid for ever)', 'a1b2c3d4e5f6a1b2c3d4e5f6.0123456789abcdef0123456789abcdef'],
		['a token with junk after the mac', () => `${createVerifyToken('s', binding, now)}x`],
		['a token with upper-case hex', () => createVerifyToken('s', binding, now).toUpperCase()],
	])('refuse %s', (_name, token) => {
		const value = typeof token === 'function' ? token() : token;
		expect(isValidVerifyToken('s', value, { binding, now })).toBe(false);
	});

	it('while none is saved (an activation in progress), take only a fresh token', () => {
		expect(isValidVerifyToken('s', createVerifyToken('s', binding, now - minutes(1)), { binding, now })).toBe(true);
		expect(isValidVerifyToken('s', createVerifyToken('s', binding, now - FRESH_VERIFY_TOKEN_MS - 1), { binding, now })).toBe(false);
		// Made "in the future" beyond any clock difference between two n8n processes.
		expect(isValidVerifyToken('s', createVerifyToken('s', binding, now + minutes(30)), { binding, now })).toBe(false);
	});

	it('take the saved token of the current activation for as long as it is saved', () => {
		const current = createVerifyToken('s', binding, now - minutes(60 * 24 * 30));
		expect(isValidVerifyToken('s', current, { binding, current, now })).toBe(true);
		// Once delete has dropped it, it is stale like any other.
		expect(isValidVerifyToken('s', current, { binding, now })).toBe(false);
	});

	it('refuse a token of an earlier activation once a later one is saved, even a fresh one', () => {
		const earlier = createVerifyToken('s', binding, now - minutes(2));
		const current = createVerifyToken('s', binding, now - minutes(1));
		expect(isValidVerifyToken('s', earlier, { binding, current, now })).toBe(false);
		expect(isValidVerifyToken('s', createVerifyToken('s', binding, now - minutes(90)), { binding, current, now })).toBe(false);
	});

	it('take a fresh token newer than the saved one: the handshake of a re-activation whose token is not saved yet', () => {
		const saved = createVerifyToken('s', binding, now - minutes(60 * 24));
		expect(isValidVerifyToken('s', createVerifyToken('s', binding, now), { binding, current: saved, now })).toBe(true);
	});
});

describe('Twilio X-Twilio-Signature (signed by the twilio package’s own helper)', () => {
	const token = '12345678901234567890123456789012';
	const params = { MessageSid: 'SM1', Body: 'Olá, café 😀', From: 'whatsapp:+15551234567', NumMedia: '0' };
	const request = (url: string, signature?: string, rawBody = Buffer.from('')) => ({
		url,
		headers: signature ? { 'x-twilio-signature': signature } : {},
		rawBody,
		body: params,
	});

	it('accepts a form post signed for the public URL', () => {
		const url = 'https://n8n.example.com/webhook/abc/webhook';
		expect(verifyTwilioSignature(request(url, twilio.getExpectedTwilioSignature(token, url, params)), token)).toBe(true);
	});

	it('accepts a URL with a port when Twilio signed it without (behind a proxy), and with a query string', () => {
		const signedFor = 'https://n8n.example.com/webhook/abc/webhook?x=1';
		const signature = twilio.getExpectedTwilioSignature(token, signedFor, params);
		expect(verifyTwilioSignature(request('https://n8n.example.com:443/webhook/abc/webhook?x=1', signature), token)).toBe(true);
	});

	it('refuses a wrong token, a changed parameter, another URL and a missing header', () => {
		const url = 'https://n8n.example.com/webhook/abc/webhook';
		const signature = twilio.getExpectedTwilioSignature(token, url, params);
		expect(verifyTwilioSignature(request(url, signature), 'x'.repeat(32))).toBe(false);
		expect(verifyTwilioSignature({ ...request(url, signature), body: { ...params, Body: 'changed' } }, token)).toBe(false);
		expect(verifyTwilioSignature(request('https://evil.example.com/webhook/abc/webhook', signature), token)).toBe(false);
		expect(verifyTwilioSignature(request(url), token)).toBe(false);
	});

	it('refuses two header values even when one of them is the right signature', () => {
		const url = 'https://n8n.example.com/webhook/abc/webhook';
		const signature = twilio.getExpectedTwilioSignature(token, url, params);
		const withHeader = (header: string | string[]) => ({ ...request(url), headers: { 'x-twilio-signature': header } });
		expect(verifyTwilioSignature(withHeader([signature]), token)).toBe(true);
		expect(verifyTwilioSignature(withHeader([signature, 'junk']), token)).toBe(false);
		expect(verifyTwilioSignature(withHeader([signature, signature]), token)).toBe(false);
		expect(verifyTwilioSignature(withHeader(['junk', signature]), token)).toBe(false);
		expect(verifyTwilioSignature(withHeader([]), token)).toBe(false);
		expect(verifyTwilioSignature(withHeader(`${signature}, ${signature}`), token)).toBe(false);
		expect(verifyTwilioSignature(withHeader(`${signature}zz`), token)).toBe(false);
	});

	it('checks JSON bodies through bodySHA256', () => {
		const body = Buffer.from(JSON.stringify({ MessageSid: 'SM1', Body: 'Olá' }));
		const url = `https://n8n.example.com/webhook/abc/webhook?bodySHA256=${createHash('sha256').update(body).digest('hex')}`;
		const signature = twilio.getExpectedTwilioSignature(token, url, {});
		expect(verifyTwilioSignature({ url, headers: { 'x-twilio-signature': signature }, rawBody: body }, token)).toBe(true);
		expect(verifyTwilioSignature({ url, headers: { 'x-twilio-signature': signature }, rawBody: Buffer.from('{"tampered":1}') }, token)).toBe(false);
	});
});
