import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AUDIT_GENESIS_HASH, auditHash, canonicalJson, verifyAuditChain, type ChainedAuditEntry } from '../src/index.js';

function chain(n: number): ChainedAuditEntry[] {
  const out: ChainedAuditEntry[] = [];
  let prev = AUDIT_GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const e = { seq, at: new Date(Date.UTC(2030, 0, 1, 0, 0, seq)).toISOString(), actor: 'system', action: 'certificate.issue', outcome: 'success' as const, target: `s${seq}`, code: null, detail: { n: seq, b: [1, { z: 1, a: 2 }] } };
    const hash = auditHash(prev, e);
    out.push({ ...e, prevHash: prev, hash });
    prev = hash;
  }
  return out;
}

test('canonical JSON sorts keys at every level', () => {
  assert.equal(canonicalJson({ b: 1, a: { d: [3, { y: 1, x: 2 }], c: null } }), '{"a":{"c":null,"d":[3,{"x":2,"y":1}]},"b":1}');
});

test('an intact chain verifies, with its head', () => {
  const c = chain(10);
  assert.deepEqual(verifyAuditChain(c, { seq: 10, hash: c[9]!.hash }), { ok: true, count: 10, head: { seq: 10, hash: c[9]!.hash } });
});

test('edited, deleted, reordered and cut events are detected', () => {
  const c = chain(10);
  const head = { seq: 10, hash: c[9]!.hash };
  const edited = c.map((e) => (e.seq === 4 ? { ...e, detail: { n: 999 } } : e));
  assert.deepEqual(verifyAuditChain(edited, head), { ok: false, seq: 4, problem: 'hash_mismatch' });
  const deleted = c.filter((e) => e.seq !== 5);
  assert.deepEqual(verifyAuditChain(deleted, head), { ok: false, seq: 6, problem: 'sequence_gap' });
  const renumbered = deleted.map((e, i) => ({ ...e, seq: i + 1 }));
  assert.deepEqual(verifyAuditChain(renumbered, head), { ok: false, seq: 5, problem: 'prev_mismatch' });
  const swapped = [...c];
  [swapped[2], swapped[3]] = [swapped[3]!, swapped[2]!];
  assert.equal(verifyAuditChain(swapped, head).ok, false);
  assert.deepEqual(verifyAuditChain(c.slice(0, 8), head), { ok: false, seq: 10, problem: 'head_mismatch' });
});

test('hashing with the canonical detail text gives the same hash as hashing the object', async () => {
  const { auditHashOfCanonicalDetail } = await import('../src/index.js');
  const e = { seq: 7, at: '2030-01-01T00:00:00.000Z', actor: 'token:ab"c', action: 'certificate.issue', outcome: 'refused' as const, target: null, code: 'WEAK_KEY', detail: { z: [1, 'é'], a: { y: null, b: true } } };
  assert.equal(auditHashOfCanonicalDetail(AUDIT_GENESIS_HASH, e, canonicalJson(e.detail)), auditHash(AUDIT_GENESIS_HASH, e));
  assert.equal(auditHashOfCanonicalDetail(AUDIT_GENESIS_HASH, { ...e }, null), auditHash(AUDIT_GENESIS_HASH, { ...e, detail: null }));
});
