/**
 * CRLs over HTTP with inject(), judged by our parser and by `openssl crl` / `openssl verify`:
 * a full CRL after start, a delta within the debounce after a revocation, one monotonic
 * CRL number across full and delta, Freshest CRL and Delta CRL Indicator, expired
 * certificates leaving the CRL (an injected clock), a lifted hold as removeFromCRL, caching
 * headers, and sharded CRLs whose Issuing Distribution Point and entries match the shard
 * named in each certificate's CRL distribution point.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEV_NAMES } from '@fleetpki/ca';
import { parseCrl, type Crl } from '@fleetpki/core';
import { buildApp, openDeployment, parseConfig } from '../src/index.js';
import { CrlScheduler, DEFAULT_CRL_SCHEDULE } from '../src/crl-scheduler.js';
import { openTestApp, type TestApp } from './helpers.js';
import { issueDevice, issuingCa, revoke, run, type Issuing } from './status-support.js';

const CA = DEV_NAMES.issuing;
const DEBOUNCE_MS = 100;

async function getCrl(t: Pick<TestApp, 'app'>, file: string): Promise<{ crl: Crl; der: Buffer; headers: Record<string, unknown> }> {
  const r = await t.app.inject({ method: 'GET', url: `/crl/${file}` });
  assert.equal(r.statusCode, 200, `${file}: ${r.body}`);
  assert.equal(r.headers['content-type'], 'application/pkix-crl');
  return { crl: parseCrl(r.rawPayload), der: r.rawPayload, headers: r.headers };
}

const serials = (c: Crl): string[] => c.entries.map((e) => e.serial);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const pemOf = (label: string, der: Uint8Array): string => `-----BEGIN ${label}-----\n${Buffer.from(der).toString('base64').match(/.{1,64}/g)!.join('\n')}\n-----END ${label}-----\n`;

describe('CRLs (inject + openssl)', () => {
  let t: TestApp;
  let ca: Issuing;
  let scheduler: CrlScheduler;
  let dir: string;
  before(async () => {
    t = await openTestApp();
    ca = await issuingCa(t);
    dir = mkdtempSync(join(tmpdir(), 'fleetpki-crl-'));
    scheduler = new CrlScheduler(t.deployment.ca, t.deployment.events, { ...DEFAULT_CRL_SCHEDULE, debounceMs: DEBOUNCE_MS }, (msg, err) => { throw new Error(`${msg}: ${String(err)}`); });
    scheduler.start();
    await scheduler.idle();
  });
  after(async () => { await scheduler.stop(); await t.close(); rmSync(dir, { recursive: true, force: true }); });

  it('a full CRL exists after start, with Freshest CRL, a CRL number, caching headers and 304', async () => {
    const { crl, headers } = await getCrl(t, `${CA}.crl`);
    assert.equal(crl.baseCrlNumber, null);
    assert.ok(crl.crlNumber !== null);
    assert.equal(crl.freshestCrl, `${t.deployment.config.publicUrl}/crl/${CA}.delta.crl`);
    assert.ok(crl.nextUpdate && crl.nextUpdate > crl.thisUpdate);
    const maxAge = Number(/max-age=(\d+)/.exec(String(headers['cache-control']))?.[1]);
    assert.ok(Math.abs(maxAge - (crl.nextUpdate.getTime() - Date.now()) / 1000) <= 2, `max-age ${maxAge}`);
    assert.ok(headers['etag']);
    assert.equal(headers['last-modified'], crl.thisUpdate.toUTCString());
    const cond = await t.app.inject({ method: 'GET', url: `/crl/${CA}.crl`, headers: { 'if-none-match': String(headers['etag']) } });
    assert.equal(cond.statusCode, 304);
    assert.equal((await t.app.inject({ method: 'GET', url: '/crl/nobody.crl' })).statusCode, 404);
    assert.equal((await t.app.inject({ method: 'GET', url: '/crl/..%2Fetc.crl' })).statusCode, 404);
  });

  it('a revocation reaches the delta CRL within the debounce; numbers are monotonic; openssl verifies with -use_deltas', async () => {
    const fullBefore = (await getCrl(t, `${CA}.crl`)).crl;
    const deltaBefore = (await getCrl(t, `${CA}.delta.crl`)).crl;
    const good = await issueDevice(t, 'crl-good');
    const dev = await issueDevice(t, 'crl-1');
    const revokedAt = Date.now();
    await revoke(t, dev.serial, 'keyCompromise');
    let delta: Crl | undefined;
    while (Date.now() - revokedAt < DEBOUNCE_MS + 2000) {
      await sleep(20);
      const d = (await getCrl(t, `${CA}.delta.crl`)).crl;
      if (serials(d).includes(dev.serial)) { delta = d; break; }
    }
    assert.ok(delta, 'the delta CRL carries the revocation');
    const elapsed = Date.now() - revokedAt;
    assert.ok(elapsed < DEBOUNCE_MS + 1000, `delta after ${elapsed} ms`);
    const entry = delta.entries.find((e) => e.serial === dev.serial)!;
    assert.equal(entry.reason, 'keyCompromise');
    assert.equal(delta.baseCrlNumber, fullBefore.crlNumber, 'Delta CRL Indicator names the full CRL');
    assert.ok(delta.crlNumber! > deltaBefore.crlNumber! && deltaBefore.crlNumber! > fullBefore.crlNumber!);
    assert.equal(delta.freshestCrl, null);

    // A new full CRL: a higher number than every delta so far, and it carries the entry.
    const record = await t.deployment.ca.crls.publish(CA, 'full');
    const full = (await getCrl(t, `${CA}.crl`)).crl;
    assert.equal(BigInt(record.crlNumber), full.crlNumber);
    assert.ok(full.crlNumber! > delta.crlNumber!);
    assert.ok(serials(full).includes(dev.serial));

    // openssl: the CRLs verify under the CA; the revoked leaf is refused, the good one accepted.
    const f = (name: string, text: string): string => { const p = join(dir, name); writeFileSync(p, text); return p; };
    const root = f('root.pem', ca.rootPem);
    const issuing = f('issuing.pem', ca.pem);
    const fullPem = f('full.pem', pemOf('X509 CRL', (await getCrl(t, `${CA}.crl`)).der));
    const oldFullPem = f('old-full.pem', pemOf('X509 CRL', fullBefore.der));
    const deltaPem = f('delta.pem', pemOf('X509 CRL', delta.der));
    for (const c of [fullPem, deltaPem]) {
      const r = await run('openssl', ['crl', '-in', c, '-CAfile', issuing, '-noout', '-verify']);
      assert.match(r.stderr + r.stdout, /verify OK/, c);
    }
    const leaf = f('leaf.pem', dev.certificate);
    const goodLeaf = f('good.pem', good.certificate);
    const chain = f('chain.pem', ca.pem);
    const check = (l: string, crls: string[], extra: string[] = []) =>
      run('openssl', ['verify', '-CAfile', root, '-untrusted', chain, ...crls.flatMap((c) => ['-CRLfile', c]), '-crl_check', ...extra, l]);
    const full1 = await check(leaf, [fullPem]);
    assert.notEqual(full1.code, 0);
    assert.match(full1.stdout + full1.stderr, /certificate revoked/);
    // The old full CRL alone does not know; with its delta, openssl refuses the leaf.
    assert.equal((await check(leaf, [oldFullPem])).code, 0);
    const withDelta = await check(leaf, [oldFullPem, deltaPem], ['-use_deltas']);
    assert.notEqual(withDelta.code, 0);
    assert.match(withDelta.stdout + withDelta.stderr, /certificate revoked/);
    const okGood = await check(goodLeaf, [oldFullPem, deltaPem], ['-use_deltas']);
    assert.equal(okGood.code, 0, okGood.stdout + okGood.stderr);
  });

  it('a lifted hold appears as removeFromCRL in the next delta and leaves the next full CRL', async () => {
    const dev = await issueDevice(t, 'crl-hold');
    await t.deployment.ca.crls.publish(CA, 'full');
    await revoke(t, dev.serial, 'certificateHold');
    await t.deployment.ca.crls.publish(CA, 'full');
    assert.equal((await getCrl(t, `${CA}.crl`)).crl.entries.find((e) => e.serial === dev.serial)?.reason, 'certificateHold');
    const r = await t.app.inject({ method: 'POST', url: `/api/v1/certificates/${dev.serial}/release-hold`, headers: t.admin });
    assert.equal(r.statusCode, 200, r.body);
    await sleep(DEBOUNCE_MS + 50);
    await scheduler.idle();
    const delta = (await getCrl(t, `${CA}.delta.crl`)).crl;
    assert.equal(delta.entries.find((e) => e.serial === dev.serial)?.reason, 'removeFromCRL');
    await t.deployment.ca.crls.publish(CA, 'full');
    assert.ok(!serials((await getCrl(t, `${CA}.crl`)).crl).includes(dev.serial));
  });

  it('expired certificates leave the CRL after one full CRL period past notAfter (RFC 5280 5.1.2.6; the clock is a port)', async () => {
    const dev = await issueDevice(t, 'crl-expiring');
    await revoke(t, dev.serial, 'superseded');
    await t.deployment.ca.crls.publish(CA, 'full');
    assert.ok(serials((await getCrl(t, `${CA}.crl`)).crl).includes(dev.serial));
    const clock = t.deployment.ca.deps.clock as { now: () => Date };
    const real = clock.now;
    const publishAt = async (ms: number) => {
      clock.now = () => new Date(Date.parse(dev.notAfter) + ms);
      try {
        await t.deployment.ca.crls.publish(CA, 'full');
        await t.deployment.ca.crls.publish(CA, 'delta');
      } finally {
        clock.now = real;
      }
    };
    await publishAt(3600_000); // expired an hour ago: the first CRL past its validity still lists it
    assert.ok(serials((await getCrl(t, `${CA}.crl`)).crl).includes(dev.serial), 'just expired: still in the full CRL');
    await publishAt(25 * 3600_000); // a full CRL period (24 h) later it may go
    assert.ok(!serials((await getCrl(t, `${CA}.crl`)).crl).includes(dev.serial), 'expired: not in the full CRL');
    assert.ok(!serials((await getCrl(t, `${CA}.delta.crl`)).crl).includes(dev.serial), 'expired: not in the delta CRL');
  });
});

describe('sharded CRLs (status.crlShards 4)', () => {
  it('each certificate names its shard; each shard CRL has an IDP with its own URL and only its entries', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleetpki-shards-'));
    const config = parseConfig({ dataDir: dir, listen: { port: 0 }, logLevel: 'silent', status: { crlShards: 4 } });
    const deployment = await openDeployment({ config, env: {}, initialize: true });
    const app = await buildApp({ ca: deployment.ca, config, events: deployment.events });
    const t = { app, deployment, dir, adminToken: deployment.firstStart!.adminToken, admin: { authorization: `Bearer ${deployment.firstStart!.adminToken}` }, close: async () => {} };
    try {
      const byShard = new Map<number, string[]>();
      for (let i = 0; i < 24; i++) {
        const dev = await issueDevice(t, `shard-${i}`);
        const der = Buffer.from(dev.certificate.replace(/-----[^-]+-----|\s/g, ''), 'base64').toString('latin1');
        const urls = [...der.matchAll(/https?:\/\/[!-~]*?\.crl/g)].map((m) => m[0]);
        assert.equal(urls.length, 1, `one CDP URL: ${urls.join(' ')}`);
        const m = new RegExp(`/crl/${CA}\\.(\\d)\\.crl$`).exec(urls[0]!);
        assert.ok(m, urls[0]);
        const shard = Number(m[1]);
        assert.ok(shard >= 0 && shard < 4);
        await revoke(t, dev.serial, 'keyCompromise');
        byShard.set(shard, [...(byShard.get(shard) ?? []), dev.serial]);
      }
      assert.ok(byShard.size >= 2, 'serials spread over shards');
      for (let shard = 0; shard < 4; shard++) {
        await deployment.ca.crls.publish(CA, 'full', shard);
        await deployment.ca.crls.publish(CA, 'delta', shard);
        for (const kind of ['', '.delta'] as const) {
          const { crl } = await getCrl(t, `${CA}.${shard}${kind}.crl`);
          assert.equal(crl.issuingDistributionPoint?.uri, `${config.publicUrl}/crl/${CA}.${shard}${kind}.crl`);
          assert.deepEqual(serials(crl).sort(), [...(byShard.get(shard) ?? [])].sort(), `shard ${shard}${kind}`);
        }
      }
      assert.equal((await t.app.inject({ method: 'GET', url: `/crl/${CA}.4.crl` })).statusCode, 404);
    } finally {
      await app.close();
      await deployment.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
