import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { DEFAULT_META_ACCOUNT, DEFAULT_TWILIO_ACCOUNT } from './accounts';
import { createMetaHandler } from './meta';
import { newTemplate } from './metaTemplates';
import type { MetaTemplate, MetaTemplateInput } from './metaTemplates';
import { multipartBoundary, parseMultipart, summarizeMultipart } from './multipart';
import type { MultipartPart } from './multipart';
import { seedWebhooks } from './setupCheck';
import type { SetupFaults, WebhookSeed } from './setupCheck';
import { SandboxState } from './state';
import { createTwilioHandler } from './twilio';
import { newContent } from './twilioContent';
import type { TwilioContent, TwilioContentInput } from './twilioContent';
import { Chat } from './chat';
import { OpenAiStandIn } from './openAiStandIn';
import { handleChat } from './chatHttp';
import { deliverMeta, deliverTwilio } from './deliver';
import type { DeliverMetaOptions, DeliverTwilioOptions } from './deliver';
import { metaWebhooksView } from './metaWebhooks';
import { twilioWebhooksView } from './twilioWebhooks';
import { createMetaPayloadBuilders, createTwilioParamsBuilders } from './webhookPayloads';
import type { InboundMetaMedia, MetaPayloadBuilders, TwilioParamsBuilders } from './webhookPayloads';
import type { TwilioMedia } from './webhookState';
import type {
	DeliveryAnswer,
	DeliveryRecord,
	HandshakeRecord,
	MetaWebhooks,
	TwilioWebhooks,
	FaultKind,
	FaultOptions,
	InjectedResponse,
	InjectMatch,
	MetaAccount,
	OutboundMessage,
	PairRateLimitOptions,
	Provider,
	ProviderHandler,
	RateLimitOptions,
	RecordedRequest,
	SandboxCounters,
	SandboxOptions,
	SandboxReply,
	SandboxRequest,
	StoredMedia,
	TwilioAccount,
} from './types';
import { mediaType, parseBody, randomHex, seededRandom } from './util';

const HOST = '127.0.0.1';
const MAX_RECORDED_REQUESTS = 10_000;
/** Raw bodies of recorded requests together stay under this; the oldest are emptied first. */
const MAX_RECORDED_BODY_BYTES = 256 * 1024 * 1024;
/** Meta takes documents up to 100 MB; 1 MiB more leaves room for the multipart envelope. */
export const DEFAULT_MAX_BODY_BYTES = 101 * 1024 * 1024;

interface PendingInjection {
	match: InjectMatch;
	response: InjectedResponse;
	remaining: number;
}

export class Sandbox {
	readonly meta: MetaAccount;
	readonly twilio: TwilioAccount;
	/** Every request that reached an emulated API, oldest first. Cleared in place. */
	readonly requests: RecordedRequest[] = [];
	/** Every message either API accepted for sending, oldest first (at most 10,000). Cleared in place. */
	readonly outbound: OutboundMessage[];

	private server: Server | undefined;
	private port: number;
	private latencyMs: number;
	private faults: FaultOptions | undefined;
	private scheduleIndex = 0;
	private rateLimit: RateLimitOptions | undefined;
	private pairRateLimit: PairRateLimitOptions | undefined;
	/** Connections to reset on accept, armed by `reset-before` faults. */
	private pendingConnectionResets = 0;
	/** Accepted sends per sender, newest last, for the throughput limit (a sliding second). */
	private readonly sendTimes = new Map<string, number[]>();
	/**
	 * Per sender>person, the pair limit's current window: opened by a message, it takes
	 * `messages` (a burst), then refuses until it ends, as Meta takes bursts that borrow ahead.
	 */
	private readonly pairWindows = new Map<string, { start: number; count: number }>();
	/** What the sandbox saw since start or resetCounters(). Cleared in place. */
	readonly counters: SandboxCounters = emptyCounters();
	private random: () => number = Math.random;
	private readonly injections: PendingInjection[] = [];
	private readonly handlers: ProviderHandler[];
	private readonly state: SandboxState;
	/** The payload builders of metaPayload, bound to this sandbox's account, URL and media store. */
	readonly metaPayload: MetaPayloadBuilders;
	/** The parameter builders of twilioParams, bound to this sandbox's account, URL and media. */
	readonly twilioParams: TwilioParamsBuilders;
	private readonly maxBodyBytes: number;
	private recordedBodyBytes = 0;
	/**
	 * The chat page's conversations (GET /chat): the user's messages to either number, what the
	 * business sent, and the status webhooks the sandbox sends for those.
	 */
	readonly chat: Chat;
	/**
	 * A stand-in for an OpenAI-compatible Chat Completions endpoint (not a model: a fixed script,
	 * see openAiStandIn.ts) under /openai/v1, so n8n's AI Agent can call this package's tools
	 * without an API key. Its `requests` record what it was asked and answered.
	 */
	readonly openAi: OpenAiStandIn;

