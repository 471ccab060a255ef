/**
 * Contract: revokeCertificates and releaseHold (outcomes, RFC 5280 5.3.1 hold rules, audit
 * only for what changed, atomicity, concurrency), and the mass-revocation selection
 * (previewRevocationQuery, pageRevocationQuery) with its confirmation records.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { AuditEventInput, Revocation, RevokedCertificate, Store } from '@fleetpki/ca';
import type { CrlReason } from '@fleetpki/core';
import { at, caRecord, intent, issued } from './fixtures.js';
import type { OpenHarness } from './harness.js';
import { rejectsWithCode, withHarness } from './contract-cas.js';

export const revocation = (serial: string, reason: CrlReason = 'keyCompromise', offsetSeconds = 100, invalidityDate: Date | null = null): Revocation =>
  ({ serial, reason, revokedAt: at(offsetSeconds), invalidityDate });

export const auditFor = (r: RevokedCertificate): AuditEventInput =>
  ({ at: r.revokedAt, actor: 'token:op', action: 'certificate.revoke', outcome: 'success', target: r.serial, detail: { reason: r.reason } });

/** issuing-1 with serials 01..0n issued at T0+k seconds, and one pending intent 'ff'. */
export async function seedIssued(store: Store, n: number): Promise<string[]> {
  if (!(await store.getCa('issuing-1'))) await store.createCa(caRecord('issuing-1'), []);
  const serials = Array.from({ length: n }, (_, k) => (k + 1).toString(16).padStart(2, '0'));
  await store.recordIntents([...serials.map((s) => intent(s)), intent('ff')]);
  for (const [k, s] of serials.entries()) await store.recordIssued([issued(s, k + 1)], []);
  return serials;
}

async function auditTargets(store: Store): Promise<(string | null)[]> {
  return (await store.readAudit(0, 1000)).map((e) => e.target);
}

