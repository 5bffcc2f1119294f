import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { ValidationError } from './ValidationError';

/** One page from a cursor-paged API: its entries and the cursor of the next page, if any. */
export interface CursorPage<T> {
	items: T[];
	nextCursor?: string;
}

/**
 * Reads pages until the API has no more, or until `limit` entries are in hand (undefined: every
 * page). `fetchPage` gets the previous page's cursor and how many entries are still wanted, so
 * a caller can ask for no more than it will keep.
 */
export async function collectPages<T>(
	fetchPage: (cursor: string | undefined, remaining: number | undefined) => Promise<CursorPage<T>>,
	limit?: number,
): Promise<T[]> {
	const collected: T[] = [];
	let cursor: string | undefined;
	const seenCursors = new Set<string>();
	while (limit === undefined || collected.length < limit) {
		const page = await fetchPage(cursor, limit === undefined ? undefined : limit - collected.length);
		collected.push(...page.items);
		cursor = page.nextCursor;
		// An API that hands back a cursor it already gave would otherwise loop for ever.
		if (!cursor || seenCursors.has(cursor)) break;
		seenCursors.add(cursor);
	}
	return limit === undefined ? collected : collected.slice(0, limit);
}

/**
 * n8n's usual "Return All" / "Limit" pair. Spread into an operation's properties; its
 * displayOptions are added by the operation's updateDisplayOptions wrapper.
 */
export const returnAllOrLimit: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { returnAll: [false] } },
	},
];

/** The limit the parameters ask for: undefined when every result is wanted. */
export function readLimit(this: IExecuteFunctions, itemIndex: number): number | undefined {
	if (this.getNodeParameter('returnAll', itemIndex, false) === true) return undefined;
	const raw: unknown = this.getNodeParameter('limit', itemIndex, 50);
	const limit = typeof raw === 'string' && raw.trim() === '' ? NaN : Number(raw);
	// An expression can produce 0, a negative number or text; quietly using 50 would hide the mistake.
	if (!Number.isFinite(limit) || limit < 1) {
		throw new ValidationError('Limit', `Limit must be a whole number of at least 1; got ${JSON.stringify(raw)}`, 'Give how many results to return (e.g. 50), or turn on Return All.');
	}
	return Math.floor(limit);
}
