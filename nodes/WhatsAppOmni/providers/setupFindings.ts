/**
 * What both providers' Check Setup look-ups share: a look-up that fails becomes a finding (with
 * the provider's code and message and the error's hint), never an exception, so the other
 * look-ups still run.
 */
import { CredentialError } from './CredentialError';
import { ProviderError } from './ProviderError';
import type { SetupFinding } from './types';

export type Settled<T> = { ok: true; value: T } | { ok: false; error: Error };

export async function settle<T>(run: () => Promise<T>, toError: (error: unknown) => Error = asError): Promise<Settled<T>> {
	try {
		return { ok: true, value: await run() };
	} catch (error) {
		return { ok: false, error: toError(error) };
	}
}

function asError(error: unknown): Error {
	return error instanceof Error ? error : new Error(String(error));
}

/** What a failed look-up found and what to do: `provider` names who answered, `reach` the fix when nothing did. */
export function describeLookupFailure(provider: string, error: Error, reach: string): { found: string; fix: string } {
	if (error instanceof ProviderError) {
		const code = error.code !== undefined ? `error ${error.code}` : error.httpStatus ? `HTTP ${error.httpStatus}` : 'an error';
		return {
			found: `the look-up failed: ${provider} answered with ${code}: ${error.message}${error.details ? ` (${error.details})` : ''}`,
			fix: error.hint,
		};
	}
	if (error instanceof CredentialError) return { found: `not checked: ${error.message}`, fix: error.hint };
	const hint = (error as { hint?: unknown }).hint;
	return { found: `the look-up failed: ${error.message}`, fix: typeof hint === 'string' && hint ? hint : reach };
}

export function failedFinding(check: string, title: string, failure: { found: string; fix: string }): SetupFinding {
	return { check, title, ok: false, ...failure };
}
