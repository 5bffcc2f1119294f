// HTTP routes of the chat page, under /chat:
//   GET  /chat                       the page (HTML)
//   GET  /chat/assets/<file>         chat.css, chat.js, sample.png (the photo the image button sends)
//   GET  /chat/api/state             both conversations and the page's settings (ChatSnapshot)
//   GET  /chat/api/events            Server-Sent Events (?client=<id>&view=meta|twilio)
//   POST /chat/api/view              {client, view}: the conversation a page shows (null: none)
//   POST /chat/api/send              a ChatAction: answers {message, delivery}
//   POST /chat/api/clear             {provider?}: forgets a conversation (both without one)
//   POST /chat/api/user              {phoneHidden}: hides the user's number behind the username, or shows it
//   POST /chat/api/identity          {userId?}: the user's BSUID changes (Meta user_changed_user_id)
//   GET  /chat/api/media/meta/<id>                    a file in the Graph media store
//   GET  /chat/api/media/twilio/<message>/<media>     a file of an inbound Twilio message
// Requests must name a loopback host (no DNS rebinding) and POSTs must be JSON from the page's
// own origin, so no other web page can make the sandbox send webhooks.

import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';

import { ChatInputError } from './chat';
import type { Chat } from './chat';
import { samplePhoto } from './chatImage';
import type { SandboxState } from './state';
import type { Provider } from './types';
import { isPlainObject, mediaType } from './util';

const PAGE_DIR = join(__dirname, 'chatPage');

const ASSETS: Record<string, { file: string; type: string }> = {
	'chat.css': { file: 'chat.css', type: 'text/css; charset=utf-8' },
	'chat.js': { file: 'chat.js', type: 'text/javascript; charset=utf-8' },
};

const LOOPBACK_HOST = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?$/i;

interface Reply {
	status: number;
	type?: string;
	body?: string | Buffer;
	json?: unknown;
	headers?: Record<string, string>;
}

function sendReply(res: ServerResponse, reply: Reply): void {
	if (res.writableEnded || res.destroyed) return;
	const body = reply.json !== undefined ? JSON.stringify(reply.json) : (reply.body ?? '');
	res.writeHead(reply.status, {
		'content-type': reply.json !== undefined ? 'application/json; charset=utf-8' : (reply.type ?? 'text/plain; charset=utf-8'),
		'content-length': String(Buffer.byteLength(body)),
		'cache-control': 'no-store',
		'x-content-type-options': 'nosniff',
		...reply.headers,
	});
	res.end(body);
}

function error(status: number, message: string): Reply {
	return { status, json: { error: message } };
}

function readPage(file: string): string {
	return readFileSync(join(PAGE_DIR, file), 'utf8');
}

function viewOf(value: unknown): Provider | null | undefined {
	if (value === 'meta' || value === 'twilio') return value;
	if (value === null || value === undefined || value === '' || value === 'none') return null;
	return undefined;
}

/** Whether the request may use the chat: a loopback Host, and an Origin (if any) of that host. */
function allowed(req: IncomingMessage): string | undefined {
	const host = req.headers.host ?? '';
	if (!LOOPBACK_HOST.test(host)) return `The chat answers on a loopback address only, not '${host}'`;
	const origin = req.headers.origin;
	if (origin !== undefined && origin !== 'null') {
		let originHost = '';
		try {
			originHost = new URL(origin).host;
		} catch {
			originHost = '';
		}
		if (originHost.toLowerCase() !== host.toLowerCase()) return `Requests from ${origin} are not allowed`;
	}
	return undefined;
}

