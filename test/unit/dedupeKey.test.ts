import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import type { EventKind, UnifiedEvent } from '../../nodes/WhatsAppOmni/providers/events';
import { parseMetaWebhook } from '../../nodes/WhatsAppOmni/providers/meta/webhook';
import { parseTwilioWebhook } from '../../nodes/WhatsAppOmni/providers/twilio/webhook';
import { canonicalJson, dedupeKey } from '../../nodes/WhatsAppOmni/trigger/dedupeKey';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'webhooks');
const NOW = new Date('2025-06-09T08:00:00.000Z');
const LATER = new Date('2025-06-09T09:30:00.123Z');

function load(provider: 'meta' | 'twilio', name: string): any {
	return JSON.parse(readFileSync(path.join(FIXTURES, provider, `${name}.json`), 'utf8'));
}

function fixtureNames(provider: 'meta' | 'twilio'): string[] {
	return readdirSync(path.join(FIXTURES, provider))
		.filter((file) => file.endsWith('.json'))
		.map((file) => file.slice(0, -'.json'.length));
}

const parse = (provider: 'meta' | 'twilio', body: unknown, now = NOW): UnifiedEvent[] =>
	provider === 'meta' ? parseMetaWebhook(body, now) : parseTwilioWebhook(body as Record<string, string>, now);

/** Every event of every fixture, named `provider/fixture#index`. */
function allFixtureEvents(now = NOW): Array<[string, UnifiedEvent]> {
	return (['meta', 'twilio'] as const).flatMap((provider) =>
		fixtureNames(provider).flatMap((name) =>
			parse(provider, load(provider, name), now).map((event, i): [string, UnifiedEvent] => [`${provider}/${name}#${i}`, event]),
		),
	);
}

/** A Meta `messages` webhook with these messages (ids optional), from the text fixture's envelope. */
function metaMessages(...messages: object[]): any {
	const body = load('meta', 'text');
	body.entry[0].changes[0].value.messages = messages;
	return body;
}

const idless = (text: string, timestamp = '1749416383') => ({ from: '16505551234', timestamp, type: 'text', text: { body: text } });

function metaUpdate(field: string, value: object, time: number | undefined = 1749417100): any {
	return {
		object: 'whatsapp_business_account',
		entry: [{ id: '102290129340398', ...(time === undefined ? {} : { time }), changes: [{ field, value }] }],
	};
}

const onlyKey = (body: unknown, provider: 'meta' | 'twilio' = 'meta', now = NOW): string => {
	const events = parse(provider, body, now);
	expect(events).toHaveLength(1);
	return dedupeKey(events[0]);
};

