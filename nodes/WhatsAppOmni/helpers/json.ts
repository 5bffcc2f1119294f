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

/** What stands in for an object or array that nests deeper than limitDepth allows. */
export const DEPTH_MARKER = '[truncated: nested too deep]';

/** How many cut paths limitDepth names; further cuts are counted in one last entry. */
const MAX_CUT_PATHS = 10;

export interface DepthLimited<T> {
	value: T;
	/**
	 * Paths of the values replaced by DEPTH_MARKER (`a.b[2].c`, prefixed by `path`), the first
	 * ten, then `…and N more` when there were more. Empty when nothing was cut.
	 */
	truncated: string[];
}

/**
 * A JSON value with every object or array nested more than `maxDepth` levels below it replaced by
 * DEPTH_MARKER, so that whoever copies or serialises it recursively afterwards (n8n's deepCopy,
 * structuredClone, JSON.stringify) cannot overflow the stack. The walk itself goes no deeper than
 * `maxDepth`.
 *
 * Copy on write: the input is never changed, and every object or array with nothing cut below it
 * is returned as it is (the same reference), so a value within the limit comes back unchanged.
 *
 * @param path the name of `value` in the reported paths (e.g. `raw`)
 */
export function limitDepth<T>(value: T, maxDepth: number, path = ''): DepthLimited<T> {
	const keys: Array<string | number> = [];
	const truncated: string[] = [];
	let more = 0;
	const walk = (inner: unknown, depth: number): unknown => {
		if (typeof inner !== 'object' || inner === null) return inner;
		if (depth > maxDepth) {
			if (truncated.length < MAX_CUT_PATHS) truncated.push(pathText(path, keys));
			else more++;
			return DEPTH_MARKER;
		}
		if (Array.isArray(inner)) {
			let copy: unknown[] | undefined;
			for (let i = 0; i < inner.length; i++) {
				keys.push(i);
				const limited = walk(inner[i], depth + 1);
				keys.pop();
				if (limited !== inner[i]) (copy ??= inner.slice())[i] = limited;
			}
			return copy ?? inner;
		}
		const object = inner as Record<string, unknown>;
		let copy: Record<string, unknown> | undefined;
		for (const key of Object.keys(object)) {
			keys.push(key);
			const limited = walk(object[key], depth + 1);
			keys.pop();
			// defineProperty: a JSON key "__proto__" is an own property and stays one.
			if (limited !== object[key]) Object.defineProperty((copy ??= { ...object }), key, { value: limited, enumerable: true, writable: true, configurable: true });
		}
		return copy ?? object;
	};
	const limited = walk(value, 0) as T;
	if (more > 0) truncated.push(`…and ${more} more`);
	return { value: limited, truncated };
}

/** `raw.message["odd key"][0].a` */
function pathText(prefix: string, keys: Array<string | number>): string {
	let text = prefix;
	for (const key of keys) {
		if (typeof key === 'number') text += `[${key}]`;
		else if (/^[A-Za-z_$][\w$]*$/.test(key)) text += text === '' ? key : `.${key}`;
		else text += `[${JSON.stringify(key)}]`;
	}
	return text;
}
