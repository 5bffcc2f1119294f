import https from 'node:https';

it('refuses connections to anything but loopback', async () => {
	const request = new Promise((resolve, reject) => {
		https.get('https://example.com/', resolve).on('error', reject);
	});
	// Either our socket guard or, when an earlier file in this worker loaded nock, nock refuses.
	await expect(request).rejects.toThrow(/may not reach the internet|Disallowed net connect/);
});
