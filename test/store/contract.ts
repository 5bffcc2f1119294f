/**
 * The conversation store's contract: one suite every engine (memory, SQLite, PostgreSQL) runs
 * as it is. A backend hands in a way to make an empty database and to open store instances on it;
 * two instances on one database stand for two n8n processes.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';

import type { ContactRef, ConversationStore, FlowStateWrite, StoreScope, Wait } from '../../nodes/WhatsAppOmni/store';
import { FlowStateTooLargeError, MAX_FLOW_STATE_BYTES, STORE_URL_VARIABLE, StoreSchemaTooNewError, StoreUnavailableError } from '../../nodes/WhatsAppOmni/store';

export interface Clock {
	now: () => number;
}

export interface TestDatabase {
	/** WHATSAPP_OMNI_STORE_URL of this database, for stores in other (real) processes. */
	url?: string;
	/** Opens another store instance on this database (another process, as far as the store can tell). */
	open(clock?: Clock): Promise<ConversationStore>;
	/** Engines with a schema: reads and sets the stored schema version, lists index names. */
	schema?: {
		version(): Promise<number | undefined>;
		setVersion(version: number): Promise<void>;
		indexNames(): Promise<string[]>;
		/** Builds the database as schema `version` made it, holding one inbound message `wamid.v1` from +15550001111. */
		buildVersion(version: number): Promise<void>;
		/** Every table name of the store, to see that a refused open created nothing. */
		tableNames(): Promise<string[]>;
	};
	drop(): Promise<void>;
}

export interface ContractBackend {
	name: string;
	database(): Promise<TestDatabase>;
	/** A URL naming a store that cannot be reached; the error must name `where` and never `secret`. */
	unreachable?: { url: string; where: string; secret?: string };
	open?: (env: Record<string, string>) => Promise<ConversationStore>;
	/** Databases other processes can open (not memory): the suite starts real ones. */
	processes?: boolean;
	/** The latest schema version this package knows. */
	latestVersion?: number;
}

export const T0 = Date.parse('2026-03-01T12:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();
const META: StoreScope = { provider: 'meta', business: '106540352242922' };
const TWILIO: StoreScope = { provider: 'twilio', business: '+14155238886' };
const ALICE = '+15551230001';
const ALICE_ID = 'US.13491208655302741918';
const BOB = '+15551230002';

/** Runs test/store/processWorker.js in a new Node.js process (the one running the tests). */
function runWorker(url: string, seed: number): Promise<{ won: string[] }> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [path.join(__dirname, 'processWorker.js'), String(seed)], {
			env: { ...process.env, WHATSAPP_OMNI_STORE_URL: url },
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let out = '';
		let err = '';
		child.stdout.on('data', (chunk) => (out += chunk));
		child.stderr.on('data', (chunk) => (err += chunk));
		child.on('error', reject);
		child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as { won: string[] }) : reject(new Error(`worker ${seed} exited ${code}: ${err}`))));
	});
}

function shuffled<T>(items: T[], seed: number): T[] {
	const result = [...items];
	let state = seed;
	for (let i = result.length - 1; i > 0; i--) {
		state = (state * 1103515245 + 12345) % 2 ** 31;
		const j = state % (i + 1);
		[result[i], result[j]] = [result[j], result[i]];
	}
	return result;
}

