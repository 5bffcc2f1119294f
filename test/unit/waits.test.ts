/**
 * Send and Wait for Response, the shared part (helpers/waits.ts): what counts as the answer to a
 * waiting question, the resume URL through this process's own port, and handing the answer to the
 * waiting execution (against real HTTP servers on loopback).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { answerTo, localN8nUrl, resumeWaitingExecution, type ResumeBody } from '../../nodes/WhatsAppOmni/helpers/waits';
import type { InboundMessage, UnifiedEvent } from '../../nodes/WhatsAppOmni/providers/events';
import type { Wait } from '../../nodes/WhatsAppOmni/store/types';

const CHOICES = [
	{ id: 'approve', title: '✓ Approve' },
	{ id: 'decline', title: '✗ Decline' },
];
const choicesOnly: Pick<Wait, 'accept' | 'choices'> = { accept: 'choices', choices: CHOICES };
const anything: Pick<Wait, 'accept' | 'choices'> = { accept: 'any', choices: CHOICES };

let eventCount = 0;
function messageEvent(message: InboundMessage, extra: Partial<UnifiedEvent> = {}): UnifiedEvent {
	return {
		event: 'message',
		provider: 'meta',
		id: `wamid.waits.${++eventCount}`,
		timestamp: '2025-06-08T21:00:00.000Z',
		business: { phoneNumberId: '106540352242922' },
		contact: { id: '+16505551234', phoneNumber: '+16505551234' },
		message,
		raw: {},
		...extra,
	};
}

describe('answerTo', () => {
	it.each(['interactive', 'button'] as const)('a tap on a choice (%s) gives that choice', (type) => {
		const event = messageEvent({ type, reply: { id: 'approve', title: '✓ Approve' } });
		expect(answerTo(choicesOnly, event)).toEqual({ id: 'approve', title: '✓ Approve' });
		expect(answerTo(anything, event)).toEqual({ id: 'approve', title: '✓ Approve' });
	});

	it('a tap whose reply ID is a choice gives the choice as offered, whatever title the reply carries', () => {
		const event = messageEvent({ type: 'button', reply: { id: 'decline', title: 'Decline (old label)' } });
		expect(answerTo(choicesOnly, event)).toEqual({ id: 'decline', title: '✗ Decline' });
	});

	it('a text that is a choice’s title, whatever its case and surrounding spaces, gives that choice with the text', () => {
		const event = messageEvent({ type: 'text', text: ' ✓ approve ' });
		expect(answerTo(choicesOnly, event)).toEqual({ id: 'approve', title: '✓ Approve', text: ' ✓ approve ' });
		expect(answerTo(anything, messageEvent({ type: 'text', text: '✗ DECLINE' }))).toEqual({ id: 'decline', title: '✗ Decline', text: '✗ DECLINE' });
	});

	it('an image whose caption is a choice’s title counts as that choice', () => {
		const event = messageEvent({ type: 'image', media: { id: 'media-1', caption: '✗ Decline' } });
		expect(answerTo(choicesOnly, event)).toEqual({ id: 'decline', title: '✗ Decline', text: '✗ Decline' });
	});

	it('other text: no answer with Accept "choices", the text with Accept "any"', () => {
		const event = messageEvent({ type: 'text', text: 'approve it please' });
		expect(answerTo(choicesOnly, event)).toBeUndefined();
		expect(answerTo(anything, event)).toEqual({ text: 'approve it please' });
	});

	it('a text that only contains a title is not that choice', () => {
		expect(answerTo(choicesOnly, messageEvent({ type: 'text', text: '✓ Approve!' }))).toBeUndefined();
	});

	it('with Accept "any", a message without text (a location) is an answer without text', () => {
		const event = messageEvent({ type: 'location', location: { latitude: 1, longitude: 2 } });
		expect(answerTo(anything, event)).toEqual({});
		expect(answerTo(choicesOnly, event)).toBeUndefined();
	});

	it('a tap whose ID is none of the choices: the reply’s ID and title with Accept "any", nothing with Accept "choices"', () => {
		const event = messageEvent({ type: 'interactive', reply: { id: 'maybe', title: 'Maybe later' } });
		expect(answerTo(anything, event)).toEqual({ id: 'maybe', title: 'Maybe later' });
		expect(answerTo(choicesOnly, event)).toBeUndefined();
	});

	const notAnswers: Array<[string, UnifiedEvent]> = [
		['a reaction', messageEvent({ type: 'reaction', reaction: { messageId: 'wamid.question', emoji: '👍' } })],
		['a system message', messageEvent({ type: 'system', text: '✓ Approve', system: { type: 'customer_changed_number', body: '✓ Approve' } })],
		['an edit (by its type)', messageEvent({ type: 'edit', text: '✓ Approve', edit: { originalMessageId: 'wamid.earlier' } })],
		['an edit (a text carrying edit)', messageEvent({ type: 'text', text: '✓ Approve', edit: { originalMessageId: 'wamid.earlier' } })],
		['a revoke (by its type)', messageEvent({ type: 'revoke', revoke: { originalMessageId: 'wamid.earlier' } })],
		['a revoke (a text carrying revoke)', messageEvent({ type: 'text', text: 'hello', revoke: { originalMessageId: 'wamid.earlier' } })],
		['an unsupported message', messageEvent({ type: 'unsupported', text: '✓ Approve' })],
		[
			'a status event',
			messageEvent({ type: 'button', reply: { id: 'approve', title: '✓ Approve' } }, { event: 'status', status: { status: 'read', recipient: '+16505551234' } }),
		],
		['an identity event', messageEvent({ type: 'text', text: '✓ Approve' }, { event: 'identity' })],
		['a message event without a message', messageEvent({ type: 'text' }, { message: undefined })],
	];
	it.each(notAnswers)('%s is no answer, whatever Accept says', (_, event) => {
		expect(answerTo(choicesOnly, event)).toBeUndefined();
		expect(answerTo(anything, event)).toBeUndefined();
	});
});

describe('localN8nUrl', () => {
	const RESUME = 'https://n8n.example.com/webhook-waiting/5/node-1?signature=abc123';

	it('goes to 127.0.0.1:5678 by default, keeping the path and the signature', () => {
		expect(localN8nUrl(RESUME, {})).toBe('http://127.0.0.1:5678/webhook-waiting/5/node-1?signature=abc123');
	});

	it('uses N8N_PORT', () => {
		expect(localN8nUrl(RESUME, { N8N_PORT: '8080' })).toBe('http://127.0.0.1:8080/webhook-waiting/5/node-1?signature=abc123');
	});

	it('none when n8n itself serves https (N8N_PROTOCOL), or the port is not a port', () => {
		expect(localN8nUrl(RESUME, { N8N_PROTOCOL: 'https' })).toBeUndefined();
		expect(localN8nUrl(RESUME, { N8N_PORT: 'eighty' })).toBeUndefined();
		expect(localN8nUrl(RESUME, { N8N_PORT: '0' })).toBeUndefined();
		expect(localN8nUrl(RESUME, { N8N_PROTOCOL: 'http' })).toBe('http://127.0.0.1:5678/webhook-waiting/5/node-1?signature=abc123');
	});

	it('a wildcard listen address goes to 127.0.0.1; a specific one is used, IPv6 in brackets', () => {
		expect(localN8nUrl(RESUME, { N8N_LISTEN_ADDRESS: '0.0.0.0' })).toBe('http://127.0.0.1:5678/webhook-waiting/5/node-1?signature=abc123');
		expect(localN8nUrl(RESUME, { N8N_LISTEN_ADDRESS: '::' })).toBe('http://127.0.0.1:5678/webhook-waiting/5/node-1?signature=abc123');
		expect(localN8nUrl(RESUME, { N8N_LISTEN_ADDRESS: '10.1.2.3', N8N_PORT: '5679' })).toBe('http://10.1.2.3:5679/webhook-waiting/5/node-1?signature=abc123');
		expect(localN8nUrl(RESUME, { N8N_LISTEN_ADDRESS: '::1' })).toBe('http://[::1]:5678/webhook-waiting/5/node-1?signature=abc123');
	});
});

describe('resumeWaitingExecution', () => {
	interface Received {
		method?: string;
		url?: string;
		contentType?: string;
		body: unknown;
	}
	type Reply = { status: number; contentType?: string; body: string };

	const servers: http.Server[] = [];
	afterEach(async () => {
		await Promise.all(
			servers.splice(0).map(
				(server) =>
					new Promise<void>((resolve) => {
						server.closeAllConnections();
						server.close(() => resolve());
					}),
			),
		);
	});

	/** A server on 127.0.0.1 answering its requests in turn with `replies` (the last one from then on). */
	async function serve(...replies: Reply[]): Promise<{ port: number; received: Received[] }> {
		const received: Received[] = [];
		const server = http.createServer((request, response) => {
			const chunks: Buffer[] = [];
			request.on('data', (chunk: Buffer) => chunks.push(chunk));
			request.on('end', () => {
				const text = Buffer.concat(chunks).toString('utf8');
				received.push({ method: request.method, url: request.url, contentType: request.headers['content-type'], body: text ? JSON.parse(text) : undefined });
				const reply = replies[Math.min(received.length - 1, replies.length - 1)];
				response.writeHead(reply.status, { 'content-type': reply.contentType ?? 'application/json' });
				response.end(reply.body);
			});
		});
		servers.push(server);
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		return { port: (server.address() as AddressInfo).port, received };
	}

	/** A port nothing listens on (a server's, closed again). */
	async function unusedPort(): Promise<number> {
		const server = http.createServer();
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const { port } = server.address() as AddressInfo;
		await new Promise<void>((resolve) => server.close(() => resolve()));
		return port;
	}

	const PATH = '/webhook-waiting/5/node-1?signature=abc123';
	const BODY: ResumeBody = {
		outcome: 'answer',
		questionMessageId: 'wamid.question',
		startedAt: '2025-06-08T20:59:00.000Z',
		answer: { id: 'approve', title: '✓ Approve' },
		event: messageEvent({ type: 'button', reply: { id: 'approve', title: '✓ Approve' } }),
	};
	const json = (status: number, body: unknown): Reply => ({ status, body: JSON.stringify(body) });
	const noSleep = () => ({ sleep: jest.fn(async (_ms: number) => undefined) });

	it('200 with JSON: resumed, and the waiting node got the body as JSON at the signed path', async () => {
		const { port, received } = await serve(json(200, { ok: true }));
		const clock = noSleep();
		const outcome = await resumeWaitingExecution(`http://127.0.0.1:${port}${PATH}`, BODY, { N8N_PORT: String(port) }, clock);
		expect(outcome).toEqual({ resumed: true });
		expect(received).toEqual([{ method: 'POST', url: PATH, contentType: 'application/json', body: JSON.parse(JSON.stringify(BODY)) }]);
		expect(clock.sleep).not.toHaveBeenCalled();
	});

	it('409 "running already" (still on its way to waiting) is tried again until it waits', async () => {
		const running = json(409, { message: 'The execution "5" is running already.' });
		const { port, received } = await serve(running, running, json(200, {}));
		const clock = noSleep();
		const outcome = await resumeWaitingExecution(`http://127.0.0.1:${port}${PATH}`, BODY, { N8N_PORT: String(port) }, clock);
		expect(outcome).toEqual({ resumed: true });
		expect(received).toHaveLength(3);
		expect(received.map(({ body }) => body)).toEqual([BODY, BODY, BODY].map((body) => JSON.parse(JSON.stringify(body))));
		expect(clock.sleep.mock.calls).toEqual([[250], [500]]);
	});

	it('409 "running already" for longer than 15 s: gives up with n8n’s message', async () => {
		const { port, received } = await serve(json(409, { message: 'The execution "5" is running already.' }));
		let now = Date.now();
		const dateNow = jest.spyOn(Date, 'now').mockImplementation(() => now);
		try {
			const clock = {
				sleep: jest.fn(async (ms: number) => {
					now += ms;
				}),
			};
			const outcome = await resumeWaitingExecution(`http://127.0.0.1:${port}${PATH}`, BODY, { N8N_PORT: String(port) }, clock);
			expect(outcome).toEqual({ resumed: false, reason: 'The execution "5" is running already.' });
			// 250, 500, 1000, then 2000 at most between knocks, until 15 s have gone by.
			expect(clock.sleep.mock.calls.map(([ms]) => ms)).toEqual([250, 500, 1000, 2000, 2000, 2000, 2000, 2000, 2000, 2000]);
			expect(received).toHaveLength(11);
		} finally {
			dateNow.mockRestore();
		}
	});

	it('200 with an HTML page (n8n’s page for a finished send-and-wait execution): not resumed', async () => {
		const { port, received } = await serve({ status: 200, contentType: 'text/html; charset=utf-8', body: '<html><body>This page has expired</body></html>' });
		const outcome = await resumeWaitingExecution(`http://127.0.0.1:${port}${PATH}`, BODY, { N8N_PORT: String(port) }, noSleep());
		expect(outcome).toEqual({ resumed: false, reason: 'the execution is no longer waiting' });
		expect(received).toHaveLength(1);
	});

	it('404 through this process’s port: the public resume URL is tried next', async () => {
		const local = await serve(json(404, { message: 'not found' }));
		const publicServer = await serve(json(200, { ok: true }));
		const outcome = await resumeWaitingExecution(`http://127.0.0.1:${publicServer.port}/prefix${PATH}`, BODY, { N8N_PORT: String(local.port) }, noSleep());
		expect(outcome).toEqual({ resumed: true });
		expect(local.received.map(({ url }) => url)).toEqual([`/prefix${PATH}`]);
		expect(publicServer.received.map(({ url }) => url)).toEqual([`/prefix${PATH}`]);
		expect(publicServer.received[0].body).toEqual(JSON.parse(JSON.stringify(BODY)));
	});

	it('404 on the public URL itself: not resumed, with the status as the reason', async () => {
		const { port, received } = await serve({ status: 404, contentType: 'text/plain', body: 'Not Found' });
		const outcome = await resumeWaitingExecution(`http://127.0.0.1:${port}${PATH}`, BODY, { N8N_PORT: String(port) }, noSleep());
		expect(outcome).toEqual({ resumed: false, reason: 'n8n answered HTTP 404' });
		expect(received).toHaveLength(1);
	});

	it('409 "finished already": not resumed, n8n’s message as the reason, not tried again', async () => {
		const { port, received } = await serve(json(409, { message: 'The execution "5" has finished already.' }));
		const clock = noSleep();
		const outcome = await resumeWaitingExecution(`http://127.0.0.1:${port}${PATH}`, BODY, { N8N_PORT: String(port) }, clock);
		expect(outcome).toEqual({ resumed: false, reason: 'The execution "5" has finished already.' });
		expect(received).toHaveLength(1);
		expect(clock.sleep).not.toHaveBeenCalled();
	});

	it('nothing listening on either URL: not resumed, saying n8n could not be reached', async () => {
		const [localPort, publicPort] = [await unusedPort(), await unusedPort()];
		const outcome = await resumeWaitingExecution(`http://127.0.0.1:${publicPort}${PATH}`, BODY, { N8N_PORT: String(localPort) }, noSleep());
		expect(outcome.resumed).toBe(false);
		expect((outcome as { reason: string }).reason).toMatch(/^n8n's resume webhook could not be reached \(.*ECONNREFUSED.*\)$/);
		expect((outcome as { reason: string }).reason).toContain(String(publicPort));
	});
});
