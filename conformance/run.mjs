#!/usr/bin/env node
// The conformance runner: scores the library on third-party suites (x509-limbo, NIST PKITS,
// OCSP/CRL parse vectors) through one adapter per suite (conformance/suites/<suite>.mjs),
// cases in worker threads under a per-case timeout, skips from capabilities.json, and known
// divergences from divergences/<suite>.json that may only shrink. docs/conformance.md.
// Exit code: 0 when nothing is new, 1 otherwise, 2 for a usage error.
import { existsSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { USAGE, parseArgs } from './lib/args.mjs';
import { divergenceFile, readDivergences, updatedDivergences, writeDivergences } from './lib/divergences.mjs';
import { runPool } from './lib/pool.mjs';
import { printSuite } from './lib/report.mjs';
import { TODO_REASON, judge, totals } from './lib/score.mjs';
import { loadSuite, planSuites, readCapabilities, skipReason } from './lib/suites.mjs';

const out = (line) => console.log(line);
const PROBLEMS_SHOWN = 200;

async function main(argv) {
  let opts;
  try { opts = parseArgs(argv); } catch (err) { console.error(`${err.message}\n${USAGE}`); return 2; }
  if (opts.help) { out(USAGE); return 0; }
  if (!existsSync(opts.dataDir)) {
    // As for the tests that read this data: fatal in CI, a note elsewhere.
    out(`conformance data not found at ${opts.dataDir}: set FLEETPKI_CONFORMANCE (docs/conformance.md says where to get it)${opts.ci ? '' : '; nothing run'}`);
    out('0 passed, 0 failed, 0 skipped');
    return opts.ci ? 1 : 0;
  }
  const caps = readCapabilities(opts.root);
  const plan = planSuites(opts.root, opts.suites, caps, opts.ci);
  plan.notes.forEach((n) => out(n));
  const failures = plan.fatal.map((text) => ({ kind: 'fatal', text }));
  const all = [];
  const t0 = performance.now();
  for (const entry of plan.run) {
    const done = await runSuite(entry, opts, caps).catch((err) => ({ results: [], problems: [{ kind: 'fatal', text: `suite ${entry.suite}: ${err.message}` }] }));
    all.push(...done.results);
    failures.push(...done.problems);
  }
  const wallMs = performance.now() - t0;
  if (opts.json) writeJson(opts, all, wallMs);
  if (opts.limboResults) writeLimboResults(opts.limboResults, all.filter((r) => r.suite === 'limbo'));
  printVerdict(failures, all, wallMs, opts);
  const { passed, failed, skipped } = totals(all);
  out(`${passed} passed, ${failed} failed, ${skipped} skipped`);
  return failures.length > 0 ? 1 : 0;
}

/** Loads, skips, runs and judges one suite; returns its results and the problems that fail the run. */
async function runSuite(entry, opts, caps) {
  const { suite } = entry;
  const t0 = performance.now();
  const loaded = await loadSuite(entry, opts.dataDir, { core: opts.core });
  const cases = loaded.filter((c) => !opts.filter || c.id.includes(opts.filter));
  const results = cases.map((c) => ({ id: c.id, suite, namespace: c.namespace ?? suite, expected: c.expected, actual: 'SKIPPED', reason: skipReason(caps, suite, c) ?? '', ms: 0 }));
  const toRun = results.map((r, i) => (r.reason ? -1 : i)).filter((i) => i >= 0);
  const progress = progressPrinter(suite, toRun.length);
  const verdicts = await runPool(toRun.map((i) => ({ suite, input: cases[i].input })), {
    adapters: { [suite]: entry.url }, workers: opts.jobs, timeoutMs: opts.timeoutMs, onResult: progress,
  });
  toRun.forEach((i, k) => Object.assign(results[i], verdicts[k]));
  const complete = !opts.filter && !opts.core;
  let divs = readDivergences(opts.root, suite);
  if (opts.updateDivergences) {
    writeDivergences(divergenceFile(opts.root, suite), updatedDivergences(divs.entries, results, complete));
    out(`${suite}: rewrote ${divergenceFile(opts.root, suite)}`);
    divs = readDivergences(opts.root, suite);
  }
  printSuite(out, { suite, source: `${opts.dataDir}${opts.filter ? ` (filter ${opts.filter}: ${cases.length} of ${loaded.length})` : ''}`, results, wallMs: performance.now() - t0, listed: divs.entries, maxListed: opts.maxListed });
  const problems = [
    ...divs.problems.map((text) => ({ kind: text.startsWith('SECURITY') ? 'security' : 'list', text })),
    ...judge(results, divs.entries, { complete, ci: opts.ci }),
  ];
  const todo = [...divs.entries.values()].filter((e) => e.reason.startsWith(TODO_REASON)).length;
  if (todo > 0 && !opts.ci) out(`${suite}: ${todo} divergences still say "${TODO_REASON}" (refused when CI=true)`);
  return { results, problems };
}

/** A line on stderr at most every 10 s, so a slow run shows it is alive. */
function progressPrinter(suite, total) {
  let done = 0;
  const t0 = performance.now();
  let shown = t0;
  return () => {
    done++;
    const now = performance.now();
    if (now - shown < 10_000 || done === total) return;
    shown = now;
    process.stderr.write(`${suite}: ${done}/${total} in ${((now - t0) / 1000).toFixed(0)} s\n`);
  };
}

function printVerdict(problems, results, wallMs, opts) {
  out(`\n== verdict (${results.length} cases in ${(wallMs / 1000).toFixed(1)} s, ${opts.jobs} workers) ==`);
  if (problems.length === 0) { out('no new divergences'); return; }
  const order = ['fatal', 'security', 'list', 'new', 'changed', 'now-passing', 'stale', 'todo'];
  for (const kind of order) {
    const of = problems.filter((p) => p.kind === kind);
    // New ones are already in each suite's failure list; everything else is shown in full.
    const cap = kind === 'new' ? 10 : PROBLEMS_SHOWN;
    for (const p of of.slice(0, cap)) out(p.text);
    if (of.length > cap) out(`… and ${of.length - cap} more ${kind}`);
  }
  const counts = order.map((k) => [k, problems.filter((p) => p.kind === k).length]).filter(([, n]) => n > 0);
  out(`FAILED: ${counts.map(([k, n]) => `${n} ${k}`).join(', ')}`);
  if (counts.some(([k]) => k === 'new' || k === 'changed') && !opts.updateDivergences) {
    out('(a divergence that is understood goes in conformance/divergences/<suite>.json with a reason: --update-divergences, then write it)');
  }
}

function writeJson(opts, results, wallMs) {
  const doc = { version: 1, harness: 'fleetpki', dataDir: opts.dataDir, core: opts.core, filter: opts.filter, wallMs: Math.round(wallMs), totals: totals(results), results };
  writeFileSync(opts.json, `${JSON.stringify(doc, null, 1)}\n`);
  out(`wrote ${results.length} results to ${opts.json}`);
}

/** x509-limbo's own result format (x509-limbo/README.md), comparable with results-local/*.json. */
function writeLimboResults(file, results) {
  const actual = (r) => (r.actual === 'ERROR' ? 'FAILURE' : r.actual);
  const doc = { version: 1, harness: 'fleetpki', results: results.map((r) => ({ id: r.id, actual_result: actual(r), context: r.reason })) };
  writeFileSync(file, `${JSON.stringify(doc, null, 1)}\n`);
  out(`wrote ${results.length} limbo results to ${file}`);
}

process.exitCode = await main(process.argv.slice(2));
