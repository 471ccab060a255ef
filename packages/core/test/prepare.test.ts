import { test } from 'node:test';
import assert from 'node:assert/strict';
import { issue, parseCertificate, parseCsr, PkiError, prepare, EXTENSION_OIDS, type GeneralName } from '../src/index.js';
import { csrFor, NOW, profile, serial, testCa } from './helpers.js';

async function request(subject: string, sans: GeneralName[] = [], kind: 'p256' | 'rsa2048' | 'ed25519' = 'p256') {
  const csr = parseCsr(await csrFor(kind, subject, sans));
  return { publicKey: csr.publicKey, subject: csr.subject, subjectAltNames: csr.subjectAltNames };
}

async function refusal(fn: () => unknown): Promise<string> {
  try { await fn(); } catch (e) { if (e instanceof PkiError) return e.code; throw e; }
  return 'NO_ERROR';
}

test('device-operational: the device id becomes a URI SAN under the CA namespace', async () => {
  const ca = await testCa();
  const p = prepare(profile('device-operational'), ca.context, { ...(await request('CN=dev-42')), deviceId: 'dev-42' }, { now: NOW, serial: serial() });
  const cert = parseCertificate(await issue(p, ca.signer));
  assert.deepEqual(cert.subjectAltNames, [{ type: 'uri', value: 'device://devices.example.com/dev-42' }]);
  assert.equal(p.deviceId, 'dev-42');
  assert.equal(cert.notBefore.toISOString(), '2030-06-15T11:00:00.000Z'); // backdated 1h
  assert.equal(cert.notAfter.toISOString(), '2030-09-13T12:00:00.000Z'); // 90 days
  assert.deepEqual(cert.keyUsage, ['digitalSignature']);
  assert.deepEqual(cert.extKeyUsage, ['1.3.6.1.5.5.7.3.2']);
  assert.deepEqual(cert.basicConstraints, { cA: false, pathLenConstraint: null });
  assert.equal(cert.extensions.find((e) => e.oid === EXTENSION_OIDS.basicConstraints)!.critical, true);
});

test('device-operational without any device id is a PROFILE_VIOLATION', async () => {
  const ca = await testCa();
  assert.equal(await refusal(async () => prepare(profile('device-operational'), ca.context, await request('CN=x'), { now: NOW, serial: serial() })), 'PROFILE_VIOLATION');
});

test('the device id may come from the CSR URI or the IDevID serialNumber', async () => {
  const ca = await testCa();
  const fromUri = prepare(profile('device-operational'), ca.context, await request('CN=x', [{ type: 'uri', value: 'device://devices.example.com/abc-1' }]), { now: NOW, serial: serial() });
  assert.equal(fromUri.deviceId, 'abc-1');
  const idevid = prepare(profile('device-idevid'), ca.context, await request('serialNumber=SN-77,CN=cam'), { now: NOW, serial: serial() });
  assert.equal(idevid.deviceId, 'SN-77');
  assert.equal(await refusal(async () => prepare(profile('device-operational'), ca.context,
    { ...(await request('CN=x', [{ type: 'uri', value: 'device://devices.example.com/abc-1' }])), deviceId: 'other' }, { now: NOW, serial: serial() })), 'PROFILE_VIOLATION');
  assert.equal(await refusal(async () => prepare(profile('device-operational'), ca.context, { ...(await request('CN=x')), deviceId: 'bad id/..' }, { now: NOW, serial: serial() })), 'DEVICE_ID_INVALID');
});

test('subject and SAN rules of the profile are enforced', async () => {
  const ca = await testCa();
  const idevid = profile('device-idevid');
  assert.equal(await refusal(async () => prepare(idevid, ca.context, await request('CN=no-serial'), { now: NOW, serial: serial() })), 'PROFILE_VIOLATION');
  assert.equal(await refusal(async () => prepare(idevid, ca.context, await request('serialNumber=1,L=Paris'), { now: NOW, serial: serial() })), 'PROFILE_VIOLATION');
  assert.equal(await refusal(async () => prepare(idevid, ca.context, await request('serialNumber=1', [{ type: 'dns', value: 'x.example.com' }]), { now: NOW, serial: serial() })), 'PROFILE_VIOLATION');
  assert.equal(await refusal(async () => prepare(profile('gateway-server'), ca.context, await request('CN=gw'), { now: NOW, serial: serial() })), 'PROFILE_VIOLATION');
  assert.equal(await refusal(async () => prepare(profile('gateway-server'), ca.context, await request('CN=gw', [{ type: 'dns', value: 'bad_name.example' }]), { now: NOW, serial: serial() })), 'PROFILE_VIOLATION');
});

