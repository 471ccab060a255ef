/**
 * checkRevocation from OCSP responses built with core's buildOcspResponse (RFC 6960): the
 * CertID must name the certificate, the response must be current and signed by the issuer
 * or by a responder it delegated to (4.2.2.2). Exact results throughout.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildOcspResponse, certIdFor, checkRevocation, ocspResponderKeyId, type OcspCertStatus, type OcspHash, type RevocationResult, type Signer,
} from '../src/index.js';
import { NOW, testCa } from './helpers.js';
import { issueDevice, issueOcspSigner, type Issued, type TestCa } from './status-fixtures.js';

const HOUR = 3600_000;
const at = (hours: number): Date => new Date(NOW.getTime() + hours * HOUR);

interface World { readonly ca: TestCa; readonly device: Issued; readonly responder: Issued }

let cached: Promise<World> | null = null;
const world = (): Promise<World> => (cached ??= (async () => {
  const ca = await testCa();
  return { ca, device: await issueDevice(ca, 'dev-ocsp'), responder: await issueOcspSigner(ca) };
})());

interface Options { signer?: Signer; certs?: Uint8Array[]; serial?: string; hash?: OcspHash; status?: OcspCertStatus }

function response(w: World, o: Options = {}): Promise<Buffer> {
  const signer = o.signer ?? w.ca.signer;
  const issuer = { subjectDer: w.ca.cert.subjectDer, subjectPublicKey: w.ca.cert.publicKey.subjectPublicKey };
  return buildOcspResponse({
    responderKeyId: ocspResponderKeyId(signer.publicKeyDer), producedAt: at(-1),
    responses: [{ certId: certIdFor(issuer, o.serial ?? w.device.cert.serial, o.hash ?? 'sha1'), certStatus: o.status ?? { status: 'good' }, thisUpdate: at(-1), nextUpdate: at(12) }],
    ...(o.certs ? { certs: o.certs } : {}),
  }, signer);
}

function check(w: World, ocspResponses: Uint8Array[], now = NOW): RevocationResult {
  return checkRevocation({ path: [w.device.cert, w.ca.cert], pool: [w.ca.cert], inputs: { ocspResponses, mode: 'require' }, now, validateSigner: () => false });
}

const outcome = (r: RevocationResult) => (r.ok ? { ok: true } : { ok: r.ok, code: r.code, index: r.index });
const UNKNOWN = { ok: false, code: 'REVOCATION_UNKNOWN', index: 0 } as const;
const REVOKED = { ok: false, code: 'CERT_REVOKED', index: 0 } as const;

describe('checkRevocation with OCSP responses', () => {
  it('good from the issuer is a known status, with SHA-1 or SHA-256 CertIDs; revoked is CERT_REVOKED', async () => {
    const w = await world();
    assert.deepEqual(outcome(check(w, [await response(w)])), { ok: true });
    assert.deepEqual(outcome(check(w, [await response(w, { hash: 'sha256' })])), { ok: true });
    const revoked = await response(w, { status: { status: 'revoked', revocationTime: at(-3), reason: 'keyCompromise' } });
    assert.deepEqual(outcome(check(w, [await response(w), revoked])), REVOKED);
  });

  it('unknown, another serial, or another issuer\'s CertID says nothing about the certificate', async () => {
    const w = await world();
    assert.deepEqual(outcome(check(w, [await response(w, { status: { status: 'unknown' } })])), UNKNOWN);
    assert.deepEqual(outcome(check(w, [await response(w, { serial: '0badc0de' })])), UNKNOWN);
    const other = await testCa();
    const foreign = await buildOcspResponse({
      responderKeyId: ocspResponderKeyId(other.signer.publicKeyDer), producedAt: at(-1),
      responses: [{ certId: certIdFor({ subjectDer: other.cert.subjectDer, subjectPublicKey: other.cert.publicKey.subjectPublicKey }, w.device.cert.serial), certStatus: { status: 'good' }, thisUpdate: at(-1), nextUpdate: at(12) }],
    }, other.signer);
    assert.deepEqual(outcome(check(w, [foreign])), UNKNOWN);
  });

  it('is current only from thisUpdate to nextUpdate, both inclusive, with no allowance', async () => {
    const w = await world();
    const der = await response(w);
    assert.deepEqual(outcome(check(w, [der], at(12))), { ok: true });
    assert.deepEqual(outcome(check(w, [der], new Date(at(12).getTime() + 1000))), UNKNOWN);
    assert.deepEqual(outcome(check(w, [der], new Date(at(-1).getTime() - 1000))), UNKNOWN);
  });

  it('a delegated responder needs id-kp-OCSPSigning and a certificate from the issuer (4.2.2.2)', async () => {
    const w = await world();
    const delegated = await response(w, { signer: w.responder.signer, certs: [w.responder.der] });
    assert.deepEqual(outcome(check(w, [delegated])), { ok: true });
    const revoked = await response(w, { signer: w.responder.signer, certs: [w.responder.der], status: { status: 'revoked', revocationTime: at(-3), reason: null } });
    assert.deepEqual(outcome(check(w, [revoked])), REVOKED);
    // Signed by the device's own key: issued by the CA, but not an OCSP signer.
    const byDevice = await response(w, { signer: w.device.signer, certs: [w.device.der] });
    assert.deepEqual(outcome(check(w, [byDevice])), UNKNOWN);
    // The delegate's certificate not supplied: nothing vouches for its key.
    assert.deepEqual(outcome(check(w, [await response(w, { signer: w.responder.signer })])), UNKNOWN);
  });

  it('a tampered signature or a message that does not parse answers nothing', async () => {
    const w = await world();
    const der = Buffer.from(await response(w, { status: { status: 'revoked', revocationTime: at(-3), reason: null } }));
    der[der.length - 3]! ^= 0x01;
    assert.deepEqual(outcome(check(w, [der])), UNKNOWN);
    assert.deepEqual(outcome(check(w, [der.subarray(0, 30)])), UNKNOWN);
  });
});
