import { mock } from 'jest-mock-extended';
import type { IExecuteFunctions, INode, INodeExecutionData } from 'n8n-workflow';

import { router } from '../../nodes/WhatsAppOmni/actions/router';
import { MetaProvider } from '../../nodes/WhatsAppOmni/providers/meta/MetaProvider';
import { ProviderError } from '../../nodes/WhatsAppOmni/providers/ProviderError';
import type { OutboundMessage } from '../../nodes/WhatsAppOmni/providers/types';
import { recipientAddress } from '../../nodes/WhatsAppOmni/helpers/recipient';

const node: INode = {
	id: 'omni',
	name: 'WhatsApp Omni',
	type: 'n8n-nodes-whatsapp-omni.whatsAppOmni',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

function context(phones: string[], continueOnFail: boolean) {
	const items: INodeExecutionData[] = phones.map((phone) => ({ json: { phone } }));
	const ctx = mock<IExecuteFunctions>();
	ctx.getInputData.mockReturnValue(items);
	ctx.getNode.mockReturnValue(node);
	ctx.continueOnFail.mockReturnValue(continueOnFail);
	ctx.getCredentials.mockResolvedValue({ accessToken: 'EAAG-router-secret', phoneNumberId: '1' });
	ctx.getNodeParameter.mockImplementation(((name: string, itemIndex: number, fallback?: unknown) => {
		const values: Record<string, unknown> = {
			provider: 'meta',
			resource: 'message',
			operation: 'sendText',
			to: phones[itemIndex],
			text: `message ${itemIndex}`,
			options: {},
		};
		return name in values ? values[name] : fallback;
	}) as IExecuteFunctions['getNodeParameter']);
	return ctx;
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

afterEach(() => jest.restoreAllMocks());

describe('router', () => {
	it('keeps output order and pairing when items finish out of order', async () => {
		const phones = Array.from({ length: 8 }, (_, i) => `+1555000000${i}`);
		const finished: string[] = [];
		jest.spyOn(MetaProvider.prototype, 'sendMessage').mockImplementation(async (message: OutboundMessage) => {
			const to = recipientAddress(message.to);
			const index = phones.indexOf(to);
			await delay((phones.length - index) * 4);
			finished.push(to);
			return { provider: 'meta', messageId: `wamid.${index}`, to, status: 'accepted', raw: {} };
		});
		const [output] = await router.call(context(phones, false), { settings: { concurrency: 4 } });
		expect(finished).not.toEqual(phones);
		expect(output.map((item) => [item.json.messageId, item.pairedItem])).toEqual(
			phones.map((_, index) => [`wamid.${index}`, { item: index }]),
		);
	});

	it('puts error items in their own place with Continue On Fail at any concurrency', async () => {
		const phones = ['+15550000000', 'not a number', '+15550000002', '+15550000003'];
		jest.spyOn(MetaProvider.prototype, 'sendMessage').mockImplementation(async (message: OutboundMessage) => {
			const to = recipientAddress(message.to);
			await delay(to.endsWith('0') ? 20 : 1);
			if (to.endsWith('3')) {
				throw new ProviderError({ provider: 'meta', code: 131026, httpStatus: 400, message: 'The message could not be delivered', hint: 'Check the number.' });
			}
			return { provider: 'meta', messageId: `wamid.${to}`, to, status: 'accepted', raw: {} };
		});
		const [output] = await router.call(context(phones, true), { settings: { concurrency: 3 } });
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }, { item: 3 }]);
		expect(output[0].json.messageId).toBe('wamid.+15550000000');
		expect(output[1].json.error).toMatch(/^Item 2: "not a number" is neither a WhatsApp phone number nor a business-scoped user ID \(BSUID\)/);
		expect(output[2].json.messageId).toBe('wamid.+15550000002');
		expect(output[3].json).toMatchObject({ provider: 'meta', code: 131026, httpCode: '400', hint: 'Check the number.' });
	});

	it('reads the credential once per execution, not once per item', async () => {
		jest.spyOn(MetaProvider.prototype, 'sendMessage').mockResolvedValue({ provider: 'meta', messageId: 'w', to: '+1', status: 'accepted', raw: {} });
		const ctx = context(['+15550000001', '+15550000002', '+15550000003'], false);
		await router.call(ctx, { settings: { concurrency: 2 } });
		expect(ctx.getCredentials).toHaveBeenCalledTimes(1);
		expect(ctx.getCredentials).toHaveBeenCalledWith('whatsAppOmniMetaApi', 0);
	});

	it('fails on an unknown operation with its name', async () => {
		const ctx = context(['+15550000001'], false);
		ctx.getNodeParameter.mockImplementation(((name: string) => (name === 'operation' ? 'explode' : 'message')) as IExecuteFunctions['getNodeParameter']);
		await expect(router.call(ctx)).rejects.toThrow('The operation "explode" of resource "message" is not supported');
	});
});
