/**
 * Worker thread body of SqliteCheckpointer (sqlite-checkpointer.ts): its own connection to
 * the database file, copying WAL frames back into the database every `intervalMs`. The
 * checkpoint's fsyncs happen here, off the thread that commits.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

interface CheckpointerData { readonly path: string; readonly intervalMs: number; readonly busyTimeoutMs: number }

const data = workerData as CheckpointerData;
const db = new Database(data.path);
db.pragma(`busy_timeout = ${data.busyTimeoutMs}`);
db.pragma('synchronous = NORMAL');

// PASSIVE never blocks the writer or readers: it copies what it can and returns.
const timer = setInterval(() => { db.pragma('wal_checkpoint(PASSIVE)'); }, data.intervalMs);

parentPort?.on('message', (message: unknown) => {
  if (message !== 'close') return;
  clearInterval(timer);
  db.close();
  parentPort?.close();
});
