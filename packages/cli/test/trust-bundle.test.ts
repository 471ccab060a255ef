/**
 * `fleetpki trust bundle create|verify` end to end, and OpenSSL checking the bundles: a
 * root rollover from root A to root B, held by the device as a pin until then.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromPem } from '@fleetpki/core';
import { tempDir } from './support/hierarchy.js';
import { cli, cliOk, run, toolOk, type Ran } from './support/run.js';

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

function assertFails(r: Ran, code: string): void {
  assert.equal(r.code, 1, `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, new RegExp(`^error ${code}: [^\\n]+\\n$`));
}

interface Root { readonly dir: string; readonly cert: string; readonly der: Buffer; readonly label: string }

describe('trust bundles through the CLI', { timeout: 120_000 }, () => {
  let dir: string;
  let a: Root;
  let b: Root;
  let bundle: string;
  const makeRoot = async (name: string): Promise<Root> => {
    const rootDir = join(dir, name);
    await cliOk(['ca', 'init-root', '--out', rootDir, '--subject', `CN=${name},O=Example`]);
    const cert = join(rootDir, 'root.crt.pem');
    const der = fromPem(readFileSync(cert, 'latin1'), ['CERTIFICATE']);
    return { dir: rootDir, cert, der, label: `certificate sha256:${sha256(der)} (CN=${name},O=Example)` };
  };
  const create = (extra: readonly string[], out = join(dir, 'bundle.der')): Promise<Ran> =>
    cli(['trust', 'bundle', 'create', '--signer-cert', a.cert, '--signer-key', join(a.dir, 'root.key.pem'), '--out', out, ...extra]);

  before(async () => {
    dir = tempDir('trust');
    [a, b] = [await makeRoot('Root A'), await makeRoot('Root B')];
    bundle = join(dir, 'rollover.der');
    await cliOk(['trust', 'bundle', 'create', '--sequence', '1', '--not-before', '2020-01-01T00:00:00Z', '--issued-at', '2020-01-01T00:00:00Z',
      '--add', b.cert, '--retire', a.cert, '--root', a.dir, '--out', bundle]);
  });
  after(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

  it('verify: a device holding root A and a pin of root B applies the rollover and keeps only B', async () => {
    const storeOut = join(dir, 'store-1.json');
    const r = await cliOk(['trust', 'bundle', 'verify', '--bundle', bundle, '--trust', a.cert, '--trust', `sha256:${sha256(b.der)}`,
      '--at', '2030-01-01T00:00:00Z', '--store-out', storeOut, '--json']);
    assert.deepEqual(JSON.parse(r.stdout), {
      bundleSequence: 1, issuedAt: '2020-01-01T00:00:00.000Z', notBefore: '2020-01-01T00:00:00.000Z', signer: 'CN=Root A,O=Example',
      add: [b.label], retire: [a.label], verifiedAt: '2030-01-01T00:00:00.000Z', store: { sequence: 1, anchors: [b.label] }, storeOut,
    });
    assert.deepEqual(JSON.parse(readFileSync(storeOut, 'utf8')), {
      format: 'fleetpki-trust-store', version: 1, sequence: 1, anchors: [{ kind: 'certificate', der: b.der.toString('base64') }],
    });
    // Applied once, the same bundle is refused: A is no longer an anchor of the new store.
    assertFails(await cli(['trust', 'bundle', 'verify', '--bundle', bundle, '--trust', storeOut]), 'BUNDLE_SIGNER_UNTRUSTED');
  });

  it('openssl cms -verify accepts the bundle under root A and outputs exactly the signed content', async () => {
    const content = join(dir, 'content.der');
    const r = await toolOk('openssl', ['cms', '-verify', '-inform', 'DER', '-in', bundle, '-CAfile', a.cert, '-purpose', 'any', '-out', content]);
    assert.match(r.stderr, /^CMS Verification successful/);
    const c = readFileSync(content);
    // TrustBundleContent: SEQUENCE (long form), version 1, bundleSequence 1, issuedAt and notBefore 20200101000000Z, add [B], retire [A].
    const time = Buffer.from('180f32303230303130313030303030305a', 'hex');
    assert.equal(c.subarray(4, 10).toString('hex'), '020101020101');
    assert.deepEqual(c.subarray(10, 10 + 2 * time.length), Buffer.concat([time, time]));
    assert.ok(c.includes(b.der) && c.includes(a.der), 'both certificates are in the content');
    const other = await run('openssl', ['cms', '-verify', '-inform', 'DER', '-in', bundle, '-CAfile', b.cert, '-purpose', 'any', '-out', join(dir, 'x.der')]);
    assert.equal(other.code, 4, 'openssl refuses it under root B (signer certificate not trusted)');
  });

  it('a bundle OpenSSL signs (openssl cms -sign, its own signed attributes) verifies here', async () => {
    const content = join(dir, 'content-for-openssl.der');
    await toolOk('openssl', ['cms', '-verify', '-inform', 'DER', '-in', bundle, '-CAfile', a.cert, '-purpose', 'any', '-out', content]);
    const key = join(dir, 'root-a.key.pem');
    await toolOk('openssl', ['pkey', '-in', join(a.dir, 'root.key.pem'), '-passin', 'env:FLEETPKI_ROOT_PASSPHRASE', '-out', key],
      { env: { ...process.env, FLEETPKI_ROOT_PASSPHRASE: 'correct horse battery staple (root)' } });
    const theirs = join(dir, 'openssl-signed.der');
    await toolOk('openssl', ['cms', '-sign', '-binary', '-nodetach', '-in', content, '-econtent_type', '2.25.187186557921229349311616345953365212245',
      '-signer', a.cert, '-inkey', key, '-outform', 'DER', '-out', theirs]);
    const r = await cliOk(['trust', 'bundle', 'verify', '--bundle', theirs, '--trust', a.cert, '--trust', b.cert, '--json']);
    assert.deepEqual((JSON.parse(r.stdout) as { store: unknown }).store, { sequence: 1, anchors: [b.label] });
  });

  it('a changed byte: BUNDLE_SIGNATURE_INVALID here, and OpenSSL refuses it too', async () => {
    const der = readFileSync(bundle);
    const at = der.indexOf(Buffer.from('020101020101', 'hex'));
    assert.ok(at > 0);
    der[at + 5] = 2; // bundleSequence 1 -> 2 inside the signed content
    const tampered = join(dir, 'tampered.der');
    writeFileSync(tampered, der);
    assertFails(await cli(['trust', 'bundle', 'verify', '--bundle', tampered, '--trust', a.cert]), 'BUNDLE_SIGNATURE_INVALID');
    const r = await run('openssl', ['cms', '-verify', '-inform', 'DER', '-in', tampered, '-CAfile', a.cert, '-purpose', 'any', '-out', join(dir, 'x.der')]);
    assert.equal(r.code, 4);
    assert.match(r.stderr, /CMS_SignerInfo_verify_content:verification failure/);
  });

  it('signed by a root the store does not hold: BUNDLE_SIGNER_UNTRUSTED', async () => {
    assertFails(await cli(['trust', 'bundle', 'verify', '--bundle', bundle, '--trust', b.cert]), 'BUNDLE_SIGNER_UNTRUSTED');
  });

  it('a sequence not above the store\'s: BUNDLE_STALE', async () => {
    const store = join(dir, 'store-5.json');
    writeFileSync(store, JSON.stringify({ format: 'fleetpki-trust-store', version: 1, sequence: 5, anchors: [{ kind: 'certificate', der: a.der.toString('base64') }] }));
    const older = join(dir, 'seq-5.der');
    await cliOk(['trust', 'bundle', 'create', '--sequence', '5', '--not-before', '2020-01-01T00:00:00Z', '--add', `spki-sha256:${'ab'.repeat(32)}`, '--root', a.dir, '--out', older]);
    assertFails(await cli(['trust', 'bundle', 'verify', '--bundle', older, '--trust', store]), 'BUNDLE_STALE');
  });

  it('notBefore in the future: BUNDLE_NOT_YET_VALID; verified at notBefore it applies', async () => {
    const out = join(dir, 'future.der');
    const r = await create(['--sequence', '2', '--not-before', '2031-01-01T00:00:00+01:00', '--add', `sha256:${sha256(b.der)}`, '--json'], out);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { notBefore: string }).notBefore, '2030-12-31T23:00:00.000Z');
    assertFails(await cli(['trust', 'bundle', 'verify', '--bundle', out, '--trust', a.cert, '--at', '2030-12-31T22:59:59Z']), 'BUNDLE_NOT_YET_VALID');
    const ok = await cliOk(['trust', 'bundle', 'verify', '--bundle', out, '--trust', a.cert, '--at', '2030-12-31T23:00:00Z']);
    assert.match(ok.stdout, /^resulting store \(sequence 2\):\n {2}certificate sha256:[0-9a-f]{64} \(CN=Root A,O=Example\)\n {2}sha256:[0-9a-f]{64}\n$/m);
  });

  it('retiring the only anchor: BUNDLE_WOULD_EMPTY_STORE', async () => {
    const out = join(dir, 'empty.der');
    assert.equal((await create(['--sequence', '3', '--not-before', '2020-01-01T00:00:00Z', '--retire', a.cert], out)).code, 0);
    assertFails(await cli(['trust', 'bundle', 'verify', '--bundle', out, '--trust', a.cert]), 'BUNDLE_WOULD_EMPTY_STORE');
  });

  it('create: another root\'s key is BUNDLE_SIGNER_MISMATCH, a wrong passphrase KEY_UNAVAILABLE, bad flags exit 2', async () => {
    const key = join(b.dir, 'root.key.pem');
    const common = ['trust', 'bundle', 'create', '--sequence', '1', '--not-before', '2020-01-01T00:00:00Z', '--out', join(dir, 'never.der')];
    assertFails(await cli([...common, '--signer-cert', a.cert, '--signer-key', key]), 'BUNDLE_SIGNER_MISMATCH');
    assertFails(await cli([...common, '--root', a.dir], { env: { FLEETPKI_ROOT_PASSPHRASE: 'not the root passphrase' } }), 'KEY_UNAVAILABLE');
    assert.throws(() => readFileSync(join(dir, 'never.der')));
    for (const bad of [['--not-before', '2020-01-01'], ['--add', 'sha256:abcd'], ['--sequence', '0']]) {
      const r = await cli(['trust', 'bundle', 'create', '--sequence', '1', '--not-before', '2020-01-01T00:00:00Z', '--root', a.dir, '--out', join(dir, 'never.der'), ...bad]);
      assert.equal(r.code, 2, `${bad.join(' ')}: ${r.stderr}`);
    }
  });
});
