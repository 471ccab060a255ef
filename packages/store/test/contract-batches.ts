/** Contract: batches, their devices (intents linked in one transaction), manifests and reconciliation. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { BatchDeviceIntent, BatchRecord } from '@fleetpki/ca';
import { at, caRecord, event, intent, issued, T0 } from './fixtures.js';
import type { OpenHarness, StoreHarness } from './harness.js';
import { rejectsWithCode, withHarness } from './contract-cas.js';

export function batch(batchId: string, overrides: Partial<BatchRecord> = {}): BatchRecord {
  return {
    batchId, caName: 'cm1', manufacturer: 'Contoso', profile: 'device-idevid', mode: 'csr', status: 'running',
    attributes: { batch: batchId, line: '7' }, requester: 'cli:factory', createdAt: T0, updatedAt: T0, runs: 1, issued: 0, refused: 0,
    outcomeCode: null, manifestSha256: null, ...overrides,
  };
}

/** A device of `batchId` whose serial is `serial` and key hash is `key` (one hex digit repeated). */
export function device(serial: string, deviceId: string, key = 'a'): BatchDeviceIntent {
  return { intent: intent(serial, { caName: 'cm1', deviceId }), csrSha256: 'c'.repeat(64), spkiSha256: key.repeat(64) };
}

async function withCa(open: OpenHarness, fn: (h: StoreHarness) => Promise<void>, quota: number | null = null): Promise<void> {
  return withHarness(open, async (h) => {
    await h.store.createCa(caRecord('cm1', { role: 'manufacturer', quota }), []);
    await fn(h);
  });
}

