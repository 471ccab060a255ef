/**
 * An unsigned OCSP request as a relying party sends it (RFC 6960 4.1.1), without a nonce so
 * that a responder may answer from its cache (RFC 5019 2.1.1):
 *   OCSPRequest ::= SEQUENCE { tbsRequest TBSRequest }
 *   TBSRequest  ::= SEQUENCE { requestList SEQUENCE OF Request }
 *   Request     ::= SEQUENCE { reqCert CertID }
 */
import { sequence } from '../der/writer.js';
import type { CertId } from './cert-id.js';

export function encodeOcspRequest(certIds: readonly Pick<CertId, 'der'>[]): Buffer {
  return sequence(sequence(sequence(...certIds.map((id) => sequence(id.der)))));
}
