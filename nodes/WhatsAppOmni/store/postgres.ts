import type { StorageEngine } from './backend';
import { StoreUnavailableError } from './errors';
import type { StoreLocation } from './index';

export async function openPostgresEngine(location: Extract<StoreLocation, { kind: 'postgres' }>): Promise<StorageEngine> {
	throw new StoreUnavailableError(`PostgreSQL store not implemented yet (${location.where})`);
}