	constructor(options: SandboxOptions = {}) {
		this.port = options.port ?? 0;
		this.latencyMs = options.latencyMs ?? 0;
		this.maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
		this.openAi = new OpenAiStandIn({ delayMs: options.openAiDelayMs });
		if (!(this.maxBodyBytes > 0)) throw new RangeError('maxBodyBytes must be positive');
		this.meta = { ...DEFAULT_META_ACCOUNT, ...options.meta };
		this.twilio = { ...DEFAULT_TWILIO_ACCOUNT, ...options.twilio };
		this.state = new SandboxState(this.meta, this.twilio);
		if (options.webhookTimeoutMs !== undefined) {
			if (!(options.webhookTimeoutMs > 0)) throw new RangeError('webhookTimeoutMs must be positive');
			this.state.webhooks.timeoutMs = options.webhookTimeoutMs;
		}
		this.outbound = this.state.outbound;
		this.metaPayload = createMetaPayloadBuilders(() => ({
			account: this.meta,
			...(this.server ? { graphBaseUrl: this.graphBaseUrl } : {}),
			onMedia: (media) => this.storeMetaInboundMedia(media),
		}));
		this.twilioParams = createTwilioParamsBuilders(() => ({
			account: this.twilio,
			...(this.server ? { apiBaseUrl: `${this.twilioBaseUrl}/api` } : {}),
			onMedia: (media) => {
				this.state.webhooks.addTwilioMedia(media);
			},
		}));
		this.chat = new Chat({
			meta: this.meta,
			twilio: this.twilio,
			state: this.state,
			metaPayload: this.metaPayload,
			twilioParams: this.twilioParams,
			deliverMeta: (payload, deliverOptions) => this.deliverMeta(payload, deliverOptions),
			deliverTwilio: (params, deliverOptions) => this.deliverTwilio(params, deliverOptions),
			user: options.chatUser,
			statusDelayMs: options.statusDelayMs,
		});
		this.handlers = [createMetaHandler(this.meta, this.state), createTwilioHandler(this.twilio, this.state)];
		this.setFaults(options.faults);
		this.setRateLimit(options.rateLimit);
		this.setPairRateLimit(options.pairRateLimit);
	}

	get url(): string {
		if (!this.server) throw new Error('Sandbox is not started: call start() first');
		return `http://${HOST}:${this.port}`;
	}

	get graphBaseUrl(): string {
		return `${this.url}/graph`;
	}

	get twilioBaseUrl(): string {
		return `${this.url}/twilio`;
	}

	/**
	 * Base URL of the OpenAI stand-in, for the OpenAI credential's Base URL (any API key). A fixed
	 * script answers, not a model.
	 */
	get openAiBaseUrl(): string {
		return `${this.url}/openai/v1`;
	}

	/** The chat page, where a person is the WhatsApp user writing to both numbers. */
	get chatUrl(): string {
		return `${this.url}/chat`;
	}

	/** Delay before each status webhook (sent, delivered, read) of a message the business sent. */
	get statusDelayMs(): number {
		return this.chat.statusDelayMs;
	}

	setStatusDelay(ms: number): void {
		this.chat.setStatusDelay(ms);
	}

