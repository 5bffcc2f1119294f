/**
 * How a contact's flow state changes: pure functions, so every engine applies the same rules
 * inside its own transaction (like status.ts for statuses).
 */
import type { FlowStateRow } from './backend';
import { FlowStateTooLargeError } from './errors';
import { MAX_FLOW_STATE_BYTES, type FlowState, type FlowStateDocument, type FlowStateWrite } from './types';

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The document a write may carry: a JSON object. */
export function checkDocument(document: unknown): asserts document is FlowStateDocument {
	if (!isObject(document)) throw new TypeError('A flow state is a JSON object, e.g. {"step": "ask_address"}');
}

/** UTF-8 bytes of the document's JSON: what the size limit counts. */
export function documentBytes(document: FlowStateDocument): number {
	return Buffer.byteLength(JSON.stringify(document), 'utf8');
}

export function checkDocumentSize(document: FlowStateDocument): void {
	const bytes = documentBytes(document);
	if (bytes > MAX_FLOW_STATE_BYTES) throw new FlowStateTooLargeError(bytes, MAX_FLOW_STATE_BYTES);
}

/**
 * JSON Merge Patch (RFC 7396): objects merge key by key, `null` removes a key, arrays and every
 * other value replace. The result is a new object; neither input changes.
 */
export function mergePatch(target: FlowStateDocument, patch: FlowStateDocument): FlowStateDocument {
	const result: FlowStateDocument = { ...target };
	for (const [key, value] of Object.entries(patch)) {
		if (value === null) delete result[key];
		else if (isObject(value)) result[key] = mergePatch(isObject(result[key]) ? (result[key] as FlowStateDocument) : {}, value);
		else result[key] = value;
	}
	return result;
}

/** A row is a state only while it has a document and has not expired. */
export function isLive(row: FlowStateRow | undefined, nowMs: number): row is FlowStateRow & { document: FlowStateDocument } {
	return Boolean(row?.document) && (row!.expiresMs === undefined || row!.expiresMs > nowMs);
}

/** The version a compare-and-set compares with: 0 when there is no state. */
export function currentVersion(row: FlowStateRow | undefined, nowMs: number): number {
	return isLive(row, nowMs) ? row.version : 0;
}

/** The row after a write; the document goes through JSON so what is stored is what is read back. */
export function writtenRow(
	current: FlowStateRow | undefined,
	write: FlowStateWrite,
	expiresMs: number | undefined,
	nowMs: number,
): FlowStateRow & { document: FlowStateDocument } {
	const base = write.mode === 'merge' && isLive(current, nowMs) ? current.document : {};
	const document = JSON.parse(JSON.stringify(write.mode === 'merge' ? mergePatch(base, write.document) : write.document)) as FlowStateDocument;
	checkDocumentSize(document);
	return { document, version: (current?.version ?? 0) + 1, updatedMs: nowMs, ...(expiresMs !== undefined ? { expiresMs } : {}) };
}

/** A cleared state: no document, the version still counting. */
export function clearedRow(current: FlowStateRow, nowMs: number): FlowStateRow {
	return { version: current.version + 1, updatedMs: nowMs };
}

/**
 * Two contact rows become one person (a link or an identity change): one state survives, the
 * live one, or the newer of two live ones (the surviving row's on a tie). Its version passes both
 * old versions, so a writer that read either state through either identifier gets a conflict.
 */
export function mergedRow(from: FlowStateRow, into: FlowStateRow | undefined, nowMs: number): FlowStateRow {
	if (!into) return from;
	const fromWins = isLive(from, nowMs) && (!isLive(into, nowMs) || from.updatedMs > into.updatedMs);
	const kept = fromWins ? from : into;
	return { ...kept, version: Math.max(from.version, into.version) + 1 };
}

export function toFlowState(row: FlowStateRow & { document: FlowStateDocument }): FlowState {
	return {
		document: row.document,
		version: row.version,
		updatedAt: new Date(row.updatedMs).toISOString(),
		...(row.expiresMs !== undefined ? { expiresAt: new Date(row.expiresMs).toISOString() } : {}),
	};
}
