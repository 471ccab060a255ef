/**
 * The audit log tables: one hash chain (core/audit/chain.ts) over audit_events, with its
 * head in audit_head. Appends run inside the caller's transaction, so an event commits
 * exactly when the change it describes does, and a failed call leaves no event behind.
 */
import { auditHashOfCanonicalDetail, canonicalJson, type AuditEntry, type ChainedAuditEntry } from '@fleetpki/core';
import type { AuditEventInput } from '@fleetpki/ca';
import { insertRows } from './batch-insert.js';
import { jsonOrNull, msOf, num, str, strOrNull } from './columns.js';
import type { Dialect, Row, SqlExecutor, SqlValue } from './driver.js';
import { requestInvalid } from './errors.js';

const COLUMNS = ['seq', 'at', 'actor', 'action', 'outcome', 'target', 'code', 'detail', 'prev_hash', 'hash'] as const;

/**
 * The entry exactly as it will read back: `at` as ISO text (Date has millisecond
 * precision, stored as milliseconds) and detail as canonical JSON text, so the hash
 * computed here is the one verifyAuditChain recomputes from the stored row.
 */
function toEntry(seq: number, e: AuditEventInput): { entry: Omit<AuditEntry, 'detail'>; detailText: string | null } {
  const detailText = e.detail === undefined || e.detail === null ? null : canonicalJson(e.detail);
  const entry = {
    seq, at: e.at.toISOString(), actor: e.actor, action: e.action, outcome: e.outcome,
    target: e.target ?? null, code: e.code ?? null,
  };
  return { entry, detailText };
}

/**
 * Appends `events` to the chain. The head row is read with a row lock (PostgreSQL) or under
 * SQLite's writer lock, so concurrent appenders, in this process or another, queue here
 * and each extends the chain from the head the previous one committed.
 */
export async function appendAuditEvents(tx: SqlExecutor, d: Dialect, events: readonly AuditEventInput[]): Promise<void> {
  if (events.length === 0) return;
  const [head] = await tx.all(`SELECT seq, hash FROM audit_head WHERE id = 1${d.forUpdate}`);
  if (head === undefined) throw new Error('audit_head row is missing: the schema was not migrated or was tampered with');
  let seq = num(head, 'seq');
  let prevHash = str(head, 'hash');
  const rows: SqlValue[][] = [];
  for (const e of events) {
    seq += 1;
    const { entry, detailText } = toEntry(seq, e);
    const hash = auditHashOfCanonicalDetail(prevHash, entry, detailText);
    rows.push([seq, msOf(e.at), entry.actor, entry.action, entry.outcome, entry.target, entry.code, detailText, prevHash, hash]);
    prevHash = hash;
  }
  await insertRows(tx, 'audit_events', COLUMNS, rows);
  await tx.run('UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1', [seq, prevHash]);
}

function toChained(r: Row): ChainedAuditEntry {
  return {
    seq: num(r, 'seq'),
    at: new Date(num(r, 'at')).toISOString(),
    actor: str(r, 'actor'),
    action: str(r, 'action'),
    outcome: str(r, 'outcome') as ChainedAuditEntry['outcome'],
    target: strOrNull(r, 'target'),
    code: strOrNull(r, 'code'),
    detail: jsonOrNull<Record<string, unknown>>(r, 'detail'),
    prevHash: str(r, 'prev_hash'),
    hash: str(r, 'hash'),
  };
}

export async function readAuditEntries(db: SqlExecutor, afterSeq: number, limit: number): Promise<ChainedAuditEntry[]> {
  if (!Number.isSafeInteger(afterSeq) || afterSeq < 0) throw requestInvalid('afterSeq must be a non-negative integer');
  if (!Number.isSafeInteger(limit) || limit < 0) throw requestInvalid('limit must be a non-negative integer');
  if (limit === 0) return [];
  const rows = await db.all(`SELECT ${COLUMNS.join(', ')} FROM audit_events WHERE seq > ? ORDER BY seq LIMIT ?`, [afterSeq, limit]);
  return rows.map(toChained);
}

export async function readAuditHead(db: SqlExecutor): Promise<{ seq: number; hash: string } | null> {
  const [head] = await db.all('SELECT seq, hash FROM audit_head WHERE id = 1');
  if (head === undefined || num(head, 'seq') === 0) return null;
  return { seq: num(head, 'seq'), hash: str(head, 'hash') };
}
