/**
 * signBatch over a real deployment (SQLite, encrypted CA keys), with the preparer in this
 * thread and on worker threads: refusals with their exact codes that record nothing, a
 * quota stop that leaves every recorded intent issued, a run broken off between the
 * intents and the issued rows that the next run completes, key generation, and a batch id
 * reused for another batch.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  SYSTEM_ACTOR, type BatchInputItem, type BatchIo, type BatchSignInput, type CertificateAuthority, type DeviceOutcome, type Store,
} from '@fleetpki/ca';
import { buildCsr, parseNameString, type GeneralName } from '@fleetpki/core';
import { generatePrivateKey, softwareSigner } from '@fleetpki/keys';
import { batchPreparers } from '../src/index.js';
import { auditEvents, openTestApp, type TestApp } from './helpers.js';

const NS = 'cm1.devices.example.com';

async function csr(id: string, sans: GeneralName[] = []): Promise<Uint8Array> {
  return buildCsr({ subject: parseNameString(`serialNumber=${id}`), subjectAltNames: sans }, softwareSigner(generatePrivateKey('ecdsa-p256')));
}

async function* items(list: readonly (BatchInputItem | Promise<BatchInputItem>)[]): AsyncGenerator<BatchInputItem> {
  for (const i of list) yield await i;
}

const request = async (line: number, id: string, der?: Uint8Array, attributes: Record<string, string> = {}): Promise<BatchInputItem> =>
  ({ kind: 'request', request: { line, deviceId: id, csrDer: der ?? await csr(id), attributes } });

function io(list: readonly (BatchInputItem | Promise<BatchInputItem>)[], out: DeviceOutcome[], extra: Partial<BatchIo> = {}): BatchIo {
  return { requests: items(list), preparers: batchPreparers(0), manifest: null, sink: { write: async (o) => { out.push(...o); } }, ...extra };
}

/** A test deployment with manufacturer CA cm1 (quota as given) under the development issuing CA. */
async function withManufacturer(quota: number | null): Promise<TestApp> {
  const t = await openTestApp();
  await t.deployment.ca.createManufacturerCa(SYSTEM_ACTOR, {
    name: 'cm1', parent: 'dev-issuing', subject: 'CN=Contoso Device CA', manufacturer: 'Contoso', namespace: NS, quota, keyType: 'ecdsa-p256',
  });
  return t;
}

const kinds = (out: readonly DeviceOutcome[]) => out.map((o) => (o.kind === 'refused' ? `${o.deviceId}:${o.code}` : `${o.deviceId}:${o.kind}`));
const input = (batchId: string, extra: Partial<BatchSignInput> = {}): BatchSignInput => ({ batchId, caName: 'cm1', profile: 'device-idevid', ...extra });

async function countWhere(t: TestApp, where: string): Promise<number> {
  const page = await t.deployment.store.searchCertificates({ limit: 1000, caName: 'cm1' });
  return page.items.filter((c) => (where === 'pending' ? c.status === 'pending' : c.status !== 'pending')).length;
}

