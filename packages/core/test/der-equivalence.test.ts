/**
 * Our hand-written DER must equal what the general encoder (@peculiar/asn1-schema with
 * asn1-x509 / asn1-csr schemas) produces for the same structure: parse our bytes with
 * the schema library and re-serialize; any difference in encoding choices shows up.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate } from '@peculiar/asn1-x509';
import { CertificationRequest } from '@peculiar/asn1-csr';
import { issue, parseCsr, prepare } from '../src/index.js';
import { csrFor, NOW, profile, serial, testCa } from './helpers.js';

const roundTrip = (der: Uint8Array, schema: typeof Certificate | typeof CertificationRequest) =>
  Buffer.from(AsnConvert.serialize(AsnConvert.parse(der, schema as typeof Certificate)));

for (const name of ['device-operational', 'device-idevid', 'gateway-server', 'ocsp-signer', 'short-lived']) {
  test(`${name}: certificate bytes equal the schema encoder's`, async () => {
    const ca = await testCa();
    const sans = name === 'gateway-server' ? [{ type: 'dns' as const, value: 'gw.example.com' }, { type: 'ip' as const, value: '10.0.0.1' }]
      : name === 'device-idevid' ? [{ type: 'hardwareModuleName' as const, hwType: '1.3.6.1.4.1.99999.1', hwSerialNum: '0a0b0c' }] : [];
    const subject = name === 'device-idevid' ? 'serialNumber=SN-0001,CN=dev' : 'CN=dev,O=Acme';
    const csr = parseCsr(await csrFor('p256', subject, sans));
    const p = prepare(profile(name), ca.context, {
      publicKey: csr.publicKey, subject: csr.subject, subjectAltNames: csr.subjectAltNames,
      ...(name.startsWith('device') || name === 'short-lived' ? { deviceId: 'dev-0001' } : {}),
    }, { now: NOW, serial: serial() });
    const der = await issue(p, ca.signer);
    assert.deepEqual(roundTrip(der, Certificate), der);
  });
}

test('CA certificates with name constraints encode as the schema encoder does', async () => {
  const ca = await testCa();
  const csr = parseCsr(await csrFor('p384', 'CN=Manufacturer CA,O=Contoso'));
  const p = prepare(profile('manufacturer-ca'), ca.context, {
    publicKey: csr.publicKey, subject: csr.subject, subjectAltNames: [],
    nameConstraints: { permitted: [{ type: 'uri', value: 'cm1.example.com' }, { type: 'dns', value: 'cm1.example.com' }, { type: 'ip', value: '10.1.0.0/16' }], excluded: [{ type: 'dns', value: 'bad.cm1.example.com' }] },
  }, { now: NOW, serial: serial() });
  const der = await issue(p, ca.signer);
  assert.deepEqual(roundTrip(der, Certificate), der);
});

test('CSRs from buildCsr encode as the schema encoder does', async () => {
  const der = await csrFor('ed25519', 'CN=x,OU=y', [{ type: 'uri', value: 'device://d.example/1' }]);
  assert.deepEqual(roundTrip(der, CertificationRequest), der);
});
