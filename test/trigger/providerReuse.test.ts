/**
 * One getCredentials per burst of deliveries, not per request: in n8n 2.x each call in a webhook
 * costs an expression isolate. What a request may reuse, for how long, and that a changed
 * credential is never refused because of it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { IDataObject, INode, IWebhookFunctions } from 'n8n-workflow';

import { forgetReusedProviders, PROVIDER_REUSE_MAX_ENTRIES, PROVIDER_REUSE_MS } from '../../nodes/WhatsAppOmni/trigger/provider';
import { node, signedMetaCall, signedTwilioCall, trigger, webhookContext, WEBHOOK_URL, type WebhookCall } from './context';
import { useFreshStore } from '../storeHelpers';

const fixture = (name: string) => readFileSync(path.join(__dirname, '..', 'fixtures', 'webhooks', 'meta', `${name}.json`), 'utf8');

const metaCredentials = {
	accessToken: 'EAAG-reuse',
	phoneNumberId: '106540352242922',
	appSecret: 'reuse-app-secret',
};
const twilioCredentials = { accountSid: 'AC0123456789abcdef0123456789abcdef', authToken: '0123456789abcdef0123456789abcdef', whatsAppNumber: '+14155238886' };

/** A Meta message that no earlier request delivered (Ignore Duplicates stays on). */
let sequence = 0;
function metaMessage(secret = metaCredentials.appSecret): WebhookCall {
	const payload = JSON.parse(fixture('text'));
	payload.entry[0].changes[0].value.messages[0].id = `wamid.reuse-${++sequence}`;
	return signedMetaCall(JSON.stringify(payload), secret);
}

interface Setup {
	provider?: 'meta' | 'twilio';
	credentials?: Record<string, IDataObject>;
	/** The credential the node names; none (as in the other trigger tests) means no reuse. */
	credentialId?: string | null;
	workflowId?: string;
	nodeId?: string;
	parameters?: IDataObject;
}

/** Runs one request; `getCredentials` counts n8n's credential reads. */
async function deliver(setup: Setup, call: WebhookCall, getCredentials: jest.Mock) {
	const provider = setup.provider ?? 'meta';
	const type = provider === 'meta' ? 'whatsAppOmniMetaApi' : 'whatsAppOmniTwilioApi';
	const credentials: Record<string, IDataObject> = setup.credentials ?? { whatsAppOmniMetaApi: metaCredentials, whatsAppOmniTwilioApi: twilioCredentials };
	const { context, response } = webhookContext(
		{ parameters: { provider, ...setup.parameters }, credentials, webhookUrl: WEBHOOK_URL, workflowId: setup.workflowId ?? 'wf-reuse' },
		call,
	);
	const credentialId = setup.credentialId === undefined ? 'cred-1' : setup.credentialId;
	const withCredential: INode = {
		...node,
		id: setup.nodeId ?? node.id,
		...(credentialId ? { credentials: { [type]: { id: credentialId, name: 'WhatsApp' } } } : {}),
	};
	getCredentials.mockImplementation(async (asked: string) => credentials[asked]);
	const ctx = { ...context, getNode: () => withCredential, getCredentials } as unknown as IWebhookFunctions;
	const result = await trigger.webhook.call(ctx);
	return { status: response.status, executed: result.workflowData !== undefined };
}

let now = 1_800_000_000_000;
beforeEach(async () => {
	await useFreshStore();
	forgetReusedProviders();
	jest.spyOn(Date, 'now').mockImplementation(() => now);
});
afterEach(() => jest.restoreAllMocks());

