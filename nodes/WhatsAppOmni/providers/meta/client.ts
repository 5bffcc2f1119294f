import axios, { AxiosError, type AxiosAdapter, type AxiosInstance, type InternalAxiosRequestConfig } from 'axios';
import { Readable } from 'node:stream';

import { callProvider, keepAliveAgents } from '../../helpers/retryPolicy';
import { ClientCache } from '../clientCache';
import { ProviderError } from '../ProviderError';
import type { MetaCredentials } from '../types';
import { toMetaError } from './errors';

export const DEFAULT_GRAPH_BASE_URL = 'https://graph.facebook.com';
export const DEFAULT_GRAPH_API_VERSION = 'v24.0';

export const REQUEST_TIMEOUT_MS = 30_000;

const cache = new ClientCache<AxiosInstance>();

export function graphBaseUrl(credentials: MetaCredentials): string {
	const base = (credentials.baseUrl?.trim() || DEFAULT_GRAPH_BASE_URL).replace(/\/+$/, '');
	const version = credentials.graphApiVersion?.trim() || DEFAULT_GRAPH_API_VERSION;
	return `${base}/${version}`;
}

/** The recipient of a `POST /{phone-number-id}/messages` that sends a message (not a read receipt). */
function messageRecipient(config: InternalAxiosRequestConfig): { recipient?: string } | undefined {
	if (config.method?.toUpperCase() !== 'POST' || !/\/messages$/.test(config.url ?? '')) return undefined;
	let body: { to?: unknown; recipient?: unknown; status?: unknown } = {};
	try {
		body = typeof config.data === 'string' ? JSON.parse(config.data) : ((config.data ?? {}) as typeof body);
	} catch {
		// Not JSON: still a message for the sender's rate.
	}
	if (body.status === 'read') return undefined;
	const to = body.to ?? body.recipient;
	return { recipient: typeof to === 'string' ? to.replace(/^\+/, '') : undefined };
}

/**
 * Inside the adapter an error's body is still the raw text (axios parses it afterwards), and the
 * retry decision needs Meta's code (131056 is HTTP 400): a copy with the JSON parsed.
 */
function withParsedBody(error: unknown): unknown {
	if (!(error instanceof AxiosError) || typeof error.response?.data !== 'string') return error;
	try {
		const data: unknown = JSON.parse(error.response.data);
		return new AxiosError(error.message, error.code, error.config, error.request, { ...error.response, data });
	} catch {
		return error;
	}
}

/**
 * axios's own transport behind the delivery policy: every Graph call waits for the send rate
 * (messages), is retried when that is safe, and uses the execution's keep-alive pool.
 */
function policyAdapter(credentials: MetaCredentials, host: string): AxiosAdapter {
	const transport = axios.getAdapter(axios.defaults.adapter);
	const sender = credentials.phoneNumberId?.trim() ?? '';
	return async (config) => {
		const agents = keepAliveAgents();
		config.httpAgent = agents.http;
		config.httpsAgent = agents.https;
		return await callProvider(
			{
				provider: 'meta',
				sender,
				method: config.method ?? 'GET',
				message: messageRecipient(config),
				streamBody: config.data instanceof Readable,
			},
			() => transport(config),
			(error) => {
				const failure = toMetaError(withParsedBody(error), host);
				return failure instanceof ProviderError ? failure : undefined;
			},
		);
	};
}

export function getGraphClient(credentials: MetaCredentials): AxiosInstance {
	return cache.get(credentials, () =>
		axios.create({
			baseURL: graphBaseUrl(credentials),
			timeout: REQUEST_TIMEOUT_MS,
			adapter: policyAdapter(credentials, new URL(graphBaseUrl(credentials)).host),
			headers: {
				Authorization: `Bearer ${credentials.accessToken}`,
				'User-Agent': 'n8n-nodes-whatsapp-omni',
			},
			// Redirects are never expected from the Graph API; following one could send the token elsewhere.
			maxRedirects: 0,
		}),
	);
}

export function clearGraphClients() {
	cache.clear();
}
