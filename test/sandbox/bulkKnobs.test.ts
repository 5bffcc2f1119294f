import http from 'node:http';

import { startSandbox, type Sandbox } from '../../sandbox';
import { messagesPath, metaPost, twilioPostForm } from './helpers';

/** The sandbox's knobs for bulk sending: rate enforcement, the pair limit, counters, the control endpoint. */
describe('sandbox: bulk sending knobs', () => {
	let sandbox: Sandbox;
	const metaText = (to: string) =>
		metaPost(sandbox, `/v24.0/${sandbox.meta.phoneNumberId}/messages`, { messaging_product: 'whatsapp', to, type: 'text', text: { body: 'hi' } });

	beforeAll(async () => {
		sandbox = await startSandbox();
	});
	afterAll(async () => {
		await sandbox.stop();
	});
	beforeEach(() => {
		sandbox.setRateLimit(undefined);
		sandbox.setPairRateLimit(undefined);
		sandbox.setFaults(undefined);
		sandbox.resetCounters();
	});

	it('refuses sends over N per second per sender with 429, Meta 130429 and Twilio 20429, with Retry-After', async () => {
		sandbox.setRateLimit({ messagesPerSecond: 2, retryAfterSeconds: 3 });
		const meta = [await metaText('15550000001'), await metaText('15550000002'), await metaText('15550000003')];
		expect(meta.map((answer) => answer.status)).toEqual([200, 200, 429]);
		expect(meta[2].body).toMatchObject({ error: { code: 130429 } });
		expect(meta[2].headers.get('retry-after')).toBe('3');
		const twilio = [];
		for (const to of ['+15550000001', '+15550000002', '+15550000003']) {
			twilio.push(await twilioPostForm(sandbox, messagesPath(sandbox), { To: `whatsapp:${to}`, From: sandbox.twilio.whatsAppNumber, Body: 'hi' }));
		}
		expect(twilio.map((answer) => answer.status)).toEqual([201, 201, 429]);
		expect(twilio[2].body).toMatchObject({ code: 20429 });
		expect(sandbox.counters).toMatchObject({ rateLimited: 2, acceptedByRecipient: { '15550000001': 2, '15550000002': 2 } });
		expect(sandbox.busiestAccepted()).toBe(2);
	});

	it('answers 131056 to a burst over the pair limit, for that person only', async () => {
		sandbox.setPairRateLimit({ messages: 1, windowMs: 60_000 });
		expect((await metaText('15550000001')).status).toBe(200);
		const refused = await metaText('15550000001');
		expect(refused.status).toBe(400);
		expect(refused.body).toMatchObject({ error: { code: 131056 } });
		expect((await metaText('15550000002')).status).toBe(200);
		expect(sandbox.counters.pairRateLimited).toBe(1);
	});

	it('a scheduled 131056 and resets: reset-after accepts the message, reset-before accepts it and resets the next connection', async () => {
		// Node's own client, as the providers' clients use it (fetch retries a reset connection by itself).
		const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
		const metaText = (to: string) =>
			new Promise<{ status: number; body: unknown; headers: { get(name: string): string | undefined } }>((resolve, reject) => {
				const request = http.request(
					`${sandbox.graphBaseUrl}/v24.0/${sandbox.meta.phoneNumberId}/messages`,
					{ method: 'POST', agent, headers: { authorization: `Bearer ${sandbox.meta.accessToken}`, 'content-type': 'application/json' } },
					(response) => {
						let text = '';
						response.on('data', (chunk: Buffer) => (text += chunk.toString()));
						response.on('end', () =>
							resolve({ status: response.statusCode ?? 0, body: JSON.parse(text), headers: { get: (name) => response.headers[name] as string | undefined } }),
						);
					},
				);
				request.on('error', (error: Error & { code?: string }) => reject(Object.assign(error, { written: request.writableFinished })));
				request.end(JSON.stringify({ messaging_product: 'whatsapp', to, type: 'text', text: { body: 'hi' } }));
			});
		sandbox.setFaults({ rate: 0, kinds: [], schedule: ['131056', 'reset-after', 'reset-before'] });
		expect((await metaText('15550000001')).body).toMatchObject({ error: { code: 131056 } });
		await expect(metaText('15550000002')).rejects.toThrow();
		const closing = await metaText('15550000003');
		expect(closing.status).toBe(200);
		expect(closing.headers.get('connection')).toBe('close');
		// The next connection is reset as soon as it is accepted: the request was never written.
		await expect(metaText('15550000004')).rejects.toMatchObject({ code: 'ECONNRESET', written: false });
		expect((await metaText('15550000004')).status).toBe(200);
		expect(sandbox.counters.acceptedByRecipient).toEqual({ '15550000002': 1, '15550000003': 1, '15550000004': 1 });
		expect(sandbox.counters.faults).toEqual({ '131056': 1, 'reset-after': 1, 'reset-before': 1 });
		agent.destroy();
	});

	it('is controlled over HTTP: POST /sandbox/control and GET /sandbox/counters', async () => {
		const control = await fetch(`${sandbox.url}/sandbox/control`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ rateLimit: { messagesPerSecond: 1 }, latencyMs: 5 }),
		});
		expect(control.status).toBe(200);
		expect((await metaText('15550000001')).status).toBe(200);
		expect((await metaText('15550000001')).status).toBe(429);
		const counters = (await (await fetch(`${sandbox.url}/sandbox/counters`)).json()) as Record<string, unknown>;
		expect(counters).toMatchObject({ rateLimited: 1, acceptedByRecipient: { '15550000001': 1 }, busiestSecond: 1, peakInFlight: 1 });
		expect(counters.connectionsOpened).toEqual(expect.any(Number));
		const bad = await fetch(`${sandbox.url}/sandbox/control`, { method: 'POST', body: JSON.stringify({ rateLimit: { messagesPerSecond: 0 } }) });
		expect(bad.status).toBe(400);
		await fetch(`${sandbox.url}/sandbox/control`, { method: 'POST', body: JSON.stringify({ rateLimit: null, latencyMs: 0, resetCounters: true }) });
		expect(sandbox.counters.rateLimited).toBe(0);
	});
});
