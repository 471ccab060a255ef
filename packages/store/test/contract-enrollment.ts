/** Contract: enrollment groups, one-time secrets, bootstrap uses, pending enrollments, devices. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { EnrollmentCommit, EnrollmentGroupRecord, IssuedCertificate, PendingEnrollmentRecord } from '@fleetpki/ca';
import { at, caRecord, event, intent, issued, T0 } from './fixtures.js';
import type { OpenHarness, StoreHarness } from './harness.js';
import { rejectsWithCode, withHarness } from './contract-cas.js';

function group(label: string, overrides: Partial<EnrollmentGroupRecord> = {}): EnrollmentGroupRecord {
  return {
    label, caName: 'issuing-1', profile: 'device-operational', anchorsDer: [new Uint8Array([0x30, 0x01, 0x09]), new Uint8Array([0x30, 0x00])],
    deviceIdPattern: '^sensor-[0-9a-f]{8}$', attributes: { fleet: 'north' }, approval: 'manual', rateLimit: { requests: 10, perSeconds: 60 },
    bootstrapReuse: { kind: 'times', times: 3 }, reenrollWithBootstrap: true, popLinking: true, webhook: { url: 'http://127.0.0.1:9/hook', timeoutMs: 500 },
    retryAfterSeconds: 30, serverKeygenEncryption: 'none', createdAt: T0, ...overrides,
  };
}

function pending(id: string, overrides: Partial<PendingEnrollmentRecord> = {}): PendingEnrollmentRecord {
  return {
    id, label: 'g1', deviceId: 'sensor-00000001', csrSha256: 'cd'.repeat(32), subject: 'CN=sensor-00000001', source: '192.0.2.1',
    status: 'pending', createdAt: T0, decidedAt: null, decidedBy: null, ...overrides,
  };
}

async function withGroup(open: OpenHarness, fn: (h: StoreHarness) => Promise<void>): Promise<void> {
  return withHarness(open, async (h) => {
    await h.store.createCa(caRecord('issuing-1'), []);
    await h.store.createEnrollmentGroup(group('g1'), []);
    await fn(h);
  });
}

export function enrollmentContract(open: OpenHarness): void {
  it('groups: create, get every field back, list by label; a taken label is ENROLLMENT_GROUP_EXISTS and appends nothing', () => withHarness(open, async ({ store }) => {
    await store.createCa(caRecord('issuing-1'), []);
    const b = group('b', { approval: 'automatic', rateLimit: null, bootstrapReuse: { kind: 'until-operational' }, webhook: null, attributes: {}, serverKeygenEncryption: 'required' });
    const a = group('a');
    await store.createEnrollmentGroup(b, [event('enrollment_group.create')]);
    await store.createEnrollmentGroup(a, []);
    assert.deepEqual(await store.getEnrollmentGroup('a'), a);
    assert.deepEqual(await store.listEnrollmentGroups(), [a, b]);
    assert.equal(await store.getEnrollmentGroup('c'), null);
    await rejectsWithCode(store.createEnrollmentGroup(group('a', { profile: 'x' }), [event('enrollment_group.create')]), 'ENROLLMENT_GROUP_EXISTS');
    assert.equal((await store.getEnrollmentGroup('a'))?.profile, 'device-operational');
    assert.equal((await store.auditHead())?.seq, 1);
  }));

  it('secrets: stored by hash; claimed once, concurrently too; a release makes it claimable again', () => withGroup(open, async ({ store }) => {
    const secret = { secretHash: 'ab'.repeat(32), label: 'g1', deviceId: 'sensor-00000001', createdAt: T0, usedAt: null };
    await store.createEnrollmentSecret(secret, [event('enrollment_secret.create')]);
    assert.deepEqual(await store.getEnrollmentSecret(secret.secretHash), secret);
    assert.equal(await store.getEnrollmentSecret('00'.repeat(32)), null);
    const claims = await Promise.all(Array.from({ length: 8 }, () => store.claimEnrollmentSecret(secret.secretHash, at(5))));
    assert.equal(claims.filter(Boolean).length, 1);
    assert.deepEqual((await store.getEnrollmentSecret(secret.secretHash))?.usedAt, at(5));
    await store.releaseEnrollmentSecret(secret.secretHash, at(6)); // another claim's time: no effect
    assert.equal(await store.claimEnrollmentSecret(secret.secretHash, at(7)), false);
    await store.releaseEnrollmentSecret(secret.secretHash, at(5));
    assert.equal(await store.claimEnrollmentSecret(secret.secretHash, at(8)), true);
    assert.equal(await store.claimEnrollmentSecret('00'.repeat(32), at(8)), false);
    assert.equal((await store.auditHead())?.seq, 1);
  }));

  it('bootstrap uses: at most max, concurrently too; null is unlimited; release gives one back', () => withGroup(open, async ({ store }) => {
    const sha = 'ef'.repeat(32);
    const claims = await Promise.all(Array.from({ length: 6 }, () => store.claimBootstrapUse(sha, 'g1', 2, T0)));
    assert.equal(claims.filter(Boolean).length, 2);
    assert.equal(await store.bootstrapUses(sha), 2);
    await store.releaseBootstrapUse(sha);
    assert.equal(await store.claimBootstrapUse(sha, 'g1', 2, T0), true);
    assert.equal(await store.claimBootstrapUse(sha, 'g1', null, T0), true);
    assert.equal(await store.bootstrapUses(sha), 3);
    assert.equal(await store.bootstrapUses('00'.repeat(32)), 0);
  }));

  it('pending: one per device and group (a new one replaces it); decided once; deleted', () => withGroup(open, async ({ store }) => {
    await store.putPendingEnrollment(pending('p1'), [event('enrollment.pending')]);
    await store.putPendingEnrollment(pending('p2', { deviceId: 'sensor-00000002' }), []);
    assert.deepEqual(await store.findPendingEnrollment('g1', 'sensor-00000001'), pending('p1'));
    await store.putPendingEnrollment(pending('p3', { csrSha256: 'ee'.repeat(32), createdAt: at(1) }), []);
    assert.equal(await store.getPendingEnrollment('p1'), null);
    assert.deepEqual((await store.listPendingEnrollments('g1')).map((p) => p.id), ['p2', 'p3']);
    assert.equal(await store.decidePendingEnrollment('p3', 'approved', at(9), 'token:a', [event('enrollment.approve')]), 'decided');
    assert.equal(await store.decidePendingEnrollment('p3', 'rejected', at(10), 'token:a', [event('enrollment.reject')]), 'not_pending');
    assert.equal(await store.decidePendingEnrollment('zz', 'rejected', at(10), 'token:a', [event('enrollment.reject')]), 'not_found');
    assert.deepEqual(await store.getPendingEnrollment('p3'), pending('p3', { csrSha256: 'ee'.repeat(32), createdAt: at(1), status: 'approved', decidedAt: at(9), decidedBy: 'token:a' }));
    assert.equal((await store.auditHead())?.seq, 2);
    await store.deletePendingEnrollment('p3');
    assert.equal(await store.findPendingEnrollment('g1', 'sensor-00000001'), null);
  }));

  it('devices: created on the first enrollment, later ones add links; found by bootstrap hash', () => withGroup(open, async ({ store }) => {
    const boot = { role: 'bootstrap' as const, serial: '0a', sha256: '11'.repeat(32), at: T0 };
    const op1 = { role: 'operational' as const, serial: '0b', sha256: '22'.repeat(32), at: T0 };
    const op2 = { role: 'operational' as const, serial: '0c', sha256: '33'.repeat(32), at: at(60) };
    await store.recordDeviceEnrollment({ deviceId: 'sensor-00000001', label: 'g1', attributes: { fleet: 'north' }, at: T0, links: [boot, op1] }, [event('enrollment.enroll')]);
    await store.recordDeviceEnrollment({ deviceId: 'sensor-00000001', label: 'g2', attributes: {}, at: at(60), links: [op2] }, [event('enrollment.enroll')]);
    const device = { deviceId: 'sensor-00000001', label: 'g1', attributes: { fleet: 'north' }, createdAt: T0, links: [boot, op1, op2] };
    assert.deepEqual(await store.getDevice('sensor-00000001'), device);
    assert.deepEqual(await store.findDeviceByBootstrap('11'.repeat(32)), device);
    assert.equal(await store.findDeviceByBootstrap('22'.repeat(32)), null);
    assert.equal(await store.getDevice('sensor-00000009'), null);
    assert.equal((await store.auditHead())?.seq, 2);
  }));

  it('recordIssued with enrollments: secret spent, bootstrap use counted, device linked, approved request deleted, all with the issued row; a lost claim leaves its certificate pending and writes nothing of it', () => withGroup(open, async ({ store }) => {
    const secretHash = 'ab'.repeat(32);
    await store.createEnrollmentSecret({ secretHash, label: 'g1', deviceId: 'sensor-00000001', createdAt: T0, usedAt: null }, []);
    await store.putPendingEnrollment(pending('p1', { status: 'approved' }), []);
    const boot = '11'.repeat(32);
    const commit = (serial: string, c: Partial<EnrollmentCommit>): IssuedCertificate => ({
      ...issued(serial),
      enrollment: {
        device: { deviceId: `sensor-0000000${serial[1]}`, label: 'g1', attributes: {}, at: at(1), links: [{ role: 'operational', serial, sha256: 'ab'.repeat(32), at: at(1) }] },
        secretHash: null, bootstrapUse: null, pendingId: null, audit: [event('enrollment.enroll', { target: serial })], ...c,
      },
    });
    await store.recordIntents(['01', '02', '03', '04', '05'].map((s) => intent(s)));
    // 01 spends the secret and counts boot's only use; 02 reuses the secret, 03 the bootstrap: both lose.
    const outcomes = await store.recordIssued([
      commit('01', { secretHash, bootstrapUse: { sha256: boot, label: 'g1', max: 1 }, pendingId: 'p1' }),
      commit('02', { secretHash }),
      commit('03', { bootstrapUse: { sha256: boot, label: 'g1', max: 1 } }),
      issued('04'),
    ], [event('certificate.issue', { target: '04' })]);
    assert.deepEqual(outcomes, ['issued', 'secret_used', 'bootstrap_used', 'issued']);
    assert.deepEqual(await Promise.all(['01', '02', '03', '04'].map(async (s) => (await store.getCertificate(s))?.status)), ['issued', 'pending', 'pending', 'issued']);
    assert.notEqual((await store.getEnrollmentSecret(secretHash))?.usedAt, null);
    assert.equal(await store.bootstrapUses(boot), 1);
    assert.deepEqual((await store.getDevice('sensor-00000001'))?.links.map((l) => l.serial), ['01']);
    assert.equal(await store.getDevice('sensor-00000002'), null);
    assert.equal(await store.getDevice('sensor-00000003'), null);
    assert.equal(await store.getPendingEnrollment('p1'), null);
    const events = await store.readAudit(0, 10);
    assert.deepEqual(events.map((e) => `${e.action}:${e.target}`), ['certificate.issue:04', 'enrollment.enroll:01']);
    // With the claim free again, the pending certificate is issued (a secret that is released, a use under a larger max).
    assert.deepEqual(await store.recordIssued([commit('03', { bootstrapUse: { sha256: boot, label: 'g1', max: 2 } })], []), ['issued']);
    assert.equal(await store.bootstrapUses(boot), 2);
    // Claims lost in a batch change nothing; a non-pending serial still fails the whole call.
    await rejectsWithCode(store.recordIssued([commit('05', { secretHash: 'cd'.repeat(32) }), issued('01')], []), 'CERTIFICATE_NOT_FOUND');
    assert.equal((await store.getCertificate('05'))?.status, 'pending');
  }));
}
