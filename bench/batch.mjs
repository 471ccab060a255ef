// Factory provisioning (issue 8): `fleetpki batch sign` as a user runs it, a child process
// signing pre-made P-256 CSRs (proof of possession checked) into the embedded SQLite store
// under a manufacturer CA, on all cores. Beside it, measured in the same run, the ceiling:
// P-256 verify + sign on two cores (worker threads), with a fresh key import per CSR (what
// a batch pays) and with a parsed key. Then a smaller batch is killed with SIGKILL at a
// random point and run again in the same output folder: it must end with exactly N
// distinct certificates, no serial twice, nothing left pending, and an audit chain that verifies.
import { spawn } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { setInterval, clearInterval } from 'node:timers';
import { Worker } from 'node:worker_threads';
import { fromPem } from '@fleetpki/core';
import { openSqliteDriver } from '@fleetpki/store';

const BIN = fileURLToPath(new URL('../packages/cli/bin/fleetpki.js', import.meta.url));
const WORKER = new URL('./batch-worker.mjs', import.meta.url);
const OUT = fileURLToPath(new URL('./out/', import.meta.url));
const ENV = {
  ...process.env, FLEETPKI_ROOT_PASSPHRASE: 'bench root passphrase', FLEETPKI_CA_PASSPHRASE: 'bench CA passphrase', FLEETPKI_PUBLIC_URL: 'https://pki.bench.example',
};

const inWorker = (data) => new Promise((resolve, reject) => {
  const w = new Worker(WORKER, { workerData: data });
  w.once('message', resolve);
  w.once('error', reject);
});

/** bench/out/batch-csrs-<prefix>-<n>.jsonl, made once on every core and kept for later runs. */
export async function csrFile(n, prefix, log) {
  mkdirSync(OUT, { recursive: true });
  const file = join(OUT, `batch-csrs-${prefix}-${n}.jsonl`);
  if (existsSync(file)) return file;
  log(`making ${n} P-256 CSRs (kept in ${file}) ...`);
  const cores = availableParallelism();
  const parts = Array.from({ length: cores }, (_, k) => ({ from: Math.floor((n * k) / cores), to: Math.floor((n * (k + 1)) / cores), file: `${file}.${k}.part`, prefix }));
  for (const p of parts) rmSync(p.file, { force: true });
  await Promise.all(parts.map((p) => inWorker({ kind: 'csrs', ...p })));
  writeFileSync(`${file}.partial`, '');
  for (const p of parts) { writeFileSync(`${file}.partial`, readFileSync(p.file), { flag: 'a' }); rmSync(p.file); }
  renameSync(`${file}.partial`, file);
  return file;
}

/** Verify + sign on two cores at once, each core's rates combined as 1/(1/sign + 1/verify). */
export async function measureCeiling(file, ms) {
  const csrs = readFileSync(file, 'utf8').split('\n').slice(0, 2000).filter(Boolean).map((l) => fromPem(JSON.parse(l).csr, ['CERTIFICATE REQUEST']));
  const cores = await Promise.all([0, 1].map(() => inWorker({ kind: 'ceiling', ms, csrs })));
  const sum = (f) => cores.reduce((s, c) => s + f(c), 0);
  return {
    signRate: sum((c) => c.signRate), importVerifyRate: sum((c) => c.importVerifyRate), parsedVerifyRate: sum((c) => c.parsedVerifyRate),
    ceilingImport: sum((c) => 1 / (1 / c.signRate + 1 / c.importVerifyRate)),
    ceilingParsed: sum((c) => 1 / (1 / c.signRate + 1 / c.parsedVerifyRate)),
  };
}

function run(args, { killAfterMs } = {}) {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, [BIN, ...args], { env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let peakKb = 0;
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    // VmHWM is the process's peak resident set, its worker threads included.
    const poll = setInterval(() => {
      try { peakKb = Math.max(peakKb, Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0)); } catch { /* exited */ }
    }, 100);
    const killer = killAfterMs === undefined ? null : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearInterval(poll);
      if (killer) clearTimeout(killer);
      resolve({ code, signal, stdout, stderr, ms: performance.now() - start, peakRssMb: peakKb / 1024 });
    });
  });
}

