/**
 * The trigger's part of Send and Wait for Response (trigger/answers.ts): a message from a contact
 * an execution waits for is handed to that execution instead of the trigger's workflow, exactly
 * once across every trigger that receives it; anything else goes on to the workflow, in order.
 */
import { useConversationStore } from '../../nodes/WhatsAppOmni/helpers/conversationStore';
import type { ResumeBody, ResumeOutcome } from '../../nodes/WhatsAppOmni/helpers/waits';
import type { InboundMessage, UnifiedEvent } from '../../nodes/WhatsAppOmni/providers/events';
import type { WhatsAppProvider } from '../../nodes/WhatsAppOmni/providers/types';
import { closeAllStores } from '../../nodes/WhatsAppOmni/store';
import type { ConversationStore, StoreScope, Wait } from '../../nodes/WhatsAppOmni/store/types';
import { handAnswers } from '../../nodes/WhatsAppOmni/trigger/answers';
import type { StoredEvent } from '../../nodes/WhatsAppOmni/trigger/record';
import { useFreshStore, useStore } from '../storeHelpers';

const META: StoreScope = { provider: 'meta', business: '106540352242922' };
const ALICE = '+16505551234';
const BOB = '+16505559876';

const WAIT: Wait = {
	id: '5/node-1',
	executionId: '5',
	resumeUrl: 'http://127.0.0.1:1/webhook-waiting/5/node-1?signature=abc123',
	questionMessageId: 'wamid.question',
	accept: 'choices',
	choices: [
		{ id: 'approve', title: '✓ Approve' },
		{ id: 'decline', title: '✗ Decline' },
	],
	reprompt: 'Please tap one of the buttons.',
	startedAt: '2025-06-08T20:59:00.000Z',
};

let eventCount = 0;
function inbound(message: InboundMessage, phoneNumber = ALICE, extra: Partial<UnifiedEvent> = {}): StoredEvent {
	return {
		event: {
			event: 'message',
			provider: 'meta',
			id: `wamid.answers.${++eventCount}`,
			timestamp: new Date(Date.UTC(2025, 5, 8, 21, 0, eventCount)).toISOString(),
			business: { phoneNumberId: META.business },
			contact: { id: phoneNumber, phoneNumber },
			message,
			raw: {},
			...extra,
		},
	};
}
const tap = (id: string, title: string, phoneNumber = ALICE) => inbound({ type: 'button', reply: { id, title } }, phoneNumber);
const text = (body: string, phoneNumber = ALICE) => inbound({ type: 'text', text: body }, phoneNumber);
function statusOf(messageId: string): StoredEvent {
	return {
		event: {
			event: 'status',
			provider: 'meta',
			id: messageId,
			timestamp: '2025-06-08T21:00:30.000Z',
			business: { phoneNumberId: META.business },
			contact: { id: ALICE, phoneNumber: ALICE },
			status: { status: 'read', recipient: ALICE },
			raw: {},
		},
	};
}

let store: ConversationStore;
let sendMessage: jest.Mock;
let provider: WhatsAppProvider;
let resume: jest.Mock<Promise<ResumeOutcome>, [Wait, ResumeBody]>;

beforeEach(async () => {
	store = await useFreshStore();
	sendMessage = jest.fn(async () => ({ messageId: 'wamid.reminder' }));
	provider = { sendMessage } as unknown as WhatsAppProvider;
	resume = jest.fn<Promise<ResumeOutcome>, [Wait, ResumeBody]>(async () => ({ resumed: true }));
});
afterAll(async () => {
	useConversationStore(undefined);
	await closeAllStores();
});

/** The body of the first resume, an answer's. */
const answerBody = () => resume.mock.calls[0][1] as Extract<ResumeBody, { outcome: 'answer' }>;
const waitFor = async (phoneNumber = ALICE, wait: Wait = WAIT) => await store.startWait(META, { phoneNumber }, wait);

