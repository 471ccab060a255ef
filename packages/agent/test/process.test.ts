/**
 * The real `fleetpki-agent` process against a real server: kill -9 at random points of a
 * renewal, many times, and the restarted device always has a usable identity (verifyPath,
 * and a mutual-TLS handshake with a server that checks the chain and the key); `status`;
 * and the clock checks under faketime (Debian package faketime; required when CI=true).
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, createServer } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { certificateAnchor, fromPem, parseCertificate, verifyPath } from '@fleetpki/core';
import { FileKeyStore, IdentityStore } from '../src/index.js';
import { openFixture, type Fixture } from './support.js';

const BIN = new URL('../../bin/fleetpki-agent.js', import.meta.url).pathname;
let f: Fixture;
let configFile: string;
let stateDir: string;

before(async () => {
  f = await openFixture();
  await f.group('proc', { reenrollWithBootstrap: true });
  const b = await f.bootstrap('sensor-proc');
  const cfg = f.agentConfig('proc', { label: 'proc', bootstrap: b });
  stateDir = cfg.stateDir;
  configFile = join(f.dir, 'agent.json');
  writeFileSync(configFile, JSON.stringify({ ...cfg, bootstrap: b, backoff: cfg.backoff, hooks: [] }));
});
after(async () => { await f.close(); });

function run(args: string[], prefix: string[] = []): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const [cmd, ...rest] = [...prefix, process.execPath, BIN, ...args, '--config', configFile];
    const c = spawn(cmd!, rest, { env: { ...process.env, FAKETIME_DONT_FAKE_MONOTONIC: '1' } });
    let out = ''; let err = '';
    c.stdout.on('data', (b: Buffer) => { out += b; });
    c.stderr.on('data', (b: Buffer) => { err += b; });
    c.on('exit', (code) => resolve({ code, out, err }));
  });
}

/** A mutual-TLS handshake with a server that requires a client certificate chaining to our root. */
async function handshake(certPem: string, keyPem: string): Promise<boolean> {
  const [key, cert] = [join(f.dir, 'hs.key'), join(f.dir, 'hs.crt')];
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', '/CN=localhost', '-days', '1', '-keyout', key, '-out', cert], { stdio: 'ignore' });
  const server = createServer({ key: readFileSync(key), cert: readFileSync(cert), requestCert: true, rejectUnauthorized: true, ca: [f.rootPem] }, (s) => s.end('ok'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  try {
    return await new Promise<boolean>((resolve) => {
      const s = connect({ host: '127.0.0.1', port, cert: certPem, key: keyPem, rejectUnauthorized: false });
      s.on('data', (d) => { resolve(d.toString() === 'ok'); s.destroy(); });
      s.on('error', () => resolve(false));
      s.on('close', () => resolve(false));
    });
  } finally {
    server.close();
  }
}

async function assertUsable(): Promise<string> {
  const id = new IdentityStore(stateDir, new FileKeyStore(join(stateDir, 'keys'))).load();
  assert.ok(id, 'an identity');
  const root = certificateAnchor(parseCertificate(fromPem(f.rootPem, ['CERTIFICATE'])));
  const v = verifyPath({ leaf: id.chain[0]!, intermediates: id.chain.slice(1), anchors: [root], now: new Date(), usage: 'clientAuth' });
  assert.equal(v.ok, true, v.ok ? '' : v.code);
  assert.equal(await handshake(id.chainPem, id.key.tlsKey), true, 'mutual TLS with the identity');
  return id.pointer.serial;
}

describe('the fleetpki-agent process', () => {
  it('enrolls once, then reports its status as text and JSON', async () => {
    const r = await run(['once']);
    assert.equal(r.code, 0, r.err + r.out);
    assert.match(r.out, /"event":"identity.enrolled"/);
    const s = await run(['status', '--json']);
    const status = JSON.parse(s.out);
    assert.equal(status.state, 'ok');
    assert.match(status.trustStore.anchors[0], /^certificate sha256:[0-9a-f]{64}$/);
    const text = await run(['status']);
    assert.match(text.out, /^state: +ok$/m);
    assert.match(text.out, /^next renewal: +\d{4}-/m);
    await assertUsable();
  });

  it('runs as a daemon: enrolls, logs JSON lines, writes status, stops on SIGTERM', async () => {
    const b = await f.bootstrap('sensor-daemon');
    const cfg = f.agentConfig('daemon', { label: 'proc', bootstrap: b });
    const file = join(f.dir, 'daemon.json');
    writeFileSync(file, JSON.stringify({ ...cfg, bootstrap: b }));
    const c = spawn(process.execPath, [BIN, 'run', '--config', file]);
    const exited = new Promise<number | null>((r) => c.once('exit', r));
    let out = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no enrollment: ${out}`)), 20_000);
      c.stdout.on('data', (d: Buffer) => { out += d; if (out.includes('"identity.enrolled"')) { clearTimeout(timer); resolve(); } });
    });
    // The status file is written right after the log line; wait for it before stopping.
    const statusFile = join(cfg.stateDir, 'status.json');
    const state = (): string | null => { try { return JSON.parse(readFileSync(statusFile, 'utf8')).state; } catch { return null; } };
    for (let i = 0; i < 100 && state() !== 'ok'; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(state(), 'ok');
    c.kill('SIGTERM');
    assert.equal(await exited, 0);
    for (const line of out.trim().split('\n')) assert.equal(typeof JSON.parse(line).event, 'string');
  });

  it('always restarts with a usable identity after kill -9 at random points of a renewal (30 times or more)', async () => {
    const t0 = Date.now();
    assert.equal((await run(['renew'])).code, 0);
    const full = Date.now() - t0;
    let before = 0;
    let after = 0;
    let current = await assertUsable();
    // At least 30 kills, and on until kills have landed both before and after the commit
    // (the identity unchanged, or the new one): a loaded machine stretches a renewal, so the
    // kill delays widen with each round that finds no kill after the commit.
    for (let i = 0; i < 120 && (i < 30 || before === 0 || after === 0); i++) {
      const c = spawn(process.execPath, [BIN, 'renew', '--config', configFile], { stdio: 'ignore' });
      const exited = new Promise((r) => c.once('exit', r));
      await new Promise((r) => setTimeout(r, Math.random() * full * (1.1 + (after === 0 ? i / 10 : 0))));
      c.kill('SIGKILL');
      await exited;
      const serial = await assertUsable();
      if (serial === current) before++; else after++;
      current = serial;
    }
    assert.ok(before > 0 && after > 0, `kills before the commit: ${before}, after: ${after}`);
    const r = await run(['renew']);
    assert.equal(r.code, 0, r.err + r.out);
    assert.notEqual(await assertUsable(), current);
  });

  it('refuses a clock before its build time (faketime), keeps the identity, reports CLOCK_UNTRUSTED', async (t) => {
    if (spawnSync('faketime', ['--version']).error) {
      if (process.env['CI'] === 'true') assert.fail('faketime is not installed (apt-get install faketime)');
      t.skip('faketime is not installed');
      return;
    }
    const before = await assertUsable();
    const r = await run(['renew'], ['faketime', '2020-01-01 00:00:00']);
    assert.equal(r.code, 1);
    assert.match(r.out, /"code":"CLOCK_UNTRUSTED"/);
    assert.equal(JSON.parse((await run(['status', '--json'])).out).lastError.code, 'CLOCK_UNTRUSTED');
    assert.equal(await assertUsable(), before, 'identity untouched');
  });

  it('renews when its own clock (faketime +65 days) says two thirds of the lifetime passed', async (t) => {
    if (spawnSync('faketime', ['--version']).error) {
      if (process.env['CI'] === 'true') assert.fail('faketime is not installed (apt-get install faketime)');
      t.skip('faketime is not installed');
      return;
    }
    // The renewal the previous test asked for stays requested until it succeeds: this does it.
    assert.equal((await run(['once'])).code, 0);
    const before = await assertUsable();
    assert.equal((await run(['once'])).code, 0);
    assert.equal(await assertUsable(), before, 'not due at the real time');
    const r = await run(['once'], ['faketime', '+65 days']);
    assert.equal(r.code, 0, r.err + r.out);
    assert.match(r.out, /"event":"identity.renewed"/);
    assert.notEqual(await assertUsable(), before);
  });
});
