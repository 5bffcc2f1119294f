import { DEDUPE_MAX_KEYS, DEDUPE_TTL_MS, MemoryDedupeStore, memoryDedupeStore } from '../../nodes/WhatsAppOmni/trigger/dedupe';

const T0 = Date.parse('2025-06-09T08:00:00.000Z');
const HOUR = 60 * 60 * 1000;

describe('MemoryDedupeStore', () => {
	it('takes keys: true the first time in a scope, false for a repeat', () => {
		const store = new MemoryDedupeStore();
		expect(store.firstSeen('wf:node', 'm:meta:wamid.1', T0)).toBe(true);
		expect(store.firstSeen('wf:node', 'm:meta:wamid.1', T0 + 1)).toBe(false);
		expect(store.firstSeen('wf:node', 'm:meta:wamid.2', T0 + 2)).toBe(true);
		// Another trigger (workflow or node) gets every event too.
		expect(store.firstSeen('wf:other', 'm:meta:wamid.1', T0 + 3)).toBe(true);
	});

	it('remembers a key for 24 hours, not longer', () => {
		const store = new MemoryDedupeStore();
		expect(store.firstSeen('s', 'k', T0)).toBe(true);
		expect(store.firstSeen('s', 'k', T0 + 24 * HOUR - 1)).toBe(false);
		expect(store.firstSeen('s', 'k', T0 + 24 * HOUR)).toBe(true);
		expect(store.firstSeen('s', 'k', T0 + 24 * HOUR + 1)).toBe(false);
	});

	it('drops expired keys as new ones come in', () => {
		const store = new MemoryDedupeStore();
		for (let i = 0; i < 100; i++) store.firstSeen('s', `old-${i}`, T0 + i);
		expect(store.size).toBe(100);
		store.firstSeen('s', 'new', T0 + 24 * HOUR + 50);
		// old-0 … old-50 expired; old-51 … old-99 and the new key are left.
		expect(store.size).toBe(50);
	});

	it('holds at most maxKeys keys, dropping the oldest first', () => {
		const store = new MemoryDedupeStore(DEDUPE_TTL_MS, 10);
		for (let i = 0; i < 25; i++) {
			expect(store.firstSeen('s', `k${i}`, T0 + i)).toBe(true);
			expect(store.size).toBeLessThanOrEqual(10);
		}
		expect(store.firstSeen('s', 'k24', T0 + 100)).toBe(false);
		expect(store.firstSeen('s', 'k23', T0 + 100)).toBe(false);
		// The oldest were let go to stay within the bound: seen again, they count as new.
		expect(store.firstSeen('s', 'k0', T0 + 100)).toBe(true);
	});

	it('a store of one key keeps the newest', () => {
		const store = new MemoryDedupeStore(DEDUPE_TTL_MS, 1);
		expect(store.firstSeen('s', 'a', T0)).toBe(true);
		expect(store.firstSeen('s', 'b', T0 + 1)).toBe(true);
		expect(store.size).toBe(1);
		expect(store.firstSeen('s', 'b', T0 + 2)).toBe(false);
	});

	it('the trigger’s store: 24 hours, 50,000 keys, and it stays within them', () => {
		expect(memoryDedupeStore.ttlMs).toBe(24 * HOUR);
		expect(memoryDedupeStore.maxKeys).toBe(50_000);
		const store = new MemoryDedupeStore();
		expect([store.ttlMs, store.maxKeys]).toEqual([DEDUPE_TTL_MS, DEDUPE_MAX_KEYS]);
		for (let i = 0; i < 60_000; i++) store.firstSeen('wf:node', `m:meta:wamid.${i}`, T0 + i);
		expect(store.size).toBeLessThanOrEqual(50_000);
		expect(store.firstSeen('wf:node', 'm:meta:wamid.59999', T0 + 60_000)).toBe(false);
	});
});
