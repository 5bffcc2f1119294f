/**
 * The support-flow example in a real n8n, answered on the chat page in headless Chromium: its own
 * trigger starts the conversation and then hands each answer back to the execution waiting for it
 * (menu buttons, then a free-text question, then the hand-over), on Meta and on Twilio.
 */
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';

import { ended, eventually, publishExample, startEnvironment, type E2eEnvironment } from './n8n';


const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let env: E2eEnvironment;
let browser: Browser;
const workflows: Record<'meta' | 'twilio', string> = { meta: '', twilio: '' };

beforeAll(async () => {
	env = await startEnvironment();
	for (const provider of ['meta', 'twilio'] as const) {
		workflows[provider] = await publishExample(env, `support-flow.${provider}.json`);
	}
	browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}, 20 * 60_000);

afterAll(async () => {
	await browser?.close();
	await env?.stop();
}, 60_000);

describe.each(['meta', 'twilio'] as const)('%s: the support flow on the chat page', (provider) => {
	it('a message gets the menu; a tap gets the follow-up question; the answer gets the hand-over, all in one execution', async () => {
		env.sandbox.chat.clear(provider);
		const page = await browser.newPage({ viewport: { width: 480, height: 900 } });
		try {
			await page.goto(`${env.sandbox.chatUrl}?provider=${provider}`);
			await page.locator(`[data-testid=chat][data-provider=${provider}]`).waitFor();
			const outgoing = page.locator('[data-testid=message][data-direction=out]');

			await page.fill('[data-testid=chat-input]', 'Hi, where is my parcel?');
			await page.click('[data-testid=chat-send]');
			const orderStatus = page.locator('[data-testid=reply-button]', { hasText: 'Order status' }).last();
			await orderStatus.waitFor({ timeout: 30_000 });
			const [waiting] = await eventually(async () => {
				const all = await env.api.executions(workflows[provider]);
				return all.length === 1 && all[0].status === 'waiting' ? all : undefined;
			});

			await orderStatus.click();
			await outgoing.filter({ hasText: 'What is your order number?' }).waitFor({ timeout: 30_000 });
			await page.fill('[data-testid=chat-input]', 'A-1042');
			await page.click('[data-testid=chat-send]');
			await outgoing.filter({ hasText: 'A person from our team will take over' }).waitFor({ timeout: 30_000 });
			await page.screenshot({ path: path.join(env.outputDir, `support-flow-${provider}.png`) });

			// One execution did it all: the answers went to it, not to new ones.
			const all = await eventually(async () => {
				const executions = await env.api.executions(workflows[provider]);
				return executions.length === 1 && ended(executions[0]) ? executions : undefined;
			}, 30_000);
			expect(all[0].id).toBe(waiting.id);
			expect(all[0].status).toBe('success');
			const runData = all[0].data.resultData.runData;
			expect(runData['Ask What They Need'].at(-1).data.main[0][0].json).toMatchObject({ answer: { id: 'order_status' } });
			expect(runData['Ask for the Order Number'].at(-1).data.main[0][0].json).toMatchObject({ answer: { text: 'A-1042' } });
		} finally {
			await page.close();
		}
	}, 120_000);
});
