/**
 * The enrollment use case (ca.enrollment) over the real SQLite store: the secret and the
 * bootstrap certificate paths, just-in-time provisioning, and each refusal with its code,
 * its audit event, and nothing issued.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SYSTEM_ACTOR, type EnrollResult } from '@fleetpki/ca';
import { certificateSha256, parseCertificate } from '@fleetpki/core';
import { codeOf, csrFor, errorOf, lastAudit, openEnrollment, operationalCount, request } from './enrollment-support.js';

const issued = (r: EnrollResult) => { assert.equal(r.status, 'issued'); return r as Extract<EnrollResult, { status: 'issued' }>; };

test('secret: issues once for its device; a replay is ENROLLMENT_SECRET_USED; the device is provisioned', async () => {
  const f = await openEnrollment();
  try {
    const label = await f.group({ attributes: { fleet: 'north' } });
    const { secret } = await f.ca.createEnrollmentSecret(SYSTEM_ACTOR, label, 'sensor-0a1b2c3d');
    assert.match(secret, /^[A-Za-z0-9_-]{43}$/);
    const r = issued(await f.ca.enrollment.enroll(request(label, await csrFor('CN=sensor-0a1b2c3d'), { kind: 'secret', deviceId: 'sensor-0a1b2c3d', secret })));
    const cert = parseCertificate(r.certificateDer);
    assert.deepEqual(cert.subjectAltNames, [{ type: 'uri', value: 'device://devices.fleetpki.local/sensor-0a1b2c3d' }]);
    assert.equal(r.deviceId, 'sensor-0a1b2c3d');
    assert.equal(r.chainDer.length, 1); // dev-issuing, the root left out
    const record = await f.d.store.getCertificate(r.serial);
    assert.deepEqual(record?.attributes, { 'enrollment.group': label, fleet: 'north' });
    const device = await f.d.store.getDevice('sensor-0a1b2c3d');
    assert.deepEqual(device?.links.map((l) => [l.role, l.serial]), [['operational', r.serial]]);
    const audit = await lastAudit(f);
    assert.deepEqual([audit.action, audit.outcome, audit.detail?.['group'], audit.detail?.['deviceId'], audit.detail?.['source']],
      ['enrollment.enroll', 'success', label, 'sensor-0a1b2c3d', '192.0.2.7']);

    const before = await operationalCount(f);
    const replay = request(label, await csrFor('CN=sensor-0a1b2c3d'), { kind: 'secret', deviceId: 'sensor-0a1b2c3d', secret });
    assert.equal(await codeOf(f.ca.enrollment.enroll(replay)), 'ENROLLMENT_SECRET_USED');
    assert.equal(await operationalCount(f), before);
    const refusal = await lastAudit(f);
    assert.deepEqual([refusal.outcome, refusal.code, refusal.detail?.['group'], refusal.detail?.['deviceId']], ['refused', 'ENROLLMENT_SECRET_USED', label, 'sensor-0a1b2c3d']);
  } finally { await f.close(); }
});

test('secret: wrong secret, other device, other group, no credentials, unknown group', async () => {
  const f = await openEnrollment();
  try {
    const a = await f.group();
    const b = await f.group();
    const { secret } = await f.ca.createEnrollmentSecret(SYSTEM_ACTOR, a, 'sensor-00000001');
    const csr = await csrFor('CN=sensor-00000001');
    const cases: [string, ReturnType<typeof request>][] = [
      ['ENROLLMENT_SECRET_INVALID', request(a, csr, { kind: 'secret', deviceId: 'sensor-00000001', secret: 'x'.repeat(43) })],
      ['ENROLLMENT_SECRET_INVALID', request(a, csr, { kind: 'secret', deviceId: 'sensor-00000002', secret })],
      ['ENROLLMENT_SECRET_INVALID', request(b, csr, { kind: 'secret', deviceId: 'sensor-00000001', secret })],
      ['ENROLLMENT_UNAUTHENTICATED', request(a, csr, { kind: 'none' })],
      ['ENROLLMENT_GROUP_NOT_FOUND', request('nope', csr, { kind: 'secret', deviceId: 'sensor-00000001', secret })],
      ['ENROLLMENT_GROUP_NOT_FOUND', request(null, csr, { kind: 'secret', deviceId: 'sensor-00000001', secret })],
    ];
    for (const [code, req] of cases) {
      assert.equal(await codeOf(f.ca.enrollment.enroll(req)), code);
      assert.equal((await lastAudit(f)).code, code);
    }
    assert.equal(await operationalCount(f), 0);
    // The secret survived every refusal.
    issued(await f.ca.enrollment.enroll(request(a, csr, { kind: 'secret', deviceId: 'sensor-00000001', secret })));
  } finally { await f.close(); }
});

test('bootstrap certificate: issues, links the device to both certificates; a second use is BOOTSTRAP_ALREADY_USED', async () => {
  const f = await openEnrollment();
  try {
    const label = await f.group();
    const chain = await f.bootstrap('sensor-0000beef');
    const r = issued(await f.ca.enrollment.enroll(request(label, await csrFor('CN=sensor-0000beef'), { kind: 'certificate', chain })));
    assert.equal(r.deviceId, 'sensor-0000beef');
    const device = await f.d.store.getDevice('sensor-0000beef');
    assert.deepEqual(device?.links.map((l) => [l.role, l.sha256]), [
      ['bootstrap', certificateSha256(chain[0]!)], ['operational', certificateSha256(r.certificateDer)],
    ]);
    assert.equal(device?.label, label);
    const before = await operationalCount(f);
    assert.equal(await codeOf(f.ca.enrollment.enroll(request(label, await csrFor('CN=sensor-0000beef'), { kind: 'certificate', chain }))), 'BOOTSTRAP_ALREADY_USED');
    assert.equal(await operationalCount(f), before);
  } finally { await f.close(); }
});

test('bootstrap certificate: foreign, revoked, expired, identity outside the pattern, CSR naming another device', async () => {
  const f = await openEnrollment();
  try {
    const label = await f.group();
    await f.ca.createManufacturerCa(SYSTEM_ACTOR, {
      name: 'cm2', parent: 'dev-issuing', subject: 'CN=Other CA,O=Other', manufacturer: 'Other', namespace: 'cm2.devices.example.com', quota: null, keyType: 'ecdsa-p256',
    });
    const foreign = await f.bootstrap('sensor-00000002', 'cm2');
    const untrusted = await errorOf(f.ca.enrollment.enroll(request(label, await csrFor('CN=sensor-00000002'), { kind: 'certificate', chain: foreign })));
    assert.deepEqual([untrusted.code, untrusted.detail?.['pathCode']], ['BOOTSTRAP_UNTRUSTED', 'ISSUER_NOT_FOUND']);

    const revoked = await f.bootstrap('sensor-00000003');
    await f.ca.revokeCertificate(SYSTEM_ACTOR, parseCertificate(revoked[0]!).serial, { reason: 'keyCompromise' });
    assert.equal(await codeOf(f.ca.enrollment.enroll(request(label, await csrFor('CN=sensor-00000003'), { kind: 'certificate', chain: revoked }))), 'BOOTSTRAP_REVOKED');

    const old = await f.bootstrap('sensor-00000004');
    f.clock.offsetMs = 40 * 365 * 86400_000; // past the IDevID's 20 years
    const expired = await errorOf(f.ca.enrollment.enroll(request(label, await csrFor('CN=sensor-00000004'), { kind: 'certificate', chain: old })));
    assert.deepEqual([expired.code, expired.detail?.['pathCode']], ['BOOTSTRAP_EXPIRED', 'CERT_EXPIRED']);
    f.clock.offsetMs = 0;

    const outside = await f.bootstrap('camera-1');
    assert.equal(await codeOf(f.ca.enrollment.enroll(request(label, await csrFor('CN=camera-1'), { kind: 'certificate', chain: outside }))), 'DEVICE_ID_NOT_ALLOWED');

    const good = await f.bootstrap('sensor-00000005');
    assert.equal(await codeOf(f.ca.enrollment.enroll(request(label, await csrFor('CN=sensor-00000006'), { kind: 'certificate', chain: good }))), 'DEVICE_ID_NOT_ALLOWED');
    assert.equal(await codeOf(f.ca.enrollment.enroll(request(label, await csrFor('CN=x', [{ type: 'uri', value: 'device://cm1.devices.example.com/sensor-00000006' }]), { kind: 'certificate', chain: good }))), 'DEVICE_ID_NOT_ALLOWED');
    assert.equal(await operationalCount(f), 0);
    // The refusals did not spend the bootstrap certificate's one use.
    issued(await f.ca.enrollment.enroll(request(label, await csrFor('CN=sensor-00000005'), { kind: 'certificate', chain: good })));
  } finally { await f.close(); }
});

test('CSR: signed by another key (CSR_SIGNATURE_INVALID), not DER (BAD_DER), a SAN the profile forbids (PROFILE_VIOLATION); nothing spent', async () => {
  const f = await openEnrollment();
  try {
    const label = await f.group();
    const { secret } = await f.ca.createEnrollmentSecret(SYSTEM_ACTOR, label, 'sensor-0000abcd');
    const auth = { kind: 'secret' as const, deviceId: 'sensor-0000abcd', secret };
    const good = await csrFor('CN=sensor-0000abcd');
    const forged = Buffer.from(good);
    forged[forged.length - 5]! ^= 0x01; // inside the signature
    const cases: [string, Uint8Array][] = [
      ['CSR_SIGNATURE_INVALID', forged],
      ['BAD_DER', Buffer.from('not a CSR')],
      ['PROFILE_VIOLATION', await csrFor('CN=sensor-0000abcd', [{ type: 'email', value: 'a@example.com' }])],
    ];
    for (const [code, csrDer] of cases) {
      assert.equal(await codeOf(f.ca.enrollment.enroll(request(label, csrDer, auth))), code);
      const audit = await lastAudit(f);
      assert.deepEqual([audit.action, audit.code, audit.detail?.['deviceId']], ['enrollment.enroll', code, 'sensor-0000abcd']);
    }
    assert.equal(await operationalCount(f), 0);
    issued(await f.ca.enrollment.enroll(request(label, good, auth)));
  } finally { await f.close(); }
});
