import type { INodeExecutionData } from 'n8n-workflow';

import { startSandbox, type Sandbox } from '../../sandbox';
import { sandboxCredentials } from '../sandboxCredentials';
import { runWorkflow, sendWorkflow } from './harness';

let sandbox: Sandbox;
beforeAll(async () => {
	sandbox = await startSandbox();
});
afterAll(async () => sandbox.stop());
beforeEach(() => {
	sandbox.clearRequests();
	sandbox.clearInjections();
	sandbox.setFaults(undefined);
});

const credentials = () => sandboxCredentials(sandbox);

async function run(provider: 'meta' | 'twilio', operation: string, parameters: object, input?: INodeExecutionData[]) {
	return await runWorkflow(
		sendWorkflow({ provider, resource: 'message', operation, to: '+15551234567', ...parameters }),
		{ credentials: credentials(), ...(input ? { input } : {}) },
	);
}

/** The one message request the sandbox received, with its body. */
function sent(provider: 'meta' | 'twilio') {
	const requests = sandbox.requests.filter((r) => r.provider === provider && r.method === 'POST' && /\/messages$|Messages\.json$/.test(r.path));
	expect(requests).toHaveLength(1);
	expect(requests[0].status).toBeLessThan(300);
	return requests[0].body as Record<string, unknown>;
}

const PNG = Buffer.from(
	'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
	'base64',
);

