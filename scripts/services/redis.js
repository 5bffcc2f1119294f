/**
 * A throw-away Redis for the queue-mode end-to-end runs: Debian's `redis-server` on a free
 * loopback port, no persistence, its folder deleted by stop() (or when the process exits).
 *
 *   const { startRedis } = require('./scripts/services/redis');
 *   const redis = await startRedis();   // { host, port, url, stop() }
 */
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const { freePort } = require('./common');

function redisBin() {
	const fromEnv = process.env.WHATSAPP_OMNI_REDIS_SERVER;
	if (fromEnv) return fromEnv;
	const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).stdout.trim();
	if (!found) throw new Error('redis-server not found: install it with `apt-get install -y redis-server` (CI does), or set WHATSAPP_OMNI_REDIS_SERVER.');
	return found;
}

/** Resolves once the server answers PING with PONG. */
function ping(port) {
	return new Promise((resolve, reject) => {
		const socket = net.connect(port, '127.0.0.1');
		let reply = '';
		socket.on('connect', () => socket.write('PING\r\n'));
		socket.on('data', (chunk) => {
			reply += chunk;
			if (reply.includes('\r\n')) {
				socket.destroy();
				return reply.startsWith('+PONG') ? resolve() : reject(new Error(`redis answered ${reply.trim()}`));
			}
		});
		socket.on('error', reject);
	});
}

async function startRedis() {
	const bin = redisBin();
	const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'omni-redis-'));
	const port = await freePort();
	const child = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', folder], { stdio: ['ignore', 'pipe', 'pipe'] });
	let output = '';
	child.stdout.on('data', (chunk) => (output = (output + chunk).slice(-4000)));
	child.stderr.on('data', (chunk) => (output = (output + chunk).slice(-4000)));
	const stop = () => {
		if (child.exitCode === null) child.kill('SIGKILL');
		child.stdout.destroy();
		child.stderr.destroy();
		fs.rmSync(folder, { recursive: true, force: true });
		process.removeListener('exit', stop);
	};
	process.on('exit', stop);
	const deadline = Date.now() + 10_000;
	for (;;) {
		try {
			await ping(port);
			break;
		} catch (error) {
			if (child.exitCode !== null || Date.now() > deadline) {
				stop();
				throw new Error(`redis-server did not start on port ${port} (${error.message}): ${output}`);
			}
			await new Promise((resolve) => setTimeout(resolve, 50));
		}
	}
	const host = '127.0.0.1';
	return {
		host,
		port,
		url: `redis://${host}:${port}`,
		stop: async () => {
			const exited = child.exitCode === null ? new Promise((resolve) => child.once('exit', resolve)) : Promise.resolve();
			child.kill('SIGTERM');
			let timer;
			await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, 2000)))]);
			clearTimeout(timer);
			stop();
		},
	};
}

module.exports = { startRedis, redisBin, ping };
