import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { TwilioSpec } from '../../sandbox';

const ROOT = join(__dirname, '..', '..');
const COPY_DIR = join(ROOT, 'sandbox', 'specs', 'twilio');
const SOURCE_DIR = join(ROOT, '..', 'shared', 'specs', 'twilio');

describe('sandbox: Twilio OpenAPI copies', () => {
	it('ship with the licence and say where they come from', () => {
		expect(readFileSync(join(COPY_DIR, 'LICENSE'), 'utf8')).toMatch(/MIT License[\s\S]*Twilio, Inc\./);
		const readme = readFileSync(join(COPY_DIR, 'README.md'), 'utf8');
		expect(readme).toContain('twilio/twilio-oai');
		expect(readme).toContain('d50069b');
		expect(readme).toContain('extract.js');
		for (const file of readdirSync(COPY_DIR).filter((f) => f.endsWith('.json'))) {
			const copy = JSON.parse(readFileSync(join(COPY_DIR, file), 'utf8'));
			expect(copy['x-extracted']).toMatchObject({ commit: 'd50069b', generator: 'sandbox/specs/extract.js' });
		}
	});

	it('cover the paths the package uses, on every product', () => {
		const spec = TwilioSpec.load();
		expect(spec.products.sort()).toEqual(['api', 'content', 'lookups', 'messaging']);
		const ok = (product: string, method: string, path: string, query: Record<string, string> = {}) =>
			spec.check({ product, method, path, query, rawBody: Buffer.alloc(0), body: undefined, contentType: '' });
		const account = `AC${'0'.repeat(32)}`;
		const message = `SM${'0'.repeat(32)}`;
		const content = `HX${'0'.repeat(32)}`;
		const cases: Array<[string, string, string, string, Record<string, string>?]> = [
			['api', 'GET', `/2010-04-01/Accounts/${account}/Messages.json`, 'ListMessage'],
			['api', 'GET', `/2010-04-01/Accounts/${account}/Messages/${message}.json`, 'FetchMessage'],
			['api', 'DELETE', `/2010-04-01/Accounts/${account}/Messages/${message}.json`, 'DeleteMessage'],
			['api', 'GET', `/2010-04-01/Accounts/${account}/Messages/${message}/Media.json`, 'ListMedia'],
			['api', 'GET', `/2010-04-01/Accounts/${account}/Messages/${message}/Media/ME${'0'.repeat(32)}.json`, 'FetchMedia'],
			['api', 'GET', `/2010-04-01/Accounts/${account}.json`, 'FetchAccount'],
			['content', 'GET', '/v1/Content', 'ListContent'],
			['content', 'GET', `/v1/Content/${content}`, 'FetchContent'],
			['content', 'DELETE', `/v1/Content/${content}`, 'DeleteContent'],
			['content', 'GET', '/v1/ContentAndApprovals', 'ListContentAndApprovals'],
			['content', 'GET', `/v1/Content/${content}/ApprovalRequests`, 'FetchApprovalFetch'],
			['messaging', 'GET', `/v1/Services/MG${'0'.repeat(32)}`, 'FetchService'],
			['messaging', 'GET', '/v2/Channels/Senders', 'ListChannelsSender', { Channel: 'whatsapp' }],
			['messaging', 'GET', `/v2/Channels/Senders/XE${'0'.repeat(32)}`, 'FetchChannelsSender'],
			['lookups', 'GET', '/v2/PhoneNumbers/%2B14155552671', 'FetchPhoneNumber'],
		];
		for (const [product, method, path, operationId, query] of cases) {
			expect({ path, result: ok(product, method, path, query) }).toEqual({
				path,
				result: { ok: true, operationId, pathParams: expect.any(Object) },
			});
		}
		expect(ok('lookups', 'GET', '/v2/PhoneNumbers/%2B14155552671')).toMatchObject({
			pathParams: { PhoneNumber: '+14155552671' },
		});
	});

	// The source copies live beside the repository (../shared, as in CI); the checked-in
	// extraction must be exactly what the script produces from them.
	it('are what sandbox/specs/extract.js makes of the source files', () => {
		expect(existsSync(SOURCE_DIR) ? SOURCE_DIR : `missing: ${SOURCE_DIR} (put ../shared beside the repository)`).toBe(SOURCE_DIR);
		const out = mkdtempSync(join(tmpdir(), 'omni-spec-'));
		try {
			execFileSync(process.execPath, [join(ROOT, 'sandbox', 'specs', 'extract.js'), SOURCE_DIR, out], { stdio: 'pipe' });
			for (const file of readdirSync(out)) {
				expect({ file, text: readFileSync(join(out, file), 'utf8') }).toEqual({
					file,
					text: readFileSync(join(COPY_DIR, file), 'utf8'),
				});
			}
		} finally {
			rmSync(out, { recursive: true, force: true });
		}
	});
});
