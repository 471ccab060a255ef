/** /api/v1/enrollment-groups over inject(): create, list, show, secrets, approval; roles and bad input. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toPem } from '@fleetpki/core';
import { auditEvents, bearer, json, openTestApp, type TestApp } from './helpers.js';

const PATTERN = '^sensor-[0-9a-f]{8}$';

async function anchorPem(t: TestApp): Promise<string> {
  return toPem('CERTIFICATE', (await t.deployment.store.getCa('dev-issuing'))!.certificateDer!);
}

async function token(t: TestApp, role: 'operator' | 'auditor'): Promise<{ authorization: string }> {
  const r = await t.app.inject({ method: 'POST', url: '/api/v1/tokens', headers: t.admin, payload: { name: role, role } });
  return bearer(json<{ token: string }>(r).token);
}

test('create, list, show a group; a secret for a device; bad input refused with its code', async () => {
  const t = await openTestApp();
  try {
    const anchors = [await anchorPem(t)];
    const created = await t.app.inject({ method: 'POST', url: '/api/v1/enrollment-groups', headers: t.admin, payload: {
      label: 'sensors', profile: 'device-operational', anchors, deviceIdPattern: PATTERN, approval: 'manual', bootstrapReuse: 3, rateLimit: { requests: 5, perSeconds: 60 },
    } });
    assert.equal(created.statusCode, 201);
    const group = json<Record<string, unknown>>(created);
    assert.deepEqual({ ...group, createdAt: 'x' }, {
      label: 'sensors', estPath: '/.well-known/est/sensors/', ca: 'dev-issuing', profile: 'device-operational', anchors, deviceIdPattern: PATTERN,
      attributes: {}, approval: 'manual', rateLimit: { requests: 5, perSeconds: 60 }, bootstrapReuse: 3, reenrollWithBootstrap: false, popLinking: false,
      webhook: null, retryAfterSeconds: 60, serverKeygenEncryption: 'required', createdAt: 'x',
    });
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/enrollment-groups', headers: t.admin });
    assert.deepEqual(json<{ items: unknown[] }>(list).items, [group]);
    assert.deepEqual(json(await t.app.inject({ method: 'GET', url: '/api/v1/enrollment-groups/sensors', headers: t.admin })), group);

    const secret = await t.app.inject({ method: 'POST', url: '/api/v1/enrollment-groups/sensors/secrets', headers: t.admin, payload: { deviceId: 'sensor-0a1b2c3d' } });
    assert.equal(secret.statusCode, 201);
    assert.equal(secret.headers['cache-control'], 'no-store');
    assert.match(json<{ secret: string }>(secret).secret, /^[A-Za-z0-9_-]{43}$/);

    const bad: [string, string, unknown, number, string][] = [
      ['POST', '/api/v1/enrollment-groups', { label: 'sensors', profile: 'device-operational', anchors }, 409, 'ENROLLMENT_GROUP_EXISTS'],
      ['POST', '/api/v1/enrollment-groups', { label: 'Bad Label', profile: 'device-operational', anchors }, 400, 'REQUEST_INVALID'],
      ['POST', '/api/v1/enrollment-groups', { label: 'x', profile: 'nope', anchors }, 404, 'PROFILE_NOT_FOUND'],
      ['POST', '/api/v1/enrollment-groups', { label: 'x', profile: 'gateway-server', anchors }, 403, 'PROFILE_NOT_ALLOWED'],
      ['POST', '/api/v1/enrollment-groups', { label: 'x', profile: 'device-operational', anchors: ['not pem'] }, 400, 'REQUEST_INVALID'],
      ['POST', '/api/v1/enrollment-groups', { label: 'x', profile: 'device-operational', anchors, deviceIdPattern: 'sensor-.*' }, 400, 'REQUEST_INVALID'],
      ['POST', '/api/v1/enrollment-groups', { label: 'x', profile: 'device-operational', anchors, serverKeygenEncryption: 'optional' }, 400, 'REQUEST_INVALID'],
      ['POST', '/api/v1/enrollment-groups', { label: 'x', profile: 'device-operational', anchors, ca: 'nope' }, 404, 'CA_NOT_FOUND'],
      ['POST', '/api/v1/enrollment-groups', { label: 'x', profile: 'device-operational' }, 400, 'REQUEST_INVALID'],
      ['POST', '/api/v1/enrollment-groups/sensors/secrets', { deviceId: 'camera-1' }, 403, 'DEVICE_ID_NOT_ALLOWED'],
      ['POST', '/api/v1/enrollment-groups/sensors/secrets', { deviceId: 'bad id' }, 400, 'DEVICE_ID_INVALID'],
      ['POST', '/api/v1/enrollment-groups/nope/secrets', { deviceId: 'sensor-0a1b2c3d' }, 404, 'ENROLLMENT_GROUP_NOT_FOUND'],
      ['GET', '/api/v1/enrollment-groups/nope', undefined, 404, 'ENROLLMENT_GROUP_NOT_FOUND'],
      ['POST', '/api/v1/enrollment-groups/sensors/pending/0123/approve', undefined, 404, 'ENROLLMENT_PENDING_NOT_FOUND'],
    ];
    for (const [method, url, payload, status, code] of bad) {
      const r = await t.app.inject({ method: method as 'GET' | 'POST', url, headers: t.admin, ...(payload !== undefined ? { payload: payload as object } : {}) });
      assert.deepEqual([r.statusCode, json<{ code: string }>(r).code], [status, code], `${method} ${url} ${JSON.stringify(payload)}`);
    }
    assert.equal(json<{ items: unknown[] }>(await t.app.inject({ method: 'GET', url: '/api/v1/enrollment-groups', headers: t.admin })).items.length, 1);
    const refusals = (await auditEvents(t)).filter((e) => e.outcome === 'refused' && e.action.startsWith('enrollment'));
    assert.ok(refusals.some((e) => e.code === 'ENROLLMENT_GROUP_EXISTS' && e.action === 'enrollment_group.create'));
    assert.ok(refusals.some((e) => e.code === 'DEVICE_ID_NOT_ALLOWED' && e.action === 'enrollment_secret.create'));
  } finally { await t.close(); }
});

test('roles: operators make secrets and decide, only admins create groups, auditors read; no token is 401', async () => {
  const t = await openTestApp();
  try {
    const operator = await token(t, 'operator');
    const auditor = await token(t, 'auditor');
    const body = { label: 'g', profile: 'device-operational', anchors: [await anchorPem(t)] };
    const asOperator = await t.app.inject({ method: 'POST', url: '/api/v1/enrollment-groups', headers: operator, payload: body });
    assert.deepEqual([asOperator.statusCode, json<{ code: string }>(asOperator).code], [403, 'FORBIDDEN']);
    const none = await t.app.inject({ method: 'POST', url: '/api/v1/enrollment-groups', payload: body });
    assert.deepEqual([none.statusCode, json<{ code: string }>(none).code], [401, 'UNAUTHENTICATED']);
    assert.equal((await t.app.inject({ method: 'POST', url: '/api/v1/enrollment-groups', headers: t.admin, payload: body })).statusCode, 201);
    assert.equal((await t.app.inject({ method: 'POST', url: '/api/v1/enrollment-groups/g/secrets', headers: operator, payload: { deviceId: 'd1' } })).statusCode, 201);
    const asAuditor = await t.app.inject({ method: 'POST', url: '/api/v1/enrollment-groups/g/secrets', headers: auditor, payload: { deviceId: 'd1' } });
    assert.deepEqual([asAuditor.statusCode, json<{ code: string }>(asAuditor).code], [403, 'FORBIDDEN']);
    assert.equal((await t.app.inject({ method: 'GET', url: '/api/v1/enrollment-groups/g', headers: auditor })).statusCode, 200);
    assert.equal((await t.app.inject({ method: 'GET', url: '/api/v1/enrollment-groups/g/pending', headers: auditor })).statusCode, 200);
    const approve = await t.app.inject({ method: 'POST', url: '/api/v1/enrollment-groups/g/pending/abc/approve', headers: auditor });
    assert.deepEqual([approve.statusCode, json<{ code: string }>(approve).code], [403, 'FORBIDDEN']);
  } finally { await t.close(); }
});

test('pending enrollments: listed, approved once over REST, then the same CSR issues', async () => {
  const t = await openTestApp();
  try {
    await t.app.inject({ method: 'POST', url: '/api/v1/enrollment-groups', headers: t.admin, payload: {
      label: 'manual', profile: 'device-operational', anchors: [await anchorPem(t)], approval: 'manual', retryAfterSeconds: 5,
    } });
    const { secret } = json<{ secret: string }>(await t.app.inject({ method: 'POST', url: '/api/v1/enrollment-groups/manual/secrets', headers: t.admin, payload: { deviceId: 'dev-1' } }));
    const { csrFor } = await import('./enrollment-support.js');
    const csrDer = await csrFor('CN=dev-1');
    const req = { label: 'manual', operation: 'simpleenroll' as const, csrDer, auth: { kind: 'secret' as const, deviceId: 'dev-1', secret }, channelBinding: null, source: '127.0.0.1' };
    const pending = await t.deployment.ca.enrollment.enroll(req);
    assert.deepEqual(pending.status === 'pending' ? pending.retryAfterSeconds : null, 5);
    const list = json<{ items: { id: string; deviceId: string; status: string }[] }>(await t.app.inject({ method: 'GET', url: '/api/v1/enrollment-groups/manual/pending', headers: t.admin }));
    assert.deepEqual(list.items.map((p) => [p.deviceId, p.status]), [['dev-1', 'pending']]);
    const id = list.items[0]!.id;
    const ok = await t.app.inject({ method: 'POST', url: `/api/v1/enrollment-groups/manual/pending/${id}/approve`, headers: t.admin });
    assert.deepEqual([ok.statusCode, json<{ status: string }>(ok).status], [200, 'approved']);
    const again = await t.app.inject({ method: 'POST', url: `/api/v1/enrollment-groups/manual/pending/${id}/reject`, headers: t.admin });
    assert.deepEqual([again.statusCode, json<{ code: string }>(again).code], [409, 'ENROLLMENT_PENDING_DECIDED']);
    assert.equal((await t.deployment.ca.enrollment.enroll(req)).status, 'issued');
    const approvals = (await auditEvents(t)).filter((e) => e.action === 'enrollment.approve');
    assert.deepEqual(approvals.map((e) => [e.outcome, e.target]), [['success', id]]);
  } finally { await t.close(); }
});
