import type { IExecuteFunctions } from 'n8n-workflow';

import { collectPages, readLimit } from '../../nodes/WhatsAppOmni/helpers/paging';
import { ValidationError } from '../../nodes/WhatsAppOmni/helpers/ValidationError';

/** Pages of `size` numbered entries out of `total`, with cursors "p1", "p2", …; records each call. */
function pagedApi(total: number, size: number) {
	const calls: Array<{ cursor?: string; remaining?: number }> = [];
	const fetchPage = async (cursor: string | undefined, remaining: number | undefined) => {
		calls.push({ cursor, remaining });
		const page = cursor ? Number(cursor.slice(1)) : 0;
		const items = Array.from({ length: Math.max(0, Math.min(size, total - page * size)) }, (_, i) => page * size + i);
		return { items, ...((page + 1) * size < total ? { nextCursor: `p${page + 1}` } : {}) };
	};
	return { calls, fetchPage };
}

describe('collectPages', () => {
	it('reads every page when no limit is given', async () => {
		const api = pagedApi(7, 3);
		expect(await collectPages(api.fetchPage)).toEqual([0, 1, 2, 3, 4, 5, 6]);
		expect(api.calls).toEqual([{ cursor: undefined, remaining: undefined }, { cursor: 'p1', remaining: undefined }, { cursor: 'p2', remaining: undefined }]);
	});

	it('stops as soon as the limit is reached and tells each call how many are still wanted', async () => {
		const api = pagedApi(100, 3);
		expect(await collectPages(api.fetchPage, 5)).toEqual([0, 1, 2, 3, 4]);
		expect(api.calls).toEqual([{ cursor: undefined, remaining: 5 }, { cursor: 'p1', remaining: 2 }]);
	});

	it('goes on past pages that bring nothing (filtered pages) until the cursor ends', async () => {
		const pages = [{ items: [], nextCursor: 'a' }, { items: [], nextCursor: 'b' }, { items: [1] }];
		let call = 0;
		expect(await collectPages(async () => pages[call++], 10)).toEqual([1]);
		expect(call).toBe(3);
	});

	it('stops when an API hands back a cursor it already gave, instead of looping for ever', async () => {
		let calls = 0;
		const result = await collectPages(async () => {
			calls++;
			return { items: [calls], nextCursor: 'same' };
		});
		expect(result).toEqual([1, 2]);
		expect(calls).toBe(2);
	});
});

describe('readLimit', () => {
	const context = (parameters: Record<string, unknown>) =>
		({ getNodeParameter: (name: string, _item: number, fallback: unknown) => (name in parameters ? parameters[name] : fallback) }) as unknown as IExecuteFunctions;
	const read = (parameters: Record<string, unknown>) => readLimit.call(context(parameters), 0);

	it('is undefined with Return All, the whole number of Limit otherwise, 50 when unset', () => {
		expect(read({ returnAll: true, limit: 0 })).toBeUndefined();
		expect(read({ returnAll: false, limit: 7 })).toBe(7);
		expect(read({ returnAll: false, limit: '12' })).toBe(12);
		expect(read({ returnAll: false, limit: 2.9 })).toBe(2);
		expect(read({ returnAll: false })).toBe(50);
	});

	it.each([0, -3, NaN, 'many', ''])('refuses Limit %p with a ValidationError naming Limit', (limit) => {
		let error: unknown;
		try {
			read({ returnAll: false, limit });
		} catch (caught) {
			error = caught;
		}
		expect(error).toBeInstanceOf(ValidationError);
		expect(error).toMatchObject({ field: 'Limit', message: expect.stringMatching(/Limit must be a whole number of at least 1/) });
	});
});
