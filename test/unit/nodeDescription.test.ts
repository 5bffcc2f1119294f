import { readFileSync } from 'node:fs';
import path from 'node:path';

import * as account from '../../nodes/WhatsAppOmni/actions/account/Account.resource';
import * as contact from '../../nodes/WhatsAppOmni/actions/contact/Contact.resource';
import * as conversation from '../../nodes/WhatsAppOmni/actions/conversation/Conversation.resource';
import * as media from '../../nodes/WhatsAppOmni/actions/media/Media.resource';
import * as template from '../../nodes/WhatsAppOmni/actions/template/Template.resource';
import { OPERATION_NAMES, operations } from '../../nodes/WhatsAppOmni/actions/message/Message.resource';
import { WhatsAppOmni } from '../../nodes/WhatsAppOmni/WhatsAppOmni.node';
import { WhatsAppOmniTrigger } from '../../nodes/WhatsAppOmni/WhatsAppOmniTrigger.node';

const root = path.resolve(__dirname, '../..');
const description = new WhatsAppOmni().description;

describe('WhatsApp Omni node description', () => {
	it('is named as DESIGN.md says and usable as an AI tool', () => {
		expect(description).toMatchObject({ displayName: 'WhatsApp Omni', name: 'whatsAppOmni', usableAsTool: true, version: 1 });
	});

	it('shows the credential that follows the provider', () => {
		expect(description.credentials).toEqual([
			{ name: 'whatsAppOmniMetaApi', required: true, displayOptions: { show: { provider: ['meta'] } } },
			{ name: 'whatsAppOmniTwilioApi', required: true, displayOptions: { show: { provider: ['twilio'] } } },
		]);
	});

	it('offers Window Check on every free-form send, never on Send Template, and on Send Reply except template replies', () => {
		const checked = description.properties
			.filter((property) => property.name === 'windowCheck')
			.flatMap((property) => property.displayOptions?.show?.operation as string[]);
		expect(checked.sort()).toEqual(['sendContact', 'sendDocument', 'sendInteractive', 'sendLocation', 'sendMedia', 'sendReply', 'sendSticker', 'sendText']);
		const reply = description.properties.find((property) => property.name === 'windowCheck' && property.displayOptions?.show?.operation?.includes('sendReply'));
		expect(reply?.displayOptions?.hide).toEqual({ messageType: ['template'] });
		// The fallback template is Send Template's own picker, shown only when it is asked for.
		const fallback = description.properties.filter((property) => property.name === 'template' && property.displayOptions?.show?.operation?.includes('sendText'));
		expect(fallback.map((property) => property.displayOptions?.show?.windowCheck)).toEqual([['sendTemplate'], ['sendTemplate']]);
	});

	it('describes every parameter for people and agents', () => {
		const missing = description.properties
			.filter((property) => property.type !== 'options' || property.name !== 'resource')
			.filter((property) => property.type !== 'collection' && property.type !== 'notice')
			.filter((property) => !property.description)
			.map((property) => property.name);
		expect(missing.filter((name) => name !== 'operation')).toEqual([]);
	});

	it.each([
		['message', operations, OPERATION_NAMES],
		['media', media.operations, media.OPERATION_NAMES],
		['template', template.operations, template.OPERATION_NAMES],
		['contact', contact.operations, contact.OPERATION_NAMES],
		['conversation', conversation.operations, conversation.OPERATION_NAMES],
		['account', account.operations, account.OPERATION_NAMES],
	] as Array<[string, object, Record<string, string>]>)('offers exactly the %s operations the router runs, and names each in the subtitle', (resource, ops, names) => {
		const operationParameter = description.properties.find(
			(p) => p.name === 'operation' && (p.displayOptions?.show?.resource as string[] | undefined)?.includes(resource),
		);
		const offered = (operationParameter?.options as Array<{ value: string; name: string }>).map((o) => o.value).sort();
		expect(offered).toEqual(Object.keys(ops).sort());
		expect(Object.keys(names).sort()).toEqual(offered);
		for (const [value, name] of Object.entries(names)) {
			expect(description.subtitle).toContain(`"${value}":"${name}"`);
			expect((operationParameter?.options as Array<{ value: string; name: string }>).find((o) => o.value === value)?.name).toBe(name);
		}
	});

	it('offers every resource of DESIGN.md’s tools table', () => {
		const resource = description.properties.find((p) => p.name === 'resource');
		expect((resource?.options as Array<{ value: string }>).map((o) => o.value).sort()).toEqual([
			'account',
			'contact',
			'conversation',
			'media',
			'message',
			'template',
		]);
	});

	it('has its icons and codex file in place', () => {
		const dir = path.join(root, 'nodes/WhatsAppOmni');
		for (const file of ['whatsapp.svg', 'whatsapp.dark.svg']) {
			expect(readFileSync(path.join(dir, file), 'utf8')).toMatch(/^<svg/);
		}
		const codex = JSON.parse(readFileSync(path.join(dir, 'WhatsAppOmni.node.json'), 'utf8'));
		expect(codex).toMatchObject({ node: 'n8n-nodes-whatsapp-omni.whatsAppOmni', categories: ['Communication'] });
	});

	it('is listed in package.json with the trigger and both credentials', () => {
		const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
		expect(pkg.keywords).toContain('n8n-community-node-package');
		expect(pkg.files).toEqual(['dist']);
		expect(pkg.peerDependencies).toEqual({ 'n8n-workflow': '*' });
		expect(Object.keys(pkg.dependencies).sort()).toEqual(['axios', 'pg', 'rate-limiter-flexible', 'twilio']); // pg: the PostgreSQL conversation store (DESIGN.md, Dependencies); rate-limiter-flexible: the send rate shared across processes
		expect(pkg.n8n.nodes).toEqual(['dist/nodes/WhatsAppOmni/WhatsAppOmni.node.js', 'dist/nodes/WhatsAppOmni/WhatsAppOmniTrigger.node.js']);
		expect(pkg.n8n.credentials.sort()).toEqual([
			'dist/credentials/WhatsAppOmniMetaApi.credentials.js',
			'dist/credentials/WhatsAppOmniTwilioApi.credentials.js',
		]);
	});
});

