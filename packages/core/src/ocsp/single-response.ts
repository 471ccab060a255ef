/**
 * One certificate's status in an OCSP response (RFC 6960 4.2.1). Encoded apart so that a
 * responder can pre-sign one response per certificate and serve the cached bytes.
 *   SingleResponse ::= SEQUENCE {
 *     certID                CertID,
 *     certStatus            CertStatus,
 *     thisUpdate            GeneralizedTime,
 *     nextUpdate        [0] EXPLICIT GeneralizedTime OPTIONAL,
 *     singleExtensions  [1] EXPLICIT Extensions OPTIONAL }
 *   CertStatus ::= CHOICE { good [0] IMPLICIT NULL, revoked [1] IMPLICIT RevokedInfo, unknown [2] IMPLICIT UnknownInfo }
 *   RevokedInfo ::= SEQUENCE { revocationTime GeneralizedTime, revocationReason [0] EXPLICIT CRLReason OPTIONAL }
 */
import { PkiError } from '../errors.js';
import { children, content, sequenceOf, type Tlv } from '../der/reader.js';
import { explicit, generalizedTime, implicitConstructed, sequence, smallEnumerated, TAG } from '../der/writer.js';
import { CRL_REASONS, type CrlReason } from '../revocation/reason.js';
import { parseReasonCode } from '../crl/extensions.js';
import { parseExtensions } from '../x509/extensions/extension.js';
import { parseTime } from '../x509/time.js';
import { type CertId, parseCertId } from './cert-id.js';

export type OcspCertStatus =
  | { readonly status: 'good' }
  | { readonly status: 'revoked'; readonly revocationTime: Date; readonly reason: CrlReason | null }
  | { readonly status: 'unknown' };

export interface SingleResponseFields {
  readonly certId: CertId;
  readonly certStatus: OcspCertStatus;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date;
}

export interface SingleResponse {
  readonly certId: CertId;
  readonly certStatus: OcspCertStatus;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date | null;
}

const GOOD = Buffer.from([0x80, 0x00]);
const UNKNOWN = Buffer.from([0x82, 0x00]);

const invalid = (message: string): PkiError => new PkiError('OCSP_RESPONSE_INVALID', message);

/** A GeneralizedTime of a valid date (RFC 6960 uses GeneralizedTime for every time, RFC 5019 2.2.4 without fractions). */
export function checkedTime(d: Date, what: string): Buffer {
  const y = d.getUTCFullYear();
  if (!Number.isFinite(y) || y < 1 || y > 9999) throw invalid(`${what} is not a valid date`);
  return generalizedTime(d);
}

function encodeCertStatus(s: OcspCertStatus): Buffer {
  switch (s.status) {
    case 'good': return GOOD;
    case 'unknown': return UNKNOWN;
    case 'revoked': {
      // removeFromCRL undoes a hold (RFC 5280 5.3.1): such a certificate is good, not revoked.
      if (s.reason === 'removeFromCRL') throw invalid('removeFromCRL is not a revocation reason; answer good');
      if (s.reason !== null && !Object.hasOwn(CRL_REASONS, s.reason)) throw invalid(`"${String(s.reason)}" is not a CRLReason`);
      const time = checkedTime(s.revocationTime, 'revocationTime');
      const reason = s.reason === null ? [] : [explicit(0, smallEnumerated(CRL_REASONS[s.reason]))];
      return implicitConstructed(1, time, ...reason);
    }
  }
}

export function encodeSingleResponse(r: SingleResponseFields): Buffer {
  if (!(r.nextUpdate.getTime() > r.thisUpdate.getTime())) throw invalid('nextUpdate must be after thisUpdate');
  return sequence(r.certId.der, encodeCertStatus(r.certStatus), checkedTime(r.thisUpdate, 'thisUpdate'),
    explicit(0, checkedTime(r.nextUpdate, 'nextUpdate')));
}

function generalized(t: Tlv | undefined, what: string): Date {
  if (t?.tag !== TAG.GENERALIZED_TIME) throw new PkiError('BAD_DER', `${what} must be a GeneralizedTime`);
  return parseTime(t);
}

function explicitOne(t: Tlv, what: string): Tlv {
  const [inner, extra] = children(t);
  if (!inner || extra) throw new PkiError('BAD_DER', `${what} must hold one element`);
  return inner;
}

function parseCertStatus(t: Tlv | undefined): OcspCertStatus {
  if (t?.tag === 0x80 && t.end === t.contentStart) return { status: 'good' };
  if (t?.tag === 0x82 && t.end === t.contentStart) return { status: 'unknown' };
  if (t?.tag !== 0xa1) throw new PkiError('BAD_DER', 'certStatus must be good, revoked or unknown');
  const [timeT, reasonT, extra] = children(t);
  if (extra || (reasonT && reasonT.tag !== 0xa0)) throw new PkiError('BAD_DER', 'RevokedInfo has unexpected fields');
  const reason = reasonT ? parseReasonCode(content(reasonT)) : null;
  return { status: 'revoked', revocationTime: generalized(timeT, 'revocationTime'), reason };
}

export function parseSingleResponse(t: Tlv): SingleResponse {
  const [certIdT, statusT, thisT, ...rest] = sequenceOf(t, 'SingleResponse', 3, 5);
  const nextT = rest[0]?.tag === 0xa0 ? rest.shift() : undefined;
  const extsT = rest[0]?.tag === 0xa1 ? rest.shift() : undefined;
  if (rest.length > 0) throw new PkiError('BAD_DER', 'SingleResponse has unexpected fields');
  const critical = extsT ? parseExtensions(explicitOne(extsT, 'singleExtensions')).find((e) => e.critical) : undefined;
  if (critical) throw invalid(`singleExtensions: critical extension ${critical.oid} is not supported`);
  const nextUpdate = nextT ? generalized(explicitOne(nextT, 'nextUpdate'), 'nextUpdate') : null;
  return Object.freeze({
    certId: parseCertId(certIdT!, 'OCSP_RESPONSE_INVALID'), certStatus: Object.freeze(parseCertStatus(statusT)),
    thisUpdate: generalized(thisT, 'thisUpdate'), nextUpdate,
  });
}
