/**
 * /api/v1/batches and /api/v1/reconciliation over a real deployment: a batch signed through
 * the use case (the in-thread preparer), one device enrolled, one connected through a
 * gateway, one never seen, a connected device no certificate names; exact bodies, the
 * roles that may read, and problem+json refusals.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SYSTEM_ACTOR, type BatchInputItem, type DeviceOutcome } from '@fleetpki/ca';
import { buildCsr, parseNameString } from '@fleetpki/core';
import { generatePrivateKey, softwareSigner } from '@fleetpki/keys';
import { batchPreparers } from '../src/index.js';
import { bearer, json, openTestApp, type TestApp } from './helpers.js';

const csrFor = async (id: string): Promise<Uint8Array> => buildCsr({ subject: parseNameString(`serialNumber=${id}`) }, softwareSigner(generatePrivateKey('ecdsa-p256')));

async function* requests(ids: readonly string[]): AsyncGenerator<BatchInputItem> {
  let line = 0;
  for (const id of ids) yield { kind: 'request', request: { line: ++line, deviceId: id, csrDer: await csrFor(id), attributes: { line: '3' } } };
}

describe('batches and reconciliation over REST', () => {
  let t: TestApp;
  let auditor: { authorization: string };
  const outcomes: DeviceOutcome[] = [];

  before(async () => {
    t = await openTestApp();
    const ca = t.deployment.ca;
    await ca.createManufacturerCa(SYSTEM_ACTOR, {
      name: 'cm1', parent: 'dev-issuing', subject: 'CN=Contoso Device CA', manufacturer: 'Contoso', namespace: 'cm1.devices.example.com', quota: 100, keyType: 'ecdsa-p256',
    });
    await ca.signBatch(SYSTEM_ACTOR, { batchId: 'B1', caName: 'cm1', profile: 'device-idevid' }, {
      requests: requests(['d1', 'd2', 'd3']), preparers: batchPreparers(0), manifest: null, sink: { write: async (o) => { outcomes.push(...o); } },
    });
    const serial = (id: string): string => {
      const o = outcomes.find((x) => x.deviceId === id);
      assert.ok(o && o.kind === 'issued', `${id} issued`);
      return o.serial;
    };
    const at = new Date('2031-03-04T05:06:07Z');
    await t.deployment.store.recordDeviceEnrollment({ deviceId: 'd1', label: 'g', attributes: {}, at, links: [{ role: 'bootstrap', serial: serial('d1'), sha256: 'ab'.repeat(32), at }] }, []);
    await t.deployment.store.recordPresence([
      { deviceId: 'd2', serial: serial('d2'), source: '192.0.2.7', gateway: 'gw1', at },
      { deviceId: 'ghost', serial: 'ffff', source: '192.0.2.8', gateway: 'gw1', at },
    ]);
    auditor = bearer((await ca.createApiToken(SYSTEM_ACTOR, { name: 'auditor', role: 'auditor' })).token);
  });
  after(async () => { await t?.close(); });

  it('lists batches and shows one, to an auditor too', async () => {
    const list = await t.app.inject({ url: '/api/v1/batches', headers: auditor });
    assert.equal(list.statusCode, 200);
    const body = json<{ items: { batchId: string }[]; nextCursor: null }>(list);
    assert.deepEqual([body.items.map((b) => b.batchId), body.nextCursor], [['B1'], null]);
    const one = json<Record<string, unknown>>(await t.app.inject({ url: '/api/v1/batches/B1', headers: t.admin }));
    const { createdAt, updatedAt, ...rest } = one;
    assert.match(String(createdAt), /^\d{4}-\d\d-\d\dT/);
    assert.ok(String(updatedAt) >= String(createdAt));
    assert.deepEqual(rest, {
      batchId: 'B1', ca: 'cm1', manufacturer: 'Contoso', profile: 'device-idevid', mode: 'csr', status: 'completed', outcomeCode: null,
      attributes: { batch: 'B1' }, issued: 3, refused: 0, runs: 1, requester: 'system', manifestSha256: null,
    });
  });

  it('reconciles: issued, seen (enrolled, connected), never seen, and a connected device no certificate names', async () => {
    const r = await t.app.inject({ url: '/api/v1/reconciliation?manufacturer=Contoso', headers: auditor });
    assert.equal(r.statusCode, 200);
    assert.deepEqual(json(r), {
      batches: [{ batchId: 'B1', ca: 'cm1', manufacturer: 'Contoso', issued: 3, seen: 2, neverSeen: 1, duplicates: 0 }], seenNotIssued: 1,
    });
    const never = json<{ items: { deviceId: string; batchId: string }[] }>(await t.app.inject({ url: '/api/v1/reconciliation/devices?set=never-seen&batch=B1', headers: auditor }));
    assert.deepEqual(never.items.map((d) => [d.deviceId, d.batchId]), [['d3', 'B1']]);
    const ghosts = json<{ items: unknown[] }>(await t.app.inject({ url: '/api/v1/reconciliation/devices?set=seen-not-issued', headers: auditor }));
    assert.deepEqual(ghosts.items, [{ deviceId: 'ghost', batchId: null, serial: null, lastSeenAt: '2031-03-04T05:06:07.000Z' }]);
  });

  it('refuses with problem+json: no token 401, an unknown batch 404 BATCH_NOT_FOUND, an unknown set 400 REQUEST_INVALID', async () => {
    const cases = [
      { url: '/api/v1/batches', headers: {}, status: 401, code: 'UNAUTHENTICATED' },
      { url: '/api/v1/batches/B9', headers: t.admin, status: 404, code: 'BATCH_NOT_FOUND' },
      { url: '/api/v1/reconciliation/devices?set=everything', headers: t.admin, status: 400, code: 'REQUEST_INVALID' },
      { url: '/api/v1/batches?limit=0', headers: t.admin, status: 400, code: 'REQUEST_INVALID' },
    ];
    for (const c of cases) {
      const r = await t.app.inject({ url: c.url, headers: c.headers });
      assert.equal(r.statusCode, c.status, c.url);
      assert.equal(r.headers['content-type'], 'application/problem+json; charset=utf-8');
      assert.equal(json<{ code: string }>(r).code, c.code, c.url);
    }
  });
});