export function revocationContract(open: OpenHarness): void {
  it('revokes issued certificates; unknown and never-issued serials are reported, not audited', () => withHarness(open, async ({ store }) => {
    await seedIssued(store, 2);
    const results = await store.revokeCertificates(
      [revocation('01', 'keyCompromise', 100, at(50)), revocation('aa'), revocation('ff'), revocation('02', 'superseded', 101)], auditFor);
    assert.deepEqual(results, [
      { serial: '01', outcome: 'revoked', certificate: { serial: '01', caName: 'issuing-1', deviceId: 'dev-01', crlShard: 0, reason: 'keyCompromise', revokedAt: at(100), invalidityDate: at(50), previousReason: null } },
      { serial: 'aa', outcome: 'not_found' },
      { serial: 'ff', outcome: 'not_issued' },
      { serial: '02', outcome: 'revoked', certificate: { serial: '02', caName: 'issuing-1', deviceId: 'dev-02', crlShard: 0, reason: 'superseded', revokedAt: at(101), invalidityDate: null, previousReason: null } },
    ]);
    const one = await store.getCertificate('01');
    assert.deepEqual([one?.status, one?.revokedAt, one?.revocationReason, one?.invalidityDate], ['revoked', at(100), 'keyCompromise', at(50)]);
    assert.equal((await store.getCertificate('ff'))?.status, 'pending');
    assert.deepEqual(await auditTargets(store), ['01', '02']);
    assert.deepEqual(await store.revokeCertificates([], auditFor), []);
  }));

  it('revoking twice is already_revoked and changes nothing, audit included', () => withHarness(open, async ({ store }) => {
    await seedIssued(store, 1);
    await store.revokeCertificates([revocation('01', 'keyCompromise', 100)], auditFor);
    const before = await store.getCertificate('01');
    for (const reason of ['keyCompromise', 'superseded', 'certificateHold'] as const) {
      assert.deepEqual(await store.revokeCertificates([revocation('01', reason, 200, at(10))], auditFor), [{ serial: '01', outcome: 'already_revoked' }]);
    }
    assert.deepEqual(await store.getCertificate('01'), before);
    assert.deepEqual(await auditTargets(store), ['01']);
  }));

  it('a hold may become final: the reason changes, the revocation date stays; a second hold is already_revoked', () => withHarness(open, async ({ store }) => {
    await seedIssued(store, 1);
    await store.revokeCertificates([revocation('01', 'certificateHold', 100)], auditFor);
    assert.deepEqual(await store.revokeCertificates([revocation('01', 'certificateHold', 150)], auditFor), [{ serial: '01', outcome: 'already_revoked' }]);
    const [final] = await store.revokeCertificates([revocation('01', 'keyCompromise', 200, at(20))], auditFor);
    assert.deepEqual(final, { serial: '01', outcome: 'revoked', certificate: {
      serial: '01', caName: 'issuing-1', deviceId: 'dev-01', crlShard: 0, reason: 'keyCompromise', revokedAt: at(100), invalidityDate: at(20), previousReason: 'certificateHold',
    } });
    const record = await store.getCertificate('01');
    assert.deepEqual([record?.revokedAt, record?.revocationReason, record?.invalidityDate], [at(100), 'keyCompromise', at(20)]);
    assert.deepEqual(await auditTargets(store), ['01', '01']);
  }));

  it('a serial listed twice in one call is decided in order', () => withHarness(open, async ({ store }) => {
    await seedIssued(store, 2);
    const outcomes = (await store.revokeCertificates([
      revocation('01'), revocation('01', 'superseded'), revocation('02', 'certificateHold'), revocation('02', 'cessationOfOperation', 120),
    ], auditFor)).map((r) => r.outcome);
    assert.deepEqual(outcomes, ['revoked', 'already_revoked', 'revoked', 'revoked']);
    assert.equal((await store.getCertificate('01'))?.revocationReason, 'keyCompromise');
    const two = await store.getCertificate('02');
    assert.deepEqual([two?.revocationReason, two?.revokedAt], ['cessationOfOperation', at(100)]);
    assert.equal((await store.certificateStatus('02'))?.reason, 'cessationOfOperation');
  }));

  it('a failure while building audit events rolls the whole call back', () => withHarness(open, async ({ store }) => {
    await seedIssued(store, 2);
    const head = await store.auditHead();
    await assert.rejects(store.revokeCertificates([revocation('01'), revocation('02')], (r) => {
      if (r.serial === '02') throw new Error('audit builder failed');
      return auditFor(r);
    }), /audit builder failed/);
    assert.equal((await store.getCertificate('01'))?.status, 'issued');
    assert.deepEqual(await store.auditHead(), head);
    assert.equal((await store.certificateStatus('01'))?.status, 'issued');
  }));

  it('concurrent revocations of one serial from two stores revoke it once', () => withHarness(open, async (h) => {
    await seedIssued(h.store, 3);
    const peer = await h.openPeer();
    try {
      const calls = Array.from({ length: 6 }, (_, k) => (k % 2 === 0 ? h.store : peer).revokeCertificates([revocation('03'), revocation('02'), revocation('01')], auditFor));
      const outcomes = (await Promise.all(calls)).flat().map((r) => r.outcome);
      assert.equal(outcomes.filter((o) => o === 'revoked').length, 3);
      assert.equal(outcomes.filter((o) => o === 'already_revoked').length, 15);
      assert.equal((await h.store.readAudit(0, 100)).length, 3);
    } finally { await peer.close(); }
  }));

  it('releaseHold lifts a hold only, back to issued, audited once', () => withHarness(open, async ({ store }) => {
    await seedIssued(store, 2);
    const release = (serial: string) => store.releaseHold(serial, at(300), (r) => ({ at: r.releasedAt, actor: 'token:op', action: 'certificate.release_hold', outcome: 'success', target: r.serial }));
    assert.deepEqual(await release('aa'), { outcome: 'not_found' });
    assert.deepEqual(await release('01'), { outcome: 'not_on_hold' });
    await store.revokeCertificates([revocation('01', 'certificateHold', 100), revocation('02', 'keyCompromise', 100)], auditFor);
    assert.deepEqual(await release('02'), { outcome: 'not_on_hold' });
    assert.deepEqual(await release('01'), { outcome: 'released', release: { serial: '01', caName: 'issuing-1', deviceId: 'dev-01', crlShard: 0, heldSince: at(100), releasedAt: at(300) } });
    const one = await store.getCertificate('01');
    assert.deepEqual([one?.status, one?.revokedAt, one?.revocationReason, one?.invalidityDate], ['issued', null, null, null]);
    assert.deepEqual(await release('01'), { outcome: 'not_on_hold' });
    assert.deepEqual(await auditTargets(store), ['01', '02', '01']);
    // Revocable again after the release.
    assert.equal((await store.revokeCertificates([revocation('01', 'superseded', 400)], auditFor))[0]?.outcome, 'revoked');
  }));

  it('certificates carry their CRL shard and attributes from the intent', () => withHarness(open, async ({ store }) => {
    await store.createCa(caRecord('issuing-1'), []);
    await store.recordIntents([intent('01', { crlShard: 3, attributes: { batch: 'B7', firmware: '2.1' } }), intent('02')]);
    const one = await store.getCertificate('01');
    assert.deepEqual([one?.crlShard, one?.attributes], [3, { batch: 'B7', firmware: '2.1' }]);
    const two = await store.getCertificate('02');
    assert.deepEqual([two?.crlShard, two?.attributes, two?.invalidityDate], [0, {}, null]);
  }));

  it('revocation previews are claimed once, and never after they expire', () => withHarness(open, async ({ store }) => {
    const preview = { tokenHash: 'a1'.repeat(32), query: '{"caName":"issuing-1"}', count: 2, devices: 2, asOf: at(10), actor: 'token:op', createdAt: at(10), expiresAt: at(910) };
    await store.saveRevocationPreview(preview, [{ at: at(10), actor: 'token:op', action: 'revocation.preview', outcome: 'success' }]);
    await store.saveRevocationPreview({ ...preview, tokenHash: 'b2'.repeat(32) }, []);
    assert.equal(await store.claimRevocationPreview('c3'.repeat(32), at(20)), null);
    assert.equal(await store.claimRevocationPreview('b2'.repeat(32), at(910)), null);
    assert.deepEqual(await store.claimRevocationPreview('a1'.repeat(32), at(20)), preview);
    assert.equal(await store.claimRevocationPreview('a1'.repeat(32), at(21)), null);
    assert.equal((await store.readAudit(0, 10)).length, 1);
  }));
}