	async start(): Promise<void> {
		if (this.server) return;
		const server = createServer((req, res) => {
			if (req.url === '/sandbox' || req.url?.startsWith('/sandbox/')) {
				this.onControl(req, res).catch((error: Error) => send(res, { status: 500, body: { sandboxError: error.message } }));
				return;
			}
			this.onRequest(req, res).catch((error: Error) => {
				// A bug in a route must not take the test run down with an unhandled rejection.
				if (!res.headersSent) {
					res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
					res.end(JSON.stringify({ sandboxError: error.message }));
				} else {
					res.destroy();
				}
			});
		});
		server.on('connection', (socket) => {
			this.counters.connectionsOpened++;
			if (this.pendingConnectionResets > 0) {
				// Before a byte is read: whatever the client writes on it never arrives.
				this.pendingConnectionResets--;
				this.countFault('reset-before');
				socket.resetAndDestroy();
			}
		});
		await new Promise<void>((resolve, reject) => {
			server.once('error', reject);
			server.listen(this.port, HOST, () => {
				server.off('error', reject);
				resolve();
			});
		});
		this.port = (server.address() as AddressInfo).port;
		this.server = server;
		this.chat.start();
	}

	async stop(): Promise<void> {
		const server = this.server;
		if (!server) return;
		this.server = undefined;
		this.chat.stop();
		// Keep-alive sockets from HTTP clients would otherwise hold close() open for seconds.
		server.closeAllConnections();
		await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
	}

	clearRequests(): void {
		this.requests.length = 0;
		this.recordedBodyBytes = 0;
	}

	clearOutbound(): void {
		this.outbound.length = 0;
	}

	/** The WABA's message templates, in list order (a live view: do not modify). */
	get metaTemplates(): readonly MetaTemplate[] {
		return this.state.metaTemplates;
	}

	/**
	 * Adds a template to this sandbox's WABA, after the others. Status defaults to APPROVED,
	 * category to UTILITY, parameter_format to POSITIONAL; the id is made up unless given.
	 * Throws on a malformed template or a name+language that exists.
	 */
	addMetaTemplate(input: MetaTemplateInput): MetaTemplate {
		const template = newTemplate(input, this.state.metaTemplates);
		this.state.metaTemplates.push(template);
		return template;
	}

	/** The Twilio account's contents, in list order (a live view: do not modify). */
	get twilioContents(): readonly TwilioContent[] {
		return this.state.twilioContents;
	}

	/**
	 * Adds a Content resource, checked like POST /v1/Content (throws on what the API would
	 * refuse). `approval` omitted means unsubmitted.
	 */
	addTwilioContent(input: TwilioContentInput): TwilioContent {
		const content = newContent(input, this.state.twilioContents);
		this.state.twilioContents.push(content);
		return content;
	}

	/**
	 * Makes a SID known as an inbound WhatsApp message, which the typing indicator needs.
	 * Returns it; a new SM… SID is made up when none is given.
	 */
	addTwilioInboundMessage(sid: string = `SM${randomHex(32)}`): string {
		if (!/^(SM|MM)[0-9a-fA-F]{32}$/.test(sid)) throw new Error(`'${sid}' is not a Message SID (SM/MM and 32 hex digits)`);
		this.state.twilioInboundSids.add(sid);
		return sid;
	}

	/** A file uploaded with POST /<phone-number-id>/media, while the store still holds it. */
	getMedia(id: string): StoredMedia | undefined {
		return this.state.media.get(id);
	}

	// ----------------------------------------------------------------------------------------
	// Webhooks: registrations, signed deliveries, and what the sandbox called

	/** Where Meta would send webhooks now (a snapshot). */
	get metaWebhooks(): MetaWebhooks {
		return metaWebhooksView(this.state.webhooks);
	}

	/** The account's WhatsApp senders' webhooks and the Messaging Service's URLs (a snapshot). */
	get twilioWebhooks(): TwilioWebhooks {
		return twilioWebhooksView(this.state.webhooks);
	}

	/** Every verification handshake and delivery the sandbox made, oldest first. Cleared in place. */
	get deliveries(): readonly DeliveryRecord[] {
		return this.state.webhooks.deliveries;
	}

