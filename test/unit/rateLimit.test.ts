import { mock } from 'jest-mock-extended';
import nock from 'nock';
import type { IExecuteFunctions, INode, INodeExecutionData, NodeApiError } from 'n8n-workflow';

import { router } from '../../nodes/WhatsAppOmni/actions/router';
import { toNodeError } from '../../nodes/WhatsAppOmni/helpers/errors';
import { networkError } from '../../nodes/WhatsAppOmni/providers/ProviderError';
import { clearGraphClients } from '../../nodes/WhatsAppOmni/providers/meta/client';
import { clearTwilioClients } from '../../nodes/WhatsAppOmni/providers/twilio/client';
import type { MetaCredentials, ProviderName } from '../../nodes/WhatsAppOmni/providers/types';
import { rejectionOf, useNock } from './nockHelpers';
import { ACCOUNT, twilioCredentials, twilioHost } from './twilioFixtures';

/**
 * Rate limits as a person reads them after a run: what became of the failed item, what became of
 * the run, and how long the provider asked to wait — through the router, with the real providers
 * and their error mapping, against nock.
 */

const node: INode = { id: 'omni', name: 'WhatsApp Omni', type: 'n8n-nodes-whatsapp-omni.whatsAppOmni', typeVersion: 1, position: [0, 0], parameters: {} };

const PHONE_ID = '106540352242922';
const META_TOKEN = 'EAAG-rate-limit-secret-token';
const metaCredentials: MetaCredentials = { accessToken: META_TOKEN, phoneNumberId: PHONE_ID, graphApiVersion: 'v24.0' };
const MESSAGES = `/v24.0/${PHONE_ID}/messages`;
const TWILIO_MESSAGES = `/2010-04-01/Accounts/${ACCOUNT}/Messages.json`;

const phone = (index: number) => `+1555000${String(index).padStart(4, '0')}`;

function context(provider: ProviderName, count: number, continueOnFail = false) {
	const items: INodeExecutionData[] = Array.from({ length: count }, (_, i) => ({ json: { phone: phone(i) } }));
	const ctx = mock<IExecuteFunctions>();
	ctx.getInputData.mockReturnValue(items);
	ctx.getNode.mockReturnValue(node);
	ctx.continueOnFail.mockReturnValue(continueOnFail);
	ctx.getCredentials.mockResolvedValue(provider === 'meta' ? { ...metaCredentials } : { ...twilioCredentials });
	ctx.getNodeParameter.mockImplementation(((name: string, itemIndex: number, fallback?: unknown) => {
		const values: Record<string, unknown> = {
			provider,
			resource: 'message',
			operation: 'sendText',
			to: phone(itemIndex),
			text: `message ${itemIndex}`,
			options: {},
			// What a refusal says once retries are over; retrying itself is tested in bulkSending.test.ts.
			// One at a time: which item the refusal hits must not depend on timing.
			bulkSending: { maxAttempts: 1, concurrency: 1 },
		};
		return name in values ? values[name] : fallback;
	}) as IExecuteFunctions['getNodeParameter']);
	return ctx;
}

const metaSent = (index: number) => ({
	messaging_product: 'whatsapp',
	contacts: [{ input: phone(index).slice(1), wa_id: phone(index).slice(1) }],
	messages: [{ id: `wamid.${index}` }],
});
const META_130429 = { error: { message: '(#130429) Rate limit hit', type: 'OAuthException', code: 130429, fbtrace_id: 'AbC' } };
const TWILIO_20429 = { code: 20429, message: 'Too Many Requests', status: 429 };
const twilioSent = (index: number) => ({ sid: `SM${String(index).padStart(32, '0')}`, to: `whatsapp:${phone(index)}`, status: 'queued' });

async function stopped(ctx: IExecuteFunctions): Promise<NodeApiError> {
	return (await rejectionOf(router.call(ctx))) as NodeApiError;
}

/** Meta's hint for 130429: why, and what to change; what to run again depends on the run. */
const THROUGHPUT = 'The number sends more messages per second than Meta allows (80/s by default): send fewer items at once.';

