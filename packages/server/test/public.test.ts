/** The unauthenticated surfaces (CA certificates, health, metrics, OpenAPI) and HTTP-level problems. */
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CertificateAuthority, type Store } from '@fleetpki/ca';
import { fromPem, parseCertificate } from '@fleetpki/core';
import { buildApp } from '../src/index.js';
import type { Problem } from '../src/errors.js';
import type { IssueResponse } from '../src/schemas/certificates.js';
import { json, openTestApp, quickCsr, writeTemp, type TestApp } from './helpers.js';

describe('public endpoints', () => {
  let t: TestApp;
  before(async () => { t = await openTestApp(); });
  after(async () => { await t.close(); });

  it('serves the caIssuers URL an issued certificate carries, as DER', async () => {
    const issue = await t.app.inject({ method: 'POST', url: '/api/v1/certificates', headers: t.admin, payload: { csr: await quickCsr('serialNumber=SN-77'), profile: 'device-idevid' } });
    const issued = json<IssueResponse>(issue);
    const text = execFileSync('openssl', ['x509', '-noout', '-text', '-in', writeTemp(t.dir, 'leaf.pem', issued.certificate)], { encoding: 'utf8' });
    const url = /CA Issuers - URI:(\S+)/.exec(text)?.[1];
    assert.ok(url, text);
    const r = await t.app.inject({ url: new URL(url).pathname });
    assert.equal(r.statusCode, 200);
    assert.equal(r.headers['content-type'], 'application/pkix-cert');
    assert.deepEqual(r.rawPayload, fromPem(issued.chain[0]!, ['CERTIFICATE']));
    assert.equal(parseCertificate(r.rawPayload).serial.length > 0, true);
    execFileSync('openssl', ['x509', '-inform', 'DER', '-noout', '-in', writeTemp(t.dir, 'issuing.der', r.rawPayload)]);
  });

  it('answers 404 CA_NOT_FOUND for an unknown CA certificate', async () => {
    const r = await t.app.inject({ url: '/ca/nope.crt' });
    assert.equal(r.statusCode, 404);
    assert.equal(json<Problem>(r).code, 'CA_NOT_FOUND');
  });

  it('reports health after a store check', async () => {
    const r = await t.app.inject({ url: '/healthz' });
    assert.equal(r.statusCode, 200);
    assert.deepEqual(r.json(), { status: 'ok' });
  });

  it('exports issuance, refusal and request metrics', async () => {
    await t.app.inject({ method: 'POST', url: '/api/v1/certificates', headers: t.admin, payload: { csr: await quickCsr('serialNumber=SN-78'), profile: 'device-idevid' } });
    await t.app.inject({ method: 'POST', url: '/api/v1/certificates', headers: t.admin, payload: { csr: 'garbage!', profile: 'device-idevid' } });
    const r = await t.app.inject({ url: '/metrics' });
    assert.equal(r.statusCode, 200);
    assert.match(String(r.headers['content-type']), /^text\/plain/);
    assert.match(r.body, /^fleetpki_certificates_issued_total\{profile="device-idevid",ca="dev-issuing"\} [1-9]\d*$/m);
    assert.match(r.body, /^fleetpki_refusals_total\{code="BAD_PEM"\} 1$/m);
    assert.match(r.body, /^fleetpki_http_request_duration_seconds_count\{method="POST",route="\/api\/v1\/certificates",status="201"\} [1-9]\d*$/m);
    assert.match(r.body, /^fleetpki_http_request_duration_seconds_count\{method="POST",route="\/api\/v1\/certificates",status="400"\} 1$/m);
  });

  it('publishes an OpenAPI 3.1 document of every route, whose references resolve', async () => {
    const r = await t.app.inject({ url: '/api/v1/openapi.json' });
    assert.equal(r.statusCode, 200);
    const doc = JSON.parse(r.body) as { openapi: string; paths: Record<string, Record<string, { security?: unknown[] }>>; components: { schemas: Record<string, unknown> } };
    assert.equal(doc.openapi, '3.1.0');
    assert.deepEqual(Object.keys(doc.paths).sort(), [
      '/api/v1/audit/verify', '/api/v1/batches', '/api/v1/batches/{batchId}', '/api/v1/cas', '/api/v1/cas/{name}', '/api/v1/certificates', '/api/v1/certificates/{serial}',
      '/api/v1/certificates/{serial}/release-hold', '/api/v1/certificates/{serial}/revoke', '/api/v1/devices/{deviceId}/attributes', '/api/v1/devices/{deviceId}/revoke',
      '/api/v1/enrollment-groups', '/api/v1/enrollment-groups/{label}', '/api/v1/enrollment-groups/{label}/pending',
      '/api/v1/enrollment-groups/{label}/pending/{id}/approve', '/api/v1/enrollment-groups/{label}/pending/{id}/reject',
      '/api/v1/enrollment-groups/{label}/secrets', '/api/v1/reconciliation', '/api/v1/reconciliation/devices',
      '/api/v1/revocations', '/api/v1/revocations/preview',
      '/api/v1/tokens', '/api/v1/tokens/{id}', '/api/v1/trust/bundle', '/ca/{name}.crt', '/healthz', '/metrics',
    ]);
    assert.deepEqual(Object.keys(doc.paths['/api/v1/certificates']!).sort(), ['get', 'post']);
    assert.deepEqual(doc.paths['/healthz']!['get']!.security, []);
    for (const ref of r.body.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)) {
      assert.ok(doc.components.schemas[ref[1]!], `unresolved $ref ${ref[1]}`);
    }
  });
});

