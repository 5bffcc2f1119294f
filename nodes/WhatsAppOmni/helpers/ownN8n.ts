/**
 * Calls to this n8n's own webhooks (a waiting execution's resume URL, another trigger's URL),
 * made from the trigger, which runs in a process that serves n8n's webhooks (main or a webhook
 * process). The process's own port is tried first: the public URL (WEBHOOK_URL) may not be
 * reachable from the server itself; it stays the fallback.
 */
import axios from 'axios';

type Env = Record<string, string | undefined>;

const REQUEST_TIMEOUT_MS = 10_000;

/** `publicUrl` through this n8n process's own port (N8N_PORT), or undefined when n8n serves HTTPS. */
export function localN8nUrl(publicUrl: string, env: Env = process.env): string | undefined {
	if ((env.N8N_PROTOCOL ?? 'http') !== 'http' || !URL.canParse(publicUrl)) return undefined;
	const url = new URL(publicUrl);
	const port = Number(env.N8N_PORT ?? 5678);
	if (!Number.isInteger(port) || port <= 0) return undefined;
	const listen = env.N8N_LISTEN_ADDRESS;
	const host = !listen || listen === '0.0.0.0' || listen === '::' ? '127.0.0.1' : listen.includes(':') ? `[${listen}]` : listen;
	return `http://${host}:${port}${url.pathname}${url.search}`;
}

export type N8nAnswer = { status: number; contentType: string; data: unknown } | { networkError: string };

/**
 * POSTs `body` (an object goes as JSON, a Buffer as it is) to `publicUrl`, through the own port
 * first. The public URL is tried when the own port cannot be reached, or answers 404 (a path
 * prefix a proxy adds).
 */
export async function postToN8n(publicUrl: string, body: unknown, headers: Record<string, string>, env: Env = process.env): Promise<N8nAnswer> {
	const local = localN8nUrl(publicUrl, env);
	const urls = local && local !== publicUrl ? [local, publicUrl] : [publicUrl];
	let answer: N8nAnswer = { networkError: 'not tried' };
	for (const url of urls) {
		try {
			const response = await axios.post(url, body, { headers, timeout: REQUEST_TIMEOUT_MS, validateStatus: () => true, maxRedirects: 0 });
			answer = { status: response.status, contentType: String(response.headers['content-type'] ?? ''), data: response.data };
			if (response.status !== 404 || url === publicUrl) return answer;
		} catch (error) {
			answer = { networkError: (error as Error).message };
		}
	}
	return answer;
}
