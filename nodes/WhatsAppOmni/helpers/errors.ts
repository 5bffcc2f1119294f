import {
	NodeApiError,
	NodeError,
	NodeOperationError,
	type INode,
	type JsonObject,
} from 'n8n-workflow';

import { CredentialError } from '../providers/CredentialError';
import { ProviderError } from '../providers/ProviderError';
import { PROVIDER_LABELS, PROVIDER_NAMES } from '../providers/types';
import { UnsupportedError } from '../providers/UnsupportedError';
import { deliveryNote, type DeliveryNote } from './retryPolicy';
import { ValidationError } from './ValidationError';

/** Where a failure happened, so its description can say what it means for this item and the run. */
export interface FailureContext {
	itemIndex: number;
	/** The operation sends messages: a refused request means this item's message did not go out. */
	sendsMessages?: boolean;
	/**
	 * Items already sent when the node stops on this failure, so a rerun's duplicates are never a
	 * surprise. Undefined when the node does not stop (Continue On Fail) or sends nothing.
	 */
	alreadySent?: number;
	/** Indexes of later items that were sent too (in flight beside this one): a rerun must skip them. */
	sentLater?: number[];
}

function alreadySentNote(context: FailureContext): string {
	const sent = context.alreadySent ?? 0;
	const later = context.sentLater ?? [];
	const laterNote =
		later.length === 0
			? ''
			: ` Item${later.length === 1 ? '' : 's'} ${later.map((index) => index + 1).join(', ')} after it ${later.length === 1 ? 'was' : 'were'} sent too (in flight at the same time): leave ${later.length === 1 ? 'it' : 'them'} out as well.`;
	if (sent === 0) {
		return later.length === 0 ? '' : `${laterNote} Or turn on "Continue On Fail" to get one result per item.`;
	}
	const items = sent === 1 ? '1 earlier item was' : `${sent} earlier items were`;
	return ` ${items} already sent; running the node again sends ${sent === 1 ? 'it' : 'them'} again, so run it only for the items from this one on (item ${context.itemIndex + 1} onward), or turn on "Continue On Fail" to get one result per item.${laterNote}`;
}

/** "Meta asked to wait 30 s before retrying", from the provider's `Retry-After`. */
function retryAfterText(error: ProviderError): string | undefined {
	const seconds = error.retryAfterSeconds;
	if (seconds === undefined || seconds <= 0) return undefined;
	return `${PROVIDER_NAMES[error.provider]} asked to wait ${seconds} s before retrying`;
}

/**
 * For a rate limit: what became of this item, how long to wait, and what to run again. Only the
 * run knows the last part: when earlier items went out, running the whole node again would send
 * them twice, so the advice is then the earlier-items note instead of a plain "run it again".
 */
function rateLimitAdvice(error: ProviderError, context: FailureContext): string {
	const wait = retryAfterText(error);
	const stops = context.alreadySent !== undefined;
	const sent = context.alreadySent ?? 0;
	const outcome = !context.sendsMessages ? '' : stops && sent === 0 ? ' Nothing was sent.' : ' This item was not sent.';
	if (sent > 0) return `${outcome}${wait ? ` ${wait}.` : ''}`;
	const again = context.sendsMessages && !stops ? 'send this item again' : 'run it again';
	return `${outcome}${wait ? ` ${wait}: ${again} after that.` : ` ${again[0].toUpperCase()}${again.slice(1)} once the limit has passed.`}`;
}

/** What the retries did: how many attempts, and why they stopped when they could have gone on. */
function attemptsText(note: DeliveryNote | undefined): string {
	if (!note) return '';
	const n = note.attempts;
	const after = n === 1 ? 'the first attempt' : `${n} attempts`;
	switch (note.stoppedBecause) {
		case 'attemptsUsed':
			return ` Gave up after ${n} attempts.`;
		case 'waitTooLong':
			return ` Not retried after ${after}: waiting ${Math.ceil((note.wouldWaitMs ?? 0) / 1000)} s is longer than Bulk Sending › Max Retry Wait.`;
		case 'unknownOutcome':
			return ` Not retried after ${after} (Bulk Sending › Retry When Outcome Unknown is off).`;
		case 'streamBody':
			return ` Uploads are not retried (the file is read once); ${n === 1 ? '1 attempt' : `${n} attempts`}.`;
		default:
			return n > 1 ? ` Attempts: ${n}.` : '';
	}
}

