/** Bearer authentication, roles, API tokens and audit verification over the REST API. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Problem } from '../src/errors.js';
import type { CaView } from '../src/schemas/cas.js';
import type { CreatedToken, TokenView } from '../src/schemas/tokens.js';
import { bearer, json, auditEvents, certificateCount, openTestApp, quickCsr, type TestApp } from './helpers.js';

async function createToken(t: TestApp, role: string, name = `${role} token`): Promise<CreatedToken> {
  const r = await t.app.inject({ method: 'POST', url: '/api/v1/tokens', headers: t.admin, payload: { name, role } });
  assert.equal(r.statusCode, 201, r.body);
  assert.equal(r.headers['cache-control'], 'no-store');
  return json<CreatedToken>(r);
}

describe('authentication', () => {
  let t: TestApp;
  before(async () => { t = await openTestApp(); });
  after(async () => { await t.close(); });

  const unauthenticated: readonly { name: string; headers: { authorization?: string } }[] = [
    { name: 'no Authorization header', headers: {} },
    { name: 'a wrong token', headers: bearer('fpk_0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA') },
    { name: 'a token of the wrong shape', headers: bearer('hunter2') },
    { name: 'Basic credentials', headers: { authorization: 'Basic YWRtaW46YWRtaW4=' } },
  ];
  for (const c of unauthenticated) {
    it(`answers 401 UNAUTHENTICATED with WWW-Authenticate for ${c.name}, and audits it`, async () => {
      const auditBefore = (await auditEvents(t)).length;
      const r = await t.app.inject({ method: 'GET', url: '/api/v1/cas', headers: c.headers });
      assert.equal(r.statusCode, 401);
      assert.match(String(r.headers['www-authenticate']), /^Bearer/);
      assert.equal(json<Problem>(r).code, 'UNAUTHENTICATED');
      const added = (await auditEvents(t)).slice(auditBefore);
      assert.deepEqual(added.map((e) => [e.actor, e.action, e.outcome, e.code, e.target]), [['anonymous', 'api.authenticate', 'refused', 'UNAUTHENTICATED', 'GET /api/v1/cas']]);
      const secret = c.headers.authorization?.split(' ')[1];
      if (secret) assert.equal(JSON.stringify(added).includes(secret), false, 'the presented credential is not audited');
    });
  }

  it('refuses an unauthenticated issuance before reading the body', async () => {
    const before = await certificateCount(t);
    const r = await t.app.inject({ method: 'POST', url: '/api/v1/certificates', payload: { csr: 'x'.repeat(300 * 1024), profile: 'device-idevid' } });
    assert.equal(r.statusCode, 401);
    assert.equal(await certificateCount(t), before);
  });

  it('serves the OpenAPI document without a token', async () => {
    const r = await t.app.inject({ url: '/api/v1/openapi.json' });
    assert.equal(r.statusCode, 200);
  });
});

describe('roles', () => {
  let t: TestApp;
  let auditor: CreatedToken;
  let operator: CreatedToken;
  before(async () => {
    t = await openTestApp();
    auditor = await createToken(t, 'auditor');
    operator = await createToken(t, 'operator');
  });
  after(async () => { await t.close(); });

  it('refuses issuance to an auditor with 403 FORBIDDEN, audited, nothing stored', async () => {
    const before = await certificateCount(t);
    const auditBefore = (await auditEvents(t)).length;
    const r = await t.app.inject({ method: 'POST', url: '/api/v1/certificates', headers: bearer(auditor.token), payload: { csr: await quickCsr('serialNumber=1'), profile: 'device-idevid' } });
    assert.equal(r.statusCode, 403);
    assert.equal(json<Problem>(r).code, 'FORBIDDEN');
    assert.equal(await certificateCount(t), before);
    const added = (await auditEvents(t)).slice(auditBefore);
    assert.deepEqual(added.map((e) => [e.actor, e.action, e.outcome, e.code]), [[`token:${auditor.id}`, 'certificate.issue', 'refused', 'FORBIDDEN']]);
  });

  it('lets an operator issue and read, but not manage tokens or verify the audit log', async () => {
    const issue = await t.app.inject({ method: 'POST', url: '/api/v1/certificates', headers: bearer(operator.token), payload: { csr: await quickCsr('serialNumber=2'), profile: 'device-idevid' } });
    assert.equal(issue.statusCode, 201);
    assert.equal((await t.app.inject({ url: '/api/v1/cas', headers: bearer(operator.token) })).statusCode, 200);
    for (const url of ['/api/v1/tokens', '/api/v1/audit/verify']) {
      const r = await t.app.inject({ url, headers: bearer(operator.token) });
      assert.equal(r.statusCode, 403, url);
      assert.equal(json<Problem>(r).code, 'FORBIDDEN');
    }
  });

  it('lets an auditor read CAs and verify the audit log', async () => {
    const cas = await t.app.inject({ url: '/api/v1/cas', headers: bearer(auditor.token) });
    assert.equal(cas.statusCode, 200);
    const verify = await t.app.inject({ url: '/api/v1/audit/verify', headers: bearer(auditor.token) });
    assert.equal(verify.statusCode, 200);
    const result = json<{ ok: boolean; count: number; head: { seq: number } }>(verify);
    assert.equal(result.ok, true);
    assert.equal(result.count, (await auditEvents(t)).length);
    assert.equal(result.head.seq, result.count);
  });
});

describe('API tokens', () => {
  let t: TestApp;
  before(async () => { t = await openTestApp(); });
  after(async () => { await t.close(); });

  it('creates a token shown once, lists it without the secret, and revokes it at once', async () => {
    const created = await createToken(t, 'operator', 'line 3 station');
    assert.match(created.token, /^fpk_[0-9a-f]{16}_/);
    assert.equal(created.role, 'operator');
    const list = await t.app.inject({ url: '/api/v1/tokens', headers: t.admin });
    const items = json<{ items: TokenView[] }>(list).items;
    assert.deepEqual(items.map((i) => i.name).sort(), ['initial admin', 'line 3 station']);
    assert.equal(list.body.includes(created.token), false);
    assert.equal(list.body.includes('tokenHash'), false);
    assert.equal((await t.app.inject({ url: '/api/v1/cas', headers: bearer(created.token) })).statusCode, 200);
    const del = await t.app.inject({ method: 'DELETE', url: `/api/v1/tokens/${created.id}`, headers: t.admin });
    assert.equal(del.statusCode, 204);
    assert.equal(del.body, '');
    assert.equal((await t.app.inject({ url: '/api/v1/cas', headers: bearer(created.token) })).statusCode, 401);
    const revoked = json<{ items: TokenView[] }>(await t.app.inject({ url: '/api/v1/tokens', headers: t.admin })).items.find((i) => i.id === created.id);
    assert.ok(revoked?.revokedAt);
  });

  it('refuses bad token requests with stable codes', async () => {
    const cases = [
      { payload: { name: 'x', role: 'root' }, status: 400, code: 'REQUEST_INVALID' },
      { payload: { name: 'bad/name', role: 'admin' }, status: 400, code: 'REQUEST_INVALID' },
      { payload: { role: 'admin' }, status: 400, code: 'REQUEST_INVALID' },
    ];
    for (const c of cases) {
      const r = await t.app.inject({ method: 'POST', url: '/api/v1/tokens', headers: t.admin, payload: c.payload });
      assert.equal(r.statusCode, c.status, JSON.stringify(c.payload));
      assert.equal(json<Problem>(r).code, c.code);
    }
    const missing = await t.app.inject({ method: 'DELETE', url: '/api/v1/tokens/0000000000000000', headers: t.admin });
    assert.equal(missing.statusCode, 404);
    assert.equal(json<Problem>(missing).code, 'TOKEN_NOT_FOUND');
  });
});

describe('GET /api/v1/cas', () => {
  let t: TestApp;
  before(async () => { t = await openTestApp(); });
  after(async () => { await t.close(); });

  it('lists the development hierarchy', async () => {
    const r = await t.app.inject({ url: '/api/v1/cas', headers: t.admin });
    assert.equal(r.statusCode, 200);
    const byName = new Map(json<{ items: CaView[] }>(r).items.map((c) => [c.name, c]));
    const root = byName.get('dev-root')!;
    const issuing = byName.get('dev-issuing')!;
    assert.equal(root.role, 'root');
    assert.equal(root.parent, null);
    assert.equal(root.keyOnline, false, 'the root key is never held by the server');
    assert.equal(issuing.role, 'issuing');
    assert.equal(issuing.status, 'active');
    assert.equal(issuing.parent, 'dev-root');
    assert.match(issuing.fingerprintSha256 ?? '', /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    assert.match(issuing.certificate ?? '', /^-----BEGIN CERTIFICATE-----/);
    assert.equal(r.body.includes('"key"'), false);
  });

  it('returns one CA by name, or 404 CA_NOT_FOUND', async () => {
    const r = await t.app.inject({ url: '/api/v1/cas/dev-issuing', headers: t.admin });
    assert.equal(r.statusCode, 200);
    assert.equal(json<CaView>(r).name, 'dev-issuing');
    const missing = await t.app.inject({ url: '/api/v1/cas/nope', headers: t.admin });
    assert.equal(missing.statusCode, 404);
    assert.equal(json<Problem>(missing).code, 'CA_NOT_FOUND');
  });
});
