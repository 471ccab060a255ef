/**
 * The CertID that names a certificate in OCSP requests and responses.
 *   CertID ::= SEQUENCE {
 *     hashAlgorithm   AlgorithmIdentifier,
 *     issuerNameHash  OCTET STRING, -- Hash of issuer's DN
 *     issuerKeyHash   OCTET STRING, -- Hash of issuer's public key
 *     serialNumber    CertificateSerialNumber }                         (RFC 6960 4.1.1)
 * SHA-1 is what `openssl ocsp` and most clients put here by default. It hashes public
 * names, it signs nothing, so it is accepted (RFC 6960 4.3 still requires it of clients).
 */
import { createHash } from 'node:crypto';
import { PkiError, type PkiErrorCode } from '../errors.js';
import { HASH_LENGTH, HASH_OIDS } from '../crypto/algorithms.js';
import { content, readOid, sequenceOf, type Tlv, whole } from '../der/reader.js';
import { nullValue, octetString, oid, sequence, TAG } from '../der/writer.js';
import { encodeSerialNumber, readSerialNumber } from '../x509/serial.js';

export type OcspHash = 'sha1' | 'sha256' | 'sha384' | 'sha512';

export const OCSP_HASH_OIDS: Readonly<Record<OcspHash, string>> = Object.freeze({ sha1: '1.3.14.3.2.26', ...HASH_OIDS });
const OCSP_HASH_LENGTH: Readonly<Record<OcspHash, number>> = { sha1: 20, ...HASH_LENGTH };
const HASH_BY_OID: ReadonlyMap<string, OcspHash> = new Map(Object.entries(OCSP_HASH_OIDS).map(([k, v]) => [v, k as OcspHash]));

export interface CertId {
  readonly hashAlgorithm: OcspHash;
  readonly issuerNameHash: Uint8Array;
  readonly issuerKeyHash: Uint8Array;
  /** Lower-case hex of the serial's magnitude, as Certificate.serial. */
  readonly serial: string;
  /** The CertID DER as received (or encoded): a response echoes it byte for byte. */
  readonly der: Uint8Array;
}

export interface OcspIssuer {
  /** The issuer's subject Name DER. */
  readonly subjectDer: Uint8Array;
  /** The issuer's subjectPublicKey BIT STRING value (PublicKeyInfo.subjectPublicKey). */
  readonly subjectPublicKey: Uint8Array;
}

/** 4.1.1: the name hash is over the issuer's DN DER, the key hash over its subjectPublicKey bits. */
export function issuerHashes(issuer: OcspIssuer, hash: OcspHash): { issuerNameHash: Buffer; issuerKeyHash: Buffer } {
  if (!Object.hasOwn(OCSP_HASH_OIDS, hash)) throw new PkiError('OCSP_HASH_UNSUPPORTED', `hash ${String(hash)} is not supported`);
  return {
    issuerNameHash: createHash(hash).update(issuer.subjectDer).digest(),
    issuerKeyHash: createHash(hash).update(issuer.subjectPublicKey).digest(),
  };
}

/** Whether `id` names a certificate of `issuer` (both hashes match under the CertID's hash). */
export function certIdIssuedBy(id: CertId, issuer: OcspIssuer): boolean {
  const h = issuerHashes(issuer, id.hashAlgorithm);
  return h.issuerNameHash.equals(id.issuerNameHash) && h.issuerKeyHash.equals(id.issuerKeyHash);
}

const algIds = new Map<OcspHash, Buffer>();
/** hashAlgorithm with NULL parameters, as OpenSSL writes it; RFC 5754 2 has readers accept both forms. */
function hashAlgorithmIdentifier(hash: OcspHash): Buffer {
  let der = algIds.get(hash);
  if (!der) algIds.set(hash, (der = sequence(oid(OCSP_HASH_OIDS[hash]), nullValue())));
  return der;
}

export function encodeCertId(id: Omit<CertId, 'der'>): Buffer {
  if (!Object.hasOwn(OCSP_HASH_LENGTH, id.hashAlgorithm)) throw new PkiError('OCSP_HASH_UNSUPPORTED', `hash ${String(id.hashAlgorithm)} is not supported`);
  const length = OCSP_HASH_LENGTH[id.hashAlgorithm];
  if (id.issuerNameHash.length !== length || id.issuerKeyHash.length !== length) {
    throw new PkiError('OCSP_RESPONSE_INVALID', `CertID hashes must be ${length} octets for ${id.hashAlgorithm}`);
  }
  return sequence(hashAlgorithmIdentifier(id.hashAlgorithm), octetString(id.issuerNameHash), octetString(id.issuerKeyHash), encodeSerialNumber(id.serial));
}

/** The CertID of certificate `serial` of `issuer`, as a client (or a pre-signing responder) makes it. */
export function certIdFor(issuer: OcspIssuer, serial: string, hash: OcspHash = 'sha1'): CertId {
  const fields = { hashAlgorithm: hash, ...issuerHashes(issuer, hash), serial };
  return Object.freeze({ ...fields, der: encodeCertId(fields) });
}

function readHashAlgorithm(t: Tlv | undefined): OcspHash {
  const [oidT, params, extra] = sequenceOf(t, 'hashAlgorithm', 1, 3);
  if (extra || (params && (params.tag !== TAG.NULL || params.end !== params.contentStart))) {
    throw new PkiError('BAD_DER', 'hashAlgorithm parameters must be absent or NULL');
  }
  const algOid = readOid(oidT, 'hashAlgorithm');
  const hash = HASH_BY_OID.get(algOid);
  if (!hash) throw new PkiError('OCSP_HASH_UNSUPPORTED', `CertID hash ${algOid} is not supported`, { detail: { oid: algOid } });
  return hash;
}

function readHash(t: Tlv | undefined, what: string, length: number, code: PkiErrorCode): Uint8Array {
  if (t?.tag !== TAG.OCTET_STRING) throw new PkiError('BAD_DER', `${what} must be an OCTET STRING`);
  const c = content(t);
  if (c.length !== length) throw new PkiError(code, `${what} must be ${length} octets`);
  return c;
}

/** A CertID element; `code` names the failure of a well-formed but wrong one (request or response). */
export function parseCertId(t: Tlv, code: 'OCSP_REQUEST_MALFORMED' | 'OCSP_RESPONSE_INVALID'): CertId {
  const [algT, nameT, keyT, serialT] = sequenceOf(t, 'CertID', 4, 4);
  const hashAlgorithm = readHashAlgorithm(algT);
  const length = OCSP_HASH_LENGTH[hashAlgorithm];
  return Object.freeze({
    hashAlgorithm,
    issuerNameHash: readHash(nameT, 'issuerNameHash', length, code),
    issuerKeyHash: readHash(keyT, 'issuerKeyHash', length, code),
    serial: readSerialNumber(serialT, 'CertID serialNumber'),
    der: whole(t),
  });
}
