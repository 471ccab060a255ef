// Printing: per-namespace counts, skips with their reasons, failures (capped), timing.
import { countByNamespace, isSecurityCase, isUnexpectedSuccess } from './score.mjs';

const pad = (s, n) => String(s).padEnd(n);
const num = (s, n) => String(s).padStart(n);
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
const oneLine = (s, max = 240) => {
  const t = String(s ?? '').replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
};

export function printSuite(out, { suite, source, results, wallMs, listed, maxListed }) {
  out(`\n== ${suite}: ${results.length} cases from ${source}, ${seconds(wallMs)} ==`);
  printNamespaces(out, results);
  printSkips(out, results);
  printFailures(out, results, listed, maxListed);
  printTiming(out, results);
}

function printNamespaces(out, results) {
  const rows = countByNamespace(results);
  const width = Math.max(9, ...[...rows.keys()].map((k) => k.length)) + 2;
  out(`${pad('namespace', width)}${num('pass', 6)}${num('fail', 6)}${num('(accepted)', 12)}${num('skip', 6)}${num('time', 10)}`);
  for (const [ns, r] of rows) {
    out(`${pad(ns, width)}${num(r.pass, 6)}${num(r.fail, 6)}${num(r.unexpectedSuccess ? `(${r.unexpectedSuccess})` : '', 12)}${num(r.skip, 6)}${num(seconds(r.ms), 10)}`);
  }
}

function printSkips(out, results) {
  const byReason = new Map();
  for (const r of results) if (r.actual === 'SKIPPED') byReason.set(r.reason, [...(byReason.get(r.reason) ?? []), r.id]);
  if (byReason.size === 0) return;
  out(`skipped (${[...byReason.values()].reduce((n, ids) => n + ids.length, 0)}), by reason:`);
  for (const [reason, ids] of byReason) {
    out(`  ${ids.length} x ${oneLine(reason)}`);
    for (const id of ids.slice(0, 20)) out(`      ${id}`);
    if (ids.length > 20) out(`      … and ${ids.length - 20} more`);
  }
}

/** Security first, then new ones, then listed divergences; the most common reasons too. */
function printFailures(out, results, listed, maxListed) {
  const rank = (r) => (isUnexpectedSuccess(r) && isSecurityCase(r.id) ? 0 : listed.has(r.id) ? 2 : 1);
  const failures = results.filter((r) => r.actual !== 'SKIPPED' && r.actual !== r.expected).sort((a, b) => rank(a) - rank(b));
  if (failures.length === 0) return;
  const tag = ['SECURITY', 'new', 'listed'];
  out(`failures (${failures.length}${failures.length > maxListed ? `, first ${maxListed}` : ''}):`);
  for (const r of failures.slice(0, maxListed)) {
    out(`  [${tag[rank(r)]}] ${r.id}: expected ${r.expected}, got ${r.actual}: ${oneLine(r.reason)}`);
  }
  if (failures.length > maxListed) out(`  … and ${failures.length - maxListed} more (--json <file> has every result)`);
  const reasons = new Map();
  for (const r of failures) {
    const key = `${r.actual}: ${oneLine(r.reason, 120)}`;
    reasons.set(key, (reasons.get(key) ?? 0) + 1);
  }
  const top = [...reasons].sort((a, b) => b[1] - a[1]).slice(0, 5);
  if (failures.length > 5) out(`most common:${top.map(([k, n]) => `\n  ${n} x ${k}`).join('')}`);
}

function printTiming(out, results) {
  const ran = results.filter((r) => r.actual !== 'SKIPPED');
  if (ran.length === 0) return;
  const total = ran.reduce((n, r) => n + r.ms, 0);
  const slowest = [...ran].sort((a, b) => b.ms - a.ms).slice(0, 3);
  out(`timing: ${seconds(total)} in cases (mean ${(total / ran.length).toFixed(1)} ms); slowest: ${slowest.map((r) => `${r.id} ${Math.round(r.ms)} ms`).join(', ')}`);
}
