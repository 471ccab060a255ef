/**
 * serverkeygen with the key encrypted (RFC 7030 4.4.2, RFC 8951): curl as the EST client,
 * `openssl cms -decrypt` as the device opening the key part: with `-pwri_password` and its
 * one-time secret (PasswordRecipientInfo), with `-inkey` and its bootstrap key (P-256:
 * KeyAgreeRecipientInfo; RSA: KeyTransRecipientInfo). The key inside is the issued
 * certificate's. An Ed25519 bootstrap certificate cannot receive it (422), and a
 * manual-approval group refuses serverkeygen (403); neither issues nor spends anything.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SYSTEM_ACTOR } from '@fleetpki/ca';
import { toPem } from '@fleetpki/core';
import { exec, opensslPrintCerts, openEst, readMultipart, type EstFixture, type HttpAnswer } from './est-support.js';

const SERVER_GENERATED_KEY = 'application/pkcs7-mime; smime-type=server-generated-key';
const CERTS_ONLY = 'application/pkcs7-mime; smime-type=certs-only';
const headers = ['-H', 'Content-Type: application/pkcs10'];

let f: EstFixture;
before(async () => {
  f = await openEst();
  await f.group({ label: 'keygen' });
  await f.group({ label: 'manual', approval: 'manual' });
});
after(() => f.close());

async function serverkeygen(label: string, deviceId: string, auth: readonly string[]): Promise<HttpAnswer> {
  const csr = await f.opensslCsr(`${label}-${deviceId}`, `/CN=${deviceId}`);
  return f.curl(`/.well-known/est/${label}/serverkeygen`, [...headers, ...auth, '--data-binary', `@${f.file(`${label}-${deviceId}.b64`, await exec('openssl', ['base64'], csr.der))}`]);
}

/** The two parts, checked: the encrypted key part first, then the one certificate. */
async function parts(r: HttpAnswer): Promise<{ enveloped: Buffer; certPem: string }> {
  assert.equal(r.status, 200, r.body.toString());
  assert.ok(r.rawHeaders.includes('Content-Type: multipart/mixed; boundary=est-server-boundary'));
  const [key, cert] = readMultipart(r.body.toString('latin1'), 'est-server-boundary');
  assert.deepEqual([key?.headers, cert?.headers], [
    [`Content-Type: ${SERVER_GENERATED_KEY}`, 'Content-Transfer-Encoding: base64'],
    [`Content-Type: ${CERTS_ONLY}`, 'Content-Transfer-Encoding: base64'],
  ]);
  const certs = await opensslPrintCerts(Buffer.from(cert!.body));
  assert.equal(certs.length, 1);
  return { enveloped: await exec('openssl', ['base64', '-d'], Buffer.from(key!.body)), certPem: certs[0]! };
}

/** openssl cms -decrypt, then the one OneAsymmetricKey of the AsymmetricKeyPackage (RFC 5958), checked against the certificate's public key. */
async function assertKeyOpensTo(enveloped: Buffer, args: readonly string[], certPem: string): Promise<void> {
  const pkg = await exec('openssl', ['cms', '-decrypt', '-inform', 'DER', '-in', f.file(`env-${Math.random()}.der`, enveloped), '-binary', ...args]);
  assert.equal(pkg[0], 0x30);
  const headerLength = pkg[1]! < 0x80 ? 2 : 2 + (pkg[1]! & 0x7f);
  const pkcs8 = pkg.subarray(headerLength);
  const keyPub = (await exec('openssl', ['pkey', '-inform', 'DER', '-pubout'], pkcs8)).toString();
  assert.equal(keyPub, (await exec('openssl', ['x509', '-noout', '-pubkey'], Buffer.from(certPem))).toString());
}

/** A bootstrap certificate from cm1 with an openssl key of `newkey` (openssl req -newkey). */
async function bootstrapWith(deviceId: string, newkey: readonly string[]): Promise<{ key: string; cert: string }> {
  const key = f.file(`${deviceId}.key`, '');
  const csrPem = (await exec('openssl', ['req', '-new', '-newkey', ...newkey, '-nodes', '-subj', `/serialNumber=${deviceId}`, '-keyout', key])).toString();
  const der = await exec('openssl', ['req', '-outform', 'DER'], Buffer.from(csrPem));
  const r = await f.server.deployment.ca.issueCertificate(SYSTEM_ACTOR, { csrDer: der, profile: 'device-idevid', caName: 'cm1' });
  return { key, cert: f.file(`${deviceId}.pem`, toPem('CERTIFICATE', r.certificateDer) + f.cm1Pem) };
}

