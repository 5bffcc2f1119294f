import { randomBytes } from 'node:crypto';

import type { FormBody } from './types';

export function randomHex(length: number): string {
	return randomBytes(Math.ceil(length / 2))
		.toString('hex')
		.slice(0, length);
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function randomAlnum(length: number): string {
	const bytes = randomBytes(length);
	let out = '';
	for (const byte of bytes) out += ALNUM[byte % ALNUM.length];
	return out;
}

/** Twilio's date format: RFC 2822 with a numeric zone, e.g. `Thu, 30 Jul 2015 20:12:31 +0000`. */
export function rfc2822(date: Date = new Date()): string {
	return date.toUTCString().replace(/GMT$/, '+0000');
}

/** Repeated keys become arrays, as Twilio sends MediaUrl and PersistentAction. */
export function parseForm(text: string): FormBody {
	const out: FormBody = {};
	for (const [key, value] of new URLSearchParams(text)) {
		const existing = out[key];
		if (existing === undefined) out[key] = value;
		else if (Array.isArray(existing)) existing.push(value);
		else out[key] = [existing, value];
	}
	return out;
}

export function mediaType(contentType: string | undefined): string {
	return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

export function parseBody(raw: Buffer, contentType: string): unknown {
	if (raw.length === 0) return undefined;
	const type = mediaType(contentType);
	if (type === 'application/json' || type.endsWith('+json')) {
		try {
			return JSON.parse(raw.toString('utf8'));
		} catch {
			return undefined;
		}
	}
	if (type === 'application/x-www-form-urlencoded') return parseForm(raw.toString('utf8'));
	return undefined;
}

/** mulberry32: tiny, good enough to make fault sequences repeatable from a seed. */
export function seededRandom(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function firstValue(value: string | string[] | undefined): string | undefined {
	return Array.isArray(value) ? value[0] : value;
}

/** An absolute http(s) URL, as the APIs that take a link or webhook URL require. */
export function isHttpUrl(value: string): boolean {
	try {
		const url = new URL(value);
		return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname.length > 0;
	} catch {
		return false;
	}
}
