import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
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

const PNG = Buffer.from(
	'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
	'base64',
);
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

async function run(provider: 'meta' | 'twilio', operation: string, parameters: object, input?: INodeExecutionData[]) {
	return await runWorkflow(sendWorkflow({ provider, resource: 'media', operation, ...parameters }), {
		credentials: sandboxCredentials(sandbox),
		...(input ? { input } : {}),
	});
}

async function ok(result: Awaited<ReturnType<typeof run>>) {
	expect(result.error).toBeUndefined();
	const [item] = result.output('WhatsApp Omni');
	return item;
}

/** The bytes of an output binary field, whether n8n kept them inline or in its binary store. */
function bytesOf(item: INodeExecutionData, field = 'data'): Buffer {
	const binary = item.binary?.[field];
	expect(binary).toBeDefined();
	return Buffer.from(binary!.data, 'base64');
}

async function uploadPng(): Promise<string> {
	const item = await ok(
		await run('meta', 'upload', { binaryProperty: 'photo' }, [
			{ json: {}, binary: { photo: { data: PNG.toString('base64'), mimeType: 'image/png', fileName: 'shop.png' } } },
		]),
	);
	expect(item.json).toMatchObject({ provider: 'meta', mediaId: expect.stringMatching(/^\d+$/), mimeType: 'image/png', size: PNG.length });
	return item.json.mediaId as string;
}

