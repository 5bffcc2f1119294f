import { AsyncLocalStorage } from 'node:async_hooks';
import http from 'node:http';
import twilio from 'twilio';

import { ClientCache } from '../clientCache';
import { networkError } from '../ProviderError';
import type { TwilioCredentials } from '../types';
import { toTwilioError } from './errors';

export type TwilioClient = ReturnType<typeof twilio>;
type RequestOptions<TData> = Parameters<InstanceType<typeof twilio.RequestClient>['request']>[0] & {
	data?: TData;
};

const REQUEST_TIMEOUT_MS = 30_000;

const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 50 });

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
 * The SDK's own HTTP client, with three changes: the base URL override, errors turned into
 * ProviderErrors (with Retry-After, which the SDK's RestException drops), and the raw body kept.
 */
class OmniRequestClient extends twilio.RequestClient {
	constructor(private readonly baseUrl: string | undefined) {
		super({ keepAlive: true, timeout: REQUEST_TIMEOUT_MS, autoRetry: false });
		// The SDK only pools https connections; a plain-http base URL (gateway, sandbox) pools too.
		this.axios.defaults.httpAgent = httpAgent;
		// The keep-alive agent sends `Connection: keep-alive` itself; the SDK's explicit copy of
		// that header adds nothing on the wire and stalls request interceptors such as nock's.
		this.axios.interceptors.request.use((config) => {
			config.headers.delete('Connection');
			return config;
		});
	}

	async request<TData>(opts: RequestOptions<TData>) {
		const uri = this.baseUrl ? rewriteTwilioUrl(opts.uri, this.baseUrl) : opts.uri;
		let response;
		try {
			response = await super.request<TData>({ ...opts, uri });
		} catch (error) {
			throw networkError('twilio', (error as NodeJS.ErrnoException)?.code, new URL(uri).host);
		}
		if (response.statusCode >= 400) {
			throw toTwilioError(response.statusCode, response.body, response.headers);
		}
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
			httpClient: new OmniRequestClient(credentials.baseUrl?.trim() || undefined),
			// The SDK's debug log prints request details; never let an environment variable turn it on here.
			logLevel: 'info',
			env: {},
		});
	});
}

export function clearTwilioClients() {
	cache.clear();
}
