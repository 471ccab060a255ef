/**
 * EST over real TLS with a client nobody here wrote: curl and openssl, used the way libest
 * and globalsign/est use the wire (../shared/conformance/est/README.md). Our answers are
 * read by `openssl base64 -d | openssl pkcs7 -print_certs` and the issued chains checked
 * with `openssl verify`.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { exec, opensslPrintCerts, openEst, readMultipart, type EstFixture } from './est-support.js';

const CERTS_ONLY = 'application/pkcs7-mime; smime-type=certs-only';
const libestHeaders = ['-H', 'Content-Type: application/pkcs10', '-H', 'Accept: */*'];
const globalsignHeaders = ['-H', 'Content-Type: application/pkcs10', '-H', 'Content-Transfer-Encoding: base64', '-H', 'Accept: application/pkcs7-mime'];

let f: EstFixture;
let issuingPem: string;

async function verifyIssued(certPem: string): Promise<string> {
  const out = await exec('openssl', ['verify', '-CAfile', f.file('root.pem', f.rootPem), '-untrusted', f.file('issuing.pem', issuingPem), f.file('leaf.pem', certPem)]);
  return out.toString().trim();
}

/** The one certificate of an enroll answer, after checking the EST headers byte for byte. */
async function enrolledCertificate(r: Awaited<ReturnType<EstFixture['curl']>>): Promise<string> {
  assert.equal(r.status, 200, r.body.toString());
  assert.ok(r.rawHeaders.includes(`Content-Type: ${CERTS_ONLY}`), r.rawHeaders.join('|'));
  assert.ok(r.rawHeaders.includes('Content-Transfer-Encoding: base64'));
  assert.ok(r.rawHeaders.includes(`Content-Length: ${r.body.length}`));
  const certs = await opensslPrintCerts(r.body);
  assert.equal(certs.length, 1);
  return certs[0]!;
}

before(async () => {
  f = await openEst();
  await f.group({ label: 'sensors', serverKeygenEncryption: 'none' });
  const r = await f.curl('/.well-known/est/sensors/cacerts', []);
  issuingPem = (await opensslPrintCerts(r.body))[0]!;
});
after(async () => { await f.close(); });

