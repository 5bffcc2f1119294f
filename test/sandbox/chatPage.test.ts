import { request } from 'node:http';
import { Script } from 'node:vm';

import { startSandbox, type Sandbox } from '../../sandbox';
import { call } from './helpers';

describe('sandbox chat page: GET /chat and its assets', () => {
	let sandbox: Sandbox;

	beforeAll(async () => {
		sandbox = await startSandbox();
	});
	afterAll(async () => {
		await sandbox.stop();
	});

	it('serves the page as HTML at sandbox.chatUrl, with the elements a browser test drives', async () => {
		expect(sandbox.chatUrl).toBe(`${sandbox.url}/chat`);
		const page = await call(sandbox.chatUrl);
		expect(page.status).toBe(200);
		expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
		expect(page.text).toMatch(/^<!doctype html>/i);
		for (const testid of ['chat-input', 'chat-send', 'messages', 'business-name', 'business-number', 'not-listening', 'attach', 'file-input', 'list-sheet', 'user-menu-open', 'phone-hidden', 'change-user-id']) {
			expect(page.text).toContain(`data-testid="${testid}"`);
		}
		expect(page.text).toContain('data-testid="provider-switch" data-provider="meta"');
		expect(page.text).toContain('data-testid="provider-switch" data-provider="twilio"');
		expect(page.text).toContain('<link rel="stylesheet" href="/chat/assets/chat.css">');
		expect(page.text).toContain('<script src="/chat/assets/chat.js" defer></script>');
		// A trailing slash is the same page.
		expect((await call(`${sandbox.chatUrl}/`)).status).toBe(200);
	});

	it('serves the script, which parses and renders the test ids of bubbles and buttons', async () => {
		const script = await call(`${sandbox.url}/chat/assets/chat.js`);
		expect(script.status).toBe(200);
		expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
		expect(() => new Script(script.text, { filename: 'chat.js' })).not.toThrow();
		for (const testid of ['message', 'reply-button', 'list-open', 'list-row', 'ticks', 'reaction-option', 'location-option', 'delivery-error']) {
			expect(script.text).toContain(`'data-testid': '${testid}'`);
		}
		for (const attribute of ['data-direction', 'data-type', 'data-status', 'data-reply-id', 'data-provider']) {
			expect(script.text).toContain(`'${attribute}'`);
		}
		expect(script.text).toContain("'/chat/api/events?client='");
		expect(script.text).toContain('No workflow is listening for');
	});

	it('serves the stylesheet and the sample photo (a real 480×320 PNG)', async () => {
		const css = await call(`${sandbox.url}/chat/assets/chat.css`);
		expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
		expect(css.text).toContain('.bubble');
		const response = await fetch(`${sandbox.url}/chat/assets/sample.png`);
		expect(response.headers.get('content-type')).toBe('image/png');
		const png = Buffer.from(await response.arrayBuffer());
		expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
		expect(png.subarray(12, 16).toString('latin1')).toBe('IHDR');
		expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([480, 320]);
		expect(png.subarray(-8, -4).toString('latin1')).toBe('IEND');
	});

	it('answers 404 for unknown assets and routes, and keeps the emulated APIs apart', async () => {
		expect((await call(`${sandbox.url}/chat/assets/__proto__`)).status).toBe(404);
		expect((await call(`${sandbox.url}/chat/assets/..%2Fchat.ts`)).status).toBe(404);
		expect((await call(`${sandbox.url}/chat/elsewhere`)).status).toBe(404);
		expect((await call(`${sandbox.url}/chat/api/state`, { method: 'DELETE' })).status).toBe(405);
		const api = await call(`${sandbox.url}/nowhere`);
		expect(api.status).toBe(404);
		expect(api.body.sandboxError).toMatch(/the chat page is at \/chat/);
		// Neither the page nor unknown paths are recorded as API requests.
		expect(sandbox.requests).toEqual([]);
	});

	it('refuses a Host that is not loopback (DNS rebinding)', async () => {
		const status = await new Promise<number>((resolve, reject) => {
			const req = request(`${sandbox.url}/chat/api/state`, { headers: { host: 'attacker.example:80' } }, (res) => {
				res.resume();
				resolve(res.statusCode ?? 0);
			});
			req.on('error', reject);
			req.end();
		});
		expect(status).toBe(403);
	});
});