	/** The verification handshakes among `deliveries`. */
	get handshakes(): HandshakeRecord[] {
		return this.state.webhooks.deliveries.filter((d): d is HandshakeRecord => d.kind === 'handshake');
	}

	clearDeliveries(): void {
		this.state.webhooks.deliveries.length = 0;
	}

	/**
	 * Forgets every webhook registration: no Meta override, WABA or app subscription; the Twilio
	 * senders and Messaging Service as at start. Deliveries and media stay.
	 */
	resetWebhooks(): void {
		this.state.webhooks.resetRegistrations();
	}

	/**
	 * Sets where each provider sends webhooks, directly and without Meta's verification handshake
	 * (for tests whose URL does not answer it): the phone-number and WABA overrides, the app's
	 * subscription to the WABA, the app's callback URL and fields; the own Twilio sender's webhook
	 * and the Messaging Service's URLs. Only what `seed` names changes; `null` removes it.
	 */
	seedWebhooks(seed: WebhookSeed): void {
		seedWebhooks(this.state.webhooks, seed);
	}

	/** What Check Setup's look-ups currently report wrongly (a copy). */
	get setupFaults(): SetupFaults {
		return structuredClone(this.state.setupFaults);
	}

	/**
	 * Makes Check Setup's look-ups report a failure: Meta's token expired, expiring or without a
	 * permission, the number not connected, its name declined, its quality or throughput; a
	 * suspended, closed or Trial Twilio account, a sender not ONLINE. Replaces the previous faults;
	 * undefined: everything healthy again. Where webhooks go is set with seedWebhooks().
	 */
	setSetupFaults(faults: SetupFaults | undefined): void {
		this.state.setupFaults = faults ? structuredClone(faults) : {};
	}

	/**
	 * POSTs a Meta webhook payload, signed, to the URL the registrations pick (phone-number
	 * override, WABA override, app callback; template and account fields to the app callback
	 * only), or to `options.url`. Resolves with the answer; throws when no URL is registered for
	 * the payload or the URL does not answer.
	 */
	deliverMeta(payload: object, options?: DeliverMetaOptions): Promise<DeliveryAnswer> {
		return deliverMeta(this.meta, this.state, payload, options);
	}

	/**
	 * POSTs Twilio webhook parameters, signed, to the sender's or Messaging Service's URL for
	 * the kind (inbound message or status), or to `options.url`. An inbound message's SID becomes
	 * known as inbound (so the typing indicator takes it). Resolves with the answer; throws when
	 * no URL is set or none answers.
	 */
	deliverTwilio(params: Record<string, string>, options?: DeliverTwilioOptions): Promise<DeliveryAnswer> {
		return deliverTwilio(this.twilio, this.state, params, options);
	}

	/** The files of an inbound Twilio message, while the sandbox still holds them. */
	getTwilioMedia(messageSid: string): readonly TwilioMedia[] {
		return this.state.webhooks.twilioMedia.get(messageSid) ?? [];
	}

	private storeMetaInboundMedia(media: InboundMetaMedia): void {
		this.state.media.add(
			{ mimeType: media.mimeType, fileName: media.fileName, bytes: media.bytes, phoneNumberId: media.phoneNumberId },
			{ id: media.id, downloadToken: media.downloadToken },
		);
	}

	setLatency(ms: number): void {
		this.latencyMs = Math.max(0, ms);
	}

	setFaults(faults: FaultOptions | undefined): void {
		if (faults && (faults.rate < 0 || faults.rate > 1)) throw new RangeError('fault rate must be between 0 and 1');
		this.faults = faults ? { ...faults, kinds: [...faults.kinds], ...(faults.schedule ? { schedule: [...faults.schedule] } : {}) } : undefined;
		this.scheduleIndex = 0;
		this.pendingConnectionResets = 0;
		this.random = faults?.seed !== undefined ? seededRandom(faults.seed) : Math.random;
	}

