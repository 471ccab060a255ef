/**
 * Revocation judged by peers nobody here wrote, against a real `serve` process on
 * 127.0.0.1:0: `openssl ocsp` (POST with and without nonce; the GET form nginx uses for
 * stapling, checked with -respin), `openssl crl -verify`, `openssl verify -crl_check`
 * (and -use_deltas with full + delta), GnuTLS certtool --verify-crl / --verify --load-crl,
 * GnuTLS ocsptool --ask, and Mosquitto refusing a revoked device after its CRL is
 * refreshed. Every peer run is bounded in time.
 */
import { after, before, describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEV_NAMES } from '@fleetpki/ca';
import { toPem } from '@fleetpki/core';
import { openDeployment, parseConfig, type Deployment } from '../src/index.js';
import { run, type Ran } from './status-support.js';
import { startServer } from './real-server.js';

const CA = DEV_NAMES.issuing;

const hasTool = (name: string): boolean => spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;

/** GnuTLS and Mosquitto are Debian packages: missing in CI is a failure, elsewhere a loud skip. */
function requireTool(t: TestContext, name: string, pkg: string): boolean {
  if (hasTool(name)) return true;
  const message = `${name} is not installed (apt-get install ${pkg}): NOT TESTED`;
  if (process.env['CI'] === 'true') throw new Error(message);
  process.stderr.write(`\n!!! ${message}\n\n`);
  t.skip(message);
  return false;
}

const out = (r: Ran): string => `${r.stdout}${r.stderr}`;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => { const a = s.address(); const p = typeof a === 'object' && a ? a.port : 0; s.close(() => resolve(p)); });
  });
}

