/**
 * Contract: what CRL and OCSP publishers read. listRevoked (shards, expiry, batches),
 * revocationChangesSince (delta CRLs: new revocations, holds made final, holds released),
 * certificateStatus, the CRL number sequence and the CRLs kept.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { CrlRecord, RevokedEntry, RevokedListOptions, Store } from '@fleetpki/ca';
import { at, caRecord, intent, issued, T0 } from './fixtures.js';
import type { OpenHarness } from './harness.js';
import { rejectsWithCode, withHarness } from './contract-cas.js';
import { auditFor, revocation, seedIssued } from './contract-revocation.js';

/** Entries in (shard, serial) order (a batch's own order is unspecified), and each batch's serials. */
async function collect(store: Store, caName: string, options: RevokedListOptions): Promise<{ entries: RevokedEntry[]; batches: string[][] }> {
  const entries: RevokedEntry[] = [];
  const batches: string[][] = [];
  for await (const batch of store.listRevoked(caName, options)) {
    const sorted = [...batch].sort((a, b) => (a.serial < b.serial ? -1 : 1));
    entries.push(...sorted);
    batches.push(sorted.map((e) => e.serial));
  }
  return { entries, batches };
}

const release = (store: Store, serial: string, offsetSeconds: number) =>
  store.releaseHold(serial, at(offsetSeconds), (r) => ({ at: r.releasedAt, actor: 'system', action: 'certificate.release_hold', outcome: 'success', target: r.serial }));

function crl(overrides: Partial<CrlRecord> = {}): CrlRecord {
  return { caName: 'issuing-1', shard: 0, kind: 'full', crlNumber: 1, baseCrlNumber: null, thisUpdate: at(0), nextUpdate: at(3600), der: new Uint8Array([0x30, 0x00]), ...overrides };
}