describe('handAnswers', () => {
	it('no wait: the message goes to the workflow as it came, nothing is resumed or sent', async () => {
		const answer = tap('approve', '✓ Approve');
		const result = await handAnswers([answer], provider, { resume });
		expect(result).toEqual([answer]);
		expect(result[0]).toBe(answer);
		expect(resume).not.toHaveBeenCalled();
		expect(sendMessage).not.toHaveBeenCalled();
	});

	it('a tap on a choice: the waiting execution is resumed with it, the workflow does not get it, the wait ends', async () => {
		await waitFor();
		const answer = tap('approve', '✓ Approve');
		expect(await handAnswers([answer], provider, { resume })).toEqual([]);
		expect(resume).toHaveBeenCalledTimes(1);
		expect(resume).toHaveBeenCalledWith(WAIT, {
			outcome: 'answer',
			questionMessageId: 'wamid.question',
			startedAt: WAIT.startedAt,
			answer: { id: 'approve', title: '✓ Approve' },
			event: answer.event,
		});
		expect(answerBody().event).toBe(answer.event);
		expect(await store.findWait(META, { phoneNumber: ALICE })).toBeUndefined();
		expect(sendMessage).not.toHaveBeenCalled();
	});

	it('an Approval question’s answer says so to the execution (approval: true); other questions’ do not', async () => {
		await waitFor(ALICE, { ...WAIT, approval: true });
		await handAnswers([tap('approve', '✓ Approve')], provider, { resume });
		expect(resume.mock.calls[0][1]).toMatchObject({ outcome: 'answer', approval: true });
		await waitFor(BOB);
		await handAnswers([tap('approve', '✓ Approve', BOB)], provider, { resume });
		expect(resume.mock.calls[1][1]).not.toHaveProperty('approval');
	});

	it('a typed title counts as the choice', async () => {
		await waitFor();
		expect(await handAnswers([text(' ✗ decline ')], provider, { resume })).toEqual([]);
		expect(resume.mock.calls[0][1]).toMatchObject({ outcome: 'answer', answer: { id: 'decline', title: '✗ Decline', text: ' ✗ decline ' } });
	});

	it('with Accept "any", any text is the answer', async () => {
		await waitFor(ALICE, { ...WAIT, accept: 'any' });
		expect(await handAnswers([text('Not today, sorry')], provider, { resume })).toEqual([]);
		expect(resume).toHaveBeenCalledTimes(1);
		expect(resume.mock.calls[0][1]).toMatchObject({ outcome: 'answer', answer: { text: 'Not today, sorry' } });
	});

	it('another text with Accept "choices": the reminder is sent to the contact, the question still waits', async () => {
		await waitFor();
		const other = text('what is this about?');
		expect(await handAnswers([other], provider, { resume })).toEqual([]);
		expect(sendMessage).toHaveBeenCalledTimes(1);
		expect(sendMessage).toHaveBeenCalledWith({ to: { kind: 'phone', phoneNumber: ALICE }, content: { type: 'text', text: 'Please tap one of the buttons.' } });
		expect(resume).not.toHaveBeenCalled();
		expect(await store.findWait(META, { phoneNumber: ALICE })).toEqual(WAIT);

		// The answer that follows is still handed over.
		const answer = tap('decline', '✗ Decline');
		expect(await handAnswers([answer], provider, { resume })).toEqual([]);
		expect(resume).toHaveBeenCalledTimes(1);
		expect(resume.mock.calls[0][1]).toMatchObject({ answer: { id: 'decline', title: '✗ Decline' }, event: answer.event });
		expect(sendMessage).toHaveBeenCalledTimes(1);
	});

	it('another text without a reminder set: nothing is sent, the question still waits', async () => {
		await waitFor(ALICE, { ...WAIT, reprompt: '' });
		expect(await handAnswers([text('hm?')], provider, { resume })).toEqual([]);
		expect(sendMessage).not.toHaveBeenCalled();
		expect(resume).not.toHaveBeenCalled();
		expect(await store.findWait(META, { phoneNumber: ALICE })).toMatchObject({ id: WAIT.id });
	});

	it('a reminder that fails to send changes nothing: the question still waits', async () => {
		await waitFor();
		sendMessage.mockRejectedValueOnce(new Error('outside the 24-hour window'));
		expect(await handAnswers([text('hello?')], provider, { resume })).toEqual([]);
		expect(sendMessage).toHaveBeenCalledTimes(1);
		expect(await store.findWait(META, { phoneNumber: ALICE })).toEqual(WAIT);
	});

	it('the execution was no longer waiting: the answer goes to the workflow, and the wait is ended', async () => {
		await waitFor();
		resume.mockResolvedValueOnce({ resumed: false, reason: 'x' });
		const answer = tap('approve', '✓ Approve');
		const result = await handAnswers([answer], provider, { resume });
		expect(result).toEqual([answer]);
		expect(result[0]).toBe(answer);
		expect(resume).toHaveBeenCalledTimes(1);
		expect(await store.findWait(META, { phoneNumber: ALICE })).toBeUndefined();
	});

	it.each(['choices', 'any'] as const)('a reaction (Accept "%s") is not an answer: it goes to the workflow, no reminder, the question still waits', async (accept) => {
		await waitFor(ALICE, { ...WAIT, accept });
		const reaction = inbound({ type: 'reaction', reaction: { messageId: WAIT.questionMessageId, emoji: '👍' } });
		expect(await handAnswers([reaction], provider, { resume })).toEqual([reaction]);
		expect(sendMessage).not.toHaveBeenCalled();
		expect(resume).not.toHaveBeenCalled();
		expect(await store.findWait(META, { phoneNumber: ALICE })).toMatchObject({ id: WAIT.id });
	});

	it('a message from another contact goes to the workflow; the wait is untouched', async () => {
		await waitFor();
		const fromBob = tap('approve', '✓ Approve', BOB);
		expect(await handAnswers([fromBob], provider, { resume })).toEqual([fromBob]);
		expect(resume).not.toHaveBeenCalled();
		expect(sendMessage).not.toHaveBeenCalled();
		expect(await store.findWait(META, { phoneNumber: ALICE })).toEqual(WAIT);
	});

	it('the same message reaching two workflows at once: handed over exactly once, emitted by neither', async () => {
		await waitFor();
		const answer = tap('approve', '✓ Approve');
		const [first, second] = await Promise.all([handAnswers([answer], provider, { resume }), handAnswers([{ event: answer.event }], provider, { resume })]);
		expect(first).toEqual([]);
		expect(second).toEqual([]);
		expect(resume).toHaveBeenCalledTimes(1);
		expect(await store.findWait(META, { phoneNumber: ALICE })).toBeUndefined();
	});

	it('the same wrong text reaching two workflows at once: one reminder', async () => {
		await waitFor();
		const other = text('huh');
		const results = await Promise.all([handAnswers([other], provider, { resume }), handAnswers([other], provider, { resume })]);
		expect(results).toEqual([[], []]);
		expect(sendMessage).toHaveBeenCalledTimes(1);
	});

	it('statuses and the messages after the answer pass through untouched, in order', async () => {
		await waitFor();
		const sent = statusOf('wamid.question');
		const answer = tap('approve', '✓ Approve');
		const next = text('and one more thing');
		const fromBob = text('hi', BOB);
		const read = statusOf('wamid.question');
		const result = await handAnswers([sent, answer, next, fromBob, read], provider, { resume });
		expect(result).toEqual([sent, next, fromBob, read]);
		result.forEach((stored, index) => expect(stored).toBe([sent, next, fromBob, read][index]));
		expect(resume).toHaveBeenCalledTimes(1);
		expect(answerBody().event).toBe(answer.event);
	});

	it('only statuses: returned as they came, the store is not asked', async () => {
		const findWait = jest.spyOn(store, 'findWait');
		const batch = [statusOf('wamid.a'), statusOf('wamid.b')];
		expect(await handAnswers(batch, provider, { resume })).toBe(batch);
		expect(findWait).not.toHaveBeenCalled();
	});

	it('a store that fails: every event goes to the workflow as it came', async () => {
		await waitFor();
		const failing = Object.create(store, {
			findWait: { value: async () => Promise.reject(new Error('connection reset')) },
		}) as ConversationStore;
		useStore(failing);
		const batch = [tap('approve', '✓ Approve'), statusOf('wamid.question'), text('other', BOB)];
		const result = await handAnswers(batch, provider, { resume });
		expect(result).toEqual(batch);
		result.forEach((stored, index) => expect(stored).toBe(batch[index]));
		expect(resume).not.toHaveBeenCalled();
		expect(sendMessage).not.toHaveBeenCalled();
		expect(await store.findWait(META, { phoneNumber: ALICE })).toEqual(WAIT);
	});
});
