import axios from 'axios';
import type { IAuthenticateGeneric, ICredentialDataDecryptedObject, ICredentialType } from 'n8n-workflow';

import { WhatsAppOmniMetaApi } from '../../credentials/WhatsAppOmniMetaApi.credentials';
import { WhatsAppOmniTwilioApi } from '../../credentials/WhatsAppOmniTwilioApi.credentials';
import { startSandbox, type Sandbox } from '../../sandbox';

/**
 * Resolves `={{ … }}` the way n8n does for credential requests: every `{{ expression }}` is
 * JavaScript with `$credentials` in scope. Enough for the plain expressions these files use.
 */
function resolve(value: unknown, credentials: ICredentialDataDecryptedObject): unknown {
	if (typeof value !== 'string' || !value.startsWith('=')) return value;
	return value.slice(1).replace(/\{\{([\s\S]+?)\}\}/g, (_match, expression: string) =>
		String(new Function('$credentials', `return (${expression});`)(credentials)),
	);
}

/** Runs a credential's `test` request the way n8n's credential tester does, rules included. */
async function testCredential(type: ICredentialType, credentials: ICredentialDataDecryptedObject) {
	const request = type.test!.request;
	const auth = (type.authenticate as IAuthenticateGeneric).properties;
	const headers = Object.fromEntries(
		Object.entries(auth.headers ?? {}).map(([key, value]) => [key, resolve(value, credentials) as string]),
	);
	const basic = auth.auth
		? { username: resolve(auth.auth.username, credentials) as string, password: resolve(auth.auth.password, credentials) as string }
		: undefined;
	const url = `${resolve(request.baseURL, credentials)}${resolve(request.url, credentials)}`;
	const response = await axios.get(url, { headers, auth: basic, params: request.qs, validateStatus: () => true });
	if (response.status >= 200 && response.status < 300) return { status: 'OK' as const, url, data: response.data };
	const rule = (type.test!.rules ?? []).find((r) => r.type === 'responseCode' && r.properties.value === response.status);
	return { status: 'Error' as const, url, message: rule?.properties.message ?? `HTTP ${response.status}` };
}

let sandbox: Sandbox;
beforeAll(async () => {
	sandbox = await startSandbox();
});
afterAll(async () => sandbox.stop());

describe('WhatsApp Omni Meta API credential', () => {
	const type = new WhatsAppOmniMetaApi();
	const good = () => ({ accessToken: sandbox.meta.accessToken, phoneNumberId: sandbox.meta.phoneNumberId, graphApiVersion: 'v24.0', baseUrl: `${sandbox.graphBaseUrl}/` });

	it('has its secrets as password fields', () => {
		const passwords = type.properties.filter((p) => p.typeOptions?.password).map((p) => p.name);
		expect(passwords.sort()).toEqual(['accessToken', 'appSecret']);
	});

	it('passes against the Graph API with a valid token and reads the number', async () => {
		const result = await testCredential(type, good());
		expect(result).toMatchObject({ status: 'OK', data: { display_phone_number: sandbox.meta.displayPhoneNumber, verified_name: sandbox.meta.verifiedName } });
		expect(result.url).toBe(`${sandbox.graphBaseUrl}/v24.0/${sandbox.meta.phoneNumberId}`);
	});

	it('tells what to fix for a wrong token and for a wrong Phone Number ID', async () => {
		expect(await testCredential(type, { ...good(), accessToken: 'nope' })).toMatchObject({ status: 'Error', message: expect.stringMatching(/access token.*System User token/) });
		expect(await testCredential(type, { ...good(), phoneNumberId: '999' })).toMatchObject({ status: 'Error', message: expect.stringMatching(/Phone Number ID/) });
	});

	it('defaults to graph.facebook.com and v24.0', () => {
		expect(resolve(type.test!.request.baseURL, { baseUrl: '', graphApiVersion: '' })).toBe('https://graph.facebook.com/v24.0');
	});
});

describe('WhatsApp Omni Twilio API credential', () => {
	const type = new WhatsAppOmniTwilioApi();
	const good = () => ({ authType: 'authToken', accountSid: sandbox.twilio.accountSid, authToken: sandbox.twilio.authToken, baseUrl: sandbox.twilioBaseUrl });

	it('has its secrets as password fields', () => {
		const passwords = type.properties.filter((p) => p.typeOptions?.password).map((p) => p.name);
		// The API Key SID is not a secret, but n8n's lint rules hide anything named like a key.
		expect(passwords.sort()).toEqual(['apiKeySecret', 'apiKeySid', 'authToken']);
	});

	it('passes with the Auth Token and with an API key', async () => {
		expect(await testCredential(type, good())).toMatchObject({ status: 'OK', data: { sid: sandbox.twilio.accountSid } });
		expect(
			await testCredential(type, { ...good(), authType: 'apiKey', authToken: '', apiKeySid: sandbox.twilio.apiKeySid, apiKeySecret: sandbox.twilio.apiKeySecret }),
		).toMatchObject({ status: 'OK' });
	});

	it('tells what to fix for wrong credentials', async () => {
		expect(await testCredential(type, { ...good(), authToken: 'wrong' })).toMatchObject({ status: 'Error', message: expect.stringMatching(/Account SID and Auth Token/) });
	});

	it.each([
		[{}, 'https://api.twilio.com'],
		[{ region: 'ie1' }, 'https://api.ie1.twilio.com'],
		[{ region: 'au1', edge: 'sydney' }, 'https://api.sydney.au1.twilio.com'],
		[{ edge: 'dublin' }, 'https://api.dublin.us1.twilio.com'],
		[{ baseUrl: 'http://gw.local/twilio/' }, 'http://gw.local/twilio/api'],
	])('builds the API host for %p', (overrides, expected) => {
		expect(resolve(type.test!.request.baseURL, { baseUrl: '', region: '', edge: '', ...overrides })).toBe(expected);
	});
});
