// Command-line options of conformance/run.mjs (docs/conformance.md lists them).
import { availableParallelism } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const HARNESS_DIR = resolve(here, '..');
export const REPO_ROOT = resolve(HARNESS_DIR, '..');

export const USAGE = `usage: node conformance/run.mjs [options]
  --suite a,b             suites to run (default: every adapter in conformance/suites/)
  --core                  limbo: limbo-core.json (208 cases) instead of limbo.json (9,780)
  --filter <substring>    only cases whose id contains it
  --json <file>           write every result to <file>
  --limbo-results <file>  write the limbo results in upstream's LimboResult format (diff with results-local/)
  --update-divergences    rewrite conformance/divergences/<suite>.json from this run
  --timeout-ms <n>        per-case timeout (default 5000)
  --jobs <n>              worker threads (default: one per core)
  --max-listed <n>        failures printed per suite (default 40; --json has them all)
  --root <dir>            harness folder with suites/, capabilities.json, divergences/ (tests)
environment: FLEETPKI_CONFORMANCE = data folder (default ../shared/conformance from the repo root);
CI=true makes a missing data folder, a missing committed adapter and a "TODO" divergence fatal.`;

const FLAGS = new Set(['--core', '--update-divergences', '--help']);
const VALUED = new Set(['--suite', '--filter', '--json', '--limbo-results', '--timeout-ms', '--jobs', '--max-listed', '--root']);

/** Parses argv (without node and the script) into options; throws on anything unknown. */
export function parseArgs(argv, env = process.env) {
  const raw = {};
  for (let i = 0; i < argv.length; i++) {
    const [name, inline] = argv[i].split(/=(.*)/s, 2);
    if (FLAGS.has(name) && inline === undefined) { raw[name] = true; continue; }
    if (!VALUED.has(name)) throw new Error(`unknown option ${argv[i]}`);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`${name} needs a value`);
    raw[name] = value;
  }
  const root = resolve(raw['--root'] ?? HARNESS_DIR);
  return {
    help: raw['--help'] === true,
    suites: raw['--suite'] ? raw['--suite'].split(',').map((s) => s.trim()).filter(Boolean) : null,
    core: raw['--core'] === true,
    filter: raw['--filter'] ?? null,
    json: raw['--json'] ? resolve(raw['--json']) : null,
    limboResults: raw['--limbo-results'] ? resolve(raw['--limbo-results']) : null,
    updateDivergences: raw['--update-divergences'] === true,
    timeoutMs: positive(raw['--timeout-ms'] ?? '5000', '--timeout-ms'),
    jobs: positive(raw['--jobs'] ?? String(availableParallelism()), '--jobs'),
    maxListed: positive(raw['--max-listed'] ?? '40', '--max-listed'),
    root,
    dataDir: resolve(env.FLEETPKI_CONFORMANCE || resolve(REPO_ROOT, '..', 'shared', 'conformance')),
    ci: env.CI === 'true',
  };
}

function positive(text, name) {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got ${text}`);
  return n;
}
