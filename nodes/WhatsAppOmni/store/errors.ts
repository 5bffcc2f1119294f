/** Errors the store raises on purpose; the trigger catches StoreUnavailableError and still answers the provider. */

export const STORE_URL_VARIABLE = 'WHATSAPP_OMNI_STORE_URL';

/** The store cannot be opened or reached (server down, file not writable, node:sqlite missing). */
export class StoreUnavailableError extends Error {
	override name = 'StoreUnavailableError';
}

/** The database was made by a newer package version: refused, never written to. */
export class StoreSchemaTooNewError extends StoreUnavailableError {
	override name = 'StoreSchemaTooNewError';
}

/** WHATSAPP_OMNI_STORE_URL or WHATSAPP_OMNI_STORE_RETENTION_DAYS cannot be understood. */
export class StoreConfigError extends Error {
	override name = 'StoreConfigError';
}

/** Removes every occurrence of the secrets (and their URL-encoded forms) from a text (a driver's error may quote them). */
export function redact(message: string, secrets: Array<string | undefined>, replacement = '***'): string {
	let result = message;
	for (const secret of secrets) {
		if (!secret) continue;
		result = result.split(secret).join(replacement);
		const encoded = encodeURIComponent(secret);
		if (encoded !== secret) result = result.split(encoded).join(replacement);
	}
	return result;
}

export function schemaTooNew(where: string, found: number, known: number): StoreSchemaTooNewError {
	return new StoreSchemaTooNewError(
		`The conversation store at ${where} (${STORE_URL_VARIABLE}) was created by a newer version of n8n-nodes-whatsapp-omni ` +
			`(schema version ${found}; this version knows up to ${known}). It was not changed. ` +
			'Upgrade the package on every n8n process (main, webhook and workers) to the same version.',
	);
}

/** A flow state document larger than the store keeps: nothing was written. */
export class FlowStateTooLargeError extends Error {
	override name = 'FlowStateTooLargeError';
	constructor(
		readonly bytes: number,
		readonly limit: number,
	) {
		super(`The flow state would be ${bytes} bytes of JSON; the limit is ${limit} bytes (${limit / 1024} KB)`);
	}
}
