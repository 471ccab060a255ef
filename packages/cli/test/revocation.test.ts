/**
 * Revocation through the `fleetpki` command: cert revoke and cert release-hold on the data
 * folder and through a running server, device revoke, and revoke by query (the dry run,
 * then --confirm). Certificates are issued over the REST API of a `fleetpki serve` child.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './support/hierarchy.js';
import { makeCsr, makeKey } from './support/peers.js';
import { cli, cliOk, type Ran } from './support/run.js';
import { startServer, stopServer, type Server } from './support/server.js';

interface CertView { serial: string; status: string; revocationReason: string | null; invalidityDate: string | null; attributes: Record<string, string> }

function assertFails(r: Ran, code: string): void {
  assert.equal(r.code, 1, `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  assert.match(r.stderr, new RegExp(`^error ${code}: [^\\n]+\\n$`));
}

describe('revocation through the CLI', { timeout: 120_000 }, () => {
  let dir: string;
  let data: string;
  let server: Server;
  let token: string;
  let csrPem: string;
  let csrFile: string;

  async function issue(deviceId: string, attributes?: Record<string, string>): Promise<string> {
    const r = await fetch(`${server.url}/api/v1/certificates`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ csr: csrPem, profile: 'device-operational', deviceId, ...(attributes ? { attributes } : {}) }),
    });
    assert.equal(r.status, 201);
    return ((await r.json()) as { serial: string }).serial;
  }

  const local = (args: readonly string[]) => cli([...args, '--data', data]);
  const get = async (serial: string): Promise<CertView> => JSON.parse((await cliOk(['cert', 'get', serial, '--data', data, '--json'])).stdout) as CertView;

  before(async () => {
    dir = tempDir('revocation');
    data = join(dir, 'data');
    server = await startServer(data, 'http://pki.example.test');
    token = readFileSync(join(data, 'admin-token'), 'utf8').trim();
    csrFile = await makeCsr(dir, 'device', await makeKey(dir, 'device'), { subject: '/CN=Device v' });
    csrPem = readFileSync(csrFile, 'utf8');
  });
  after(async () => {
    if (server) await stopServer(server, 'SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  it('cert revoke on the data folder: revoked with reason and invalidity date; twice is CERTIFICATE_ALREADY_REVOKED', async () => {
    const serial = await issue('d1');
    const r = await local(['cert', 'revoke', serial, '--reason', 'keyCompromise', '--invalidity-date', '2020-01-02T03:04:05Z', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const view = JSON.parse(r.stdout) as CertView;
    assert.deepEqual([view.serial, view.status, view.revocationReason, view.invalidityDate], [serial, 'revoked', 'keyCompromise', '2020-01-02T03:04:05.000Z']);
    assert.equal((await get(serial)).status, 'revoked');
    assertFails(await local(['cert', 'revoke', serial, '--reason', 'keyCompromise']), 'CERTIFICATE_ALREADY_REVOKED');
    assertFails(await local(['cert', 'revoke', await issue('d2'), '--reason', 'stolen']), 'REVOCATION_REASON_INVALID');
    assertFails(await local(['cert', 'revoke', '7f00ff', '--reason', 'superseded']), 'CERTIFICATE_NOT_FOUND');
    const usage = await local(['cert', 'revoke', serial, '--reason', 'superseded', '--invalidity-date', 'last week']);
    assert.equal(usage.code, 2, usage.stderr);
    const human = await local(['cert', 'revoke', await issue('d3'), '--reason', 'superseded']);
    assert.match(human.stdout, /^status: +revoked$/m);
    assert.match(human.stdout, /^reason: +superseded$/m);
  });

  it('cert revoke and release-hold through the server (--url, --token)', async () => {
    const serial = await issue('d4');
    const remote = (args: readonly string[]) => cli([...args, '--url', server.url, '--token', token, '--json']);
    const held = await remote(['cert', 'revoke', serial, '--reason', 'certificateHold']);
    assert.equal(held.code, 0, held.stderr);
    assert.deepEqual((({ status, revocationReason }) => [status, revocationReason])(JSON.parse(held.stdout) as CertView), ['revoked', 'certificateHold']);
    const released = await remote(['cert', 'release-hold', serial]);
    assert.equal(released.code, 0, released.stderr);
    assert.equal((JSON.parse(released.stdout) as CertView).status, 'issued');
    assertFails(await remote(['cert', 'release-hold', serial]), 'CERTIFICATE_NOT_ON_HOLD');
    assert.equal((await remote(['cert', 'revoke', serial, '--reason', 'superseded'])).code, 0);
    assertFails(await remote(['cert', 'revoke', serial, '--reason', 'superseded']), 'CERTIFICATE_ALREADY_REVOKED');
    assertFails(await cli(['cert', 'revoke', serial, '--reason', 'superseded', '--url', server.url, '--token', 'fpk_0000000000000000_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx']), 'UNAUTHENTICATED');
  });

  it('cert release-hold on the data folder; device revoke revokes every certificate of the device', async () => {
    const serials = [await issue('cam-9'), await issue('cam-9')];
    assert.equal((await local(['cert', 'revoke', serials[0]!, '--reason', 'certificateHold'])).code, 0);
    const released = await local(['cert', 'release-hold', serials[0]!, '--json']);
    assert.equal(released.code, 0, released.stderr);
    assert.equal((JSON.parse(released.stdout) as CertView).status, 'issued');
    const r = await local(['device', 'revoke', 'cam-9', '--reason', 'cessationOfOperation', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const result = JSON.parse(r.stdout) as { revoked: number; serials: string[] };
    assert.deepEqual([result.revoked, [...result.serials].sort()], [2, [...serials].sort()]);
    assertFails(await local(['device', 'revoke', 'cam-9', '--reason', 'cessationOfOperation']), 'CERTIFICATE_ALREADY_REVOKED');
    assertFails(await local(['device', 'revoke', 'nobody', '--reason', 'cessationOfOperation']), 'CERTIFICATE_NOT_FOUND');
  });

  it('revoke by query: the dry run changes nothing; --confirm revokes exactly what it matched', async () => {
    const b7 = [await issue('lot-1', { batch: 'B7' }), await issue('lot-2', { batch: 'B7' }), await issue('lot-2', { batch: 'B7' })];
    // Issued with `cert issue --attribute` on the data folder (the CA key from the folder's passphrase file).
    const viaCli = await cli(['cert', 'issue', '--data', data, '--csr', csrFile, '--profile', 'device-operational', '--device-id', 'lot-3',
      '--attribute', 'batch=B7', '--json'], { env: { FLEETPKI_CA_PASSPHRASE: undefined } });
    assert.equal(viaCli.code, 0, viaCli.stderr);
    b7.push((JSON.parse(viaCli.stdout) as { serial: string }).serial);
    assert.deepEqual((await get(b7[3]!)).attributes, { batch: 'B7' });
    const other = await issue('lot-4', { batch: 'B8' });
    const selection = ['revoke', '--ca', 'dev-issuing', '--attribute', 'batch=B7', '--reason', 'keyCompromise'];

    const human = await local(selection);
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /^dry run: nothing was revoked$/m);
    assert.match(human.stdout, /^certificates: +4$/m);
    assert.match(human.stdout, /^devices: +3$/m);
    assert.match(human.stdout, /--confirm fpr_[A-Za-z0-9_-]{43} before /);
    const dry = JSON.parse((await cliOk([...selection, '--data', data, '--json'])).stdout) as { count: number; sample: { serial: string }[]; confirmation: string };
    assert.deepEqual([dry.count, dry.sample.map((c) => c.serial)], [4, b7]);
    for (const s of b7) assert.equal((await get(s)).status, 'issued');

    assertFails(await local([...selection, '--confirm', `fpr_${'A'.repeat(43)}`]), 'REVOCATION_CONFIRMATION_INVALID');
    assertFails(await local(['revoke', '--attribute', 'batch=B7', '--reason', 'keyCompromise', '--confirm', dry.confirmation]), 'REVOCATION_CONFIRMATION_INVALID');
    const again = JSON.parse((await cliOk([...selection, '--data', data, '--json'])).stdout) as { confirmation: string };
    const run = await local([...selection, '--confirm', again.confirmation, '--json']);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual((({ previewed, revoked, alreadyRevoked }) => [previewed, revoked, alreadyRevoked])(JSON.parse(run.stdout) as Record<string, number>), [4, 4, 0]);
    for (const s of b7) assert.deepEqual((({ status, revocationReason }) => [status, revocationReason])(await get(s)), ['revoked', 'keyCompromise']);
    assert.equal((await get(other)).status, 'issued');
    assertFails(await local([...selection, '--confirm', again.confirmation]), 'REVOCATION_CONFIRMATION_INVALID');
    assertFails(await local(['revoke', '--reason', 'keyCompromise']), 'REQUEST_INVALID');
    assertFails(await local(['revoke', '--ca', 'dev-issuing', '--reason', 'lost']), 'REVOCATION_REASON_INVALID');
  });
});
