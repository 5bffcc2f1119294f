/**
 * The trigger's part of Send and Wait for Response: a message from a contact whom an execution is
 * waiting for is handed to that execution (through n8n's resume webhook) instead of starting the
 * trigger's workflow. Of every trigger and process that receives the message, exactly one hands it
 * over (a claim in the store); the wait ends exactly once (endWait).
 */
import { conversationStore, eventScope } from '../helpers/conversationStore';
import { parseRecipient } from '../helpers/recipient';
import { answerTo, canAnswer, resumeWaitingExecution, type ResumeBody, type ResumeOutcome } from '../helpers/waits';
import type { UnifiedEvent } from '../providers/events';
import type { WhatsAppProvider } from '../providers/types';
import type { ConversationStore, StoreScope, Wait } from '../store/types';
import { dedupeKey } from './dedupeKey';
import { contactRef, withTimeout, type StoredEvent } from './record';

/** How long the hand-over claim of one message is kept: longer than any provider's redelivery. */
const ANSWER_CLAIM_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export interface AnswerHandling {
	/** Resumes a waiting execution; tests replace it. */
	resume?: (wait: Wait, body: ResumeBody) => Promise<ResumeOutcome>;
}


const claimKey = (scope: StoreScope, event: UnifiedEvent) => `${scope.provider}:${scope.business}:${dedupeKey(event)}`;

/**
 * What happened to one message: `emit` it to this workflow (no wait, the wait already ended, or the
 * store failed), or it was `handled` (handed over, or a reminder was sent and the wait goes on).
 */
async function handOver(
	stored: StoredEvent,
	store: ConversationStore,
	provider: WhatsAppProvider,
	{ resume = (wait, body) => resumeWaitingExecution(wait.resumeUrl, body) }: AnswerHandling,
): Promise<StoredEvent | undefined> {
	const { event } = stored;
	const scope = eventScope(event);
	const contact = contactRef(event.contact);
	if (event.event !== 'message' || !scope || !contact) return stored;
	const wait = await withTimeout(store.findWait(scope, contact));
	// A reaction, edit or deletion while a question waits is an ordinary event, not a wrong answer.
	if (!wait || !canAnswer(event)) return stored;
	const answer = answerTo(wait, event);
	// One trigger (of all workflows and processes that got this message) deals with it.
	if (!(await withTimeout(store.claimEvent('wait-answer', claimKey(scope, event), ANSWER_CLAIM_TTL_MS)))) return undefined;
	if (!answer) {
		// Not one of the choices: the question still waits. A reminder, if one is set, from the
		// business number the message came to (best effort: the wait goes on either way).
		const to = event.contact.id;
		if (wait.reprompt && to) {
			await provider.sendMessage({ to: parseRecipient(to), content: { type: 'text', text: wait.reprompt } }).catch(() => undefined);
		}
		return undefined;
	}
	const ended = await withTimeout(store.endWait(scope, contact, wait.id));
	if (!ended) return stored;
	const outcome = await resume(ended, {
		outcome: 'answer',
		questionMessageId: ended.questionMessageId,
		startedAt: ended.startedAt,
		answer,
		event,
		...(ended.approval ? { approval: true } : {}),
	});
	// The execution was no longer waiting (stopped, deleted): the message is an ordinary one.
	return outcome.resumed ? undefined : stored;
}

/**
 * Hands the answers among `selected` to the executions waiting for them and returns the events
 * left for this workflow, in order. When the store fails, the events are emitted as usual.
 */
export async function handAnswers(selected: StoredEvent[], provider: WhatsAppProvider, handling: AnswerHandling = {}): Promise<StoredEvent[]> {
	if (!selected.some(({ event }) => event.event === 'message')) return selected;
	let store: ConversationStore;
	try {
		store = await withTimeout(conversationStore());
	} catch {
		return selected;
	}
	// One contact's messages in order (a question's answer, then what they wrote next), contacts side by side.
	const byContact = new Map<string, number[]>();
	selected.forEach(({ event }, index) => {
		const key = event.contact.id ?? `#${index}`;
		byContact.set(key, [...(byContact.get(key) ?? []), index]);
	});
	const results: Array<StoredEvent | undefined> = [...selected];
	await Promise.all(
		[...byContact.values()].map(async (indexes) => {
			for (const index of indexes) {
				results[index] = await handOver(selected[index], store, provider, handling).catch(() => selected[index]);
			}
		}),
	);
	return results.filter((result): result is StoredEvent => result !== undefined);
}
