// Known divergences, conformance/divergences/<suite>.json: a JSON array of
// { id, expected, actual, reason }, sorted by id. The list may only shrink: the scoring in
// score.mjs fails the run on anything new and on an entry that passes again.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { TODO_REASON, isSecurityCase } from './score.mjs';

const VERDICTS = new Set(['SUCCESS', 'FAILURE', 'HANG', 'ERROR']);

export const divergenceFile = (root, suite) => join(root, 'divergences', `${suite}.json`);

/** Reads and checks one suite's list; returns { entries: Map(id -> entry), problems: string[] }. */
export function readDivergences(root, suite) {
  const file = divergenceFile(root, suite);
  const entries = new Map();
  const problems = [];
  if (!existsSync(file)) return { file, entries, problems };
  const list = JSON.parse(readFileSync(file, 'utf8'));
  if (!Array.isArray(list)) throw new Error(`${file}: must be a JSON array`);
  for (const e of list) {
    if (typeof e?.id !== 'string' || entries.has(e.id)) { problems.push(`${file}: missing or duplicate id ${e?.id}`); continue; }
    if (!VERDICTS.has(e.expected) || !VERDICTS.has(e.actual) || e.expected === e.actual) problems.push(`${e.id}: expected/actual must be two different verdicts`);
    if (typeof e.reason !== 'string' || e.reason.trim() === '') problems.push(`${e.id}: needs a written reason`);
    if (isSecurityCase(e.id) && e.expected === 'FAILURE' && e.actual === 'SUCCESS') {
      problems.push(`SECURITY ${e.id}: an unexpected SUCCESS here can never be an allowed divergence; fix the validator`);
    }
    entries.set(e.id, e);
  }
  return { file, entries, problems };
}

/**
 * The list after this run: entries of cases that ran are replaced by what they did now
 * (kept reason if the verdict is unchanged, TODO_REASON if new, dropped if the case passes
 * or is skipped); entries of cases that did not run are kept unless the run was complete.
 * Unexpected successes in security namespaces are never written.
 */
export function updatedDivergences(entries, results, complete) {
  const ran = new Map(results.map((r) => [r.id, r]));
  const out = [];
  for (const e of entries.values()) if (!ran.has(e.id) && !complete) out.push(e);
  for (const r of results) {
    if (r.actual === 'SKIPPED' || r.actual === r.expected) continue;
    if (isSecurityCase(r.id) && r.expected === 'FAILURE' && r.actual === 'SUCCESS') continue;
    const old = entries.get(r.id);
    const reason = old && old.actual === r.actual && old.expected === r.expected ? old.reason : TODO_REASON;
    out.push({ id: r.id, expected: r.expected, actual: r.actual, reason });
  }
  return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export function writeDivergences(file, list) {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(list, null, 2)}\n`);
}
