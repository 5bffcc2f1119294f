/** One holder at a time, in call order: engines whose transactions must not interleave in a process. */
export class Mutex {
	private tail: Promise<unknown> = Promise.resolve();

	run<T>(work: () => Promise<T>): Promise<T> {
		const result = this.tail.then(work);
		// The next holder waits for this one however it ends.
		this.tail = result.catch(() => undefined);
		return result;
	}
}
