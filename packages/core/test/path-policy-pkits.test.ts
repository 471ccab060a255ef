/**
 * NIST PKITS 4.8-4.12 (certificate policies, requireExplicitPolicy, policy mappings,
 * inhibitPolicyMapping, inhibitAnyPolicy) run straight through processPolicies: the chain is
 * certs_ta_to_ee minus the anchor, with the run's initial policy set and three flags. Each
 * run's expected_result must match, and on SUCCESS runs so must the user-constrained policy set.
 * The data is read from FLEETPKI_CONFORMANCE or ../shared/conformance; it is never copied here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCertificate, processPolicies } from '../src/index.js';

interface PkitsRun {
  readonly id: string;
  readonly section: string;
  readonly title: string;
  readonly certs_ta_to_ee: readonly string[];
  readonly initial_policy_set_oids: readonly string[];
  readonly initial_explicit_policy: boolean;
  readonly initial_policy_mapping_inhibit: boolean;
  readonly initial_inhibit_any_policy: boolean;
  readonly expected_result: 'SUCCESS' | 'FAILURE';
  readonly expected_user_constrained_policy_set: readonly string[];
}

const REPO_ROOT = resolve(fileURLToPath(import.meta.url), '../../../../..');
const DATA = resolve(process.env.FLEETPKI_CONFORMANCE ?? join(REPO_ROOT, '..', 'shared', 'conformance'), 'pkits');
const SECTIONS = new Set(['4.8', '4.9', '4.10', '4.11', '4.12']);

/**
 * Runs of these sections whose expected FAILURE comes from outside policy processing. PKITS
 * 4.8-4.12 (PKITS.pdf and the titles) has none: every FAILURE there is a policy verdict, so
 * the list is empty and every run is scored.
 */
const NOT_POLICY_FAILURES: ReadonlyMap<string, string> = new Map();

function loadRuns(): { runs: PkitsRun[]; symbols: Map<string, string> } | null {
  const file = join(DATA, 'pkits-testcases.json');
  if (!existsSync(file)) return null;
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as { testcases: PkitsRun[]; policy_oids: Record<string, string> };
  const runs = manifest.testcases.filter((r) => SECTIONS.has(r.section.split(' ')[0]!) && !NOT_POLICY_FAILURES.has(r.id));
  return { runs, symbols: new Map(Object.entries(manifest.policy_oids)) };
}

const certificate = (name: string) => parseCertificate(readFileSync(join(DATA, 'certs', `${name}.crt`)));

test('PKITS 4.8-4.12 through processPolicies', (t) => {
  const loaded = loadRuns();
  if (!loaded) {
    if (process.env.CI === 'true') assert.fail(`PKITS data missing at ${DATA} (set FLEETPKI_CONFORMANCE)`);
    t.skip(`PKITS data missing at ${DATA}`);
    return;
  }
  const { runs, symbols } = loaded;
  const mismatches: string[] = [];
  for (const run of runs) {
    const chain = run.certs_ta_to_ee.slice(1).map(certificate);
    const r = processPolicies(chain, {
      initialPolicySet: run.initial_policy_set_oids,
      initialExplicitPolicy: run.initial_explicit_policy,
      initialPolicyMappingInhibit: run.initial_policy_mapping_inhibit,
      initialAnyPolicyInhibit: run.initial_inhibit_any_policy,
    });
    const actual = r.ok ? 'SUCCESS' : 'FAILURE';
    if (actual !== run.expected_result) {
      mismatches.push(`${run.id}: expected ${run.expected_result}, got ${actual}${r.ok ? '' : ` (${r.message})`}`);
    } else if (r.ok) {
      const expected = run.expected_user_constrained_policy_set.map((s) => symbols.get(s) ?? s).sort();
      const got = [...(r.userConstrainedPolicySet ?? [])];
      if (JSON.stringify(got) !== JSON.stringify(expected)) mismatches.push(`${run.id}: user-constrained set ${got.join(',')} != ${expected.join(',')}`);
    }
  }
  assert.deepEqual(mismatches, []);
  // All 88 runs of the five sections are scored: 35 + 8 + 23 + 11 + 11.
  assert.equal(runs.length, 88);
});