/**
 * The one place where failures become n8n errors. A ProviderError keeps the provider's code
 * and hint; everything else that is not already a node error becomes a NodeOperationError.
 * Only whitelisted fields reach the error object, so no request config or token rides along.
 */
export function toNodeError(node: INode, error: unknown, context: FailureContext): NodeError {
	const { itemIndex } = context;
	if (error instanceof ProviderError) {
		const label = PROVIDER_LABELS[error.provider];
		// A network code (ECONNRESET…) stays out of the message: n8n would replace the whole
		// message with its generic text for it. It goes in the description instead.
		const answered = error.httpStatus !== undefined;
		const code = answered && error.code !== undefined ? ` ${error.code}` : '';
		const networkCode = !answered && error.code !== undefined ? ` (${error.code})` : '';
		const response: JsonObject = {
			provider: error.provider,
			message: error.message,
			// Not `code`: n8n would swap our message for its generic text for codes like ECONNRESET.
			...(error.code !== undefined ? { providerCode: error.code } : {}),
			...(error.httpStatus !== undefined ? { httpStatus: error.httpStatus } : {}),
			...(error.details ? { details: error.details } : {}),
			...(error.retryAfterSeconds !== undefined ? { retryAfterSeconds: error.retryAfterSeconds } : {}),
			...(error.traceId ? { traceId: error.traceId } : {}),
			mayHaveBeenSent: error.mayHaveBeenSent,
		};
		const delivery = deliveryNote(error);
		if (delivery) response.attempts = delivery.attempts;
		const note = alreadySentNote(context);
		// A sentence follows the provider's words only when the node stopped after sending others.
		const said = error.details && note && !/[.!?]$/.test(error.details) ? `${error.details}.` : error.details;
		const details = said ? ` Provider said: ${said}` : '';
		const wait = retryAfterText(error);
		const advice = error.rateLimited ? rateLimitAdvice(error, context) : wait ? ` ${wait}.` : '';
		const apiError = new NodeApiError(node, response, {
			message: answered ? `${label} error${code}: ${error.message}` : `${label} request failed: ${error.message}`,
			description: `${error.hint}${advice}${details}${networkCode}${attemptsText(delivery)}${note}`,
			httpCode: error.httpStatus !== undefined ? String(error.httpStatus) : undefined,
			itemIndex,
		});
		apiError.context.provider = error.provider;
		if (error.code !== undefined) apiError.context.providerCode = error.code;
		if (delivery) apiError.context.attempts = delivery.attempts;
		if (error.mayHaveBeenSent) apiError.context.mayHaveBeenSent = true;
		return apiError;
	}
	if (error instanceof ValidationError) {
		return new NodeOperationError(node, `Item ${itemIndex + 1}: ${error.message}`, {
			description: `${error.hint ?? ''}${alreadySentNote(context)}`.trim() || undefined,
			itemIndex,
		});
	}
	if (error instanceof UnsupportedError) {
		return new NodeOperationError(node, `${PROVIDER_LABELS[error.provider]} cannot do this: ${error.message}`, {
			description: `${error.alternative}${alreadySentNote(context)}`,
			itemIndex,
		});
	}
	if (error instanceof CredentialError) {
		return new NodeOperationError(node, error.message, {
			description: error.hint,
			itemIndex,
		});
	}
	if (error instanceof NodeError) {
		const note = alreadySentNote(context);
		if (note) error.description = `${error.description ?? ''}${note}`.trim();
		return error;
	}
	return new NodeOperationError(node, error as Error, {
		itemIndex,
		description: alreadySentNote(context).trim() || undefined,
	});
}

/** The json of an error item when "Continue On Fail" is on. */
export function errorItemJson(error: NodeError): JsonObject {
	const context = error.context ?? {};
	return {
		error: error.message,
		...(error.description ? { hint: error.description } : {}),
		...(context.provider ? { provider: context.provider as string } : {}),
		...(context.providerCode !== undefined ? { code: context.providerCode as string | number } : {}),
		...(error instanceof NodeApiError && error.httpCode ? { httpCode: error.httpCode } : {}),
		...(typeof context.attempts === 'number' ? { attempts: context.attempts } : {}),
		...(context.mayHaveBeenSent === true ? { mayHaveBeenSent: true } : {}),
	};
}