export function batchesContract(open: OpenHarness): void {
  it('createBatch: every field back; a taken id is "exists" and writes nothing; updateBatch patches; an unknown id is BATCH_NOT_FOUND', () => withCa(open, async ({ store }) => {
    assert.equal(await store.createBatch(batch('B1'), [event('batch.start')]), 'created');
    assert.deepEqual(await store.getBatch('B1'), batch('B1'));
    assert.equal(await store.createBatch(batch('B1', { profile: 'other' }), [event('batch.start')]), 'exists');
    assert.equal((await store.getBatch('B1'))?.profile, 'device-idevid');
    assert.equal((await store.auditHead())?.seq, 1);
    await store.updateBatch('B1', { status: 'stopped', refused: 3, outcomeCode: 'QUOTA_EXCEEDED', manifestSha256: 'ef'.repeat(32), runs: 2, updatedAt: at(9) }, [event('batch.finish')]);
    assert.deepEqual(await store.getBatch('B1'), batch('B1', { status: 'stopped', refused: 3, outcomeCode: 'QUOTA_EXCEEDED', manifestSha256: 'ef'.repeat(32), runs: 2, updatedAt: at(9) }));
    await rejectsWithCode(store.updateBatch('B9', { status: 'completed', updatedAt: at(9) }, [event('batch.finish')]), 'BATCH_NOT_FOUND');
    assert.equal((await store.auditHead())?.seq, 2);
    assert.equal(await store.getBatch('B9'), null);
  }));

  it('listBatches: newest first, by CA, keyset pages', () => withCa(open, async ({ store }) => {
    await store.createCa(caRecord('cm2', { role: 'manufacturer' }), []);
    for (let i = 0; i < 5; i++) await store.createBatch(batch(`B${i}`, { createdAt: at(i), caName: i % 2 ? 'cm2' : 'cm1' }), []);
    const first = await store.listBatches({ limit: 2 });
    assert.deepEqual(first.items.map((b) => b.batchId), ['B4', 'B3']);
    const second = await store.listBatches({ limit: 2, cursor: first.nextCursor! });
    assert.deepEqual(second.items.map((b) => b.batchId), ['B2', 'B1']);
    const last = await store.listBatches({ limit: 2, cursor: second.nextCursor! });
    assert.deepEqual([last.items.map((b) => b.batchId), last.nextCursor], [['B0'], null]);
    assert.deepEqual((await store.listBatches({ limit: 10, caName: 'cm2' })).items.map((b) => b.batchId), ['B3', 'B1']);
    await rejectsWithCode(store.listBatches({ limit: 0 }), 'REQUEST_INVALID');
    await rejectsWithCode(store.listBatches({ limit: 5, cursor: 'not-a-cursor' }), 'REQUEST_INVALID');
  }));

  it('recordBatchIntents: quota counted, recorded intents linked to the batch, refused ones not', () => withCa(open, async ({ store }) => {
    await store.createBatch(batch('B1'), []);
    const outcomes = await store.recordBatchIntents('B1', 1, [device('01', 'd1'), device('02', 'd2', 'b'), device('03', 'd3')]);
    assert.deepEqual(outcomes, ['recorded', 'recorded', 'recorded']);
    const found = await store.findBatchDevices(['d1', 'd2', 'd3', 'd4']);
    assert.deepEqual(found.map((d) => [d.batchId, d.deviceId, d.serial, d.status, d.spkiSha256[0], d.der]).sort(), [
      ['B1', 'd1', '01', 'pending', 'a', null], ['B1', 'd2', '02', 'pending', 'b', null], ['B1', 'd3', '03', 'pending', 'a', null],
    ]);
    const d1 = found.find((d) => d.deviceId === 'd1');
    assert.deepEqual([d1?.tbsDer, d1?.run, d1?.encryptedKey, d1?.csrSha256], [intent('01').tbsDer, 1, null, 'c'.repeat(64)]);
    assert.equal((await store.getCa('cm1'))?.issuedCount, 3);
  }));

  it('key-generation mode: the encrypted key is kept with the device', () => withCa(open, async ({ store }) => {
    await store.createBatch(batch('K1', { mode: 'keygen' }), []);
    const key = new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x07]);
    await store.recordBatchIntents('K1', 2, [{ ...device('01', 'k1'), csrSha256: null, encryptedKey: key }]);
    const [k1] = await store.findBatchDevices(['k1']);
    assert.deepEqual([k1?.encryptedKey, k1?.csrSha256, k1?.run], [key, null, 2]);
  }));

  it('recordBatchIntents over quota: the intents past it are quota_exceeded and leave no batch device', () => withCa(open, async ({ store }) => {
    await store.createBatch(batch('B1'), []);
    assert.deepEqual(await store.recordBatchIntents('B1', 1, [device('01', 'd1'), device('02', 'd2'), device('03', 'd3')]), ['recorded', 'recorded', 'quota_exceeded']);
    assert.deepEqual((await store.findBatchDevices(['d3'])), []);
    assert.equal(await store.getCertificate('03'), null);
    assert.equal((await store.getCa('cm1'))?.issuedCount, 2);
  }, 2));

  it('a device id twice in one batch fails the whole call: nothing recorded, no quota spent', () => withCa(open, async ({ store }) => {
    await store.createBatch(batch('B1'), []);
    await assert.rejects(store.recordBatchIntents('B1', 1, [device('01', 'd1'), device('02', 'd1')]));
    assert.equal(await store.getCertificate('01'), null);
    assert.equal((await store.getCa('cm1'))?.issuedCount, 0);
  }));

  it('recordBatchIssued: certificates issued with their audit events, the batch counter moved, in one transaction', () => withCa(open, async ({ store }) => {
    await store.createBatch(batch('B1'), []);
    await store.recordBatchIntents('B1', 1, [device('01', 'd1'), device('02', 'd2')]);
    await store.recordBatchIssued('B1', [issued('01')], [event('certificate.issue')]);
    await rejectsWithCode(store.recordBatchIssued('B1', [issued('02'), issued('01')], [event('certificate.issue'), event('certificate.issue')]), 'CERTIFICATE_NOT_FOUND');
    assert.equal((await store.getBatch('B1'))?.issued, 1);
    assert.equal((await store.getCertificate('02'))?.status, 'pending');
    assert.equal((await store.auditHead())?.seq, 1);
    const [d1] = await store.findBatchDevices(['d1']);
    assert.deepEqual([d1?.status, d1?.der], ['issued', issued('01').der]);
  }));

  it('pageBatchManifest: issued devices of one batch in device id order (byte order), pending left out', () => withCa(open, async ({ store }) => {
    await store.createBatch(batch('B1'), []);
    await store.createBatch(batch('B2'), []);
    const ids = ['b-2', 'A:1', 'a.1', 'b-10', 'pending'];
    await store.recordBatchIntents('B1', 1, ids.map((id, i) => device(`0${i + 1}`, id)));
    await store.recordBatchIntents('B2', 1, [device('10', 'other')]);
    await store.recordBatchIssued('B1', ['01', '02', '03', '04'].map((s) => issued(s)), []);
    await store.recordBatchIssued('B2', [issued('10')], []);
    const page1 = await store.pageBatchManifest('B1', null, 3);
    assert.deepEqual(page1, [
      { deviceId: 'A:1', serial: '02', sha256: 'ab'.repeat(32) }, { deviceId: 'a.1', serial: '03', sha256: 'ab'.repeat(32) },
      { deviceId: 'b-10', serial: '04', sha256: 'ab'.repeat(32) },
    ]);
    assert.deepEqual((await store.pageBatchManifest('B1', 'b-10', 3)).map((e) => e.deviceId), ['b-2']);
    await rejectsWithCode(store.pageBatchManifest('B1', null, 0), 'REQUEST_INVALID');
  }));

  it('reconcileBatches: issued, seen (enrolled or connected), never seen, duplicates; seen devices no certificate names', () => withCa(open, async ({ store, raw }) => {
    await store.createCa(caRecord('cm2', { role: 'manufacturer', attributes: { manufacturer: 'Fabrikam' } }), []);
    await store.createBatch(batch('B1'), []);
    await store.createBatch(batch('B2', { caName: 'cm2', manufacturer: 'Fabrikam' }), []);
    await store.recordBatchIntents('B1', 1, ['d1', 'd2', 'd3', 'd4'].map((id, i) => device(`0${i + 1}`, id)));
    await store.recordBatchIntents('B2', 1, [{ ...device('11', 'd1'), intent: intent('11', { caName: 'cm2', deviceId: 'd1' }) }]);
    await store.recordBatchIssued('B1', ['01', '02', '03'].map((s) => issued(s)), []);
    await store.recordBatchIssued('B2', [issued('11')], []);
    // d1 enrolled; d2 connected; d3 has attributes only (not seen); d4 pending (not issued); ghost connected but never issued.
    await raw.run("INSERT INTO devices (device_id, label, attributes, created_at) VALUES ('d1', 'g', '{}', 1), ('d3', '', '{\"site\":\"x\"}', 1)");
    await raw.run("INSERT INTO device_links (device_id, role, serial, sha256, at) VALUES ('d1', 'bootstrap', '01', 'ab', 3)");
    await raw.run('INSERT INTO device_presence (device_id, first_seen_at, last_seen_at, last_serial) VALUES (?, 5, 6, ?), (?, 7, 8, ?)', ['d2', '02', 'ghost', 'ff']);
    const report = await store.reconcileBatches({});
    assert.deepEqual(report, {
      batches: [
        { batchId: 'B1', caName: 'cm1', manufacturer: 'Contoso', issued: 3, seen: 2, neverSeen: 1, duplicates: 1 },
        { batchId: 'B2', caName: 'cm2', manufacturer: 'Fabrikam', issued: 1, seen: 1, neverSeen: 0, duplicates: 1 },
      ],
      seenNotIssued: 1,
    });
    assert.deepEqual((await store.reconcileBatches({ manufacturer: 'Fabrikam' })).batches.map((b) => b.batchId), ['B2']);
    assert.deepEqual((await store.reconcileBatches({ batchId: 'B1' })).batches.map((b) => b.batchId), ['B1']);
    const never = await store.listReconciliation({ kind: 'never-seen', limit: 10 });
    assert.deepEqual(never, { items: [{ deviceId: 'd3', batchId: 'B1', serial: '03', lastSeenAt: null }], nextCursor: null });
    const dup1 = await store.listReconciliation({ kind: 'duplicates', limit: 1 });
    assert.deepEqual(dup1.items, [{ deviceId: 'd1', batchId: 'B1', serial: '01', lastSeenAt: null }]);
    const dup2 = await store.listReconciliation({ kind: 'duplicates', limit: 1, cursor: dup1.nextCursor! });
    assert.deepEqual([dup2.items, dup2.nextCursor], [[{ deviceId: 'd1', batchId: 'B2', serial: '11', lastSeenAt: null }], null]);
    assert.deepEqual((await store.listReconciliation({ kind: 'seen-not-issued', limit: 10 })).items, [{ deviceId: 'ghost', batchId: null, serial: null, lastSeenAt: new Date(8) }]);
    await rejectsWithCode(store.listReconciliation({ kind: 'never-seen', limit: 1001 }), 'REQUEST_INVALID');
  }));
}
