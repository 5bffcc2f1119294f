import { Sandbox, startSandbox } from '../../sandbox';
import { call, messagesPath, metaGet, metaPost, twilioPostForm } from './helpers';

describe('sandbox: knobs', () => {
	let sandbox: Sandbox;
	let phonePath: string;
	let twilioSend: () => ReturnType<typeof twilioPostForm>;

	beforeAll(async () => {
		sandbox = await startSandbox();
		phonePath = `/v24.0/${sandbox.meta.phoneNumberId}`;
		twilioSend = () =>
			twilioPostForm(sandbox, messagesPath(sandbox), {
				To: 'whatsapp:+15551230000',
				From: sandbox.twilio.whatsAppNumber,
				Body: 'hi',
			});
	});
	afterAll(async () => {
		await sandbox.stop();
	});
	beforeEach(() => {
		sandbox.clearRequests();
		sandbox.clearInjections();
		sandbox.setFaults(undefined);
		sandbox.setLatency(0);
	});

	const metaText = () =>
		metaPost(sandbox, `${phonePath}/messages`, {
			messaging_product: 'whatsapp',
			to: '16505551234',
			type: 'text',
			text: { body: 'hi' },
		});

	describe('faults', () => {
		it('answers 429 with Retry-After and Meta code 130429 at rate 1', async () => {
			sandbox.setFaults({ rate: 1, kinds: ['429'] });
			const answer = await metaText();
			expect(answer.status).toBe(429);
			expect(answer.headers.get('retry-after')).toBe('1');
			expect(answer.body.error).toMatchObject({
				message: '(#130429) Rate limit hit',
				type: 'OAuthException',
				code: 130429,
			});
			expect(sandbox.requests).toHaveLength(1);
			expect(sandbox.requests[0]).toMatchObject({ provider: 'meta', fault: '429', status: 429 });
		});

		it('answers 429 with the configured Retry-After and Twilio code 20429', async () => {
			sandbox.setFaults({ rate: 1, kinds: ['429'], retryAfterSeconds: 7 });
			const answer = await twilioSend();
			expect(answer.status).toBe(429);
			expect(answer.headers.get('retry-after')).toBe('7');
			expect(answer.body).toEqual({
				code: 20429,
				message: 'Too Many Requests',
				more_info: 'https://www.twilio.com/docs/errors/20429',
				status: 429,
			});
			expect(sandbox.requests[0]).toMatchObject({ provider: 'twilio', fault: '429' });
		});

		it("answers 500 with each provider's body", async () => {
			sandbox.setFaults({ rate: 1, kinds: ['500'] });
			const meta = await metaText();
			expect(meta.status).toBe(500);
			expect(meta.body.error).toMatchObject({ message: 'An unknown error has occurred.', code: 1 });

			const twilio = await twilioSend();
			expect(twilio.status).toBe(500);
			expect(twilio.body).toMatchObject({ code: 20500, message: 'Internal Server Error', status: 500 });
			expect(sandbox.requests.map((r) => r.fault)).toEqual(['500', '500']);
		});

		it('resets the connection without answering, and records the request', async () => {
			sandbox.setFaults({ rate: 1, kinds: ['reset'] });
			await expect(metaText()).rejects.toThrow();
			expect(sandbox.requests).toHaveLength(1);
			expect(sandbox.requests[0]).toMatchObject({ provider: 'meta', fault: 'reset', method: 'POST' });
			expect(sandbox.requests[0].status).toBeUndefined();
			expect(sandbox.requests[0].body).toMatchObject({ to: '16505551234' });
		});

		it('injects nothing at rate 0', async () => {
			sandbox.setFaults({ rate: 0, kinds: ['429', '500', 'reset'] });
			for (let i = 0; i < 10; i++) expect((await metaText()).status).toBe(200);
			expect(sandbox.requests).toHaveLength(10);
			expect(sandbox.requests.every((r) => r.fault === undefined && r.status === 200)).toBe(true);
		});

		it('repeats the same fault sequence for the same seed', async () => {
			const run = async () => {
				sandbox.setFaults({ rate: 0.5, kinds: ['429', '500'], seed: 42 });
				const statuses: number[] = [];
				for (let i = 0; i < 20; i++) statuses.push((await metaGet(sandbox, phonePath)).status);
				return statuses;
			};
			const first = await run();
			const second = await run();
			expect(second).toEqual(first);
			expect(first).toContain(200);
			expect(first.some((s) => s === 429 || s === 500)).toBe(true);
		});

		it('accepts faults from the constructor', async () => {
			const other = await startSandbox({ faults: { rate: 1, kinds: ['500'] } });
			try {
				const answer = await metaGet(other, `/v24.0/${other.meta.phoneNumberId}`);
				expect(answer.status).toBe(500);
			} finally {
				await other.stop();
			}
		});

		it('refuses a rate outside 0..1', () => {
			expect(() => sandbox.setFaults({ rate: 1.5, kinds: ['500'] })).toThrow(RangeError);
		});
	});

	describe('latency', () => {
		it('delays every answer by at least the configured time', async () => {
			sandbox.setLatency(150);
			const started = Date.now();
			const answer = await metaGet(sandbox, phonePath);
			const elapsed = Date.now() - started;
			expect(answer.status).toBe(200);
			// Timers may fire a little early; 140 leaves room for that and none for "no delay".
			expect(elapsed).toBeGreaterThanOrEqual(140);
			expect(elapsed).toBeLessThan(5000);
		});

		it('takes the latency from the constructor', async () => {
			const other = await startSandbox({ latencyMs: 120 });
			try {
				const started = Date.now();
				await metaGet(other, `/v24.0/${other.meta.phoneNumberId}`);
				expect(Date.now() - started).toBeGreaterThanOrEqual(110);
			} finally {
				await other.stop();
			}
		});
	});

	describe('injectResponse', () => {
		const outsideWindow = {
			error: {
				message: '(#131047) Re-engagement message',
				type: 'OAuthException',
				code: 131047,
				error_data: { messaging_product: 'whatsapp', details: 'Message failed to send because more than 24 hours have passed.' },
				fbtrace_id: 'AbCdEfGhIjKlMnOpQrStUvW',
			},
		};

		it('answers the next matching request once, then behaves normally', async () => {
			sandbox.injectResponse({ provider: 'meta', method: 'POST', path: /\/messages$/ }, { status: 400, body: outsideWindow });
			const first = await metaText();
			const second = await metaText();
			expect(first.status).toBe(400);
			expect(first.body).toEqual(outsideWindow);
			expect(second.status).toBe(200);
			expect(sandbox.requests.map((r) => r.injected)).toEqual([true, undefined]);
		});

		it('leaves requests that do not match alone', async () => {
			sandbox.injectResponse({ provider: 'twilio', path: /Messages\.json$/ }, {
				status: 400,
				body: { code: 63016, message: 'Failed to send freeform message because you are outside the allowed window.', more_info: 'https://www.twilio.com/docs/errors/63016', status: 400 },
			});
			expect((await metaText()).status).toBe(200);
			expect((await metaGet(sandbox, phonePath)).status).toBe(200);
			const twilio = await twilioSend();
			expect(twilio.status).toBe(400);
			expect(twilio.body.code).toBe(63016);
			expect((await twilioSend()).status).toBe(201);
		});

		it('answers `times` requests, with the given headers', async () => {
			sandbox.injectResponse({ method: 'GET' }, { status: 503, body: 'busy', headers: { 'content-type': 'text/plain', 'x-sandbox': 'yes' } }, 2);
			const answers = [await metaGet(sandbox, phonePath), await metaGet(sandbox, phonePath), await metaGet(sandbox, phonePath)];
			expect(answers.map((a) => a.status)).toEqual([503, 503, 200]);
			expect(answers[0].text).toBe('busy');
			expect(answers[0].headers.get('x-sandbox')).toBe('yes');
		});

		it('forgets unused canned answers on clearInjections()', async () => {
			sandbox.injectResponse({ provider: 'meta' }, { status: 418, body: { teapot: true } }, 5);
			sandbox.clearInjections();
			expect((await metaGet(sandbox, phonePath)).status).toBe(200);
		});

		it('wins over faults', async () => {
			sandbox.setFaults({ rate: 1, kinds: ['reset'] });
			sandbox.injectResponse({ provider: 'meta' }, { status: 200, body: { ok: true } });
			const answer = await metaGet(sandbox, phonePath);
			expect(answer.body).toEqual({ ok: true });
			expect(sandbox.requests[0]).toMatchObject({ injected: true, status: 200 });
			expect(sandbox.requests[0].fault).toBeUndefined();
		});
	});

	describe('lifecycle and recording', () => {
		it('clears the recorded requests in place', async () => {
			const held = sandbox.requests;
			await metaGet(sandbox, phonePath);
			expect(held).toHaveLength(1);
			sandbox.clearRequests();
			expect(held).toHaveLength(0);
			expect(sandbox.requests).toBe(held);
		});

		it('answers paths outside /graph and /twilio with 404 and does not record them', async () => {
			const answer = await call(`${sandbox.url}/elsewhere`);
			expect(answer.status).toBe(404);
			expect(sandbox.requests).toHaveLength(0);
		});

		it('listens on 127.0.0.1 and exposes the base URLs', () => {
			expect(sandbox.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
			expect(sandbox.graphBaseUrl).toBe(`${sandbox.url}/graph`);
			expect(sandbox.twilioBaseUrl).toBe(`${sandbox.url}/twilio`);
		});

		it('has no URL before start and after stop', async () => {
			const other = new Sandbox();
			expect(() => other.url).toThrow(/not started/);
			await other.start();
			expect(other.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
			await other.stop();
			expect(() => other.graphBaseUrl).toThrow(/not started/);
		});

		it('uses the default test accounts, and takes overrides', async () => {
			expect(sandbox.meta).toEqual({
				accessToken: 'EAAG-sandbox-token',
				phoneNumberId: '106540352242922',
				wabaId: '102290129340398',
				displayPhoneNumber: '+1 555-010-0000',
				verifiedName: 'Omni Sandbox',
				appId: '1234567890',
				appSecret: 'sandbox-app-secret',
			});
			expect(sandbox.twilio.accountSid).toMatch(/^AC[0-9a-f]{32}$/);
			expect(sandbox.twilio.authToken).toMatch(/^[0-9a-f]{32}$/);
			expect(sandbox.twilio.apiKeySid).toMatch(/^SK[0-9a-f]{32}$/);
			expect(sandbox.twilio.apiKeySecret.length).toBeGreaterThanOrEqual(32);
			expect(sandbox.twilio.whatsAppNumber).toBe('whatsapp:+14155238886');
			expect(sandbox.twilio.messagingServiceSid).toMatch(/^MG[0-9a-f]{32}$/);

			const other = await startSandbox({ meta: { accessToken: 'other-token' } });
			try {
				expect(other.meta.phoneNumberId).toBe('106540352242922');
				expect((await metaGet(other, `/v24.0/${other.meta.phoneNumberId}`, 'other-token')).status).toBe(200);
				expect((await metaGet(other, `/v24.0/${other.meta.phoneNumberId}`, 'EAAG-sandbox-token')).status).toBe(401);
			} finally {
				await other.stop();
			}
		});
	});
});
