// Timing helpers for the benchmark: rates over a fixed duration, latency percentiles.
import { performance } from 'node:perf_hooks';

/** Calls fn repeatedly for `ms` milliseconds; returns operations per second. */
export function rateSync(fn, ms) {
  let n = 0;
  const end = performance.now() + ms;
  while (performance.now() < end) { for (let i = 0; i < 64; i++) fn(); n += 64; }
  return n / (ms / 1000);
}

export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Latencies (ms) of `count` sequential awaited calls of fn(i). */
export async function latencies(fn, count) {
  const out = [];
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    await fn(i);
    out.push(performance.now() - t);
  }
  return out.sort((a, b) => a - b);
}

/** Runs `total` async jobs with at most `window` in flight; returns jobs per second. */
export async function rateAsync(job, total, window) {
  let next = 0;
  const t = performance.now();
  async function worker() { while (next < total) { const i = next++; await job(i); } }
  await Promise.all(Array.from({ length: Math.min(window, total) }, worker));
  return total / ((performance.now() - t) / 1000);
}
