#!/usr/bin/env node
// Regenerates sandbox/specs/twilio/*.json from Twilio's official OpenAPI files
// (twilio/twilio-oai, spec/json/), kept unchanged in ../shared/specs/twilio.
// Usage: node sandbox/specs/extract.js [sourceDir] [targetDir]
//
// Plain JavaScript on purpose: it must run with bare `node`, without a TypeScript build.
// Whole path items are copied (every operation on a path), so a later route on an already
// extracted path needs no regeneration. Only what a request check needs is kept: parameters
// and request bodies, plus every component schema they reference. Descriptions, examples
// and responses are dropped to keep the copies small enough to read in a review.
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const repoRoot = path.resolve(__dirname, '..', '..');
const sourceDir = path.resolve(process.argv[2] || path.join(repoRoot, '..', 'shared', 'specs', 'twilio'));
const targetDir = path.resolve(process.argv[3] || path.join(__dirname, 'twilio'));

// The upstream commit the source copies were taken from (see their README).
const UPSTREAM = { repository: 'https://github.com/twilio/twilio-oai', directory: 'spec/json', commit: 'd50069b', date: '2026-04-14' };

// Paths the package uses or will use. Keep in sync with sandbox/specs/twilio/README.md.
const WANTED = {
	'twilio_api_v2010.json': [
		'/2010-04-01/Accounts/{Sid}.json',
		'/2010-04-01/Accounts/{AccountSid}/Messages.json',
		'/2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json',
		'/2010-04-01/Accounts/{AccountSid}/Messages/{MessageSid}/Media.json',
		'/2010-04-01/Accounts/{AccountSid}/Messages/{MessageSid}/Media/{Sid}.json',
	],
	'twilio_content_v1.json': [
		'/v1/Content',
		'/v1/Content/{Sid}',
		'/v1/ContentAndApprovals',
		'/v1/Content/{Sid}/ApprovalRequests',
		'/v1/Content/{ContentSid}/ApprovalRequests/whatsapp',
	],
	'twilio_messaging_v1.json': ['/v1/Services/{Sid}'],
	'twilio_messaging_v2.json': ['/v2/Channels/Senders', '/v2/Channels/Senders/{Sid}', '/v2/Indicators/Typing.json'],
	'twilio_lookups_v2.json': ['/v2/PhoneNumbers/{PhoneNumber}'],
};

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
const DROPPED_KEYS = new Set(['description', 'example', 'examples', 'x-field-extra-annotation']);

// Keys under `properties` are parameter names, not annotations: a property called
// `description` must survive.
function strip(value, isPropertyMap = false) {
	if (Array.isArray(value)) return value.map((item) => strip(item));
	if (value && typeof value === 'object') {
		const out = {};
		for (const [key, inner] of Object.entries(value)) {
			if (isPropertyMap || !DROPPED_KEYS.has(key)) out[key] = strip(inner, !isPropertyMap && key === 'properties');
		}
		return out;
	}
	return value;
}

function collectRefs(value, found) {
	if (Array.isArray(value)) {
		for (const item of value) collectRefs(item, found);
	} else if (value && typeof value === 'object') {
		for (const [key, inner] of Object.entries(value)) {
			if (key === '$ref' && typeof inner === 'string') found.add(inner);
			else collectRefs(inner, found);
		}
	}
}

function resolvePointer(document, ref) {
	if (!ref.startsWith('#/')) throw new Error(`external $ref not supported: ${ref}`);
	let node = document;
	for (const part of ref.slice(2).split('/')) {
		node = node[part.replace(/~1/g, '/').replace(/~0/g, '~')];
		if (node === undefined) throw new Error(`dangling $ref: ${ref}`);
	}
	return node;
}

function extract(file, wantedPaths) {
	const document = JSON.parse(fs.readFileSync(path.join(sourceDir, file), 'utf8'));
	const paths = {};
	for (const wanted of wantedPaths) {
		const item = document.paths[wanted];
		if (!item) throw new Error(`${file}: path ${wanted} not found`);
		const kept = {};
		if (item.servers) kept.servers = item.servers;
		for (const method of METHODS) {
			const operation = item[method];
			if (!operation) continue;
			kept[method] = strip({
				operationId: operation.operationId,
				summary: operation.summary,
				parameters: operation.parameters || [],
				...(operation.requestBody ? { requestBody: operation.requestBody } : {}),
			});
		}
		paths[wanted] = kept;
	}

	// Copy referenced components transitively, keeping their $ref names so the copy can be
	// compared with the source by eye.
	const components = {};
	const pending = new Set();
	collectRefs(paths, pending);
	const done = new Set();
	while (pending.size > 0) {
		const [ref] = pending;
		pending.delete(ref);
		if (done.has(ref)) continue;
		done.add(ref);
		const [, section, name] = ref.split('/').slice(1);
		const target = strip(resolvePointer(document, ref));
		components[section] = components[section] || {};
		components[section][name] = target;
		collectRefs(target, pending);
	}
	for (const section of Object.keys(components)) {
		const sorted = {};
		for (const name of Object.keys(components[section]).sort()) sorted[name] = components[section][name];
		components[section] = sorted;
	}

	return {
		'x-extracted': {
			from: `${UPSTREAM.repository}/blob/${UPSTREAM.commit}/${UPSTREAM.directory}/${file}`,
			commit: UPSTREAM.commit,
			commitDate: UPSTREAM.date,
			generator: 'sandbox/specs/extract.js',
			note: 'Generated file: do not edit. Parameters and request bodies only; descriptions, examples and responses removed.',
		},
		openapi: document.openapi,
		info: { title: document.info.title, version: document.info.version },
		servers: document.servers,
		paths,
		components,
	};
}

fs.mkdirSync(targetDir, { recursive: true });
for (const [file, wantedPaths] of Object.entries(WANTED)) {
	const output = extract(file, wantedPaths);
	fs.writeFileSync(path.join(targetDir, file), JSON.stringify(output, null, '\t') + '\n');
	process.stdout.write(`${file}: ${wantedPaths.length} paths, ${Object.keys(output.components.schemas || {}).length} schemas\n`);
}
// Written rather than copied so the read-only mode of the source copy does not follow it.
fs.writeFileSync(path.join(targetDir, 'LICENSE'), fs.readFileSync(path.join(sourceDir, 'LICENSE')));