	/** The provider's throughput limit per sender (undefined: off). */
	setRateLimit(limit: RateLimitOptions | undefined): void {
		if (limit && !(limit.messagesPerSecond >= 1)) throw new RangeError('rateLimit.messagesPerSecond must be at least 1');
		this.rateLimit = limit ? { ...limit } : undefined;
	}

	/** Meta's pair rate limit per sender and person (undefined: off). */
	setPairRateLimit(limit: PairRateLimitOptions | undefined): void {
		if (limit && !(limit.messages >= 1 && limit.windowMs > 0)) throw new RangeError('pairRateLimit needs messages ≥ 1 and windowMs > 0');
		this.pairRateLimit = limit ? { ...limit } : undefined;
	}

	/** Zeroes the counters and forgets the rate limits' history (not the settings). */
	resetCounters(): void {
		Object.assign(this.counters, emptyCounters());
		this.sendTimes.clear();
		this.pairWindows.clear();
	}

	/** The busiest `spanMs` (default 1,000) of accepted messages, per sender: the most accepted in any such stretch. */
	busiestAccepted(spanMs = 1000): number {
		const bySender = new Map<string, number[]>();
		for (const { provider, from, at } of this.counters.accepted) {
			const key = `${provider}:${from}`;
			bySender.set(key, [...(bySender.get(key) ?? []), at]);
		}
		let most = 0;
		for (const times of bySender.values()) {
			for (let start = 0, end = 0; end < times.length; end++) {
				while (times[end] - times[start] >= spanMs) start++;
				most = Math.max(most, end - start + 1);
			}
		}
		return most;
	}

	private countFault(kind: FaultKind): void {
		this.counters.faults[kind] = (this.counters.faults[kind] ?? 0) + 1;
	}

	/**
	 * The control endpoint, for a sandbox in another process (`npm run sandbox`, benchmarks):
	 * GET /sandbox/counters; POST /sandbox/control with any of
	 * `{ latencyMs, faults, rateLimit, pairRateLimit, resetCounters: true, setupFaults, seedWebhooks }`
	 * (null turns a knob off).
	 */
	private async onControl(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const url = new URL(req.url ?? '/', `http://${HOST}`);
		const { body } = await readBody(req, 1024 * 1024);
		if (req.method === 'GET' && url.pathname === '/sandbox/counters') {
			send(res, { status: 200, body: { ...this.counters, busiestSecond: this.busiestAccepted() } });
			return;
		}
		if (req.method === 'POST' && url.pathname === '/sandbox/control') {
			const control = (body.length ? JSON.parse(body.toString('utf8')) : {}) as {
				latencyMs?: number;
				faults?: FaultOptions | null;
				rateLimit?: RateLimitOptions | null;
				pairRateLimit?: PairRateLimitOptions | null;
				resetCounters?: boolean;
				setupFaults?: SetupFaults | null;
				seedWebhooks?: WebhookSeed;
			};
			try {
				if (control.latencyMs !== undefined) this.setLatency(control.latencyMs);
				if (control.faults !== undefined) this.setFaults(control.faults ?? undefined);
				if (control.rateLimit !== undefined) this.setRateLimit(control.rateLimit ?? undefined);
				if (control.pairRateLimit !== undefined) this.setPairRateLimit(control.pairRateLimit ?? undefined);
				if (control.resetCounters) this.resetCounters();
				if (control.setupFaults !== undefined) this.setSetupFaults(control.setupFaults ?? undefined);
				if (control.seedWebhooks !== undefined) this.seedWebhooks(control.seedWebhooks);
			} catch (error) {
				send(res, { status: 400, body: { sandboxError: (error as Error).message } });
				return;
			}
			send(res, { status: 200, body: { ok: true } });
			return;
		}
		send(res, { status: 404, body: { sandboxError: 'Use GET /sandbox/counters or POST /sandbox/control' } });
	}

	injectResponse(match: InjectMatch, response: InjectedResponse, times = 1): void {
		if (times < 1) return;
		this.injections.push({ match, response, remaining: times });
	}

	/** Drops canned answers not used yet, so one test's leftovers cannot answer the next test. */
	clearInjections(): void {
		this.injections.length = 0;
	}

