/**
 * The first half of a chunk's life, run ahead of the commits so the worker threads stay
 * busy while the main thread writes: decode faults and attributes, let a resumed run skip
 * what its earlier runs finished, then verify and prepare the rest (BatchPreparer).
 * Nothing is recorded here; a chunk dropped after this (a quota stop) leaves no trace.
 */
import type { BatchPreparer, BatchRequest, PrepareOutcome } from '../ports/batch-preparer.js';
import type { BatchDeviceRecord } from '../ports/batch-store.js';
import { newSerial } from '../issue/serial.js';
import { checkAttributes } from '../issue/attributes.js';
import { decideBeforePrepare, type Decision } from './classify.js';
import { sha256Hex } from './prepare-request.js';
import type { RunContext } from './run-context.js';
import type { BatchInputItem } from './types.js';

/** One input record on its way: decided before preparing, prepared, or refused at decoding. */
export interface ChunkEntry {
  readonly line: number;
  readonly deviceId: string | null;
  readonly request: BatchRequest | null;
  readonly fault: { readonly code: string; readonly message: string } | null;
  readonly early: Decision | null;
  outcome: PrepareOutcome | null;
}

/** A request's attributes over the batch's; the batch id always wins. */
function withAttributes(run: RunContext, request: BatchRequest): BatchRequest {
  const merged = checkAttributes({ ...run.attributes, ...request.attributes, batch: run.scope.batchId });
  return { ...request, attributes: merged };
}

function entryOf(run: RunContext, item: BatchInputItem): ChunkEntry {
  if (item.kind === 'fault') {
    const { line, deviceId, message } = item.fault;
    return { line, deviceId, request: null, fault: { code: 'BATCH_LINE_INVALID', message }, early: null, outcome: null };
  }
  const { line, deviceId } = item.request;
  try {
    return { line, deviceId, request: withAttributes(run, item.request), fault: null, early: null, outcome: null };
  } catch (e) {
    return { line, deviceId, request: null, fault: { code: 'BATCH_LINE_INVALID', message: (e as Error).message }, early: null, outcome: null };
  }
}

/** A resumed run: devices finished (or recorded) by an earlier run of the batch need no work. */
async function earlyDecisions(run: RunContext, entries: readonly ChunkEntry[]): Promise<ChunkEntry[]> {
  if (!run.resumed) return [...entries];
  const ids = entries.flatMap((e) => (e.request ? [e.request.deviceId] : []));
  const records: readonly BatchDeviceRecord[] = ids.length ? await run.deps.store.findBatchDevices(ids) : [];
  return entries.map((e) => {
    if (!e.request) return e;
    const csrSha256 = e.request.csrDer ? sha256Hex(e.request.csrDer) : null;
    return { ...e, early: decideBeforePrepare(run.scope, e.request.deviceId, csrSha256, records) };
  });
}

export async function prepareChunk(run: RunContext, preparer: BatchPreparer, items: readonly BatchInputItem[]): Promise<ChunkEntry[]> {
  const entries = await earlyDecisions(run, items.map((item) => entryOf(run, item)));
  const todo = entries.filter((e) => e.request && !e.early);
  if (todo.length === 0) return entries;
  const serials = todo.map(() => newSerial(run.deps.random));
  const outcomes = await preparer.prepare(todo.map(({ request: r }) => ({ line: r!.line, deviceId: r!.deviceId, csrDer: r!.csrDer })), serials, run.deps.clock.now());
  todo.forEach((e, k) => { e.outcome = outcomes[k]!; });
  return entries;
}
