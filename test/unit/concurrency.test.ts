import { mapInOrder } from '../../nodes/WhatsAppOmni/helpers/concurrency';

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('mapInOrder', () => {
	it('returns results in index order when later tasks finish first', async () => {
		const finished: number[] = [];
		const results = await mapInOrder(6, 4, async (index) => {
			await delay((6 - index) * 5);
			finished.push(index);
			return `item-${index}`;
		});
		expect(results).toEqual(['item-0', 'item-1', 'item-2', 'item-3', 'item-4', 'item-5']);
		// Proves they really overlapped: completion order differs from index order.
		expect(finished).not.toEqual([0, 1, 2, 3, 4, 5]);
	});

	it('never has more than the limit in flight', async () => {
		let inFlight = 0;
		let peak = 0;
		await mapInOrder(20, 3, async () => {
			inFlight++;
			peak = Math.max(peak, inFlight);
			await delay(2);
			inFlight--;
		});
		expect(peak).toBe(3);
	});

	it('runs one at a time with a limit of 1', async () => {
		const order: string[] = [];
		await mapInOrder(3, 1, async (index) => {
			order.push(`start-${index}`);
			await delay(1);
			order.push(`end-${index}`);
		});
		expect(order).toEqual(['start-0', 'end-0', 'start-1', 'end-1', 'start-2', 'end-2']);
	});

	it('starts nothing new after a failure and throws the first failure by index', async () => {
		const started: number[] = [];
		await expect(
			mapInOrder(10, 2, async (index) => {
				started.push(index);
				await delay(index === 1 ? 1 : 10);
				if (index === 1 || index === 0) throw new Error(`failed ${index}`);
				return index;
			}),
		).rejects.toThrow('failed 0');
		expect(started.length).toBeLessThan(10);
	});

	it('handles no items', async () => {
		expect(await mapInOrder(0, 4, async () => 1)).toEqual([]);
	});
});