describe('HTTP-level problems', () => {
  let t: TestApp;
  before(async () => { t = await openTestApp(); });
  after(async () => { await t.close(); });

  const cases = [
    { name: 'an unknown route', req: { url: '/api/v2/nothing' }, status: 404, code: 'NOT_FOUND' },
    { name: 'a malformed URL', req: { url: '/api/v1/certificates/%E0%A4%A' }, status: 400, code: 'REQUEST_INVALID' },
    { name: 'an XML body', req: { method: 'POST' as const, url: '/api/v1/certificates', headers: { 'content-type': 'application/xml' }, payload: '<csr/>' }, status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
    { name: 'broken JSON', req: { method: 'POST' as const, url: '/api/v1/certificates', headers: { 'content-type': 'application/json' }, payload: '{"csr":' }, status: 400, code: 'REQUEST_INVALID' },
    { name: 'a JSON array body', req: { method: 'POST' as const, url: '/api/v1/certificates', payload: [1, 2] }, status: 400, code: 'REQUEST_INVALID' },
  ];
  for (const c of cases) {
    it(`answers ${c.name} with ${c.status} ${c.code}`, async () => {
      const r = await t.app.inject({ ...c.req, headers: { ...t.admin, ...(c.req.headers ?? {}) } });
      assert.equal(r.statusCode, c.status, r.body);
      assert.match(String(r.headers['content-type']), /^application\/problem\+json/);
      const p = json<Problem>(r);
      assert.deepEqual(Object.keys(p).sort(), ['code', 'detail', 'instance', 'status', 'title', 'type']);
      assert.equal(p.code, c.code);
      assert.equal(p.instance, r.headers['x-request-id']);
    });
  }

  it('never takes the request id from the client', async () => {
    const r = await t.app.inject({ url: '/healthz', headers: { 'x-request-id': 'attacker-chosen' } });
    assert.notEqual(r.headers['x-request-id'], 'attacker-chosen');
    assert.match(String(r.headers['x-request-id']), /^[0-9a-f-]{36}$/);
  });
});

/** A store whose reads fail like a broken disk; the message must reach the log, never the client. */
function failingStore(real: Store, failing: readonly (keyof Store)[]): Store {
  return new Proxy(real, {
    get(target, prop, receiver) {
      if (failing.includes(prop as keyof Store)) return async () => { throw new Error('SQLITE_IOERR: disk I/O error in /srv/secret/fleetpki.db'); };
      const v = Reflect.get(target, prop, receiver) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

describe('internal errors', () => {
  let t: TestApp;
  before(async () => { t = await openTestApp(); });
  after(async () => { await t.close(); });

  it('answers 500 INTERNAL with the request id, logs the cause, and does not leak it', async () => {
    const lines: string[] = [];
    const ca = new CertificateAuthority({ ...t.deployment.ca.deps, store: failingStore(t.deployment.store, ['searchCertificates', 'getSetting']) });
    const app = await buildApp({ ca, config: { ...t.deployment.config, logLevel: 'info' }, events: t.deployment.events, logStream: { write: (s: string) => { lines.push(s); } } });
    try {
      const r = await app.inject({ url: '/api/v1/certificates', headers: t.admin });
      assert.equal(r.statusCode, 500);
      const p = json<Problem>(r);
      const id = String(r.headers['x-request-id']);
      assert.deepEqual(p, { type: 'https://fleetpki.dev/errors/INTERNAL', title: 'internal error', status: 500, detail: `internal error, request id ${id}`, code: 'INTERNAL', instance: id });
      assert.equal(r.body.includes('SQLITE'), false);
      const logged = lines.map((l) => JSON.parse(l) as { reqId?: string; msg: string; err?: { message: string } }).find((l) => l.msg === 'internal error');
      assert.equal(logged?.reqId, id);
      assert.match(logged?.err?.message ?? '', /SQLITE_IOERR/);
      assert.equal(lines.some((l) => l.includes(t.adminToken)), false, 'the bearer token is never logged');
      const health = await app.inject({ url: '/healthz' });
      assert.equal(health.statusCode, 503);
      assert.deepEqual(health.json(), { status: 'unavailable' });
      assert.match((await app.inject({ url: '/metrics' })).body, /^fleetpki_internal_errors_total 1$/m);
    } finally {
      await app.close();
    }
  });
});