useNock(() => {
	clearGraphClients();
	clearTwilioClients();
	jest.restoreAllMocks();
});

describe('a rate-limited item stops the run', () => {
	it('as the first item: nothing was sent, Meta’s wait is named, and running it again is the advice', async () => {
		nock('https://graph.facebook.com').post(MESSAGES).reply(429, META_130429, { 'Retry-After': '30' });

		const error = await stopped(context('meta', 3));

		expect(error.message).toBe('Meta (WhatsApp Cloud API) error 130429: Throughput limit reached');
		expect(error.description).toBe(
			`${THROUGHPUT} Nothing was sent. Meta asked to wait 30 s before retrying: run it again after that. Provider said: (#130429) Rate limit hit`,
		);
		expect(error.httpCode).toBe('429');
		expect(error.context).toMatchObject({ itemIndex: 0, provider: 'meta', providerCode: 130429 });
	});

	it('after 20 sent items: this item was not sent, the earlier ones were, and only the rest should run again', async () => {
		const scope = nock('https://graph.facebook.com');
		for (let i = 0; i < 20; i++) scope.post(MESSAGES).reply(200, metaSent(i));
		scope.post(MESSAGES).reply(429, META_130429, { 'Retry-After': '30' });

		const error = await stopped(context('meta', 25));

		expect(scope.isDone()).toBe(true);
		expect(error.context).toMatchObject({ itemIndex: 20, provider: 'meta', providerCode: 130429 });
		expect(error.description).toBe(
			`${THROUGHPUT} This item was not sent. Meta asked to wait 30 s before retrying. Provider said: (#130429) Rate limit hit. ` +
				'20 earlier items were already sent; running the node again sends them again, so run it only for the items from this one on (item 21 onward), ' +
				'or turn on "Continue On Fail" to get one result per item.',
		);
		// The two halves must not contradict each other.
		expect(error.description).not.toMatch(/Nothing was sent/);
		expect(error.description).not.toMatch(/run it again/);
	});

	it('without Retry-After it says nothing about a wait, first item and later alike', async () => {
		nock('https://graph.facebook.com')
			.post(MESSAGES)
			.reply(400, { error: { message: '(#131056) Pair rate limit hit', code: 131056 } });
		const first = await stopped(context('meta', 1));
		expect(first.description).toBe(
			'Meta allows about one message every 6 seconds to one user: leave more time between messages to this person. Nothing was sent. ' +
				'Run it again once the limit has passed. Provider said: (#131056) Pair rate limit hit',
		);

		nock('https://graph.facebook.com')
			.post(MESSAGES)
			.reply(200, metaSent(0))
			.post(MESSAGES)
			.reply(400, { error: { message: '(#131056) Pair rate limit hit', code: 131056 } });
		const second = await stopped(context('meta', 2));
		expect(second.description).toBe(
			'Meta allows about one message every 6 seconds to one user: leave more time between messages to this person. This item was not sent. ' +
				'Provider said: (#131056) Pair rate limit hit. 1 earlier item was already sent; running the node again sends it again, ' +
				'so run it only for the items from this one on (item 2 onward), or turn on "Continue On Fail" to get one result per item.',
		);
		expect(second.description).not.toMatch(/asked to wait/);
	});

	it('Twilio 20429 with Retry-After as an HTTP date says how long Twilio asked to wait', async () => {
		const now = Date.parse('2026-05-04T10:00:00Z');
		jest.spyOn(Date, 'now').mockReturnValue(now);
		twilioHost('api')
			.post(TWILIO_MESSAGES)
			.reply(201, twilioSent(0))
			.post(TWILIO_MESSAGES)
			.reply(429, TWILIO_20429, { 'Retry-After': new Date(now + 45_000).toUTCString() });

		const error = await stopped(context('twilio', 2));

		expect(error.message).toBe('Twilio error 20429: Too many requests to Twilio');
		expect(error.description).toBe(
			'Twilio is rate-limiting this account: send fewer items at once. This item was not sent. Twilio asked to wait 45 s before retrying. ' +
				'Provider said: Too Many Requests. 1 earlier item was already sent; running the node again sends it again, ' +
				'so run it only for the items from this one on (item 2 onward), or turn on "Continue On Fail" to get one result per item.',
		);
	});

	it('Twilio 20429 with Retry-After in seconds, as the first item', async () => {
		twilioHost('api').post(TWILIO_MESSAGES).reply(429, TWILIO_20429, { 'Retry-After': '12' });
		const error = await stopped(context('twilio', 1));
		expect(error.description).toBe(
			'Twilio is rate-limiting this account: send fewer items at once. Nothing was sent. Twilio asked to wait 12 s before retrying: run it again after that. ' +
				'Provider said: Too Many Requests',
		);
	});

	it('an HTTP 429 with an unknown code says the wait in the description, not twice', async () => {
		nock('https://graph.facebook.com').post(MESSAGES).reply(429, { error: { message: 'Slow down', code: 999999 } }, { 'Retry-After': '5' });
		const error = await stopped(context('meta', 1));
		expect(error.message).toBe('Meta (WhatsApp Cloud API) error 999999: Too many requests');
		expect(error.description).toBe(
			'The provider is rate-limiting this account: slow down (fewer items at once, or a Wait node). Nothing was sent. ' +
				'Meta asked to wait 5 s before retrying: run it again after that. Provider said: Slow down',
		);
	});

	it('never shows a secret', async () => {
		nock('https://graph.facebook.com').post(MESSAGES).reply(429, META_130429, { 'Retry-After': '30' });
		const error = await stopped(context('meta', 1));
		expect(JSON.stringify({ message: error.message, description: error.description, context: error.context })).not.toContain(META_TOKEN);
	});
});

