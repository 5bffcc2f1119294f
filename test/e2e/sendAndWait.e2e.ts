/**
 * Send and Wait for Response in a real n8n: the question goes out, the execution waits (n8n's
 * "waiting"), and the contact's answer on the chat page (a button tapped in headless Chromium)
 * reaches the WhatsApp Omni Trigger, which resumes the waiting execution with it instead of
 * starting its own workflow. Also: Limit Wait Time, a newer question superseding an older one,
 * a reminder for a message that is not a choice, and a reply after the wait going to the trigger.
 */
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';

import { askingWorkflow as asking, ended, eventually, startEnvironment, triggerWorkflow, type E2eEnvironment, type Provider } from './n8n';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let env: E2eEnvironment;
let browser: Browser;
const bots: Record<Provider, string> = { meta: '', twilio: '' };
/** Asked first, to a contact of its own, so its minute of waiting passes while the rest runs. */
let timing: { id: string } | undefined;

beforeAll(async () => {
	env = await startEnvironment();
	for (const provider of ['meta', 'twilio'] as const) {
		const bot = await triggerWorkflow(env, provider, { events: ['messages'] });
		await env.api.activate(bot.id);
		bots[provider] = bot.id;
	}
	browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
	const limited = await askingWorkflow('meta', {
		to: '+15550009999',
		interactiveType: 'text',
		body: 'Anything else?',
		options: { limitWaitTime: { values: { amount: 1, unit: 'minutes' } } },
	});
	await limited.ask();
	timing = limited;
}, 20 * 60_000);

afterAll(async () => {
	await browser?.close();
	await env?.stop();
}, 60_000);

type Execution = { id: string; status: string; finished?: boolean; data?: any };

const askingWorkflow = (provider: Provider, parameters: Record<string, unknown>, then?: string) =>
	asking(env, provider, { to: env.sandbox.chat.user.phone, ...parameters }, then);

const executions = async (workflowId: string): Promise<Execution[]> => (await env.api.executions(workflowId)) as Execution[];

/** The executions of the workflow once `count` exist and each is waiting or done. */
async function settled(workflowId: string, count: number, timeoutMs = 30_000): Promise<Execution[]> {
	return await eventually(async () => {
		const all = await executions(workflowId);
		return all.length >= count && all.every((e) => e.status === 'waiting' || ended(e)) ? all : undefined;
	}, timeoutMs);
}

const askOutput = (execution: Execution) => execution.data.resultData.runData.Ask.at(-1).data.main[0].map((item: { json: unknown }) => item.json);

/** The question the business sent last on the chat page, for the provider. */
const lastQuestion = (provider: Provider) => env.sandbox.chat.list(provider).filter((m) => m.direction === 'out').at(-1);

