// Finding the suite adapters (conformance/suites/<suite>.mjs), loading their cases and
// deciding the data-driven skips (capabilities.json).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { spawnSync } from 'node:child_process';
import { REPO_ROOT } from './args.mjs';

const SUITE_NAME = /^[a-z0-9][a-z0-9-]*$/;

export function readCapabilities(root) {
  const file = join(root, 'capabilities.json');
  const caps = JSON.parse(readFileSync(file, 'utf8'));
  if (!Array.isArray(caps.suites)) throw new Error(`${file}: "suites" must list the expected suites`);
  return caps;
}

/** Adapter files committed to git (a working tree without git, e.g. a tarball, has none). */
function trackedAdapters(suitesDir) {
  const r = spawnSync('git', ['ls-files', '--', '*.mjs'], { cwd: suitesDir, encoding: 'utf8' });
  if (r.status !== 0) return new Set();
  return new Set(r.stdout.split('\n').filter(Boolean).map((f) => f.replace(/\.mjs$/, '')));
}

/**
 * The suites to run. A requested or expected suite whose adapter is absent is reported
 * (`missing`); in CI it is fatal only when the adapter is committed, since an expected
 * suite may still be in the works in another branch of the work.
 */
export function planSuites(root, requested, caps, ci) {
  const suitesDir = join(root, 'suites');
  const onDisk = existsSync(suitesDir)
    ? readdirSync(suitesDir).filter((f) => f.endsWith('.mjs')).map((f) => f.slice(0, -4)).filter((s) => SUITE_NAME.test(s))
    : [];
  const tracked = trackedAdapters(suitesDir);
  const wanted = requested ?? [...new Set([...caps.suites, ...onDisk])];
  const run = [];
  const notes = [];
  const fatal = [];
  for (const suite of wanted) {
    const file = join(suitesDir, `${suite}.mjs`);
    if (onDisk.includes(suite)) { run.push({ suite, file, url: pathToFileURL(file).href }); continue; }
    const where = relative(REPO_ROOT, file);
    if (ci && tracked.has(suite)) fatal.push(`suite ${suite}: adapter ${where} is committed but missing`);
    else if (requested && !caps.suites.includes(suite)) fatal.push(`suite ${suite}: no adapter ${where}`);
    else notes.push(`suite ${suite}: adapter ${where} does not exist yet; running the other suites only`);
  }
  return { run, notes, fatal };
}

/** Loads an adapter and its cases; checks the interface so a broken adapter fails loudly. */
export async function loadSuite({ suite, url }, dataDir, options) {
  const adapter = await import(url);
  if (adapter.suite !== suite) throw new Error(`adapter ${suite}.mjs exports suite = ${JSON.stringify(adapter.suite)}`);
  if (typeof adapter.load !== 'function' || typeof adapter.run !== 'function') throw new Error(`adapter ${suite}.mjs must export load() and run()`);
  const cases = await adapter.load(dataDir, options);
  if (!Array.isArray(cases)) throw new Error(`${suite}: load() returned ${typeof cases}, not an array`);
  const seen = new Set();
  for (const c of cases) {
    if (typeof c.id !== 'string' || seen.has(c.id)) throw new Error(`${suite}: missing or duplicate case id ${c.id}`);
    if (c.expected !== 'SUCCESS' && c.expected !== 'FAILURE') throw new Error(`${suite}: ${c.id}: expected must be SUCCESS or FAILURE`);
    seen.add(c.id);
  }
  return cases;
}

/** The skip reason for a case, from capabilities.json `<suite>.features`, or null. */
export function skipReason(caps, suite, testcase) {
  const table = caps[suite]?.features ?? {};
  const hits = (testcase.features ?? []).filter((f) => typeof table[f] === 'string');
  return hits.length === 0 ? null : hits.map((f) => `${f}: ${table[f]}`).join('; ');
}