describe('dedupeKey: every event kind', () => {
	const events = allFixtureEvents();

	it('the fixtures cover every event kind, for both providers', () => {
		const kinds = (provider: string) => new Set(events.filter(([, e]) => e.provider === provider).map(([, e]) => e.event));
		const all: EventKind[] = ['message', 'status', 'identity', 'error', 'template', 'account', 'unsupported'];
		expect([...kinds('meta')].sort()).toEqual([...all].sort());
		// Twilio posts messages and status callbacks only.
		expect([...kinds('twilio')].sort()).toEqual(['message', 'status']);
	});

	it.each(events)('%s has a non-empty key that names its kind and provider', (_name, event) => {
		const key = dedupeKey(event);
		expect(key).toMatch(new RegExp(`^${event.event[0]}:${event.provider}:.+`));
		// Bounded: provider ids of normal length, or a hash.
		expect(key.length).toBeLessThanOrEqual(160);
	});

	it('different events have different keys', () => {
		const keys = new Map<string, string>();
		for (const [name, event] of events) {
			const key = dedupeKey(event);
			expect({ name, sameKeyAs: keys.get(key) }).toEqual({ name, sameKeyAs: undefined });
			keys.set(key, name);
		}
		expect(keys.size).toBe(events.length);
	});

	it('a redelivery has the same key whenever it is parsed', () => {
		const later = new Map(allFixtureEvents(LATER));
		for (const [name, event] of events) expect([name, dedupeKey(later.get(name)!)]).toEqual([name, dedupeKey(event)]);
	});

	it('keeps the existing keys of messages and statuses with ids (Twilio SIDs, Meta wamids)', () => {
		expect(onlyKey(load('twilio', 'text'), 'twilio')).toBe('m:twilio:SM8f2a6c1e9b3d47a0c5e1f9b2d4a6c8e0');
		expect(onlyKey(load('twilio', 'status-read'), 'twilio')).toBe('s:twilio:SM7e9a1c3b5d2f46e8a0c2b4d6f8a1c3e9:read');
		expect(onlyKey(load('meta', 'text'))).toBe('m:meta:wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=');
		expect(onlyKey(load('meta', 'status-read'))).toBe('s:meta:wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI3RjlGNDNCQUQ5RDZGRjFEQUQA:read');
	});

	it('a Twilio status callback: one key per SID and status', () => {
		const read = load('twilio', 'status-read');
		const delivered = { ...read, MessageStatus: 'delivered', SmsStatus: 'delivered' };
		expect(onlyKey(delivered, 'twilio')).toBe('s:twilio:SM7e9a1c3b5d2f46e8a0c2b4d6f8a1c3e9:delivered');
		expect(onlyKey({ ...read, MessageSid: 'SM00000000000000000000000000000001' }, 'twilio')).not.toBe(onlyKey(read, 'twilio'));
	});
});

describe('dedupeKey: every kind of either provider, built by hand', () => {
	const KINDS: EventKind[] = ['message', 'status', 'identity', 'error', 'template', 'account', 'unsupported'];
	// Identity changes 1 and 3 share an id (as made-up ids of updates can): their old and new IDs differ.
	const build = (event: EventKind, provider: 'meta' | 'twilio', n: number): UnifiedEvent => ({
		event,
		provider,
		id: event === 'message' || event === 'status' ? `ID${n}` : `${event}:${n % 2}`,
		timestamp: '2025-06-09T08:00:00.000Z',
		business: {},
		contact: {},
		...(event === 'status' ? { status: { status: 'read', recipient: '+15550001111' } } : {}),
		...(event === 'identity' ? { identity: { change: 'userId', previous: { userId: `US.${n}` }, current: { userId: `US.${n + 100}` } } } : {}),
		...(event === 'message' || event === 'status' || event === 'identity' ? {} : { update: { field: 'some_field' } }),
		raw: { n },
	});
	const cases = KINDS.flatMap((kind) => (['meta', 'twilio'] as const).map((provider) => [kind, provider] as const));

	it.each(cases)('%s (%s): a non-empty key, the same for a copy, another for another event', (kind, provider) => {
		const key = dedupeKey(build(kind, provider, 1));
		expect(key).toMatch(new RegExp(`^${kind[0]}:${provider}:.+`));
		expect(dedupeKey(structuredClone(build(kind, provider, 1)))).toBe(key);
		expect(dedupeKey(build(kind, provider, 2))).not.toBe(key);
		expect(dedupeKey(build(kind, provider, 3))).not.toBe(key);
	});

	it('no two kinds or providers share a key', () => {
		const keys = cases.map(([kind, provider]) => dedupeKey(build(kind, provider, 1)));
		expect(new Set(keys).size).toBe(cases.length);
	});
});

