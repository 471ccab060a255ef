/**
 * Certs-only CMS SignedData ("degenerate" SignedData, RFC 5652 5.1, 5.2): the format EST
 * returns certificates in (RFC 7030 4.1.3 /cacerts, 4.2.3 enroll responses). No signers,
 * no content, only the certificates field.
 *   ContentInfo ::= SEQUENCE { contentType id-signedData, content [0] EXPLICIT SignedData }
 *   SignedData ::= SEQUENCE { version CMSVersion (1), digestAlgorithms SET OF (empty),
 *     encapContentInfo SEQUENCE { eContentType id-data } (eContent absent),
 *     certificates [0] IMPLICIT CertificateSet, signerInfos SET OF (empty) }
 * RFC 5652 5.1: version 1 because there are no attribute certificates, no other
 * certificate or revocation formats, and eContentType is id-data.
 */
import { PkiError } from '../errors.js';
import { children, expectTag, readOid, readRoot, readSmallInteger, sequenceOf, type Tlv, whole } from '../der/reader.js';
import { explicit, oid, sequence, smallInteger, TAG, tlv } from '../der/writer.js';

export const OID_CMS_SIGNED_DATA = '1.2.840.113549.1.7.2';
export const OID_CMS_DATA = '1.2.840.113549.1.7.1';
/** Far above a CA bundle with rollover certificates; bounds what a client parses. */
export const CERTS_ONLY_MAX_CERTIFICATES = 64;

const EMPTY_SET = Buffer.from([TAG.SET, 0x00]);

/**
 * Encodes `certificates` (DER) in the order given. CertificateSet is a SET OF, whose DER
 * form would sort the elements; like `openssl crl2pkcs7` we keep the caller's order (leaf
 * or issuing CA first), which EST clients read as a list, and which BER allows.
 */
export function encodeCertsOnly(certificates: readonly Uint8Array[]): Buffer {
  const signedData = sequence(
    smallInteger(1), EMPTY_SET, sequence(oid(OID_CMS_DATA)), tlv(0xa0, ...certificates), EMPTY_SET,
  );
  return sequence(oid(OID_CMS_SIGNED_DATA), explicit(0, signedData));
}

const bad = (why: string): PkiError => new PkiError('BAD_DER', `certs-only SignedData: ${why}`);

function signedDataOf(root: Tlv): Tlv {
  const [typeT, contentT, extra] = sequenceOf(root, 'ContentInfo', 2, 2);
  if (readOid(typeT) !== OID_CMS_SIGNED_DATA) throw bad('contentType is not id-signedData');
  if (extra || contentT!.tag !== 0xa0) throw bad('content must be [0] EXPLICIT');
  const [signedData, more] = children(contentT!);
  if (!signedData || more) throw bad('[0] must hold one SignedData');
  return signedData;
}

/** The certificates (DER, in encoded order) of a certs-only SignedData; BAD_DER if it is anything else. */
export function parseCertsOnly(der: Uint8Array): Uint8Array[] {
  const fields = sequenceOf(signedDataOf(readRoot(der)), 'SignedData', 4, 6);
  const version = readSmallInteger(fields[0], 'SignedData version');
  if (version !== 1) throw bad(`version ${version}, expected 1`);
  if (children(expectTag(fields[1]!, TAG.SET, 'digestAlgorithms')).length !== 0) throw bad('digestAlgorithms must be empty');
  const [eContentType, eContent] = sequenceOf(fields[2], 'EncapsulatedContentInfo', 1, 2);
  if (readOid(eContentType) !== OID_CMS_DATA || eContent) throw bad('encapContentInfo must be id-data without content');
  const rest = fields.slice(3);
  const signerInfos = rest.at(-1)!;
  if (children(expectTag(signerInfos, TAG.SET, 'signerInfos')).length !== 0) throw bad('signerInfos must be empty');
  const certs = rest.find((t) => t.tag === 0xa0);
  if (rest.some((t) => t !== signerInfos && t.tag !== 0xa0 && t.tag !== 0xa1)) throw bad('unexpected field');
  const out = certs ? children(certs) : [];
  if (out.length > CERTS_ONLY_MAX_CERTIFICATES) throw bad('too many certificates');
  return out.map((c) => whole(expectTag(c, TAG.SEQUENCE, 'Certificate')));
}
