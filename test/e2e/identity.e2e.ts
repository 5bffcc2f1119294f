/**
 * People without a visible phone number, in a real n8n: the echo bot example (Meta) answers a
 * chat user who hides their number behind a username through `contact.id` (their BSUID), and a
 * change of the user's BSUID reaches a trigger listening to Identity Changes as an `identity` event.
 */
import type { Sandbox } from '../../sandbox';
import { eventually, finished, publishExample, startEnvironment, triggerItems, triggerWorkflow, type E2eEnvironment } from './n8n';

// Plain JS, shared with `npm start`.

let env: E2eEnvironment;
let sandbox: Sandbox;

beforeAll(async () => {
	env = await startEnvironment();
	sandbox = env.sandbox;
}, 20 * 60_000);
afterAll(async () => env?.stop(), 60_000);

/** The executions of a workflow once `count` of them have finished. */
const executionsOf = async (workflowId: string, count: number) =>
	await eventually(async () => {
		const all = await env.api.executions(workflowId);
		return all.length >= count && all.every(finished) ? all : undefined;
	}, 30_000);

describe('people without a visible phone number, in n8n', () => {
	it('the echo bot (Meta) answers a username user through contact.id, and does not start on their identity change', async () => {
		sandbox.resetWebhooks();
		const echoId = await publishExample(env, 'echo-bot.meta.json');
		try {
			const user = sandbox.chat.setPhoneHidden(true);
			const sent = await sandbox.chat.send({ provider: 'meta', type: 'text', text: 'Echo me, no number' });
			expect(sent.delivery).toMatchObject({ delivered: true, status: 200 });

			const reply = await eventually(
				() => sandbox.chat.list('meta').find((m) => m.direction === 'out' && m.text === 'You said: Echo me, no number'),
				30_000,
			).catch(async (error: Error) => {
				// Say what n8n did with the message, for whoever reads the failure.
				const executions = await env.api.executions(echoId);
				const summary = executions.map((e: any) => ({ status: e.status, error: e.data?.resultData?.error?.message }));
				throw new Error(`${error.message}\nexecutions: ${JSON.stringify(summary)}`);
			});
			// Addressed by BSUID: the Graph API got `recipient`, and the chat shows it in the user's conversation.
			expect(reply.to).toBe(user.userId);
			const request = sandbox.requests.find((r) => r.provider === 'meta' && r.method === 'POST' && r.path.endsWith('/messages'));
			expect(request?.body).toMatchObject({ recipient: user.userId, type: 'text', text: { body: 'You said: Echo me, no number' } });
			expect(request?.body).not.toHaveProperty('to');

			const [execution] = await executionsOf(echoId, 1);
			const item = execution.data.resultData.runData['WhatsApp Omni Trigger'][0].data.main[0][0].json;
			expect(item.contact).toEqual({ id: user.userId, name: user.name, username: user.username, userId: user.userId });

			// Messages of type text only: the identity change is answered, and starts nothing.
			const changed = await sandbox.chat.changeUserId();
			expect(changed.delivery).toMatchObject({ delivered: true, status: 200 });
			await new Promise((resolve) => setTimeout(resolve, 1500));
			expect(await env.api.executions(echoId)).toHaveLength(1);
		} finally {
			sandbox.chat.setPhoneHidden(false);
			await env.api.deactivate(echoId);
		}
	});

	it('a trigger listening to Identity Changes gets the BSUID change as an identity event, and no messages', async () => {
		sandbox.resetWebhooks();
		const { id } = await triggerWorkflow(env, 'meta', { metaRegistration: 'phoneNumber', events: ['identity'] });
		await env.api.activate(id);
		try {
			const before = sandbox.chat.user.userId;
			const changed = await sandbox.chat.changeUserId('US.24810175936240186523');
			expect(changed.delivery).toMatchObject({ delivered: true, status: 200 });
			const [[event]] = await triggerItems(env, id, 1);
			expect(event).toMatchObject({
				event: 'identity',
				provider: 'meta',
				contact: { id: '+16505551234', phoneNumber: '+16505551234', userId: 'US.24810175936240186523' },
				identity: { change: 'userId', previous: { userId: before }, current: { userId: 'US.24810175936240186523' } },
			});

			// A message is answered and starts nothing: this trigger listens to identity changes only.
			expect((await sandbox.chat.send({ provider: 'meta', type: 'text', text: 'not for this trigger' })).delivery).toMatchObject({ delivered: true });
			await new Promise((resolve) => setTimeout(resolve, 1500));
			expect(await env.api.executions(id)).toHaveLength(1);
		} finally {
			await env.api.deactivate(id);
		}
	});
});
