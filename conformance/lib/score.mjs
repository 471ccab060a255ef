// Scoring against the known-divergence lists. A case passes when actual === expected;
// SKIPPED is neither pass nor fail; HANG and ERROR are failures.
/** The reason --update-divergences writes for a new entry; refused when CI=true. */
export const TODO_REASON = 'TODO: explain';

/**
 * Accepting what must be rejected in these cases is a security bug, never a statistic
 * (shared/conformance/README.md, "How a harness should run them", point 6): name
 * constraints, CVE regressions, DoS chains, PKITS CRL revocation (4.4), name constraints
 * (4.13) and distribution points (4.14). Deliberately code, not data: no file can allow them.
 */
const SECURITY = [/^cve::/, /^rfc5280::nc::/, /^bettertls::/, /^pathological::/, /^pkits::4\.(4|13|14)\./];

export const isSecurityCase = (id) => SECURITY.some((re) => re.test(id));
export const isUnexpectedSuccess = (r) => r.expected === 'FAILURE' && r.actual === 'SUCCESS';

/**
 * Compares one suite's results with its divergence list. `complete` says every case of the
 * suite ran (no --filter, full data), so listed ids that did not run are stale.
 * Returns the problems that fail the run, each { kind, id, text }.
 */
export function judge(results, entries, { complete, ci }) {
  const problems = [];
  const add = (kind, id, text) => problems.push({ kind, id, text });
  const ran = new Set();
  for (const r of results) {
    ran.add(r.id);
    const listed = entries.get(r.id);
    if (r.actual === 'SKIPPED') {
      if (listed) add('stale', r.id, `${r.id} is listed as a divergence but now SKIPPED: remove it from the list`);
      continue;
    }
    if (isUnexpectedSuccess(r) && isSecurityCase(r.id)) {
      add('security', r.id, `SECURITY ${r.id}: accepted (expected FAILURE): ${r.reason || 'no reason given'}`);
    } else if (r.actual === r.expected) {
      if (listed) add('now-passing', r.id, `${r.id} now passes (${r.actual}): remove it from the list`);
    } else if (!listed) {
      add('new', r.id, `${r.id}: expected ${r.expected}, got ${r.actual}: ${r.reason} (new, not a listed divergence)`);
    } else if (listed.actual !== r.actual || listed.expected !== r.expected) {
      add('changed', r.id, `${r.id}: listed as ${listed.expected} -> ${listed.actual}, now ${r.expected} -> ${r.actual}: ${r.reason}`);
    }
  }
  for (const e of entries.values()) {
    if (complete && !ran.has(e.id)) add('stale', e.id, `${e.id} is listed as a divergence but is not a case of this suite: remove it from the list`);
    if (ci && ran.has(e.id) && e.reason.startsWith(TODO_REASON)) add('todo', e.id, `${e.id}: divergence reason is "${TODO_REASON}"; write why (refused when CI=true)`);
  }
  return problems;
}

/** Per-namespace counts: { namespace -> { pass, fail, unexpectedSuccess, skip, ms } }. */
export function countByNamespace(results) {
  const table = new Map();
  for (const r of results) {
    const row = table.get(r.namespace) ?? { pass: 0, fail: 0, unexpectedSuccess: 0, skip: 0, ms: 0 };
    if (r.actual === 'SKIPPED') row.skip++;
    else if (r.actual === r.expected) row.pass++;
    else { row.fail++; if (isUnexpectedSuccess(r)) row.unexpectedSuccess++; }
    row.ms += r.ms;
    table.set(r.namespace, row);
  }
  return new Map([...table].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export function totals(results) {
  let passed = 0, failed = 0, skipped = 0;
  for (const r of results) {
    if (r.actual === 'SKIPPED') skipped++;
    else if (r.actual === r.expected) passed++;
    else failed++;
  }
  return { passed, failed, skipped };
}
