'use strict';
/**
 * The data of this package's two credentials, pointing at a running sandbox's accounts: one
 * source for `npm start`, the e2e suite and the in-process workflow tests.
 * `messagingService: false` leaves the Messaging Service out, so Twilio sends from the number.
 */
function sandboxCredentialData(sandbox, { messagingService = true } = {}) {
	return {
		whatsAppOmniMetaApi: {
			accessToken: sandbox.meta.accessToken,
			phoneNumberId: sandbox.meta.phoneNumberId,
			businessAccountId: sandbox.meta.wabaId,
			appId: sandbox.meta.appId,
			appSecret: sandbox.meta.appSecret,
			graphApiVersion: 'v24.0',
			baseUrl: sandbox.graphBaseUrl,
		},
		whatsAppOmniTwilioApi: {
			authType: 'authToken',
			accountSid: sandbox.twilio.accountSid,
			authToken: sandbox.twilio.authToken,
			whatsAppNumber: sandbox.twilio.whatsAppNumber,
			...(messagingService ? { messagingServiceSid: sandbox.twilio.messagingServiceSid } : {}),
			baseUrl: sandbox.twilioBaseUrl,
		},
	};
}

/** Names of the credentials `npm start` and the e2e suite create in n8n. */
const SANDBOX_CREDENTIAL_NAMES = {
	whatsAppOmniMetaApi: 'WhatsApp Omni Meta (sandbox)',
	whatsAppOmniTwilioApi: 'WhatsApp Omni Twilio (sandbox)',
};

/**
 * n8n 1.x's public API schema demands allowedDomains unless the HTTP Request domain restriction
 * is stated, so it is stated as n8n's own default ('all') wherever n8n has the setting.
 */
async function domainDefault(api, type) {
	const schema = await api.request('GET', `/api/v1/credentials/schema/${type}`, { expect: [200, 404] });
	return schema.data?.properties?.allowedHttpRequestDomains ? { allowedHttpRequestDomains: 'all' } : {};
}

/** Creates both credentials in n8n through its API: `{ meta, twilio }`, each `{ id, name }`. */
async function createSandboxCredentials(api, sandbox) {
	const data = sandboxCredentialData(sandbox);
	const create = async (type) => api.createCredential(SANDBOX_CREDENTIAL_NAMES[type], type, { ...data[type], ...(await domainDefault(api, type)) });
	return { meta: await create('whatsAppOmniMetaApi'), twilio: await create('whatsAppOmniTwilioApi') };
}

/**
 * n8n's own OpenAI credential (`openAiApi`) pointing at the sandbox's OpenAI stand-in: its Base
 * URL is the stand-in's, the API key a placeholder (the stand-in takes any). The AI-agent
 * example's OpenAI Chat Model then runs on the stand-in's fixed script, no key needed; with a
 * real key and the default Base URL the same workflow talks to OpenAI.
 */
const OPENAI_STAND_IN_CREDENTIAL_NAME = 'OpenAI (sandbox stand-in)';

function openAiStandInCredentialData(sandbox) {
	return { apiKey: 'sk-sandbox-stand-in-any-key-works', url: sandbox.openAiBaseUrl, header: false };
}

/** Creates that credential in n8n: `{ id, name }`. */
async function createOpenAiStandInCredential(api, sandbox) {
	return api.createCredential(OPENAI_STAND_IN_CREDENTIAL_NAME, 'openAiApi', { ...openAiStandInCredentialData(sandbox), ...(await domainDefault(api, 'openAiApi')) });
}

/**
 * The workflow with the OpenAI credential (`{ id, name }`) on every OpenAI Chat Model node: the
 * example files leave the model's credential out, so they import without one.
 */
function withChatModelCredential(workflow, credential) {
	for (const node of workflow.nodes) {
		if (node.type === '@n8n/n8n-nodes-langchain.lmChatOpenAi') node.credentials = { openAiApi: { id: credential.id, name: credential.name } };
	}
	return workflow;
}

const MCP_TOKEN_CREDENTIAL_NAME = 'MCP client token (sandbox)';

/**
 * The Bearer token an MCP client sends to the mcp-server example (n8n's `httpBearerAuth`), made
 * at random: `{ id, name, token }` (the token is printed by npm start, for the client).
 */
async function createMcpTokenCredential(api) {
	const token = `omni-mcp-${require('node:crypto').randomBytes(18).toString('base64url')}`;
	const created = await api.createCredential(MCP_TOKEN_CREDENTIAL_NAME, 'httpBearerAuth', { token, ...(await domainDefault(api, 'httpBearerAuth')) });
	return { id: created.id, name: created.name, token };
}

/** The workflow with the token credential on every MCP Server Trigger (the files leave it out). */
function withMcpTokenCredential(workflow, credential) {
	for (const node of workflow.nodes) {
		if (node.type === '@n8n/n8n-nodes-langchain.mcpTrigger') node.credentials = { httpBearerAuth: { id: credential.id, name: credential.name } };
	}
	return workflow;
}

module.exports = {
	createMcpTokenCredential,
	withMcpTokenCredential,
	sandboxCredentialData,
	createSandboxCredentials,
	OPENAI_STAND_IN_CREDENTIAL_NAME,
	openAiStandInCredentialData,
	createOpenAiStandInCredential,
	withChatModelCredential,
};
