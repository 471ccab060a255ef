/**
 * `fleetpki serve`: --check-config, the first start on an empty folder (development
 * hierarchy with its delegated OCSP signer), issuance through the REST API with
 * `cert issue --url`, and a clean shutdown on SIGTERM.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toPem } from '@fleetpki/core';
import { loadConfig, openDeployment } from '@fleetpki/server';
import { tempDir } from './support/hierarchy.js';
import { makeCsr, makeKey, opensslVerify, x509Text } from './support/peers.js';
import { cli, cliOk } from './support/run.js';
import { closedPort, startServer, stopServer, type Server } from './support/server.js';

const DEV_PUBLIC_URL = 'http://pki.dev.example';

describe('serve --check-config', { timeout: 60_000 }, () => {
  let dir: string;
  before(() => { dir = tempDir('check'); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('lists every problem of a bad config.json, exits 1, and creates nothing', async () => {
    const data = join(dir, 'data');
    mkdirSync(data);
    writeFileSync(join(data, 'config.json'), JSON.stringify({
      listen: { port: 99999, hots: 'x' }, database: { kind: 'mysql' }, logLevel: 'loud', identity: { deviceNamespace: 'Not A Host' }, colour: 'blue',
    }));
    const r = await cli(['serve', '--data', data, '--check-config']);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines[0], 'error CONFIG_INVALID: invalid configuration:');
    for (const path of ['/colour', '/listen/hots', '/listen/port', '/database', '/logLevel', '/identity/deviceNamespace']) {
      assert.ok(lines.some((l) => l.trimStart().startsWith(`${path}:`)), `${path} missing from:\n${r.stderr}`);
    }
    assert.deepEqual(readdirSync(data), ['config.json']);
  });

  it('reports a file that is not JSON, and a bad --listen', async () => {
    const file = join(dir, 'broken.json');
    writeFileSync(file, '{ "listen": ');
    const broken = await cli(['serve', '--config', file, '--check-config']);
    assert.equal(broken.code, 1);
    assert.match(broken.stderr, /^error CONFIG_INVALID: invalid configuration:\n\s+.*broken\.json: /);
    const listen = await cli(['serve', '--data', join(dir, 'none'), '--listen', 'nowhere', '--check-config']);
    assert.equal(listen.code, 1);
    assert.match(listen.stderr, /listen: "nowhere" is not HOST:PORT/);
  });

  it('accepts a good configuration and prints what it resolved, without side effects', async () => {
    const data = join(dir, 'good');
    const r = await cliOk(['serve', '--data', data, '--listen', '127.0.0.1:9443', '--public-url', 'https://pki.example.com', '--check-config', '--json']);
    const summary = JSON.parse(r.stdout) as { valid: boolean; listen: string; publicUrl: string; database: string };
    assert.deepEqual([summary.valid, summary.listen, summary.publicUrl, summary.database], [true, '127.0.0.1:9443', 'https://pki.example.com', 'sqlite']);
    assert.equal(existsSync(data), false);
  });
});

describe('serve on an empty data folder, and cert issue through it', { timeout: 120_000 }, () => {
  let dir: string;
  let data: string;
  let server: Server;
  let token: string;
  let csr: string;
  let stopped: { code: number | null; stderr: string } | null = null;
  const remote = (extra: readonly string[], tokenValue = token) =>
    cli(['cert', 'issue', '--csr', csr, ...extra], { env: { FLEETPKI_URL: server.url, FLEETPKI_TOKEN: tokenValue } });

  before(async () => {
    dir = tempDir('serve');
    data = join(dir, 'data');
    server = await startServer(data, DEV_PUBLIC_URL);
    token = readFileSync(join(data, 'admin-token'), 'utf8').trim();
    csr = await makeCsr(dir, 'device', await makeKey(dir, 'device'), { subject: '/CN=Device r' });
  });
  after(async () => {
    if (server && !stopped) await stopServer(server, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('the first start creates the development hierarchy and prints the admin token once', () => {
    assert.match(server.stdout, /Created a development CA hierarchy/);
    assert.ok(server.stdout.includes(`Admin API token (shown once; also in ${join(data, 'admin-token')}): ${token}`));
    assert.match(server.stdout, /Root dev-root SHA-256 fingerprint: ([0-9A-F]{2}:){31}[0-9A-F]{2}/);
  });

  it('cert issue --url issues through the REST API; the chain verifies with openssl', async () => {
    const leaf = join(dir, 'remote.crt.pem');
    const chain = join(dir, 'remote.chain.pem');
    const r = await remote(['--profile', 'device-operational', '--device-id', 'r1', '--out', leaf, '--chain-out', chain, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const issued = JSON.parse(r.stdout) as { ca: string; deviceId: string; chain: string[] };
    assert.deepEqual([issued.ca, issued.deviceId, issued.chain.length], ['dev-issuing', 'r1', 2]);
    const v = await opensslVerify(join(data, 'dev-root', 'root.crt.pem'), chain, leaf, ['-purpose', 'sslclient']);
    assert.equal(v.stdout.trim(), `${leaf}: OK`, v.stderr);
    assert.match(await x509Text(leaf), /URI:device:\/\/devices\.fleetpki\.local\/r1/);
  });

  it('refusals through the API keep their codes: PROFILE_NOT_FOUND, UNAUTHENTICATED, REMOTE_UNREACHABLE', async () => {
    const unknown = await remote(['--profile', 'no-such-profile']);
    assert.deepEqual([unknown.code, unknown.stdout], [1, '']);
    assert.match(unknown.stderr, /^error PROFILE_NOT_FOUND: /);
    const badToken = await remote(['--profile', 'device-operational'], 'fpk_0000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    assert.match(badToken.stderr, /^error UNAUTHENTICATED: /);
    const port = await closedPort();
    const down = await cli(['cert', 'issue', '--csr', csr, '--profile', 'short-lived', '--url', `http://127.0.0.1:${port}`, '--token', token]);
    assert.equal(down.code, 1);
    assert.equal(down.stderr, `error REMOTE_UNREACHABLE: http://127.0.0.1:${port}/api/v1/certificates: ECONNREFUSED\n`);
  });

  it('a short-lived certificate carries no OCSP URL and says no revocation is available', async () => {
    const leaf = join(dir, 'short.crt.pem');
    const r = await remote(['--profile', 'short-lived', '--validity', '1h', '--out', leaf]);
    assert.equal(r.code, 0, r.stderr);
    const text = await x509Text(leaf);
    assert.doesNotMatch(text, /OCSP - URI/);
    assert.doesNotMatch(text, /CRL Distribution Points/);
    assert.match(text, new RegExp(`Authority Information Access: \\n\\s+CA Issuers - URI:${DEV_PUBLIC_URL}/ca/dev-issuing.crt\\n`));
    assert.match(text, /X509v3 No Revocation Available:/);
  });

  it('SIGTERM closes the server and exits 0', async () => {
    const code = await stopServer(server, 'SIGTERM');
    stopped = { code, stderr: server.stderr };
    assert.equal(code, 0, server.stderr);
    assert.match(server.stderr, /SIGTERM: closing the server/);
  });

  it('the development OCSP signer has OCSP Signing, OCSP No Check, and chains to the dev root', async () => {
    assert.ok(stopped, 'runs after the server stopped');
    // The data folder's generated passphrase opens it (openDeployment reads data/ca-passphrase).
    const env = {};
    const d = await openDeployment({ config: loadConfig({ data }, env), env, initialize: false });
    let pem: string;
    try {
      const [signer] = await d.store.listDelegatedSigners('dev-issuing');
      pem = toPem('CERTIFICATE', signer!.certificateDer);
    } finally {
      await d.close();
    }
    const file = join(dir, 'ocsp-signer.crt.pem');
    writeFileSync(file, pem);
    const text = await x509Text(file);
    assert.match(text, /X509v3 Extended Key Usage: \n\s+OCSP Signing\n/);
    assert.match(text, /OCSP No Check:/);
    assert.match(text, /X509v3 Key Usage: critical\n\s+Digital Signature\n/);
    const issuing = join(dir, 'dev-issuing.crt.pem');
    writeFileSync(issuing, (await cliOk(['ca', 'show', 'dev-issuing', '--data', data, '--pem'], { env: { FLEETPKI_CA_PASSPHRASE: undefined } })).stdout);
    const v = await opensslVerify(join(data, 'dev-root', 'root.crt.pem'), issuing, file, ['-purpose', 'ocsphelper']);
    assert.equal(v.stdout.trim(), `${file}: OK`, v.stderr);
  });
});
