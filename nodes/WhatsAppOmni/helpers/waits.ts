/**
 * Send and Wait for Response, the part the action node and the trigger share: what counts as the
 * answer to a waiting question, what the trigger hands the waiting execution, and how it reaches
 * it (n8n's resume webhook of the waiting node).
 */

import type { UnifiedEvent } from '../providers/events';
import { postToN8n } from './ownN8n';
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

export { localN8nUrl } from './ownN8n';

export type ResumeOutcome =
	/** n8n took the answer: the execution goes on with it. */
	| { resumed: true }
	/** The execution was not waiting any more (finished, deleted, or never got to wait). */
	| { resumed: false; reason: string };

/** How long an answer keeps knocking when the execution has not finished going to wait yet. */
const NOT_YET_WAITING_MS = 15_000;

type Env = Record<string, string | undefined>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Hands `body` to the execution waiting behind `resumeUrl`. An execution still on its way to
 * waiting (the person answered within a moment) answers 409 "running": that is tried again for up
 * to 15 s. n8n answers a send-and-wait URL whose execution has finished with an HTML page, not an
 * error: that, 404 and other 409s mean the execution is not waiting any more.
 */
export async function resumeWaitingExecution(resumeUrl: string, body: ResumeBody, env: Env = process.env, clock = { sleep }): Promise<ResumeOutcome> {
	const deadline = Date.now() + NOT_YET_WAITING_MS;
	for (let pause = 250; ; pause = Math.min(pause * 2, 2000)) {
		const answer = await postToN8n(resumeUrl, body, { 'content-type': 'application/json' }, env);
		if ('networkError' in answer) return { resumed: false, reason: `n8n's resume webhook could not be reached (${answer.networkError})` };
		const { status, data, contentType } = answer;
		const message = typeof data === 'object' && data !== null ? String((data as { message?: unknown }).message ?? '') : '';
		if (status === 409 && /running already/i.test(message) && Date.now() < deadline) {
			await clock.sleep(pause);
			continue;
		}
		if (status >= 200 && status < 300) return contentType.includes('text/html') ? { resumed: false, reason: 'the execution is no longer waiting' } : { resumed: true };
		return { resumed: false, reason: message || `n8n answered HTTP ${status}` };
	}
}
