/**
 * One "n8n process" for the contract's cross-process test: opens the store named by
 * WHATSAPP_OMNI_STORE_URL and, all at once, records shuffled statuses, claims event keys and
 * records messages that link a phone number and a BSUID. Prints the keys it won as JSON.
 */
'use strict';
require('../../sandbox/register');
const { openStore } = require('../../nodes/WhatsAppOmni/store');

const seed = Number(process.argv[2]);
const scope = { provider: 'meta', business: 'processes' };
// Recent: each worker's store prunes by the real clock.
const T0 = Date.now() - 60_000;

function shuffled(items) {
	let state = seed;
	const result = [...items];
	for (let i = result.length - 1; i > 0; i--) {
		state = (state * 1103515245 + 12345) % 2 ** 31;
		const j = state % (i + 1);
		[result[i], result[j]] = [result[j], result[i]];
	}
	return result;
}

async function main() {
	const store = await openStore(process.env);
	const calls = [];
	for (let m = 0; m < 5; m++) {
		['sent', 'delivered', 'read', 'played', 'delivered'].forEach((status, i) =>
			calls.push(() => store.recordStatus(scope, { messageId: `wamid.s${m}`, status, timestamp: new Date(T0 + i * 1000).toISOString() })),
		);
	}
	const won = [];
	for (let k = 0; k < 20; k++) calls.push(() => store.claimEvent('processes', `k${k}`, 60_000).then((first) => first && won.push(`k${k}`)));
	for (let i = 0; i < 10; i++) {
		const contact = i % 3 === 0 ? { phoneNumber: '+15550009999' } : i % 3 === 1 ? { userId: 'US.999' } : { phoneNumber: '+15550009999', userId: 'US.999' };
		calls.push(() => store.recordMessage(scope, { id: `wamid.m${i}`, direction: 'inbound', contact, type: 'text', timestamp: new Date(T0 + i * 1000).toISOString() }));
	}
	await Promise.all(shuffled(calls).map((call) => call()));
	await store.close();
	process.stdout.write(JSON.stringify({ won }));
}

main().catch((error) => {
	process.stderr.write(String(error && error.stack));
	process.exit(1);
});
