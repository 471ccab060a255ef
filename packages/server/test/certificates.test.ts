/** Issuance, read by serial and search over the REST API, against a real deployment. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fromPem, parseCertificate } from '@fleetpki/core';
import type { CertificateDetail, IssueResponse, SearchResponse } from '../src/schemas/certificates.js';
import type { Problem } from '../src/errors.js';
import { json, openTestApp, opensslCsr, opensslVerify, quickCsr, type TestApp } from './helpers.js';

describe('POST /api/v1/certificates', () => {
  let t: TestApp;
  before(async () => { t = await openTestApp(); });
  after(async () => { await t.close(); });

  it('issues a device IDevID whose chain verifies with openssl', async () => {
    const csr = opensslCsr(t.dir, { subject: '/serialNumber=SN-0001/CN=camera-1' });
    const r = await t.app.inject({ method: 'POST', url: '/api/v1/certificates', headers: t.admin, payload: { csr, profile: 'device-idevid' } });
    assert.equal(r.statusCode, 201);
    const issued = json<IssueResponse>(r);
    assert.equal(r.headers.location, `/api/v1/certificates/${issued.serial}`);
    assert.match(issued.serial, /^[0-9a-f]+$/);
    assert.equal(issued.profile, 'device-idevid');
    assert.equal(issued.ca, 'dev-issuing');
    assert.equal(issued.deviceId, 'SN-0001');
    assert.equal(issued.chain.length, 2);
    const leaf = parseCertificate(fromPem(issued.certificate, ['CERTIFICATE']));
    assert.equal(leaf.serial, issued.serial);
    assert.equal(leaf.notAfter.toISOString(), issued.notAfter);
    assert.match(opensslVerify(t.dir, issued.certificate, issued.chain), /: OK\s*$/);
  });

  it('accepts a CSR as base64 DER without PEM armour', async () => {
    const pem = opensslCsr(t.dir, { subject: '/CN=gw-1' });
    const csr = fromPem(pem, ['CERTIFICATE REQUEST']).toString('base64');
    const r = await t.app.inject({ method: 'POST', url: '/api/v1/certificates', headers: t.admin, payload: { csr, profile: 'device-operational', deviceId: 'gw-1', validitySeconds: 3600 } });
    assert.equal(r.statusCode, 201);
    const issued = json<IssueResponse>(r);
    assert.equal(issued.deviceId, 'gw-1');
    assert.equal(Date.parse(issued.notAfter) - Date.parse(issued.notBefore), 3600_000 + 3600_000 /* 1h backdate */);
  });

  it('issues from a named CA', async () => {
    const csr = await quickCsr('CN=gateway', [{ type: 'dns', value: 'gw.example.com' }]);
    const r = await t.app.inject({ method: 'POST', url: '/api/v1/certificates', headers: t.admin, payload: { csr, profile: 'gateway-server', ca: 'dev-issuing' } });
    assert.equal(r.statusCode, 201);
    assert.equal(json<IssueResponse>(r).ca, 'dev-issuing');
  });

  it('answers 404 CA_NOT_FOUND for an unknown CA', async () => {
    const csr = await quickCsr('CN=gateway', [{ type: 'dns', value: 'gw.example.com' }]);
    const r = await t.app.inject({ method: 'POST', url: '/api/v1/certificates', headers: t.admin, payload: { csr, profile: 'gateway-server', ca: 'no-such-ca' } });
    assert.equal(r.statusCode, 404);
    assert.equal(json<Problem>(r).code, 'CA_NOT_FOUND');
  });
});

