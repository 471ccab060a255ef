/**
 * EnvelopedData (core/cms/enveloped-data.ts) decrypted by OpenSSL: `openssl cms -decrypt`
 * with the recipient's key (KeyTransRecipientInfo for RSA with OAEP-SHA256 and with
 * PKCS#1 v1.5, KeyAgreeRecipientInfo for P-256 and P-384) and with `-pwri_password`
 * (PasswordRecipientInfo), returning exactly the content; a wrong password or another
 * key decrypts nothing; a recipient key CMS has no scheme for is UNSUPPORTED_KEY.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { children, readOid, readRoot, readSmallInteger } from '../src/der/reader.js';
import { asymmetricKeyPackage, encodeEnvelopedData, fromPem, isPkiError, OID_ASYMMETRIC_KEY_PACKAGE, type KeyRecipient } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'fleetpki-enveloped-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

/** A self-signed certificate and key made by openssl: `newkey` is openssl req's -newkey argument. */
function recipient(name: string, newkey: readonly string[]): { cert: string; key: string; der: Buffer } {
  const key = join(dir, `${name}.key`);
  const pem = execFileSync('openssl', ['req', '-x509', '-newkey', ...newkey, '-nodes', '-keyout', key, '-subj', `/CN=${name}`, '-days', '1'], { encoding: 'utf8' });
  const cert = join(dir, `${name}.crt`);
  writeFileSync(cert, pem);
  return { cert, key, der: fromPem(pem, ['CERTIFICATE']) };
}

const content = asymmetricKeyPackage(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'der' }));

function decrypt(enveloped: Buffer, args: readonly string[]): { status: number | null; out: Buffer } {
  const file = join(dir, `env-${randomBytes(4).toString('hex')}.der`);
  writeFileSync(file, enveloped);
  const r = spawnSync('openssl', ['cms', '-decrypt', '-inform', 'DER', '-in', file, '-binary', ...args]);
  return { status: r.status, out: r.stdout };
}

/** EnvelopedData's version and its one RecipientInfo's tag, read back (RFC 5652 6.1). */
function shape(enveloped: Buffer): { contentType: string; version: number; recipientTag: number; contentTypeInside: string } {
  const [type, wrapped] = children(readRoot(enveloped));
  const [version, recipients, encryptedContentInfo] = children(children(wrapped!)[0]!);
  const [ri, ...more] = children(recipients!);
  assert.equal(more.length, 0);
  return { contentType: readOid(type), version: readSmallInteger(version), recipientTag: ri!.tag, contentTypeInside: readOid(children(encryptedContentInfo!)[0]) };
}

const envelope = (r: KeyRecipient): Buffer => encodeEnvelopedData({ contentType: OID_ASYMMETRIC_KEY_PACKAGE, content, recipient: r, random: randomBytes });

test('the key package is SEQUENCE OF one PKCS#8 (RFC 5958 AsymmetricKeyPackage)', () => {
  const pkcs8 = Buffer.from('300102', 'hex');
  assert.equal(asymmetricKeyPackage(pkcs8).toString('hex'), '3003300102');
});

for (const [name, newkey, rsaPadding, version, recipientTag] of [
  ['rsa-oaep', ['rsa:2048'], 'oaep-sha256', 0, 0x30],
  ['rsa-v15', ['rsa:2048'], 'pkcs1-v1_5', 0, 0x30],
  ['p256', ['ec', '-pkeyopt', 'ec_paramgen_curve:P-256'], undefined, 2, 0xa1],
  ['p384', ['ec', '-pkeyopt', 'ec_paramgen_curve:P-384'], undefined, 2, 0xa1],
] as const) {
  test(`openssl cms -decrypt -inkey opens the envelope for a ${name} certificate (EnvelopedData version ${version})`, () => {
    const r = recipient(name, newkey);
    const enveloped = envelope({ kind: 'certificate', certificateDer: r.der, ...(rsaPadding ? { rsaPadding } : {}) });
    assert.deepEqual(shape(enveloped), { contentType: '1.2.840.113549.1.7.3', version, recipientTag, contentTypeInside: OID_ASYMMETRIC_KEY_PACKAGE });
    const got = decrypt(enveloped, ['-recip', r.cert, '-inkey', r.key]);
    assert.equal(got.status, 0);
    assert.deepEqual(got.out, content);
    const other = recipient(`${name}-other`, newkey);
    assert.notEqual(decrypt(enveloped, ['-recip', other.cert, '-inkey', other.key]).status, 0);
  });
}

test('openssl cms -decrypt -pwri_password opens a PasswordRecipientInfo envelope; a wrong password does not', () => {
  const secret = 'Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4cXV1eHF1dXg';
  const enveloped = envelope({ kind: 'password', password: Buffer.from(secret, 'utf8'), iterations: 10_000 });
  assert.deepEqual(shape(enveloped), { contentType: '1.2.840.113549.1.7.3', version: 3, recipientTag: 0xa3, contentTypeInside: OID_ASYMMETRIC_KEY_PACKAGE });
  const got = decrypt(enveloped, ['-pwri_password', secret]);
  assert.equal(got.status, 0);
  assert.deepEqual(got.out, content);
  assert.notEqual(decrypt(enveloped, ['-pwri_password', `${secret}x`]).status, 0);
});

test('an Ed25519 recipient is UNSUPPORTED_KEY; fewer than 1000 PBKDF2 iterations is a RangeError', () => {
  const r = recipient('ed', ['ed25519']);
  assert.throws(() => envelope({ kind: 'certificate', certificateDer: r.der }), (e) => isPkiError(e) && e.code === 'UNSUPPORTED_KEY');
  assert.throws(() => envelope({ kind: 'password', password: Buffer.from('x'), iterations: 999 }), RangeError);
});
