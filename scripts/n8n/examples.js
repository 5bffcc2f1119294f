'use strict';
const fs = require('node:fs');
const path = require('node:path');

const EXAMPLES_DIR = path.resolve(__dirname, '..', '..', 'examples');

/**
 * An example workflow with its credential placeholders pointing at the given n8n credentials
 * (`{ meta, twilio }`, each `{ id, name }`); other placeholders (e.g. an AI model's) are dropped.
 */
function exampleWorkflow(file, credentials) {
	const workflow = JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, file), 'utf8'));
	for (const node of workflow.nodes) {
		for (const [type, reference] of Object.entries(node.credentials ?? {})) {
			const credential = type === 'whatsAppOmniMetaApi' ? credentials.meta : type === 'whatsAppOmniTwilioApi' ? credentials.twilio : undefined;
			if (credential) node.credentials[type] = { id: credential.id, name: credential.name };
			else if (reference.id === 'REPLACE') delete node.credentials[type];
		}
	}
	return workflow;
}

module.exports = { EXAMPLES_DIR, exampleWorkflow };
