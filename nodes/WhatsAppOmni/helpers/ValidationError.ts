/**
 * Input the node refuses before any request. `field` is the parameter as the person sees it,
 * so the error can say which field and which limit.
 */
export class ValidationError extends Error {
	constructor(
		readonly field: string,
		message: string,
		readonly hint?: string,
	) {
		super(message);
		this.name = 'ValidationError';
	}
}
