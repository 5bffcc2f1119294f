'use strict';
const crypto = require('node:crypto');

/**
 * n8n's Webhook node (typeVersion 2) taking POSTs at /webhook/`path`, for workflows the tests and
 * benchmarks create; `answer` says when and with what it responds (responseMode, responseData).
 */
function webhookNode(path, answer, position = [0, 0]) {
	return {
		id: crypto.randomUUID(),
		name: 'Webhook',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position,
		webhookId: crypto.randomUUID(),
		parameters: { httpMethod: 'POST', path, ...answer, options: {} },
	};
}

module.exports = { webhookNode };
