/** A credential that cannot work as configured: found before any request is made. */
export class CredentialError extends Error {
	constructor(
		message: string,
		readonly hint: string,
	) {
		super(message);
		this.name = 'CredentialError';
	}
}