describe.each(['meta', 'twilio'] as const)('%s: Send and Wait for Response', (provider) => {
	it('asks with Approve / Decline buttons, waits, and a tap on the chat page resumes it with the answer; the bot workflow gets nothing', async () => {
		const { id, ask } = await askingWorkflow(
			provider,
			{ interactiveType: 'approval', body: 'Refund order 1042 (€24.90) to your card?' },
			"={{ $json.approved ? 'Done: the refund is on its way, you will see it in 3–5 days.' : 'OK, nothing was refunded.' }}",
		);
		const botRunsBefore = (await executions(bots[provider])).length;
		// A clean page for the picture (docs/send-and-wait.png is this test's Meta screenshot).
		env.sandbox.chat.clear(provider);
		await ask();
		const [waiting] = await eventually(async () => {
			const all = await executions(id);
			return all.length === 1 && all[0].status === 'waiting' ? all : undefined;
		});
		expect(waiting.status).toBe('waiting');
		const question = await eventually(() => (lastQuestion(provider)?.text?.includes('Refund order 1042') ? lastQuestion(provider) : undefined));

		const page = await browser.newPage({ viewport: { width: 480, height: 900 } });
		try {
			await page.goto(`${env.sandbox.chatUrl}?provider=${provider}`);
			await page.locator(`[data-testid=chat][data-provider=${provider}]`).waitFor();
			const approve = page.locator('[data-testid=reply-button]', { hasText: 'Approve' }).last();
			await approve.waitFor({ timeout: 30_000 });
			await approve.click();
			const [done] = await eventually(async () => {
				const all = await executions(id);
				return all.length === 1 && ended(all[0]) ? all : undefined;
			}, 30_000);
			expect(done.status).toBe('success');
			const [answer] = askOutput(done);
			expect(answer).toMatchObject({
				event: 'message',
				provider,
				approved: true,
				answer: { id: 'approve', title: '✓ Approve' },
				questionMessageId: question.id,
				contact: { phoneNumber: env.sandbox.chat.user.phone },
			});
			expect(answer.waitedSeconds).toBeGreaterThanOrEqual(0);
			// The workflow went on after the answer: its next message is on the chat page.
			await page.locator('[data-testid=message][data-direction=out]', { hasText: 'the refund is on its way' }).waitFor({ timeout: 15_000 });
			await page.screenshot({ path: path.join(env.outputDir, `send-and-wait-${provider}.png`) });
			// The answer went to the waiting execution only.
			await new Promise((resolve) => setTimeout(resolve, 1500));
			expect((await executions(bots[provider])).length).toBe(botRunsBefore);

			// A message after the wait ended is an ordinary one: the bot workflow gets it.
			await env.sandbox.chat.send({ provider, type: 'text', text: 'Thanks!' });
			const botRuns = await settled(bots[provider], botRunsBefore + 1);
			const texts = botRuns.map((e) => e.data.resultData.runData['WhatsApp Omni Trigger'][0].data.main[0][0].json.message?.text);
			expect(texts).toContain('Thanks!');
		} finally {
			await page.close();
		}
	}, 120_000);

	it('a second question to the same contact supersedes the first, which goes on with { superseded: true }; a typed choice title answers the second', async () => {
		const first = await askingWorkflow(provider, { interactiveType: 'buttons', body: 'Pick a size', choicesInputMode: 'json', buttonsJson: '[{"id":"s","title":"Small"},{"id":"l","title":"Large"}]' });
		await first.ask();
		await eventually(async () => (await executions(first.id)).find((e) => e.status === 'waiting'));
		const second = await askingWorkflow(provider, { interactiveType: 'approval', approvalType: 'single', body: 'Confirm the booking?', options: { reprompt: 'Tap the button, please.' } });
		await second.ask();
		const [superseded] = await eventually(async () => {
			const all = await executions(first.id);
			return all.length === 1 && ended(all[0]) ? all : undefined;
		});
		expect(askOutput(superseded)[0]).toMatchObject({ superseded: true, supersededBy: { executionId: expect.any(String) } });
		await eventually(async () => (await executions(second.id)).find((e) => e.status === 'waiting'));

		// Not a choice: a reminder, and the wait goes on.
		const outBefore = env.sandbox.chat.list(provider).filter((m) => m.direction === 'out').length;
		await env.sandbox.chat.send({ provider, type: 'text', text: 'What booking?' });
		await eventually(() => env.sandbox.chat.list(provider).filter((m) => m.direction === 'out').length > outBefore);
		expect(lastQuestion(provider)?.text).toBe('Tap the button, please.');
		expect((await executions(second.id))[0].status).toBe('waiting');

		await env.sandbox.chat.send({ provider, type: 'text', text: '✓ approve' });
		const [done] = await eventually(async () => {
			const all = await executions(second.id);
			return all.length === 1 && ended(all[0]) ? all : undefined;
		}, 30_000);
		expect(askOutput(done)[0]).toMatchObject({ approved: true, answer: { id: 'approve', text: '✓ approve' } });
	}, 120_000);
});

it('Limit Wait Time: with no answer the execution goes on with { timedOut: true } (n8n resumes it)', async () => {
	// A minute is the shortest limit; n8n's wait tracker looks once a minute, so this takes 1–2 min
	// from the question (asked in beforeAll).
	const id = timing!.id;
	const [done] = await eventually(async () => {
		const all = await executions(id);
		return all.length === 1 && ended(all[0]) ? all : undefined;
	}, 150_000);
	expect(done.status).toBe('success');
	expect(askOutput(done)[0]).toMatchObject({ timedOut: true, waitedSeconds: 60, questionMessageId: expect.any(String), to: expect.stringContaining('15550009999') });
}, 200_000);