describe('revocation against peers (real server process)', { timeout: 180_000 }, () => {
  let dir: string;
  let server: { child: ChildProcess; url: string };
  let token: string;
  const f = (name: string): string => join(dir, name);
  const write = (name: string, text: string | Uint8Array): string => { writeFileSync(f(name), text); return f(name); };

  async function api(path: string, body: unknown): Promise<Record<string, unknown>> {
    const r = await fetch(`${server.url}/api/v1${path}`, {
      method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(10_000),
    });
    const j = (await r.json()) as Record<string, unknown>;
    assert.ok(r.status < 300, `${path}: ${r.status} ${JSON.stringify(j)}`);
    return j;
  }

  /** A key and certificate made from an openssl CSR; returns the PEM paths. */
  async function issue(name: string, profile: string, deviceId: string | null, san?: string): Promise<{ cert: string; key: string; serial: string }> {
    const key = f(`${name}.key`);
    const args = ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-subj', `/CN=${name}`, '-out', f(`${name}.csr`)];
    if (san) args.push('-addext', `subjectAltName=${san}`);
    assert.equal((await run('openssl', args)).code, 0);
    const j = await api('/certificates', { csr: readFileSync(f(`${name}.csr`), 'utf8'), profile, ...(deviceId ? { deviceId } : {}) });
    return { cert: write(`${name}.pem`, j['certificate'] as string), key, serial: j['serial'] as string };
  }

  async function getBytes(path: string): Promise<Buffer> {
    const r = await fetch(`${server.url}${path}`, { signal: AbortSignal.timeout(10_000) });
    assert.equal(r.status, 200, path);
    return Buffer.from(await r.arrayBuffer());
  }

  /** Opens the same data folder in this process (SQLite WAL) to publish a fresh full CRL, as the timer would. */
  async function publishFull(): Promise<void> {
    const config = parseConfig({ dataDir: dir, listen: { port: 0 }, logLevel: 'silent', publicUrl: server.url });
    const d: Deployment = await openDeployment({ config, env: {}, initialize: false });
    try { await d.ca.crls.publish(CA, 'full'); await d.ca.crls.publish(CA, 'delta'); } finally { await d.close(); }
  }

  async function crlPem(name: string, file: string): Promise<string> {
    return write(name, toPem('X509 CRL', await getBytes(`/crl/${file}`)));
  }

  let root: string;
  let issuing: string;
  let good: { cert: string; key: string; serial: string };
  let bad: { cert: string; key: string; serial: string };
  let oldFull: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fleetpki-peers-'));
    server = await startServer(dir);
    token = readFileSync(join(dir, 'admin-token'), 'utf8').trim();
    root = write('root.pem', readFileSync(join(dir, 'dev-root', 'root.crt.pem')));
    issuing = write('issuing.pem', toPem('CERTIFICATE', await getBytes(`/ca/${CA}.crt`)));
    write('chain.pem', readFileSync(issuing, 'utf8') + readFileSync(root, 'utf8'));
    good = await issue('good', 'device-operational', 'peer-good');
    bad = await issue('bad', 'device-operational', 'peer-bad');
    // The CRLs the server published at start (the full one is empty).
    for (let i = 0; i < 100; i++) { try { oldFull = await crlPem('old-full.pem', `${CA}.crl`); break; } catch { await sleep(100); } }
  });
  after(async () => {
    server?.child.kill('SIGTERM');
    await sleep(200);
    rmSync(dir, { recursive: true, force: true });
  });

  const ocsp = (cert: string, extra: readonly string[] = []) =>
    run('openssl', ['ocsp', '-issuer', issuing, '-cert', cert, '-url', `${server.url}/ocsp`, '-CAfile', root, '-timeout', '10', ...extra]);

  it('openssl ocsp over POST: good, then revoked with reason right after the revoke call, unknown; with and without nonce', async () => {
    for (const extra of [[], ['-no_nonce']]) {
      const r = await ocsp(good.cert, extra);
      assert.equal(r.code, 0, out(r));
      assert.match(r.stdout, /: good/);
      assert.match(r.stderr + r.stdout, /Response verify OK/);
      if (extra.length === 0) assert.doesNotMatch(out(r), /WARNING: no nonce/);
    }
    assert.match((await ocsp(bad.cert)).stdout, /: good/);
    await api(`/certificates/${bad.serial}/revoke`, { reason: 'keyCompromise' });
    for (const extra of [[], ['-no_nonce']]) {
      const r = await ocsp(bad.cert, extra);
      assert.equal(r.code, 0, out(r));
      assert.match(r.stdout, /: revoked/);
      assert.match(r.stdout, /Reason: keyCompromise/);
      assert.match(r.stdout, /Revocation Time: /);
      process.stdout.write(`# openssl ocsp ${extra.join(' ')} (revoked):\n${r.stdout.replace(/^/gm, '#   ')}\n`);
    }
    const unknown = await run('openssl', ['ocsp', '-issuer', issuing, '-serial', '0x7f0102030405060708090a0b', '-url', `${server.url}/ocsp`, '-CAfile', root, '-timeout', '10']);
    assert.equal(unknown.code, 0, out(unknown));
    assert.match(unknown.stdout, /: unknown/);
  });

  it('GET in the form nginx uses for stapling (DER, base64, URL-encoded in the path), checked with openssl ocsp -respin', async () => {
    for (const c of [good, bad]) {
      const req = f('req.der');
      assert.equal((await run('openssl', ['ocsp', '-issuer', issuing, '-cert', c.cert, '-no_nonce', '-reqout', req])).code, 0);
      const path = `/ocsp/${encodeURIComponent(readFileSync(req).toString('base64'))}`;
      const r = await fetch(`${server.url}${path}`, { signal: AbortSignal.timeout(10_000) });
      assert.equal(r.status, 200);
      assert.equal(r.headers.get('content-type'), 'application/ocsp-response');
      assert.match(r.headers.get('cache-control') ?? '', /max-age=\d+/);
      const resp = write('resp.der', Buffer.from(await r.arrayBuffer()));
      const v = await run('openssl', ['ocsp', '-respin', resp, '-issuer', issuing, '-cert', c.cert, '-CAfile', root, '-no_nonce']);
      assert.equal(v.code, 0, out(v));
      assert.match(v.stderr + v.stdout, /Response verify OK/);
      assert.match(v.stdout, c === good ? /: good/ : /: revoked/);
    }
    // curl, as a shell script would fetch it.
    if (hasTool('curl')) {
      const req = readFileSync(f('req.der')).toString('base64');
      const r = await run('curl', ['-sS', '--max-time', '10', '-o', f('curl.der'), '-w', '%{http_code}', `${server.url}/ocsp/${encodeURIComponent(req)}`]);
      assert.equal(r.stdout, '200');
      assert.match((await run('openssl', ['ocsp', '-respin', f('curl.der'), '-issuer', issuing, '-cert', bad.cert, '-CAfile', root, '-no_nonce'])).stdout, /: revoked/);
    }
  });

  it('openssl crl -verify and openssl verify -crl_check / -use_deltas: full + delta refuse the revoked leaf', async () => {
    // The revocation above reaches the delta CRL within the debounce (1 s).
    let delta = '';
    for (let i = 0; i < 60; i++) {
      delta = await crlPem('delta.pem', `${CA}.delta.crl`);
      const text = await run('openssl', ['crl', '-in', delta, '-noout', '-text']);
      if (text.stdout.toUpperCase().includes(bad.serial.toUpperCase().replace(/^0+/, ''))) break;
      await sleep(100);
    }
    for (const c of [oldFull, delta]) {
      const r = await run('openssl', ['crl', '-in', c, '-CAfile', issuing, '-noout', '-verify']);
      assert.match(out(r), /verify OK/, out(r));
    }
    const verify = (leaf: string, crls: string[], extra: string[] = []) =>
      run('openssl', ['verify', '-CAfile', root, '-untrusted', issuing, ...crls.flatMap((c) => ['-CRLfile', c]), '-crl_check', ...extra, leaf]);
    const withDelta = await verify(bad.cert, [oldFull, delta], ['-use_deltas']);
    process.stdout.write(`# openssl verify -crl_check -use_deltas (revoked): ${out(withDelta).trim().replace(/\n/g, ' | ')}\n`);
    assert.notEqual(withDelta.code, 0);
    assert.match(out(withDelta), /certificate revoked/);
    assert.equal((await verify(good.cert, [oldFull, delta], ['-use_deltas'])).code, 0);
    await publishFull();
    const full = await crlPem('full.pem', `${CA}.crl`);
    const r = await verify(bad.cert, [full]);
    process.stdout.write(`# openssl verify -crl_check (revoked): ${out(r).trim().replace(/\n/g, ' | ')}\n`);
    assert.match(out(r), /certificate revoked/);
    const ok = await verify(good.cert, [full]);
    assert.equal(ok.code, 0, out(ok));
  });

  it('GnuTLS certtool --verify-crl accepts our CRL; --verify with --load-crl rejects the revoked leaf', async (t) => {
    if (!requireTool(t, 'certtool', 'gnutls-bin')) return;
    const full = await crlPem('full-gnutls.pem', `${CA}.crl`);
    const v = await run('certtool', ['--verify-crl', '--load-ca-certificate', issuing, '--infile', full]);
    process.stdout.write(`# certtool --verify-crl: ${out(v).trim().split('\n').slice(-2).join(' | ')}\n`);
    assert.equal(v.code, 0, out(v));
    assert.match(out(v), /Verified/);
    const cas = write('cas.pem', readFileSync(root, 'utf8') + readFileSync(issuing, 'utf8'));
    const verify = (leaf: string) => {
      const chain = write('gnutls-chain.pem', readFileSync(leaf, 'utf8') + readFileSync(issuing, 'utf8'));
      return run('certtool', ['--verify', '--load-ca-certificate', cas, '--load-crl', full, '--infile', chain]);
    };
    const revoked = await verify(bad.cert);
    process.stdout.write(`# certtool --verify --load-crl (revoked): ${out(revoked).split('\n').filter((l) => /verif|revoked|trusted/i.test(l)).join(' | ')}\n`);
    assert.notEqual(revoked.code, 0);
    assert.match(out(revoked), /revoked/i);
    const ok = await verify(good.cert);
    assert.equal(ok.code, 0, out(ok));
  });

  it('GnuTLS ocsptool --ask: good and revoked', async (t) => {
    if (!requireTool(t, 'ocsptool', 'gnutls-bin')) return;
    // ocsptool checks the signer certificate against --load-trust directly (no path building):
    // with the root alone it says "Signer cert is not trusted"; the issuing CA, which issued the
    // delegated signer, is the anchor it needs.
    const trust = issuing;
    const ask = (cert: string) => run('ocsptool', [`--ask=${server.url}/ocsp`, '--load-issuer', issuing, '--load-cert', cert, '--load-trust', trust]);
    const g = await ask(good.cert);
    process.stdout.write(`# ocsptool --ask (good):\n${out(g).replace(/^/gm, '#   ')}\n`);
    assert.equal(g.code, 0, out(g));
    assert.match(out(g), /Certificate Status: good/);
    assert.match(out(g), /Verifying OCSP Response: Success/);
    const r = await ask(bad.cert);
    process.stdout.write(`# ocsptool --ask (revoked):\n${out(r).replace(/^/gm, '#   ')}\n`);
    assert.match(out(r), /Certificate Status: revoked/);
    assert.match(out(r), /Verifying OCSP Response: Success/);
  });

  it('Mosquitto with crlfile accepts a good device and refuses it once revoked and the CRL is refreshed', async (t) => {
    if (!requireTool(t, 'mosquitto', 'mosquitto') || !requireTool(t, 'mosquitto_pub', 'mosquitto-clients')) return;
    const gateway = await issue('gateway', 'gateway-server', null, 'DNS:localhost,IP:127.0.0.1');
    const device = await issue('mqtt-device', 'device-operational', 'mqtt-device-1');
    const port = await freePort();
    const crl = write('mosquitto-crl.pem', readFileSync(await crlPem('m-full.pem', `${CA}.crl`)));
    const conf = write('mosquitto.conf', [
      'per_listener_settings false', 'persistence false', 'log_dest stderr', 'log_type error', 'log_type warning', 'log_type notice',
      `listener ${port} 127.0.0.1`, `cafile ${f('chain.pem')}`, `certfile ${gateway.cert}`, `keyfile ${gateway.key}`,
      'require_certificate true', `crlfile ${crl}`, 'allow_anonymous true',
      // As root, mosquitto drops to user "mosquitto", who cannot read this test's 0700 folder.
      ...(process.getuid?.() === 0 ? ['user root'] : []), '',
    ].join('\n'));
    let log = '';
    const start = async (): Promise<ChildProcess> => {
      const m = spawn('mosquitto', ['-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
      m.stderr!.on('data', (d: Buffer) => { log += d.toString(); });
      m.stdout!.on('data', (d: Buffer) => { log += d.toString(); });
      for (let i = 0; i < 50 && !log.includes('running'); i++) await sleep(100);
      return m;
    };
    const pub = (c: { cert: string; key: string }) => run('mosquitto_pub', ['--cafile', f('chain.pem'), '--cert', c.cert, '--key', c.key, '-h', '127.0.0.1', '-p', String(port), '-t', 't', '-m', 'hi'], 15_000);
    let broker = await start();
    try {
      const ok = await pub(device);
      assert.equal(ok.code, 0, `good device refused: ${out(ok)}\n${log}`);
      await api(`/certificates/${device.serial}/revoke`, { reason: 'keyCompromise' });
      await publishFull();
      writeFileSync(crl, readFileSync(await crlPem('m-full2.pem', `${CA}.crl`)));
      // Mosquitto 2.0 reloads certificates and crlfile on SIGHUP (observed with 2.0.11); a
      // broker that does not is restarted instead.
      broker.kill('SIGHUP');
      await sleep(500);
      const afterHup = await pub(device);
      process.stdout.write(`# mosquitto_pub (revoked device) after SIGHUP: exit ${afterHup.code} ${out(afterHup).trim()}\n`);
      if (afterHup.code === 0) {
        broker.kill('SIGTERM');
        await new Promise((r) => broker.once('exit', r));
        log = '';
        broker = await start();
      }
      const refused = await pub(device);
      process.stdout.write(`# mosquitto_pub (revoked device): exit ${refused.code} ${out(refused).trim()}\n# mosquitto log: ${log.trim().split('\n').slice(-3).join(' | ')}\n`);
      assert.notEqual(refused.code, 0, `revoked device accepted\n${log}`);
      const other = await issue('mqtt-device-2', 'device-operational', 'mqtt-device-2');
      const stillOk = await pub(other);
      assert.equal(stillOk.code, 0, `good device refused after reload: ${out(stillOk)}\n${log}`);
    } finally {
      broker.kill('SIGTERM');
    }
  });
});