export function revocationQueryContract(open: OpenHarness): void {
  /** Two CAs (one a Contoso manufacturer CA), 12 certificates issued at T0+1..12, one pending. */
  async function seed(store: Store): Promise<void> {
    await store.createCa(caRecord('issuing-1', { attributes: {} }), []);
    await store.createCa(caRecord('cm1', { role: 'manufacturer', attributes: { manufacturer: 'Contoso' } }), []);
    const intents = Array.from({ length: 12 }, (_, k) => intent((k + 1).toString(16).padStart(2, '0'), {
      caName: k < 8 ? 'cm1' : 'issuing-1', profile: k % 3 === 0 ? 'gateway' : 'device', deviceId: `dev-${k % 5}`,
      attributes: k % 2 === 0 ? { batch: 'B7' } : { batch: 'B8', firmware: '1.0' },
    }));
    await store.recordIntents([...intents, intent('ff', { caName: 'cm1' })]);
    for (const [k, i] of intents.entries()) await store.recordIssued([issued(i.serial, k + 1)], []);
  }

  async function walk(store: Store, q: Parameters<Store['pageRevocationQuery']>[0], limit: number): Promise<string[]> {
    const out: string[] = [];
    for (let cursor: string | undefined; ;) {
      const page = await store.pageRevocationQuery(q, { limit, ...(cursor ? { cursor } : {}) });
      out.push(...page.items);
      if (!page.nextCursor) return out;
      cursor = page.nextCursor;
    }
  }

  it('counts matches and distinct devices, with a sample in issuance order', () => withHarness(open, async ({ store }) => {
    await seed(store);
    const all = await store.previewRevocationQuery({ status: 'issued' }, 3);
    assert.deepEqual([all.count, all.devices, all.sample.map((c) => c.serial)], [12, 5, ['01', '02', '03']]);
    const contoso = await store.previewRevocationQuery({ manufacturer: 'Contoso', status: 'issued' }, 10);
    assert.deepEqual([contoso.count, contoso.devices], [8, 5]);
    assert.equal(contoso.sample.length, 8);
    assert.deepEqual(await store.previewRevocationQuery({ manufacturer: 'Nobody' }, 10), { count: 0, devices: 0, sample: [] });
    assert.deepEqual(await store.previewRevocationQuery({ manufacturer: 'Contoso', caName: 'issuing-1' }, 10), { count: 0, devices: 0, sample: [] });
    assert.equal((await store.previewRevocationQuery({ caName: 'cm1' }, 0)).count, 9);
  }));

  it('every filter narrows, and pages walk exactly the matches', () => withHarness(open, async ({ store }) => {
    await seed(store);
    const cases: [Parameters<Store['pageRevocationQuery']>[0], string[]][] = [
      [{ status: 'issued', profile: 'gateway' }, ['01', '04', '07', '0a']],
      [{ caName: 'issuing-1' }, ['09', '0a', '0b', '0c']],
      [{ deviceId: 'dev-1' }, ['02', '07', '0c']],
      [{ attributes: { batch: 'B7' } }, ['01', '03', '05', '07', '09', '0b']],
      [{ attributes: { batch: 'B8', firmware: '1.0' }, manufacturer: 'Contoso' }, ['02', '04', '06', '08']],
      [{ attributes: { batch: 'B8', firmware: '2.0' } }, []],
      [{ issuedAfter: at(3), issuedBefore: at(6) }, ['03', '04', '05']],
      [{ status: 'pending' }, ['ff']],
    ];
    for (const [q, expected] of cases) {
      assert.deepEqual(await walk(store, q, 2), expected, JSON.stringify(q));
      assert.equal((await store.previewRevocationQuery(q, 0)).count, expected.length, JSON.stringify(q));
    }
  }));

  it('rows revoked behind the cursor do not shift later pages', () => withHarness(open, async ({ store }) => {
    await seed(store);
    const q = { status: 'issued' as const, manufacturer: 'Contoso' };
    const seen: string[] = [];
    for (let cursor: string | undefined; ;) {
      const page = await store.pageRevocationQuery(q, { limit: 3, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items);
      await store.revokeCertificates(page.items.map((s) => revocation(s)), auditFor);
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    assert.deepEqual(seen, ['01', '02', '03', '04', '05', '06', '07', '08']);
    assert.equal((await store.previewRevocationQuery(q, 0)).count, 0);
  }));

  it('refuses a limit out of range and a foreign cursor', () => withHarness(open, async ({ store }) => {
    await seed(store);
    await rejectsWithCode(store.pageRevocationQuery({}, { limit: 0 }), 'REQUEST_INVALID');
    await rejectsWithCode(store.pageRevocationQuery({}, { limit: 10_001 }), 'REQUEST_INVALID');
    const search = await store.searchCertificates({ limit: 1 });
    await rejectsWithCode(store.pageRevocationQuery({}, { limit: 1, cursor: search.nextCursor! }), 'REQUEST_INVALID');
    await rejectsWithCode(store.pageRevocationQuery({ issuedAfter: new Date(NaN) }, { limit: 1 }), 'REQUEST_INVALID');
  }));
}
