/** Revocation over the REST API with inject(): by serial, holds, by device, and by query with its dry run. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SYSTEM_ACTOR } from '@fleetpki/ca';
import type { Problem } from '../src/errors.js';
import type { CertificateDetail, IssueResponse } from '../src/schemas/certificates.js';
import { auditEvents, bearer, json, openTestApp, quickCsr, type TestApp } from './helpers.js';

interface Preview { count: number; devices: number; sample: { serial: string }[]; confirmation: string; query: Record<string, unknown>; asOf: string }
interface Run { previewed: number; revoked: number; alreadyRevoked: number; batches: number; serials: string[] }

let csr: string | undefined;

async function issue(t: TestApp, deviceId: string, attributes?: Record<string, string>): Promise<string> {
  csr ??= await quickCsr('CN=device');
  const r = await t.app.inject({ method: 'POST', url: '/api/v1/certificates', headers: t.admin, payload: { csr, profile: 'device-operational', deviceId, ...(attributes ? { attributes } : {}) } });
  assert.equal(r.statusCode, 201, r.body);
  return json<IssueResponse>(r).serial;
}

function post(t: TestApp, url: string, payload?: unknown, headers = t.admin) {
  return t.app.inject({ method: 'POST', url: `/api/v1${url}`, headers, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });
}

function problem(r: { statusCode: number; headers: Record<string, unknown>; json(): unknown }, status: number, code: string): void {
  assert.equal(r.statusCode, status);
  assert.match(String(r.headers['content-type']), /^application\/problem\+json/);
  assert.equal(json<Problem>(r).code, code);
}

describe('POST /api/v1/certificates/{serial}/revoke', () => {
  let t: TestApp;
  before(async () => { t = await openTestApp(); });
  after(async () => { await t.close(); });

  it('revokes with an RFC 5280 reason; GET then shows status revoked; twice is 409 CERTIFICATE_ALREADY_REVOKED', async () => {
    const serial = await issue(t, 'dev-1');
    const invalidityDate = new Date(Date.now() - 86_400_000).toISOString();
    const r = await post(t, `/certificates/${serial}/revoke`, { reason: 'keyCompromise', invalidityDate });
    assert.equal(r.statusCode, 200, r.body);
    const detail = json<CertificateDetail>(r);
    assert.deepEqual([detail.status, detail.revocationReason, detail.invalidityDate], ['revoked', 'keyCompromise', invalidityDate]);
    assert.ok(detail.revokedAt && Date.parse(detail.revokedAt) <= Date.now());
    assert.ok(detail.certificate);
    const got = json<CertificateDetail>(await t.app.inject({ method: 'GET', url: `/api/v1/certificates/${serial}`, headers: t.admin }));
    assert.deepEqual([got.status, got.revokedAt, got.revocationReason], ['revoked', detail.revokedAt, 'keyCompromise']);
    problem(await post(t, `/certificates/${serial}/revoke`, { reason: 'keyCompromise' }), 409, 'CERTIFICATE_ALREADY_REVOKED');
    const successes = (await auditEvents(t)).filter((e) => e.action === 'certificate.revoke' && e.outcome === 'success' && e.target === serial);
    assert.equal(successes.length, 1);
    const metrics = (await t.app.inject({ url: '/metrics' })).body;
    assert.match(metrics, /^fleetpki_certificates_revoked_total\{reason="keyCompromise",ca="dev-issuing"\} 1$/m);
  });

  it('answers each refusal with its code', async () => {
    const serial = await issue(t, 'dev-2');
    problem(await post(t, `/certificates/${serial}/revoke`, { reason: 'lost' }), 400, 'REVOCATION_REASON_INVALID');
    problem(await post(t, `/certificates/${serial}/revoke`, { reason: 'removeFromCRL' }), 400, 'REVOCATION_REASON_INVALID');
    problem(await post(t, `/certificates/${serial}/revoke`, { reason: 'keyCompromise', invalidityDate: '2999-01-01T00:00:00Z' }), 400, 'INVALIDITY_DATE_INVALID');
    problem(await post(t, `/certificates/${serial}/revoke`, { reason: 'keyCompromise', invalidityDate: 'yesterday' }), 400, 'REQUEST_INVALID');
    problem(await post(t, `/certificates/${serial}/revoke`, { reason: 'keyCompromise', note: 'x' }), 400, 'REQUEST_INVALID');
    problem(await post(t, `/certificates/${serial}/revoke`, {}), 400, 'REQUEST_INVALID');
    problem(await post(t, '/certificates/7f0000ff/revoke', { reason: 'keyCompromise' }), 404, 'CERTIFICATE_NOT_FOUND');
    const { token } = await t.deployment.ca.createApiToken(SYSTEM_ACTOR, { name: 'reader', role: 'auditor' });
    problem(await post(t, `/certificates/${serial}/revoke`, { reason: 'keyCompromise' }, bearer(token)), 403, 'FORBIDDEN');
    problem(await post(t, `/certificates/${serial}/revoke`, { reason: 'keyCompromise' }, {} as { authorization: string }), 401, 'UNAUTHENTICATED');
    assert.equal(json<CertificateDetail>(await t.app.inject({ method: 'GET', url: `/api/v1/certificates/${serial}`, headers: t.admin })).status, 'issued');
  });

  it('certificateHold suspends; release-hold makes the certificate good again; only a hold can be released', async () => {
    const serial = await issue(t, 'dev-3');
    problem(await post(t, `/certificates/${serial}/release-hold`), 409, 'CERTIFICATE_NOT_ON_HOLD');
    assert.equal(json<CertificateDetail>(await post(t, `/certificates/${serial}/revoke`, { reason: 'certificateHold' })).revocationReason, 'certificateHold');
    const released = await post(t, `/certificates/${serial}/release-hold`);
    assert.equal(released.statusCode, 200, released.body);
    assert.deepEqual([json<CertificateDetail>(released).status, json<CertificateDetail>(released).revokedAt], ['issued', null]);
    problem(await post(t, `/certificates/${serial}/release-hold`), 409, 'CERTIFICATE_NOT_ON_HOLD');
    problem(await post(t, '/certificates/7f0000ff/release-hold'), 404, 'CERTIFICATE_NOT_FOUND');
  });
});

describe('POST /api/v1/devices/{deviceId}/revoke and /api/v1/revocations', () => {
  let t: TestApp;
  before(async () => { t = await openTestApp(); });
  after(async () => { await t.close(); });

  it('revokes every certificate of a device', async () => {
    const serials = [await issue(t, 'cam-7'), await issue(t, 'cam-7')];
    const other = await issue(t, 'cam-8');
    const r = await post(t, '/devices/cam-7/revoke', { reason: 'cessationOfOperation' });
    assert.equal(r.statusCode, 200, r.body);
    const body = json<Run & { deviceId: string }>(r);
    assert.deepEqual([body.deviceId, body.revoked, [...body.serials].sort()], ['cam-7', 2, [...serials].sort()]);
    assert.equal((await t.deployment.store.getCertificate(other))?.status, 'issued');
    problem(await post(t, '/devices/cam-7/revoke', { reason: 'cessationOfOperation' }), 409, 'CERTIFICATE_ALREADY_REVOKED');
    problem(await post(t, '/devices/nobody/revoke', { reason: 'cessationOfOperation' }), 404, 'CERTIFICATE_NOT_FOUND');
  });

  it('a dry run answers count, devices, sample and a token; the confirmed run revokes exactly those', async () => {
    const b7 = [await issue(t, 'lot-1', { batch: 'B7' }), await issue(t, 'lot-2', { batch: 'B7' }), await issue(t, 'lot-2', { batch: 'B7' })];
    const b8 = await issue(t, 'lot-3', { batch: 'B8' });
    const query = { attributes: { batch: 'B7' }, ca: 'dev-issuing' };
    const dry = await post(t, '/revocations/preview', query);
    assert.equal(dry.statusCode, 200, dry.body);
    assert.equal(dry.headers['cache-control'], 'no-store');
    const preview = json<Preview>(dry);
    assert.deepEqual([preview.count, preview.devices, preview.sample.map((c) => c.serial)], [3, 2, b7]);
    assert.deepEqual(preview.query, { ...query, status: 'issued' });
    for (const s of b7) assert.equal((await t.deployment.store.getCertificate(s))?.status, 'issued');
    problem(await post(t, '/revocations', { query, reason: 'keyCompromise', confirmation: `fpr_${'x'.repeat(43)}` }), 422, 'REVOCATION_CONFIRMATION_INVALID');
    problem(await post(t, '/revocations', { query, reason: 'nope', confirmation: preview.confirmation }), 400, 'REVOCATION_REASON_INVALID');
    const run = await post(t, '/revocations', { query, reason: 'keyCompromise', confirmation: preview.confirmation });
    assert.equal(run.statusCode, 200, run.body);
    assert.deepEqual((({ previewed, revoked, alreadyRevoked, batches }) => [previewed, revoked, alreadyRevoked, batches])(json<Run>(run)), [3, 3, 0, 1]);
    for (const s of b7) assert.equal((await t.deployment.store.getCertificate(s))?.revocationReason, 'keyCompromise');
    assert.equal((await t.deployment.store.getCertificate(b8))?.status, 'issued');
    problem(await post(t, '/revocations', { query, reason: 'keyCompromise', confirmation: preview.confirmation }), 422, 'REVOCATION_CONFIRMATION_INVALID');
    problem(await post(t, '/revocations/preview', {}), 400, 'REQUEST_INVALID');
    problem(await post(t, '/revocations/preview', { batch: 'B7' }), 400, 'REQUEST_INVALID');
  });

  it('a dry run gone stale is 409 REVOCATION_PREVIEW_STALE', async () => {
    const serials = [await issue(t, 'z-1', { batch: 'B9' }), await issue(t, 'z-2', { batch: 'B9' })];
    const query = { attributes: { batch: 'B9' } };
    const preview = json<Preview>(await post(t, '/revocations/preview', query));
    await post(t, `/certificates/${serials[0]}/revoke`, { reason: 'superseded' });
    problem(await post(t, '/revocations', { query, reason: 'superseded', confirmation: preview.confirmation }), 409, 'REVOCATION_PREVIEW_STALE');
    assert.equal((await t.deployment.store.getCertificate(serials[1]!))?.status, 'issued');
  });

  it('describes the revocation routes in OpenAPI', async () => {
    const doc = json<{ paths: Record<string, Record<string, unknown>> }>(await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' }));
    for (const path of ['/api/v1/certificates/{serial}/revoke', '/api/v1/certificates/{serial}/release-hold', '/api/v1/devices/{deviceId}/revoke', '/api/v1/revocations/preview', '/api/v1/revocations']) {
      assert.ok(doc.paths[path]?.['post'], path);
    }
  });
});
