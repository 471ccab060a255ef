/**
 * A batch run's loop. Input is cut into chunks; up to `lookahead` chunks are being
 * prepared (on the preparer's threads) while the oldest is committed on this thread, so
 * CSR verification and signing overlap with the store's writes. Commits run one chunk
 * at a time in input order. Memory is bounded by chunkSize x (lookahead + 1) requests,
 * whatever the batch size.
 */
import { commitChunk } from './commit-chunk.js';
import { prepareChunk, type ChunkEntry } from './prepare-chunk.js';
import type { PreparingRun } from './run-context.js';
import type { BatchInputItem, BatchProgress, BatchSink } from './types.js';

export interface PipelineOptions {
  readonly chunkSize: number;
  readonly lookahead: number;
  readonly onProgress?: (p: BatchProgress) => void;
}

export interface Tally extends BatchProgress {
  readonly notProcessed: number;
  readonly stoppedBy: string | null;
}

async function* chunked<T>(items: AsyncIterable<T>, size: number): AsyncGenerator<T[]> {
  let chunk: T[] = [];
  for await (const item of items) {
    chunk.push(item);
    if (chunk.length >= size) { yield chunk; chunk = []; }
  }
  if (chunk.length) yield chunk;
}

interface Ahead { readonly size: number; readonly entries: Promise<ChunkEntry[]> }

export async function runChunks(run: PreparingRun, requests: AsyncIterable<BatchInputItem>, sink: BatchSink, options: PipelineOptions): Promise<Tally> {
  const source = chunked(requests, options.chunkSize)[Symbol.asyncIterator]();
  const ahead: Ahead[] = [];
  const tally = { read: 0, issued: 0, existing: 0, refused: 0 };
  let exhausted = false;
  let stoppedBy: string | null = null;
  const refill = async (): Promise<void> => {
    while (!exhausted && ahead.length < options.lookahead) {
      const next = await source.next();
      if (next.done) { exhausted = true; return; }
      const entries = prepareChunk(run, run.preparer, next.value);
      entries.catch(() => undefined); // its failure is met when its turn to commit comes
      ahead.push({ size: next.value.length, entries });
      tally.read += next.value.length;
    }
  };
  try {
    for (await refill(); ahead.length > 0; await refill()) {
      const result = await commitChunk(run, await ahead.shift()!.entries);
      await sink.write(result.outcomes);
      tally.issued += result.issued;
      tally.existing += result.existing;
      tally.refused += result.refused;
      options.onProgress?.({ ...tally });
      if (result.quotaExceeded) { stoppedBy = 'QUOTA_EXCEEDED'; break; }
    }
  } finally {
    await source.return(undefined);
  }
  return { ...tally, notProcessed: ahead.reduce((n, a) => n + a.size, 0), stoppedBy };
}
