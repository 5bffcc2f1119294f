/**
 * Account › Check Setup's own rules, without a provider: which webhook URLs count as public
 * HTTPS, which rejected deliveries are recent, how an unknown rejection reason and a failing
 * store are reported, and that a report never carries a secret.
 */
import { findingJson, setupFindings } from '../../nodes/WhatsAppOmni/actions/account/checkSetup.operation';
import { publicHttpsProblem } from '../../nodes/WhatsAppOmni/actions/account/publicUrl';
import { redactReport } from '../../nodes/WhatsAppOmni/providers/setupFindings';
import type { SetupReport, WhatsAppProvider } from '../../nodes/WhatsAppOmni/providers/types';
import type { ConversationStore } from '../../nodes/WhatsAppOmni/store/types';
import { useFreshStore, useStore } from '../storeHelpers';

const URL_OK = 'https://n8n.example.com/webhook/abc/webhook';

describe('publicHttpsProblem', () => {
	it.each([URL_OK, 'https://203.0.113.7/webhook/x', 'https://[2001:db8::1]/x', 'https://n8n.example.com:8443/x', 'https://172.32.0.1/x', 'https://EXAMPLE.com./x'])(
		'takes %s',
		(url) => {
			expect(publicHttpsProblem(url)).toBeUndefined();
		},
	);

	it.each([
		['http://n8n.example.com/x', /uses http, not https/],
		['https://localhost:5678/x', /points at localhost/],
		['https://app.localhost/x', /points at localhost/],
		['https://127.0.0.1/x', /loopback address \(127\.0\.0\.0\/8\)/],
		['https://127.1.2.3/x', /loopback/],
		['https://2130706433/x', /loopback/],
		['https://[::1]/x', /loopback address \(::1\)/],
		['https://[::ffff:127.0.0.1]/x', /loopback/],
		['https://10.1.2.3/x', /private address \(10\.0\.0\.0\/8\)/],
		['https://172.16.0.1/x', /private address \(172\.16\.0\.0\/12\)/],
		['https://172.31.255.254/x', /private address \(172\.16\.0\.0\/12\)/],
		['https://192.168.1.10/x', /private address \(192\.168\.0\.0\/16\)/],
		['https://169.254.1.1/x', /link-local/],
		['https://[fd12:3456::1]/x', /private address \(fc00::\/7\)/],
		['https://[fe80::1]/x', /link-local address \(fe80::\/10\)/],
		['https://n8n.local/x', /local network name \(\.local\)/],
		['https://n8n:5678/x', /host name "n8n", which is not on the public internet/],
		['not a url', /not a valid URL/],
		['http://localhost:5678/x', /uses http, not https, and its host points at localhost/],
	])('refuses %s', (url, problem) => {
		expect(publicHttpsProblem(url)).toMatch(problem);
	});
});

const meta = { name: 'meta', businessKey: '106540352242922' } as unknown as WhatsAppProvider;
const twilioServiceOnly = { name: 'twilio', businessKey: undefined } as unknown as WhatsAppProvider;
const report = (extra: Partial<SetupReport> = {}): SetupReport => ({
	provider: 'meta',
	findings: [],
	webhooks: [{ url: URL_OK, carries: 'messages and statuses', where: 'the phone number’s webhook override' }],
	...extra,
});
const byCheck = (findings: Array<{ check: string }>, id: string) => findings.find((f) => f.check === id);

