/** The batch decision table (batch/classify.ts), row by row, and the stored device key's format. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decide, decideBeforePrepare, type RunScope } from '../src/batch/classify.js';
import { encryptedKeyOf } from '../src/batch/encrypted-key.js';
import type { BatchDeviceRecord } from '../src/ports/batch-store.js';

const KEY_A = 'a'.repeat(64);
const KEY_B = 'b'.repeat(64);
const scope: RunScope = { batchId: 'B1', mode: 'csr', run: 2 };
const keygen: RunScope = { ...scope, mode: 'keygen' };

function record(overrides: Partial<BatchDeviceRecord> = {}): BatchDeviceRecord {
  return {
    batchId: 'B1', deviceId: 'd1', serial: '7f01', csrSha256: 'c'.repeat(64), spkiSha256: KEY_A, status: 'issued',
    der: new Uint8Array([0x30, 0x00]), tbsDer: new Uint8Array([0x30, 0x01, 0x00]), run: 1, encryptedKey: null, ...overrides,
  };
}

const claim = (spkiSha256 = KEY_A) => ({ deviceId: 'd1', spkiSha256, csrSha256: 'c'.repeat(64) });
const none = new Map<string, string>();

describe('batch decision table', () => {
  it('an unknown device is new', () => {
    assert.deepEqual(decide(scope, claim(), [], none), { kind: 'new' });
    assert.deepEqual(decide(scope, claim(), [record({ deviceId: 'd2' })], none), { kind: 'new' });
  });

  it('earlier in this chunk: the same key is a duplicate, another key a conflict', () => {
    assert.deepEqual(decide(scope, claim(), [], new Map([['d1', KEY_A]])), {
      kind: 'refused', code: 'BATCH_DEVICE_DUPLICATE', message: 'device d1 was already provisioned with this key earlier in the input',
    });
    assert.deepEqual(decide(scope, claim(KEY_B), [], new Map([['d1', KEY_A]])), {
      kind: 'refused', code: 'BATCH_DEVICE_CONFLICT', message: 'device d1 is already bound to another key earlier in the input',
    });
  });

  it('recorded earlier in this run (the input repeats it): duplicate or conflict, never a second certificate', () => {
    const mine = record({ run: 2 });
    assert.deepEqual(decide(scope, claim(), [mine], none), { kind: 'refused', code: 'BATCH_DEVICE_DUPLICATE', message: 'device d1 was already provisioned with this key earlier in the input' });
    assert.equal((decide(scope, claim(KEY_B), [mine], none) as { code: string }).code, 'BATCH_DEVICE_CONFLICT');
  });

  it('an earlier run of this batch: existing when issued, resume when pending, conflict for another key', () => {
    assert.deepEqual(decide(scope, claim(), [record()], none), { kind: 'existing', record: record() });
    assert.deepEqual(decide(scope, claim(), [record({ status: 'pending', der: null })], none), { kind: 'resume', record: record({ status: 'pending', der: null }) });
    assert.deepEqual(decide(scope, claim(), [record({ status: 'revoked' })], none), { kind: 'existing', record: record({ status: 'revoked' }) });
    assert.deepEqual(decide(scope, claim(KEY_B), [record()], none), {
      kind: 'refused', code: 'BATCH_DEVICE_CONFLICT', message: 'device d1 is already bound to another key in this batch (serial 7f01)',
    });
  });

  it('another batch: duplicate for the same key, conflict for another; the issued record is named over a pending one', () => {
    const pending = record({ batchId: 'B0', serial: '7f00', status: 'pending', der: null });
    const issued = record({ batchId: 'B9', serial: '7f09' });
    assert.deepEqual(decide(scope, claim(), [pending, issued], none), {
      kind: 'refused', code: 'BATCH_DEVICE_DUPLICATE', message: 'device d1 was already provisioned with this key in batch B9 (serial 7f09)',
    });
    assert.equal((decide(scope, claim(KEY_B), [issued], none) as { code: string }).code, 'BATCH_DEVICE_CONFLICT');
  });

  it('key generation: the device id alone decides (every key is new)', () => {
    assert.deepEqual(decide(keygen, claim(KEY_B), [record()], none), { kind: 'existing', record: record() });
    assert.deepEqual(decide(keygen, claim(KEY_B), [record({ batchId: 'B9' })], none), {
      kind: 'refused', code: 'BATCH_DEVICE_DUPLICATE', message: 'device d1 was already provisioned in batch B9 (serial 7f01)',
    });
    assert.equal((decide(keygen, claim(KEY_B), [record({ run: 2 })], none) as { code: string }).code, 'BATCH_DEVICE_DUPLICATE');
  });

  it('before preparing, only an earlier run of this batch decides: by CSR hash, or by device id when keys are made here', () => {
    assert.deepEqual(decideBeforePrepare(scope, 'd1', 'c'.repeat(64), [record()]), { kind: 'existing', record: record() });
    assert.equal(decideBeforePrepare(scope, 'd1', 'e'.repeat(64), [record()]), null);
    assert.equal(decideBeforePrepare(scope, 'd1', 'c'.repeat(64), [record({ run: 2 })]), null);
    assert.equal(decideBeforePrepare(scope, 'd1', 'c'.repeat(64), [record({ batchId: 'B9' })]), null);
    assert.deepEqual(decideBeforePrepare(keygen, 'd1', null, [record({ status: 'pending' })]), { kind: 'resume', record: record({ status: 'pending' }) });
  });
});

describe('a stored device key', () => {
  it('is PKCS#8 (EncryptedPrivateKeyInfo opens with a SEQUENCE) or CMS (ContentInfo opens with an OID)', () => {
    const pkcs8 = Uint8Array.from([0x30, 0x81, 0x90, 0x30, 0x05]);
    const cms = Uint8Array.from([0x30, 0x82, 0x01, 0xa5, 0x06, 0x09]);
    assert.deepEqual(encryptedKeyOf(pkcs8), { format: 'pkcs8', der: pkcs8 });
    assert.deepEqual(encryptedKeyOf(cms), { format: 'cms', der: cms });
    assert.equal(encryptedKeyOf(null), null);
    assert.throws(() => encryptedKeyOf(Uint8Array.from([0x04, 0x00])), /neither/);
  });
});
