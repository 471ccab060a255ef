/**
 * BatchPreparer over worker threads: CSR verification, key generation, TBS building and
 * (for software CA keys) signing are CPU-bound, so each core gets a worker; the main
 * thread keeps the store's writes. A list of requests goes whole to the worker with the least work
 * queued (the use case sends chunks ahead of its commits, so every worker stays busy).
 * With zero workers the same function runs in the calling thread (tests, one-core hosts).
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { BatchPrepareContext, BatchPreparer, BatchPreparerFactory, PrepareRequest, PrepareOutcome, SignedTbs } from '@fleetpki/ca';
import type { WorkAnswer, WorkRequest } from './prepare-worker.js';
import { prepareRequests, signRecorded } from './prepare-work.js';

const WORKER_SCRIPT = new URL('./prepare-worker.js', import.meta.url);

interface Waiting { readonly resolve: (o: unknown) => void; readonly reject: (e: Error) => void; readonly size: number }

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

  run<T>(work: WorkRequest): Promise<T> {
    if (this.#failure) return Promise.reject(this.#failure);
    const size = work.kind === 'prepare' ? work.requests.length : work.tbs.length;
    return new Promise<T>((resolve, reject) => {
      this.#waiting.set(work.id, { resolve: resolve as (o: unknown) => void, reject, size });
      this.#queued += size;
      this.worker.postMessage(work);
    });
  }

  #answer(a: WorkAnswer): void {
    const w = this.#waiting.get(a.id);
    if (!w) return;
    this.#waiting.delete(a.id);
    this.#queued -= w.size;
    if ('error' in a) w.reject(new Error(`batch worker: ${a.error}`)); else w.resolve(a.result);
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
  readonly sign?: (tbs: readonly Uint8Array[]) => Promise<SignedTbs[]>;

  constructor(private readonly slots: readonly WorkerSlot[], canSign: boolean) {
    if (canSign) this.sign = (tbs) => this.#leastBusy().run<SignedTbs[]>({ kind: 'sign', id: this.#next++, tbs });
  }

  #leastBusy(): WorkerSlot {
    return this.slots.reduce((best, s) => (s.queued < best.queued ? s : best));
  }

  prepare(requests: readonly PrepareRequest[], serials: readonly Uint8Array[], now: Date): Promise<PrepareOutcome[]> {
    return this.#leastBusy().run<PrepareOutcome[]>({ kind: 'prepare', id: this.#next++, requests, serials, now });
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}

class InThreadPreparer implements BatchPreparer {
  readonly sign?: (tbs: readonly Uint8Array[]) => Promise<SignedTbs[]>;
  constructor(private readonly context: BatchPrepareContext) {
    if (context.signingKey) this.sign = (tbs) => signRecorded(context, tbs);
  }

  prepare(requests: readonly PrepareRequest[], serials: readonly Uint8Array[], now: Date): Promise<PrepareOutcome[]> {
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
      return new WorkerPreparer(slots, context.signingKey !== null);
    },
  };
}
