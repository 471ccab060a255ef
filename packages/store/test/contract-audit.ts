/**
 * Contract: the audit hash chain. What the store writes must verify with core's
 * verifyAuditChain, and any edit made behind the store's back (a changed detail, a deleted
 * or reordered row, a cut tail) must make it fail, with the exact problem and sequence.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { it } from 'node:test';
import { verifyAuditChain, type AuditVerification } from '@fleetpki/core';
import type { Store } from '@fleetpki/ca';
import { at, caRecord, event, intent, issued } from './fixtures.js';
import type { OpenHarness } from './harness.js';
import { withHarness } from './contract-cas.js';

const run = promisify(execFile);
const WORKER = fileURLToPath(new URL('./audit-worker.js', import.meta.url));

async function verify(store: Store): Promise<AuditVerification> {
  return verifyAuditChain(await store.readAudit(0, 100_000), await store.auditHead());
}

/** 12 events over 5 calls: seq 1..12. */
async function appendTwelve(store: Store): Promise<void> {
  for (let call = 0; call < 5; call++) {
    const n = call === 4 ? 4 : 2;
    await store.appendAudit(Array.from({ length: n }, (_, k) => event('test.append', { at: at(call * 10 + k), target: `t${call}.${k}`, detail: { call, k } })));
  }
}

export function auditContract(open: OpenHarness): void {
  it('an empty log has no head, and reads nothing', () => withHarness(open, async ({ store }) => {
    assert.equal(await store.auditHead(), null);
    assert.deepEqual(await store.readAudit(0, 10), []);
    assert.deepEqual(await verify(store), { ok: true, count: 0, head: null });
  }));

  it('appended events read back exactly and verify with core, page by page', () => withHarness(open, async ({ store }) => {
    const detail = { z: [1, { b: 'two', a: null }], a: 'Ünïcode ✓ \u{1F512}', n: -0.5, big: 12345678901234, nested: { empty: {} } };
    await store.appendAudit([event('ca.create', { target: 'issuing-1', code: 'X', outcome: 'refused', detail })]);
    await appendTwelve(store);
    const [first] = await store.readAudit(0, 1);
    assert.deepEqual({ ...first, prevHash: '', hash: '' }, {
      seq: 1, at: '2031-03-04T05:06:07.089Z', actor: 'token:admin-1', action: 'ca.create', outcome: 'refused', target: 'issuing-1', code: 'X', detail,
      prevHash: '', hash: '',
    });
    const head = await store.auditHead();
    assert.equal(head?.seq, 13);
    assert.deepEqual(await verify(store), { ok: true, count: 13, head });
    assert.deepEqual((await store.readAudit(10, 2)).map((e) => e.seq), [11, 12]);
    assert.deepEqual((await store.readAudit(13, 5)), []);
    assert.deepEqual((await store.readAudit(0, 0)), []);
  }));

  it('an edited detail is a hash_mismatch at its sequence number', () => withHarness(open, async ({ store, raw }) => {
    await appendTwelve(store);
    await raw.run('UPDATE audit_events SET detail = ? WHERE seq = 3', ['{"call":1,"k":9}']);
    assert.deepEqual(await verify(store), { ok: false, seq: 3, problem: 'hash_mismatch' });
  }));

  it('a deleted middle row is a sequence_gap', () => withHarness(open, async ({ store, raw }) => {
    await appendTwelve(store);
    await raw.run('DELETE FROM audit_events WHERE seq = 6');
    assert.deepEqual(await verify(store), { ok: false, seq: 7, problem: 'sequence_gap' });
  }));

  it('two swapped rows are a prev_mismatch at the first of them', () => withHarness(open, async ({ store, raw }) => {
    await appendTwelve(store);
    await raw.run('UPDATE audit_events SET seq = -1 WHERE seq = 4');
    await raw.run('UPDATE audit_events SET seq = 4 WHERE seq = 5');
    await raw.run('UPDATE audit_events SET seq = 5 WHERE seq = -1');
    assert.deepEqual(await verify(store), { ok: false, seq: 4, problem: 'prev_mismatch' });
  }));

  it('a cut tail is a head_mismatch', () => withHarness(open, async ({ store, raw }) => {
    await appendTwelve(store);
    await raw.run('DELETE FROM audit_events WHERE seq > 10');
    assert.deepEqual(await verify(store), { ok: false, seq: 12, problem: 'head_mismatch' });
  }));

  it('concurrent calls, in this process and from a peer, keep one intact chain', () => withHarness(open, async ({ store, openPeer }) => {
    await store.createCa(caRecord('issuing-1'), []);
    const peer = await openPeer();
    try {
      const calls: Promise<unknown>[] = [];
      for (let k = 0; k < 40; k++) {
        const target = k % 2 === 0 ? store : peer;
        calls.push(target.appendAudit([event('a', { detail: { k } }), event('b', { detail: { k } })]));
        calls.push(target.recordIntents([intent(`c${k}`)]).then(() => target.recordIssued([issued(`c${k}`)], [event('issue', { target: `c${k}` })])));
      }
      await Promise.all(calls);
    } finally {
      await peer.close();
    }
    assert.deepEqual(await verify(store), { ok: true, count: 120, head: { seq: 120, hash: (await store.auditHead())?.hash } });
  }));

  it('several processes appending at once keep one intact chain', () => withHarness(open, async ({ store, config }) => {
    await store.createCa(caRecord('issuing-1'), []);
    await store.appendAudit([event('parent')]);
    await Promise.all(['p', 'q', 'r'].map((tag) => run(process.execPath, [WORKER, JSON.stringify(config), '60', tag])));
    const result = await verify(store);
    assert.equal(result.ok, true, JSON.stringify(result));
    assert.equal(result.ok && result.count, 181);
    assert.equal((await store.getCa('issuing-1'))?.issuedCount, 18);
  }));
}
