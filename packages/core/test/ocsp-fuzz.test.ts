/**
 * Mutation fuzzing of the parsers that read revocation messages from the network: every
 * malformed OCSP request (truncated, wrong tags, lengths past the body, deep nesting,
 * huge bodies) either parses or fails with a PkiError, and nothing hangs. Seeded, so a
 * failure reproduces. The OCSP request parser sees anyone on the internet: 100,000 inputs.
 */
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCrl, buildOcspResponse, certIdFor, ocspResponderKeyId, parseCrl, parseOcspRequest, parseOcspResponse, PkiError } from '../src/index.js';
import { explicit, header, octetString, oid, sequence, TAG } from '../src/der/writer.js';
import { NOW, testCa } from './helpers.js';
import { issueDevice, issueOcspSigner, openssl, scratch } from './status-fixtures.js';

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >> 17; s ^= s << 5; s >>>= 0; return s / 2 ** 32; };
}

const TAGS = [0x30, 0x31, 0x02, 0x04, 0x05, 0x06, 0x0a, 0x18, 0xa0, 0xa1, 0xa2, 0x80, 0x1f, 0x00, 0xff];

/** Nested SEQUENCEs around `inner`, each with its exact length. */
function nest(inner: Buffer, depth: number): Buffer {
  let b = inner;
  for (let i = 0; i < depth; i++) b = Buffer.concat([header(TAG.SEQUENCE, b.length), b]);
  return b;
}

function mutate(src: Buffer, rnd: () => number): Buffer {
  const b = Buffer.from(src);
  const i = Math.floor(rnd() * b.length);
  switch (Math.floor(rnd() * 10)) {
    case 0: b[i] = Math.floor(rnd() * 256); return b;
    case 1: b[i] = b[i]! ^ (1 << Math.floor(rnd() * 8)); return b;
    case 2: return b.subarray(0, i); // truncated
    case 3: return Buffer.concat([b.subarray(0, i), b.subarray(i + 1 + Math.floor(rnd() * 8))]);
    case 4: b[i] = TAGS[Math.floor(rnd() * TAGS.length)]!; return b; // wrong tag
    case 5: return Buffer.concat([b.subarray(0, i), Buffer.from([0x30, 0x84, 0x7f, 0xff, 0xff, 0xff]), b.subarray(i)]); // length past the body
    case 6: b[Math.min(i, b.length - 1)] = 0x80 | Math.floor(rnd() * 8); return b; // long-form or indefinite length octet
    case 7: return nest(b, 1 + Math.floor(rnd() * 64)); // deep nesting
    case 8: return Buffer.concat([b, Buffer.alloc(Math.floor(rnd() * 40_000), Math.floor(rnd() * 256))]); // huge or trailing
    default: return Buffer.from(Array.from({ length: Math.floor(rnd() * 200) }, () => Math.floor(rnd() * 256))); // noise
  }
}

function survives(fn: () => unknown, tally: Map<string, number>): void {
  try {
    fn();
    tally.set('parsed', (tally.get('parsed') ?? 0) + 1);
  } catch (e) {
    if (!(e instanceof PkiError)) throw e;
    tally.set(e.code, (tally.get(e.code) ?? 0) + 1);
  }
}

async function requestSeeds(): Promise<Buffer[]> {
  const ca = await testCa();
  const [a, b] = [await issueDevice(ca, 'a'), await issueDevice(ca, 'b')];
  const s = scratch('fuzz');
  const [caPem, aPem, bPem] = [s.file('ca.pem', ca.der, 'CERTIFICATE'), s.file('a.pem', a.der, 'CERTIFICATE'), s.file('b.pem', b.der, 'CERTIFICATE')];
  const key = `${s.dir}/k.pem`;
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', `${s.dir}/r.pem`, '-subj', '/CN=r']);
  const variants = [[], ['-no_nonce'], ['-sha256', '-cert', bPem], ['-signer', `${s.dir}/r.pem`, '-signkey', key]];
  return variants.map((extra, n) => {
    const out = `${s.dir}/req${n}.der`;
    assert.equal(openssl(['ocsp', '-issuer', caPem, '-cert', aPem, ...extra, '-reqout', out]).status, 0);
    return readFileSync(out);
  });
}

test('100,000 mutated OCSP requests: PkiError or success, nothing else', async (t) => {
  const seeds = await requestSeeds();
  // A request with extensions everywhere, built by hand: the paths openssl's requests do not take.
  const certId = Buffer.from(parseOcspRequest(seeds[0]!).requests[0]!.der);
  const ext = sequence(oid('1.2.3.4'), octetString(Buffer.from([5, 0])));
  seeds.push(sequence(sequence(explicit(0, Buffer.from([2, 1, 0])), sequence(sequence(certId, explicit(0, sequence(ext)))), explicit(2, sequence(ext)))));
  for (const seed of seeds) parseOcspRequest(seed);
  const rnd = prng(0x0c5b);
  const tally = new Map<string, number>();
  const started = performance.now();
  for (let n = 0; n < 100_000; n++) survives(() => parseOcspRequest(mutate(seeds[n % seeds.length]!, rnd)), tally);
  const seconds = (performance.now() - started) / 1000;
  t.diagnostic(`${seconds.toFixed(1)} s; ${[...tally].map(([k, v]) => `${k} ${v}`).join(', ')}`);
  assert.ok((tally.get('parsed') ?? 0) > 0 && (tally.get('BAD_DER') ?? 0) > 0 && (tally.get('INPUT_TOO_LARGE') ?? 0) > 0);
});

test('20,000 mutated OCSP responses and 10,000 mutated CRLs: PkiError or success, nothing else', async () => {
  const ca = await testCa();
  const responder = await issueOcspSigner(ca);
  const issuer = { subjectDer: ca.cert.subjectDer, subjectPublicKey: ca.cert.publicKey.subjectPublicKey };
  const response = await buildOcspResponse({
    responderKeyId: ocspResponderKeyId(responder.signer.publicKeyDer), producedAt: NOW, nonce: Buffer.alloc(16, 1), certs: [responder.der],
    responses: [{ certId: certIdFor(issuer, '1234'), certStatus: { status: 'revoked', revocationTime: NOW, reason: 'keyCompromise' }, thisUpdate: NOW, nextUpdate: new Date(NOW.getTime() + 3600_000) }],
  }, responder.signer);
  const crl = await buildCrl({
    issuer: { subjectDer: ca.cert.subjectDer, keyId: ca.context.keyId! }, thisUpdate: NOW, nextUpdate: new Date(NOW.getTime() + 3600_000), crlNumber: 3n,
    entries: [{ serial: '01', revocationDate: NOW, reason: 'keyCompromise', invalidityDate: NOW }, { serial: '02', revocationDate: NOW, reason: null, invalidityDate: null }],
    issuingDistributionPoint: { uri: 'http://pki.example/crl' }, freshestCrl: 'http://pki.example/delta',
  }, ca.signer);
  const rnd = prng(0x5eed);
  const tally = new Map<string, number>();
  for (let n = 0; n < 20_000; n++) survives(() => parseOcspResponse(mutate(response, rnd)), tally);
  for (let n = 0; n < 10_000; n++) survives(() => parseCrl(mutate(crl, rnd)), tally);
  assert.ok((tally.get('parsed') ?? 0) > 0);
});
