import net from 'node:net';

/**
 * No test reaches the internet: a socket may only connect to loopback, where the sandbox and
 * test servers listen. (nock's disableNetConnect covers the files that use nock; this covers
 * all of them, including code that bypasses http.) Applied once per worker process.
 */
const GUARD = Symbol.for('whatsapp-omni.loopback-only');
const proto = net.Socket.prototype as net.Socket & { [GUARD]?: true };
if (!proto[GUARD]) {
	const connect = proto.connect;
	const loopback = /^(127\.\d+\.\d+\.\d+|localhost|::1|\[::1\])$/;
	proto.connect = function (this: net.Socket, ...args: unknown[]) {
		const first = args[0];
		const options = (typeof first === 'object' && first !== null ? first : {}) as { host?: string; path?: string };
		const host = typeof first === 'number' ? (typeof args[1] === 'string' ? args[1] : 'localhost') : options.host;
		if (!options.path && host !== undefined && !loopback.test(host)) {
			throw new Error(`Tests may not reach the internet (tried to connect to ${host})`);
		}
		return (connect as (...a: unknown[]) => net.Socket).apply(this, args);
	} as typeof proto.connect;
	proto[GUARD] = true;
}

// n8n's engine logs every node error to the console; the assertions already cover them.
process.env.N8N_LOG_LEVEL ??= 'silent';

// No test writes a conversation store into a real home folder or database: each worker keeps it
// in memory (tests that need a shared or a file store open their own).
process.env.WHATSAPP_OMNI_STORE_URL = 'memory:';
