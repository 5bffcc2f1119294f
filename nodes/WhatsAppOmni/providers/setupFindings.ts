/**
 * What both providers' Check Setup look-ups share: a look-up that fails becomes a finding (with
 * the provider's code and message and the error's hint), never an exception, so the other
 * look-ups still run.
 */
import { CredentialError } from './CredentialError';
import { ProviderError } from './ProviderError';
import { redact } from '../store/errors';
import type { SetupFinding, SetupReport } from './types';

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

/** Replaces every secret in a report's strings (defence in depth: none should be there). */
export function redactReport(report: SetupReport, secrets: Array<string | undefined>): SetupReport {
	const hidden = secrets.map((secret) => secret?.trim() ?? '').filter((secret) => secret.length >= 4);
	if (hidden.length === 0) return report;
	const scrub = (value: unknown): unknown => {
		if (typeof value === 'string') return redact(value, hidden, '[hidden]');
		if (Array.isArray(value)) return value.map(scrub);
		if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, scrub(inner)]));
		return value;
	};
	return scrub(report) as SetupReport;
}