describe('WhatsApp Omni Trigger description', () => {
	const trigger = new WhatsAppOmniTrigger().description;

	it('is named as DESIGN.md says, is a trigger, and is never an AI tool', () => {
		expect(trigger).toMatchObject({ displayName: 'WhatsApp Omni Trigger', name: 'whatsAppOmniTrigger', group: ['trigger'], inputs: [] });
		expect(trigger.usableAsTool).toBeUndefined();
	});

	it('offers version 2 to new nodes (n8n evaluates an expression per request for start nodes of version 1) and keeps version 1 working', () => {
		expect(trigger).toMatchObject({ version: [1, 2], defaultVersion: 2 });
		// Both versions have the same parameters: nothing is shown or hidden by version.
		expect(JSON.stringify(trigger.properties)).not.toContain('@version');
	});

	it('has the handshake (GET) and the events (POST) on one path', () => {
		expect(trigger.webhooks?.map((w) => [w.name, w.httpMethod, w.path])).toEqual([
			['setup', 'GET', 'webhook'],
			['default', 'POST', 'webhook'],
		]);
	});

	it('offers every registration mode of each provider', () => {
		const modes = (name: string) => (trigger.properties.find((p) => p.name === name)?.options as Array<{ value: string }>).map((o) => o.value).sort();
		expect(modes('metaRegistration')).toEqual(['app', 'businessAccount', 'manual', 'phoneNumber']);
		expect(modes('twilioRegistration')).toEqual(['manual', 'messagingService', 'sender']);
	});

	it('has its codex file', () => {
		const codex = JSON.parse(readFileSync(path.join(root, 'nodes/WhatsAppOmni/WhatsAppOmniTrigger.node.json'), 'utf8'));
		expect(codex).toMatchObject({ node: 'n8n-nodes-whatsapp-omni.whatsAppOmniTrigger', categories: ['Communication'] });
	});
});
