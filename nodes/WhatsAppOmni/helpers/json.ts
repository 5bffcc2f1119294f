import { ValidationError } from './ValidationError';

/**
 * A JSON parameter as n8n hands it over: text typed into the field, or an object or array that
 * an expression (or an AI agent) produced. `field` names the parameter in errors.
 */
export function parseJsonParameter(value: unknown, field: string): unknown {
	if (typeof value !== 'string') return value;
	if (value.trim() === '') return undefined;
	try {
		return JSON.parse(value);
	} catch (error) {
		throw new ValidationError(field, `${field} is not valid JSON: ${(error as Error).message}`);
	}
}

/** An array from a JSON parameter; a single object counts as a list of one. */
export function parseJsonArray(value: unknown, field: string, example: string): Array<Record<string, unknown>> {
	const parsed = parseJsonParameter(value, field);
	const list = parsed === undefined ? [] : Array.isArray(parsed) ? parsed : [parsed];
	list.forEach((entry, index) => {
		if (!entry || typeof entry !== 'object' || Array.isArray(entry)) {
			throw new ValidationError(field, `${field} entry ${index + 1} is not an object`, `Give an array of objects, e.g. ${example}`);
		}
	});
	return list as Array<Record<string, unknown>>;
}

/** The first of several spellings an agent or a previous node might use for one field. */
export function pick(entry: Record<string, unknown>, ...keys: string[]): string | undefined {
	for (const key of keys) {
		const value = entry[key];
		if (value !== undefined && value !== null && value !== '') return String(value);
	}
	return undefined;
}

/** Drops properties that are undefined, so an output holds only what its source said. */
export function compact<T extends object>(value: T): T {
	for (const key of Object.keys(value) as Array<keyof T>) {
		if (value[key] === undefined) delete value[key];
	}
	return value;
}
