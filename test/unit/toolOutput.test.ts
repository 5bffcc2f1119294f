import { mock } from 'jest-mock-extended';
import type { IExecuteFunctions, INode } from 'n8n-workflow';

import { router } from '../../nodes/WhatsAppOmni/actions/router';
import { useFreshStore } from '../storeHelpers';
import { startSandbox, type Sandbox } from '../../sandbox';
import { sandboxCredentials } from '../sandboxCredentials';

/**
 * As an AI agent's tool (n8n's AI Agent, an MCP client), the node leaves the provider's raw answer
 * out of its output: the model reads every byte as tokens, and the item already says what matters.
 * As a workflow node it keeps it.
 */

let sandbox: Sandbox;
beforeAll(async () => {
	sandbox = await startSandbox();
});
afterAll(async () => sandbox.stop());
beforeEach(async () => {
	await useFreshStore();
});

function context(type: string, to = '+15551230001') {
	const node: INode = { id: 'omni', name: 'Send Text', type, typeVersion: 1, position: [0, 0], parameters: {} };
	const ctx = mock<IExecuteFunctions>();
	const credentials = sandboxCredentials(sandbox);
	ctx.getInputData.mockReturnValue([{ json: {} }]);
	ctx.getNode.mockReturnValue(node);
	ctx.continueOnFail.mockReturnValue(false);
	ctx.getCredentials.mockImplementation(async (name: string) => ({ ...credentials[name as keyof typeof credentials] }));
	ctx.getNodeParameter.mockImplementation(((name: string, _itemIndex: number, fallback?: unknown) => {
		const values: Record<string, unknown> = { provider: 'meta', resource: 'message', operation: 'sendText', to, text: 'Hi', options: {} };
		return name in values ? values[name] : fallback;
	}) as IExecuteFunctions['getNodeParameter']);
	return ctx;
}

describe('output as a tool', () => {
	it('a tool’s item has everything but the provider’s raw answer', async () => {
		const [[item]] = await router.call(context('n8n-nodes-whatsapp-omni.whatsAppOmniTool'));
		expect(item.json).toMatchObject({ provider: 'meta', messageId: expect.stringMatching(/^wamid\./), to: '+15551230001' });
		expect(item.json).not.toHaveProperty('raw');
		expect(item.pairedItem).toEqual({ item: 0 });
	});

	it('the workflow node keeps it', async () => {
		const [[item]] = await router.call(context('n8n-nodes-whatsapp-omni.whatsAppOmni'));
		expect(item.json.raw).toMatchObject({ messaging_product: 'whatsapp' });
	});
});

describe('errors as a tool', () => {
	it('the message itself says what to do (n8n hands an agent only the message), before any request', async () => {
		sandbox.clearRequests();
		const error = await router.call(context('n8n-nodes-whatsapp-omni.whatsAppOmniTool', '0151 2345678')).catch((e: Error) => e);
		expect(error).toBeInstanceOf(Error);
		expect((error as Error).message).toMatch(/neither a WhatsApp phone number.*\. Give a phone number in international \(E\.164\) form with its country code, e\.g\. \+15551234567/);
		expect(sandbox.requests).toHaveLength(0);
	});

	it('the workflow node keeps the message short and the fix in the description', async () => {
		const error = (await router.call(context('n8n-nodes-whatsapp-omni.whatsAppOmni', '0151 2345678')).catch((e: Error) => e)) as Error & { description?: string };
		expect(error.message).not.toMatch(/\+15551234567/);
		expect(error.description).toMatch(/\+15551234567/);
	});
});