describe('setupFindings', () => {
	afterEach(() => useStore(undefined));

	it('counts only rejections of the last 24 hours, each reason on its own with a generic fix for unknown ones', async () => {
		const store = await useFreshStore();
		const scope = { provider: 'meta' as const, business: '106540352242922' };
		await store.recordDelivery(scope, 'signature mismatch');
		await store.recordDelivery(scope, 'body too large');
		const now = Date.now();
		const recent = await setupFindings(meta, report(), now);
		expect(recent.filter((f) => !f.ok).map((f) => f.check)).toEqual(
			expect.arrayContaining(['deliveries.rejected.signatureMismatch', 'deliveries.rejected.bodyTooLarge']),
		);
		expect(byCheck(recent, 'deliveries.rejected.bodyTooLarge')).toMatchObject({ fix: expect.stringMatching(/n8n’s log/) });

		// A day and an hour later they are history.
		const later = await setupFindings(meta, report(), now + 25 * 3_600_000);
		expect(byCheck(later, 'deliveries.rejected')).toMatchObject({ ok: true });
		expect(later.some((f) => f.check.startsWith('deliveries.rejected.'))).toBe(false);
	});

	it('says why the URL checks did not run when where the webhooks go is unknown or unset', async () => {
		await useFreshStore();
		const unknown = await setupFindings(meta, report({ webhooks: undefined, webhooksUnknown: { found: 'Meta said no', fix: 'Do this.' } }));
		for (const id of ['webhook.published', 'webhook.publicHttps']) {
			expect(byCheck(unknown, id)).toMatchObject({ ok: false, found: 'not checked: Meta said no', fix: 'Do this.' });
		}
		const none = await setupFindings(meta, report({ webhooks: [] }));
		expect(byCheck(none, 'webhook.published')).toMatchObject({ ok: false, found: expect.stringMatching(/no webhook URL is set/) });
	});

	it('reports a failing store on the checks that read it, and goes on', async () => {
		const failing = {
			kind: 'memory',
			description: 'memory:broken',
			listenersAt: () => Promise.reject(new Error('connection lost')),
			getDeliveries: () => Promise.reject(new Error('connection lost')),
		} as unknown as ConversationStore;
		useStore(failing);
		const findings = await setupFindings(meta, report());
		expect(findings.map((f) => f.check)).toEqual(['webhook.published', 'webhook.publicHttps', 'deliveries.lastAccepted', 'deliveries.rejected']);
		expect(byCheck(findings, 'webhook.published')).toMatchObject({ ok: false, found: expect.stringMatching(/memory:broken.*connection lost/), fix: expect.stringMatching(/WHATSAPP_OMNI_STORE_URL/) });
		expect(byCheck(findings, 'webhook.publicHttps')).toMatchObject({ ok: true });
		expect(byCheck(findings, 'deliveries.lastAccepted')).toMatchObject({ ok: false, found: expect.stringMatching(/connection lost/) });
	});

	it('uses the number the look-up found when the credential names none, and says so when there is none', async () => {
		const store = await useFreshStore();
		await store.recordDelivery({ provider: 'twilio', business: '+14155238886' });
		const found = await setupFindings(twilioServiceOnly, report({ provider: 'twilio', businessKey: '+14155238886' }));
		expect(byCheck(found, 'deliveries.lastAccepted')).toMatchObject({ ok: true });
		const none = await setupFindings(twilioServiceOnly, report({ provider: 'twilio' }));
		expect(byCheck(none, 'deliveries.lastAccepted')).toMatchObject({ ok: false, found: expect.stringMatching(/names no business number/) });
	});
});

describe('findingJson and redaction', () => {
	it('puts check, title, ok, found and the fix first, drops a fix on an ok check and never lets details replace them', () => {
		expect(
			Object.keys(findingJson({ check: 'a', title: 'A', ok: false, found: 'f', fix: 'x', details: { ok: true, check: 'b', url: 'u' } })),
		).toEqual(['check', 'title', 'ok', 'found', 'fix', 'url']);
		expect(findingJson({ check: 'a', title: 'A', ok: true, found: 'f', fix: 'x' })).toEqual({ check: 'a', title: 'A', ok: true, found: 'f' });
	});

	it('hides every secret wherever it appears in a report', () => {
		const secret = 'EAAG-super-secret-token';
		const redacted = redactReport(
			{
				provider: 'meta',
				findings: [{ check: 'a', title: 'A', ok: false, found: `saw ${secret}`, fix: `not ${secret}`, details: { nested: [{ deep: secret }] } }],
				webhooksUnknown: { found: secret, fix: 'x' },
			},
			[secret, undefined, ''],
		);
		expect(JSON.stringify(redacted)).not.toContain(secret);
		expect(redacted.findings[0].found).toBe('saw [hidden]');
	});
});