describe('dedupeKey: messages and statuses without an id', () => {
	it('two different id-less messages get different keys, neither the shared `m:meta:`', () => {
		const [a, b] = parseMetaWebhook(metaMessages(idless('first'), idless('second')), NOW);
		expect(a.id).toBe('');
		expect(dedupeKey(a)).not.toBe(dedupeKey(b));
		for (const event of [a, b]) expect(dedupeKey(event)).toMatch(/^m:meta:#[\w-]{43}$/);
	});

	it('the same content sent at another time is another message', () => {
		expect(onlyKey(metaMessages(idless('hi', '1749416383')))).not.toBe(onlyKey(metaMessages(idless('hi', '1749416384'))));
	});

	it('the same id-less message delivered twice has one key, whatever the key order of the JSON', () => {
		const once = onlyKey(metaMessages(idless('hello')), 'meta', NOW);
		const reordered = { type: 'text', text: { body: 'hello' }, timestamp: '1749416383', from: '16505551234' };
		expect(onlyKey(metaMessages(reordered), 'meta', LATER)).toBe(once);
	});

	it('an id-less status is keyed by its content, not by a shared `s:meta::<status>`', () => {
		const body = (recipient: string) => {
			const status = load('meta', 'status-read');
			const value = status.entry[0].changes[0].value;
			delete value.statuses[0].id;
			value.statuses[0].recipient_id = recipient;
			return status;
		};
		const a = onlyKey(body('16505551234'));
		const b = onlyKey(body('16505559999'));
		expect(a).not.toBe(b);
		expect(a).toMatch(/^s:meta:#/);
		expect(onlyKey(body('16505551234'), 'meta', LATER)).toBe(a);
	});

	it('statuses of a group message: one key per member', () => {
		const group = (participant: string) =>
			metaMessagesWithStatus({ id: 'wamid.G', status: 'read', timestamp: '1749416383', recipient_id: '120363025246125486@g.us', recipient_type: 'group', recipient_participant_id: participant });
		const alice = onlyKey(group('16505551234'));
		expect(alice).toBe('s:meta:wamid.G:read:16505551234');
		expect(onlyKey(group('16505559999'))).not.toBe(alice);
	});

	it('a very long id is hashed, so keys stay short', () => {
		const key = onlyKey(metaMessages({ ...idless('x'), id: `wamid.${'A'.repeat(5000)}` }));
		expect(key).toMatch(/^m:meta:#[\w-]{43}$/);
		expect(onlyKey(metaMessages({ ...idless('x'), id: `wamid.${'A'.repeat(4999)}B` }))).not.toBe(key);
	});
});

describe('dedupeKey: identity changes', () => {
	it('a system message: its id with the old and the new identifiers; the same when delivered again', () => {
		expect(onlyKey(load('meta', 'system-user-changed-number'))).toBe(
			'i:meta:wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQUJCQ0NERUVGMDEyMzQ1Njc4OQA=:+16505551234,,:+16505559876,,',
		);
		// Longer than 128 characters: hashed.
		const key = onlyKey(load('meta', 'system-user-changed-user-id'));
		expect(key).toMatch(/^i:meta:#[\w-]{43}$/);
		expect(onlyKey(load('meta', 'system-user-changed-user-id'), 'meta', LATER)).toBe(key);
		const other = load('meta', 'system-user-changed-user-id');
		other.entry[0].changes[0].value.messages[0].system.user_id = 'US.5';
		expect(onlyKey(other)).not.toBe(key);
	});

	it('user_id_update: another change of the same person is another key, a replay the same', () => {
		const update = (current: string) => {
			const body = load('meta', 'user-id-update');
			body.entry[0].changes[0].value.user_id_update[0].user_id.current = current;
			return body;
		};
		const key = onlyKey(update('US.2481017593624018'));
		expect(key).toMatch(/^i:meta:user_id_update:/);
		expect(onlyKey(update('US.2481017593624018'), 'meta', LATER)).toBe(key);
		expect(onlyKey(update('US.9999'))).not.toBe(key);
	});

	it('an identity change without an id is keyed by its raw payload', () => {
		const body = load('meta', 'system-user-changed-user-id');
		delete body.entry[0].changes[0].value.messages[0].id;
		const key = onlyKey(body);
		expect(key).toMatch(/^i:meta:#[\w-]{43}$/);
		body.entry[0].changes[0].value.messages[0].system.user_id = 'US.5';
		expect(onlyKey(body)).not.toBe(key);
	});
});

function metaMessagesWithStatus(status: object): any {
	const body = load('meta', 'status-read');
	body.entry[0].changes[0].value.statuses = [status];
	return body;
}

describe('dedupeKey: updates (template, account, error, unknown)', () => {
	const template = (event: string, time?: number) =>
		metaUpdate('message_template_status_update', { event, message_template_id: 1689556908129832, message_template_name: 'order_confirmation', message_template_language: 'en_US', reason: 'NONE' }, time);

	it('a replayed template update has the same key', () => {
		expect(onlyKey(template('APPROVED'), 'meta', NOW)).toBe(onlyKey(template('APPROVED'), 'meta', LATER));
		expect(onlyKey(template('APPROVED'))).toMatch(/^t:meta:[\w-]{43}$/);
	});

	it('another change of the template, or the same change at another time, has another key', () => {
		const approved = onlyKey(template('APPROVED', 1749417100));
		expect(onlyKey(template('PAUSED', 1749417100))).not.toBe(approved);
		expect(onlyKey(template('APPROVED', 1749420000))).not.toBe(approved);
		const category = metaUpdate('template_category_update', { message_template_id: 1689556908129832, previous_category: 'UTILITY', new_category: 'MARKETING' });
		expect(onlyKey(category)).not.toBe(approved);
	});

	it('a replayed template update whose time cannot be read has the same key (not keyed by the time of receipt)', () => {
		const unreadable = () => template('APPROVED', '9999999999999' as unknown as number);
		expect(onlyKey(unreadable(), 'meta', NOW)).toBe(onlyKey(unreadable(), 'meta', LATER));
	});

	it('account updates: a replay has the same key, another update another key', () => {
		const account = load('meta', 'account-update');
		const key = onlyKey(account);
		expect(key).toMatch(/^a:meta:[\w-]{43}$/);
		expect(onlyKey(load('meta', 'account-update'), 'meta', LATER)).toBe(key);
		const other = load('meta', 'account-update');
		other.entry[0].changes[0].value.violation_info.violation_type = 'SPAM';
		expect(onlyKey(other)).not.toBe(key);
		const later = load('meta', 'account-update');
		later.entry[0].time += 60;
		expect(onlyKey(later)).not.toBe(key);
	});

	it('errors: keyed by content, the same without entry.time whenever parsed', () => {
		const key = onlyKey(load('meta', 'errors-value'));
		expect(key).toMatch(/^e:meta:[\w-]{43}$/);
		expect(onlyKey(load('meta', 'errors-value'), 'meta', LATER)).toBe(key);
		const other = load('meta', 'errors-value');
		other.entry[0].changes[0].value.errors[0].code = 131000;
		expect(onlyKey(other)).not.toBe(key);
	});

	it('unknown updates: keyed by content', () => {
		const key = onlyKey(load('meta', 'unknown-field'));
		expect(key).toMatch(/^u:meta:[\w-]{43}$/);
		expect(onlyKey(load('meta', 'unknown-field'), 'meta', LATER)).toBe(key);
		expect(onlyKey(metaUpdate('some_new_field', { a: 2 }))).not.toBe(onlyKey(metaUpdate('some_new_field', { a: 1 })));
	});
});

describe('canonicalJson', () => {
	it('sorts keys at every level and writes what JSON.stringify writes otherwise', () => {
		expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: undefined }], c: 'é' } })).toBe('{"a":{"c":"é","d":[1,{"y":2}]},"b":1}');
		expect(canonicalJson([undefined, Number.NaN, null])).toBe('[null,null,null]');
		expect(canonicalJson(undefined)).toBe('null');
	});

	it('does not overflow the stack on deep or circular values', () => {
		let deep: unknown = 'bottom';
		for (let i = 0; i < 100_000; i++) deep = { a: deep };
		expect(canonicalJson(deep)).toContain('[nested too deep]');
		const circular: Record<string, unknown> = { a: 1 };
		circular.self = circular;
		expect(canonicalJson(circular)).toContain('[nested too deep]');
	});
});