describe('Meta: every send operation in the n8n engine against the sandbox', () => {
	it('Send Media from a binary field: uploads it (multipart), then sends the image by ID', async () => {
		const result = await run('meta', 'sendMedia', { mediaType: 'image', source: 'binary', binaryProperty: 'photo', options: { caption: 'Our shop' } }, [
			{ json: {}, binary: { photo: { data: PNG.toString('base64'), mimeType: 'image/png', fileName: 'shop.png' } } },
		]);
		expect(result.error).toBeUndefined();
		const upload = sandbox.requests.find((r) => r.path.endsWith('/media'));
		expect(upload?.status).toBe(200);
		expect(String(upload?.headers['content-type'])).toMatch(/^multipart\/form-data; boundary=/);
		const body = sent('meta');
		expect(body).toMatchObject({ type: 'image', image: { id: expect.stringMatching(/^\d+$/), caption: 'Our shop' } });
		expect(result.output('WhatsApp Omni')[0].json).toMatchObject({ provider: 'meta', messageId: expect.stringMatching(/^wamid\./) });
	});

	it('Send Document by URL with caption and file name', async () => {
		const result = await run('meta', 'sendDocument', { source: 'url', url: 'https://example.com/i.pdf', options: { caption: 'Invoice', filename: 'invoice.pdf' } });
		expect(result.error).toBeUndefined();
		expect(sent('meta')).toMatchObject({ type: 'document', document: { link: 'https://example.com/i.pdf', caption: 'Invoice', filename: 'invoice.pdf' } });
	});

	it('Send Sticker by media ID', async () => {
		const result = await run('meta', 'sendSticker', { source: 'id', mediaId: '1234567890' });
		expect(result.error).toBeUndefined();
		expect(sent('meta')).toMatchObject({ type: 'sticker', sticker: { id: '1234567890' } });
	});

	it('Send Location', async () => {
		const result = await run('meta', 'sendLocation', { latitude: '52.5163', longitude: 13.3777, options: { name: 'Brandenburg Gate', address: 'Pariser Platz' } });
		expect(result.error).toBeUndefined();
		expect(sent('meta')).toMatchObject({ type: 'location', location: { latitude: 52.5163, longitude: 13.3777, name: 'Brandenburg Gate', address: 'Pariser Platz' } });
	});

	it('Send Contact from JSON an agent built', async () => {
		const result = await run('meta', 'sendContact', {
			contactsInputMode: 'json',
			contactsJson: '={{ JSON.stringify([{ name: "Ana Silva", phones: ["+5511987654321"], email: "ana@example.com" }]) }}',
		});
		expect(result.error).toBeUndefined();
		expect(sent('meta')).toMatchObject({ type: 'contacts', contacts: [{ name: { formatted_name: 'Ana Silva' }, phones: [{ phone: '+5511987654321' }], emails: [{ email: 'ana@example.com' }] }] });
	});

	it('Send Interactive list from rows in fields, grouped by section', async () => {
		const result = await run('meta', 'sendInteractive', {
			interactiveType: 'list',
			body: 'What would you like?',
			listButtonText: 'Menu',
			rows: { row: [{ section: 'Pizzas', title: 'Margherita', id: 'm' }, { section: 'Drinks', title: 'Cola' }, { section: 'Pizzas', title: 'Funghi', description: 'Mushrooms' }] },
		});
		expect(result.error).toBeUndefined();
		expect(sent('meta')).toMatchObject({
			type: 'interactive',
			interactive: {
				type: 'list',
				action: {
					button: 'Menu',
					sections: [
						{ title: 'Pizzas', rows: [{ id: 'm', title: 'Margherita' }, { id: 'Funghi', title: 'Funghi', description: 'Mushrooms' }] },
						{ title: 'Drinks', rows: [{ id: 'Cola', title: 'Cola' }] },
					],
				},
			},
		});
	});

	it('Send Reply quotes the message with buttons from JSON', async () => {
		const result = await run('meta', 'sendReply', {
			replyTo: 'wamid.HBgLMTU1NTEyMzQ1NjcVAgASGBQzQUE',
			messageType: 'interactive',
			interactiveType: 'buttons',
			body: 'Confirm?',
			choicesInputMode: 'json',
			buttonsJson: '[{"id":"yes","title":"Yes"},{"id":"no","title":"No"}]',
		});
		expect(result.error).toBeUndefined();
		expect(sent('meta')).toMatchObject({
			context: { message_id: 'wamid.HBgLMTU1NTEyMzQ1NjcVAgASGBQzQUE' },
			type: 'interactive',
			interactive: { type: 'button', action: { buttons: [{ reply: { id: 'yes', title: 'Yes' } }, { reply: { id: 'no', title: 'No' } }] } },
		});
	});

	it('Send Interactive call-to-action URL with a text header and footer', async () => {
		const result = await run('meta', 'sendInteractive', {
			interactiveType: 'ctaUrl',
			body: 'Your order shipped',
			headerType: 'text',
			headerText: 'Order 1042',
			ctaDisplayText: 'Track',
			ctaUrl: 'https://example.com/t/1042',
			options: { footer: 'Acme Store' },
		});
		expect(result.error).toBeUndefined();
		expect(sent('meta')).toMatchObject({
			type: 'interactive',
			interactive: {
				type: 'cta_url',
				header: { type: 'text', text: 'Order 1042' },
				body: { text: 'Your order shipped' },
				footer: { text: 'Acme Store' },
				action: { name: 'cta_url', parameters: { display_text: 'Track', url: 'https://example.com/t/1042' } },
			},
		});
	});

	it('Send Reply with a template', async () => {
		const result = await run('meta', 'sendReply', {
			replyTo: 'wamid.HBgLMTU1NTEyMzQ1NjcVAgASGBQzQUE',
			messageType: 'template',
			template: { __rl: true, mode: 'list', value: 'hello_world|en_US' },
			variables: { mappingMode: 'defineBelow', value: {}, schema: [] },
		});
		expect(result.error).toBeUndefined();
		expect(sent('meta')).toMatchObject({
			context: { message_id: 'wamid.HBgLMTU1NTEyMzQ1NjcVAgASGBQzQUE' },
			type: 'template',
			template: { name: 'hello_world', language: { code: 'en_US' } },
		});
	});

	it('Mark as Read with the typing indicator', async () => {
		const result = await run('meta', 'markAsRead', { messageId: 'wamid.HBgLMTU1NTEyMzQ1NjcVAgASGBQzQUE', options: { typingIndicator: true } });
		expect(result.error).toBeUndefined();
		expect(sent('meta')).toEqual({ messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.HBgLMTU1NTEyMzQ1NjcVAgASGBQzQUE', typing_indicator: { type: 'text' } });
		expect(result.output('WhatsApp Omni')[0].json).toMatchObject({ provider: 'meta', success: true, typingIndicator: true });
	});

	it('refuses four buttons before any request, naming the field and the limit', async () => {
		const result = await run('meta', 'sendInteractive', {
			interactiveType: 'buttons',
			body: 'Pick',
			buttons: { button: [{ title: 'A' }, { title: 'B' }, { title: 'C' }, { title: 'D' }] },
		});
		expect(result.error?.message).toBe('Item 1: There are 4 buttons; WhatsApp reply buttons need 1 to 3');
		expect(sandbox.requests).toHaveLength(0);
	});
});

describe('Twilio: every send operation in the n8n engine against the sandbox', () => {
	it('Send Media by URL with a caption', async () => {
		const result = await run('twilio', 'sendMedia', { mediaType: 'video', source: 'url', url: 'https://example.com/clip.mp4', options: { caption: 'Watch' } });
		expect(result.error).toBeUndefined();
		expect(sent('twilio')).toMatchObject({ MediaUrl: 'https://example.com/clip.mp4', Body: 'Watch' });
	});

	it('Send Media from a binary field is refused with the alternative, before any request', async () => {
		const result = await run('twilio', 'sendMedia', { mediaType: 'image', source: 'binary' }, [
			{ json: {}, binary: { data: { data: PNG.toString('base64'), mimeType: 'image/png', fileName: 'a.png' } } },
		]);
		expect(result.error?.message).toBe('Twilio cannot do this: Twilio cannot take a file from n8n: it fetches media from a public URL itself');
		expect(result.error?.description).toMatch(/choose Source: URL, or use the Meta provider/);
		expect(sandbox.requests).toHaveLength(0);
	});

	it('refuses a GIF image URL by its extension, before any request', async () => {
		const result = await run('twilio', 'sendMedia', { mediaType: 'image', source: 'url', url: 'https://example.com/dance.gif' });
		expect(result.error?.message).toBe(
			'Item 1: Image files of type image/gif (judging by the URL’s file extension) cannot be sent; Twilio accepts image/jpeg, image/png',
		);
		expect(sandbox.requests).toHaveLength(0);
	});

	it('Send Document and Send Sticker by URL', async () => {
		expect((await run('twilio', 'sendDocument', { source: 'url', url: 'https://example.com/i.pdf' })).error).toBeUndefined();
		expect(sent('twilio')).toMatchObject({ MediaUrl: 'https://example.com/i.pdf' });
		sandbox.clearRequests();
		expect((await run('twilio', 'sendSticker', { source: 'url', url: 'https://example.com/s.webp' })).error).toBeUndefined();
		expect(sent('twilio')).toMatchObject({ MediaUrl: 'https://example.com/s.webp' });
	});

	it('Send Location as a geo persistent action', async () => {
		const result = await run('twilio', 'sendLocation', { latitude: 52.5163, longitude: 13.3777, options: { name: 'Brandenburg Gate' } });
		expect(result.error).toBeUndefined();
		expect(sent('twilio')).toMatchObject({ PersistentAction: 'geo:52.5163,13.3777|Brandenburg Gate', Body: 'Brandenburg Gate' });
	});

	it('Send Contact as a vCard URL', async () => {
		const result = await run('twilio', 'sendContact', { vCardUrl: 'https://example.com/ana.vcf' });
		expect(result.error).toBeUndefined();
		expect(sent('twilio')).toMatchObject({ MediaUrl: 'https://example.com/ana.vcf' });
	});

	it('Send Interactive buttons: creates the Content once, then reuses it', async () => {
		const parameters = { interactiveType: 'buttons', body: 'Confirm your table?', buttons: { button: [{ title: 'Yes', id: 'yes' }, { title: 'No', id: 'no' }] } };
		const first = await run('twilio', 'sendInteractive', parameters);
		expect(first.error).toBeUndefined();
		const creates = sandbox.requests.filter((r) => r.method === 'POST' && r.path === '/content/v1/Content');
		expect(creates).toHaveLength(1);
		expect(creates[0].body).toMatchObject({ types: { 'twilio/quick-reply': { body: 'Confirm your table?', actions: [{ title: 'Yes', id: 'yes' }, { title: 'No', id: 'no' }] } } });
		const contentSid = first.output('WhatsApp Omni')[0].json.contentSid;
		expect(contentSid).toMatch(/^HX[0-9a-f]{32}$/);
		expect(sent('twilio')).toMatchObject({ ContentSid: contentSid });

		sandbox.clearRequests();
		const second = await run('twilio', 'sendInteractive', parameters);
		expect(second.error).toBeUndefined();
		expect(sandbox.requests.filter((r) => r.path === '/content/v1/Content' && r.method === 'POST')).toHaveLength(0);
		expect(sent('twilio')).toMatchObject({ ContentSid: contentSid });
	});

	it('Send Interactive list and call-to-action become list-picker and call-to-action Content', async () => {
		const list = await run('twilio', 'sendInteractive', {
			interactiveType: 'list',
			body: 'Choose a time',
			listButtonText: 'Times',
			choicesInputMode: 'json',
			rowsJson: '[{"id":"9","title":"09:00"},{"id":"10","title":"10:00","description":"Busy"}]',
		});
		expect(list.error).toBeUndefined();
		const created = sandbox.requests.find((r) => r.method === 'POST' && r.path === '/content/v1/Content');
		expect(created?.body).toMatchObject({
			types: { 'twilio/list-picker': { body: 'Choose a time', button: 'Times', items: [{ item: '09:00', id: '9' }, { item: '10:00', id: '10', description: 'Busy' }] } },
		});
		expect(sent('twilio')).toMatchObject({ ContentSid: list.output('WhatsApp Omni')[0].json.contentSid });

		sandbox.clearRequests();
		const cta = await run('twilio', 'sendInteractive', { interactiveType: 'ctaUrl', body: 'Shipped', ctaDisplayText: 'Track', ctaUrl: 'https://example.com/t/1' });
		expect(cta.error).toBeUndefined();
		expect(sandbox.requests.find((r) => r.method === 'POST' && r.path === '/content/v1/Content')?.body).toMatchObject({
			types: { 'twilio/call-to-action': { body: 'Shipped', actions: [{ type: 'URL', title: 'Track', url: 'https://example.com/t/1' }] } },
		});
	});

	it('Send Reply fails without the option, and sends unquoted with it', async () => {
		const parameters = { replyTo: 'SM0123456789abcdef0123456789abcdef', messageType: 'text', text: 'On it' };
		const refused = await run('twilio', 'sendReply', parameters);
		expect(refused.error?.message).toBe('Twilio cannot do this: Twilio has no quoted replies');
		expect(sandbox.requests).toHaveLength(0);
		const dropped = await run('twilio', 'sendReply', { ...parameters, options: { sendWithoutQuote: true } });
		expect(dropped.error).toBeUndefined();
		expect(sent('twilio')).toMatchObject({ Body: 'On it' });
		expect(dropped.output('WhatsApp Omni')[0].json).toMatchObject({ quoteDropped: true });
	});

	it('Mark as Read through the typing indicator', async () => {
		// Twilio only accepts the SID of a message the account received.
		sandbox.addTwilioInboundMessage('SM0123456789abcdef0123456789abcdef');
		const result = await run('twilio', 'markAsRead', { messageId: 'SM0123456789abcdef0123456789abcdef' });
		expect(result.error).toBeUndefined();
		const typing = sandbox.requests.find((r) => r.path === '/messaging/v2/Indicators/Typing.json');
		expect(typing?.body).toEqual({ channel: 'whatsapp', messageId: 'SM0123456789abcdef0123456789abcdef' });
		expect(result.output('WhatsApp Omni')[0].json).toMatchObject({ provider: 'twilio', success: true, typingIndicator: true });
	});
});
