/**
 * The TBSCertificate DER, written directly (see der/writer.ts for why).
 *   TBSCertificate ::= SEQUENCE { version [0] EXPLICIT Version DEFAULT v1, serialNumber,
 *     signature AlgorithmIdentifier, issuer Name, validity Validity, subject Name,
 *     subjectPublicKeyInfo, extensions [3] EXPLICIT Extensions OPTIONAL }
 *   Validity ::= SEQUENCE { notBefore Time, notAfter Time }
 */
import { explicit, sequence, smallInteger, time, unsignedInteger } from '../der/writer.js';

export interface TbsFields {
  readonly serial: Uint8Array;
  readonly signatureAlgorithm: Uint8Array;
  readonly issuer: Uint8Array;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly subject: Uint8Array;
  readonly spki: Uint8Array;
  /** Concatenated Extension DERs; empty means no extensions field. */
  readonly extensions: Uint8Array;
}

const V3 = explicit(0, smallInteger(2));

export function encodeTbs(f: TbsFields): Buffer {
  const parts = [V3, unsignedInteger(f.serial), f.signatureAlgorithm, f.issuer, sequence(time(f.notBefore), time(f.notAfter)), f.subject, f.spki];
  if (f.extensions.length) parts.push(explicit(3, sequence(f.extensions)));
  return sequence(...parts);
}
