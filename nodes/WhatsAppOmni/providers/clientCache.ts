import { createHash } from 'node:crypto';

/**
 * Keeps one HTTP client per credential for the life of the process, so keep-alive connections
 * are reused across items and executions. Keyed by a hash, so no secret sits in a map key.
 */
export class ClientCache<T> {
	private readonly clients = new Map<string, T>();

	constructor(private readonly maxEntries = 64) {}

	get(credentials: object, create: () => T): T {
		const key = createHash('sha256').update(stableStringify(credentials)).digest('hex');
		const existing = this.clients.get(key);
		if (existing) {
			// Map keeps insertion order: re-inserting marks it as recently used.
			this.clients.delete(key);
			this.clients.set(key, existing);
			return existing;
		}
		const client = create();
		this.clients.set(key, client);
		if (this.clients.size > this.maxEntries) {
			const oldest = this.clients.keys().next().value as string;
			this.clients.delete(oldest);
		}
		return client;
	}

	get size() {
		return this.clients.size;
	}

	clear() {
		this.clients.clear();
	}
}

function stableStringify(value: object): string {
	const record = value as Record<string, unknown>;
	return JSON.stringify(
		Object.keys(record)
			.sort()
			.map((key) => [key, record[key]]),
	);
}
