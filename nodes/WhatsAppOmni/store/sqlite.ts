import type { StorageEngine } from './backend';
import { StoreUnavailableError } from './errors';

export function openSqliteEngine(file: string): StorageEngine {
	throw new StoreUnavailableError(`SQLite store not implemented yet (${file})`);
}
