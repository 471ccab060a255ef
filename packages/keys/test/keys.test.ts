import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServiceError } from '@fleetpki/ca';
import { KEY_TYPES, parseSpkiDer } from '@fleetpki/core';
import { generatePrivateKey, Pkcs8KeyVault, readEncryptedKeyFile, resolvePassphrase, softwareSigner, writeEncryptedKeyFile } from '../src/index.js';

const PASS = 'correct horse battery staple';
const codeOf = async (fn: () => unknown): Promise<string> => { try { await fn(); } catch (e) { return (e as ServiceError).code; } return 'NO_ERROR'; };

test('every key type signs with the algorithm that matches it', async () => {
  const expected = { 'ecdsa-p256': 'ecdsa-with-SHA256', 'ecdsa-p384': 'ecdsa-with-SHA384', ed25519: 'Ed25519', rsa: 'sha256WithRSAEncryption' };
  for (const kt of KEY_TYPES) {
    const signer = softwareSigner(generatePrivateKey(kt));
    assert.equal(signer.algorithm, expected[kt]);
    assert.equal(parseSpkiDer(signer.publicKeyDer).keyType, kt);
    const sig = await signer.sign(Buffer.from('tbs'));
    const hash = kt === 'ed25519' ? null : kt === 'ecdsa-p384' ? 'sha384' : 'sha256';
    assert.equal(verify(hash, Buffer.from('tbs'), createPublicKey({ key: Buffer.from(signer.publicKeyDer), format: 'der', type: 'spki' }), sig), true);
  }
});

test('the vault stores only encrypted PKCS#8 and reopens it with the passphrase', async () => {
  const vault = new Pkcs8KeyVault(PASS);
  const { key, signer } = await vault.generate('ecdsa-p256');
  assert.equal(key.kind, 'pkcs8-encrypted');
  assert.match(key.data, /BEGIN ENCRYPTED PRIVATE KEY/);
  assert.doesNotMatch(key.data, /BEGIN PRIVATE KEY|BEGIN EC PRIVATE KEY/);
  const reopened = await new Pkcs8KeyVault(PASS).open(key);
  assert.deepEqual(Buffer.from(reopened.publicKeyDer), Buffer.from(signer.publicKeyDer));
  assert.equal(await codeOf(() => new Pkcs8KeyVault('wrong passphrase!!').open(key)), 'KEY_UNAVAILABLE');
  assert.equal(await codeOf(() => new Pkcs8KeyVault(PASS).open({ kind: 'pkcs11', data: 'x' })), 'KEY_UNAVAILABLE');
});

test('RSA-PSS keys keep their algorithm across reopen', async () => {
  const vault = new Pkcs8KeyVault(PASS);
  const { key } = await vault.generate('rsa', { rsaPss: true });
  assert.equal((await new Pkcs8KeyVault(PASS).open(key)).algorithm, 'RSASSA-PSS-SHA256');
});

test('a short passphrase is refused', async () => {
  assert.equal(await codeOf(() => new Pkcs8KeyVault('short').generate('ed25519')), 'REQUEST_INVALID');
});

test('key files are 0600, encrypted, and never overwritten', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fleetpki-keys-'));
  const path = join(dir, 'root.key.pem');
  const key = generatePrivateKey('ecdsa-p384');
  writeEncryptedKeyFile(path, key, PASS);
  assert.equal(statSync(path).mode & 0o777, 0o600);
  assert.match(readFileSync(path, 'utf8'), /^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
  assert.equal(readEncryptedKeyFile(path, PASS).asymmetricKeyType, 'ec');
  assert.throws(() => writeEncryptedKeyFile(path, key, PASS), (e: ServiceError) => e.code === 'REQUEST_INVALID');
  assert.throws(() => readEncryptedKeyFile(path, 'not the passphrase'), (e: ServiceError) => e.code === 'KEY_UNAVAILABLE');
});

test('passphrase sources: file first, then environment, then prompt', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fleetpki-pass-'));
  const file = join(dir, 'p');
  writeFileSync(file, 'from-file-passphrase\nsecond line');
  assert.equal(await resolvePassphrase('root', { file, env: { P: 'from-env' }, envName: 'P' }), 'from-file-passphrase');
  assert.equal(await resolvePassphrase('root', { env: { P: 'from-env' }, envName: 'P' }), 'from-env');
  assert.equal(await resolvePassphrase('root', { env: {}, envName: 'P', prompt: async (q) => `typed for ${q}` }), 'typed for Passphrase for root: ');
  assert.equal(await codeOf(() => resolvePassphrase('root', { env: {}, envName: 'P' })), 'REQUEST_INVALID');
});
