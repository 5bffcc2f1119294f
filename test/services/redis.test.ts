/** The throw-away Redis the queue-mode runs use: it starts, answers, and leaves nothing behind. */
import fs from 'node:fs';

const { startRedis, ping } = require('../../scripts/services/redis') as {
	startRedis(): Promise<{ host: string; port: number; url: string; stop(): Promise<void> }>;
	ping(port: number): Promise<void>;
};

it('starts a Redis on a free loopback port that answers PING, and stops it', async () => {
	const redis = await startRedis();
	try {
		expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`);
		await expect(ping(redis.port)).resolves.toBeUndefined();
	} finally {
		await redis.stop();
	}
	await expect(ping(redis.port)).rejects.toThrow(/ECONNREFUSED/);
	expect(fs.readdirSync(require('node:os').tmpdir()).filter((name: string) => name.startsWith('omni-redis-'))).toEqual([]);
});
