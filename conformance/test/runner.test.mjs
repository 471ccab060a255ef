// The runner's own tests (npm run conformance:test): a fake suite in a temporary harness
// folder, run through conformance/run.mjs as a child process, asserting the exit code and
// the exact lines that carry the verdict.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const RUNNER = fileURLToPath(new URL('../run.mjs', import.meta.url));
const FAKE = fileURLToPath(new URL('./fixture/suites/fake.mjs', import.meta.url));

const kase = (id, expected, behaviour, features = []) => ({ id, namespace: id.split('::')[0], expected, features, input: { behaviour } });

/** A harness folder + data folder with these cases and divergences; returns a runner. */
function harness(t, { cases, divergences, suites = ['fake'] }) {
  const dir = mkdtempSync(join(tmpdir(), 'conformance-test-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const root = join(dir, 'harness');
  mkdirSync(join(root, 'suites'), { recursive: true });
  mkdirSync(join(root, 'divergences'));
  mkdirSync(join(dir, 'data'));
  copyFileSync(FAKE, join(root, 'suites', 'fake.mjs'));
  writeFileSync(join(root, 'capabilities.json'), JSON.stringify({ suites, fake: { features: { unsupported: 'not implemented here' } } }));
  if (divergences) writeFileSync(join(root, 'divergences', 'fake.json'), JSON.stringify(divergences));
  writeFileSync(join(dir, 'data', 'fake-cases.json'), JSON.stringify(cases));
  const run = (args = [], ci = false) => {
    const r = spawnSync(process.execPath, [RUNNER, '--root', root, '--timeout-ms', '400', '--jobs', '1', ...args], {
      encoding: 'utf8', env: { ...process.env, FLEETPKI_CONFORMANCE: join(dir, 'data'), CI: ci ? 'true' : '' },
    });
    const lines = r.stdout.trimEnd().split('\n');
    return { code: r.status, out: r.stdout, last: lines[lines.length - 1] };
  };
  return { run, root, divergencesFile: join(root, 'divergences', 'fake.json') };
}

test('a run with passes, a skip and a listed divergence exits 0', (t) => {
  const h = harness(t, {
    cases: [kase('a::1', 'SUCCESS', 'accept'), kase('a::2', 'FAILURE', 'reject'), kase('a::3', 'SUCCESS', 'hang', ['unsupported']), kase('b::1', 'SUCCESS', 'reject')],
    divergences: [{ id: 'b::1', expected: 'SUCCESS', actual: 'FAILURE', reason: 'known: the fake rejects it' }],
  });
  const r = h.run();
  assert.equal(r.code, 0, r.out);
  assert.equal(r.last, '2 passed, 1 failed, 1 skipped');
  assert.match(r.out, /^ {2}1 x unsupported: not implemented here$/m);
  assert.match(r.out, /^ {6}a::3$/m);
  assert.match(r.out, /^no new divergences$/m);
});

test('a case that hangs is HANG, its worker is replaced and the next case still runs', (t) => {
  const h = harness(t, { cases: [kase('h::1', 'FAILURE', 'hang'), kase('h::2', 'SUCCESS', 'accept')] });
  const r = h.run();
  assert.equal(r.code, 1, r.out);
  assert.equal(r.last, '1 passed, 1 failed, 0 skipped');
  assert.match(r.out, /^h::1: expected FAILURE, got HANG: no verdict within 400 ms \(worker terminated\) \(new, not a listed divergence\)$/m);
});

test('a throwing adapter and a malformed verdict are ERROR, not a crash', (t) => {
  const h = harness(t, { cases: [kase('e::1', 'SUCCESS', 'throw'), kase('e::2', 'SUCCESS', 'nonsense')] });
  const r = h.run();
  assert.equal(r.code, 1, r.out);
  assert.equal(r.last, '0 passed, 2 failed, 0 skipped');
  assert.match(r.out, /^e::1: expected SUCCESS, got ERROR: run threw: boom /m);
  assert.match(r.out, /^e::2: expected SUCCESS, got ERROR: adapter returned \{"verdict":"not a verdict"\} /m);
});

test('a listed divergence that now passes fails the run and asks for its removal', (t) => {
  const h = harness(t, {
    cases: [kase('a::1', 'SUCCESS', 'accept')],
    divergences: [{ id: 'a::1', expected: 'SUCCESS', actual: 'FAILURE', reason: 'was broken' }],
  });
  const r = h.run();
  assert.equal(r.code, 1, r.out);
  assert.match(r.out, /^a::1 now passes \(SUCCESS\): remove it from the list$/m);
  assert.equal(r.last, '1 passed, 0 failed, 0 skipped');
});

test('a new unexpected result fails the run; a listed one with another verdict too', (t) => {
  const h = harness(t, {
    cases: [kase('n::1', 'SUCCESS', 'reject'), kase('n::2', 'FAILURE', 'throw')],
    divergences: [{ id: 'n::2', expected: 'FAILURE', actual: 'SUCCESS', reason: 'was accepted' }],
  });
  const r = h.run();
  assert.equal(r.code, 1, r.out);
  assert.match(r.out, /^n::1: expected SUCCESS, got FAILURE: rejected \(new, not a listed divergence\)$/m);
  assert.match(r.out, /^n::2: listed as FAILURE -> SUCCESS, now FAILURE -> ERROR: run threw: boom$/m);
  assert.match(r.out, /^FAILED: 1 new, 1 changed$/m);
});

test('an accepted case in a security namespace fails even when listed', (t) => {
  const h = harness(t, {
    cases: [kase('cve::x', 'FAILURE', 'accept')],
    divergences: [{ id: 'cve::x', expected: 'FAILURE', actual: 'SUCCESS', reason: 'we think it is fine' }],
  });
  const r = h.run();
  assert.equal(r.code, 1, r.out);
  assert.match(r.out, /^SECURITY cve::x: accepted \(expected FAILURE\): accepted$/m);
  assert.match(r.out, /^SECURITY cve::x: an unexpected SUCCESS here can never be an allowed divergence; fix the validator$/m);
});

test('--update-divergences writes TODO entries, which CI=true refuses', (t) => {
  const h = harness(t, { cases: [kase('u::1', 'SUCCESS', 'reject'), kase('u::2', 'SUCCESS', 'accept')] });
  assert.equal(h.run(['--update-divergences']).code, 0);
  assert.deepEqual(JSON.parse(readFileSync(h.divergencesFile, 'utf8')), [{ id: 'u::1', expected: 'SUCCESS', actual: 'FAILURE', reason: 'TODO: explain' }]);
  assert.equal(h.run().code, 0);
  const ci = h.run([], true);
  assert.equal(ci.code, 1, ci.out);
  assert.match(ci.out, /^u::1: divergence reason is "TODO: explain"; write why \(refused when CI=true\)$/m);
});

test('an expected adapter that is not there yet is reported and the rest runs', (t) => {
  const h = harness(t, { cases: [kase('a::1', 'SUCCESS', 'accept')], suites: ['fake', 'later'] });
  const r = h.run([], true);
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /^suite later: adapter .*later\.mjs does not exist yet; running the other suites only$/m);
  assert.equal(r.last, '1 passed, 0 failed, 0 skipped');
});

test('in CI, an adapter committed to git but missing from the tree fails the run', (t) => {
  const h = harness(t, { cases: [kase('a::1', 'SUCCESS', 'accept')], suites: ['fake', 'later'] });
  const git = (...args) => spawnSync('git', args, { cwd: h.root, encoding: 'utf8' });
  git('init', '-q');
  writeFileSync(join(h.root, 'suites', 'later.mjs'), '');
  git('add', 'suites/later.mjs');
  rmSync(join(h.root, 'suites', 'later.mjs'));
  const r = h.run([], true);
  assert.equal(r.code, 1, r.out);
  assert.match(r.out, /^suite later: adapter .*later\.mjs is committed but missing$/m);
  assert.equal(h.run([], false).code, 0);
});

test('a missing data folder fails in CI and is a note elsewhere', () => {
  const run = (ci) => spawnSync(process.execPath, [RUNNER], { encoding: 'utf8', env: { ...process.env, FLEETPKI_CONFORMANCE: join(tmpdir(), 'no-such-conformance-data'), CI: ci } });
  const ci = run('true');
  assert.equal(ci.status, 1);
  assert.match(ci.stdout, /^conformance data not found at .*no-such-conformance-data: set FLEETPKI_CONFORMANCE/m);
  const local = run('');
  assert.equal(local.status, 0);
  assert.match(local.stdout, /; nothing run\n0 passed, 0 failed, 0 skipped\n$/);
});
