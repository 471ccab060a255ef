/**
 * First enrollment against a real server: with an IDevID over mutual TLS, with a one-time
 * secret (Basic after the 401), pending approval (202, the same CSR sent again), and a
 * server the trust store does not vouch for.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { certificateAnchor, encodeTrustStore, fromPem, parseCertificate, parseCsr, parseTrustStore, pinOf, TrustStore, verifyPath } from '@fleetpki/core';
import { openFixture, type Fixture } from './support.js';

let f: Fixture;
before(async () => { f = await openFixture(); });
after(async () => { await f.close(); });

const rootCertificate = () => parseCertificate(fromPem(f.rootPem, ['CERTIFICATE']));
const anchors = () => [certificateAnchor(rootCertificate())];

describe('first enrollment', () => {
  it('enrolls with an IDevID, stores key 0600 and chain, and the identity validates as clientAuth', async () => {
    await f.group('idevid');
    const b = await f.bootstrap('sensor-a1');
    const agent = f.agent('a1', { label: 'idevid', bootstrap: b });
    const r = await agent.tick();
    assert.equal(r.action, 'enrolled', `${r.error?.code}: ${r.error?.message}`);
    const id = agent.current()!;
    assert.equal(id.pointer.generation, 1);
    assert.equal(id.pointer.source, 'enroll');
    assert.equal(id.chain.length, 2, 'leaf + issuing CA, no root');
    assert.equal(statSync(join(f.dir, 'agents', 'a1', 'keys', 'op-1.key.pem')).mode & 0o777, 0o600);
    const v = verifyPath({ leaf: id.chain[0]!, intermediates: id.chain.slice(1), anchors: anchors(), now: f.clock.now(), usage: 'clientAuth' });
    assert.equal(v.ok, true);
    assert.equal(id.certificate.subjectAltNames.some((n) => n.type === 'uri' && n.value.endsWith('/sensor-a1')), true);
    const status = JSON.parse(readFileSync(join(f.dir, 'agents', 'a1', 'status.json'), 'utf8'));
    assert.equal(status.state, 'ok');
    assert.equal(status.identity.serial, id.pointer.serial);
    assert.equal(status.lastError, null);
    const life = id.certificate.notAfter.getTime() - id.certificate.notBefore.getTime();
    const at = (Date.parse(status.nextRenewalAt) - id.certificate.notBefore.getTime()) / life;
    assert.ok(at >= 2 / 3 - 0.05 && at <= 2 / 3 + 0.05, `renewal at ${at} of the lifetime`);
  });

  it('enrolls with a one-time secret: Basic after the 401', async () => {
    await f.group('secret');
    const s = await f.api('POST', '/enrollment-groups/secret/secrets', { deviceId: 'sensor-s1' });
    assert.equal(s.status, 201);
    const secretFile = join(f.dir, 'secret-s1');
    writeFileSync(secretFile, s.json.secret);
    const agent = f.agent('s1', { label: 'secret', bootstrap: { deviceId: 'sensor-s1', secretFile } });
    const r = await agent.tick();
    assert.equal(r.action, 'enrolled', `${r.error?.code}: ${r.error?.message}`);
    assert.equal(agent.current()!.certificate.subjectAltNames.some((n) => n.type === 'uri' && n.value.endsWith('/sensor-s1')), true);
  });

  it('waits on 202 + Retry-After and sends the same CSR again once approved', async () => {
    await f.group('manual', { approval: 'manual', retryAfterSeconds: 120 });
    const b = await f.bootstrap('sensor-m1');
    const agent = f.agent('m1', { label: 'manual', bootstrap: b });
    const t0 = f.clock.now().getTime();
    const r = await agent.tick();
    assert.equal(r.action, 'pending');
    assert.equal(Math.round((r.nextAt.getTime() - t0) / 1000), 120);
    const csr = JSON.parse(readFileSync(join(f.dir, 'agents', 'm1', 'pending.json'), 'utf8')).csr as string;
    const pending = await f.api('GET', '/enrollment-groups/manual/pending');
    assert.equal(pending.status, 200);
    const items = pending.json.items ?? pending.json;
    assert.equal(items.length, 1);
    assert.equal((await f.api('POST', `/enrollment-groups/manual/pending/${items[0].id}/approve`)).status, 200);
    const r2 = await agent.tick();
    assert.equal(r2.action, 'enrolled', `${r2.error?.code}: ${r2.error?.message}`);
    const spki = parseCsr(Buffer.from(csr, 'base64')).publicKey.spki;
    assert.deepEqual(Buffer.from(agent.current()!.certificate.publicKey.spki), Buffer.from(spki));
  });

  it('runs the hooks after an enrollment: a command (with the serial in its environment) and a signal to a pid file', async () => {
    await f.group('hooks');
    const b = await f.bootstrap('sensor-h1');
    const child = spawn(process.execPath, ['-e', "process.on('SIGHUP', () => { console.log('reloaded'); process.exit(0); }); console.log('ready'); setInterval(() => {}, 1000);"]);
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d; });
    await new Promise<void>((r) => child.stdout.once('data', () => r()));
    const exited = new Promise((r) => child.once('exit', r));
    const pidFile = join(f.dir, 'app.pid');
    writeFileSync(pidFile, `${child.pid}\n`);
    const marker = join(f.dir, 'hook-ran');
    const agent = f.agent('h1', { label: 'hooks', bootstrap: b, hooks: [{ command: `echo "$FLEETPKI_AGENT_SERIAL" > ${marker}` }, { signal: 'SIGHUP', pidFile }] });
    assert.equal((await agent.tick()).action, 'enrolled');
    assert.equal(readFileSync(marker, 'utf8').trim(), agent.current()!.pointer.serial);
    await exited;
    assert.equal(out, 'ready\nreloaded\n');
  });

  it('trusts a root held only as a pin: cacerts read once unvalidated (RFC 7030 4.1.1), the pinned root promoted, then validated connections', async () => {
    await f.group('pinned');
    const b = await f.bootstrap('sensor-p1');
    const stateDir = join(f.dir, 'agents', 'p1');
    mkdirSync(stateDir, { recursive: true });
    writeFileSync(join(stateDir, 'trust.json'), encodeTrustStore(TrustStore.of([pinOf(rootCertificate(), 'spki-sha256')])));
    const agent = f.agent('p1', { label: 'pinned', bootstrap: b, trustAnchorsFile: undefined });
    const r = await agent.tick();
    assert.equal(r.action, 'enrolled', `${r.error?.code}: ${r.error?.message}`);
    const held = parseTrustStore(readFileSync(join(stateDir, 'trust.json'), 'utf8'));
    assert.ok(held.ok);
    assert.deepEqual(held.store.anchors().map((a) => a.kind), ['certificate']);
    assert.deepEqual(Buffer.from(held.store.certificates()[0]!.der), Buffer.from(rootCertificate().der));
  });

  it('refuses a server that does not chain to its trust store, before sending anything', async () => {
    await f.group('untrusted');
    const b = await f.bootstrap('sensor-u1');
    const agent = f.agent('u1', { label: 'untrusted', bootstrap: b, trustAnchorsFile: b.certFile });
    const r = await agent.tick();
    assert.equal(r.action, 'failed');
    assert.equal(r.error?.code, 'SERVER_UNTRUSTED');
    assert.equal(agent.status().lastError?.code, 'SERVER_UNTRUSTED');
    assert.equal(r.error?.detail['pathCode'], 'ISSUER_NOT_FOUND', 'the server chain leads to no anchor held');
  });
});
