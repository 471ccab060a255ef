/**
 * A worker thread of the batch preparer (worker-preparer.ts): it is given the batch's
 * context once, then lists of requests, and answers each list with its outcomes. A
 * refusal is an outcome; an exception (a bug) is sent back as an error for that list.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { BatchPrepareContext, PrepareRequest } from '@fleetpki/ca';
import { prepareRequests, signRecorded } from './prepare-work.js';

export type WorkRequest =
  | { readonly kind: 'prepare'; readonly id: number; readonly requests: readonly PrepareRequest[]; readonly serials: readonly Uint8Array[]; readonly now: Date }
  | { readonly kind: 'sign'; readonly id: number; readonly tbs: readonly Uint8Array[] };

export type WorkAnswer =
  | { readonly id: number; readonly result: unknown }
  | { readonly id: number; readonly error: string };

const context = workerData as BatchPrepareContext;
const port = parentPort!;

const run = (w: WorkRequest): Promise<unknown> => (w.kind === 'prepare' ? prepareRequests(context, w.requests, w.serials, w.now) : signRecorded(context, w.tbs));

port.on('message', (work: WorkRequest) => {
  run(work).then(
    (result) => port.postMessage({ id: work.id, result } satisfies WorkAnswer),
    (e: unknown) => port.postMessage({ id: work.id, error: e instanceof Error ? e.stack ?? e.message : String(e) } satisfies WorkAnswer),
  );
});
