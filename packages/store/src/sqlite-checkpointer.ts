/**
 * Checkpoints SQLite's write-ahead log from a worker thread.
 *
 * With synchronous=NORMAL a commit only appends to the WAL; the fsyncs happen when the WAL is
 * copied back into the database (a checkpoint). SQLite's automatic checkpoint runs inside
 * whichever COMMIT crosses the threshold, so the committing thread, which is the event loop,
 * would wait for the disk every few commits: measured, that halves group-commit throughput
 * (batches of 64: about 37,000 intents/s without checkpoints in the commit path, 18,000
 * with the default threshold of 1000 pages). Here a worker checkpoints every
 * `intervalMs`, and the writer keeps a high automatic threshold only as a backstop, for a
 * worker that died or cannot keep up.
 */
import { Worker } from 'node:worker_threads';

/** Automatic checkpoint threshold of the writer while a worker checkpoints (4 KiB pages). */
export const BACKSTOP_CHECKPOINT_PAGES = 20_000;
/** SQLite's default, used when no worker runs. */
export const DEFAULT_CHECKPOINT_PAGES = 1000;

export interface SqliteCheckpointer { close(): Promise<void> }

/** `onFailure` runs if the worker dies; the caller then checkpoints in the commit path again. */
export function startCheckpointer(path: string, busyTimeoutMs: number, onFailure: () => void, intervalMs = 100): SqliteCheckpointer {
  const worker = new Worker(new URL('./sqlite-checkpoint-worker.js', import.meta.url), { workerData: { path, intervalMs, busyTimeoutMs } });
  // A checkpointer must never keep a process alive, nor take it down.
  worker.unref();
  worker.on('error', onFailure);
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    close: async () => {
      // Held open until the worker has closed its connection, so close() really waits.
      worker.ref();
      worker.postMessage('close');
      await exited;
    },
  };
}
