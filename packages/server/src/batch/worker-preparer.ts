/**
 * BatchPreparer over worker threads: CSR verification, key generation and TBS building
 * are CPU-bound, so each core gets a worker; the main thread keeps the store's writes and
 * the signing dispatch. A list of requests goes whole to the worker with the least work
 * queued (the use case sends chunks ahead of its commits, so every worker stays busy).
 * With zero workers the same function runs in the calling thread (tests, one-core hosts).
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { BatchPrepareContext, BatchPreparer, BatchPreparerFactory, BatchRequest, PrepareOutcome } from '@fleetpki/ca';
import type { WorkAnswer, WorkRequest } from './prepare-worker.js';
import { prepareRequests } from './prepare-work.js';

const WORKER_SCRIPT = new URL('./prepare-worker.js', import.meta.url);

interface Waiting { readonly resolve: (o: PrepareOutcome[]) => void; readonly reject: (e: Error) => void; readonly size: number }

class WorkerSlot {
  readonly #waiting = new Map<number, Waiting>();
  #queued = 0;
  #failure: Error | null = null;

  constructor(readonly worker: Worker) {
    worker.on('message', (a: WorkAnswer) => this.#answer(a));
    worker.on('error', (e) => this.#fail(e));
    worker.on('exit', (code) => this.#fail(new Error(`batch worker exited with code ${code}`)));
  }

  get queued(): number { return this.#queued; }

  run(work: WorkRequest): Promise<PrepareOutcome[]> {
    if (this.#failure) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => {
      this.#waiting.set(work.id, { resolve, reject, size: work.requests.length });
      this.#queued += work.requests.length;
      this.worker.postMessage(work);
    });
  }

  #answer(a: WorkAnswer): void {
    const w = this.#waiting.get(a.id);
    if (!w) return;
    this.#waiting.delete(a.id);
    this.#queued -= w.size;
    if ('error' in a) w.reject(new Error(`batch worker: ${a.error}`)); else w.resolve(a.outcomes);
  }

  #fail(e: Error): void {
    this.#failure ??= e;
    for (const w of this.#waiting.values()) w.reject(e);
    this.#waiting.clear();
    this.#queued = 0;
  }
}

class WorkerPreparer implements BatchPreparer {
  #next = 0;
  constructor(private readonly slots: readonly WorkerSlot[]) {}

  prepare(requests: readonly BatchRequest[], serials: readonly Uint8Array[], now: Date): Promise<PrepareOutcome[]> {
    const slot = this.slots.reduce((best, s) => (s.queued < best.queued ? s : best));
    return slot.run({ id: this.#next++, requests, serials, now });
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}

class InThreadPreparer implements BatchPreparer {
  constructor(private readonly context: BatchPrepareContext) {}
  prepare(requests: readonly BatchRequest[], serials: readonly Uint8Array[], now: Date): Promise<PrepareOutcome[]> {
    return prepareRequests(this.context, requests, serials, now);
  }
  async close(): Promise<void> {}
}

/** `workers` threads (default: one per core); 0 prepares in the calling thread. */
export function batchPreparers(workers: number = availableParallelism()): BatchPreparerFactory {
  return {
    async open(context: BatchPrepareContext): Promise<BatchPreparer> {
      if (workers === 0) return new InThreadPreparer(context);
      const slots = Array.from({ length: workers }, () => new WorkerSlot(new Worker(WORKER_SCRIPT, { workerData: context })));
      return new WorkerPreparer(slots);
    },
  };
}
