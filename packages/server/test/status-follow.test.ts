/**
 * Changes committed by another process on the same data folder (as the CLI does) reach a
 * running server through the status-event outbox: its OCSP answers and its event bus.
 * And the feed itself: ordered pulls, and a reset when the rows after it were pruned.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StatusFeed, SYSTEM_ACTOR, type DomainEvent } from '@fleetpki/ca';
import { parseOcspResponse, type BasicOcspResponse } from '@fleetpki/core';
import { openDeployment, parseConfig, type Deployment } from '../src/index.js';
import { followStatusEvents } from '../src/status-follow.js';
import type { StatusTail } from '../src/status-tail.js';
import { openTestApp, type TestApp } from './helpers.js';
import { idFor, issueDevice, issuingCa, ocspRequest, type Issuing } from './status-support.js';

async function certStatus(t: TestApp, issuing: Issuing, serial: string): Promise<string> {
  const r = await t.app.inject({ method: 'POST', url: '/ocsp', headers: { 'content-type': 'application/ocsp-request' }, payload: ocspRequest([idFor(issuing, serial)]) });
  return (parseOcspResponse(r.rawPayload) as BasicOcspResponse).responses[0]!.certStatus.status;
}

describe('following the status-event outbox', () => {
  let t: TestApp;
  let other: Deployment;
  let tail: StatusTail;
  let issuing: Issuing;
  const seen: DomainEvent[] = [];

  before(async () => {
    t = await openTestApp();
    issuing = await issuingCa(t);
    tail = await followStatusEvents(t.deployment, (e) => { throw e; }, 20);
    t.deployment.events.subscribe((e) => seen.push(e));
    other = await openDeployment({ config: parseConfig({ dataDir: t.dir, listen: { port: 0 }, logLevel: 'silent' }), env: {}, initialize: false });
  });
  after(async () => { await tail.stop(); await other.close(); await t.close(); });

  it('a revocation by another process turns this server\'s cached OCSP answer to revoked, and is published on its bus', async () => {
    const dev = await issueDevice(t, 'follow-1');
    assert.equal(await certStatus(t, issuing, dev.serial), 'good');
    assert.equal(await certStatus(t, issuing, dev.serial), 'good', 'now answered from the cache');
    await other.ca.revokeCertificate(SYSTEM_ACTOR, dev.serial, { reason: 'keyCompromise' });
    await tail.settle();
    assert.equal(await certStatus(t, issuing, dev.serial), 'revoked');
    const event = seen.find((e) => e.type === 'certificate.revoked' && e.serial === dev.serial);
    assert.deepEqual(event && { ...event, revokedAt: undefined }, {
      type: 'certificate.revoked', serial: dev.serial, caName: 'dev-issuing', deviceId: 'follow-1', crlShard: 0,
      reason: 'keyCompromise', revokedAt: undefined, invalidityDate: null,
    });
  });

  it('attribute changes by another process are published too', async () => {
    await other.ca.setDeviceAttributes(SYSTEM_ACTOR, 'follow-2', { status: 'disabled' });
    await tail.settle();
    assert.deepEqual(seen.filter((e) => e.type === 'device.attributes_changed'), [{ type: 'device.attributes_changed', deviceId: 'follow-2', attributes: { status: 'disabled' } }]);
  });

  it('StatusFeed: pulls after its mark in order, and answers reset when rows after it were pruned', async () => {
    const feed = new StatusFeed(t.deployment.store, 2);
    const mark = await feed.mark();
    for (const id of ['f1', 'f2', 'f3']) await other.ca.setDeviceAttributes(SYSTEM_ACTOR, id, { n: id });
    const first = await feed.pull();
    assert.deepEqual(!first.reset && first.events.map((e) => e.deviceId), ['f1', 'f2']);
    const lagging = new StatusFeed(t.deployment.store);
    await lagging.mark();
    await other.ca.setDeviceAttributes(SYSTEM_ACTOR, 'f4', { n: 'f4' });
    await new Promise((r) => setTimeout(r, 5)); // f5 a few ms later, so pruning can cut between them
    await other.ca.setDeviceAttributes(SYSTEM_ACTOR, 'f5', { n: 'f5' });
    const second = await feed.pull();
    assert.deepEqual(!second.reset && second.events.map((e) => e.deviceId), ['f3', 'f4']);
    assert.ok(feed.position! > mark);
    const events = await t.deployment.store.statusEventsAfter(lagging.position!, 10);
    // Prune through f4: the lagging feed (positioned before f4) missed it; `feed` (after f4) did not.
    await t.deployment.store.pruneStatusEvents(new Date(events[0]!.at.getTime() + 1));
    assert.deepEqual(await lagging.pull(), { reset: true });
    const third = await feed.pull();
    assert.deepEqual(!third.reset && third.events.map((e) => e.deviceId), ['f5']);
  });
});

