/** n8n's REST and public API, as far as the sandbox set-up and the end-to-end tests need them. */

const OWNER = { email: 'owner@whatsapp-omni.test', firstName: 'Omni', lastName: 'Owner', password: 'Sandbox-Passw0rd!' };

class N8nApi {
	constructor(baseUrl) {
		this.baseUrl = baseUrl;
		this.cookie = '';
		this.apiKey = '';
	}

	async request(method, path, { body, useCookie = false, expect = [200, 201] } = {}) {
		const headers = { accept: 'application/json' };
		if (body !== undefined) headers['content-type'] = 'application/json';
		if (useCookie) headers.cookie = this.cookie;
		else if (this.apiKey) headers['x-n8n-api-key'] = this.apiKey;
		const response = await fetch(`${this.baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
		const text = await response.text();
		let data;
		try {
			data = text ? JSON.parse(text) : undefined;
		} catch {
			data = text;
		}
		if (!expect.includes(response.status)) {
			throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 500)}`);
		}
		return { status: response.status, data, headers: response.headers };
	}

	/** Owner account (created the first time), login cookie and an API key with every scope. */
	async signIn() {
		await this.request('POST', '/rest/owner/setup', { body: OWNER, expect: [200, 400] });
		const login = await fetch(`${this.baseUrl}/rest/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ emailOrLdapLoginId: OWNER.email, password: OWNER.password }),
		});
		if (!login.ok) throw new Error(`login failed: ${login.status} ${await login.text()}`);
		this.cookie = (login.headers.getSetCookie?.() ?? [login.headers.get('set-cookie') ?? '']).map((c) => c.split(';')[0]).join('; ');
		const scopes = (await this.request('GET', '/rest/api-keys/scopes', { useCookie: true })).data.data;
		const key = await this.request('POST', '/rest/api-keys', {
			useCookie: true,
			body: { label: `omni-${Date.now()}`, expiresAt: null, scopes },
		});
		this.apiKey = key.data.data.rawApiKey;
		return OWNER;
	}

	async createCredential(name, type, data) {
		return (await this.request('POST', '/api/v1/credentials', { body: { name, type, data } })).data;
	}

	async createWorkflow(workflow) {
		const { name, nodes, connections, settings } = workflow;
		return (await this.request('POST', '/api/v1/workflows', { body: { name, nodes, connections, settings: settings ?? { executionOrder: 'v1' } } })).data;
	}

	/** Activates and waits until the trigger's activation (webhookMethods) has really run. */
	async activate(id, timeoutMs = 60_000) {
		await this.request('POST', `/api/v1/workflows/${id}/activate`);
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const status = await this.request('GET', `/rest/workflows/${id}/publication-status`, { useCookie: true, expect: [200, 404] });
			const value = status.data?.data ?? status.data;
			const state = typeof value === 'string' ? value : value?.status;
			if (status.status === 404 || state === 'published' || state === undefined) return value;
			if (state === 'failed') throw new Error(`activation failed: ${JSON.stringify(value)}`);
			if (Date.now() > deadline) throw new Error(`activation of ${id} did not finish: ${JSON.stringify(value)}`);
			await new Promise((resolve) => setTimeout(resolve, 300));
		}
	}

	async deactivate(id) {
		return (await this.request('POST', `/api/v1/workflows/${id}/deactivate`)).data;
	}

	async executions(workflowId) {
		return (await this.request('GET', `/api/v1/executions?workflowId=${workflowId}&includeData=true&limit=100`)).data.data;
	}

	async nodeTypes() {
		return (await this.request('GET', '/types/nodes.json', { useCookie: true })).data;
	}
}

module.exports = { N8nApi, OWNER };
