import axios, { type AxiosInstance } from 'axios';
import http from 'node:http';
import https from 'node:https';

import { ClientCache } from '../clientCache';
import type { MetaCredentials } from '../types';

export const DEFAULT_GRAPH_BASE_URL = 'https://graph.facebook.com';
export const DEFAULT_GRAPH_API_VERSION = 'v24.0';

export const REQUEST_TIMEOUT_MS = 30_000;

// Shared by every credential: keep-alive pools are per host anyway.
const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 50 });
const httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 50 });

const cache = new ClientCache<AxiosInstance>();

export function graphBaseUrl(credentials: MetaCredentials): string {
	const base = (credentials.baseUrl?.trim() || DEFAULT_GRAPH_BASE_URL).replace(/\/+$/, '');
	const version = credentials.graphApiVersion?.trim() || DEFAULT_GRAPH_API_VERSION;
	return `${base}/${version}`;
}

export function getGraphClient(credentials: MetaCredentials): AxiosInstance {
	return cache.get(credentials, () =>
		axios.create({
			baseURL: graphBaseUrl(credentials),
			timeout: REQUEST_TIMEOUT_MS,
			httpAgent,
			httpsAgent,
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
