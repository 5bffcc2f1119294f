import { collectPages } from '../../nodes/WhatsAppOmni/helpers/paging';

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
