import type { ProviderName } from './types';

/**
 * A provider cannot do what was asked. Thrown before any request, naming the limitation and
 * the alternative; the router turns it into a NodeOperationError.
 */
export class UnsupportedError extends Error {
	constructor(
		readonly provider: ProviderName,
		message: string,
		readonly alternative: string,
	) {
		super(message);
		this.name = 'UnsupportedError';
	}
}
