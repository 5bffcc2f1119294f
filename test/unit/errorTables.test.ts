import { NodeApiError, type INode } from 'n8n-workflow';
import { AxiosError, AxiosHeaders } from 'axios';

import { errorItemJson, toNodeError } from '../../nodes/WhatsAppOmni/helpers/errors';
import { META_ERRORS, toMetaError } from '../../nodes/WhatsAppOmni/providers/meta/errors';
import { ProviderError } from '../../nodes/WhatsAppOmni/providers/ProviderError';
import { TWILIO_ERRORS } from '../../nodes/WhatsAppOmni/providers/twilio/errors';

// Every code in shared/reference/api-facts.md §5.
const META_CODES = [0, 190, 3, 10, 200, 100, 131000, 131005, 131008, 131009, 131016, 131021, 131026, 131031, 131042, 131045, 131047, 131048, 131049, 131050, 131051, 131052, 131053, 131056, 131057, 130429, 130472, 130497, 132000, 132001, 132005, 132007, 132012, 132015, 132016, 133010, 368, 2388019, 2388040, 2388047, 2388072, 2388073, 2388293, 2388299, 4, 80007];
const TWILIO_CODES = [63016, 63018, 63003, 63024, 63007, 63002, 63008, 63020, 63021, 63019, 63005, 63012, 63013, 63022, 63023, 63027, 63028, 63029, 63030, 63032, 21211, 21656, 21655];

const node: INode = { id: '1', name: 'WhatsApp Omni', type: 'x', typeVersion: 1, position: [0, 0], parameters: {} };

describe('error tables', () => {
	it.each(META_CODES)('Meta %p has a message and an actionable hint', (code) => {
		const entry = META_ERRORS[code];
		expect(entry).toBeDefined();
		expect(entry.message.length).toBeGreaterThan(5);
		expect(entry.hint.length).toBeGreaterThan(20);
	});

	it.each(TWILIO_CODES)('Twilio %p has a message and an actionable hint', (code) => {
		const entry = TWILIO_ERRORS[code];
		expect(entry).toBeDefined();
		expect(entry.message.length).toBeGreaterThan(5);
		expect(entry.hint.length).toBeGreaterThan(20);
	});
});

describe('toNodeError', () => {
	it('turns a ProviderError into a NodeApiError with the provider code, hint and HTTP status', () => {
		const error = toNodeError(
			node,
			new ProviderError({ provider: 'twilio', code: 63016, httpStatus: 400, message: 'The 24-hour window is closed', hint: 'Send a template.', details: 'Outside window' }),
			{ itemIndex: 2 },
		);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe('Twilio error 63016: The 24-hour window is closed');
		expect(error.description).toBe('Send a template. Provider said: Outside window');
		expect((error as NodeApiError).httpCode).toBe('400');
		expect(error.context).toMatchObject({ itemIndex: 2, provider: 'twilio', providerCode: 63016 });
		expect(errorItemJson(error)).toEqual({
			error: 'Twilio error 63016: The 24-hour window is closed',
			hint: 'Send a template. Provider said: Outside window',
			provider: 'twilio',
			code: 63016,
			httpCode: '400',
		});
	});

	it('keeps network codes out of the message so n8n does not replace it', () => {
		const error = toNodeError(
			node,
			new ProviderError({ provider: 'meta', code: 'ETIMEDOUT', message: 'The request timed out (graph.facebook.com)', hint: 'It may have been sent.', mayHaveBeenSent: true }),
			{ itemIndex: 0 },
		);
		expect(error.message).toBe('Meta (WhatsApp Cloud API) request failed: The request timed out (graph.facebook.com)');
		expect(error.description).toBe('It may have been sent. (ETIMEDOUT)');
	});

	it('says how many items were already sent, and to run again only from the failed item on', () => {
		const error = toNodeError(node, new Error('boom'), { itemIndex: 3, sendsMessages: true, alreadySent: 3 });
		expect(error.description).toBe(
			'3 earlier items were already sent; running the node again sends them again, so run it only for the items from this one on (item 4 onward), or turn on "Continue On Fail" to get one result per item.',
		);
	});

	it('names the provider’s Retry-After for any provider error', () => {
		const error = toNodeError(
			node,
			new ProviderError({ provider: 'meta', code: 131016, httpStatus: 503, message: 'Unavailable', hint: 'Try again in a few minutes.', retryAfterSeconds: 60 }),
			{ itemIndex: 0 },
		);
		expect(error.description).toBe('Try again in a few minutes. Meta asked to wait 60 s before retrying.');
	});

	it('a rate limit outside a send (a list, a look-up) says nothing about sending', () => {
		const limited = new ProviderError({ provider: 'twilio', code: 20429, httpStatus: 429, message: 'Too many requests to Twilio', hint: 'Twilio is rate-limiting this account: send fewer items at once.', retryAfterSeconds: 3, rateLimited: true });
		expect(toNodeError(node, limited, { itemIndex: 0 }).description).toBe(
			'Twilio is rate-limiting this account: send fewer items at once. Twilio asked to wait 3 s before retrying: run it again after that.',
		);
		const noWait = new ProviderError({ provider: 'twilio', code: 20429, httpStatus: 429, message: 'Too many requests to Twilio', hint: 'Twilio is rate-limiting this account: send fewer items at once.', rateLimited: true });
		expect(toNodeError(node, noWait, { itemIndex: 0 }).description).toBe(
			'Twilio is rate-limiting this account: send fewer items at once. Run it again once the limit has passed.',
		);
	});
});

describe('toMetaError: template-management subcodes', () => {
	const graphError = (error: Record<string, unknown>) =>
		new AxiosError('Request failed', 'ERR_BAD_REQUEST', undefined, undefined, {
			status: 400,
			statusText: 'Bad Request',
			headers: {},
			config: { headers: new AxiosHeaders() },
			data: { error },
		});

	it('reports a known subcode of 100 as the code, with Meta’s words for people', () => {
		const error = toMetaError(
			graphError({
				message: 'Invalid parameter',
				type: 'OAuthException',
				code: 100,
				error_subcode: 2388024,
				error_user_title: 'Content in This Language Already Exists',
				error_user_msg: 'There is already English content for this template.',
			}),
			'graph.facebook.com',
		) as ProviderError;
		expect(error).toMatchObject({ code: 2388024, message: 'Content in This Language Already Exists', hint: META_ERRORS[2388024].hint });
		expect(error.details).toBe('There is already English content for this template. — Invalid parameter');
	});

	it('keeps the code and names an unknown subcode in the details', () => {
		const error = toMetaError(
			graphError({ message: 'Unsupported get request. Object with ID \'42\' does not exist', type: 'GraphMethodException', code: 100, error_subcode: 33 }),
			'graph.facebook.com',
		) as ProviderError;
		expect(error).toMatchObject({ code: 100, message: META_ERRORS[100].message });
		expect(error.details).toMatch(/does not exist — subcode 33$/);
	});
});
