/**
 * OCSP responses (RFC 6960 4.2): successful id-pkix-ocsp-basic responses signed by the
 * Signer (a delegated OCSP signer, RFC 6960 4.2.2.2), and the constant error responses.
 *   OCSPResponse ::= SEQUENCE { responseStatus OCSPResponseStatus, responseBytes [0] EXPLICIT ResponseBytes OPTIONAL }
 *   OCSPResponseStatus ::= ENUMERATED { successful (0), malformedRequest (1), internalError (2),
 *     tryLater (3), -- (4) is not used -- sigRequired (5), unauthorized (6) }
 *   ResponseBytes ::= SEQUENCE { responseType OBJECT IDENTIFIER, response OCTET STRING }
 *   BasicOCSPResponse ::= SEQUENCE { tbsResponseData ResponseData, signatureAlgorithm AlgorithmIdentifier,
 *     signature BIT STRING, certs [0] EXPLICIT SEQUENCE OF Certificate OPTIONAL }
 *   ResponseData ::= SEQUENCE {
 *     version            [0] EXPLICIT Version DEFAULT v1,
 *     responderID            ResponderID,
 *     producedAt             GeneralizedTime,
 *     responses              SEQUENCE OF SingleResponse,
 *     responseExtensions [1] EXPLICIT Extensions OPTIONAL }
 *   ResponderID ::= CHOICE { byName [1] Name, byKey [2] KeyHash }
 *   KeyHash ::= OCTET STRING -- SHA-1 hash of responder's public key (excluding the tag and length fields)
 * A response built without a nonce depends only on its fields: it can be signed ahead of
 * time and served from a cache to every client asking about that certificate.
 */
import { createHash } from 'node:crypto';
import { PkiError } from '../errors.js';
import { algorithmIdentifier } from '../crypto/algorithms.js';
import type { Signer } from '../crypto/signer.js';
import { readBitString, readRoot, sequenceOf } from '../der/reader.js';
import { bitString, explicit, octetString, oid, sequence, smallEnumerated } from '../der/writer.js';
import { encodeNonceExtension } from './nonce.js';
import { checkedTime, encodeSingleResponse, type SingleResponseFields } from './single-response.js';

export const OID_PKIX_OCSP_BASIC = '1.3.6.1.5.5.7.48.1.1';

export const OCSP_RESPONSE_STATUS = {
  successful: 0, malformedRequest: 1, internalError: 2, tryLater: 3, sigRequired: 5, unauthorized: 6,
} as const;
export type OcspResponseStatus = keyof typeof OCSP_RESPONSE_STATUS;

export interface OcspResponseFields {
  /** ResponderID byKey: SHA-1 of the responder's subjectPublicKey bits (ocspResponderKeyId). */
  readonly responderKeyId: Uint8Array;
  readonly producedAt: Date;
  readonly responses: readonly SingleResponseFields[];
  /** The request's nonce, echoed (RFC 8954). */
  readonly nonce?: Uint8Array;
  /** Certificates that help verify the response: the delegated signer's (4.2.2.2). */
  readonly certs?: readonly Uint8Array[];
}

const invalid = (message: string): PkiError => new PkiError('OCSP_RESPONSE_INVALID', message);

/**
 * 4.2.1 KeyHash: SHA-1 over the subjectPublicKey BIT STRING value. Takes the responder's
 * SubjectPublicKeyInfo DER (Signer.publicKeyDer) or its PublicKeyInfo.
 */
export function ocspResponderKeyId(key: Uint8Array | { readonly subjectPublicKey: Uint8Array }): Buffer {
  const bits = key instanceof Uint8Array ? readBitString(sequenceOf(readRoot(key), 'SubjectPublicKeyInfo', 2, 2)[1], 'subjectPublicKey').bytes : key.subjectPublicKey;
  return createHash('sha1').update(bits).digest();
}

/** The ResponseData DER that the responder signs. */
export function encodeResponseData(fields: OcspResponseFields): Buffer {
  // 4.2.1: KeyHash is a SHA-1 hash.
  if (fields.responderKeyId.length !== 20) throw invalid('responderKeyId must be the 20-octet SHA-1 KeyHash');
  if (fields.responses.length === 0) throw invalid('a response answers at least one CertID');
  const parts = [
    explicit(2, octetString(fields.responderKeyId)),
    checkedTime(fields.producedAt, 'producedAt'),
    sequence(...fields.responses.map(encodeSingleResponse)),
  ];
  if (fields.nonce !== undefined) parts.push(explicit(1, sequence(encodeNonceExtension(fields.nonce))));
  return sequence(...parts);
}

const responseBytes = (basic: Uint8Array): Buffer =>
  sequence(smallEnumerated(OCSP_RESPONSE_STATUS.successful), explicit(0, sequence(oid(OID_PKIX_OCSP_BASIC), octetString(basic))));

/**
 * A successful OCSPResponse. Steps:
 *   1. encode the ResponseData (checks the fields);
 *   2. sign it;
 *   3. wrap it in BasicOCSPResponse, with the signer's certificate, then in OCSPResponse.
 */
export async function buildOcspResponse(fields: OcspResponseFields, signer: Signer): Promise<Buffer> {
  const tbs = encodeResponseData(fields);
  const signature = await signer.sign(tbs);
  const certs = fields.certs && fields.certs.length > 0 ? [explicit(0, sequence(...fields.certs))] : [];
  return responseBytes(sequence(tbs, algorithmIdentifier(signer.algorithm), bitString(signature), ...certs));
}

type OcspErrorStatus = Exclude<OcspResponseStatus, 'successful'>;
const ERROR_STATUSES: readonly OcspErrorStatus[] = ['malformedRequest', 'internalError', 'tryLater', 'sigRequired', 'unauthorized'];
const ERROR_RESPONSES: ReadonlyMap<OcspErrorStatus, Buffer> = new Map(ERROR_STATUSES.map((s) => [s, sequence(smallEnumerated(OCSP_RESPONSE_STATUS[s]))]));

/** 4.2.1: an error status has no responseBytes; the bytes are constant (a fresh copy each call). */
export function ocspErrorResponse(status: OcspErrorStatus): Buffer {
  const der = ERROR_RESPONSES.get(status);
  if (!der) throw invalid(`${String(status)} is not an OCSP error status`);
  return Buffer.from(der);
}