describe('signBatch', () => {
  let t: TestApp;
  let ca: CertificateAuthority;

  before(async () => {
    t = await withManufacturer(12);
    ca = t.deployment.ca;
  });
  after(async () => { await t?.close(); });

  it('refuses bad requests with their codes, records nothing for them, and audits each refusal', async () => {
    const otherKey = await csr('x');
    const out: DeviceOutcome[] = [];
    const summary = await ca.signBatch(SYSTEM_ACTOR, input('R1'), io([
      { kind: 'fault', fault: { line: 1, deviceId: null, message: 'the line is not JSON' } },
      request(2, 'bad/id'),
      request(3, 'r-3', await csr('r-3', [{ type: 'uri', value: `device://${NS}/someone-else` }])),
      request(4, 'r-4', Buffer.concat([otherKey.subarray(0, otherKey.length - 2), Buffer.from([otherKey[otherKey.length - 2]! ^ 1, otherKey[otherKey.length - 1]!])])),
      request(5, 'r-5', undefined, { Line: '7' }),
      request(6, 'r-6'),
    ], out));
    assert.deepEqual(kinds(out), [
      'null:BATCH_LINE_INVALID', 'bad/id:DEVICE_ID_INVALID', 'r-3:PROFILE_VIOLATION', 'r-4:CSR_SIGNATURE_INVALID', 'r-5:BATCH_LINE_INVALID', 'r-6:issued',
    ]);
    assert.deepEqual([summary.issued, summary.refused, summary.batch.status, summary.batch.issued, summary.batch.refused], [1, 5, 'completed', 1, 5]);
    assert.equal(await countWhere(t, 'issued'), 1);
    const refusals = (await auditEvents(t)).filter((e) => e.action === 'certificate.issue' && e.outcome === 'refused');
    assert.deepEqual(refusals.map((e) => e.code), ['BATCH_LINE_INVALID', 'DEVICE_ID_INVALID', 'PROFILE_VIOLATION', 'CSR_SIGNATURE_INVALID', 'BATCH_LINE_INVALID']);
  });

  it('a batch id is one batch: another profile under it is BATCH_MISMATCH and starts nothing', async () => {
    await assert.rejects(ca.signBatch(SYSTEM_ACTOR, input('R1', { profile: 'device-operational' }), io([request(1, 'm-1')], [])), { code: 'BATCH_MISMATCH' });
    assert.equal((await ca.getBatch(SYSTEM_ACTOR, 'R1')).runs, 1);
  });

  it('a run broken off after its intents were recorded is completed by the next: every device exactly once', async () => {
    const ids = ['c-1', 'c-2', 'c-3', 'c-4'];
    const requests = await Promise.all(ids.map((id, i) => request(i + 1, id)));
    // The first run loses its store just as it writes the issued rows (an outage, a crash).
    let broken = true;
    const store = new Proxy(t.deployment.store, {
      get(target, p, receiver) {
        if (p === 'recordBatchIssued' && broken) return async () => { broken = false; throw new Error('the disk went away'); };
        const v = Reflect.get(target, p, receiver) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    }) as Store;
    const { CertificateAuthority: Authority } = await import('@fleetpki/ca');
    const crashing = new Authority({ ...ca.deps, store });
    await assert.rejects(crashing.signBatch(SYSTEM_ACTOR, input('C1'), io(requests, [], { chunkSize: 2 })), /the disk went away/);
    assert.deepEqual([(await ca.getBatch(SYSTEM_ACTOR, 'C1')).status, await countWhere(t, 'pending')], ['failed', 2]);
    const out: DeviceOutcome[] = [];
    const summary = await ca.signBatch(SYSTEM_ACTOR, input('C1'), io(requests, out, { chunkSize: 2 }));
    assert.deepEqual(kinds(out), ['c-1:issued', 'c-2:issued', 'c-3:issued', 'c-4:issued']);
    assert.deepEqual([summary.batch.status, summary.batch.issued, summary.batch.runs, await countWhere(t, 'pending')], ['completed', 4, 2, 0]);
    const again: DeviceOutcome[] = [];
    await ca.signBatch(SYSTEM_ACTOR, input('C1'), io([...requests, requests[0]!], again));
    assert.deepEqual(kinds(again), ['c-1:existing', 'c-2:existing', 'c-3:existing', 'c-4:existing', 'c-1:BATCH_DEVICE_DUPLICATE']);
    assert.deepEqual(again.slice(0, 4).map((o) => o.kind !== 'refused' && o.serial), out.map((o) => o.kind !== 'refused' && o.serial));
  });

  it('stops at the quota: what was recorded is issued, the rest refused or not processed, the batch says QUOTA_EXCEEDED', async () => {
    const left = 12 - (await ca.getCa(SYSTEM_ACTOR, 'cm1')).issuedCount;
    assert.equal(left, 7);
    const out: DeviceOutcome[] = [];
    const list = Array.from({ length: 10 }, (_, i) => request(i + 1, `q-${i + 1}`));
    const summary = await ca.signBatch(SYSTEM_ACTOR, input('Q1'), io(list, out, { chunkSize: 4, lookahead: 4 }));
    assert.deepEqual(kinds(out), [...Array.from({ length: 7 }, (_, i) => `q-${i + 1}:issued`), 'q-8:QUOTA_EXCEEDED']);
    assert.deepEqual([summary.stoppedBy, summary.notProcessed, summary.batch.status, summary.batch.outcomeCode], ['QUOTA_EXCEEDED', 2, 'stopped', 'QUOTA_EXCEEDED']);
    assert.deepEqual([(await ca.getCa(SYSTEM_ACTOR, 'cm1')).issuedCount, await countWhere(t, 'pending')], [12, 0]);
    const finish = (await auditEvents(t)).filter((e) => e.action === 'batch.finish').at(-1)!;
    assert.deepEqual([finish.outcome, finish.code, (finish.detail as { issued: number }).issued], ['refused', 'QUOTA_EXCEEDED', 7]);
    assert.equal((await ca.verifyAuditLog(SYSTEM_ACTOR)).ok, true);
  });
});

describe('signBatch on worker threads, and key generation', () => {
  let t: TestApp;
  let ca: CertificateAuthority;

  before(async () => {
    t = await withManufacturer(null);
    ca = t.deployment.ca;
  });
  after(async () => { await t?.close(); });

  it('two worker threads give every device its certificate, in input order', async () => {
    const out: DeviceOutcome[] = [];
    const list = Array.from({ length: 40 }, (_, i) => request(i + 1, `w-${i + 1}`));
    await ca.signBatch(SYSTEM_ACTOR, input('W1'), io(list, out, { preparers: batchPreparers(2), chunkSize: 8 }));
    assert.deepEqual(kinds(out), list.map((_, i) => `w-${i + 1}:issued`));
  });

  it('keeps a made key encrypted with its device, and hands the same one out again on a later run', async () => {
    const keyGeneration = { keyType: 'ecdsa-p256' as const, protection: { kind: 'passphrase' as const, passphrase: 'device key passphrase' } };
    const list = () => [{ kind: 'request' as const, request: { line: 1, deviceId: 'k-1', csrDer: null, attributes: {} } }];
    const first: DeviceOutcome[] = [];
    await ca.signBatch(SYSTEM_ACTOR, input('K1', { keyGeneration }), io(list(), first, { preparers: batchPreparers(1) }));
    const second: DeviceOutcome[] = [];
    await ca.signBatch(SYSTEM_ACTOR, input('K1', { keyGeneration }), io(list(), second));
    const [a, b] = [first[0]!, second[0]!];
    assert.ok(a.kind === 'issued' && b.kind === 'existing' && a.encryptedKey && b.encryptedKey);
    assert.equal(a.encryptedKey.format, 'pkcs8');
    assert.ok(Buffer.from(b.encryptedKey.der).equals(a.encryptedKey.der));
    assert.ok(Buffer.from(b.certificateDer).equals(a.certificateDer));
  });
});
