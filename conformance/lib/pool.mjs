// A pool of worker threads, one case at a time per worker, each case under a timeout. A
// case that times out is recorded as HANG and its worker is terminated (the only way to stop
// a synchronous loop) and replaced, so exponential path building cannot stall the run.
import { Worker } from 'node:worker_threads';

const WORKER_URL = new URL('./worker.mjs', import.meta.url);
/** Heap per worker: enough for any honest case, small enough that a blow-up ends as ERROR. */
const WORKER_HEAP_MB = 768;

/**
 * Runs jobs ({ suite, input }) over `workers` threads; adapters maps suite -> module URL.
 * Resolves to one { actual, reason, ms } per job, in job order.
 */
export async function runPool(jobs, { adapters, workers, timeoutMs, readyTimeoutMs = 60_000, onResult = () => {} }) {
  const results = new Array(jobs.length);
  let next = 0;
  let fatal = null;
  const record = (seq, result) => { results[seq] = result; onResult(seq, result); };

  async function slot() {
    let worker = null;
    while (next < jobs.length) {
      if (fatal) { record(next++, { actual: 'ERROR', reason: fatal, ms: 0 }); continue; }
      if (!worker) {
        try { worker = await startWorker(adapters, readyTimeoutMs); } catch (err) { fatal = `worker failed to start: ${err.message}`; continue; }
      }
      const seq = next++;
      const { result, dead } = await runOne(worker, seq, jobs[seq], timeoutMs);
      record(seq, result);
      if (dead) { void worker.terminate(); worker = null; }
    }
    if (worker) await worker.terminate();
  }

  await Promise.all(Array.from({ length: Math.max(1, Math.min(workers, jobs.length)) }, slot));
  return results;
}

function startWorker(adapters, readyTimeoutMs) {
  const worker = new Worker(WORKER_URL, { workerData: { adapters }, resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } });
  return new Promise((resolvePromise, reject) => {
    const fail = (err) => { cleanup(); void worker.terminate(); reject(err); };
    const timer = setTimeout(() => fail(new Error(`not ready after ${readyTimeoutMs} ms`)), readyTimeoutMs);
    const onMessage = (m) => { if (m.type === 'ready') { cleanup(); resolvePromise(worker); } };
    const onExit = (code) => fail(new Error(`exited with code ${code}`));
    function cleanup() {
      clearTimeout(timer);
      worker.off('message', onMessage).off('error', fail).off('exit', onExit);
    }
    worker.on('message', onMessage).on('error', fail).on('exit', onExit);
  });
}

/** Posts one case; settles on its result, the timeout, or the worker dying. */
function runOne(worker, seq, job, timeoutMs) {
  return new Promise((resolvePromise) => {
    const start = process.hrtime.bigint();
    const elapsed = () => Number(process.hrtime.bigint() - start) / 1e6;
    const settle = (result, dead) => { cleanup(); resolvePromise({ result, dead }); };
    const timer = setTimeout(
      () => settle({ actual: 'HANG', reason: `no verdict within ${timeoutMs} ms (worker terminated)`, ms: elapsed() }, true),
      timeoutMs,
    );
    const onMessage = (m) => {
      if (m.type === 'result' && m.seq === seq) settle({ actual: m.actual, reason: m.reason, ms: m.ms }, false);
    };
    const onError = (err) => {
      const oom = err?.code === 'ERR_WORKER_OUT_OF_MEMORY';
      settle({ actual: 'ERROR', reason: oom ? `worker ran out of memory (${WORKER_HEAP_MB} MB heap)` : `worker crashed: ${err?.message ?? err}`, ms: elapsed() }, true);
    };
    const onExit = (code) => settle({ actual: 'ERROR', reason: `worker exited with code ${code}`, ms: elapsed() }, true);
    function cleanup() {
      clearTimeout(timer);
      worker.off('message', onMessage).off('error', onError).off('exit', onExit);
    }
    worker.on('message', onMessage).on('error', onError).on('exit', onExit);
    try {
      worker.postMessage({ seq, suite: job.suite, input: job.input });
    } catch (err) {
      settle({ actual: 'ERROR', reason: `input is not structured-cloneable: ${err.message}`, ms: 0 }, false);
    }
  });
}
