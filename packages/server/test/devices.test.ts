/** Device attributes over the REST API with inject(): replace, read, refusals, audit, outbox, event. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { DomainEvent } from '@fleetpki/ca';
import type { Problem } from '../src/errors.js';
import { auditEvents, bearer, json, openTestApp, type TestApp } from './helpers.js';

interface Attributes { deviceId: string; attributes: Record<string, string> }

describe('PUT/GET /api/v1/devices/{id}/attributes', () => {
  let t: TestApp;
  let auditor: { authorization: string };
  before(async () => {
    t = await openTestApp();
    const r = await t.app.inject({ method: 'POST', url: '/api/v1/tokens', headers: t.admin, payload: { name: 'a', role: 'auditor' } });
    auditor = bearer(json<{ token: string }>(r).token);
  });
  after(async () => { await t.close(); });

  const put = (id: string, payload: unknown, headers: Record<string, string> = t.admin) =>
    t.app.inject({ method: 'PUT', url: `/api/v1/devices/${id}/attributes`, headers, payload: payload as Record<string, unknown> });
  const get = (id: string, headers = t.admin) => t.app.inject({ method: 'GET', url: `/api/v1/devices/${id}/attributes`, headers });
  const problem = (r: { statusCode: number; json(): unknown }, status: number, code: string) => {
    assert.equal(r.statusCode, status);
    assert.equal(json<Problem>(r).code, code);
  };

  it('replaces the attributes (not a merge), creates an unknown device, and GET returns them', async () => {
    const events: DomainEvent[] = [];
    const stop = t.deployment.events.subscribe((e) => events.push(e));
    try {
      const r1 = await put('sensor-1', { status: 'active', firmware: '2.4' });
      assert.equal(r1.statusCode, 200, r1.body);
      assert.deepEqual(json<Attributes>(r1), { deviceId: 'sensor-1', attributes: { firmware: '2.4', status: 'active' } });
      assert.equal((await put('sensor-1', { status: 'disabled' })).statusCode, 200);
      assert.deepEqual(json<Attributes>(await get('sensor-1')), { deviceId: 'sensor-1', attributes: { status: 'disabled' } });
      assert.deepEqual(json<Attributes>(await get('sensor-1', auditor)).attributes, { status: 'disabled' });
      assert.deepEqual(events, [
        { type: 'device.attributes_changed', deviceId: 'sensor-1', attributes: { firmware: '2.4', status: 'active' } },
        { type: 'device.attributes_changed', deviceId: 'sensor-1', attributes: { status: 'disabled' } },
      ]);
      const outbox = await t.deployment.store.statusEventsAfter(0, 10);
      assert.deepEqual(outbox.map((e) => [e.type, e.deviceId]), [['device.attributes_changed', 'sensor-1'], ['device.attributes_changed', 'sensor-1']]);
      const audit = (await auditEvents(t)).filter((e) => e.action === 'device.attributes' && e.target === 'sensor-1');
      assert.deepEqual(audit.map((e) => [e.outcome, e.detail?.['previous'] ?? null]), [['success', null], ['success', { firmware: '2.4', status: 'active' }]]);
    } finally { stop(); }
  });

  it('refuses bad names, values, device ids and roles with their codes, audited, and changes nothing', async () => {
    await put('sensor-2', { status: 'active' });
    problem(await put('sensor-2', { Status: 'x' }), 400, 'REQUEST_INVALID');
    problem(await put('sensor-2', { status: '' }), 400, 'REQUEST_INVALID');
    problem(await put('sensor-2', Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`a${i}`, 'x']))), 400, 'REQUEST_INVALID');
    problem(await put('-bad', { status: 'x' }), 400, 'DEVICE_ID_INVALID');
    problem(await put('sensor-2', { status: 'x' }, auditor), 403, 'FORBIDDEN');
    problem(await put('sensor-2', { status: 'x' }, {}), 401, 'UNAUTHENTICATED');
    problem(await get('nobody'), 404, 'DEVICE_NOT_FOUND');
    assert.deepEqual(json<Attributes>(await get('sensor-2')).attributes, { status: 'active' });
    const refusals = (await auditEvents(t)).filter((e) => e.action === 'device.attributes' && e.outcome === 'refused').map((e) => e.code);
    assert.ok(refusals.includes('DEVICE_ID_INVALID') && refusals.includes('FORBIDDEN'), refusals.join());
  });
});
