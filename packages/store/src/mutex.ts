/**
 * A FIFO async mutex. better-sqlite3 runs statements synchronously on one connection, but a
 * transaction body may await between statements; without this lock another caller's
 * statements would run inside that open transaction and commit or roll back with it.
 */
export class Mutex {
  #tail: Promise<void> = Promise.resolve();

  async run<T>(fn: () => Promise<T>): Promise<T> {
    const previous = this.#tail;
    let release!: () => void;
    this.#tail = new Promise<void>((resolve) => { release = resolve; });
    await previous;
    try {
      return await fn();
    } finally {
      release();
    }
  }
}
