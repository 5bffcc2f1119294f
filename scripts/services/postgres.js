/**
 * A throw-away PostgreSQL for tests, end-to-end runs and benchmarks: Debian's server binaries
 * (package `postgresql`), a temporary data folder, a free loopback port, trust authentication,
 * its unix socket inside the folder. stop() ends it and deletes the folder; a process that exits
 * without calling it still stops the server.
 *
 * initdb refuses to run as root: as root (CI), the server runs as the `postgres` user the package
 * creates (else `nobody`), and the folder is handed to that user.
 *
 *   const { startPostgres } = require('./scripts/services/postgres');
 *   const pg = await startPostgres();   // { url, host, port, user, database, stop() }
 *
 *   node scripts/services/postgres.js   starts one and prints its URL until Ctrl-C
 */
'use strict';
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { freePort, runAs, serviceUser } = require('./common');

/** The newest /usr/lib/postgresql/<version>/bin holding initdb and pg_ctl, or $WHATSAPP_OMNI_PG_BIN. */
function postgresBin() {
	const fromEnv = process.env.WHATSAPP_OMNI_PG_BIN;
	if (fromEnv) return fromEnv;
	const root = '/usr/lib/postgresql';
	const versions = fs.existsSync(root)
		? fs.readdirSync(root).filter((name) => fs.existsSync(path.join(root, name, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a))
		: [];
	if (versions.length === 0) {
		throw new Error(
			'PostgreSQL server binaries not found (no /usr/lib/postgresql/<version>/bin/initdb). ' +
				'Install them with `apt-get install -y postgresql` (CI does), or point WHATSAPP_OMNI_PG_BIN at a folder with initdb and pg_ctl.',
		);
	}
	return path.join(root, versions[0], 'bin');
}

/**
 * @param {{ settings?: Record<string, string> }} [options] extra server settings (-c name=value);
 *   tests pass fsync=off, benchmarks leave the defaults.
 */
async function startPostgres(options = {}) {
	const bin = postgresBin();
	const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'omni-postgres-'));
	const data = path.join(folder, 'data');
	const user = serviceUser();
	if (user) execFileSync('chown', ['-R', user, folder]);
	const port = await freePort();
	const settings = { listen_addresses: '127.0.0.1', port: String(port), unix_socket_directories: folder, max_connections: '100', ...options.settings };
	const serverOptions = Object.entries(settings).map(([name, value]) => `-c ${name}=${value}`).join(' ');
	const run = (tool, args) => {
		const result = spawnSync(...runAs(user, path.join(bin, tool), args), { encoding: 'utf8', cwd: folder });
		if (result.status !== 0) throw new Error(`${tool} failed (${result.error?.message ?? `exit ${result.status}`}): ${result.stderr || result.stdout}`);
		return result.stdout;
	};
	let started = false;
	const stop = () => {
		if (started) spawnSync(...runAs(user, path.join(bin, 'pg_ctl'), ['stop', '-D', data, '-m', 'immediate', '-s']), { cwd: folder });
		started = false;
		fs.rmSync(folder, { recursive: true, force: true });
		process.removeListener('exit', stop);
	};
	process.on('exit', stop);
	try {
		run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C.UTF-8', '--no-sync']);
		started = true;
		run('pg_ctl', ['start', '-D', data, '-w', '-t', '60', '-s', '-l', path.join(folder, 'server.log'), '-o', serverOptions]);
	} catch (error) {
		const log = path.join(folder, 'server.log');
		const tail = fs.existsSync(log) ? `\n${fs.readFileSync(log, 'utf8').split('\n').slice(-20).join('\n')}` : '';
		stop();
		throw new Error(`${error.message}${tail}`);
	}
	const host = '127.0.0.1';
	return { url: `postgres://postgres@${host}:${port}/postgres`, host, port, user: 'postgres', database: 'postgres', folder, stop: async () => stop() };
}

module.exports = { startPostgres, postgresBin };

if (require.main === module) {
	startPostgres().then((server) => {
		process.stdout.write(`${server.url}\n`);
		const end = () => server.stop().then(() => process.exit(0));
		process.on('SIGINT', end);
		process.on('SIGTERM', end);
	}, (error) => {
		console.error(error.message);
		process.exit(1);
	});
}