const issuedFor = async (deviceId: string): Promise<number> =>
  (await f.server.deployment.store.searchCertificates({ deviceId, profile: 'device-operational', limit: 10 })).items.length;

describe('EST serverkeygen, key encrypted for the device (serverKeygenEncryption: required, the default)', () => {
  it('one-time secret: EnvelopedData with a PasswordRecipientInfo that openssl cms -decrypt -pwri_password opens', async () => {
    const secret = await f.secret('keygen', 'sensor-0101');
    const { enveloped, certPem } = await parts(await serverkeygen('keygen', 'sensor-0101', ['-u', `sensor-0101:${secret}`]));
    await assertKeyOpensTo(enveloped, ['-pwri_password', secret], certPem);
    await assert.rejects(assertKeyOpensTo(enveloped, ['-pwri_password', `${secret}x`], certPem));
  });

  it('P-256 bootstrap certificate: KeyAgreeRecipientInfo (ECDH, RFC 5753) that openssl cms -decrypt -inkey opens with the bootstrap key', async () => {
    const boot = await f.bootstrap('sensor-0102');
    const { enveloped, certPem } = await parts(await serverkeygen('keygen', 'sensor-0102', ['--cert', boot.cert, '--key', boot.key]));
    await assertKeyOpensTo(enveloped, ['-recip', boot.cert, '-inkey', boot.key], certPem);
  });

  it('RSA bootstrap certificate: KeyTransRecipientInfo (RSA-OAEP) that openssl cms -decrypt -inkey opens', async () => {
    const boot = await bootstrapWith('sensor-0103', ['rsa:2048']);
    const { enveloped, certPem } = await parts(await serverkeygen('keygen', 'sensor-0103', ['--cert', boot.cert, '--key', boot.key]));
    await assertKeyOpensTo(enveloped, ['-recip', boot.cert, '-inkey', boot.key], certPem);
  });

  it('Ed25519 bootstrap certificate: 422 SERVERKEYGEN_ENCRYPTION_UNAVAILABLE, nothing issued, the bootstrap use not counted', async () => {
    const boot = await bootstrapWith('sensor-0104', ['ed25519']);
    const r = await serverkeygen('keygen', 'sensor-0104', ['--cert', boot.cert, '--key', boot.key]);
    assert.equal(r.status, 422);
    assert.equal(r.body.toString(), 'SERVERKEYGEN_ENCRYPTION_UNAVAILABLE: the group sends generated keys encrypted, and the client certificate key is neither RSA nor EC P-256 / P-384\n');
    assert.equal(await issuedFor('sensor-0104'), 0);
    // The same certificate may still enroll with a key of its own.
    const csr = await f.opensslCsr('own-0104', '/CN=sensor-0104');
    const own = await f.curl('/.well-known/est/keygen/simpleenroll', [...headers, '--cert', boot.cert, '--key', boot.key, '--data-binary', `@${f.file('own-0104.b64', await exec('openssl', ['base64'], csr.der))}`]);
    assert.equal(own.status, 200, own.body.toString());
  });
});

describe('EST serverkeygen in a manual-approval group', () => {
  it('is refused 403 SERVERKEYGEN_NOT_ALLOWED before anything is pending, issued or spent; simpleenroll with the same secret then waits for approval', async () => {
    const secret = await f.secret('manual', 'sensor-0201');
    for (let i = 0; i < 2; i++) {
      const r = await serverkeygen('manual', 'sensor-0201', ['-u', `sensor-0201:${secret}`]);
      assert.equal(r.status, 403);
      assert.equal(r.body.toString(), 'SERVERKEYGEN_NOT_ALLOWED: serverkeygen is not offered in a manual-approval group: generate the key on the device and use simpleenroll\n');
    }
    assert.deepEqual(await f.server.deployment.store.listPendingEnrollments('manual'), []);
    assert.equal(await issuedFor('sensor-0201'), 0);
    const csr = await f.opensslCsr('manual-own', '/CN=sensor-0201');
    const r = await f.curl('/.well-known/est/manual/simpleenroll', [...headers, '-u', `sensor-0201:${secret}`, '--data-binary', `@${f.file('manual-own.b64', await exec('openssl', ['base64'], csr.der))}`]);
    assert.equal(r.status, 202, r.body.toString());
    assert.equal((await f.server.deployment.store.listPendingEnrollments('manual')).length, 1);
  });
});
