/**
 * Bad input at the HTTP edge: more than 100,000 malformed inputs against POST /ocsp,
 * GET /ocsp/<base64> and GET /crl/<file> through inject(): truncated DER, wrong tags,
 * lengths larger than the body, deep nesting, bodies up to a few MB, random bytes, bad
 * base64 and URL encodings. Every answer is an OCSPResponse (200, malformedRequest or
 * unauthorized) or a 4xx; never a 5xx, never a stall; the heap stays bounded.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseOcspResponse } from '@fleetpki/core';
import { openTestApp, type TestApp } from './helpers.js';
import { idFor, issueDevice, issuingCa, ocspRequest, seq, tlv } from './status-support.js';

/** Deterministic: a failure names its seed and index, and reproduces. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (s + 0x6d2b79f5) >>> 0; let t = s; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
}

describe('OCSP and CRL endpoints under malformed input', () => {
  let t: TestApp;
  before(async () => { t = await openTestApp(); });
  after(async () => { await t.close(); });

  it('100,000+ malformed inputs: OCSP errors or 4xx, never 5xx; heap bounded', { timeout: 120_000 }, async () => {
    const ca = await issuingCa(t);
    const dev = await issueDevice(t, 'fuzz-1');
    const valid = ocspRequest([idFor(ca, dev.serial)], Buffer.alloc(16, 7));
    const validSha256 = ocspRequest([idFor(ca, dev.serial, 'sha256'), idFor(ca, 'abcdef')]);
    const r = rng(0xf1eed);
    const int = (n: number): number => Math.floor(r() * n);
    const bytes = (n: number): Buffer => { const b = Buffer.allocUnsafe(n); for (let i = 0; i < n; i++) b[i] = int(256); return b; };

    const mutate = (base: Buffer): Buffer => {
      const b = Buffer.from(base);
      switch (int(9)) {
        case 0: return b.subarray(0, int(b.length)); // truncated
        case 1: { b[int(b.length)] = int(256); return b; } // one byte flipped (tags, lengths)
        case 2: { for (let k = 0; k < 1 + int(8); k++) b[int(b.length)] = int(256); return b; }
        case 3: { const i = int(b.length); b[i] = 0x80 | (1 + int(4)); return b; } // a long-form length where a short one was
        case 4: { const i = 1 + int(b.length - 1); b[i] = 0x84; return Buffer.concat([b.subarray(0, i + 1), Buffer.from([0x7f, 0xff, 0xff, 0xff]), b.subarray(i + 1)]); } // length >> body
        case 5: return Buffer.concat([b, bytes(1 + int(64))]); // trailing garbage
        case 6: return Buffer.concat([b.subarray(0, int(b.length)), bytes(int(40)), b.subarray(int(b.length))]); // inserted
        case 7: { b[0] = [0x31, 0x04, 0x02, 0xa0, 0x00, 0xff][int(6)]!; return b; } // wrong outer tag
        default: return bytes(1 + int(200));
      }
    };
    const nested = (depth: number, tag = 0x30): Buffer => { let b: Buffer = Buffer.alloc(0); for (let i = 0; i < depth; i++) b = tlv(tag, b); return b; };
    const indefinite = (depth: number): Buffer => Buffer.concat([Buffer.alloc(depth * 2, 0).fill(Buffer.from([0x30, 0x80])), Buffer.alloc(depth * 2, 0)]);

    // Deep nesting, built once (building it per input would cost more than parsing it).
    const deep = [1, 2, 23, 24, 25, 26, 100, 1000, 3000].flatMap((d) => [nested(d), nested(d, 0xa0), indefinite(d)]);
    type Input = { method: 'GET' | 'POST'; url: string; body?: Buffer; contentType?: string };
    const inputs = function* (): Generator<Input> {
      for (let i = 0; ; i++) {
        const k = i % 10;
        if (k < 5) yield { method: 'POST', url: '/ocsp', body: mutate(i % 2 ? valid : validSha256) };
        else if (k === 5) {
          const d = mutate(valid).toString('base64');
          const enc = [encodeURIComponent(d), d, d.replace(/=/g, ''), `${d}%`, `${d}%zz`, d.replace(/\//g, '%2'), `%C0%AF${d}`, d.replace(/[A-Z]/, '-'), `${d}/../x`][int(9)]!;
          yield { method: 'GET', url: `/ocsp/${enc}` };
        } else if (k === 6) {
          const files = ['dev-issuing.crl', 'dev-issuing.delta.crl', 'dev-issuing.9999.crl', '..%2F..%2Fetc%2Fpasswd', '%00.crl', '%zz.crl', 'a'.repeat(2000) + '.crl', 'dev-issuing.-1.crl', `${bytes(8).toString('hex')}.crl`, '.crl', 'DEV-ISSUING.crl', 'dev-issuing.crl%'];
          yield { method: 'GET', url: `/crl/${files[int(files.length)]}` };
        } else if (k === 7) {
          yield { method: 'POST', url: '/ocsp', body: deep[int(deep.length)]! };
        } else if (k === 8) {
          yield { method: 'POST', url: '/ocsp', body: mutate(valid), contentType: ['application/json', 'text/plain', 'application/octet-stream', 'application/ocsp-request; charset=x', ''][int(5)]! };
        } else {
          // A valid request with a wrong-tag CertID, an empty list, too many CertIDs, or a huge nonce.
          const c = [seq(seq(seq())), seq(seq(seq(...Array.from({ length: 40 }, () => seq(idFor(ca, dev.serial).der))))), ocspRequest([idFor(ca, dev.serial)], bytes(200)), seq(seq(tlv(0x31, seq(idFor(ca, dev.serial).der))))][int(4)]!;
          yield { method: 'POST', url: '/ocsp', body: c };
        }
      }
    };

    const heapBefore = (globalThis.gc?.(), process.memoryUsage().heapUsed);
    const statuses = new Map<string, number>();
    const started = Date.now();
    const TOTAL = Number(process.env['FLEETPKI_FUZZ_INPUTS'] ?? 100_000);
    const BATCH = 250;
    const it = inputs();
    let done = 0;
    const check = async (input: Input, n: number): Promise<void> => {
      const res = await t.app.inject({
        method: input.method, url: input.url,
        ...(input.body ? { payload: input.body, headers: input.contentType === '' ? {} : { 'content-type': input.contentType ?? 'application/ocsp-request' } } : {}),
      });
      assert.ok(res.statusCode < 500, `#${n} ${input.method} ${input.url.slice(0, 80)}: HTTP ${res.statusCode} ${res.body.slice(0, 200)}`);
      let key = String(res.statusCode);
      if (input.url.startsWith('/ocsp') && res.statusCode === 200) {
        assert.equal(res.headers['content-type'], 'application/ocsp-response', `#${n}`);
        const a = parseOcspResponse(res.rawPayload);
        key = a.status;
      }
      statuses.set(key, (statuses.get(key) ?? 0) + 1);
    };
    while (done < TOTAL) {
      const batch: Promise<void>[] = [];
      for (let j = 0; j < BATCH; j++) batch.push(check(it.next().value as Input, done + j));
      await Promise.all(batch);
      done += BATCH;
    }
    // Huge bodies: a few MB, over the 16 KiB OCSP limit, answered without reading them into the parser.
    for (const size of [16 * 1024 + 1, 64 * 1024, 1024 * 1024, 4 * 1024 * 1024]) {
      await check({ method: 'POST', url: '/ocsp', body: Buffer.concat([valid, Buffer.alloc(size)]) }, done++);
      await check({ method: 'POST', url: '/ocsp', body: tlv(0x30, Buffer.alloc(size)) }, done++);
    }
    await check({ method: 'GET', url: `/ocsp/${'A'.repeat(64 * 1024)}` }, done++);
    const elapsed = Date.now() - started;
    const heapAfter = (globalThis.gc?.(), process.memoryUsage().heapUsed);
    process.stdout.write(`# ${done} inputs in ${elapsed} ms; answers ${JSON.stringify(Object.fromEntries(statuses))}; heap ${(heapBefore / 1e6).toFixed(1)} -> ${(heapAfter / 1e6).toFixed(1)} MB\n`);
    assert.ok(done >= TOTAL);
    for (const k of statuses.keys()) assert.ok(['malformedRequest', 'unauthorized', 'successful', '404', '400', '413', '415', '304'].includes(k), `unexpected answer ${k}`);
    assert.ok(heapAfter - heapBefore < 200e6, `heap grew by ${((heapAfter - heapBefore) / 1e6).toFixed(1)} MB`);
    // Still answering, correctly, afterwards.
    const ok = await t.app.inject({ method: 'POST', url: '/ocsp', headers: { 'content-type': 'application/ocsp-request' }, payload: valid });
    assert.equal(parseOcspResponse(ok.rawPayload).status, 'successful');
  });
});
