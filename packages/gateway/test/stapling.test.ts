/**
 * The OCSP staple of the gateway's own certificate, against the deployment's real responder
 * (in-process) and a clock of our own: refreshed halfway between thisUpdate and nextUpdate,
 * the last good response kept through failed refreshes until its nextUpdate, nothing after;
 * a response that does not verify for this certificate is never stapled.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { fromPemAll, parseCertificate, parseOcspResponse } from '@fleetpki/core';
import { OcspStapler } from '@fleetpki/server';
import { openGatewayFixture, type GatewayFixture } from './support/fixture.js';

describe('OCSP stapling', () => {
  let f: GatewayFixture;
  before(async () => { f = await openGatewayFixture(); });
  after(() => f.close());

  it('staples a verified good response, refreshes halfway to nextUpdate, keeps the last good one until nextUpdate', async () => {
    let now = new Date();
    let failing = false;
    let calls = 0;
    const stapler = new OcspStapler({
      certPem: () => readFileSync(f.gateway.certificate.path, 'utf8'),
      anchors: () => [{ kind: 'certificate', certificate: parseCertificate(fromPemAll(f.rootPem)[0]!.der) }],
      now: () => now, timeoutMs: 1000, retryMs: 30_000, refreshAt: 0.5, onError: () => undefined,
      source: async (body) => {
        calls++;
        if (failing) throw new Error('responder down');
        const a = await f.deployment.ca.ocsp.respond(body);
        assert.equal(a.status, 'successful');
        return a.status === 'successful' ? a.response.der : Buffer.alloc(0);
      },
    });
    try {
      await stapler.start();
      const first = stapler.current();
      assert.ok(first);
      const parsed = parseOcspResponse(first);
      assert.equal(parsed.status, 'successful');
      const single = parsed.status === 'successful' ? parsed.responses[0]! : null;
      const half = single!.thisUpdate.getTime() + (single!.nextUpdate!.getTime() - single!.thisUpdate.getTime()) / 2;
      assert.ok(Math.abs(stapler.nextRefresh!.getTime() - half) < 2000, 'refresh due halfway');
      failing = true;
      now = new Date(half + 1000);
      await stapler.refresh();
      assert.equal(calls, 2);
      assert.deepEqual(stapler.current(), first, 'the last good response is kept');
      assert.equal(stapler.nextRefresh!.getTime(), now.getTime() + 30_000, 'retried after retryMs');
      now = new Date(single!.nextUpdate!.getTime() + 1);
      assert.equal(stapler.current(), null, 'nothing stapled past nextUpdate');
    } finally {
      stapler.stop();
    }
  });

  it('does not staple an answer that is not a verified response for this certificate', async () => {
    const stapler = new OcspStapler({
      certPem: () => readFileSync(f.gateway.certificate.path, 'utf8'),
      anchors: () => [], now: () => new Date(), timeoutMs: 1000, retryMs: 30_000, refreshAt: 0.5, onError: () => undefined,
      source: async (body) => { const a = await f.deployment.ca.ocsp.respond(body); return a.status === 'successful' ? a.response.der : Buffer.alloc(0); },
    });
    try {
      await stapler.start();
      assert.equal(stapler.current(), null, 'no anchor: the response does not verify');
    } finally {
      stapler.stop();
    }
  });
});
