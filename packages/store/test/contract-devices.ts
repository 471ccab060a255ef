/**
 * Contract: device attributes, the status-event outbox (written with revocations, lifted
 * holds and attribute changes; read in seq order; woken across nodes where the engine can),
 * the deny-list a gateway starts from, presence and sequence states.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { AuditEventInput } from '@fleetpki/ca';
import { at, event } from './fixtures.js';
import type { OpenHarness } from './harness.js';
import { withHarness } from './contract-cas.js';
import { auditFor, revocation, seedIssued } from './contract-revocation.js';

const audit = (action: string) => (previous: Readonly<Record<string, string>> | null): AuditEventInput[] =>
  [event(action, { detail: { previous } })];

export function devicesContract(open: OpenHarness): void {
  it('attributes: PUT creates an unknown device, then replaces; each change audits the previous value and writes one outbox row', () => withHarness(open, async ({ store }) => {
    assert.equal(await store.getDeviceAttributes('d1'), null);
    const first = await store.putDeviceAttributes('d1', { status: 'active', firmware: '2.4' }, at(1), audit('device.attributes'));
    assert.deepEqual({ created: first.created, previous: first.previous }, { created: true, previous: null });
    const second = await store.putDeviceAttributes('d1', { status: 'disabled' }, at(2), audit('device.attributes'));
    assert.deepEqual({ created: second.created, previous: second.previous }, { created: false, previous: { firmware: '2.4', status: 'active' } });
    assert.ok(second.seq > first.seq);
    assert.deepEqual(await store.getDeviceAttributes('d1'), { deviceId: 'd1', attributes: { status: 'disabled' } });
    const events = await store.statusEventsAfter(0, 10);
    assert.deepEqual(events.map((e) => [e.seq, e.type, e.deviceId, e.detail, e.at.getTime()]), [
      [first.seq, 'device.attributes_changed', 'd1', { attributes: { firmware: '2.4', status: 'active' } }, at(1).getTime()],
      [second.seq, 'device.attributes_changed', 'd1', { attributes: { status: 'disabled' } }, at(2).getTime()],
    ]);
    const trail = await store.readAudit(0, 10);
    assert.deepEqual(trail.map((e) => e.detail), [{ previous: null }, { previous: { firmware: '2.4', status: 'active' } }]);
    assert.equal((await store.getDevice('d1'))?.label, '');
  }));

  it('a failed audit write rolls the attribute change and its outbox row back', () => withHarness(open, async ({ store }) => {
    await store.putDeviceAttributes('d1', { status: 'active' }, at(1), audit('device.attributes'));
    await assert.rejects(store.putDeviceAttributes('d1', { status: 'off' }, at(2), () => { throw new Error('boom'); }));
    assert.deepEqual((await store.getDeviceAttributes('d1'))?.attributes, { status: 'active' });
    assert.equal((await store.statusEventsAfter(0, 10)).length, 1);
  }));

  it('revocations and lifted holds write outbox rows in their transaction; reads page by seq; bounds and pruning', () => withHarness(open, async ({ store }) => {
    const [s1, s2, s3] = await seedIssued(store, 3);
    await store.revokeCertificates([revocation(s1!, 'keyCompromise', 100), revocation(s2!, 'certificateHold', 101), revocation('99')], auditFor);
    await store.revokeCertificates([revocation(s1!, 'superseded', 102)], auditFor); // already revoked: no row
    await store.releaseHold(s2!, at(103), (r) => ({ ...event('certificate.release_hold'), target: r.serial }));
    const events = await store.statusEventsAfter(0, 100);
    assert.deepEqual(events.map((e) => [e.type, e.serial, e.caName, e.deviceId, e.detail['reason'] ?? null]), [
      ['certificate.revoked', s1, 'issuing-1', `dev-${s1}`, 'keyCompromise'],
      ['certificate.revoked', s2, 'issuing-1', `dev-${s2}`, 'certificateHold'],
      ['certificate.hold_released', s2, 'issuing-1', `dev-${s2}`, null],
    ]);
    assert.deepEqual((await store.statusEventsAfter(events[0]!.seq, 1)).map((e) => e.seq), [events[1]!.seq]);
    assert.deepEqual(await store.statusEventBounds(), { last: events[2]!.seq, prunedThrough: 0 });
    assert.equal(await store.pruneStatusEvents(at(103)), 2);
    assert.deepEqual(await store.statusEventBounds(), { last: events[2]!.seq, prunedThrough: events[1]!.seq });
    assert.equal(await store.pruneStatusEvents(at(200)), 1);
    assert.deepEqual(await store.statusEventBounds(), { last: events[2]!.seq, prunedThrough: events[2]!.seq }, 'an empty outbox keeps its head');
    await store.revokeCertificates([revocation(s3!, 'keyCompromise', 104)], auditFor);
    const after = await store.statusEventsAfter(events[2]!.seq, 10);
    assert.equal(after.length, 1);
    assert.ok(after[0]!.seq > events[2]!.seq, 'seq never goes back, pruned or not');
  }));

  it('denied serials: revoked and unexpired, in serial order, paged; a lifted hold leaves the list', () => withHarness(open, async ({ store }) => {
    const serials = await seedIssued(store, 4);
    await store.revokeCertificates(serials.slice(0, 3).map((s, k) => revocation(s, k === 1 ? 'certificateHold' : 'keyCompromise', 100 + k)), auditFor);
    await store.releaseHold(serials[1]!, at(110), (r) => ({ ...event('certificate.release_hold'), target: r.serial }));
    const page1 = await store.deniedSerials(at(0), '', 1);
    assert.deepEqual(page1, [{ serial: serials[0], caName: 'issuing-1', deviceId: `dev-${serials[0]}` }]);
    assert.deepEqual((await store.deniedSerials(at(0), page1[0]!.serial, 10)).map((d) => d.serial), [serials[2]]);
    // intent() certificates expire at T0 + 1 day.
    assert.deepEqual(await store.deniedSerials(at(86400), '', 10), []);
  }));

  it('watchStatusEvents: PostgreSQL wakes another node at commit, not on rollback; SQLite says null (readers poll)', () => withHarness(open, async (h) => {
    const peer = await h.openPeer();
    try {
      let wakes = 0;
      const stop = await peer.watchStatusEvents(() => { wakes++; });
      if (h.store.dialect.name === 'sqlite') { assert.equal(stop, null); return; }
      assert.equal(wakes, 1, 'one wake when the listening connection is up');
      await assert.rejects(h.store.putDeviceAttributes('d9', { status: 'x' }, at(1), () => { throw new Error('rolled back'); }));
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(wakes, 1, 'a rolled-back change notifies nobody');
      await h.store.putDeviceAttributes('d9', { status: 'x' }, at(1), () => []);
      for (let waited = 0; wakes === 1 && waited < 5000; waited += 10) await new Promise((r) => setTimeout(r, 10));
      assert.equal(wakes, 2);
      await stop!();
    } finally {
      await peer.close();
    }
  }));

  it('presence: first seen kept, last seen only moves forward, the newest update of a batch wins', () => withHarness(open, async ({ store }) => {
    const u = (deviceId: string, s: number, source: string) => ({ deviceId, serial: `0${s}`, source, gateway: 'gw-1', at: at(s) });
    await store.recordPresence([u('d1', 5, '192.0.2.5'), u('d1', 3, '192.0.2.3'), u('d2', 4, '192.0.2.4')]);
    await store.recordPresence([u('d1', 2, '192.0.2.2')]);
    assert.deepEqual(await store.getPresence('d1'), {
      deviceId: 'd1', firstSeenAt: at(5), lastSeenAt: at(5), lastSerial: '05', lastSource: '192.0.2.5', lastGateway: 'gw-1',
    });
    await store.recordPresence([u('d1', 9, '192.0.2.9')]);
    assert.deepEqual((await store.getPresence('d1'))?.lastSeenAt, at(9));
    assert.deepEqual((await store.getPresence('d1'))?.firstSeenAt, at(5));
    assert.equal(await store.getPresence('nobody'), null);
  }));

  it('sequence states: compare-and-set from the expected index; two nodes racing, one wins', () => withHarness(open, async ({ store }) => {
    assert.equal(await store.getSequenceState('d1', 'route'), null);
    const racers = await Promise.all([0, 1, 2, 3].map(() => store.advanceSequenceState('d1', 'route', null, { index: 0, station: 'factory', at: at(1) })));
    assert.equal(racers.filter(Boolean).length, 1);
    assert.equal(await store.advanceSequenceState('d1', 'route', 3, { index: 4, station: 'ship', at: at(2) }), false);
    assert.equal(await store.advanceSequenceState('d1', 'route', 0, { index: 1, station: 'truck', at: at(2) }), true);
    assert.deepEqual(await store.getSequenceState('d1', 'route'), { index: 1, station: 'truck', at: at(2) });
    assert.equal(await store.getSequenceState('d1', 'other'), null);
  }));
}
