/** Contract: recordIntents (quota, serial uniqueness), recordIssued (atomicity), getCertificate. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { caRecord, event, intent, issued } from './fixtures.js';
import type { OpenHarness, StoreHarness } from './harness.js';
import { rejectsWithCode, withHarness } from './contract-cas.js';

async function countCertificates(h: StoreHarness): Promise<number> {
  const [row] = await h.raw.all('SELECT COUNT(*) AS n FROM certificates');
  return Number(row?.['n']);
}

export function certificatesContract(open: OpenHarness): void {
  it('recordIntents records pending certificates and returns one outcome per intent, in order', () => withHarness(open, async ({ store }) => {
    await store.createCa(caRecord('issuing-1'), []);
    assert.deepEqual(await store.recordIntents([intent('01'), intent('02')]), ['recorded', 'recorded']);
    const one = intent('01');
    assert.deepEqual(await store.getCertificate('01'), {
      ...one, status: 'pending', der: null, sha256: null, issuedAt: null, revokedAt: null, revocationReason: null,
      invalidityDate: null, crlShard: 0, attributes: {},
    });
    assert.equal(await store.getCertificate('03'), null);
    assert.equal((await store.getCa('issuing-1'))?.issuedCount, 2);
  }));

  it('a spent serial, in the database or earlier in the batch, is serial_taken and costs no quota', () => withHarness(open, async (h) => {
    await h.store.createCa(caRecord('issuing-1', { quota: 3 }), []);
    await h.store.recordIntents([intent('0a')]);
    const outcomes = await h.store.recordIntents([intent('0a', { subject: 'CN=other' }), intent('0b'), intent('0b'), intent('0c'), intent('0d')]);
    assert.deepEqual(outcomes, ['serial_taken', 'recorded', 'serial_taken', 'recorded', 'quota_exceeded']);
    assert.equal((await h.store.getCertificate('0a'))?.subject, 'CN=device-0a');
    assert.equal((await h.store.getCa('issuing-1'))?.issuedCount, 3);
    assert.equal(await countCertificates(h), 3);
  }));

  it('quota_exceeded leaves issued_count and the certificates table unchanged', () => withHarness(open, async (h) => {
    await h.store.createCa(caRecord('issuing-1', { quota: 2 }), []);
    await h.store.createCa(caRecord('issuing-2'), []);
    const outcomes = await h.store.recordIntents([intent('01'), intent('02', { caName: 'issuing-2' }), intent('03'), intent('04')]);
    assert.deepEqual(outcomes, ['recorded', 'recorded', 'recorded', 'quota_exceeded']);
    assert.deepEqual(await h.store.recordIntents([intent('05'), intent('06')]), ['quota_exceeded', 'quota_exceeded']);
    assert.equal((await h.store.getCa('issuing-1'))?.issuedCount, 2);
    assert.equal((await h.store.getCa('issuing-2'))?.issuedCount, 1);
    assert.equal(await countCertificates(h), 3);
    assert.equal(await h.store.getCertificate('05'), null);
  }));

  it('a quota of zero refuses everything; concurrent batches never exceed a quota', () => withHarness(open, async (h) => {
    await h.store.createCa(caRecord('mfr-0', { quota: 0 }), []);
    assert.deepEqual(await h.store.recordIntents([intent('01', { caName: 'mfr-0' })]), ['quota_exceeded']);
    await h.store.createCa(caRecord('issuing-1', { quota: 25 }), []);
    const batches = Array.from({ length: 10 }, (_, b) => Array.from({ length: 5 }, (_, k) => intent(`1${b}${k}`)));
    const outcomes = (await Promise.all(batches.map((batch) => h.store.recordIntents(batch)))).flat();
    assert.equal(outcomes.filter((o) => o === 'recorded').length, 25);
    assert.equal(outcomes.filter((o) => o === 'quota_exceeded').length, 25);
    assert.equal((await h.store.getCa('issuing-1'))?.issuedCount, 25);
    assert.equal(await countCertificates(h), 25);
  }));

  it('an intent for an unknown CA throws CA_NOT_FOUND and records nothing of its batch', () => withHarness(open, async (h) => {
    await h.store.createCa(caRecord('issuing-1'), []);
    await rejectsWithCode(h.store.recordIntents([intent('01'), intent('02', { caName: 'absent' })]), 'CA_NOT_FOUND');
    assert.equal(await countCertificates(h), 0);
    assert.equal((await h.store.getCa('issuing-1'))?.issuedCount, 0);
    assert.deepEqual(await h.store.recordIntents([]), []);
  }));

  it('recordIssued sets der, sha256 and issuedAt and appends its audit events in order', () => withHarness(open, async ({ store }) => {
    await store.createCa(caRecord('issuing-1'), []);
    await store.recordIntents([intent('01'), intent('02'), intent('03')]);
    await store.recordIssued([issued('01', 10), issued('03', 11)], [event('certificate.issue', { target: '01' }), event('certificate.issue', { target: '03' })]);
    const one = await store.getCertificate('01');
    assert.equal(one?.status, 'issued');
    assert.deepEqual(one?.der, issued('01').der);
    assert.equal(one?.sha256, 'ab'.repeat(32));
    assert.deepEqual(one?.issuedAt, issued('01', 10).issuedAt);
    assert.equal((await store.getCertificate('02'))?.status, 'pending');
    assert.deepEqual((await store.readAudit(0, 10)).map((e) => e.target), ['01', '03']);
  }));

  it('recordIssued with an unknown or non-pending serial throws and changes nothing, audit included', () => withHarness(open, async ({ store }) => {
    await store.createCa(caRecord('issuing-1'), []);
    await store.recordIntents([intent('01'), intent('02'), intent('03')]);
    await store.recordIssued([issued('03')], [event('certificate.issue')]);
    const head = await store.auditHead();
    const attempts = [[issued('01'), issued('ff')], [issued('02'), issued('03')], [issued('01'), issued('01')]];
    for (const batch of attempts) {
      await rejectsWithCode(store.recordIssued(batch, [event('certificate.issue')]), 'CERTIFICATE_NOT_FOUND');
    }
    assert.equal((await store.getCertificate('01'))?.status, 'pending');
    assert.equal((await store.getCertificate('01'))?.der, null);
    assert.equal((await store.getCertificate('02'))?.status, 'pending');
    assert.deepEqual(await store.auditHead(), head);
    assert.equal((await store.readAudit(0, 10)).length, 1);
  }));

  it('large batches are split into statements and still return outcomes in order', () => withHarness(open, async (h) => {
    await h.store.createCa(caRecord('issuing-1', { quota: 1500 }), []);
    const batch = Array.from({ length: 1600 }, (_, k) => intent(`a${k.toString(16).padStart(4, '0')}`));
    const outcomes = await h.store.recordIntents(batch);
    assert.deepEqual(outcomes, batch.map((_, k) => (k < 1500 ? 'recorded' : 'quota_exceeded')));
    await h.store.recordIssued(batch.slice(0, 1500).map((i) => issued(i.serial)), []);
    assert.equal((await h.store.searchCertificates({ status: 'issued', limit: 1000 })).items.length, 1000);
    assert.equal(await countCertificates(h), 1500);
  }));
}