describe('reusing the provider across webhook requests', () => {
	it('reads the credential once for a burst of deliveries to one trigger', async () => {
		const getCredentials = jest.fn();
		for (let i = 0; i < 5; i++) {
			expect(await deliver({}, metaMessage(), getCredentials)).toEqual({ status: 200, executed: true });
			now += 100;
		}
		expect(getCredentials).toHaveBeenCalledTimes(1);
	});

	it('reads it again once the interval is over', async () => {
		const getCredentials = jest.fn();
		await deliver({}, metaMessage(), getCredentials);
		now += PROVIDER_REUSE_MS - 1;
		await deliver({}, metaMessage(), getCredentials);
		expect(getCredentials).toHaveBeenCalledTimes(1);
		now += 1;
		await deliver({}, metaMessage(), getCredentials);
		expect(getCredentials).toHaveBeenCalledTimes(2);
	});

	it('concurrent requests share one read', async () => {
		const getCredentials = jest.fn();
		const answers = await Promise.all(Array.from({ length: 8 }, () => deliver({}, metaMessage(), getCredentials)));
		expect(answers.every((a) => a.status === 200 && a.executed)).toBe(true);
		expect(getCredentials).toHaveBeenCalledTimes(1);
	});

	it('reads the credential on every request of a node that names none by id (as before)', async () => {
		const getCredentials = jest.fn();
		await deliver({ credentialId: null }, metaMessage(), getCredentials);
		await deliver({ credentialId: null }, metaMessage(), getCredentials);
		expect(getCredentials).toHaveBeenCalledTimes(2);
	});

	it('never shares between workflows, nodes or credentials', async () => {
		const getCredentials = jest.fn();
		await deliver({}, metaMessage(), getCredentials);
		await deliver({ workflowId: 'wf-other' }, metaMessage(), getCredentials);
		await deliver({ nodeId: 'other-node' }, metaMessage(), getCredentials);
		await deliver({ credentialId: 'cred-2' }, metaMessage(), getCredentials);
		expect(getCredentials).toHaveBeenCalledTimes(4);
		// Each of them reuses its own.
		await deliver({ workflowId: 'wf-other' }, metaMessage(), getCredentials);
		await deliver({ credentialId: 'cred-2' }, metaMessage(), getCredentials);
		expect(getCredentials).toHaveBeenCalledTimes(4);
	});

	it('a new App Secret applies at once: a signature that fails with the reused one is checked with the current credential', async () => {
		const getCredentials = jest.fn();
		await deliver({}, metaMessage(), getCredentials);
		const rotated = { whatsAppOmniMetaApi: { ...metaCredentials, appSecret: 'rotated-app-secret' } };
		expect(await deliver({ credentials: rotated }, metaMessage('rotated-app-secret'), getCredentials)).toEqual({ status: 200, executed: true });
		expect(getCredentials).toHaveBeenCalledTimes(2);
		// The current one is what is reused from then on.
		expect(await deliver({ credentials: rotated }, metaMessage('rotated-app-secret'), getCredentials)).toEqual({ status: 200, executed: true });
		expect(getCredentials).toHaveBeenCalledTimes(2);
		expect((await deliver({ credentials: rotated }, metaMessage(), getCredentials)).status).toBe(401);
	});

	it('the previous App Secret passes at most for the interval', async () => {
		const getCredentials = jest.fn();
		await deliver({}, metaMessage(), getCredentials);
		const rotated = { whatsAppOmniMetaApi: { ...metaCredentials, appSecret: 'rotated-app-secret' } };
		expect((await deliver({ credentials: rotated }, metaMessage(), getCredentials)).status).toBe(200);
		now += PROVIDER_REUSE_MS;
		expect((await deliver({ credentials: rotated }, metaMessage(), getCredentials)).status).toBe(401);
	});

	it('a wrong signature is refused after one read when nothing is reused, after two when something was', async () => {
		const getCredentials = jest.fn();
		expect((await deliver({}, metaMessage('forged'), getCredentials)).status).toBe(401);
		expect(getCredentials).toHaveBeenCalledTimes(1);
		expect((await deliver({}, metaMessage('forged'), getCredentials)).status).toBe(401);
		expect(getCredentials).toHaveBeenCalledTimes(2);
	});

	it('a credential n8n cannot give is asked for again on the next request', async () => {
		const getCredentials = jest.fn();
		const failing = jest.fn();
		const { context } = webhookContext({ parameters: { provider: 'meta' }, credentials: {}, webhookUrl: WEBHOOK_URL }, metaMessage());
		const named: INode = { ...node, credentials: { whatsAppOmniMetaApi: { id: 'cred-1', name: 'WhatsApp' } } };
		failing.mockRejectedValue(new Error('Credential with ID "cred-1" does not exist'));
		const ctx = { ...context, getWorkflow: () => ({ id: 'wf-reuse' }), getNode: () => named, getCredentials: failing } as unknown as IWebhookFunctions;
		await expect(trigger.webhook.call(ctx)).rejects.toThrow('does not exist');
		expect(await deliver({}, metaMessage(), getCredentials)).toEqual({ status: 200, executed: true });
		expect(getCredentials).toHaveBeenCalledTimes(1);
	});

	it('works the same for Twilio', async () => {
		const getCredentials = jest.fn();
		const params = (sid: string) => ({ MessageSid: sid, AccountSid: twilioCredentials.accountSid, From: 'whatsapp:+14155550100', To: 'whatsapp:+14155238886', Body: 'hi', NumMedia: '0' });
		expect(await deliver({ provider: 'twilio' }, signedTwilioCall(params(`SM${'1'.repeat(32)}`), twilioCredentials.authToken), getCredentials)).toEqual({ status: 200, executed: true });
		expect(await deliver({ provider: 'twilio' }, signedTwilioCall(params(`SM${'2'.repeat(32)}`), twilioCredentials.authToken), getCredentials)).toEqual({ status: 200, executed: true });
		expect(getCredentials).toHaveBeenCalledTimes(1);
		expect((await deliver({ provider: 'twilio' }, signedTwilioCall(params(`SM${'3'.repeat(32)}`), 'f'.repeat(32)), getCredentials)).status).toBe(401);
	});

	it('the handshake always reads the credential n8n has now', async () => {
		const getCredentials = jest.fn();
		const handshake: WebhookCall = {
			webhookName: 'setup',
			url: '/webhook/0f1e2d3c/webhook',
			headers: {},
			query: { 'hub.mode': 'subscribe', 'hub.verify_token': 'typed-token', 'hub.challenge': '42' },
			body: {},
			rawBody: Buffer.from(''),
		};
		const manual = { parameters: { metaRegistration: 'manual', verifyToken: 'typed-token' } };
		await deliver(manual, metaMessage(), getCredentials);
		expect(await deliver(manual, handshake, getCredentials)).toEqual({ status: 200, executed: false });
		expect(await deliver(manual, handshake, getCredentials)).toEqual({ status: 200, executed: false });
		expect(getCredentials).toHaveBeenCalledTimes(3);
	});

	it('remembers a bounded number of trigger nodes', async () => {
		const getCredentials = jest.fn();
		for (let i = 0; i <= PROVIDER_REUSE_MAX_ENTRIES; i++) await deliver({ nodeId: `node-${i}` }, metaMessage(), getCredentials);
		expect(getCredentials).toHaveBeenCalledTimes(PROVIDER_REUSE_MAX_ENTRIES + 1);
		// The oldest went first; the newest is still reused.
		await deliver({ nodeId: `node-${PROVIDER_REUSE_MAX_ENTRIES}` }, metaMessage(), getCredentials);
		expect(getCredentials).toHaveBeenCalledTimes(PROVIDER_REUSE_MAX_ENTRIES + 1);
		await deliver({ nodeId: 'node-0' }, metaMessage(), getCredentials);
		expect(getCredentials).toHaveBeenCalledTimes(PROVIDER_REUSE_MAX_ENTRIES + 2);
	});
});
