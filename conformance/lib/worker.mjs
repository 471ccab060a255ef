// One worker thread of the pool: imports the suite adapters once, then runs one case per
// message. The pool times each case from the moment it posts it, so the imports (and an
// adapter's optional init(), e.g. loading the library) happen before "ready", not in a case.
import { parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';

const adapters = new Map();
for (const [suite, url] of Object.entries(workerData.adapters)) {
  const adapter = await import(url);
  // init() failing is not fatal here: run() reports the same error per case as ERROR.
  if (typeof adapter.init === 'function') await Promise.resolve().then(() => adapter.init()).catch(() => {});
  adapters.set(suite, adapter);
}
parentPort.postMessage({ type: 'ready' });

parentPort.on('message', async ({ seq, suite, input }) => {
  const t0 = performance.now();
  let outcome;
  try {
    outcome = checkOutcome(await adapters.get(suite).run(input));
  } catch (err) {
    outcome = { actual: 'ERROR', reason: `run threw: ${describe(err)}` };
  }
  parentPort.postMessage({ type: 'result', seq, ...outcome, ms: performance.now() - t0 });
});

/** An adapter returns { actual: 'SUCCESS'|'FAILURE', reason? }; anything else is its bug. */
function checkOutcome(out) {
  if (out && (out.actual === 'SUCCESS' || out.actual === 'FAILURE')) {
    return { actual: out.actual, reason: typeof out.reason === 'string' ? out.reason : '' };
  }
  return { actual: 'ERROR', reason: `adapter returned ${JSON.stringify(out)?.slice(0, 200)}` };
}

function describe(err) {
  if (err instanceof Error) return `${err.name === 'Error' ? '' : `${err.name}: `}${err.message}`;
  return String(err);
}
