import { parse } from 'node:querystring';
import nock from 'nock';

/**
 * nock for one test file: no real network, interceptors cleared after each test, and http
 * unpatched at the end, because jest reuses the worker for files that must not meet stale
 * interceptors.
 */
export function useNock(afterEachTest: () => void = () => {}) {
	beforeAll(() => nock.disableNetConnect());
	afterEach(() => {
		nock.cleanAll();
		afterEachTest();
	});
	afterAll(() => {
		nock.enableNetConnect();
		nock.restore();
	});
}

/** The error a promise rejects with; fails the test if it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
	try {
		await promise;
	} catch (error) {
		return error;
	}
	throw new Error('expected a rejection');
}

/** A nock body matcher that keeps the form-encoded body it saw, for exact assertions. */
export function captureForm() {
	const captured: { form: Record<string, unknown> } = { form: {} };
	const matcher = (body: string | Record<string, unknown>) => {
		captured.form = typeof body === 'string' ? parse(body) : body;
		return true;
	};
	return { captured, matcher };
}