describe('Media on Meta in the n8n engine against the sandbox', () => {
	it('Upload → Get URL → Download (same bytes, sha256 checked) → Delete → Get URL fails with Meta’s error', async () => {
		const mediaId = await uploadPng();
		const upload = sandbox.requests.find((r) => r.method === 'POST' && r.path.endsWith('/media'));
		expect(String(upload?.headers['content-type'])).toMatch(/^multipart\/form-data; boundary=/);

		const info = await ok(await run('meta', 'getUrl', { mediaId }));
		expect(info.json).toMatchObject({ provider: 'meta', mediaId, mimeType: 'image/png', sha256: sha256(PNG), size: PNG.length, url: expect.stringMatching(/^http/) });
		expect(info.json.note).toMatch(/5 minutes.*access token/);
		expect(Date.parse(info.json.urlExpiresAt as string)).toBeGreaterThan(Date.now());

		const downloaded = await ok(await run('meta', 'download', { mediaId }));
		expect(downloaded.json).toMatchObject({ provider: 'meta', mediaId, mimeType: 'image/png', size: PNG.length, sha256: sha256(PNG), sha256Checked: true });
		expect(downloaded.binary?.data).toMatchObject({ mimeType: 'image/png', fileName: 'shop.png' });
		expect(bytesOf(downloaded).equals(PNG)).toBe(true);
		const fileRequest = sandbox.requests.find((r) => r.path.startsWith('/media-download/'));
		expect(fileRequest?.headers.authorization).toBe(`Bearer ${sandbox.meta.accessToken}`);

		const deleted = await ok(await run('meta', 'delete', { mediaId }));
		expect(deleted.json).toEqual({ provider: 'meta', success: true, deleted: [mediaId] });

		const after = await run('meta', 'getUrl', { mediaId });
		expect(after.error?.message).toMatch(/Meta.*error 100/);
	});

	it('Download by URL (from Get URL) with the credential’s token, into a chosen field and file name', async () => {
		const mediaId = await uploadPng();
		const { json } = await ok(await run('meta', 'getUrl', { mediaId }));
		const item = await ok(await run('meta', 'download', { mediaId: json.url, binaryProperty: 'file', options: { fileName: 'x.png' } }));
		expect(item.binary?.file).toMatchObject({ fileName: 'x.png', mimeType: 'image/png' });
		expect(bytesOf(item, 'file').equals(PNG)).toBe(true);
		expect(item.json.sha256Checked).toBe(false);
	});

	it('fails on a sha256 mismatch, naming both hashes', async () => {
		const mediaId = await uploadPng();
		const { json } = await ok(await run('meta', 'getUrl', { mediaId }));
		const wrong = '0'.repeat(64);
		sandbox.injectResponse(
			{ provider: 'meta', method: 'GET', path: new RegExp(`/${mediaId}$`) },
			{ status: 200, body: { url: json.url, mime_type: 'image/png', sha256: wrong, file_size: PNG.length, id: mediaId } },
		);
		const result = await run('meta', 'download', { mediaId });
		expect(result.error?.message).toContain(wrong);
		expect(result.error?.message).toContain(sha256(PNG));
	});

	it('fails up front when the declared size is over the maximum', async () => {
		const mediaId = await uploadPng();
		const declared = await run('meta', 'download', { mediaId, options: { maxSizeMb: 0.00005 } });
		expect(declared.error?.message).toMatch(/larger than the maximum size/);

		expect(declared.error?.message).toContain('70 bytes');
	});

	it('aborts a download without a declared size once it passes the maximum', async () => {
		// A server that streams 8 MB in chunks, with no Content-Length: only counting can stop it.
		let written = 0;
		let closed!: () => void;
		const aborted = new Promise<void>((resolve) => (closed = resolve));
		const server = http.createServer((req, res) => {
			expect(req.headers.authorization).toBe(`Bearer ${sandbox.meta.accessToken}`);
			res.writeHead(200, { 'content-type': 'application/pdf' });
			const chunk = Buffer.alloc(64 * 1024, 1);
			const timer = setInterval(() => {
				if (written >= 8 * 1024 * 1024) {
					clearInterval(timer);
					res.end();
					return;
				}
				written += chunk.length;
				res.write(chunk);
			}, 2);
			res.on('close', () => {
				clearInterval(timer);
				closed();
			});
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		try {
			const { port } = server.address() as AddressInfo;
			const result = await run('meta', 'download', { mediaId: `http://127.0.0.1:${port}/doc.pdf`, options: { maxSizeMb: 0.5 } });
			expect(result.error?.message).toMatch(/larger than the maximum size: over 512 KB/);
			await aborted;
			expect(written).toBeLessThan(4 * 1024 * 1024);
		} finally {
			server.closeAllConnections();
			await new Promise((resolve) => server.close(resolve));
		}
	});

	it('refuses an upload of a type WhatsApp does not take, before any request', async () => {
		const result = await run('meta', 'upload', {}, [{ json: {}, binary: { data: { data: 'R0lGODlh', mimeType: 'image/gif', fileName: 'a.gif' } } }]);
		expect(result.error?.message).toMatch(/image\/gif cannot be uploaded/);
		expect(sandbox.requests).toHaveLength(0);
	});
});

describe('Media on Twilio in the n8n engine against the sandbox', () => {
	function inboundImage() {
		const params = sandbox.twilioParams.message({ type: 'image', media: { contentType: 'image/png', bytes: PNG } });
		const [media] = sandbox.getTwilioMedia(params.MessageSid);
		expect(media).toBeDefined();
		return { messageSid: params.MessageSid, mediaSid: media.sid };
	}

	it('Get URL lists the message’s media, Download gets the bytes through the redirect, Delete removes it', async () => {
		const { messageSid, mediaSid } = inboundImage();

		const info = await ok(await run('twilio', 'getUrl', { mediaId: messageSid }));
		expect(info.json).toMatchObject({
			provider: 'twilio',
			mediaId: mediaSid,
			messageId: messageSid,
			mimeType: 'image/png',
			url: `${sandbox.twilioBaseUrl}/api/2010-04-01/Accounts/${sandbox.twilio.accountSid}/Messages/${messageSid}/Media/${mediaSid}`,
		});
		expect(info.json.media).toHaveLength(1);

		const downloaded = await ok(await run('twilio', 'download', { mediaId: messageSid }));
		expect(bytesOf(downloaded).equals(PNG)).toBe(true);
		expect(downloaded.json).toMatchObject({ provider: 'twilio', mimeType: 'image/png', size: PNG.length, sha256Checked: false });
		expect(downloaded.binary?.data).toMatchObject({ mimeType: 'image/png', fileName: `${messageSid}.png` });
		expect(sandbox.requests.some((r) => r.path.startsWith('/cdn/'))).toBe(true);

		const byMediaSid = await ok(await run('twilio', 'download', { mediaId: mediaSid, messageSid }));
		expect(bytesOf(byMediaSid).equals(PNG)).toBe(true);

		const deleted = await ok(await run('twilio', 'delete', { mediaId: mediaSid, messageSid }));
		expect(deleted.json).toEqual({ provider: 'twilio', success: true, deleted: [mediaSid] });
		expect(sandbox.getTwilioMedia(messageSid)).toHaveLength(0);
		const after = await run('twilio', 'getUrl', { mediaId: mediaSid, messageSid });
		expect(after.error?.message).toMatch(/Twilio error 20404/);
	});

	it('Upload is refused, naming the alternative', async () => {
		const result = await run('twilio', 'upload', {}, [{ json: {}, binary: { data: { data: PNG.toString('base64'), mimeType: 'image/png', fileName: 'a.png' } } }]);
		expect(result.error?.message).toMatch(/Twilio cannot do this: Twilio has no upload API/);
		expect((result.error as { description?: string }).description).toMatch(/public URL/);
		expect(sandbox.requests).toHaveLength(0);
	});
});