export async function handleChat(chat: Chat, state: SandboxState, req: IncomingMessage, res: ServerResponse, url: URL, rawBody: Buffer): Promise<void> {
	const refused = allowed(req);
	if (refused) {
		sendReply(res, error(403, refused));
		return;
	}
	const method = (req.method ?? 'GET').toUpperCase();
	const path = url.pathname.replace(/\/+$/, '') || '/';

	if (method === 'GET' && path === '/chat') {
		sendReply(res, { status: 200, type: 'text/html; charset=utf-8', body: readPage('index.html') });
		return;
	}
	const asset = /^\/chat\/assets\/([^/]+)$/.exec(path);
	if (method === 'GET' && asset) {
		if (asset[1] === 'sample.png') {
			sendReply(res, { status: 200, type: 'image/png', body: samplePhoto() });
			return;
		}
		const known = Object.hasOwn(ASSETS, asset[1]) ? ASSETS[asset[1]] : undefined;
		sendReply(res, known ? { status: 200, type: known.type, body: readPage(known.file) } : error(404, `No asset ${asset[1]}`));
		return;
	}
	if (!path.startsWith('/chat/api/')) {
		sendReply(res, error(404, `Nothing at ${path}: the chat page is at /chat`));
		return;
	}

	const route = path.slice('/chat/api'.length);
	if (method === 'GET') {
		if (route === '/state') {
			sendReply(res, { status: 200, json: chat.snapshot() });
			return;
		}
		if (route === '/events') {
			const view = viewOf(url.searchParams.get('view'));
			chat.openStream(res, url.searchParams.get('client') ?? '', view ?? null);
			return;
		}
		const metaMedia = /^\/media\/meta\/(\d+)$/.exec(route);
		if (metaMedia) {
			const media = state.media.get(metaMedia[1]);
			sendReply(res, media ? { status: 200, type: media.mimeType, body: media.bytes } : error(404, `No media ${metaMedia[1]} in the Graph media store`));
			return;
		}
		const twilioMedia = /^\/media\/twilio\/([A-Za-z0-9]+)\/([A-Za-z0-9]+)$/.exec(route);
		if (twilioMedia) {
			const media = state.webhooks.findTwilioMedia(twilioMedia[1], twilioMedia[2]);
			sendReply(res, media ? { status: 200, type: media.contentType, body: media.bytes } : error(404, `No media ${twilioMedia[2]} of message ${twilioMedia[1]}`));
			return;
		}
		sendReply(res, error(404, `No chat API GET ${route}`));
		return;
	}
	if (method !== 'POST') {
		sendReply(res, { ...error(405, `${method} is not allowed here`), headers: { allow: 'GET, POST' } });
		return;
	}
	// JSON only: a form or text/plain POST from another site would not need a CORS preflight.
	if (mediaType(req.headers['content-type']) !== 'application/json') {
		sendReply(res, error(415, 'Send JSON (Content-Type: application/json)'));
		return;
	}
	let body: unknown;
	try {
		body = rawBody.length === 0 ? {} : JSON.parse(rawBody.toString('utf8'));
	} catch {
		sendReply(res, error(400, 'The body is not JSON'));
		return;
	}
	try {
		if (route === '/send') {
			sendReply(res, { status: 200, json: await chat.send(body) });
			return;
		}
		if (route === '/view') {
			const input = isPlainObject(body) ? body : {};
			const view = viewOf(input.view);
			if (view === undefined || typeof input.client !== 'string') throw new ChatInputError("Give 'client' (the id the event stream was opened with) and 'view' (meta, twilio or null)");
			sendReply(res, { status: 200, json: { streams: chat.setView(input.client, view) } });
			return;
		}
		if (route === '/user') {
			const input = isPlainObject(body) ? body : {};
			if (typeof input.phoneHidden !== 'boolean') throw new ChatInputError("'phoneHidden' must be true or false");
			sendReply(res, { status: 200, json: { user: chat.setPhoneHidden(input.phoneHidden) } });
			return;
		}
		if (route === '/identity') {
			const input = isPlainObject(body) ? body : {};
			if (input.userId !== undefined && typeof input.userId !== 'string') throw new ChatInputError("'userId' must be a string, or absent for a made-up one");
			sendReply(res, { status: 200, json: await chat.changeUserId(input.userId) });
			return;
		}
		if (route === '/clear') {
			const input = isPlainObject(body) ? body : {};
			const provider = viewOf(input.provider);
			if (provider === undefined) throw new ChatInputError("'provider' must be meta, twilio or absent");
			chat.clear(provider ?? undefined);
			sendReply(res, { status: 200, json: { cleared: provider ?? 'all' } });
			return;
		}
		sendReply(res, error(404, `No chat API POST ${route}`));
	} catch (caught) {
		if (caught instanceof ChatInputError) {
			sendReply(res, error(400, caught.message));
			return;
		}
		throw caught;
	}
}
