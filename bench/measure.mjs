// Timing helpers for the benchmark: rates over a fixed duration, latency percentiles.
import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

/**
 * Runs a load generator script in its own process (never sharing the event loop of the
 * server it measures) and resolves with the JSON it prints. The options go through a file:
 * thousands of paths or CSRs do not fit in argv (E2BIG).
 */
export function runLoadGenerator(script, opts) {
  return new Promise((resolve, reject) => {
    const file = join(tmpdir(), `fleetpki-loadgen-${process.pid}-${Date.now()}.json`);
    writeFileSync(file, JSON.stringify(opts));
    const child = spawn(process.execPath, [script, `@${file}`], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), (opts.seconds + 60) * 1000);
    child.on('close', (code) => {
      clearTimeout(timer);
      rmSync(file, { force: true });
      if (code === 0) resolve(JSON.parse(out)); else reject(new Error(`load generator ${script} failed: ${err}`));
    });
  });
}