	private handlerFor(pathname: string): ProviderHandler | undefined {
		return this.handlers.find((h) => pathname === h.prefix || pathname.startsWith(`${h.prefix}/`));
	}

	private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const url = new URL(req.url ?? '/', `http://${HOST}`);
		const { body: rawBody, tooLarge } = await readBody(req, this.maxBodyBytes);
		if (url.pathname === '/chat' || url.pathname.startsWith('/chat/')) {
			// The chat page is the sandbox's own UI, not an emulated API: not recorded, no knobs.
			if (tooLarge) send(res, { status: 413, body: { error: `The body is over ${this.maxBodyBytes} bytes` } });
			else await handleChat(this.chat, this.state, req, res, url, rawBody);
			return;
		}
		if (url.pathname === '/openai' || url.pathname.startsWith('/openai/')) {
			// The model stand-in is no WhatsApp API: recorded on its own, no knobs.
			if (tooLarge) send(res, { status: 413, body: { error: { message: `The body is over ${this.maxBodyBytes} bytes`, type: 'invalid_request_error', param: null, code: null } } });
			else await this.openAi.handle(req, res, url, rawBody);
			return;
		}
		const handler = this.handlerFor(url.pathname);
		if (!handler) {
			send(res, {
				status: 404,
				body: {
					sandboxError: `No emulated API under ${url.pathname}: use /graph/... or /twilio/... (the chat page is at /chat, the OpenAI stand-in at /openai/v1)`,
				},
			});
			return;
		}

		const contentType = req.headers['content-type'] ?? '';
		let multipart: MultipartPart[] | undefined;
		let body: unknown;
		if (mediaType(contentType) === 'multipart/form-data') {
			const boundary = multipartBoundary(contentType);
			multipart = boundary ? parseMultipart(rawBody, boundary) : undefined;
			body = multipart ? summarizeMultipart(multipart) : undefined;
		} else {
			body = parseBody(rawBody, contentType);
		}
		const request: SandboxRequest = {
			method: (req.method ?? 'GET').toUpperCase(),
			path: url.pathname.slice(handler.prefix.length) || '/',
			query: queryRecord(url.searchParams),
			headers: req.headers,
			rawBody,
			body,
			contentType,
			multipart,
			baseUrl: `http://${req.headers.host ?? `${HOST}:${this.port}`}`,
		};
		const record: RecordedRequest = {
			provider: handler.provider,
			method: request.method,
			path: request.path,
			query: request.query,
			headers: { ...req.headers },
			rawBody,
			body: request.body,
			at: Date.now(),
		};
		this.record(record);

		if (tooLarge) {
			// Nothing of the body was kept; the provider answers as it does for an oversized upload.
			const reply = handler.tooLargeReply(this.maxBodyBytes);
			record.status = reply.status;
			send(res, reply);
			return;
		}

		this.counters.inFlight++;
		this.counters.peakInFlight = Math.max(this.counters.peakInFlight, this.counters.inFlight);
		res.once('close', () => this.counters.inFlight--);

		if (this.latencyMs > 0) await delay(this.latencyMs);

