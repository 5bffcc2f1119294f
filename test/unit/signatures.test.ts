import { createHash, createHmac } from 'node:crypto';
import twilio from 'twilio';

import { createVerifyToken, isValidVerifyToken, verifyMetaSignature } from '../../nodes/WhatsAppOmni/providers/meta/signature';
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
});

describe('Meta verify tokens', () => {
	it('are random per call and checkable with the secret alone', () => {
		const a = createVerifyToken('s');
		const b = createVerifyToken('s');
		expect(a).not.toBe(b);
		expect(isValidVerifyToken('s', a)).toBe(true);
		expect(isValidVerifyToken('other', a)).toBe(false);
		expect(isValidVerifyToken('s', `${a.split('.')[0]}.${'0'.repeat(32)}`)).toBe(false);
		expect(isValidVerifyToken('s', 'abc')).toBe(false);
		expect(isValidVerifyToken('s', undefined)).toBe(false);
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

	it('checks JSON bodies through bodySHA256', () => {
		const body = Buffer.from(JSON.stringify({ MessageSid: 'SM1', Body: 'Olá' }));
		const url = `https://n8n.example.com/webhook/abc/webhook?bodySHA256=${createHash('sha256').update(body).digest('hex')}`;
		const signature = twilio.getExpectedTwilioSignature(token, url, {});
		expect(verifyTwilioSignature({ url, headers: { 'x-twilio-signature': signature }, rawBody: body }, token)).toBe(true);
		expect(verifyTwilioSignature({ url, headers: { 'x-twilio-signature': signature }, rawBody: Buffer.from('{"tampered":1}') }, token)).toBe(false);
	});
});
