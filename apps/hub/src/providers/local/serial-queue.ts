/**
 * Runs calls on one key one after another (a stop waiting for its process must not meet a start); calls on
 * different keys run side by side. A failed call does not stop the ones queued after it.
 */
export class SerialQueue {
  readonly #tails = new Map<string, Promise<unknown>>();

  /** Runs `work` once every earlier call on `key` has settled; resolves or rejects as `work` does. */
  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const run = (this.#tails.get(key) ?? Promise.resolve()).then(work);
    const tail = run.then(
      () => {},
      () => {},
    );
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return run;
  }
}
