import { DEPTH_MARKER, limitDepth } from '../../nodes/WhatsAppOmni/helpers/json';
import { copyAsN8nDoes, depthOf, nested } from '../deepNesting';

describe('limitDepth', () => {
	it('returns a value within the limit as it is: the same references, nothing truncated', () => {
		const value = { a: { b: [1, { c: 'x' }] }, d: null };
		const limited = limitDepth(value, 3);
		expect(limited.value).toBe(value);
		expect(limited.truncated).toStrictEqual([]);
		expect(limitDepth('text', 0)).toStrictEqual({ value: 'text', truncated: [] });
	});

	it('replaces objects and arrays deeper than the limit, keeps primitives, and copies only the path to a cut', () => {
		const sibling = { keep: true };
		const value = { sibling, list: [{ deep: { deeper: {} }, flat: 1 }], top: 'x' };
		const limited = limitDepth(value, 2);
		expect(limited.value).toStrictEqual({ sibling, list: [{ deep: DEPTH_MARKER, flat: 1 }], top: 'x' });
		expect(limited.value.sibling).toBe(sibling);
		expect(limited.truncated).toStrictEqual(['list[0].deep']);
		// The input is not changed.
		expect(value.list[0].deep).toStrictEqual({ deeper: {} });
	});

	it('names paths after a prefix, quoting keys that are not identifiers', () => {
		const { truncated } = limitDepth({ 'odd key': [{ x: {} }], ok: { $y: [[]] } }, 2, 'raw');
		expect(truncated).toStrictEqual(['raw["odd key"][0].x', 'raw.ok.$y[0]']);
	});

	it('names the first ten cuts and counts the others', () => {
		const value = Object.fromEntries(Array.from({ length: 15 }, (_, i) => [`k${i}`, { deep: {} }]));
		const { truncated } = limitDepth(value, 1);
		expect(truncated).toHaveLength(11);
		expect(truncated.slice(0, 2)).toStrictEqual(['k0.deep', 'k1.deep']);
		expect(truncated[10]).toBe('…and 5 more');
	});

	it('keeps a JSON "__proto__" key an own property of the copy', () => {
		const value = JSON.parse('{"__proto__":{"x":{"y":{}}},"z":1}');
		const limited = limitDepth(value, 2);
		expect(Object.getPrototypeOf(limited.value)).toBe(Object.prototype);
		expect(Object.keys(limited.value)).toStrictEqual(['__proto__', 'z']);
		expect(Object.getOwnPropertyDescriptor(limited.value, '__proto__')?.value).toStrictEqual({ x: { y: DEPTH_MARKER } });
		expect(limited.truncated).toStrictEqual(['__proto__.x.y']);
	});

	it('walks a value nested 100,000 levels deep without overflowing, and leaves one n8n can copy', () => {
		const limited = limitDepth(nested(100_000), 64, 'raw');
		expect(depthOf(limited.value)).toBe(65);
		expect(limited.truncated).toStrictEqual([`raw${'.a'.repeat(65)}`]);
		expect(() => copyAsN8nDoes(limited.value)).not.toThrow();
	});
});