describe('GET /api/v1/certificates/{serial}', () => {
  let t: TestApp;
  let issued: IssueResponse;
  before(async () => {
    t = await openTestApp();
    const csr = await quickCsr('CN=sensor-7');
    const r = await t.app.inject({ method: 'POST', url: '/api/v1/certificates', headers: t.admin, payload: { csr, profile: 'device-operational', deviceId: 'sensor-7' } });
    issued = json<IssueResponse>(r);
  });
  after(async () => { await t.close(); });

  it('returns the issued certificate with status, names and chain', async () => {
    const r = await t.app.inject({ url: `/api/v1/certificates/${issued.serial}`, headers: t.admin });
    assert.equal(r.statusCode, 200);
    const c = json<CertificateDetail>(r);
    assert.equal(c.status, 'issued');
    assert.equal(c.certificate, issued.certificate);
    assert.deepEqual(c.chain, issued.chain);
    assert.equal(c.subject, 'CN=sensor-7');
    assert.deepEqual(c.subjectAltNames, ['URI:device://devices.fleetpki.local/sensor-7']);
    assert.equal(c.deviceId, 'sensor-7');
    assert.equal(c.ca, 'dev-issuing');
    assert.equal(c.revokedAt, null);
    assert.match(c.sha256 ?? '', /^[0-9a-f]{64}$/);
    assert.ok(c.issuedAt);
  });

  it('accepts upper case and colons in the serial', async () => {
    const colons = issued.serial.toUpperCase().match(/.{1,2}/g)!.join(':');
    const r = await t.app.inject({ url: `/api/v1/certificates/${colons}`, headers: t.admin });
    assert.equal(r.statusCode, 200);
    assert.equal(json<CertificateDetail>(r).serial, issued.serial);
  });

  it('shows a recorded intent as pending, without a certificate', async () => {
    const now = new Date();
    await t.deployment.store.recordIntents([{
      serial: '7e57', caName: 'dev-issuing', profile: 'device-operational', subject: 'CN=pending', deviceId: 'pending-1',
      subjectAltNames: [], notBefore: now, notAfter: new Date(now.getTime() + 86400_000), tbsDer: new Uint8Array([0x30, 0x00]),
      requester: 'test', createdAt: now,
    }]);
    const r = await t.app.inject({ url: '/api/v1/certificates/7e57', headers: t.admin });
    assert.equal(r.statusCode, 200);
    const c = json<CertificateDetail>(r);
    assert.equal(c.status, 'pending');
    assert.equal(c.certificate, null);
    assert.equal(c.issuedAt, null);
    assert.equal(c.sha256, null);
  });

  it('answers 404 CERTIFICATE_NOT_FOUND and 400 REQUEST_INVALID', async () => {
    const missing = await t.app.inject({ url: '/api/v1/certificates/abcdef', headers: t.admin });
    assert.equal(missing.statusCode, 404);
    assert.equal(json<Problem>(missing).code, 'CERTIFICATE_NOT_FOUND');
    const bad = await t.app.inject({ url: '/api/v1/certificates/not-hex', headers: t.admin });
    assert.equal(bad.statusCode, 400);
    assert.equal(json<Problem>(bad).code, 'REQUEST_INVALID');
  });
});

describe('GET /api/v1/certificates (search)', () => {
  let t: TestApp;
  const serials: string[] = [];
  before(async () => {
    t = await openTestApp();
    for (const id of ['node-a', 'node-b', 'node-c', 'node-d', 'node-e']) {
      const csr = await quickCsr(`CN=${id}`);
      const r = await t.app.inject({ method: 'POST', url: '/api/v1/certificates', headers: t.admin, payload: { csr, profile: 'device-operational', deviceId: id } });
      assert.equal(r.statusCode, 201);
      serials.push(json<IssueResponse>(r).serial);
    }
  });
  after(async () => { await t.close(); });

  const search = async (query: string): Promise<SearchResponse> => {
    const r = await t.app.inject({ url: `/api/v1/certificates?${query}`, headers: t.admin });
    assert.equal(r.statusCode, 200, r.body);
    return json<SearchResponse>(r);
  };

  it('pages through every match exactly once', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: SearchResponse = await search(`profile=device-operational&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      assert.ok(page.items.length <= 2);
      seen.push(...page.items.map((i) => i.serial));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    assert.equal(pages, 3);
    assert.deepEqual([...seen].sort(), [...serials].sort());
  });

  it('filters by device id, subject, subject prefix, CA, status and expiry', async () => {
    assert.deepEqual((await search('deviceId=node-c')).items.map((i) => i.serial), [serials[2]]);
    assert.deepEqual((await search('subject=CN%3Dnode-d')).items.map((i) => i.serial), [serials[3]]);
    assert.equal((await search('subjectPrefix=CN%3Dnode-')).items.length, 5);
    assert.equal((await search('ca=dev-issuing&profile=device-operational&status=issued')).items.length, 5);
    assert.equal((await search('status=revoked')).items.length, 0);
    assert.equal((await search('expiresBefore=2000-01-01T00:00:00Z')).items.length, 0);
    const soon = await search(`expiresBefore=${encodeURIComponent(new Date(Date.now() + 400 * 86400_000).toISOString())}&profile=device-operational`);
    assert.equal(soon.items.length, 5);
    const item = soon.items[0]!;
    assert.equal('certificate' in item, false, 'summaries carry no certificate');
    assert.equal('chain' in item, false, 'summaries carry no chain');
  });

  it('refuses bad limits, unknown parameters and foreign cursors with 400 REQUEST_INVALID', async () => {
    for (const query of ['limit=0', 'limit=1001', 'limit=x', 'colour=red', 'status=lost', 'expiresBefore=tomorrow', 'cursor=bm9wZQ']) {
      const r = await t.app.inject({ url: `/api/v1/certificates?${query}`, headers: t.admin });
      assert.equal(r.statusCode, 400, query);
      assert.equal(json<Problem>(r).code, 'REQUEST_INVALID', query);
    }
  });
});
