/**
 * The renewal daemon on an injected clock shared with the CA: two simulated years of
 * renewals with jitter, a week without the CA (backoff, then renewal with no gap), expiry
 * while offline with and without the group's bootstrap fallback, and revocation.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseCertificate, verifyPath, certificateAnchor, fromPem } from '@fleetpki/core';
import type { Agent } from '../src/index.js';
import { openFixture, type Fixture } from './support.js';

const DAY = 86_400_000;
let f: Fixture;
before(async () => { f = await openFixture(); });
after(async () => { await f.close(); });

/** Advances the shared clock to `at` and re-issues the server certificate if due, as the server would. */
async function advanceTo(at: Date): Promise<void> {
  const ms = at.getTime() - f.clock.now().getTime();
  if (ms > 0) await f.clock.sleep(ms);
  await f.refreshTls();
}

async function enrolled(name: string, group: string, extra: Record<string, unknown> = {}): Promise<Agent> {
  const b = await f.bootstrap(`sensor-${name}`);
  const agent = f.agent(name, { label: group, bootstrap: b, checkIntervalSeconds: 30 * 86400, ...extra });
  const r = await agent.tick();
  assert.equal(r.action, 'enrolled', `${r.error?.code}: ${r.error?.message}`);
  return agent;
}

describe('renewal daemon', () => {
  before(async () => {
    await f.group('fleet');
    await f.group('fallback', { reenrollWithBootstrap: true });
  });

  it('renews before every expiry over two simulated years, at two thirds with jitter', async () => {
    const agent = await enrolled('years', 'fleet');
    const end = f.clock.now().getTime() + 730 * DAY;
    const fractions: number[] = [];
    let renewals = 0;
    while (f.clock.now().getTime() < end) {
      const before = agent.current()!;
      const next = agent.renewalAt(before);
      await advanceTo(next);
      const r = await agent.tick();
      if (r.action !== 'renewed') { assert.equal(r.action, 'idle', `${r.error?.code}: ${r.error?.message}`); continue; }
      renewals += 1;
      const c = before.certificate;
      fractions.push((f.clock.now().getTime() - c.notBefore.getTime()) / (c.notAfter.getTime() - c.notBefore.getTime()));
      const now = agent.current()!;
      assert.ok(f.clock.now() < c.notAfter, 'renewed while the old certificate was valid');
      assert.ok(now.certificate.notBefore <= c.notAfter, 'no gap in validity');
      assert.notEqual(now.pointer.serial, before.pointer.serial);
      assert.notEqual(now.pointer.keyId, before.pointer.keyId, 'rekeyed');
    }
    assert.ok(renewals >= 11 && renewals <= 13, `${renewals} renewals in two years of 90-day certificates`);
    assert.ok(fractions.every((x) => x > 0.6 && x < 0.72), `renewal points ${fractions.map((x) => x.toFixed(3)).join(' ')}`);
    assert.ok(new Set(fractions.map((x) => x.toFixed(4))).size > 1, 'jittered');
    assert.equal(agent.status().state, 'ok');
  });

  it('backs off while the CA is down for a week, then renews with no gap', async () => {
    const agent = await enrolled('week', 'fleet', { backoff: { initialSeconds: 60, maxSeconds: 6 * 3600 } });
    const old = agent.current()!.certificate;
    await advanceTo(agent.renewalAt(agent.current()!));
    await f.stopTls();
    const downUntil = f.clock.now().getTime() + 7 * DAY;
    const delays: number[] = [];
    while (f.clock.now().getTime() < downUntil) {
      const r = await agent.tick();
      assert.equal(r.action, 'failed');
      assert.equal(r.error?.code, 'CA_UNREACHABLE');
      delays.push(r.nextAt.getTime() - f.clock.now().getTime());
      await f.clock.sleep(r.nextAt.getTime() - f.clock.now().getTime());
    }
    assert.ok(delays[0]! >= 30_000 && delays[0]! <= 60_000, `first retry after ${delays[0]} ms`);
    assert.ok(delays.every((d) => d <= 6 * 3600 * 1000), 'capped at six hours');
    assert.ok(delays.slice(-5).every((d) => d >= 3 * 3600 * 1000), 'at the cap by the end of the week');
    assert.ok(delays.length < 60, `${delays.length} attempts in a week`);
    assert.equal(agent.status().lastError?.code, 'CA_UNREACHABLE');
    await f.startTls();
    await f.refreshTls();
    const r = await agent.tick();
    assert.equal(r.action, 'renewed', `${r.error?.code}: ${r.error?.message}`);
    assert.ok(f.clock.now() < old.notAfter, 'renewed before the old certificate expired');
    assert.equal(agent.status().lastError, null);
    assert.equal(agent.status().failures, 0);
  });

  it('recovers through the bootstrap identity after expiring offline, where the group allows it', async () => {
    const agent = await enrolled('offline-ok', 'fallback');
    const old = agent.current()!;
    await advanceTo(new Date(old.certificate.notAfter.getTime() + 20 * DAY));
    assert.equal(agent.status().state, 'expired');
    const r = await agent.tick();
    assert.equal(r.action, 'fallback', `${r.error?.code}: ${r.error?.message}`);
    const now = agent.current()!;
    assert.equal(now.pointer.source, 'bootstrap-fallback');
    assert.deepEqual(now.certificate.subjectAltNames, old.certificate.subjectAltNames, 'same device identity');
    const root = certificateAnchor(parseCertificate(fromPem(f.rootPem, ['CERTIFICATE'])));
    assert.equal(verifyPath({ leaf: now.chain[0]!, intermediates: now.chain.slice(1), anchors: [root], now: f.clock.now(), usage: 'clientAuth' }).ok, true);
  });

  it('is refused and reports CERTIFICATE_EXPIRED where the group does not allow the fallback, and keeps retrying', async () => {
    const agent = await enrolled('offline-no', 'fleet');
    const old = agent.current()!;
    await advanceTo(new Date(old.certificate.notAfter.getTime() + 20 * DAY));
    const r = await agent.tick();
    assert.equal(r.action, 'failed');
    assert.equal(r.error?.code, 'CERTIFICATE_EXPIRED');
    assert.equal(r.error?.detail['status'], 403);
    assert.ok(r.nextAt > f.clock.now(), 'a retry is scheduled');
    const s = agent.status();
    assert.equal(s.state, 'expired');
    assert.equal(s.lastError?.code, 'CERTIFICATE_EXPIRED');
    assert.equal(agent.current()!.pointer.serial, old.pointer.serial, 'the old identity is kept');
  });

  it('stops presenting a certificate the CA revoked (OCSP via AIA), and reports it', async () => {
    const agent = await enrolled('revoked', 'fleet', { checkIntervalSeconds: 3600 });
    const serial = agent.current()!.pointer.serial;
    const rv = await f.api('POST', `/certificates/${serial}/revoke`, { reason: 'keyCompromise' });
    assert.equal(rv.status, 200, JSON.stringify(rv.json));
    await advanceTo(new Date(f.clock.now().getTime() + 3601_000));
    const r = await agent.tick();
    assert.equal(r.action, 'revoked', JSON.stringify(agent.status().lastOcsp));
    assert.equal(agent.current(), null);
    const s = agent.status();
    assert.equal(s.state, 'revoked');
    assert.equal(s.lastError?.code, 'CERTIFICATE_REVOKED');
    assert.equal(s.lastOcsp?.status, 'revoked');
    assert.equal((await agent.tick()).action, 'revoked', 'and stays so');
  });

  it('learns a revocation from the EST refusal code when renewing', async () => {
    const agent = await enrolled('revoked-est', 'fleet', { ocsp: false });
    const serial = agent.current()!.pointer.serial;
    assert.equal((await f.api('POST', `/certificates/${serial}/revoke`, { reason: 'keyCompromise' })).status, 200);
    await advanceTo(agent.renewalAt(agent.current()!));
    const r = await agent.tick();
    assert.equal(r.error?.code, 'CERTIFICATE_REVOKED');
    assert.equal(r.error?.detail['estCode'], 'OPERATIONAL_CERTIFICATE_REVOKED');
    assert.equal(agent.current(), null);
  });
});
