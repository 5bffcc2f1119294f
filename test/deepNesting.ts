/**
 * Values nested far deeper than any real webhook, and the checks n8n's own handling of an item
 * implies: it deep-copies items (n8n-workflow's deepCopy), clones them (structuredClone) and
 * serialises them (JSON) after the trigger returned. All three recurse.
 */
import { deepCopy } from 'n8n-workflow';

/** `{ a: { a: … leaf } }`, `depth` objects deep; built without recursion. */
export function nested(depth: number, leaf: unknown = 'bottom', key = 'a'): unknown {
	let value = leaf;
	for (let i = 0; i < depth; i++) value = { [key]: value };
	return value;
}

/** The JSON text of nested(depth): JSON.stringify itself cannot write it. */
export function nestedJson(depth: number, key = 'a'): string {
	return `${`{"${key}":`.repeat(depth)}"bottom"${'}'.repeat(depth)}`;
}

/** Levels of objects and arrays in a value (0 for a primitive); without recursion. */
export function depthOf(value: unknown): number {
	let deepest = 0;
	const stack: Array<[unknown, number]> = [[value, 0]];
	while (stack.length) {
		const [current, depth] = stack.pop()!;
		if (typeof current !== 'object' || current === null) continue;
		deepest = Math.max(deepest, depth + 1);
		for (const inner of Object.values(current)) stack.push([inner, depth + 1]);
	}
	return deepest;
}

/** Throws when one of n8n's own ways of handling an item overflows on it. */
export function copyAsN8nDoes(json: unknown): void {
	deepCopy(json as object);
	structuredClone(json);
	JSON.parse(JSON.stringify({ resultData: { runData: { trigger: [{ data: { main: [[{ json }]] } }] } } }));
}
