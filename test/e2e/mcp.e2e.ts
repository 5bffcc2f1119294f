/**
 * WhatsApp for any assistant: the mcp-server example published in a real n8n, reached by the
 * official MCP TypeScript SDK as the client (streamable HTTP, Bearer token), on Meta and Twilio.
 * The client lists the tools with their input schemas, sends a text that the sandbox's chat shows,
 * reads it back from the chat history, and gets a bad number back as a tool error that says what
 * to fix. A client without the token is refused.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

import { eventually, startEnvironment, type E2eEnvironment, type Provider } from './n8n';

const { exampleWorkflow } = require('../../scripts/n8n/examples');

const TOKEN = 'mcp-e2e-bearer-token-0123456789';
const TOOLS = ['Send_Text', 'Send_Template', 'Send_Buttons', 'Get_Chat_History', 'Get_Message_Status', 'Get_Window', 'Check_Setup'];

let env: E2eEnvironment;
let bearer: { id: string; name: string };

beforeAll(async () => {
	env = await startEnvironment();
	bearer = await env.api.createCredential('MCP client token', 'httpBearerAuth', { token: TOKEN });
}, 20 * 60_000);

afterAll(async () => {
	await env?.stop();
}, 60_000);

/** Publishes the example for the provider on its own path; returns the MCP URL. */
async function publishServer(provider: Provider): Promise<{ url: string; workflowId: string }> {
	const workflow = exampleWorkflow(`mcp-server.${provider}.json`, env.credentials);
	const trigger = workflow.nodes.find((node: { type: string }) => node.type === '@n8n/n8n-nodes-langchain.mcpTrigger');
	trigger.parameters.path = `whatsapp-${provider}`;
	trigger.credentials = { httpBearerAuth: { id: bearer.id, name: bearer.name } };
	trigger.webhookId = crypto.randomUUID();
	const created = await env.api.createWorkflow(workflow);
	await env.api.activate(created.id);
	return { url: `${env.baseUrl}/mcp/whatsapp-${provider}`, workflowId: created.id };
}

async function connect(url: string, token = TOKEN): Promise<Client> {
	const client = new Client({ name: 'whatsapp-omni-e2e', version: '1.0.0' });
	await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
	return client;
}

const text = (result: Record<string, unknown>) =>
	((result.content ?? []) as Array<{ type: string; text?: string }>)
		.filter((part) => part.type === 'text')
		.map((part) => part.text)
		.join('\n');

describe.each(['meta', 'twilio'] as const)('%s: the MCP server example with the MCP SDK as client', (provider) => {
	let server: { url: string; workflowId: string };
	let client: Client;

	beforeAll(async () => {
		server = await publishServer(provider);
		client = await connect(server.url);
	}, 120_000);

	afterAll(async () => {
		await client?.close();
		if (server) await env.api.deactivate(server.workflowId);
	}, 60_000);

	it('lists the seven tools, each with a description and every parameter the assistant fills described', async () => {
		const { tools } = await client.listTools();
		expect(tools.map((tool) => tool.name).sort()).toEqual([...TOOLS].sort());
		for (const tool of tools) {
			expect(tool.description?.length).toBeGreaterThan(30);
			const properties = (tool.inputSchema.properties ?? {}) as Record<string, { description?: string; type?: string }>;
			for (const [name, schema] of Object.entries(properties)) {
				expect({ tool: tool.name, name, described: (schema.description ?? '').length > 15 }).toEqual({ tool: tool.name, name, described: true });
			}
		}
		const sendText = tools.find((tool) => tool.name === 'Send_Text')!;
		expect(Object.keys(sendText.inputSchema.properties ?? {}).sort()).toEqual(['text', 'to']);
		expect((sendText.inputSchema.properties as Record<string, { description: string }>).to.description).toMatch(/\+15551234567/);
		expect(Object.keys(tools.find((tool) => tool.name === 'Get_Chat_History')!.inputSchema.properties ?? {}).sort()).toEqual(['contact', 'limit']);
	});

	it('sends a text the chat shows, and reads it back from the chat history', async () => {
		const to = env.sandbox.chat.user.phone;
		const words = `Your table for two is booked for 19:30 (${provider})`;
		const sent = await client.callTool({ name: 'Send_Text', arguments: { to, text: words } });
		expect(sent.isError).toBeFalsy();
		expect(text(sent)).toMatch(provider === 'meta' ? /wamid\./ : /SM[0-9a-f]{32}/);
		await eventually(() => env.sandbox.chat.list(provider).some((message) => message.direction === 'out' && message.text === words));

		const history = await client.callTool({ name: 'Get_Chat_History', arguments: { contact: to, limit: 5 } });
		expect(history.isError).toBeFalsy();
		expect(text(history)).toContain(words);
	});

	it('a bad number comes back as a tool error that says what to fix, and nothing is sent', async () => {
		const before = env.sandbox.chat.list(provider).length;
		const result = await client.callTool({ name: 'Send_Text', arguments: { to: '0151 2345678', text: 'Hi' } });
		expect(text(result)).toMatch(/country code/i);
		expect(text(result)).toMatch(/\+15551234567/);
		expect(env.sandbox.chat.list(provider).length).toBe(before);
	});

	it('a client without the token is refused', async () => {
		await expect(connect(server.url, 'not-the-token')).rejects.toThrow();
	});
});