		const send_ = messageSend(handler.provider, request);
		let reply: SandboxReply;
		const injected = this.takeInjection(record);
		const fault = injected ? undefined : this.drawFault(send_ !== undefined);
		// A reset-before counts when its connection is reset (on accept).
		if (fault && fault !== 'reset-before') this.countFault(fault);
		if (injected) {
			record.injected = true;
			reply = { status: injected.status, body: injected.body, headers: injected.headers };
		} else if (fault === 'reset') {
			record.fault = 'reset';
			req.socket.destroy();
			return;
		} else if (fault && fault !== 'reset-before' && fault !== 'reset-after') {
			record.fault = fault;
			reply = handler.faultReply(fault, this.faults?.retryAfterSeconds ?? 1);
		} else {
			const refusal = send_ ? this.rateRefusal(handler, send_) : undefined;
			if (refusal) {
				reply = refusal;
			} else {
				const before = this.outbound.length;
				reply = await handler.handle(request);
				// Counted at acceptance, which is what the provider's limits count.
				for (const message of this.outbound.slice(before)) this.accept(message);
			}
			if (fault === 'reset-after') {
				record.fault = 'reset-after';
				req.socket.destroy();
				return;
			}
			if (fault === 'reset-before') {
				record.fault = 'reset-before';
				// This answer closes its connection, so the client opens a new one: that one is reset.
				this.pendingConnectionResets++;
				reply = { ...reply, headers: { ...reply.headers, connection: 'close' } };
			}
		}
		record.status = reply.status;
		send(res, reply);
	}

	/** A send over the throughput or pair rate limit: the provider's refusal, or undefined. */
	private rateRefusal(handler: ProviderHandler, sendInfo: { from: string; to?: string }): SandboxReply | undefined {
		const now = Date.now();
		if (this.rateLimit) {
			const times = recent(this.sendTimes.get(`${handler.provider}:${sendInfo.from}`), now, 1000);
			if (times.length >= this.rateLimit.messagesPerSecond) {
				this.counters.rateLimited++;
				return handler.faultReply('429', this.rateLimit.retryAfterSeconds ?? 1);
			}
		}
		if (this.pairRateLimit && handler.provider === 'meta' && sendInfo.to) {
			const window = this.pairWindows.get(`${sendInfo.from}>${sendInfo.to}`);
			if (window && now - window.start < this.pairRateLimit.windowMs && window.count >= this.pairRateLimit.messages) {
				this.counters.pairRateLimited++;
				return handler.faultReply('131056', 0);
			}
		}
		return undefined;
	}

	private accept(message: OutboundMessage): void {
		const now = Date.now();
		const to = message.to.replace(/^whatsapp:/, '').replace(/^\+/, '');
		this.counters.acceptedByRecipient[to] = (this.counters.acceptedByRecipient[to] ?? 0) + 1;
		this.counters.accepted.push({ provider: message.provider, from: message.from, to, at: now });
		const key = `${message.provider}:${message.from}`;
		const times = this.sendTimes.get(key) ?? [];
		times.push(now);
		// Only the last second matters to the throughput limit.
		while (times.length > 0 && now - times[0] > 1000) times.shift();
		this.sendTimes.set(key, times);
		if (this.pairRateLimit && message.provider === 'meta') {
			const pairKey = `${message.from}>${to}`;
			const window = this.pairWindows.get(pairKey);
			if (!window || now - window.start >= this.pairRateLimit.windowMs) this.pairWindows.set(pairKey, { start: now, count: 1 });
			else window.count++;
		}
	}

	private record(record: RecordedRequest): void {
		this.requests.push(record);
		this.recordedBodyBytes += record.rawBody.length;
		// A long-running sandbox (`npm start`) must not grow without bound; tests clear far sooner.
		if (this.requests.length > MAX_RECORDED_REQUESTS) {
			for (const dropped of this.requests.splice(0, this.requests.length - MAX_RECORDED_REQUESTS)) {
				this.recordedBodyBytes -= dropped.rawBody.length;
			}
		}
		// Uploads of up to 100 MB each would otherwise pile up in memory.
		for (const old of this.requests) {
			if (this.recordedBodyBytes <= MAX_RECORDED_BODY_BYTES || old === record) break;
			if (old.rawBody.length === 0) continue;
			this.recordedBodyBytes -= old.rawBody.length;
			old.rawBody = Buffer.alloc(0);
			old.rawBodyDropped = true;
		}
	}

	private takeInjection(record: RecordedRequest): InjectedResponse | undefined {
		const index = this.injections.findIndex(({ match }) => {
			if (match.provider && match.provider !== record.provider) return false;
			if (match.method && match.method.toUpperCase() !== record.method) return false;
			if (match.path) {
				// A /g regex keeps lastIndex between test() calls; reset it so matching is stateless.
				match.path.lastIndex = 0;
				if (!match.path.test(record.path)) return false;
			}
			return true;
		});
		if (index < 0) return undefined;
		const pending = this.injections[index];
		pending.remaining -= 1;
		if (pending.remaining <= 0) this.injections.splice(index, 1);
		return pending.response;
	}

	private drawFault(isSend: boolean): FaultKind | undefined {
		const faults = this.faults;
		if (faults?.schedule && isSend) return faults.schedule[this.scheduleIndex++] ?? undefined;
		if (!faults || faults.rate <= 0 || faults.kinds.length === 0) return undefined;
		if (this.random() >= faults.rate) return undefined;
		return faults.kinds[Math.floor(this.random() * faults.kinds.length)];
	}
}

