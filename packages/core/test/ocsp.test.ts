/**
 * OCSP (RFC 6960): requests made by `openssl ocsp` parsed by us, responses built by us
 * (signed by a delegated OCSP signer) judged by `openssl ocsp`, and both read back by
 * our parsers field by field.
 */
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildOcspResponse, certIdFor, certIdIssuedBy, encodeCertId, encodeResponseData, issuerHashes, ocspErrorResponse, ocspResponderKeyId,
  parseOcspRequest, parseOcspResponse, PkiError, type CertId, type OcspCertStatus, type OcspResponseFields,
} from '../src/index.js';
import { boolean, explicit, nullValue, octetString, oid, sequence, smallInteger } from '../src/der/writer.js';
import { NOW, signerFor, testCa } from './helpers.js';
import { ATTIME, issueDevice, issueOcspSigner, openssl, scratch, type Issued, type TestCa } from './status-fixtures.js';

const HOUR = 3600_000;
const at = (hours: number): Date => new Date(NOW.getTime() + hours * HOUR);

async function codeOf(fn: () => unknown): Promise<string> {
  try { await fn(); } catch (e) { if (e instanceof PkiError) return e.code; throw e; }
  return 'NO_ERROR';
}

interface World {
  readonly ca: TestCa;
  readonly responder: Issued;
  readonly leaf: Issued;
  readonly files: ReturnType<typeof scratch>;
  readonly caPem: string;
  readonly signerPem: string;
  readonly leafPem: string;
}

async function world(): Promise<World> {
  const ca = await testCa();
  const [responder, leaf] = [await issueOcspSigner(ca), await issueDevice(ca, 'dev-1')];
  const files = scratch('ocsp');
  return {
    ca, responder, leaf, files,
    caPem: files.file('ca.pem', ca.der, 'CERTIFICATE'),
    signerPem: files.file('signer.pem', responder.der, 'CERTIFICATE'),
    leafPem: files.file('leaf.pem', leaf.der, 'CERTIFICATE'),
  };
}

/** `openssl ocsp -reqout`: the request as a real client makes it. */
function opensslRequest(w: World, name: string, extra: readonly string[] = []): Buffer {
  const path = `${w.files.dir}/${name}`;
  const r = openssl(['ocsp', '-issuer', w.caPem, '-cert', w.leafPem, '-reqout', path, ...extra]);
  assert.equal(r.status, 0, r.output);
  return readFileSync(path);
}

function fieldsFor(w: World, certId: CertId, certStatus: OcspCertStatus, extra: Partial<OcspResponseFields> = {}): OcspResponseFields {
  return {
    responderKeyId: ocspResponderKeyId(w.responder.signer.publicKeyDer), producedAt: NOW,
    responses: [{ certId, certStatus, thisUpdate: NOW, nextUpdate: at(4) }], certs: [w.responder.der], ...extra,
  };
}

/**
 * `openssl ocsp -respin`, the delegated signer trusted explicitly (-VAfile) or through the
 * CA (its certificate in the response). With -cert (and -no_nonce) openssl prints a status
 * line per certificate; with -reqin it checks the nonce against that request, and prints
 * the response text (openssl ignores -reqin when -cert is given). Our 2030 instants are
 * in openssl's future: -attime for the chain, a wide -validity_period for the times.
 */
function opensslCheck(w: World, response: Buffer, opts: { reqin?: string; trust?: 'VAfile' | 'CAfile' } = {}) {
  const trust = opts.trust === 'CAfile' ? [] : ['-VAfile', w.signerPem];
  const subject = opts.reqin ? ['-reqin', opts.reqin, '-resp_text'] : ['-cert', w.leafPem, '-no_nonce'];
  return openssl(['ocsp', '-respin', w.files.file('resp.der', response), '-issuer', w.caPem, ...subject, ...trust,
    '-CAfile', w.caPem, '-attime', ATTIME, '-validity_period', String(100 * 365 * 86400)]);
}

