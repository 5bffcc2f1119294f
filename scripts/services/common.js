/** What the throw-away service starters share: a free loopback port and who the server runs as. */
'use strict';
const { spawnSync } = require('node:child_process');
const net = require('node:net');

/** A port nothing listens on right now (the OS picks it). */
function freePort() {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

/**
 * Servers that refuse root (PostgreSQL) run as the `postgres` user when we are root (else
 * `nobody`); undefined when we are not root and the server runs as us.
 */
function serviceUser() {
	if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
	return spawnSync('id', ['-u', 'postgres']).status === 0 ? 'postgres' : 'nobody';
}

/** [command, args] for spawnSync/spawn: the program as `user` (runuser), or as it is. */
function runAs(user, program, args) {
	return user ? ['runuser', ['-u', user, '--', program, ...args]] : [program, args];
}

module.exports = { freePort, serviceUser, runAs };
