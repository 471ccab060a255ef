/**
 * Certs-only SignedData and CsrAttrs (core/cms): exact DER for small inputs, the same
 * bytes `openssl crl2pkcs7 -nocrl` writes for the same certificates, and the RFC 7030
 * Appendix A / libest CsrAttrs examples.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeCertsOnly, encodeCsrAttrs, parseCertsOnly, parseCsrAttrs, isPkiError } from '../src/index.js';

test('certs-only SignedData with no certificates has the exact RFC 5652 shape', () => {
  // ContentInfo { id-signedData, [0] { SignedData { 1, {}, { id-data }, [0] {}, {} } } }
  assert.equal(encodeCertsOnly([]).toString('hex'),
    '3025' + '06092a864886f70d010702' + 'a018' + '3016' + '020101' + '3100' + '300b06092a864886f70d010701' + 'a000' + '3100');
});

test('encodeCertsOnly matches openssl crl2pkcs7 byte for byte and parses back in order', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fleetpki-cms-'));
  const pems: string[] = [];
  for (const cn of ['leaf', 'ca']) {
    pems.push(execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, `${cn}.key`), '-subj', `/CN=${cn}`, '-days', '1'], { encoding: 'utf8' }));
  }
  writeFileSync(join(dir, 'certs.pem'), pems.join(''));
  const ders = pems.map((p) => execFileSync('openssl', ['x509', '-outform', 'DER'], { input: p }));
  const openssl = execFileSync('openssl', ['crl2pkcs7', '-nocrl', '-certfile', join(dir, 'certs.pem'), '-outform', 'DER']);
  const ours = encodeCertsOnly(ders);
  assert.equal(ours.toString('hex'), openssl.toString('hex'));
  assert.deepEqual(parseCertsOnly(ours).map((c) => Buffer.from(c).toString('hex')), ders.map((d) => d.toString('hex')));
});

test('parseCertsOnly refuses a SignedData with signers, a bare INTEGER, or another content type', () => {
  const oneSigner = Buffer.from(encodeCertsOnly([]).toString('hex').replace(/3100$/, '31023000').replace(/^3025/, '3027').replace('a0183016', 'a01a3018'), 'hex');
  assert.throws(() => parseCertsOnly(oneSigner), (e: unknown) => isPkiError(e) && e.code === 'BAD_DER' && /signerInfos must be empty/.test(e.message));
  assert.throws(() => parseCertsOnly(Buffer.from('3003020101', 'hex')), (e: unknown) => isPkiError(e) && e.code === 'BAD_DER');
  const data = Buffer.from(encodeCertsOnly([]).toString('hex').replace('06092a864886f70d010702', '06092a864886f70d010701'), 'hex');
  assert.throws(() => parseCertsOnly(data), (e: unknown) => isPkiError(e) && e.code === 'BAD_DER');
});

test('CsrAttrs: the libest default (challengePassword alone) and an attribute with a value round-trip', () => {
  assert.equal(encodeCsrAttrs([{ kind: 'oid', oid: '1.2.840.113549.1.9.7' }]).toString('base64'), 'MAsGCSqGSIb3DQEJBw==');
  // RFC 7030 4.5.2 example item: id-ecPublicKey with the curve secp384r1 as its value.
  const der = encodeCsrAttrs([{ kind: 'attribute', type: '1.2.840.10045.2.1', values: [Buffer.from('06052b81040022', 'hex')] }]);
  assert.equal(der.toString('hex'), '3014' + '3012' + '06072a8648ce3d0201' + '3107' + '06052b81040022');
  assert.deepEqual(parseCsrAttrs(der), [{ kind: 'attribute', type: '1.2.840.10045.2.1', values: [Buffer.from('06052b81040022', 'hex')] }]);
  assert.throws(() => parseCsrAttrs(Buffer.from('3004300206', 'hex')), (e: unknown) => isPkiError(e) && e.code === 'BAD_DER');
});
