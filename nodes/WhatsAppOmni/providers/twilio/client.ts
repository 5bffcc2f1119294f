import { AsyncLocalStorage } from 'node:async_hooks';
import twilio from 'twilio';

import { callProvider, keepAliveAgents } from '../../helpers/retryPolicy';
import { ClientCache } from '../clientCache';
import { networkError, ProviderError, requestWritten } from '../ProviderError';
import type { TwilioCredentials } from '../types';
import { toTwilioError } from './errors';

export type TwilioClient = ReturnType<typeof twilio>;
type RequestOptions<TData> = Parameters<InstanceType<typeof twilio.RequestClient>['request']>[0] & {
	data?: TData;
};

const REQUEST_TIMEOUT_MS = 30_000;

/**
 * `https://<product>[.<edge>.<region>].twilio.com/<path>` → `<base>/<product>/<path>`, so one
 * gateway or the sandbox can stand in for every Twilio host.
 */
export function rewriteTwilioUrl(uri: string, baseUrl: string): string {
	const url = new URL(uri);
	// Paging URLs an emulator or gateway hands back may already point at it.
	if (!/(^|\.)twilio\.com$/.test(url.hostname)) return uri;
	const product = url.hostname.split('.')[0];
	return `${baseUrl.replace(/\/+$/, '')}/${product}${url.pathname}${url.search}`;
}

/** The wire body of the last answer, per call chain: the SDK hands back models, not bodies. */
const responseCapture = new AsyncLocalStorage<{ body?: unknown }>();

export async function withRawResponse<T>(call: () => Promise<T>): Promise<{ result: T; raw: unknown }> {
	const store: { body?: unknown } = {};
	const result = await responseCapture.run(store, call);
	return { result, raw: store.body };
}

/**
 * A message send (`POST …/Messages.json`) counts against the sender's rate. No recipient is given:
 * Twilio documents no per-person limit and queues messages itself, so nothing is paced per person.
 */
function messageSend(method: string, uri: string): { recipient?: string } | undefined {
	return method.toUpperCase() === 'POST' && /\/Messages\.json$/.test(new URL(uri).pathname) ? {} : undefined;
}

/**
 * The SDK's own HTTP client, with these changes: the base URL override, errors turned into
 * ProviderErrors (with Retry-After, which the SDK's RestException drops), the raw body kept, and
 * every request under the delivery policy (send rate, retries, the execution's keep-alive pool;
 * the SDK's own retries stay off).
 */
class OmniRequestClient extends twilio.RequestClient {
	constructor(
		private readonly baseUrl: string | undefined,
		private readonly sender: string,
	) {
		super({ keepAlive: true, timeout: REQUEST_TIMEOUT_MS, autoRetry: false });
		this.axios.interceptors.request.use((config) => {
			// One pool for both schemes (the SDK only pools https), sized by the execution.
			const agents = keepAliveAgents();
			config.httpAgent = agents.http;
			config.httpsAgent = agents.https;
			// The keep-alive agent sends `Connection: keep-alive` itself; the SDK's explicit copy of
			// that header adds nothing on the wire and stalls request interceptors such as nock's.
			config.headers.delete('Connection');
			return config;
		});
	}

	async request<TData>(opts: RequestOptions<TData>) {
		const uri = this.baseUrl ? rewriteTwilioUrl(opts.uri, this.baseUrl) : opts.uri;
		const method = String(opts.method ?? 'GET');
		const data = (opts as { data?: { From?: unknown; MessagingServiceSid?: unknown } }).data;
		const from = typeof data?.From === 'string' ? data.From : typeof data?.MessagingServiceSid === 'string' ? data.MessagingServiceSid : this.sender;
		const response = await callProvider(
			{ provider: 'twilio', sender: from, method, message: messageSend(method, uri) },
			async () => {
				let answer;
				try {
					answer = await super.request<TData>({ ...opts, uri });
				} catch (error) {
					throw networkError('twilio', (error as NodeJS.ErrnoException)?.code, new URL(uri).host, requestWritten(error));
				}
				if (answer.statusCode >= 400) {
					throw toTwilioError(answer.statusCode, answer.body, answer.headers);
				}
				return answer;
			},
			(error) => (error instanceof ProviderError ? error : undefined),
		);
		const store = responseCapture.getStore();
		if (store) store.body = response.body;
		return response;
	}
}

/** The basic-auth pair: the API key when the credential uses one, else the Account SID and Auth Token. */
export function twilioAuth(credentials: TwilioCredentials): { username?: string; password?: string } {
	const useApiKey = credentials.authType === 'apiKey';
	return {
		username: (useApiKey ? credentials.apiKeySid : credentials.accountSid)?.trim(),
		password: (useApiKey ? credentials.apiKeySecret : credentials.authToken)?.trim(),
	};
}

const cache = new ClientCache<TwilioClient>();

export function getTwilioClient(credentials: TwilioCredentials): TwilioClient {
	return cache.get(credentials, () => {
		const { username, password } = twilioAuth(credentials);
		return twilio(username, password, {
			accountSid: credentials.accountSid.trim(),
			region: credentials.region?.trim() || undefined,
			edge: credentials.edge?.trim() || undefined,
			httpClient: new OmniRequestClient(credentials.baseUrl?.trim() || undefined, credentials.accountSid.trim()),
			// The SDK's debug log prints request details; never let an environment variable turn it on here.
			logLevel: 'info',
			env: {},
		});
	});
}

export function clearTwilioClients() {
	cache.clear();
}