function emptyCounters(): SandboxCounters {
	return { acceptedByRecipient: {}, accepted: [], inFlight: 0, peakInFlight: 0, connectionsOpened: 0, faults: {}, rateLimited: 0, pairRateLimited: 0 };
}

function recent(times: number[] | undefined, now: number, spanMs: number): number[] {
	return (times ?? []).filter((at) => now - at < spanMs);
}

/** A message send, with its sender and recipient as the provider's limits key them. */
function messageSend(provider: Provider, request: SandboxRequest): { from: string; to?: string } | undefined {
	if (request.method !== 'POST') return undefined;
	const body = (request.body ?? {}) as Record<string, unknown>;
	if (provider === 'meta') {
		const match = /^\/v[\d.]+\/([^/]+)\/messages$/.exec(request.path);
		if (!match || body.status === 'read') return undefined;
		const to = typeof body.to === 'string' ? body.to.replace(/^\+/, '') : typeof body.recipient === 'string' ? body.recipient : undefined;
		return { from: match[1], to };
	}
	if (!/\/Messages\.json$/.test(request.path)) return undefined;
	const from = typeof body.From === 'string' ? body.From : typeof body.MessagingServiceSid === 'string' ? body.MessagingServiceSid : '';
	return { from, to: typeof body.To === 'string' ? body.To.replace(/^whatsapp:/, '').replace(/^\+/, '') : undefined };
}

export async function startSandbox(options?: SandboxOptions): Promise<Sandbox> {
	const sandbox = new Sandbox(options);
	await sandbox.start();
	return sandbox;
}

/**
 * Reads the whole body, up to `limit` bytes. A larger body is read to its end (so the client
 * gets an answer rather than a broken pipe) but not kept.
 */
function readBody(req: IncomingMessage, limit: number): Promise<{ body: Buffer; tooLarge: boolean }> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		let tooLarge = false;
		req.on('data', (chunk: Buffer) => {
			if (tooLarge) return;
			size += chunk.length;
			if (size > limit) {
				tooLarge = true;
				chunks.length = 0;
				return;
			}
			chunks.push(chunk);
		});
		req.on('end', () => resolve({ body: tooLarge ? Buffer.alloc(0) : Buffer.concat(chunks, size), tooLarge }));
		req.on('error', reject);
	});
}

function queryRecord(params: URLSearchParams): Record<string, string | string[]> {
	const out: Record<string, string | string[]> = {};
	for (const [key, value] of params) {
		const existing = out[key];
		if (existing === undefined) out[key] = value;
		else if (Array.isArray(existing)) existing.push(value);
		else out[key] = [existing, value];
	}
	return out;
}

function delay(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

function send(res: ServerResponse, reply: SandboxReply): void {
	if (res.writableEnded || res.destroyed) return;
	const headers: Record<string, string> = {};
	for (const [key, value] of Object.entries(reply.headers ?? {})) {
		// The length is always computed here, so a canned answer cannot send a wrong one.
		if (key.toLowerCase() !== 'content-length') headers[key] = value;
	}
	let payload: Buffer | string = '';
	if (Buffer.isBuffer(reply.body) || typeof reply.body === 'string') {
		payload = reply.body;
	} else if (reply.body !== undefined) {
		payload = JSON.stringify(reply.body);
		if (!hasHeader(headers, 'content-type')) headers['content-type'] = 'application/json; charset=utf-8';
	}
	headers['content-length'] = String(Buffer.byteLength(payload));
	res.writeHead(reply.status, headers);
	res.end(payload);
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
	return Object.keys(headers).some((key) => key.toLowerCase() === name);
}