test('validity: the profile maximum is enforced, and never past the issuer', async () => {
  const ca = await testCa();
  const short = profile('short-lived');
  assert.equal(await refusal(async () => prepare(short, ca.context, { ...(await request('CN=s')), validitySeconds: 24 * 3600 + 1 }, { now: NOW, serial: serial() })), 'VALIDITY_NOT_ALLOWED');
  const ok = prepare(short, ca.context, { ...(await request('CN=s')), validitySeconds: 24 * 3600 }, { now: NOW, serial: serial() });
  assert.equal(ok.notAfter.getTime() - NOW.getTime(), 24 * 3600 * 1000);
  const ending = await testCa({ notAfter: new Date('2030-07-01T00:00:00Z') });
  const clamped = prepare(profile('device-operational'), ending.context, { ...(await request('CN=d')), deviceId: 'd1' }, { now: NOW, serial: serial() });
  assert.equal(clamped.notAfter.toISOString(), '2030-07-01T00:00:00.000Z');
});

test('short-lived certificates carry noRevAvail and no OCSP URL (RFC 9608)', async () => {
  const ca = await testCa();
  const cert = parseCertificate(await issue(prepare(profile('short-lived'), ca.context, await request('CN=s'), { now: NOW, serial: serial() }), ca.signer));
  assert.ok(cert.extensions.some((e) => e.oid === EXTENSION_OIDS.noRevAvail));
  assert.ok(!cert.extensions.some((e) => e.oid === EXTENSION_OIDS.crlDistributionPoints));
  const aia = cert.extensions.find((e) => e.oid === EXTENSION_OIDS.authorityInfoAccess)!;
  assert.ok(!Buffer.from(aia.value).includes('/ocsp'));
});

test('key types outside the profile are KEY_TYPE_NOT_ALLOWED', async () => {
  const ca = await testCa();
  const spec = profile('ocsp-signer');
  const p = { ...spec, keyTypes: new Set(['ecdsa-p256'] as const) };
  assert.equal(await refusal(async () => prepare(p, ca.context, await request('CN=o', [], 'rsa2048'), { now: NOW, serial: serial() })), 'KEY_TYPE_NOT_ALLOWED');
});

test('names outside the issuer name constraints are NAME_CONSTRAINTS_VIOLATED', async () => {
  const ca = await testCa({ nameConstraints: { permitted: [{ type: 'uri', value: 'cm1.example.com' }, { type: 'dns', value: 'cm1.example.com' }], excluded: [] } });
  const ctx = { ...ca.context, deviceIdUriPrefix: 'device://cm1.example.com/' };
  const ok = prepare(profile('device-operational'), ctx, { ...(await request('CN=d', [{ type: 'dns', value: 'a.cm1.example.com' }])), deviceId: 'd1' }, { now: NOW, serial: serial() });
  assert.equal(ok.subjectAltNames.length, 2);
  assert.equal(await refusal(async () => prepare(profile('device-operational'), ctx,
    { ...(await request('CN=d', [{ type: 'dns', value: 'evil.example.com' }])), deviceId: 'd1' }, { now: NOW, serial: serial() })), 'NAME_CONSTRAINTS_VIOLATED');
  const otherNs = { ...ctx, deviceIdUriPrefix: 'device://evil.example.com/' };
  assert.equal(await refusal(async () => prepare(profile('device-operational'), otherNs, { ...(await request('CN=d')), deviceId: 'd1' }, { now: NOW, serial: serial() })), 'NAME_CONSTRAINTS_VIOLATED');
});

test('a prepared certificate is signed once: TOKEN_ALREADY_REDEEMED', async () => {
  const ca = await testCa();
  const p = prepare(profile('gateway-server'), ca.context, await request('CN=gw', [{ type: 'dns', value: 'gw.example.com' }]), { now: NOW, serial: serial() });
  await issue(p, ca.signer);
  assert.equal(await refusal(() => issue(p, ca.signer)), 'TOKEN_ALREADY_REDEEMED');
});

test('an empty subject makes the SAN critical (RFC 5280 4.2.1.6)', async () => {
  const ca = await testCa();
  const cert = parseCertificate(await issue(prepare(profile('device-operational'), ca.context, { ...(await request('')), deviceId: 'd9' }, { now: NOW, serial: serial() }), ca.signer));
  assert.equal(cert.subject.length, 0);
  assert.equal(cert.extensions.find((e) => e.oid === EXTENSION_OIDS.subjectAltName)!.critical, true);
});

test('a sharded CRL distribution point overrides the CA default', async () => {
  const ca = await testCa();
  const p = prepare(profile('device-operational'), ca.context, { ...(await request('CN=d')), deviceId: 'd1' },
    { now: NOW, serial: serial(), crlDistributionPoints: ['http://pki.example/crl/test-ca.3.crl'] });
  const cert = parseCertificate(await issue(p, ca.signer));
  const cdp = cert.extensions.find((e) => e.oid === EXTENSION_OIDS.crlDistributionPoints)!;
  assert.ok(Buffer.from(cdp.value).includes('http://pki.example/crl/test-ca.3.crl'));
  assert.ok(!Buffer.from(cdp.value).includes('test.crl'));
});
