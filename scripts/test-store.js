#!/usr/bin/env node
/**
 * `npm run test:store`: every conversation store suite (test/store) under Node 24, the Node.js
 * n8n runs on, where node:sqlite exists, so the SQLite contract suite really runs (`npm test` on
 * Node 20 leaves it out). Node 24 comes from the npm registry into the n8n cache folder, as for
 * the end-to-end tests. Fails unless the SQLite suite ran every test and skipped none.
 *
 *   npm run test:store [-- <jest arguments>]
 */
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { RUNTIMES, ensureNode } = require('./n8n/install');

const root = path.join(__dirname, '..');
const nodeHome = ensureNode(RUNTIMES.current.node);
const node = path.join(nodeHome, 'bin', 'node');
const results = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'omni-test-store-')), 'results.json');

const run = spawnSync(node, [path.join(root, 'node_modules', 'jest', 'bin', 'jest.js'), 'test/store', '--json', `--outputFile=${results}`, ...process.argv.slice(2)], {
	cwd: root,
	stdio: 'inherit',
	env: {
		...process.env,
		PATH: `${path.join(nodeHome, 'bin')}${path.delimiter}${process.env.PATH}`,
		// node:sqlite prints an ExperimentalWarning on every process; the suites say what they test.
		NODE_OPTIONS: [process.env.NODE_OPTIONS, '--disable-warning=ExperimentalWarning'].filter(Boolean).join(' '),
	},
});

let report;
try {
	report = JSON.parse(fs.readFileSync(results, 'utf8'));
} catch {
	console.error(`test:store: jest wrote no results (exit ${run.status ?? run.signal})`);
	process.exit(1);
} finally {
	fs.rmSync(path.dirname(results), { recursive: true, force: true });
}

const sqlite = report.testResults.find((suite) => suite.name.endsWith(path.join('test', 'store', 'sqlite.test.ts')));
const ran = sqlite ? sqlite.assertionResults.filter((test) => test.status === 'passed' || test.status === 'failed').length : 0;
const notRun = sqlite ? sqlite.assertionResults.length - ran : 0;
console.log(`test:store on Node ${spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim()}: ${report.numPassedTests} passed, ${report.numFailedTests} failed; SQLite suite: ${ran} ran, ${notRun} not run`);
if (run.status !== 0) process.exit(run.status ?? 1);
if (!sqlite || ran === 0 || notRun > 0) {
	console.error('test:store: the SQLite contract suite did not run in full');
	process.exit(1);
}