async function ok(args) {
  const r = await run(args);
  if (r.code !== 0) throw new Error(`fleetpki ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r;
}

/** Root, issuing CA (signed offline) and manufacturer CA cm1 with `quota`, made the way an operator makes them. */
async function deployment(dir, quota) {
  const data = join(dir, 'data');
  await ok(['ca', 'init-root', '--out', join(dir, 'root'), '--subject', 'CN=Bench Root,O=Bench', '--validity', '20y']);
  await ok(['ca', 'request', '--data', data, '--name', 'issuing-1', '--subject', 'CN=Bench Issuing CA,O=Bench', '--out', join(dir, 'issuing.csr')]);
  await ok(['ca', 'sign', '--root', join(dir, 'root'), '--csr', join(dir, 'issuing.csr'), '--out', join(dir, 'issuing.crt'), '--validity', '10y']);
  await ok(['ca', 'import', '--data', data, '--name', 'issuing-1', '--cert', join(dir, 'issuing.crt'), '--chain', join(dir, 'root', 'root.crt.pem')]);
  await ok(['ca', 'create-manufacturer', '--data', data, '--name', 'cm1', '--parent', 'issuing-1', '--subject', 'CN=Bench Manufacturing CA,O=Bench',
    '--manufacturer', 'Bench', '--namespace', 'cm1.bench.example', '--quota', String(quota), '--validity', '5y']);
  return data;
}

async function countIssued(data) {
  const db = openSqliteDriver({ path: join(data, 'fleetpki.db'), backgroundCheckpoint: false });
  try {
    return Number(Object.values((await db.all("SELECT COUNT(*) AS n FROM certificates WHERE status = 'issued' AND profile = 'device-idevid'"))[0])[0]);
  } finally {
    await db.close();
  }
}

/** certificates.jsonl read line by line (a million lines are over a gigabyte): its count, serials and devices. */
async function outputLines(path) {
  const serials = new Set();
  const devices = new Set();
  let count = 0;
  for await (const line of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) {
    if (!line) continue;
    count++;
    serials.add(/"serial":"([0-9a-f]+)"/.exec(line)[1]);
    devices.add(/"deviceId":"([^"]+)"/.exec(line)[1]);
  }
  return { count, serials, devices };
}

/** What the store and the output folder say about a batch after its last run. */
async function inspect(data, out, batchId) {
  const db = openSqliteDriver({ path: join(data, 'fleetpki.db'), backgroundCheckpoint: false });
  try {
    const one = async (sql, params = []) => Number(Object.values((await db.all(sql, params))[0])[0]);
    const lines = await outputLines(join(out, 'certificates.jsonl'));
    return {
      devices: await one('SELECT COUNT(*) FROM batch_devices WHERE batch_id = ?', [batchId]),
      issued: await one("SELECT COUNT(*) FROM certificates WHERE status = 'issued' AND der IS NOT NULL AND profile = 'device-idevid'"),
      distinctSerials: await one("SELECT COUNT(DISTINCT serial) FROM certificates WHERE status = 'issued' AND profile = 'device-idevid'"),
      pending: await one("SELECT COUNT(*) FROM certificates WHERE status = 'pending'"),
      outputLines: lines.count,
      outputSerials: lines.serials.size,
      outputDevices: lines.devices.size,
    };
  } finally {
    await db.close();
  }
}

const sign = (data, file, out, workers) => ['batch', 'sign', '--data', data, '--ca', 'cm1', '--in', file, '--out', out, '--batch', 'bench', ...(workers === undefined ? [] : ['--workers', String(workers)])];

/** One batch of `count` devices from a fresh deployment: wall time, rate and peak RSS. */
export async function measureBatchSign({ count, log, workers }) {
  const file = await csrFile(count, 'sign', log);
  const dir = mkdtempSync(join(tmpdir(), 'fleetpki-bench-batch-'));
  try {
    const data = await deployment(dir, count + 10);
    log(`batch sign of ${count} devices ...`);
    const r = await run(sign(data, file, join(dir, 'out'), workers));
    if (r.code !== 0) throw new Error(`batch sign exited ${r.code}: ${r.stderr.slice(-2000)}`);
    log(`batch sign: ${count} in ${(r.ms / 1000).toFixed(1)} s, peak RSS ${r.peakRssMb.toFixed(0)} MB; ${r.stdout.trim()}`);
    const state = await inspect(data, join(dir, 'out'), 'bench');
    if (state.issued !== count || state.outputSerials !== count) throw new Error(`expected ${count} certificates, found ${JSON.stringify(state)}`);
    return { count, seconds: r.ms / 1000, rate: count / (r.ms / 1000), peakRssMb: r.peakRssMb, summary: r.stdout.trim() };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** SIGKILL at a random point of a batch of `count`, then the same command again: exactly `count` distinct certificates. */
export async function measureKillResume({ count, expectedRate, log }) {
  const file = await csrFile(count, 'kill', log);
  const dir = mkdtempSync(join(tmpdir(), 'fleetpki-bench-kill-'));
  try {
    const data = await deployment(dir, count + 10);
    const out = join(dir, 'out');
    const killAfterMs = Math.round(500 + Math.random() * (count / expectedRate) * 1000 * 0.8);
    log(`batch of ${count}: SIGKILL after ${killAfterMs} ms, then resume ...`);
    const first = await run(sign(data, file, out), { killAfterMs });
    const afterKill = await countIssued(data);
    const second = await run(sign(data, file, out));
    if (second.code !== 0) throw new Error(`the resumed run exited ${second.code}: ${second.stderr.slice(-2000)}`);
    const audit = await run(['audit', 'verify', '--data', data]);
    const state = await inspect(data, out, 'bench');
    const exact = state.issued === count && state.distinctSerials === count && state.devices === count && state.pending === 0
      && state.outputLines === count && state.outputSerials === count && state.outputDevices === count && audit.code === 0;
    return { count, killAfterMs, killed: first.signal === 'SIGKILL', issuedBeforeKill: afterKill, state, auditVerified: audit.code === 0, exact, resumeSummary: second.stdout.trim() };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
