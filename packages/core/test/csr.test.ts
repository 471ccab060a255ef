import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromPem, parseAndVerifyCsr, parseCsr, PkiError } from '../src/index.js';
import { csrFor, keyPair, testSigner } from './helpers.js';

const codeOf = async (fn: () => unknown): Promise<string> => { try { await fn(); } catch (e) { if (e instanceof PkiError) return e.code; throw e; } return 'NO_ERROR'; };

test('CSRs of every supported key type parse and verify', async () => {
  for (const kind of ['p256', 'p384', 'ed25519', 'rsa2048'] as const) {
    const csr = await parseAndVerifyCsr(await csrFor(kind, 'CN=dev-1'));
    assert.equal(csr.subject[0]![0]!.value, 'dev-1');
  }
});

test('an RSA-PSS signed CSR verifies', async () => {
  const csr = await parseAndVerifyCsr(await csrFor(testSigner(keyPair('rsa2048'), 'RSASSA-PSS-SHA256')));
  assert.equal(csr.signatureAlgorithm.algorithm.name, 'RSASSA-PSS-SHA256');
  assert.deepEqual(csr.signatureAlgorithm.pss, { hash: 'sha256', saltLength: 32 });
});

test('a tampered CSR fails proof of possession with CSR_SIGNATURE_INVALID', async () => {
  const der = await csrFor('p256', 'CN=dev-1');
  const i = der.indexOf(Buffer.from('dev-1'));
  der[i] = 'x'.charCodeAt(0);
  assert.equal(await codeOf(() => parseAndVerifyCsr(der)), 'CSR_SIGNATURE_INVALID');
});

test('a CSR signed with another key fails with CSR_SIGNATURE_INVALID', async () => {
  const a = keyPair('p256');
  const b = keyPair('p256');
  const liar = { ...testSigner(b, 'ecdsa-with-SHA256'), publicKeyDer: a.publicKey.export({ format: 'der', type: 'spki' }) };
  const der = await csrFor(liar);
  assert.equal(await codeOf(() => parseAndVerifyCsr(der)), 'CSR_SIGNATURE_INVALID');
});

test('weak and unsupported keys are refused with stable codes', async () => {
  assert.equal(await codeOf(() => parseCsr(Buffer.alloc(0))), 'BAD_DER');
  const weak = await csrFor('rsa1024');
  assert.equal(await codeOf(() => parseCsr(weak)), 'WEAK_KEY');
  const p521 = await csrFor('p521');
  assert.equal(await codeOf(() => parseCsr(p521)), 'UNSUPPORTED_KEY');
  const k1 = await csrFor('secp256k1');
  assert.equal(await codeOf(() => parseCsr(k1)), 'UNSUPPORTED_KEY');
});

test('SHA-1 and MD5 signatures are refused with WEAK_ALGORITHM (CSR made by openssl)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fleetpki-csr-'));
  execFileSync('openssl', ['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-sha1', '-subj', '/CN=old', '-keyout', join(dir, 'k'), '-out', join(dir, 'r')], { stdio: 'ignore' });
  const der = fromPem(readFileSync(join(dir, 'r'), 'utf8'), ['CERTIFICATE REQUEST']);
  assert.equal(await codeOf(() => parseCsr(der)), 'WEAK_ALGORITHM');
});

test('truncated DER at every length is BAD_DER, never a crash', async () => {
  const der = await csrFor('p256', 'CN=dev-1', [{ type: 'dns', value: 'a.example.com' }]);
  for (let n = 0; n < der.length; n++) {
    assert.equal(await codeOf(() => parseCsr(der.subarray(0, n))), 'BAD_DER', `length ${n}`);
  }
});

test('an oversized CSR is INPUT_TOO_LARGE before parsing', async () => {
  assert.equal(await codeOf(() => parseCsr(Buffer.alloc(70_000, 0x30))), 'INPUT_TOO_LARGE');
});

test('CSRs from openssl with DNS and IP SANs parse', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fleetpki-csr-'));
  execFileSync('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', '/CN=gw',
    '-addext', 'subjectAltName=DNS:gw.example.com,IP:192.0.2.1,IP:2001:db8::1', '-keyout', join(dir, 'k'), '-out', join(dir, 'r')], { stdio: 'ignore' });
  const csr = await parseAndVerifyCsr(fromPem(readFileSync(join(dir, 'r'), 'utf8'), ['CERTIFICATE REQUEST']));
  assert.deepEqual(csr.subjectAltNames, [{ type: 'dns', value: 'gw.example.com' }, { type: 'ip', value: '192.0.2.1' }, { type: 'ip', value: '2001:db8:0:0:0:0:0:1' }]);
});

test('an EC point off the curve is UNSUPPORTED_KEY, found when the key is imported', async () => {
  const k = keyPair('p256');
  const spki = Buffer.from(k.publicKey.export({ format: 'der', type: 'spki' }));
  spki[spki.length - 1] = spki[spki.length - 1]! ^ 0x01; // y no longer matches x
  const liar = { ...testSigner(k, 'ecdsa-with-SHA256'), publicKeyDer: spki };
  const der = await csrFor(liar);
  assert.equal(await codeOf(() => parseCsr(der)), 'NO_ERROR');
  assert.equal(await codeOf(() => parseAndVerifyCsr(der)), 'UNSUPPORTED_KEY');
});
