#!/usr/bin/env node
/**
 * Packs the package as `npm publish` would and checks the tarball the way n8n will use it:
 * the right files are in it (and nothing else), and n8n's own community-package loader
 * (n8n-core's PackageDirectoryLoader) finds the node, the tool variant's source and both
 * credentials with their icons. Run after `npm run build`.
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
// Inside the project, so the unpacked package resolves twilio and axios from node_modules.
const work = path.join(root, '.cache', 'pack-check');

function fail(message) {
	console.error(`check-package: ${message}`);
	process.exit(1);
}

async function main() {
	fs.rmSync(work, { recursive: true, force: true });
	fs.mkdirSync(work, { recursive: true });
	const [packed] = JSON.parse(
		execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], {
			cwd: root,
			encoding: 'utf8',
			stdio: ['ignore', 'pipe', 'ignore'],
		}),
	);
	const tarball = path.join(work, packed.filename);
	const unpacked = path.join(work, 'node_modules', 'n8n-nodes-whatsapp-omni');
	fs.mkdirSync(unpacked, { recursive: true });
	execFileSync('tar', ['-xzf', tarball, '-C', unpacked, '--strip-components=1']);

	const files = packed.files.map((file) => file.path).sort();
	const required = [
		'package.json',
		'README.md',
		'LICENSE',
		'dist/credentials/WhatsAppOmniMetaApi.credentials.js',
		'dist/credentials/WhatsAppOmniTwilioApi.credentials.js',
		'dist/nodes/WhatsAppOmni/WhatsAppOmni.node.js',
		'dist/nodes/WhatsAppOmni/WhatsAppOmni.node.json',
		'dist/nodes/WhatsAppOmni/WhatsAppOmniTrigger.node.js',
		'dist/nodes/WhatsAppOmni/WhatsAppOmniTrigger.node.json',
		'dist/nodes/WhatsAppOmni/whatsapp.svg',
		'dist/nodes/WhatsAppOmni/whatsapp.dark.svg',
	];
	const missing = required.filter((file) => !files.includes(file));
	if (missing.length) fail(`the tarball lacks ${missing.join(', ')}`);
	const stray = files.filter((file) => !/^(dist\/|package\.json$|README\.md$|LICENSE$|CHANGELOG\.md$|index\.js$)/.test(file));
	if (stray.length) fail(`the tarball holds files users do not need: ${stray.join(', ')}`);
	if (files.some((file) => /\.test\.|\/test\/|sandbox/.test(file))) fail('tests or the sandbox leaked into the tarball');

	const pkg = JSON.parse(fs.readFileSync(path.join(unpacked, 'package.json'), 'utf8'));
	for (const entry of [...pkg.n8n.nodes, ...pkg.n8n.credentials]) {
		if (!fs.existsSync(path.join(unpacked, entry))) fail(`package.json lists ${entry}, which is not in the tarball`);
	}

	const { PackageDirectoryLoader } = require('n8n-core');
	const loader = new PackageDirectoryLoader(unpacked);
	await loader.loadAll();
	const nodes = Object.keys(loader.nodeTypes);
	const credentials = Object.keys(loader.credentialTypes);
	for (const name of ['whatsAppOmni', 'whatsAppOmniTrigger']) {
		if (!nodes.includes(name)) fail(`n8n's loader found nodes ${JSON.stringify(nodes)}, not ${name}`);
	}
	for (const name of ['whatsAppOmniMetaApi', 'whatsAppOmniTwilioApi']) {
		if (!credentials.includes(name)) fail(`n8n's loader did not find credential ${name}`);
	}
	const node = loader.nodeTypes.whatsAppOmni.type.description;
	if (node.usableAsTool !== true) fail('the node is not usable as an AI tool');
	const triggerNode = loader.nodeTypes.whatsAppOmniTrigger.type.description;
	if (triggerNode.usableAsTool) fail('the trigger must not be an AI tool');
	const icons = [node, triggerNode, ...credentials.map((name) => loader.credentialTypes[name].type)].map((type) => type.iconUrl);
	if (icons.some((icon) => !icon || !icon.light || !icon.dark)) fail(`icons were not resolved: ${JSON.stringify(icons)}`);
	for (const icon of icons.flatMap((i) => [i.light, i.dark])) {
		// iconUrl is icons/<package>/<path inside the package>
		const file = path.join(unpacked, icon.split('/').slice(2).join('/'));
		if (!fs.existsSync(file)) fail(`icon ${icon} does not exist in the tarball`);
	}

	console.log(
		`check-package: ${packed.filename}, ${files.length} files, ${(packed.size / 1024).toFixed(1)} KiB packed; ` +
			`n8n loads node ${nodes.join(', ')} and credentials ${credentials.join(', ')} with icons`,
	);
}

main().catch((error) => fail(error.stack ?? String(error)));