export function storeContract(backend: ContractBackend): void {
	describe(`conversation store contract: ${backend.name}`, () => {
		let db: TestDatabase;
		let store: ConversationStore;
		let clockMs: number;
		const clock: Clock = { now: () => clockMs };
		const opened: ConversationStore[] = [];
		const open = async () => {
			const instance = await db.open(clock);
			opened.push(instance);
			return instance;
		};

		beforeEach(async () => {
			clockMs = T0 + 3600_000;
			db = await backend.database();
			store = await open();
		});

		afterEach(async () => {
			await Promise.all(opened.splice(0).map((instance) => instance.close()));
			await db.drop();
		});

		const inbound = (id: string, seconds: number, extra: Record<string, unknown> = {}) =>
			store.recordMessage(META, { id, direction: 'inbound', contact: { phoneNumber: ALICE }, type: 'text', text: `in ${id}`, timestamp: at(seconds), ...extra });
		const outbound = (id: string, seconds: number, extra: Record<string, unknown> = {}) =>
			store.recordMessage(META, { id, direction: 'outbound', contact: { phoneNumber: ALICE }, type: 'text', text: `out ${id}`, timestamp: at(seconds), ...extra });
		const ids = (page: { messages: Array<{ id: string }> }) => page.messages.map((message) => message.id);

		describe('messages', () => {
			it('keeps every field and gives them back newest first', async () => {
				await inbound('wamid.in1', 1, { contactName: 'Alice' });
				await store.recordMessage(META, {
					id: 'wamid.out1', direction: 'outbound', contact: { phoneNumber: ALICE }, type: 'template', templateName: 'order_update', timestamp: at(2),
				});
				await store.recordMessage(META, {
					id: 'wamid.in2', direction: 'inbound', contact: { phoneNumber: ALICE }, type: 'image', text: 'a caption', mediaIds: ['media-1', 'media-2'], timestamp: at(3),
				});
				const page = await store.getHistory(META, { phoneNumber: ALICE }, { limit: 10 });
				expect(page.nextCursor).toBeUndefined();
				expect(page.messages).toEqual([
					{ id: 'wamid.in2', direction: 'inbound', contact: { phoneNumber: ALICE }, type: 'image', text: 'a caption', mediaIds: ['media-1', 'media-2'], timestamp: at(3) },
					{ id: 'wamid.out1', direction: 'outbound', contact: { phoneNumber: ALICE }, type: 'template', templateName: 'order_update', timestamp: at(2) },
					{ id: 'wamid.in1', direction: 'inbound', contact: { phoneNumber: ALICE }, type: 'text', text: 'in wamid.in1', timestamp: at(1), contactName: 'Alice' },
				]);
			});

			it('records the same message once, however often and from however many processes', async () => {
				const other = await open();
				await Promise.all(
					Array.from({ length: 20 }, (_, i) => (i % 2 ? store : other).recordMessage(META, {
						id: 'wamid.same', direction: 'inbound', contact: { phoneNumber: ALICE }, type: 'text', text: `copy ${i}`, timestamp: at(5),
					})),
				);
				const page = await store.getHistory(META, { phoneNumber: ALICE }, { limit: 10 });
				expect(ids(page)).toEqual(['wamid.same']);
				// Whichever copy came first stays; later ones change nothing.
				expect(page.messages[0].text).toMatch(/^copy \d+$/);
			});

			it('keeps scopes apart: the same person and message ID under another number or provider', async () => {
				await inbound('wamid.1', 1);
				await store.recordMessage(TWILIO, { id: 'wamid.1', direction: 'inbound', contact: { phoneNumber: ALICE }, type: 'text', text: 'twilio', timestamp: at(2) });
				expect((await store.getHistory(TWILIO, { phoneNumber: ALICE }, { limit: 10 })).messages.map((m) => m.text)).toEqual(['twilio']);
				expect((await store.getHistory(META, { phoneNumber: ALICE }, { limit: 10 })).messages.map((m) => m.text)).toEqual(['in wamid.1']);
				expect(await store.getHistory({ provider: 'meta', business: 'other' }, { phoneNumber: ALICE }, { limit: 10 })).toEqual({ messages: [] });
			});

			it('refuses a message without a phone number or BSUID', async () => {
				await expect(store.recordMessage(META, { id: 'x', direction: 'inbound', contact: {}, type: 'text', timestamp: at(1) })).rejects.toThrow(/phone number or a user ID/);
			});
		});

		describe('contact', () => {
			it('remembers the last inbound time and the name shown then; outbound and older messages do not move it back', async () => {
				await inbound('wamid.a', 10, { contactName: 'Alice A' });
				await inbound('wamid.b', 5, { contactName: 'Old Name' });
				await outbound('wamid.c', 20);
				expect(await store.getContact(META, { phoneNumber: ALICE })).toEqual({ phoneNumber: ALICE, name: 'Alice A', lastInboundAt: at(10) });
				await inbound('wamid.d', 30, { contactName: 'Alice B' });
				expect(await store.getContact(META, { phoneNumber: ALICE })).toEqual({ phoneNumber: ALICE, name: 'Alice B', lastInboundAt: at(30) });
				expect(await store.getContact(META, { phoneNumber: '+15550000000' })).toBeUndefined();
			});
		});

		describe('statuses', () => {
			const status = (messageId: string, value: string, seconds: number, extra: Record<string, unknown> = {}) =>
				store.recordStatus(META, { messageId, status: value, timestamp: at(seconds), ...extra });

			it('never moves backwards: read before delivered before sent ends as read, history in provider time order', async () => {
				await outbound('wamid.o', 0);
				expect((await status('wamid.o', 'read', 30)).status).toBe('read');
				expect((await status('wamid.o', 'delivered', 20)).status).toBe('read');
				const final = await status('wamid.o', 'sent', 10);
				expect(final).toEqual({
					messageId: 'wamid.o', status: 'read', timestamp: at(30),
					history: [{ status: 'sent', timestamp: at(10) }, { status: 'delivered', timestamp: at(20) }, { status: 'read', timestamp: at(30) }],
				});
				expect(await store.getStatus(META, 'wamid.o')).toEqual(final);
			});

			it('keeps each distinct status once, at the earliest time the provider gave', async () => {
				await status('wamid.o', 'sent', 10);
				await status('wamid.o', 'sent', 12);
				await status('wamid.o', 'sent', 8);
				await status('wamid.o', 'delivered', 20);
				await status('wamid.o', 'delivered', 20);
				expect((await store.getStatus(META, 'wamid.o'))?.history).toEqual([{ status: 'sent', timestamp: at(8) }, { status: 'delivered', timestamp: at(20) }]);
			});

			it('orders statuses of the same second by their own order, not by arrival (whole-second provider times)', async () => {
				await status('wamid.same', 'read', 30);
				await status('wamid.same', 'delivered', 30);
				await status('wamid.same', 'sent', 30);
				expect((await store.getStatus(META, 'wamid.same'))?.history.map((h) => h.status)).toEqual(['sent', 'delivered', 'read']);
			});

			it('treats failed as final, keeping its errors, and still lists what came after', async () => {
				const errors = [{ code: 131047, title: 'Re-engagement message', message: 'More than 24 hours have passed' }];
				await status('wamid.f', 'sent', 10);
				await status('wamid.f', 'failed', 20, { errors });
				await status('wamid.f', 'delivered', 30);
				const final = await status('wamid.f', 'read', 40);
				expect(final.status).toBe('failed');
				expect(final.timestamp).toBe(at(20));
				expect(final.errors).toEqual(errors);
				expect(final.history.map((entry) => entry.status)).toEqual(['sent', 'failed', 'delivered', 'read']);
				expect(final.history[1].errors).toEqual(errors);
				expect((await status('wamid.u', 'undelivered', 5)).status).toBe('undelivered');
				expect((await status('wamid.u', 'delivered', 6)).status).toBe('undelivered');
			});

			it('keeps pricing and takes statuses it does not rank', async () => {
				await status('wamid.p', 'warning', 5);
				expect((await store.getStatus(META, 'wamid.p'))?.status).toBe('warning');
				await status('wamid.p', 'sent', 10, { pricing: { billable: true, category: 'utility' } });
				const final = await status('wamid.p', 'delivered', 11, { pricing: { pricing_model: 'PMP' } });
				expect(final.status).toBe('delivered');
				expect(final.pricing).toEqual({ billable: true, category: 'utility', pricing_model: 'PMP' });
			});

			it('keeps a status for a message it does not know yet and joins them when the message comes', async () => {
				await status('wamid.later', 'delivered', 20);
				expect((await store.getStatus(META, 'wamid.later'))?.status).toBe('delivered');
				expect(await store.getStatus(META, 'wamid.unknown')).toBeUndefined();
				await outbound('wamid.later', 15);
				const [message] = (await store.getHistory(META, { phoneNumber: ALICE }, { limit: 5 })).messages;
				expect(message.id).toBe('wamid.later');
				expect(message.status?.status).toBe('delivered');
			});

			it('loses nothing when 50 statuses of 10 messages arrive at once, shuffled, through two processes', async () => {
				const other = await open();
				const order = ['sent', 'delivered', 'read', 'played', 'sent'];
				const calls = Array.from({ length: 10 }, (_, m) => order.map((value, i) => ({ messageId: `wamid.c${m}`, status: value, timestamp: at(100 + i * 10 + m) }))).flat();
				expect(calls).toHaveLength(50);
				await Promise.all(shuffled(calls, 7).map((call, i) => (i % 2 ? store : other).recordStatus(META, call)));
				for (let m = 0; m < 10; m++) {
					const final = await other.getStatus(META, `wamid.c${m}`);
					expect(final?.status).toBe('played');
					expect(final?.history.map((entry) => entry.status)).toEqual(['sent', 'delivered', 'read', 'played']);
				}
			});
		});

		describe('history', () => {
			beforeEach(async () => {
				// 25 messages, one a second, and three more sharing one second to test ties.
				for (let i = 0; i < 25; i++) await (i % 2 ? outbound : inbound)(`wamid.${String(i).padStart(2, '0')}`, i);
				for (const id of ['wamid.tie-a', 'wamid.tie-b', 'wamid.tie-c']) await inbound(id, 100);
			});

			it('pages newest first with an opaque cursor until the end, each message once', async () => {
				const seen: string[] = [];
				let cursor: string | undefined;
				let pages = 0;
				do {
					const page = await store.getHistory(META, { phoneNumber: ALICE }, { limit: 4, cursor });
					expect(page.messages.length).toBeLessThanOrEqual(4);
					seen.push(...ids(page));
					cursor = page.nextCursor;
					pages++;
				} while (cursor);
				expect(pages).toBe(7);
				expect(seen).toEqual(['wamid.tie-c', 'wamid.tie-b', 'wamid.tie-a', ...Array.from({ length: 25 }, (_, i) => `wamid.${String(24 - i).padStart(2, '0')}`)]);
			});

			it('takes inclusive after and before bounds, also across pages', async () => {
				const first = await store.getHistory(META, { phoneNumber: ALICE }, { limit: 3, after: at(10), before: at(15) });
				expect(ids(first)).toEqual(['wamid.15', 'wamid.14', 'wamid.13']);
				const second = await store.getHistory(META, { phoneNumber: ALICE }, { limit: 3, after: at(10), before: at(15), cursor: first.nextCursor });
				expect(ids(second)).toEqual(['wamid.12', 'wamid.11', 'wamid.10']);
				expect(second.nextCursor).toBeUndefined();
				expect(ids(await store.getHistory(META, { phoneNumber: ALICE }, { limit: 50, after: at(24) }))).toEqual(['wamid.tie-c', 'wamid.tie-b', 'wamid.tie-a', 'wamid.24']);
			});

			it('refuses a foreign cursor, a bad bound and a limit out of range', async () => {
				await expect(store.getHistory(META, { phoneNumber: ALICE }, { limit: 5, cursor: 'nonsense' })).rejects.toThrow(/cursor/);
				await expect(store.getHistory(META, { phoneNumber: ALICE }, { limit: 5, after: 'yesterday' })).rejects.toThrow(/after/);
				await expect(store.getHistory(META, { phoneNumber: ALICE }, { limit: 0 })).rejects.toThrow(/limit/);
			});
		});

		describe('identity', () => {
			it('links a phone number and a BSUID when one call carries both: either finds the same rows', async () => {
				await inbound('wamid.phone-only', 1, { contactName: 'Alice' });
				await store.recordMessage(META, { id: 'wamid.bsuid-only', direction: 'inbound', contact: { userId: ALICE_ID }, type: 'text', timestamp: at(2) });
				// Not linked yet: two people as far as the store knows.
				expect(ids(await store.getHistory(META, { userId: ALICE_ID }, { limit: 10 }))).toEqual(['wamid.bsuid-only']);
				await store.recordMessage(META, { id: 'wamid.both', direction: 'inbound', contact: { phoneNumber: ALICE, userId: ALICE_ID }, type: 'text', timestamp: at(3) });
				const expected = ['wamid.both', 'wamid.bsuid-only', 'wamid.phone-only'];
				expect(ids(await store.getHistory(META, { userId: ALICE_ID }, { limit: 10 }))).toEqual(expected);
				expect(ids(await store.getHistory(META, { phoneNumber: ALICE }, { limit: 10 }))).toEqual(expected);
				const contact = { phoneNumber: ALICE, userId: ALICE_ID, name: 'Alice', lastInboundAt: at(3) };
				expect(await store.getContact(META, { phoneNumber: ALICE })).toEqual(contact);
				expect(await store.getContact(META, { userId: ALICE_ID })).toEqual(contact);
				const page = await store.getHistory(META, { phoneNumber: ALICE }, { limit: 1 });
				expect(page.messages[0].contact).toEqual({ phoneNumber: ALICE, userId: ALICE_ID });
			});

			it('links through a status that names both', async () => {
				await outbound('wamid.o', 1);
				await store.recordStatus(META, { messageId: 'wamid.o', status: 'sent', timestamp: at(2), contact: { phoneNumber: ALICE, userId: ALICE_ID } });
				expect(ids(await store.getHistory(META, { userId: ALICE_ID }, { limit: 10 }))).toEqual(['wamid.o']);
			});

			it('links once when many calls carrying both arrive at once through two processes', async () => {
				const other = await open();
				await Promise.all(
					Array.from({ length: 20 }, (_, i) => (i % 2 ? store : other).recordMessage(META, {
						id: `wamid.p${i}`, direction: 'inbound', type: 'text', timestamp: at(i),
						contact: i % 3 === 0 ? { phoneNumber: ALICE } : i % 3 === 1 ? { userId: ALICE_ID } : { phoneNumber: ALICE, userId: ALICE_ID },
					})),
				);
				expect((await store.getHistory(META, { userId: ALICE_ID }, { limit: 50 })).messages).toHaveLength(20);
				expect((await other.getHistory(META, { phoneNumber: ALICE }, { limit: 50 })).messages).toHaveLength(20);
			});

			it('moves the rows to a new phone number: the new one finds them, the old one nothing', async () => {
				await inbound('wamid.1', 1, { contactName: 'Alice' });
				await store.recordIdentityChange(META, { phoneNumber: ALICE }, { phoneNumber: '+15559990000' });
				expect(ids(await store.getHistory(META, { phoneNumber: '+15559990000' }, { limit: 10 }))).toEqual(['wamid.1']);
				expect(await store.getHistory(META, { phoneNumber: ALICE }, { limit: 10 })).toEqual({ messages: [] });
				expect(await store.getContact(META, { phoneNumber: '+15559990000' })).toEqual({ phoneNumber: '+15559990000', name: 'Alice', lastInboundAt: at(1) });
			});

			it('moves a changed BSUID and merges into rows the new identity already had, never forking', async () => {
				await store.recordMessage(META, { id: 'wamid.old', direction: 'inbound', contact: { phoneNumber: ALICE, userId: 'US.1' }, type: 'text', timestamp: at(1) });
				await store.recordMessage(META, { id: 'wamid.new', direction: 'inbound', contact: { userId: 'US.2' }, type: 'text', timestamp: at(2) });
				await store.recordIdentityChange(META, { userId: 'US.1' }, { userId: 'US.2' });
				expect(ids(await store.getHistory(META, { userId: 'US.2' }, { limit: 10 }))).toEqual(['wamid.new', 'wamid.old']);
				expect(ids(await store.getHistory(META, { phoneNumber: ALICE }, { limit: 10 }))).toEqual(['wamid.new', 'wamid.old']);
				expect(await store.getHistory(META, { userId: 'US.1' }, { limit: 10 })).toEqual({ messages: [] });
				expect(await store.getContact(META, { userId: 'US.2' })).toEqual({ phoneNumber: ALICE, userId: 'US.2', lastInboundAt: at(2) });
				// Recording the change again (a repeated webhook) changes nothing.
				await store.recordIdentityChange(META, { userId: 'US.1' }, { userId: 'US.2' });
				expect(ids(await store.getHistory(META, { userId: 'US.2' }, { limit: 10 }))).toEqual(['wamid.new', 'wamid.old']);
			});

			it('takes a change for someone it never saw as the new identity', async () => {
				await store.recordIdentityChange(META, { phoneNumber: ALICE }, { phoneNumber: '+15559990000', userId: ALICE_ID });
				expect(await store.getContact(META, { userId: ALICE_ID })).toEqual({ phoneNumber: '+15559990000', userId: ALICE_ID });
			});
		});

		describe('flow state', () => {
			const HOUR_MS = 3600_000;
			const now = () => new Date(clockMs).toISOString();
			const set = (document: Record<string, unknown>, extra: Partial<FlowStateWrite> = {}, on: ConversationStore = store, contact: ContactRef = { phoneNumber: ALICE }) =>
				on.setFlowState(META, contact, { document, mode: 'replace', ...extra });
			const get = (contact: ContactRef = { phoneNumber: ALICE }, on: ConversationStore = store) => on.getFlowState(META, contact);

			it('is absent until set; a write gives the document, version 1 and the write time', async () => {
				expect(await get()).toBeUndefined();
				const written = await set({ step: 'ask_address', cart: [{ sku: 'A1', qty: 2 }] });
				expect(written).toEqual({ document: { step: 'ask_address', cart: [{ sku: 'A1', qty: 2 }] }, version: 1, updatedAt: now() });
				expect(await get()).toEqual(written);
				// Another process sees it.
				expect(await get({ phoneNumber: ALICE }, await open())).toEqual(written);
			});

			it('merge is a JSON Merge Patch (objects merge, null removes, arrays replace); replace swaps the whole document', async () => {
				await set({ a: 1, keep: 'yes', nested: { x: 1, y: 2 }, list: [1, 2] });
				const merged = await set({ a: null, b: 2, nested: { y: null, z: 3 }, list: [3] }, { mode: 'merge' });
				expect(merged).toMatchObject({ document: { keep: 'yes', b: 2, nested: { x: 1, z: 3 }, list: [3] }, version: 2 });
				expect(Object.keys((merged as { document: object }).document)).not.toContain('a');
				expect(await set({ c: 1 })).toMatchObject({ document: { c: 1 }, version: 3 });
				expect(await get()).toMatchObject({ document: { c: 1 }, version: 3 });
				// Merging into nothing is the patch without its nulls.
				expect(await set({ d: { e: 1, f: null } }, { mode: 'merge' }, store, { phoneNumber: '+15550000003' })).toMatchObject({ document: { d: { e: 1 } }, version: 1 });
			});

			it('compare-and-set: a write or clear expecting another version changes nothing and says which version is current', async () => {
				expect(await set({ step: 1 }, { expectedVersion: 0 })).toMatchObject({ version: 1 });
				expect(await set({ step: 'again' }, { expectedVersion: 0 })).toEqual({ conflict: true, expectedVersion: 0, currentVersion: 1 });
				expect(await set({ step: 2 }, { expectedVersion: 1, mode: 'merge' })).toMatchObject({ document: { step: 2 }, version: 2 });
				expect(await set({ step: 'stale' }, { expectedVersion: 1 })).toEqual({ conflict: true, expectedVersion: 1, currentVersion: 2 });
				expect(await get()).toMatchObject({ document: { step: 2 }, version: 2 });
				expect(await store.clearFlowState(META, { phoneNumber: ALICE }, 1)).toEqual({ conflict: true, expectedVersion: 1, currentVersion: 2 });
				expect(await get()).toMatchObject({ version: 2 });
				expect(await store.clearFlowState(META, { phoneNumber: ALICE }, 2)).toEqual({ cleared: true, version: 2 });
				expect(await get()).toBeUndefined();
				expect(await store.clearFlowState(META, { phoneNumber: ALICE })).toEqual({ cleared: false });
				expect(await store.clearFlowState(META, { phoneNumber: ALICE }, 2)).toEqual({ conflict: true, expectedVersion: 2, currentVersion: 0 });
				expect(await store.clearFlowState(META, { phoneNumber: ALICE }, 0)).toEqual({ cleared: false });
				// After a clear the version keeps counting: a writer still holding version 2 cannot match a new state.
				expect(await set({ step: 'new flow' }, { expectedVersion: 0 })).toMatchObject({ version: 4 });
				expect(await set({ step: 'stale' }, { expectedVersion: 2 })).toEqual({ conflict: true, expectedVersion: 2, currentVersion: 4 });
				expect(await store.clearFlowState(META, { phoneNumber: '+15550000009' })).toEqual({ cleared: false });
				expect(await store.getContact(META, { phoneNumber: '+15550000009' })).toBeUndefined();
			});

			it('of 20 simultaneous writes expecting one version, through two processes, exactly one wins', async () => {
				const other = await open();
				await set({ step: 'start' });
				const results = await Promise.all(
					Array.from({ length: 20 }, (_, i) => set({ step: `writer ${i}` }, { expectedVersion: 1 }, i % 2 ? store : other)),
				);
				const winners = results.filter((result) => !('conflict' in result));
				expect(winners).toHaveLength(1);
				expect(results.filter((result) => 'conflict' in result)).toEqual(Array(19).fill({ conflict: true, expectedVersion: 1, currentVersion: 2 }));
				expect(await get({ phoneNumber: ALICE }, other)).toEqual(winners[0]);
				expect(winners[0]).toMatchObject({ version: 2 });
			});

			it('of 20 simultaneous first writes for a contact nobody knew, through two processes, exactly one wins', async () => {
				const other = await open();
				const results = await Promise.all(
					Array.from({ length: 20 }, (_, i) => set({ step: `writer ${i}` }, { expectedVersion: 0 }, i % 2 ? store : other, { userId: ALICE_ID })),
				);
				expect(results.filter((result) => !('conflict' in result))).toHaveLength(1);
				expect(await get({ userId: ALICE_ID })).toMatchObject({ version: 1 });
			});

			it('20 simultaneous merges without an expected version lose no key', async () => {
				const other = await open();
				await Promise.all(Array.from({ length: 20 }, (_, i) => set({ [`k${i}`]: i }, { mode: 'merge' }, i % 2 ? store : other)));
				const state = await get();
				expect(state?.version).toBe(20);
				expect(Object.keys(state!.document)).toHaveLength(20);
			});

			it('expires: an expired state reads as absent, a new write starts from nothing, and every write sets the expiry anew', async () => {
				// Half an hour: within the hour, no automatic prune removes the expired row meanwhile.
				const expiresAt = new Date(clockMs + HOUR_MS / 2).toISOString();
				expect(await set({ step: 'waiting' }, { expiresAt })).toEqual({ document: { step: 'waiting' }, version: 1, updatedAt: now(), expiresAt });
				clockMs += HOUR_MS / 2 - 1;
				expect(await get()).toMatchObject({ version: 1, expiresAt });
				clockMs += 1;
				expect(await get()).toBeUndefined();
				expect(await store.clearFlowState(META, { phoneNumber: ALICE })).toEqual({ cleared: false });
				expect(await set({ other: true }, { expectedVersion: 1 })).toEqual({ conflict: true, expectedVersion: 1, currentVersion: 0 });
				const fresh = await set({ other: true }, { mode: 'merge', expectedVersion: 0 });
				expect(fresh).toEqual({ document: { other: true }, version: 2, updatedAt: now() });
				clockMs += 10 * HOUR_MS;
				expect(await get()).toMatchObject({ document: { other: true } });
			});

			it('refuses an expiry that is past or not a time, and a document that is not a JSON object', async () => {
				await expect(set({ a: 1 }, { expiresAt: now() })).rejects.toThrow(/not in the future/);
				await expect(set({ a: 1 }, { expiresAt: 'in an hour' })).rejects.toThrow(/expiresAt is not an ISO 8601 time/);
				await expect(store.setFlowState(META, { phoneNumber: ALICE }, { document: [1, 2] as unknown as Record<string, unknown>, mode: 'replace' })).rejects.toThrow(/JSON object/);
				await expect(set({ a: 1 }, { expectedVersion: -1 })).rejects.toThrow(/expectedVersion/);
				await expect(set({ a: 1 }, { mode: 'upsert' as 'merge' })).rejects.toThrow(/mode/);
				await expect(set({ a: 1 }, {}, store, {})).rejects.toThrow(/phone number or a user ID/);
				expect(await get()).toBeUndefined();
			});

			it(`keeps at most ${MAX_FLOW_STATE_BYTES} bytes of JSON (UTF-8): beyond, nothing is written`, async () => {
				const overhead = JSON.stringify({ s: '' }).length;
				expect(await set({ s: 'x'.repeat(MAX_FLOW_STATE_BYTES - overhead) })).toMatchObject({ version: 1 });
				const tooLarge = await set({ s: 'é'.repeat((MAX_FLOW_STATE_BYTES - overhead) / 2 + 1) }).then(() => undefined, (error: Error) => error);
				expect(tooLarge).toBeInstanceOf(FlowStateTooLargeError);
				expect(tooLarge?.message).toBe(`The flow state would be ${MAX_FLOW_STATE_BYTES + 2} bytes of JSON; the limit is ${MAX_FLOW_STATE_BYTES} bytes (64 KB)`);
				// A merge that would grow past the limit is refused too.
				await expect(set({ more: 'y' }, { mode: 'merge' })).rejects.toBeInstanceOf(FlowStateTooLargeError);
				expect(await get()).toMatchObject({ version: 1, document: { s: expect.stringMatching(/^x+$/) } });
			});

			it('keeps scopes apart: the same person under another number or provider has their own state', async () => {
				await set({ where: 'meta' });
				expect(await store.getFlowState(TWILIO, { phoneNumber: ALICE })).toBeUndefined();
				await store.setFlowState(TWILIO, { phoneNumber: ALICE }, { document: { where: 'twilio' }, mode: 'replace' });
				expect(await get()).toMatchObject({ document: { where: 'meta' }, version: 1 });
				expect(await store.getFlowState(TWILIO, { phoneNumber: ALICE })).toMatchObject({ document: { where: 'twilio' }, version: 1 });
			});

			it('a phone number and its linked BSUID find the same state', async () => {
				await set({ step: 'by phone' });
				expect(await get({ userId: ALICE_ID })).toBeUndefined();
				await inbound('wamid.link', 1, { contact: { phoneNumber: ALICE, userId: ALICE_ID } });
				expect(await get({ userId: ALICE_ID })).toMatchObject({ document: { step: 'by phone' }, version: 1 });
				expect(await set({ step: 'by BSUID' }, { expectedVersion: 1 }, store, { userId: ALICE_ID })).toMatchObject({ version: 2 });
				expect(await get()).toMatchObject({ document: { step: 'by BSUID' }, version: 2 });
			});

			it('linking two contacts that each had a state keeps the newer one, at a version past both', async () => {
				await set({ step: 'phone flow' });
				clockMs += 1000;
				await set({ step: 'bsuid flow' }, { mode: 'merge' }, store, { userId: ALICE_ID });
				await set({ step: 'bsuid flow 2' }, {}, store, { userId: ALICE_ID });
				await inbound('wamid.link', 1, { contact: { phoneNumber: ALICE, userId: ALICE_ID } });
				const merged = { document: { step: 'bsuid flow 2' }, version: 3, updatedAt: now() };
				expect(await get()).toEqual(merged);
				expect(await get({ userId: ALICE_ID })).toEqual(merged);
				// Holders of either old version get a conflict.
				expect(await set({ x: 1 }, { expectedVersion: 1 })).toEqual({ conflict: true, expectedVersion: 1, currentVersion: 3 });
				expect(await set({ x: 1 }, { expectedVersion: 2 })).toEqual({ conflict: true, expectedVersion: 2, currentVersion: 3 });
			});

			it('moves with an identity change: the new number or BSUID finds it, the old one nothing', async () => {
				await set({ step: 'moving' }, { expiresAt: new Date(clockMs + HOUR_MS).toISOString() });
				await store.recordIdentityChange(META, { phoneNumber: ALICE }, { phoneNumber: '+15559990000' });
				expect(await get({ phoneNumber: '+15559990000' })).toMatchObject({ document: { step: 'moving' }, version: 1, expiresAt: expect.any(String) });
				expect(await get()).toBeUndefined();
				// A changed BSUID whose new identity already had a (live) state: one state, never two.
				await set({ step: 'old bsuid' }, {}, store, { userId: 'US.1' });
				clockMs += 1000;
				await set({ step: 'new bsuid' }, {}, store, { userId: 'US.2' });
				await store.recordIdentityChange(META, { userId: 'US.1' }, { userId: 'US.2' });
				expect(await get({ userId: 'US.2' })).toMatchObject({ document: { step: 'new bsuid' }, version: 2 });
				expect(await get({ userId: 'US.1' })).toBeUndefined();
			});

			it('prune deletes expired states and states untouched since the cut-off; a contact with a state stays', async () => {
				await set({ step: 'expiring' }, { expiresAt: new Date(clockMs + HOUR_MS).toISOString() }, store, { phoneNumber: '+15550000001' });
				await set({ step: 'forever' }, {}, store, { phoneNumber: '+15550000002' });
				await set({ step: 'cleared' }, {}, store, { phoneNumber: '+15550000003' });
				await store.clearFlowState(META, { phoneNumber: '+15550000003' });
				clockMs += HOUR_MS;
				expect(await store.prune(new Date(T0 - 86400_000))).toEqual({ messages: 0, statuses: 0, events: 0, contacts: 0, flowStates: 1, waits: 0, deliveries: 0 });
				expect(await get({ phoneNumber: '+15550000002' })).toMatchObject({ document: { step: 'forever' } });
				// Once the retention age has passed without a write, the rest go, and then their contacts.
				clockMs += 86400_000 * 2;
				expect(await store.prune(new Date(clockMs - 86400_000))).toMatchObject({ flowStates: 2, contacts: 3 });
				expect(await get({ phoneNumber: '+15550000002' })).toBeUndefined();
				expect(await store.getContact(META, { phoneNumber: '+15550000002' })).toBeUndefined();
			});
		});

		describe('waits', () => {
			const wait = (id: string, extra: Partial<Wait> = {}): Wait => ({
				id,
				executionId: id.split('/')[0],
				resumeUrl: `http://127.0.0.1:5678/webhook-waiting/${id}?signature=s`,
				questionMessageId: `wamid.q.${id}`,
				accept: 'choices',
				choices: [{ id: 'yes', title: 'Yes' }, { id: 'no', title: 'No' }],
				reprompt: 'Please tap one of the buttons.',
				startedAt: new Date(clockMs).toISOString(),
				...extra,
			});

			it('is found by the contact until it ends; only one of many ending it gets it back', async () => {
				expect(await store.findWait(META, { phoneNumber: ALICE })).toBeUndefined();
				expect(await store.startWait(META, { phoneNumber: ALICE }, wait('e1/n1'))).toBeUndefined();
				expect(await store.findWait(META, { phoneNumber: ALICE })).toEqual(wait('e1/n1'));
				// Another process sees it; the other scope does not.
				expect(await (await open()).findWait(META, { phoneNumber: ALICE })).toEqual(wait('e1/n1'));
				expect(await store.findWait(TWILIO, { phoneNumber: ALICE })).toBeUndefined();
				const stores = [store, await open(), await open()];
				const ended = await Promise.all(stores.flatMap((on) => [on.endWait(META, { phoneNumber: ALICE }, 'e1/n1'), on.endWait(META, { phoneNumber: ALICE }, 'e1/n1')]));
				expect(ended.filter(Boolean)).toEqual([wait('e1/n1')]);
				expect(await store.findWait(META, { phoneNumber: ALICE })).toBeUndefined();
				// Ending a wait that is not the live one ends nothing.
				await store.startWait(META, { phoneNumber: ALICE }, wait('e2/n1'));
				expect(await store.endWait(META, { phoneNumber: ALICE }, 'e1/n1')).toBeUndefined();
				expect(await store.findWait(META, { phoneNumber: ALICE })).toEqual(wait('e2/n1'));
			});

			it('a newer wait for the contact supersedes the live one and hands it back; an expired one is not handed back', async () => {
				await store.startWait(META, { phoneNumber: ALICE }, wait('e1/n1'));
				expect(await store.startWait(META, { phoneNumber: ALICE }, wait('e2/n1'))).toEqual(wait('e1/n1'));
				expect(await store.findWait(META, { phoneNumber: ALICE })).toEqual(wait('e2/n1'));
				const limited = wait('e3/n1', { expiresAt: new Date(clockMs + 60_000).toISOString() });
				expect(await store.startWait(META, { phoneNumber: BOB }, limited)).toBeUndefined();
				clockMs += 60_000;
				expect(await store.findWait(META, { phoneNumber: BOB })).toBeUndefined();
				expect(await store.endWait(META, { phoneNumber: BOB }, 'e3/n1')).toBeUndefined();
				expect(await store.startWait(META, { phoneNumber: BOB }, wait('e4/n1'))).toBeUndefined();
			});

			it('a phone number and its linked BSUID find the same wait, and a flow state beside it stays apart', async () => {
				await store.startWait(META, { phoneNumber: ALICE }, wait('e1/n1'));
				await store.setFlowState(META, { phoneNumber: ALICE }, { document: { step: 'asked' }, mode: 'replace' });
				await inbound('wamid.link', 1, { contact: { phoneNumber: ALICE, userId: ALICE_ID } });
				expect(await store.findWait(META, { userId: ALICE_ID })).toEqual(wait('e1/n1'));
				expect(await store.getFlowState(META, { userId: ALICE_ID })).toMatchObject({ document: { step: 'asked' } });
				expect(await store.endWait(META, { userId: ALICE_ID }, 'e1/n1')).toEqual(wait('e1/n1'));
				expect(await store.getFlowState(META, { phoneNumber: ALICE })).toMatchObject({ document: { step: 'asked' } });
			});

			it('prune deletes waits past their limit; a contact with a wait stays', async () => {
				await store.startWait(META, { phoneNumber: ALICE }, wait('e1/n1', { expiresAt: new Date(clockMs + 60_000).toISOString() }));
				const open = wait('e2/n1');
				await store.startWait(META, { phoneNumber: BOB }, open);
				clockMs += 60_000;
				expect(await store.prune(new Date(T0 - 86400_000))).toMatchObject({ waits: 1, contacts: 0 });
				expect(await store.findWait(META, { phoneNumber: BOB })).toEqual(open);
			});
		});

		describe('listeners', () => {
			const TARGET = 'meta:phoneNumber:106540352242922';
			const listener = (workflowId: string, url = `https://n8n.example.com/webhook/${workflowId}/webhook`) => ({ target: TARGET, workflowId, nodeId: 'n1', url, binding: `${workflowId}:n1` });

			it('keeps every listener of a target, the holder first, then by activation; another process sees them', async () => {
				await store.addListener(listener('wf-a'));
				clockMs += 1000;
				await store.addListener(listener('wf-b'));
				clockMs += 1000;
				await store.addListener(listener('wf-c'));
				await store.addListener({ ...listener('wf-x'), target: 'twilio:sender:+14155238886' });
				expect((await store.listListeners(TARGET)).map((l) => [l.workflowId, l.holder])).toEqual([['wf-a', false], ['wf-b', false], ['wf-c', false]]);
				await store.setHolder(TARGET, 'wf-b', 'n1', { mode: 'phoneNumber', url: listener('wf-b').url, verifyToken: 't' });
				const other = await open();
				expect(await other.listListeners(TARGET)).toEqual([
					{ ...listener('wf-b'), holder: true, registration: { mode: 'phoneNumber', url: listener('wf-b').url, verifyToken: 't' }, updatedAt: new Date(T0 + 3600_000 + 1000).toISOString() },
					expect.objectContaining({ workflowId: 'wf-a', holder: false }),
					expect.objectContaining({ workflowId: 'wf-c', holder: false }),
				]);
				expect((await other.listListeners(TARGET))[1]).not.toHaveProperty('registration');
			});

			it('refreshing a listener keeps its holder flag and registration; handing over moves both, never two holders', async () => {
				await store.addListener(listener('wf-a'));
				await store.addListener(listener('wf-b'));
				await store.setHolder(TARGET, 'wf-a', 'n1', { url: 'a' });
				clockMs += 5000;
				await store.addListener(listener('wf-a'));
				expect(await store.listListeners(TARGET)).toEqual([
					expect.objectContaining({ workflowId: 'wf-a', holder: true, registration: { url: 'a' }, updatedAt: new Date(clockMs).toISOString() }),
					expect.objectContaining({ workflowId: 'wf-b', holder: false }),
				]);
				await store.setHolder(TARGET, 'wf-b', 'n1', { url: 'b' });
				const all = await store.listListeners(TARGET);
				expect(all.filter((l) => l.holder).map((l) => [l.workflowId, l.registration])).toEqual([['wf-b', { url: 'b' }]]);
				expect(all.find((l) => l.workflowId === 'wf-a')).not.toHaveProperty('registration');
			});

			it('finds listeners by URL, and removes one (false when it was not there)', async () => {
				await store.addListener(listener('wf-a'));
				expect((await store.listenersAt(listener('wf-a').url)).map((l) => l.workflowId)).toEqual(['wf-a']);
				expect(await store.listenersAt('https://elsewhere.example.com/hook')).toEqual([]);
				expect(await store.removeListener(TARGET, 'wf-a', 'n1')).toBe(true);
				expect(await store.removeListener(TARGET, 'wf-a', 'n1')).toBe(false);
				expect(await store.listListeners(TARGET)).toEqual([]);
			});
		});

		describe('delivery tallies', () => {
			it('counts accepted and rejected deliveries per number and reason, newest first; prune drops old tallies', async () => {
				const first = new Date(clockMs).toISOString();
				await store.recordDelivery(META);
				await store.recordDelivery(META, 'signature mismatch');
				clockMs += 1000;
				await store.recordDelivery(META);
				await Promise.all([store.recordDelivery(TWILIO, 'signature mismatch'), (await open()).recordDelivery(TWILIO, 'signature mismatch')]);
				expect(await store.getDeliveries(META)).toEqual([
					{ count: 2, firstAt: first, lastAt: new Date(clockMs).toISOString() },
					{ rejectedBecause: 'signature mismatch', count: 1, firstAt: first, lastAt: first },
				]);
				expect(await store.getDeliveries(TWILIO)).toEqual([expect.objectContaining({ rejectedBecause: 'signature mismatch', count: 2 })]);
				clockMs += 86400_000 * 3;
				expect(await store.prune(new Date(clockMs - 86400_000))).toMatchObject({ deliveries: 3 });
				expect(await store.getDeliveries(META)).toEqual([]);
			});
		});

		describe('claimEvent', () => {
			it('is true once per key and namespace within the time to live, in any process', async () => {
				const other = await open();
				expect(await store.claimEvent('trigger:wf1', 'm:wamid.1', 60_000)).toBe(true);
				expect(await store.claimEvent('trigger:wf1', 'm:wamid.1', 60_000)).toBe(false);
				expect(await other.claimEvent('trigger:wf1', 'm:wamid.1', 60_000)).toBe(false);
				expect(await other.claimEvent('trigger:wf2', 'm:wamid.1', 60_000)).toBe(true);
				clockMs += 60_000;
				expect(await other.claimEvent('trigger:wf1', 'm:wamid.1', 60_000)).toBe(true);
				expect(await store.claimEvent('trigger:wf1', 'm:wamid.1', 60_000)).toBe(false);
			});

			it('gives exactly one of 40 simultaneous claims through two processes', async () => {
				const other = await open();
				const results = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? store : other).claimEvent('ns', 'k', 60_000)));
				expect(results.filter(Boolean)).toHaveLength(1);
			});
		});

		if (backend.processes) describe('separate processes', () => {
			it('three Node.js processes writing at once lose nothing, duplicate nothing and split every claim', async () => {
				const url = db.url!;
				expect(url).toBeTruthy();
				const results = await Promise.all([1, 2, 3].map((seed) => runWorker(url, seed)));
				const won = results.flatMap((result) => result.won).sort();
				expect(won).toEqual(Array.from({ length: 20 }, (_, k) => `k${k}`).sort());
				const scope: StoreScope = { provider: 'meta', business: 'processes' };
				for (let m = 0; m < 5; m++) {
					const final = await store.getStatus(scope, `wamid.s${m}`);
					expect(final?.status).toBe('played');
					expect(final?.history.map((entry) => entry.status)).toEqual(['sent', 'delivered', 'read', 'played']);
				}
				const page = await store.getHistory(scope, { userId: 'US.999' }, { limit: 50 });
				expect(page.messages.map((message) => message.id).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `wamid.m${i}`).sort());
				expect(await store.getContact(scope, { phoneNumber: '+15550009999' })).toMatchObject({ phoneNumber: '+15550009999', userId: 'US.999' });
			}, 60_000);
		});

		describe('retention', () => {
			it('prune deletes old messages, statuses, contacts and expired claims, and keeps the rest', async () => {
				await inbound('wamid.old', -100 * 86400);
				await store.recordStatus(META, { messageId: 'wamid.old-out', status: 'sent', timestamp: at(-100 * 86400) });
				await store.recordMessage(META, { id: 'wamid.gone-contact', direction: 'inbound', contact: { phoneNumber: '+15550000002' }, type: 'text', timestamp: at(-100 * 86400) });
				await inbound('wamid.new', 5 * 86400);
				await store.recordStatus(META, { messageId: 'wamid.new-out', status: 'sent', timestamp: at(0) });
				await store.claimEvent('ns', 'expired', 1000);
				await store.claimEvent('ns', 'live', 86400_000);
				clockMs += 2000;
				// Contacts go only once they have no messages and no activity since the cut-off.
				const result = await store.prune(new Date(T0 - 86400_000));
				expect(result).toEqual({ messages: 2, statuses: 1, events: 1, contacts: 0, flowStates: 0, waits: 0, deliveries: 0 });
				expect(ids(await store.getHistory(META, { phoneNumber: ALICE }, { limit: 10 }))).toEqual(['wamid.new']);
				expect(await store.getStatus(META, 'wamid.old-out')).toBeUndefined();
				expect(await store.getStatus(META, 'wamid.new-out')).toBeDefined();
				expect(await store.claimEvent('ns', 'expired', 1000)).toBe(true);
				expect(await store.claimEvent('ns', 'live', 1000)).toBe(false);
				clockMs += 86400_000 * 2;
				expect((await store.prune(new Date(clockMs - 86400_000))).contacts).toBe(1);
				expect(await store.getContact(META, { phoneNumber: '+15550000002' })).toBeUndefined();
				expect(await store.getContact(META, { phoneNumber: ALICE })).toBeDefined();
			});

			it('prunes by itself on a write, at most once an hour, with the retention age', async () => {
				const watcher = await open();
				const writer = await open();
				await writer.recordMessage(META, { id: 'wamid.ancient', direction: 'inbound', contact: { phoneNumber: ALICE }, type: 'text', timestamp: at(-91 * 86400) });
				await writer.recordMessage(META, { id: 'wamid.recent', direction: 'inbound', contact: { phoneNumber: ALICE }, type: 'text', timestamp: at(-89 * 86400) });
				await writer.recordMessage(META, { id: 'wamid.ancient2', direction: 'inbound', contact: { phoneNumber: ALICE }, type: 'text', timestamp: at(-95 * 86400) });
				await writer.claimEvent('ns', 'k', 1000);
				// The writer's first write pruned (before these rows existed); the next is an hour away.
				expect(ids(await watcher.getHistory(META, { phoneNumber: ALICE }, { limit: 10 }))).toEqual(['wamid.recent', 'wamid.ancient', 'wamid.ancient2']);
				clockMs += 3600_000;
				await writer.claimEvent('ns', 'k2', 1000);
				await writer.close(); // waits for the prune it started
				expect(ids(await watcher.getHistory(META, { phoneNumber: ALICE }, { limit: 10 }))).toEqual(['wamid.recent']);
			});
		});

		if (backend.latestVersion !== undefined) {
			const latest = backend.latestVersion;
			describe('schema', () => {
				it('creates the latest schema in an empty database', async () => {
					expect(await db.schema!.version()).toBe(latest);
					expect(await db.schema!.indexNames()).toEqual(
						expect.arrayContaining(['messages_by_contact', 'messages_by_time', 'statuses_by_time', 'claims_by_expiry', 'flow_states_by_expiry', 'flow_states_by_activity']),
					);
					expect(await db.schema!.tableNames()).toContain('flow_states');
				});

				it('upgrades a version 1 database and keeps its rows', async () => {
					const old = await backend.database();
					try {
						await old.schema!.buildVersion(1);
						expect(await old.schema!.indexNames()).not.toContain('messages_by_time');
						const upgraded = await old.open(clock);
						try {
							expect(await old.schema!.version()).toBe(latest);
							expect(await old.schema!.indexNames()).toEqual(expect.arrayContaining(['messages_by_time', 'statuses_by_time', 'claims_by_expiry']));
							expect(ids(await upgraded.getHistory(META, { phoneNumber: '+15550001111' }, { limit: 5 }))).toEqual(['wamid.v1']);
							await upgraded.recordMessage(META, { id: 'wamid.v2', direction: 'inbound', contact: { phoneNumber: '+15550001111' }, type: 'text', timestamp: at(10) });
							expect(ids(await upgraded.getHistory(META, { phoneNumber: '+15550001111' }, { limit: 5 }))).toEqual(['wamid.v2', 'wamid.v1']);
						} finally {
							await upgraded.close();
						}
					} finally {
						await old.drop();
					}
				});

				it('upgrades a version 2 database and keeps its rows: its contacts take flow state', async () => {
					const old = await backend.database();
					try {
						await old.schema!.buildVersion(2);
						expect(await old.schema!.tableNames()).not.toContain('flow_states');
						const upgraded = await old.open(clock);
						try {
							expect(await old.schema!.version()).toBe(latest);
							expect(await old.schema!.tableNames()).toContain('flow_states');
							expect(await old.schema!.indexNames()).toEqual(expect.arrayContaining(['flow_states_by_expiry', 'flow_states_by_activity']));
							expect(ids(await upgraded.getHistory(META, { phoneNumber: '+15550001111' }, { limit: 5 }))).toEqual(['wamid.v1']);
							expect(await upgraded.getFlowState(META, { phoneNumber: '+15550001111' })).toBeUndefined();
							await upgraded.setFlowState(META, { phoneNumber: '+15550001111' }, { document: { step: 'upgraded' }, mode: 'replace' });
							expect(await upgraded.getFlowState(META, { phoneNumber: '+15550001111' })).toMatchObject({ document: { step: 'upgraded' }, version: 1 });
							expect(ids(await upgraded.getHistory(META, { phoneNumber: '+15550001111' }, { limit: 5 }))).toEqual(['wamid.v1']);
						} finally {
							await upgraded.close();
						}
					} finally {
						await old.drop();
					}
				});

				it('upgrades a version 3 database: its contacts take waits, their flow states stay', async () => {
					const old = await backend.database();
					try {
						await old.schema!.buildVersion(3);
						expect(await old.schema!.tableNames()).not.toContain('waits');
						const upgraded = await old.open(clock);
						try {
							expect(await old.schema!.version()).toBe(latest);
							expect(await old.schema!.tableNames()).toEqual(expect.arrayContaining(['flow_states', 'waits']));
							expect(await old.schema!.indexNames()).toContain('waits_by_expiry');
							expect(ids(await upgraded.getHistory(META, { phoneNumber: '+15550001111' }, { limit: 5 }))).toEqual(['wamid.v1']);
							const wait = { id: 'e1/n1', executionId: 'e1', resumeUrl: 'http://n8n/webhook-waiting/e1/n1', questionMessageId: 'wamid.q', accept: 'any' as const, choices: [], startedAt: new Date(clockMs).toISOString() };
							expect(await upgraded.startWait(META, { phoneNumber: '+15550001111' }, wait)).toBeUndefined();
							expect(await upgraded.findWait(META, { phoneNumber: '+15550001111' })).toEqual(wait);
						} finally {
							await upgraded.close();
						}
					} finally {
						await old.drop();
					}
				});

				it('upgrades a database of the previous version: it takes listeners and delivery tallies', async () => {
					const old = await backend.database();
					try {
						await old.schema!.buildVersion(latest - 1);
						expect(await old.schema!.tableNames()).not.toContain('listeners');
						const upgraded = await old.open(clock);
						try {
							expect(await old.schema!.version()).toBe(latest);
							expect(await old.schema!.tableNames()).toEqual(expect.arrayContaining(['listeners', 'deliveries', 'waits']));
							await upgraded.recordDelivery(META);
							expect(await upgraded.getDeliveries(META)).toEqual([expect.objectContaining({ count: 1 })]);
							expect(ids(await upgraded.getHistory(META, { phoneNumber: '+15550001111' }, { limit: 5 }))).toEqual(['wamid.v1']);
						} finally {
							await upgraded.close();
						}
					} finally {
						await old.drop();
					}
				});

				it('lets two processes open (and migrate) a new database at once', async () => {
					const fresh = await backend.database();
					try {
						const both = await Promise.all([fresh.open(clock), fresh.open(clock), fresh.open(clock)]);
						expect(await fresh.schema!.version()).toBe(latest);
						await Promise.all(both.map((instance) => instance.close()));
					} finally {
						await fresh.drop();
					}
				});

				it('refuses a database from a newer version, naming the fix, and writes nothing to it', async () => {
					const newer = await backend.database();
					try {
						await newer.schema!.buildVersion(1);
						await newer.schema!.setVersion(latest + 7);
						const tables = await newer.schema!.tableNames();
						const error = await newer.open(clock).then(
							(instance) => instance.close().then(() => new Error('opened')),
							(failure: Error) => failure,
						);
						expect(error).toBeInstanceOf(StoreSchemaTooNewError);
						expect(error).toBeInstanceOf(StoreUnavailableError);
						expect(error.message).toMatch(/created by a newer version of n8n-nodes-whatsapp-omni/);
						expect(error.message).toMatch(/upgrade the package on every n8n process/i);
						expect(error.message).toContain(STORE_URL_VARIABLE);
						expect(await newer.schema!.version()).toBe(latest + 7);
						expect(await newer.schema!.tableNames()).toEqual(tables);
						expect(await newer.schema!.indexNames()).not.toContain('messages_by_time');
					} finally {
						await newer.drop();
					}
				});
			});
		}

		if (backend.unreachable && backend.open) {
			const { url, where, secret } = backend.unreachable;
			const openUnreachable = backend.open;
			it('says which store it cannot reach, by the variable and the place, never the password', async () => {
				const error = await openUnreachable({ [STORE_URL_VARIABLE]: url }).then(
					(instance) => instance.close().then(() => new Error('opened')),
					(failure: Error) => failure,
				);
				expect(error).toBeInstanceOf(StoreUnavailableError);
				expect(error.message).toContain(STORE_URL_VARIABLE);
				expect(error.message).toContain(where);
				if (secret) {
					expect(error.message).not.toContain(secret);
					expect(String(error.stack)).not.toContain(secret);
					expect(JSON.stringify(error)).not.toContain(secret);
				}
			});
		}
	});
}