describe('a rate-limited item with Continue On Fail', () => {
	it('its error item says this item was not sent and how long Meta asked to wait; the others go on', async () => {
		nock('https://graph.facebook.com')
			.post(MESSAGES)
			.reply(200, metaSent(0))
			.post(MESSAGES)
			.reply(429, META_130429, { 'Retry-After': '30' })
			.post(MESSAGES)
			.reply(200, metaSent(2));

		const [output] = await router.call(context('meta', 3, true));

		expect(output[0].json.messageId).toBe('wamid.0');
		expect(output[1].json).toEqual({
			attempts: 1,
			error: 'Meta (WhatsApp Cloud API) error 130429: Throughput limit reached',
			hint: `${THROUGHPUT} This item was not sent. Meta asked to wait 30 s before retrying: send this item again after that. Provider said: (#130429) Rate limit hit`,
			provider: 'meta',
			code: 130429,
			httpCode: '429',
		});
		expect(output[2].json.messageId).toBe('wamid.2');
	});

	it('Twilio: the same, with Twilio’s code and wait', async () => {
		twilioHost('api').post(TWILIO_MESSAGES).reply(429, TWILIO_20429, { 'Retry-After': '3' });
		const [output] = await router.call(context('twilio', 1, true));
		expect(output[0].json).toEqual({
			attempts: 1,
			error: 'Twilio error 20429: Too many requests to Twilio',
			hint: 'Twilio is rate-limiting this account: send fewer items at once. This item was not sent. Twilio asked to wait 3 s before retrying: send this item again after that. Provider said: Too Many Requests',
			provider: 'twilio',
			code: 20429,
			httpCode: '429',
		});
	});
});

describe('a connection refused after earlier items were sent', () => {
	it('says this request never reached the provider, not that nothing was sent', () => {
		// nock's simulated errors do not reach keep-alive agents: the provider's own mapping instead.
		const error = toNodeError(node, networkError('meta', 'ECONNREFUSED', 'graph.facebook.com'), { itemIndex: 2, sendsMessages: true, alreadySent: 2 }) as NodeApiError;

		expect(error.description).toMatch(/^The request never reached the provider, so nothing happened for this item\./);
		expect(error.description).toMatch(/2 earlier items were already sent; running the node again sends them again, so run it only for the items from this one on \(item 3 onward\)/);
		expect(error.description).not.toMatch(/Nothing was sent/);
	});
});
