/**
 * The audit log is a hash chain: each event's hash covers the previous hash and the
 * event's canonical JSON, so an edited, deleted or reordered event breaks every hash
 * after it. The head (last sequence number and hash) is kept apart to catch a cut tail.
 */
import { createHash } from 'node:crypto';

export const AUDIT_GENESIS_HASH = '0'.repeat(64);

export interface AuditEntry {
  readonly seq: number;
  /** ISO 8601 with milliseconds, UTC. */
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  readonly outcome: 'success' | 'refused' | 'failure';
  readonly target: string | null;
  readonly code: string | null;
  readonly detail: Readonly<Record<string, unknown>> | null;
}

export interface ChainedAuditEntry extends AuditEntry {
  readonly prevHash: string;
  readonly hash: string;
}

/** JSON with object keys sorted at every level: the same event always hashes the same. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`;
}

export function auditHash(prevHash: string, e: AuditEntry): string {
  return auditHashOfCanonicalDetail(prevHash, e, e.detail === null ? null : canonicalJson(e.detail));
}

/**
 * The same hash when the detail is already canonical JSON text (as the store keeps it):
 * the body is the canonical JSON of the entry, keys in sorted order, with the detail text
 * spliced in, so nothing is parsed and re-serialized on the write path.
 */
export function auditHashOfCanonicalDetail(prevHash: string, e: Omit<AuditEntry, 'detail'>, detailJson: string | null): string {
  const body = `{"action":${JSON.stringify(e.action)},"actor":${JSON.stringify(e.actor)},"at":${JSON.stringify(e.at)},` +
    `"code":${JSON.stringify(e.code)},"detail":${detailJson ?? 'null'},"outcome":${JSON.stringify(e.outcome)},` +
    `"seq":${JSON.stringify(e.seq)},"target":${JSON.stringify(e.target)}}`;
  return createHash('sha256').update(prevHash).update('\n').update(body).digest('hex');
}

export type AuditVerification =
  | { readonly ok: true; readonly count: number; readonly head: { seq: number; hash: string } | null }
  | { readonly ok: false; readonly seq: number; readonly problem: 'hash_mismatch' | 'prev_mismatch' | 'sequence_gap' | 'head_mismatch' };

/**
 * Incremental verification, so a million events can be streamed page by page. push()
 * returns the first problem; finish() compares the recorded head with the last event.
 */
export class AuditChainVerifier {
  #prev = AUDIT_GENESIS_HASH;
  #expectedSeq = 1;
  #count = 0;
  #last: { seq: number; hash: string } | null = null;

  push(e: ChainedAuditEntry): AuditVerification | null {
    if (e.seq !== this.#expectedSeq) return { ok: false, seq: e.seq, problem: 'sequence_gap' };
    if (e.prevHash !== this.#prev) return { ok: false, seq: e.seq, problem: 'prev_mismatch' };
    if (auditHash(this.#prev, e) !== e.hash) return { ok: false, seq: e.seq, problem: 'hash_mismatch' };
    this.#prev = e.hash;
    this.#expectedSeq++;
    this.#count++;
    this.#last = { seq: e.seq, hash: e.hash };
    return null;
  }

  finish(head?: { seq: number; hash: string } | null): AuditVerification {
    if (head !== undefined && (head?.seq !== this.#last?.seq || head?.hash !== this.#last?.hash)) {
      return { ok: false, seq: head?.seq ?? 0, problem: 'head_mismatch' };
    }
    return { ok: true, count: this.#count, head: this.#last };
  }
}

/** Walks entries in sequence order; the recorded head, when given, must match the last entry. */
export function verifyAuditChain(entries: Iterable<ChainedAuditEntry>, head?: { seq: number; hash: string } | null): AuditVerification {
  const v = new AuditChainVerifier();
  for (const e of entries) {
    const problem = v.push(e);
    if (problem) return problem;
  }
  return v.finish(head);
}
