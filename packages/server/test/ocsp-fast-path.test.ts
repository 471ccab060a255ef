/**
 * The OCSP POST and GET fast path (src/ocsp-fast-path.ts) over a real socket: inject() never
 * reaches it, so these requests go through app.listen(). Its answers must equal what the
 * Fastify route gives for the same input, and what it does not claim must still work.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { parseOcspResponse } from '@fleetpki/core';
import { openTestApp, type TestApp } from './helpers.js';
import { idFor, issueDevice, issuingCa, ocspRequest, revoke, type Issuing } from './status-support.js';

async function post(url: string, body: Uint8Array, contentType = 'application/ocsp-request'): Promise<{ status: number; type: string | null; cache: string | null; viaFastify: boolean; body: Buffer }> {
  const r = await fetch(`${url}/ocsp`, { method: 'POST', headers: { 'content-type': contentType }, body, signal: AbortSignal.timeout(10_000) });
  // Fastify's onSend hook stamps x-request-id on everything it answers; the fast path does not.
  return { status: r.status, type: r.headers.get('content-type'), cache: r.headers.get('cache-control'), viaFastify: r.headers.has('x-request-id'), body: Buffer.from(await r.arrayBuffer()) };
}

async function get(url: string, path: string, headers: Record<string, string> = {}) {
  const r = await fetch(`${url}${path}`, { headers, signal: AbortSignal.timeout(10_000) });
  return { status: r.status, headers: r.headers, viaFastify: r.headers.has('x-request-id'), body: Buffer.from(await r.arrayBuffer()) };
}

const getPath = (der: Buffer): string => `/ocsp/${encodeURIComponent(der.toString('base64'))}`;

describe('OCSP POST and GET fast path (real HTTP)', () => {
  let t: TestApp;
  let url: string;
  let issuing: Issuing;
  before(async () => {
    t = await openTestApp();
    url = await t.app.listen({ host: '127.0.0.1', port: 0 });
    issuing = await issuingCa(t);
  });
  after(() => t.close());

  it('answers good, then revoked, with the nonce echoed, exactly as the route does', async () => {
    const dev = await issueDevice(t, 'fast-1');
    const nonce = randomBytes(16);
    const req = ocspRequest([idFor(issuing, dev.serial)], nonce);
    const good = await post(url, req);
    assert.equal(good.status, 200);
    assert.equal(good.type, 'application/ocsp-response');
    assert.equal(good.cache, 'no-store');
    assert.equal(good.viaFastify, false);
    const parsed = parseOcspResponse(good.body);
    assert.equal(parsed.status, 'successful');
    assert.ok(parsed.status === 'successful' && parsed.responses[0]!.certStatus.status === 'good');
    assert.ok(parsed.status === 'successful' && Buffer.from(parsed.nonce!).equals(nonce));
    await revoke(t, dev.serial);
    const revoked = parseOcspResponse((await post(url, req)).body);
    assert.ok(revoked.status === 'successful' && revoked.responses[0]!.certStatus.status === 'revoked');
    const viaRoute = await t.app.inject({ method: 'POST', url: '/ocsp', headers: { 'content-type': 'application/ocsp-request' }, payload: ocspRequest([idFor(issuing, dev.serial)]) });
    const viaFast = await post(url, ocspRequest([idFor(issuing, dev.serial)]));
    assert.deepEqual(viaFast.body, Buffer.from(viaRoute.rawPayload)); // the same pre-signed bytes
  });

  it('malformed bodies get malformedRequest; what it does not claim still gets OCSP answers from the route', async () => {
    assert.deepEqual([...(await post(url, Buffer.from('not der'))).body], [0x30, 0x03, 0x0a, 0x01, 0x01]);
    const wrongType = await post(url, ocspRequest([idFor(issuing, '01')]), 'application/octet-stream');
    assert.equal(wrongType.status, 200);
    assert.equal(wrongType.viaFastify, true);
    assert.deepEqual([...wrongType.body], [0x30, 0x03, 0x0a, 0x01, 0x01]);
    const tooLarge = await post(url, Buffer.alloc(20_000, 0x30));
    assert.equal(tooLarge.status, 200);
    assert.deepEqual([...tooLarge.body], [0x30, 0x03, 0x0a, 0x01, 0x01]);
    const health = await fetch(`${url}/healthz`);
    assert.equal(health.status, 200);
  });

  it('answers RFC 5019 GETs with the same bytes and caching headers as the route, 304 for a held ETag, and leaves odd GETs to the route', async () => {
    const dev = await issueDevice(t, 'fast-3');
    const path = getPath(ocspRequest([idFor(issuing, dev.serial)]));
    const fast = await get(url, path);
    assert.equal(fast.status, 200);
    assert.equal(fast.viaFastify, false);
    const viaRoute = await t.app.inject({ method: 'GET', url: path });
    assert.deepEqual(fast.body, Buffer.from(viaRoute.rawPayload));
    for (const h of ['content-type', 'etag', 'last-modified', 'expires']) assert.equal(fast.headers.get(h), viaRoute.headers[h], h);
    // max-age counts down to nextUpdate: the two answers may fall either side of a second boundary.
    const maxAge = (v: unknown): number => Number(/^max-age=(\d+), public, no-transform, must-revalidate$/.exec(String(v))?.[1] ?? NaN);
    assert.ok(Math.abs(maxAge(fast.headers.get('cache-control')) - maxAge(viaRoute.headers['cache-control'])) <= 1, `${fast.headers.get('cache-control')} vs ${String(viaRoute.headers['cache-control'])}`);
    const held = await get(url, path, { 'if-none-match': fast.headers.get('etag')! });
    assert.equal(held.status, 304);
    assert.equal(held.body.length, 0);
    await revoke(t, dev.serial);
    const after = await get(url, path, { 'if-none-match': fast.headers.get('etag')! });
    assert.equal(after.status, 200, 'a revocation changes the ETag');
    const parsed = parseOcspResponse(after.body);
    assert.ok(parsed.status === 'successful' && parsed.responses[0]!.certStatus.status === 'revoked');
    const bad = await get(url, '/ocsp/!!!!');
    assert.equal(bad.viaFastify, true);
    assert.deepEqual([...bad.body], [0x30, 0x03, 0x0a, 0x01, 0x01]);
    assert.deepEqual([...(await get(url, '/ocsp/%%%not-base64')).body], [0x30, 0x03, 0x0a, 0x01, 0x01]);
    const withQuery = await get(url, `${path}?x=1`);
    assert.equal(withQuery.viaFastify, true);
  });
});
