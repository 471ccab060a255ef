/**
 * Failures as a script sees them: exit 1 with one line `error <CODE>: <message>` on
 * stderr and nothing on stdout, or exit 2 for a usage error. Codes are the stable ones
 * from the domain's tables (docs/errors.md).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildHierarchy, tempDir, type Hierarchy } from './support/hierarchy.js';
import { makeCsr, makeKey } from './support/peers.js';
import { cli, cliOk, type Ran } from './support/run.js';

/** Exit 1, nothing on stdout, exactly one error line with `code`. */
function assertFails(r: Ran, code: string): void {
  assert.equal(r.code, 1, `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, new RegExp(`^error ${code}: [^\\n]+\\n$`));
}

function assertUsage(r: Ran, pattern: RegExp): void {
  assert.equal(r.code, 2, `exit ${r.code}\nstderr: ${r.stderr}`);
  assert.match(r.stderr, pattern);
}

describe('errors and exit codes', { timeout: 120_000 }, () => {
  let h: Hierarchy;
  let csr: string;
  const issue = (extra: readonly string[], env?: Record<string, string | undefined>): Promise<Ran> =>
    cli(['cert', 'issue', '--data', h.data, '--csr', csr, '--profile', 'device-operational', '--ca', h.manufacturer, ...extra], env ? { env } : {});

  before(async () => {
    h = await buildHierarchy(tempDir('errors'));
    csr = await makeCsr(h.dir, 'device', await makeKey(h.dir, 'device'), { subject: '/CN=Device e' });
  });
  after(() => { if (h) rmSync(h.dir, { recursive: true, force: true }); });

  it('a wrong CA passphrase: KEY_UNAVAILABLE', async () => {
    assertFails(await issue(['--device-id', 'e1'], { FLEETPKI_CA_PASSPHRASE: 'not the passphrase at all' }), 'KEY_UNAVAILABLE');
  });

  it('a wrong root passphrase at the ceremony: KEY_UNAVAILABLE, and nothing written', async () => {
    const out = join(h.dir, 'never.pem');
    const r = await cli(['ca', 'sign', '--root', h.rootDir, '--csr', h.issuingCsr, '--out', out], { env: { FLEETPKI_ROOT_PASSPHRASE: 'not the root passphrase' } });
    assertFails(r, 'KEY_UNAVAILABLE');
    assert.throws(() => readFileSync(out));
  });

  it('a CSR file that is not DER: BAD_DER; broken PEM armour: BAD_PEM; a missing file: FILE_UNREADABLE', async () => {
    const garbage = join(h.dir, 'garbage.csr');
    writeFileSync(garbage, 'this is not a certificate request\n');
    assertFails(await cli(['cert', 'issue', '--data', h.data, '--csr', garbage, '--profile', 'device-operational']), 'BAD_DER');
    const badPem = join(h.dir, 'bad-base64.csr');
    writeFileSync(badPem, '-----BEGIN CERTIFICATE REQUEST-----\nnot*base64*at*all\n-----END CERTIFICATE REQUEST-----\n');
    assertFails(await cli(['cert', 'issue', '--data', h.data, '--csr', badPem, '--profile', 'device-operational']), 'BAD_PEM');
    const truncated = join(h.dir, 'truncated.csr');
    const body = readFileSync(csr, 'utf8').split('\n').filter((l) => l && !l.startsWith('-----')).join('');
    writeFileSync(truncated, `-----BEGIN CERTIFICATE REQUEST-----\n${body.slice(0, 40)}\n-----END CERTIFICATE REQUEST-----\n`);
    assertFails(await cli(['cert', 'issue', '--data', h.data, '--csr', truncated, '--profile', 'device-operational']), 'BAD_DER');
    assertFails(await cli(['cert', 'issue', '--data', h.data, '--csr', join(h.dir, 'missing.csr'), '--profile', 'device-operational']), 'FILE_UNREADABLE');
  });

  it('ca sign checks the proof of possession: a CSR whose signature does not verify is CSR_SIGNATURE_INVALID', async () => {
    const der = Buffer.from(readFileSync(h.issuingCsr, 'utf8').split('\n').filter((l) => l && !l.startsWith('-----')).join(''), 'base64');
    der[der.length - 1]! ^= 0x01; // last octet of the ECDSA signature's s: still DER, no longer valid
    const forged = join(h.dir, 'forged.csr.pem');
    writeFileSync(forged, `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`);
    const out = join(h.dir, 'forged.crt.pem');
    assertFails(await cli(['ca', 'sign', '--root', h.rootDir, '--csr', forged, '--out', out]), 'CSR_SIGNATURE_INVALID');
    assert.throws(() => readFileSync(out));
  });

  it('an unknown profile: PROFILE_NOT_FOUND', async () => {
    const r = await cli(['cert', 'issue', '--data', h.data, '--csr', csr, '--profile', 'no-such-profile']);
    assertFails(r, 'PROFILE_NOT_FOUND');
  });

  it('a manufacturer CA with --quota 2 issues two certificates and refuses the third with QUOTA_EXCEEDED', async () => {
    await cliOk(['ca', 'create-manufacturer', '--data', h.data, '--name', 'cm2', '--parent', h.issuing, '--subject', 'CN=Fabrikam Device CA,O=Example',
      '--manufacturer', 'Fabrikam', '--namespace', 'cm2.devices.example.com', '--quota', '2']);
    const at = (id: string): Promise<Ran> => cli(['cert', 'issue', '--data', h.data, '--csr', csr, '--profile', 'device-operational', '--ca', 'cm2', '--device-id', id]);
    assert.equal((await at('q1')).code, 0);
    assert.equal((await at('q2')).code, 0);
    const third = await at('q3');
    assertFails(third, 'QUOTA_EXCEEDED');
    const found = JSON.parse((await cliOk(['cert', 'search', '--data', h.data, '--ca', 'cm2', '--json'])).stdout) as { items: { deviceId: string; status: string }[] };
    assert.deepEqual(found.items.map((i) => [i.deviceId, i.status]).sort(), [['q1', 'issued'], ['q2', 'issued']]);
    const cm2 = JSON.parse((await cliOk(['ca', 'show', 'cm2', '--data', h.data, '--json'])).stdout) as { quota: number; issuedCount: number };
    assert.deepEqual([cm2.issuedCount, cm2.quota], [2, 2]);
  });

  it('a data folder that does not exist: DATA_NOT_FOUND, and it is not created', async () => {
    const missing = join(h.dir, 'no-such-data');
    assertFails(await cli(['ca', 'list', '--data', missing]), 'DATA_NOT_FOUND');
    assert.throws(() => readFileSync(join(missing, 'fleetpki.db')));
  });

  it('no CA passphrase and no terminal: PASSPHRASE_MISSING for commands that sign; read-only commands need none', async () => {
    assertFails(await issue(['--device-id', 'e2'], { FLEETPKI_CA_PASSPHRASE: undefined }), 'PASSPHRASE_MISSING');
    const listed = await cli(['ca', 'list', '--data', h.data, '--json'], { env: { FLEETPKI_CA_PASSPHRASE: undefined } });
    assert.equal(listed.code, 0, listed.stderr);
  });

  it('a root passphrase shorter than the minimum is refused before any file is written', async () => {
    const dir = join(h.dir, 'short-root');
    assertFails(await cli(['ca', 'init-root', '--out', dir, '--subject', 'CN=Short'], { env: { FLEETPKI_ROOT_PASSPHRASE: 'short' } }), 'PASSPHRASE_TOO_SHORT');
    assert.throws(() => readFileSync(join(dir, 'root.key.pem')));
  });

  it('usage errors exit 2: unknown option, missing option, bad duration, bad choice, bad subcommand', async () => {
    assertUsage(await cli(['ca', 'list', '--data', h.data, '--colour']), /error: unknown option '--colour'/);
    assertUsage(await cli(['cert', 'issue', '--data', h.data, '--csr', csr]), /error: required option '--profile <name>' not specified/);
    assertUsage(await cli(['cert', 'issue', '--data', h.data, '--csr', csr, '--profile', 'p', '--validity', 'forever']), /--validity.*expected a duration/);
    assertUsage(await cli(['ca', 'init-root', '--out', 'x', '--subject', 'CN=x', '--key-type', 'dsa']), /Allowed choices are ecdsa-p256, ecdsa-p384, ed25519, rsa/);
    assertUsage(await cli(['ca', 'frobnicate']), /error: unknown command 'frobnicate'/);
    assertUsage(await cli(['cert', 'issue', '--csr', csr, '--profile', 'p', '--url', 'http://127.0.0.1:1']), /--token or FLEETPKI_TOKEN/);
  });

  it('--help and --version exit 0', async () => {
    const help = await cli(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Usage: fleetpki/);
    assert.equal((await cli(['--version'])).code, 0);
  });
});

describe('docs/errors.md', () => {
  it('lists every code only the CLI prints, and only those', async () => {
    const { CLI_ERRORS } = await import('../src/errors.js');
    const doc = readFileSync(new URL('../../../../docs/errors.md', import.meta.url), 'utf8');
    const documented = [...doc.matchAll(/^\| `([A-Z0-9_]+)` \(CLI\) \|/gm)].map((m) => m[1]);
    assert.deepEqual(documented.sort(), [...Object.keys(CLI_ERRORS), 'CONFIG_INVALID'].sort());
  });

  it('lists every path validation and trust bundle code, and only those', async () => {
    const { PATH_ERROR_CODES, TRUST_ERROR_CODES } = await import('@fleetpki/core');
    const doc = readFileSync(new URL('../../../../docs/errors.md', import.meta.url), 'utf8');
    const listed = (kind: string) => [...doc.matchAll(new RegExp(`^\\| \`([A-Z0-9_]+)\` \\(${kind}\\) \\|`, 'gm'))].map((m) => m[1]).sort();
    assert.deepEqual(listed('path'), [...PATH_ERROR_CODES].sort());
    assert.deepEqual(listed('trust'), [...TRUST_ERROR_CODES].sort());
    const { MANIFEST_ERROR_CODES } = await import('@fleetpki/core');
    assert.deepEqual(listed('manifest'), [...MANIFEST_ERROR_CODES].sort());
  });
});