describe('EST with curl + openssl as the client', { timeout: 120_000 }, () => {
  it('cacerts: application/pkcs7-mime, canonical headers, the issuing CA then the root', async () => {
    const r = await f.curl('/.well-known/est/sensors/cacerts', []);
    assert.equal(r.status, 200);
    assert.deepEqual(r.rawHeaders.filter((h) => /^Content-/.test(h)), ['Content-Type: application/pkcs7-mime', 'Content-Transfer-Encoding: base64', `Content-Length: ${r.body.length}`]);
    assert.ok(r.body.toString().split('\n').slice(0, -2).every((l) => l.length === 64));
    const certs = await opensslPrintCerts(r.body);
    assert.equal(certs.length, 2);
    assert.equal(certs[1]!.replace(/\n/g, ''), f.rootPem.replace(/\n/g, ''));
  });

  it('libest-like: base64 with line breaks, no CTE, bootstrap client certificate -> one certificate that openssl verifies', async () => {
    const boot = await f.bootstrap('sensor-0001');
    const csr = await f.opensslCsr('dev1', '/CN=sensor-0001');
    const body = f.file('dev1.b64', await exec('openssl', ['base64'], csr.der));
    assert.ok(body.length > 0);
    const r = await f.curl('/.well-known/est/sensors/simpleenroll', [...libestHeaders, '--cert', boot.cert, '--key', boot.key, '--data-binary', `@${body}`]);
    const cert = await enrolledCertificate(r);
    assert.match(await verifyIssued(cert), /: OK$/);
    const subject = (await exec('openssl', ['x509', '-noout', '-subject', '-ext', 'subjectAltName'], Buffer.from(cert))).toString();
    assert.match(subject, /subject=CN ?= ?sensor-0001/);
    assert.match(subject, /URI:device:\/\/devices\.fleetpki\.local\/sensor-0001/);
  });

  it('globalsign-like: one-line base64 with CTE; 401 + WWW-Authenticate Basic first, then Basic credentials', async () => {
    const secret = await f.secret('sensors', 'sensor-0002');
    const csr = await f.opensslCsr('dev2', '/CN=sensor-0002');
    const body = f.file('dev2.b64', csr.der.toString('base64'));
    const first = await f.curl('/.well-known/est/sensors/simpleenroll', [...globalsignHeaders, '--data-binary', `@${body}`]);
    assert.equal(first.status, 401);
    assert.ok(first.rawHeaders.includes('WWW-Authenticate: Basic realm="fleetpki est"'), first.rawHeaders.join('|'));
    assert.equal(first.body.toString(), 'ENROLLMENT_UNAUTHENTICATED: enrollment needs a client certificate or an enrollment secret\n');
    // curl --basic answers the challenge as libest and estclient do.
    const r = await f.curl('/.well-known/est/sensors/simpleenroll', [...globalsignHeaders, '--basic', '-u', `sensor-0002:${secret}`, '--data-binary', `@${body}`]);
    const cert = await enrolledCertificate(r);
    assert.match(await verifyIssued(cert), /: OK$/);
    // The secret was one-time.
    const again = await f.curl('/.well-known/est/sensors/simpleenroll', [...globalsignHeaders, '-u', `sensor-0002:${secret}`, '--data-binary', `@${body}`]);
    assert.equal(again.status, 401);
    assert.match(again.body.toString(), /^ENROLLMENT_SECRET_USED: /);
  });

  it('simplereenroll with the current certificate (--cert/--key) and a new key keeps the subject', async () => {
    const boot = await f.bootstrap('sensor-0003');
    const first = await f.opensslCsr('dev3', '/CN=sensor-0003');
    const r1 = await f.curl('/.well-known/est/sensors/simpleenroll', [...libestHeaders, '--cert', boot.cert, '--key', boot.key, '--data-binary', `@${f.file('dev3.b64', await exec('openssl', ['base64'], first.der))}`]);
    const current = f.file('dev3.pem', await enrolledCertificate(r1));
    const rekey = await f.opensslCsr('dev3b', '/CN=sensor-0003');
    const r2 = await f.curl('/.well-known/est/sensors/simplereenroll', [...libestHeaders, '--cert', current, '--key', first.key, '--data-binary', `@${f.file('dev3b.b64', await exec('openssl', ['base64'], rekey.der))}`]);
    const renewed = await enrolledCertificate(r2);
    assert.match(await verifyIssued(renewed), /: OK$/);
    const subj = async (pem: string) => (await exec('openssl', ['x509', '-noout', '-subject', '-serial'], Buffer.from(pem))).toString().split('\n');
    const [s1, n1] = await subj(readFileSync(current, 'utf8'));
    const [s2, n2] = await subj(renewed);
    assert.equal(s2, s1);
    assert.notEqual(n2, n1);
    // Re-enrolling with the bootstrap certificate is not re-enrolling.
    const bad = await f.curl('/.well-known/est/sensors/simplereenroll', [...libestHeaders, '--cert', boot.cert, '--key', boot.key, '--data-binary', `@${f.file('dev3c.b64', await exec('openssl', ['base64'], rekey.der))}`]);
    assert.equal(bad.status, 403);
    assert.match(bad.body.toString(), /^OPERATIONAL_CERTIFICATE_UNKNOWN: /);
  });

  it('serverkeygen in a group with serverKeygenEncryption none: multipart/mixed, key part (plain PKCS#8) first, then the certificate; the key matches the certificate', async () => {
    const secret = await f.secret('sensors', 'sensor-0004');
    const csr = await f.opensslCsr('dev4', '/CN=sensor-0004');
    const r = await f.curl('/.well-known/est/sensors/serverkeygen', [...libestHeaders, '-u', `sensor-0004:${secret}`, '--data-binary', `@${f.file('dev4.b64', await exec('openssl', ['base64'], csr.der))}`]);
    assert.equal(r.status, 200, r.body.toString());
    assert.ok(r.rawHeaders.includes('Content-Type: multipart/mixed; boundary=est-server-boundary'));
    assert.ok(r.rawHeaders.includes(`Content-Length: ${r.body.length}`));
    const parts = readMultipart(r.body.toString('latin1'), 'est-server-boundary');
    assert.deepEqual(parts.map((p) => p.headers), [
      ['Content-Type: application/pkcs8', 'Content-Transfer-Encoding: base64'],
      [`Content-Type: ${CERTS_ONLY}`, 'Content-Transfer-Encoding: base64'],
    ]);
    const keyDer = await exec('openssl', ['base64', '-d'], Buffer.from(parts[0]!.body));
    const keyPub = (await exec('openssl', ['pkey', '-inform', 'DER', '-pubout'], keyDer)).toString();
    const certs = await opensslPrintCerts(Buffer.from(parts[1]!.body));
    assert.equal(certs.length, 1);
    const certPub = (await exec('openssl', ['x509', '-noout', '-pubkey'], Buffer.from(certs[0]!))).toString();
    assert.equal(keyPub, certPub);
    assert.notEqual(certPub, (await exec('openssl', ['pkey', '-in', csr.key, '-pubout'])).toString());
    assert.match(await verifyIssued(certs[0]!), /: OK$/);
  });
});