export function crlContract(open: OpenHarness): void {
  it('listRevoked yields the revoked entries of a CA in batches by (shard, serial), a batch per shard at most, without expired ones', () => withHarness(open, async ({ store }) => {
    await store.createCa(caRecord('issuing-1'), []);
    await store.createCa(caRecord('issuing-2'), []);
    const shards = [2, 0, 1, 0, 2, 1, 0];
    const intents = shards.map((crlShard, k) => intent(`a${k}`, { crlShard, notAfter: at(k === 3 ? 50 : 86400) }));
    await store.recordIntents([...intents, intent('b0', { caName: 'issuing-2' }), intent('a9')]);
    await store.recordIssued([...intents, intent('b0')].map((i) => issued(i.serial)), []);
    await store.revokeCertificates([
      ...intents.map((i, k) => revocation(i.serial, k === 5 ? 'certificateHold' : 'keyCompromise', 100 + k, k === 1 ? at(10) : null)),
      revocation('b0'),
    ], auditFor);
    await release(store, 'a5', 200);
    const all = await collect(store, 'issuing-1', { notExpiredAt: at(100), batchSize: 2 });
    assert.deepEqual(all.batches, [['a1', 'a6'], ['a2'], ['a0', 'a4']]);
    assert.deepEqual(all.entries[0], { serial: 'a1', revocationDate: at(101), reason: 'keyCompromise', invalidityDate: at(10) });
    const withExpired = await collect(store, 'issuing-1', { notExpiredAt: at(50) });
    assert.deepEqual(withExpired.entries.map((e) => e.serial), ['a1', 'a3', 'a6', 'a2', 'a0', 'a4']);
    assert.deepEqual((await collect(store, 'issuing-1', { notExpiredAt: at(100), shard: 2, batchSize: 1 })).batches, [['a0'], ['a4']]);
    assert.deepEqual((await collect(store, 'issuing-1', { notExpiredAt: at(100), shard: 7 })).entries, []);
    assert.deepEqual((await collect(store, 'issuing-2', { notExpiredAt: at(100) })).entries.map((e) => e.serial), ['b0']);
    assert.deepEqual((await collect(store, 'issuing-1', { notExpiredAt: at(100), batchSize: 5 })).batches.length, 3);
    assert.deepEqual((await collect(store, 'absent', { notExpiredAt: at(100) })).batches, []);
  }));

  it('revocationChangesSince: new revocations, holds made final, and releases not revoked again', () => withHarness(open, async ({ store }) => {
    await seedIssued(store, 5);
    await store.revokeCertificates([revocation('01', 'keyCompromise', 100), revocation('02', 'certificateHold', 100), revocation('03', 'certificateHold', 100), revocation('04', 'certificateHold', 100)], auditFor);
    // The base CRL is made at T0+150.
    await store.revokeCertificates([revocation('02', 'keyCompromise', 200), revocation('05', 'superseded', 210)], auditFor);
    await release(store, '03', 220);
    await release(store, '04', 230);
    await store.revokeCertificates([revocation('04', 'certificateHold', 240)], auditFor);
    const delta = await store.revocationChangesSince('issuing-1', at(150), { notExpiredAt: at(150) });
    assert.deepEqual(delta, [
      { serial: '02', change: 'revoked', revocationDate: at(100), reason: 'keyCompromise', invalidityDate: null },
      { serial: '04', change: 'revoked', revocationDate: at(240), reason: 'certificateHold', invalidityDate: null },
      { serial: '05', change: 'revoked', revocationDate: at(210), reason: 'superseded', invalidityDate: null },
      { serial: '03', change: 'released', revocationDate: at(100), releasedAt: at(220) },
    ]);
    assert.deepEqual(await store.revocationChangesSince('issuing-1', at(240), { notExpiredAt: at(150) }), []);
    assert.deepEqual(await store.revocationChangesSince('issuing-1', at(150), { notExpiredAt: at(150), shard: 1 }), []);
  }));

  it('certificateStatus reads one serial: issued, on hold, revoked, pending, unknown', () => withHarness(open, async ({ store }) => {
    await seedIssued(store, 2);
    await store.revokeCertificates([revocation('02', 'keyCompromise', 100, at(90))], auditFor);
    assert.deepEqual(await store.certificateStatus('01'), { caName: 'issuing-1', status: 'issued', revokedAt: null, reason: null, invalidityDate: null, notAfter: at(86400) });
    assert.deepEqual(await store.certificateStatus('02'), { caName: 'issuing-1', status: 'revoked', revokedAt: at(100), reason: 'keyCompromise', invalidityDate: at(90), notAfter: at(86400) });
    assert.equal((await store.certificateStatus('ff'))?.status, 'pending');
    assert.equal(await store.certificateStatus('aa'), null);
  }));

  it('CRL numbers: one sequence per CA from 1, unique under concurrency, CA_NOT_FOUND for others', () => withHarness(open, async (h) => {
    await h.store.createCa(caRecord('issuing-1'), []);
    await h.store.createCa(caRecord('issuing-2'), []);
    assert.equal(await h.store.nextCrlNumber('issuing-1'), 1);
    assert.equal(await h.store.nextCrlNumber('issuing-1'), 2);
    assert.equal(await h.store.nextCrlNumber('issuing-2'), 1);
    const peer = await h.openPeer();
    try {
      const numbers = await Promise.all(Array.from({ length: 20 }, (_, k) => (k % 2 ? peer : h.store).nextCrlNumber('issuing-1')));
      assert.deepEqual([...numbers].sort((a, b) => a - b), Array.from({ length: 20 }, (_, k) => k + 3));
    } finally { await peer.close(); }
    await rejectsWithCode(h.store.nextCrlNumber('absent'), 'CA_NOT_FOUND');
  }));

  it('saveCrl keeps the latest CRL per (CA, shard, kind) and never replaces it with an older one', () => withHarness(open, async ({ store }) => {
    await store.createCa(caRecord('issuing-1'), []);
    assert.equal(await store.latestCrl('issuing-1', 0, 'full'), null);
    const full = crl({ crlNumber: 5, der: new Uint8Array([0x30, 0x01, 0x05]) });
    assert.equal(await store.saveCrl(full), 'saved');
    assert.equal(await store.saveCrl(crl({ crlNumber: 4 })), 'superseded');
    assert.equal(await store.saveCrl(crl({ crlNumber: 5 })), 'superseded');
    assert.deepEqual(await store.latestCrl('issuing-1', 0, 'full'), full);
    const delta = crl({ kind: 'delta', crlNumber: 6, baseCrlNumber: 5, thisUpdate: new Date(T0.getTime() + 60_000) });
    assert.equal(await store.saveCrl(delta), 'saved');
    assert.equal(await store.saveCrl(crl({ shard: 1, crlNumber: 7 })), 'saved');
    assert.deepEqual(await store.latestCrl('issuing-1', 0, 'delta'), delta);
    assert.deepEqual(await store.latestCrl('issuing-1', 0, 'full'), full);
    assert.equal((await store.latestCrl('issuing-1', 1, 'full'))?.crlNumber, 7);
    const newer = crl({ crlNumber: 8, der: new Uint8Array([0x30, 0x01, 0x08]) });
    assert.equal(await store.saveCrl(newer), 'saved');
    assert.deepEqual(await store.latestCrl('issuing-1', 0, 'full'), newer);
    await rejectsWithCode(store.saveCrl(crl({ kind: 'delta', crlNumber: 9 })), 'REQUEST_INVALID');
    await rejectsWithCode(store.saveCrl(crl({ caName: 'absent' })), 'CA_NOT_FOUND');
  }));
}
