/**
 * Send and Wait for Response, the part the action node and the trigger share: what counts as the
 * answer to a waiting question, what the trigger hands the waiting execution, and how it reaches
 * it (n8n's resume webhook of the waiting node).
 */
import axios from 'axios';

import type { UnifiedEvent } from '../providers/events';
import type { Wait, WaitChoice } from '../store/types';

/** The approval preset's choices: their IDs are what `approved` is read from. */
export const APPROVE_ID = 'approve';
export const DECLINE_ID = 'decline';

/** What the contact answered: the tapped choice, or the text they wrote. */
export interface WaitAnswer {
	/** The tapped button's or list row's ID (or the choice whose title they typed). */
	id?: string;
	title?: string;
	/** The message's text, when it has one. */
	text?: string;
}

/** The body the trigger POSTs to the waiting node's resume URL. */
export type ResumeBody =
	| { outcome: 'answer'; questionMessageId: string; startedAt: string; answer: WaitAnswer; event: UnifiedEvent; approval?: boolean }
	| { outcome: 'superseded'; questionMessageId: string; startedAt: string; supersededBy: { executionId: string; questionMessageId: string } };

/** Messages that never answer a question: reactions, deletions, edits, system notices. */
const NOT_AN_ANSWER = new Set(['reaction', 'system', 'unsupported', 'edit', 'revoke', 'request_welcome']);

/** Whether the event is a message that could answer a question at all (a reaction never does). */
export function canAnswer(event: UnifiedEvent): boolean {
	const message = event.message;
	return event.event === 'message' && !!message && !NOT_AN_ANSWER.has(message.type) && !message.revoke && !message.edit;
}

const normalise = (text: string) => text.trim().toLocaleLowerCase();

/**
 * The answer `event` gives to `wait`, or undefined when it is none: a message from someone else
 * is not looked at here (the store finds the wait by the contact), but with Accept "choices" only
 * a tap on one of the offered choices counts, or a message whose whole text is a choice's title
 * (people type "Yes" as often as they tap it).
 */
export function answerTo(wait: Pick<Wait, 'accept' | 'choices'>, event: UnifiedEvent): WaitAnswer | undefined {
	const message = event.message;
	if (!canAnswer(event) || !message) return undefined;
	const text = message.text ?? message.media?.caption;
	const replied = message.reply?.id;
	let choice: WaitChoice | undefined = replied !== undefined ? wait.choices.find((option) => option.id === replied) : undefined;
	if (!choice && text !== undefined) choice = wait.choices.find((option) => normalise(option.title) === normalise(text));
	if (choice) return { id: choice.id, title: choice.title, ...(text !== undefined ? { text } : {}) };
	if (wait.accept === 'choices') return undefined;
	if (message.reply) return { id: message.reply.id, title: message.reply.title, ...(text !== undefined ? { text } : {}) };
	return text !== undefined ? { text } : {};
}

export type ResumeOutcome =
	/** n8n took the answer: the execution goes on with it. */
	| { resumed: true }
	/** The execution was not waiting any more (finished, deleted, or never got to wait). */
	| { resumed: false; reason: string };

/** How long an answer keeps knocking when the execution has not finished going to wait yet. */
const NOT_YET_WAITING_MS = 15_000;
const REQUEST_TIMEOUT_MS = 10_000;

type Env = Record<string, string | undefined>;

/**
 * An n8n webhook URL (a resume URL, another trigger's URL) through this n8n process's own port:
 * the trigger runs in a process that serves n8n's webhooks (main or webhook process), which serves
 * every production and waiting webhook. The public URL (WEBHOOK_URL) may not be reachable from
 * the server itself; it stays the fallback.
 */
export function localN8nUrl(publicUrl: string, env: Env = process.env): string | undefined {
	if ((env.N8N_PROTOCOL ?? 'http') !== 'http' || !URL.canParse(publicUrl)) return undefined;
	const url = new URL(publicUrl);
	const port = Number(env.N8N_PORT ?? 5678);
	if (!Number.isInteger(port) || port <= 0) return undefined;
	const listen = env.N8N_LISTEN_ADDRESS;
	const host = !listen || listen === '0.0.0.0' || listen === '::' ? '127.0.0.1' : listen.includes(':') ? `[${listen}]` : listen;
	return `http://${host}:${port}${url.pathname}${url.search}`;
}

interface Attempt {
	status?: number;
	contentType?: string;
	data?: unknown;
	networkError?: string;
}

async function post(url: string, body: ResumeBody): Promise<Attempt> {
	try {
		const response = await axios.post(url, body, {
			timeout: REQUEST_TIMEOUT_MS,
			validateStatus: () => true,
			maxRedirects: 0,
			headers: { 'content-type': 'application/json' },
		});
		return { status: response.status, contentType: String(response.headers['content-type'] ?? ''), data: response.data };
	} catch (error) {
		return { networkError: (error as Error).message };
	}
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Hands `body` to the execution waiting behind `resumeUrl`. An execution still on its way to
 * waiting (the person answered within a moment) answers 409 "running": that is tried again for up
 * to 15 s. n8n answers a send-and-wait URL whose execution has finished with an HTML page, not an
 * error: that, 404 and other 409s mean the execution is not waiting any more.
 */
export async function resumeWaitingExecution(resumeUrl: string, body: ResumeBody, env: Env = process.env, clock = { sleep }): Promise<ResumeOutcome> {
	const urls = [localN8nUrl(resumeUrl, env), resumeUrl].filter((url): url is string => url !== undefined);
	const deadline = Date.now() + NOT_YET_WAITING_MS;
	let last = '';
	for (const url of [...new Set(urls)]) {
		for (let pause = 250; ; pause = Math.min(pause * 2, 2000)) {
			const attempt = await post(url, body);
			if (attempt.networkError !== undefined) {
				last = attempt.networkError;
				break; // the next URL
			}
			const { status = 0 } = attempt;
			const message = typeof attempt.data === 'object' && attempt.data !== null ? String((attempt.data as { message?: unknown }).message ?? '') : '';
			if (status === 409 && /running already/i.test(message) && Date.now() < deadline) {
				await clock.sleep(pause);
				continue;
			}
			if (status >= 200 && status < 300 && !attempt.contentType?.includes('text/html')) return { resumed: true };
			if (status >= 200 && status < 300) return { resumed: false, reason: 'the execution is no longer waiting' };
			if (status === 404 && url !== resumeUrl) {
				last = 'not found through this process’s port';
				break; // a path prefix a proxy adds: try the public URL
			}
			return { resumed: false, reason: message || `n8n answered HTTP ${status}` };
		}
	}
	return { resumed: false, reason: `n8n's resume webhook could not be reached (${last})` };
}
