/**
 * A worker thread of the batch preparer (worker-preparer.ts): it is given the batch's
 * context once, then lists of requests, and answers each list with its outcomes. A
 * refusal is an outcome; an exception (a bug) is sent back as an error for that list.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { BatchPrepareContext, BatchRequest } from '@fleetpki/ca';
import { prepareRequests } from './prepare-work.js';

export interface WorkRequest {
  readonly id: number;
  readonly requests: readonly BatchRequest[];
  readonly serials: readonly Uint8Array[];
  readonly now: Date;
}

export type WorkAnswer =
  | { readonly id: number; readonly outcomes: Awaited<ReturnType<typeof prepareRequests>> }
  | { readonly id: number; readonly error: string };

const context = workerData as BatchPrepareContext;
const port = parentPort!;

port.on('message', (work: WorkRequest) => {
  prepareRequests(context, work.requests, work.serials, work.now).then(
    (outcomes) => port.postMessage({ id: work.id, outcomes } satisfies WorkAnswer),
    (e: unknown) => port.postMessage({ id: work.id, error: e instanceof Error ? e.stack ?? e.message : String(e) } satisfies WorkAnswer),
  );
});
