import { readFileSync } from 'node:fs';
import path from 'node:path';

import type { UnifiedEvent } from '../../nodes/WhatsAppOmni/providers/events';
import { parseMetaWebhook } from '../../nodes/WhatsAppOmni/providers/meta/webhook';
import { triggerProperties } from '../../nodes/WhatsAppOmni/trigger/description';
import { wanted, type EventFilter } from '../../nodes/WhatsAppOmni/trigger/filters';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'webhooks', 'meta');
const event = (name: string): UnifiedEvent => {
	const [first] = parseMetaWebhook(JSON.parse(readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8')));
	return first;
};
const filter = (events: string[], messageTypes: string[] = []): EventFilter => ({ events, messageTypes, statusValues: [] });

describe('the Events filter and identity changes', () => {
	const numberChange = event('system-user-changed-number');
	const userIdChange = event('system-user-changed-user-id');
	const text = event('text');

	it('offers Identity Changes, and the default stays Messages only', () => {
		const events = triggerProperties.find((p) => p.name === 'events')!;
		expect(events.default).toEqual(['messages']);
		expect(events.options).toContainEqual(expect.objectContaining({ name: 'Identity Changes', value: 'identity' }));
	});

	it('Identity Changes lets identity events in, and only those', () => {
		expect([numberChange.event, userIdChange.event]).toEqual(['identity', 'identity']);
		expect(wanted(numberChange, filter(['identity']))).toBe(true);
		expect(wanted(userIdChange, filter(['identity']))).toBe(true);
		expect(wanted(text, filter(['identity']))).toBe(false);
	});

	it('Messages (the default) does not start on identity changes, whatever the types', () => {
		expect(wanted(numberChange, filter(['messages']))).toBe(false);
		expect(wanted(userIdChange, filter(['messages', 'statuses'], ['text']))).toBe(false);
		expect(wanted(text, filter(['messages']))).toBe(true);
	});

	it('a trigger that asks for Messages of type system by name still gets identity changes (they used to be system messages)', () => {
		expect(wanted(numberChange, filter(['messages'], ['system']))).toBe(true);
		expect(wanted(userIdChange, filter(['messages'], ['text', 'system']))).toBe(true);
		// Type "system" without Messages chosen asks for nothing.
		expect(wanted(numberChange, filter(['statuses'], ['system']))).toBe(false);
	});
});