describe('CertID and parseOcspRequest against openssl ocsp', () => {
  it('reads an openssl request: SHA-1 CertID, our hashes and serial, the nonce', async () => {
    const w = await world();
    const req = parseOcspRequest(opensslRequest(w, 'req.der'));
    assert.equal(req.requests.length, 1);
    const [id] = req.requests as [CertId];
    const expected = certIdFor({ subjectDer: w.ca.cert.subjectDer, subjectPublicKey: w.ca.cert.publicKey.subjectPublicKey }, w.leaf.cert.serial);
    assert.deepEqual(id, expected, 'same fields, and byte-equal DER (NULL hash parameters, as OpenSSL writes them)');
    assert.equal(id.hashAlgorithm, 'sha1');
    assert.equal(req.nonce?.length, 16);
    assert.equal(req.signed, false);
    assert.ok(certIdIssuedBy(id, { subjectDer: w.ca.cert.subjectDer, subjectPublicKey: w.ca.cert.publicKey.subjectPublicKey }));
    assert.ok(!certIdIssuedBy(id, { subjectDer: w.leaf.cert.subjectDer, subjectPublicKey: w.ca.cert.publicKey.subjectPublicKey }));
  });

  it('reads SHA-256 CertIDs, no nonce, several certificates, and signed requests', async () => {
    const w = await world();
    const other = await issueDevice(w.ca, 'dev-2');
    const path = `${w.files.dir}/multi.der`;
    const made = openssl(['ocsp', '-sha256', '-issuer', w.caPem, '-cert', w.leafPem, '-cert', w.files.file('o.pem', other.der, 'CERTIFICATE'), '-no_nonce', '-reqout', path]);
    assert.equal(made.status, 0, made.output);
    const req = parseOcspRequest(readFileSync(path));
    assert.deepEqual(req.requests.map((r) => [r.hashAlgorithm, r.serial]), [['sha256', w.leaf.cert.serial], ['sha256', other.cert.serial]]);
    assert.deepEqual(Buffer.from(req.requests[0]!.issuerNameHash), issuerHashes({ subjectDer: w.ca.cert.subjectDer, subjectPublicKey: w.ca.cert.publicKey.subjectPublicKey }, 'sha256').issuerNameHash);
    assert.equal(req.nonce, null);

    const key = `${w.files.dir}/requestor.key`;
    assert.equal(openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', `${w.files.dir}/requestor.pem`, '-subj', '/CN=requestor']).status, 0);
    const signed = parseOcspRequest(opensslRequest(w, 'signed.der', ['-signer', `${w.files.dir}/requestor.pem`, '-signkey', key]));
    assert.equal(signed.signed, true, 'requestorName and optionalSignature are parsed past');
    assert.equal(signed.requests[0]!.serial, w.leaf.cert.serial);
  });

  it('encodeCertId writes the hashes and the serial it is given', () => {
    const id = { hashAlgorithm: 'sha1' as const, issuerNameHash: Buffer.alloc(20, 1), issuerKeyHash: Buffer.alloc(20, 2), serial: '80' };
    assert.equal(encodeCertId(id).toString('hex'),
      '303b' + '300906052b0e03021a0500' + '0414' + '01'.repeat(20) + '0414' + '02'.repeat(20) + '0202' + '0080');
    const code = (fn: () => unknown) => { try { fn(); return 'NO_ERROR'; } catch (e) { return e instanceof PkiError ? e.code : 'OTHER'; } };
    assert.equal(code(() => encodeCertId({ ...id, hashAlgorithm: 'md5' as never })), 'OCSP_HASH_UNSUPPORTED');
    assert.equal(code(() => encodeCertId({ ...id, hashAlgorithm: 'constructor' as never })), 'OCSP_HASH_UNSUPPORTED');
    assert.equal(code(() => encodeCertId({ ...id, issuerKeyHash: Buffer.alloc(32) })), 'OCSP_RESPONSE_INVALID');
    assert.equal(code(() => encodeCertId({ ...id, serial: '0x80' })), 'SERIAL_NUMBER_INVALID');
    assert.equal(code(() => certIdFor({ subjectDer: Buffer.alloc(1), subjectPublicKey: Buffer.alloc(1) }, '01', 'toString' as never)), 'OCSP_HASH_UNSUPPORTED');
  });
});

describe('buildOcspResponse, checked by openssl ocsp', () => {
  const revoked: OcspCertStatus = { status: 'revoked', revocationTime: at(-2), reason: 'keyCompromise' };

  it('good, revoked with reason, unknown: openssl prints the status and verifies the delegated signature', async () => {
    const w = await world();
    const id = parseOcspRequest(opensslRequest(w, 'req.der', ['-no_nonce'])).requests[0]!;
    const cases: [OcspCertStatus, RegExp][] = [
      [{ status: 'good' }, /leaf\.pem: good/],
      [revoked, /leaf\.pem: revoked[\s\S]*Reason: keyCompromise[\s\S]*Revocation Time: Jun 15 10:00:00 2030 GMT/],
      [{ status: 'unknown' }, /leaf\.pem: unknown/],
    ];
    for (const [certStatus, expected] of cases) {
      const resp = await buildOcspResponse(fieldsFor(w, id, certStatus), w.responder.signer);
      for (const trust of ['VAfile', 'CAfile'] as const) {
        const r = opensslCheck(w, resp, { trust });
        assert.equal(r.status, 0, r.output);
        assert.match(r.output, /Response verify OK/, `${certStatus.status} / ${trust}`);
        assert.match(r.output, expected);
        assert.doesNotMatch(r.output, /WARNING|error/i);
      }
    }
  });

  it('echoes the nonce: openssl compares it with its request; without the echo it warns', async () => {
    const w = await world();
    const reqDer = opensslRequest(w, 'req.der');
    const reqin = w.files.file('req-in.der', reqDer);
    const req = parseOcspRequest(reqDer);
    const withNonce = await buildOcspResponse(fieldsFor(w, req.requests[0]!, { status: 'good' }, { nonce: req.nonce! }), w.responder.signer);
    const echoed = opensslCheck(w, withNonce, { reqin });
    assert.equal(echoed.status, 0, echoed.output);
    assert.match(echoed.output, /Response verify OK/);
    assert.match(echoed.output, /Cert Status: good/);
    assert.match(echoed.output, new RegExp(`OCSP Nonce:\\s+0410${Buffer.from(req.nonce!).toString('hex').toUpperCase()}`));
    assert.doesNotMatch(echoed.output, /WARNING|Nonce Verify error/);

    const other = await buildOcspResponse(fieldsFor(w, req.requests[0]!, { status: 'good' }, { nonce: Buffer.alloc(16, 7) }), w.responder.signer);
    const mismatch = opensslCheck(w, other, { reqin });
    assert.notEqual(mismatch.status, 0);
    assert.match(mismatch.output, /Nonce Verify error/);
    const cached = await buildOcspResponse(fieldsFor(w, req.requests[0]!, { status: 'good' }), w.responder.signer);
    assert.match(opensslCheck(w, cached, { reqin }).output, /WARNING: no nonce in response/);
  });

  it('a pre-signed response without nonce answers any request for that certificate', async () => {
    const w = await world();
    const issuer = { subjectDer: w.ca.cert.subjectDer, subjectPublicKey: w.ca.cert.publicKey.subjectPublicKey };
    const fields = fieldsFor(w, certIdFor(issuer, w.leaf.cert.serial), revoked);
    assert.deepEqual(encodeResponseData(fields), encodeResponseData(fields), 'the signed bytes depend only on the fields');
    const cached = await buildOcspResponse(fields, w.responder.signer);
    for (const name of ['a.der', 'b.der']) {
      const r = opensslCheck(w, cached, { reqin: w.files.file(`in-${name}`, opensslRequest(w, name, ['-no_nonce'])) });
      assert.match(r.output, /Response verify OK/);
      assert.match(r.output, /Cert Status: revoked/);
      assert.match(r.output, /Revocation Reason: keyCompromise \(0x1\)/);
      assert.doesNotMatch(r.output, /WARNING/);
    }
  });

  it('the responder id is the SHA-1 KeyHash openssl computes', async () => {
    const w = await world();
    const id = parseOcspRequest(opensslRequest(w, 'req.der')).requests[0]!;
    const keyId = ocspResponderKeyId(w.responder.signer.publicKeyDer);
    assert.deepEqual(keyId, ocspResponderKeyId(w.responder.cert.publicKey));
    const text = openssl(['ocsp', '-respin', w.files.file('r.der', await buildOcspResponse(fieldsFor(w, id, { status: 'good' }), w.responder.signer)), '-resp_text', '-noverify']);
    assert.match(text.output.replace(/\s+/g, ' '), new RegExp(`Responder Id: ${keyId.toString('hex').toUpperCase()}`));
  });

  it('refuses fields RFC 6960 does not allow', async () => {
    const w = await world();
    const id = certIdFor({ subjectDer: w.ca.cert.subjectDer, subjectPublicKey: w.ca.cert.publicKey.subjectPublicKey }, '01');
    const cases: [string, OcspResponseFields, string][] = [
      ['no responses', { ...fieldsFor(w, id, { status: 'good' }), responses: [] }, 'OCSP_RESPONSE_INVALID'],
      ['nextUpdate before thisUpdate', { ...fieldsFor(w, id, { status: 'good' }), responses: [{ certId: id, certStatus: { status: 'good' }, thisUpdate: NOW, nextUpdate: at(-1) }] }, 'OCSP_RESPONSE_INVALID'],
      ['a 33-octet nonce', fieldsFor(w, id, { status: 'good' }, { nonce: Buffer.alloc(33) }), 'OCSP_NONCE_INVALID'],
      ['an empty nonce', fieldsFor(w, id, { status: 'good' }, { nonce: Buffer.alloc(0) }), 'OCSP_NONCE_INVALID'],
      ['a short responder key id', fieldsFor(w, id, { status: 'good' }, { responderKeyId: Buffer.alloc(19) }), 'OCSP_RESPONSE_INVALID'],
      ['removeFromCRL as a revocation', fieldsFor(w, id, { status: 'revoked', revocationTime: NOW, reason: 'removeFromCRL' }), 'OCSP_RESPONSE_INVALID'],
      ['an invalid date', { ...fieldsFor(w, id, { status: 'good' }), producedAt: new Date(NaN) }, 'OCSP_RESPONSE_INVALID'],
      ['an unknown reason', fieldsFor(w, id, { status: 'revoked', revocationTime: NOW, reason: 'lost' as never }), 'OCSP_RESPONSE_INVALID'],
    ];
    for (const [name, fields, code] of cases) assert.equal(await codeOf(() => buildOcspResponse(fields, w.responder.signer)), code, name);
  });
});

describe('parseOcspResponse', () => {
  it('reads back every field of our response', async () => {
    const w = await world();
    const issuer = { subjectDer: w.ca.cert.subjectDer, subjectPublicKey: w.ca.cert.publicKey.subjectPublicKey };
    const ids = [certIdFor(issuer, w.leaf.cert.serial), certIdFor(issuer, 'abcdef', 'sha384'), certIdFor(issuer, '02', 'sha512')];
    const statuses: OcspCertStatus[] = [{ status: 'good' }, { status: 'revoked', revocationTime: at(-3), reason: null }, { status: 'unknown' }];
    const nonce = Buffer.alloc(32, 9);
    const fields: OcspResponseFields = {
      ...fieldsFor(w, ids[0]!, statuses[0]!), nonce,
      responses: ids.map((certId, i) => ({ certId, certStatus: statuses[i]!, thisUpdate: at(-1), nextUpdate: at(i + 1) })),
    };
    const der = await buildOcspResponse(fields, w.responder.signer);
    const r = parseOcspResponse(der);
    assert.equal(r.status, 'successful');
    if (r.status !== 'successful') return;
    assert.deepEqual(r.responderKeyId, fields.responderKeyId);
    assert.equal(r.responderName, null);
    assert.deepEqual(r.producedAt, NOW);
    assert.deepEqual(r.responses, fields.responses);
    assert.deepEqual(Buffer.from(r.nonce!), nonce);
    assert.deepEqual(r.certs.map((c) => Buffer.from(c)), [w.responder.der]);
    assert.equal(r.signatureAlgorithm.algorithm.name, 'ecdsa-with-SHA256');
    assert.deepEqual(Buffer.from(r.tbsResponseData), encodeResponseData(fields));
  });

  it('error responses are constant bytes that openssl reads', () => {
    const expected = { malformedRequest: 1, internalError: 2, tryLater: 3, sigRequired: 5, unauthorized: 6 } as const;
    const s = scratch('ocsp-err');
    for (const [status, code] of Object.entries(expected) as [keyof typeof expected, number][]) {
      const der = ocspErrorResponse(status);
      assert.equal(der.toString('hex'), `30030a010${code}`);
      assert.deepEqual(parseOcspResponse(der), { status, der });
      assert.match(openssl(['ocsp', '-respin', s.file(`${status}.der`, der), '-resp_text']).output, new RegExp(`Responder Error: ${status} \\(${code}\\)`, 'i'));
    }
    assert.equal(ocspErrorResponse('tryLater').fill(0).length, 5);
    assert.equal(ocspErrorResponse('tryLater').toString('hex'), '30030a0103', 'a caller cannot damage the constant');
  });
});

/** A request from parts, for the defects openssl never makes. */
function request(opts: { ids?: Uint8Array[]; exts?: Uint8Array[]; version?: number; single?: Uint8Array[] } = {}): Buffer {
  const ids = opts.ids ?? [certIdDer()];
  const requests = ids.map((id) => sequence(id, ...(opts.single ? [explicit(0, sequence(...opts.single))] : [])));
  return sequence(sequence(
    ...(opts.version !== undefined ? [explicit(0, smallInteger(opts.version))] : []), sequence(...requests),
    ...(opts.exts ? [explicit(2, sequence(...opts.exts))] : []),
  ));
}
function certIdDer(hashOid = '1.3.14.3.2.26', length = 20, serial = Buffer.from([0x02, 0x01, 0x05])): Buffer {
  return sequence(sequence(oid(hashOid), nullValue()), octetString(Buffer.alloc(length, 1)), octetString(Buffer.alloc(length, 2)), serial);
}
const ext = (id: string, critical: boolean, value: Uint8Array) => sequence(oid(id), ...(critical ? [boolean(true)] : []), octetString(value));
const NONCE = '1.3.6.1.5.5.7.48.1.2';

describe('parseOcspRequest refuses malformed requests with stable codes', () => {
  it('limits, versions, hashes, extensions and nonces', async () => {
    assert.deepEqual(parseOcspRequest(request()).requests.map((r) => r.serial), ['05']);
    const cases: [string, Uint8Array, string][] = [
      ['17 CertIDs', request({ ids: Array.from({ length: 17 }, () => certIdDer()) }), 'OCSP_REQUEST_MALFORMED'],
      ['no CertID', request({ ids: [] }), 'OCSP_REQUEST_MALFORMED'],
      ['version 2', request({ version: 1 }), 'OCSP_REQUEST_MALFORMED'],
      ['an MD5 CertID', request({ ids: [certIdDer('1.2.840.113549.2.5', 16)] }), 'OCSP_HASH_UNSUPPORTED'],
      ['a SHA-1 hash of 32 octets', request({ ids: [certIdDer('1.3.14.3.2.26', 32)] }), 'OCSP_REQUEST_MALFORMED'],
      ['a negative serial', request({ ids: [certIdDer(undefined, undefined, Buffer.from([0x02, 0x01, 0x85]))] }), 'SERIAL_NUMBER_INVALID'],
      ['a critical unknown request extension', request({ exts: [ext('1.2.3.4', true, nullValue())] }), 'OCSP_REQUEST_MALFORMED'],
      ['a critical unknown single extension', request({ single: [ext('1.2.3.4', true, nullValue())] }), 'OCSP_REQUEST_MALFORMED'],
      ['a 33-octet nonce', request({ exts: [ext(NONCE, false, octetString(Buffer.alloc(33)))] }), 'OCSP_NONCE_INVALID'],
      ['an empty nonce', request({ exts: [ext(NONCE, false, octetString(Buffer.alloc(0)))] }), 'OCSP_NONCE_INVALID'],
      ['a raw nonce, not an OCTET STRING', request({ exts: [ext(NONCE, false, Buffer.alloc(16, 0x41))] }), 'OCSP_NONCE_INVALID'],
      ['a duplicate extension', request({ exts: [ext(NONCE, false, octetString(Buffer.alloc(8))), ext(NONCE, false, octetString(Buffer.alloc(8)))] }), 'BAD_DER'],
      ['over 16 KiB', Buffer.concat([Buffer.from([0x30, 0x82, 0x40, 0x01]), Buffer.alloc(0x4001)]), 'INPUT_TOO_LARGE'],
      ['trailing data', Buffer.concat([request(), Buffer.from([0])]), 'BAD_DER'],
    ];
    for (const [name, der, code] of cases) assert.equal(await codeOf(() => parseOcspRequest(der)), code, name);
    assert.equal(parseOcspRequest(request({ ids: Array.from({ length: 17 }, () => certIdDer()) }), { maxRequests: 17 }).requests.length, 17);
    assert.equal(parseOcspRequest(request({ exts: [ext('1.2.3.4', false, nullValue())], single: [ext('1.2.3.5', false, nullValue())] })).nonce, null, 'non-critical unknown extensions are ignored');
    assert.deepEqual(Buffer.from(parseOcspRequest(request({ exts: [ext(NONCE, false, octetString(Buffer.alloc(32, 3)))] })).nonce!), Buffer.alloc(32, 3));
  });

  it('every truncation of a real request is BAD_DER', async () => {
    const w = await world();
    const der = opensslRequest(w, 'req.der');
    for (let n = 0; n < der.length; n++) assert.equal(await codeOf(() => parseOcspRequest(der.subarray(0, n))), 'BAD_DER', `length ${n}`);
  });

  it('a responder key id can be computed from any SPKI, even one the CA would not certify', () => {
    const spki = signerFor('rsa1024').publicKeyDer;
    assert.equal(ocspResponderKeyId(spki).length, 20);
  });
});
