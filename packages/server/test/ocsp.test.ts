/**
 * The OCSP responder over HTTP with inject() (RFC 6960, RFC 5019): every answer is 200
 * application/ocsp-response with the exact OCSPResponseStatus; good, revoked (time and
 * reason) and unknown; a foreign issuer is unauthorized; nonces are echoed; GET answers
 * carry caching headers; a revocation replaces the cached answer at once; the delegated
 * signer, never the CA key, signs.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes, verify, X509Certificate } from 'node:crypto';
import { KEY_PURPOSES, parseCertificate, parseOcspResponse, type BasicOcspResponse, type OcspResponse } from '@fleetpki/core';
import { openTestApp, type TestApp } from './helpers.js';
import { idFor, issueDevice, issuingCa, ocspRequest, revoke, seq, tlv, type Issuing } from './status-support.js';

const OCSP_NOCHECK = '1.3.6.1.5.5.7.48.1.5';

function post(t: TestApp, body: Buffer | string, contentType = 'application/ocsp-request') {
  return t.app.inject({ method: 'POST', url: '/ocsp', headers: { 'content-type': contentType }, payload: body });
}

function answer(r: { statusCode: number; headers: Record<string, unknown>; rawPayload: Buffer }): OcspResponse {
  assert.equal(r.statusCode, 200);
  assert.equal(r.headers['content-type'], 'application/ocsp-response');
  return parseOcspResponse(r.rawPayload);
}

function basic(r: Parameters<typeof answer>[0]): BasicOcspResponse {
  const a = answer(r);
  assert.equal(a.status, 'successful');
  return a as BasicOcspResponse;
}

const getUrl = (der: Buffer): string => `/ocsp/${encodeURIComponent(der.toString('base64'))}`;

describe('OCSP responder (inject)', () => {
  let t: TestApp;
  let ca: Issuing;
  before(async () => { t = await openTestApp(); ca = await issuingCa(t); });
  after(async () => { await t.close(); });

  it('good, then revoked with time and reason right after the revoke call, unknown for a serial never issued', async () => {
    const dev = await issueDevice(t, 'ocsp-1');
    const good = basic(await post(t, ocspRequest([idFor(ca, dev.serial)])));
    assert.equal(good.responses.length, 1);
    assert.equal(good.responses[0]!.certStatus.status, 'good');
    assert.equal(good.responses[0]!.certId.serial, dev.serial);
    const before = Date.now();
    await revoke(t, dev.serial, 'keyCompromise');
    const revoked = basic(await post(t, ocspRequest([idFor(ca, dev.serial)])));
    const s = revoked.responses[0]!.certStatus;
    assert.equal(s.status, 'revoked');
    assert.ok(s.status === 'revoked' && s.reason === 'keyCompromise');
    assert.ok(s.status === 'revoked' && Math.abs(s.revocationTime.getTime() - before) < 5000, 'revocation time is the time of the revoke');
    const unknown = basic(await post(t, ocspRequest([idFor(ca, '7f' + randomBytes(15).toString('hex'))])));
    assert.equal(unknown.responses[0]!.certStatus.status, 'unknown');
  });

  it('a CertID whose issuer hashes are not ours is unauthorized; a mixed request too', async () => {
    const foreign = { subjectDer: seq(), subjectPublicKey: randomBytes(65) };
    const dev = await issueDevice(t, 'ocsp-2');
    const r1 = answer(await post(t, ocspRequest([idFor({ ...ca, issuer: foreign }, dev.serial)])));
    assert.equal(r1.status, 'unauthorized');
    const r2 = answer(await post(t, ocspRequest([idFor(ca, dev.serial), idFor({ ...ca, issuer: foreign }, dev.serial)])));
    assert.equal(r2.status, 'unauthorized');
  });

  it('malformedRequest for garbage, empty, oversized, wrong content type and bad GET base64; always 200 application/ocsp-response', async () => {
    const dev = await issueDevice(t, 'ocsp-3');
    const ok = ocspRequest([idFor(ca, dev.serial)]);
    const cases: [string, Promise<Parameters<typeof answer>[0]>][] = [
      ['garbage', post(t, randomBytes(100))],
      ['empty', post(t, Buffer.alloc(0))],
      ['truncated', post(t, ok.subarray(0, ok.length - 3))],
      ['trailing bytes', post(t, Buffer.concat([ok, Buffer.from([0])]))],
      ['oversized (> 16 KiB)', post(t, Buffer.concat([ok, Buffer.alloc(17 * 1024)]))],
      ['oversized, a valid DER length', post(t, seq(seq(seq(seq(idFor(ca, dev.serial).der)), tlv(0x04, Buffer.alloc(20_000)))))],
      ['wrong content type', post(t, ok, 'application/json')],
      ['text/plain', post(t, ok.toString('latin1'), 'text/plain')],
      ['no CertID', post(t, seq(seq(seq())))],
      ['GET bad base64', t.app.inject({ method: 'GET', url: '/ocsp/%%%not-base64' })],
      ['GET not base64 alphabet', t.app.inject({ method: 'GET', url: '/ocsp/abc*def' })],
      ['GET empty', t.app.inject({ method: 'GET', url: '/ocsp/' })],
      ['GET garbage DER', t.app.inject({ method: 'GET', url: getUrl(randomBytes(40)) })],
    ];
    for (const [name, p] of cases) {
      const r = await p;
      assert.equal(r.statusCode, 200, `${name}: HTTP ${r.statusCode} ${r.rawPayload.toString().slice(0, 200)}`);
      assert.equal(r.headers['content-type'], 'application/ocsp-response', name);
      assert.equal(answer(r).status, 'malformedRequest', name);
    }
  });

  it('answers several CertIDs in one request, each in order, and echoes a nonce', async () => {
    const a = await issueDevice(t, 'ocsp-4a');
    const b = await issueDevice(t, 'ocsp-4b');
    await revoke(t, b.serial, 'superseded');
    const nonce = randomBytes(16);
    const ids = [idFor(ca, a.serial), idFor(ca, b.serial, 'sha256'), idFor(ca, 'aa' + randomBytes(10).toString('hex'))];
    const r = await post(t, ocspRequest(ids, nonce));
    assert.equal(r.headers['cache-control'], 'no-store');
    const res = basic(r);
    assert.deepEqual(res.responses.map((x) => x.certStatus.status), ['good', 'revoked', 'unknown']);
    assert.deepEqual(res.responses.map((x) => Buffer.from(x.certId.der).toString('hex')), ids.map((x) => Buffer.from(x.der).toString('hex')));
    assert.ok(res.responses[1]!.certStatus.status === 'revoked' && res.responses[1]!.certStatus.reason === 'superseded');
    assert.deepEqual(Buffer.from(res.nonce!), nonce);
    // Without a nonce, none comes back.
    assert.equal(basic(await post(t, ocspRequest([idFor(ca, a.serial)]))).nonce, null);
  });

  it('GET carries Cache-Control max-age from nextUpdate, ETag, Last-Modified; If-None-Match gives 304', async () => {
    const dev = await issueDevice(t, 'ocsp-5');
    const url = getUrl(ocspRequest([idFor(ca, dev.serial)]));
    const r = await t.app.inject({ method: 'GET', url });
    const res = basic(r);
    const single = res.responses[0]!;
    assert.equal(single.certStatus.status, 'good');
    const maxAge = Number(/max-age=(\d+)/.exec(String(r.headers['cache-control']))?.[1]);
    const expected = Math.floor((single.nextUpdate!.getTime() - Date.now()) / 1000);
    assert.ok(Math.abs(maxAge - expected) <= 2, `max-age ${maxAge}, nextUpdate in ${expected} s`);
    assert.match(String(r.headers['cache-control']), /public/);
    assert.ok(r.headers['etag']);
    assert.equal(r.headers['last-modified'], res.producedAt.toUTCString());
    // The same request again is the same pre-signed bytes.
    const again = await t.app.inject({ method: 'GET', url });
    assert.deepEqual(again.rawPayload, r.rawPayload);
    assert.equal(again.headers['etag'], r.headers['etag']);
    const cond = await t.app.inject({ method: 'GET', url, headers: { 'if-none-match': String(r.headers['etag']) } });
    assert.equal(cond.statusCode, 304);
    assert.equal(cond.rawPayload.length, 0);
    // RFC 5019 5: '/' in the base64 may appear unescaped; '+' and '=' URL-encoded. A raw path works too.
    const raw = await t.app.inject({ method: 'GET', url: `/ocsp/${ocspRequest([idFor(ca, dev.serial)]).toString('base64').replace(/\+/g, '%2B').replace(/=/g, '%3D')}` });
    assert.equal(basic(raw).responses[0]!.certStatus.status, 'good');
  });

  it('a revocation replaces the cached answer at once (GET and POST), and the old ETag no longer matches', async () => {
    const dev = await issueDevice(t, 'ocsp-6');
    const url = getUrl(ocspRequest([idFor(ca, dev.serial)]));
    const first = await t.app.inject({ method: 'GET', url });
    assert.equal(basic(first).responses[0]!.certStatus.status, 'good');
    assert.equal(basic(await post(t, ocspRequest([idFor(ca, dev.serial)]))).responses[0]!.certStatus.status, 'good');
    await revoke(t, dev.serial, 'keyCompromise');
    const cond = await t.app.inject({ method: 'GET', url, headers: { 'if-none-match': String(first.headers['etag']) } });
    assert.equal(cond.statusCode, 200, 'a stale ETag must not get 304');
    assert.equal(basic(cond).responses[0]!.certStatus.status, 'revoked');
    assert.equal(basic(await post(t, ocspRequest([idFor(ca, dev.serial)]))).responses[0]!.certStatus.status, 'revoked');
  });

  it('is signed by the delegated signer (responder id = SHA-1 of its key; OCSPSigning + ocsp-nocheck), never by the CA key', async () => {
    const dev = await issueDevice(t, 'ocsp-7');
    const res = basic(await post(t, ocspRequest([idFor(ca, dev.serial)])));
    assert.equal(res.certs.length, 1);
    const signerDer = res.certs[0]!;
    const signer = parseCertificate(signerDer);
    assert.deepEqual(Buffer.from(res.responderKeyId!), createHash('sha1').update(signer.publicKey.subjectPublicKey).digest());
    assert.notDeepEqual(Buffer.from(res.responderKeyId!), createHash('sha1').update(ca.issuer.subjectPublicKey).digest());
    assert.ok(signer.extKeyUsage?.includes(KEY_PURPOSES.OCSPSigning), 'id-kp-OCSPSigning');
    assert.ok(signer.extensions.some((e) => e.oid === OCSP_NOCHECK), 'id-pkix-ocsp-nocheck');
    assert.equal(signer.basicConstraints?.cA ?? false, false);
    const x = new X509Certificate(signerDer);
    assert.ok(x.verify(new X509Certificate(ca.der).publicKey), 'the signer certificate is issued by the CA');
    assert.ok(verify('sha256', res.tbsResponseData, x.publicKey, res.signature), 'the response verifies under the signer key');
    assert.ok(!verify('sha256', res.tbsResponseData, new X509Certificate(ca.der).publicKey, res.signature), 'not under the CA key');
  });

  it('certificateHold says revoked (certificateHold); release-hold makes it good again at once', async () => {
    const dev = await issueDevice(t, 'ocsp-8');
    const req = ocspRequest([idFor(ca, dev.serial)]);
    assert.equal(basic(await post(t, req)).responses[0]!.certStatus.status, 'good');
    await revoke(t, dev.serial, 'certificateHold');
    const held = basic(await post(t, req)).responses[0]!.certStatus;
    assert.ok(held.status === 'revoked' && held.reason === 'certificateHold', JSON.stringify(held));
    const r = await t.app.inject({ method: 'POST', url: `/api/v1/certificates/${dev.serial}/release-hold`, headers: t.admin });
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(basic(await post(t, req)).responses[0]!.certStatus.status, 'good');
  });

  it('live answers (a nonce in each) see a revocation and a hold release at once, though statuses are cached between them', async () => {
    const dev = await issueDevice(t, 'ocsp-9');
    const live = async () => basic(await post(t, ocspRequest([idFor(ca, dev.serial)], randomBytes(16)))).responses[0]!.certStatus;
    assert.equal((await live()).status, 'good');
    assert.equal((await live()).status, 'good');
    await revoke(t, dev.serial, 'certificateHold');
    const held = await live();
    assert.ok(held.status === 'revoked' && held.reason === 'certificateHold', JSON.stringify(held));
    const r = await t.app.inject({ method: 'POST', url: `/api/v1/certificates/${dev.serial}/release-hold`, headers: t.admin });
    assert.equal(r.statusCode, 200, r.body);
    assert.equal((await live()).status, 'good');
    await revoke(t, dev.serial, 'keyCompromise');
    const revoked = await live();
    assert.ok(revoked.status === 'revoked' && revoked.reason === 'keyCompromise', JSON.stringify(revoked));
  });
});
