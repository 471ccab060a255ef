/**
 * OCSP responses for one certificate (RFC 6960): the SingleResponse must name it (CertID
 * 4.1.1), be current, and be signed by its issuer or by a responder the issuer delegated
 * to (4.2.2.2). Time: thisUpdate <= now <= nextUpdate with no allowance (the caller owns
 * the clock and any skew); a response without nextUpdate is not used, since nothing
 * bounds its age (4.2.2.1 leaves that to local policy).
 */
import { createHash } from 'node:crypto';
import { certIdIssuedBy } from '../../ocsp/cert-id.js';
import { type BasicOcspResponse, parseOcspResponse } from '../../ocsp/response-parse.js';
import type { SingleResponse } from '../../ocsp/single-response.js';
import { type Certificate, parseCertificate } from '../../x509/certificate.js';
import { KEY_PURPOSES } from '../../x509/extensions/ext-key-usage.js';
import { parseName } from '../../x509/name.js';
import { verifyWith } from './crl-store.js';
import type { CertStatus } from './crl-check.js';
import { nameEqual } from './names.js';

export interface StoredOcsp {
  readonly response: BasicOcspResponse;
  readonly certs: readonly Certificate[];
  /** Per issuer: whether the response is signed for that issuer (memoised). */
  readonly signedFor: Map<Certificate, boolean>;
}

/** Successful responses that parse; anything else answers nothing. */
export function storeOcspResponses(ders: readonly Uint8Array[]): StoredOcsp[] {
  const out: StoredOcsp[] = [];
  for (const der of ders) {
    try {
      const r = parseOcspResponse(der);
      if (r.status !== 'successful') continue;
      const certs = r.certs.flatMap((c) => { try { return [parseCertificate(c)]; } catch { return []; } });
      out.push({ response: r, certs, signedFor: new Map() });
    } catch { /* unusable input */ }
  }
  return out;
}

/** 4.2.2.3: ResponderID byKey is the SHA-1 of the responder's subjectPublicKey; byName its subject. */
function isResponder(r: BasicOcspResponse, c: Certificate): boolean {
  if (r.responderKeyId) return createHash('sha1').update(c.publicKey.subjectPublicKey).digest().equals(r.responderKeyId);
  if (!r.responderName) return false;
  try { return nameEqual(parseName(r.responderName), c.subject); } catch { return false; }
}

/** 4.2.2.2: "issued directly by the CA that is identified in the request", with id-kp-OCSPSigning, valid now. */
function isDelegate(c: Certificate, issuer: Certificate, now: Date): boolean {
  return nameEqual(c.issuer, issuer.subject) && c.extKeyUsage?.includes(KEY_PURPOSES.OCSPSigning) === true
    && c.notBefore.getTime() <= now.getTime() && now.getTime() <= c.notAfter.getTime()
    && verifyWith(issuer, c.signatureAlgorithm, c.tbs, c.signature);
}

function signedFor(s: StoredOcsp, issuer: Certificate, pool: readonly Certificate[], now: Date): boolean {
  let ok = s.signedFor.get(issuer);
  if (ok !== undefined) return ok;
  const r = s.response;
  const verifies = (c: Certificate): boolean => verifyWith(c, r.signatureAlgorithm, r.tbsResponseData, r.signature);
  ok = (isResponder(r, issuer) && verifies(issuer))
    || [...s.certs, ...pool].some((c) => isResponder(r, c) && isDelegate(c, issuer, now) && verifies(c));
  s.signedFor.set(issuer, ok);
  return ok;
}

const current = (sr: SingleResponse, now: Date): boolean =>
  sr.nextUpdate !== null && sr.thisUpdate.getTime() <= now.getTime() && now.getTime() <= sr.nextUpdate.getTime();

export function ocspStatus(cert: Certificate, issuer: Certificate, responses: readonly StoredOcsp[], pool: readonly Certificate[], now: Date): CertStatus {
  const key = { subjectDer: issuer.subjectDer, subjectPublicKey: issuer.publicKey.subjectPublicKey };
  let good = false;
  for (const s of responses) {
    for (const sr of s.response.responses) {
      if (sr.certId.serial !== cert.serial || !certIdIssuedBy(sr.certId, key) || !current(sr, now)) continue;
      if (sr.certStatus.status === 'unknown' || !signedFor(s, issuer, pool, now)) continue;
      if (sr.certStatus.status === 'revoked') return 'revoked';
      good = true;
    }
  }
  return good ? 'unrevoked' : 'undetermined';
}
