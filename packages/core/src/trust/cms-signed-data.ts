/**
 * The CMS SignedData (RFC 5652) profile trust bundles use: one signer, attached content,
 * signed attributes, the signer's certificate carried for `openssl cms -verify`.
 *   ContentInfo ::= SEQUENCE { contentType OBJECT IDENTIFIER (id-signedData), content [0] EXPLICIT SignedData }
 *   SignedData ::= SEQUENCE { version CMSVersion, digestAlgorithms SET OF DigestAlgorithmIdentifier,
 *     encapContentInfo EncapsulatedContentInfo, certificates [0] IMPLICIT CertificateSet OPTIONAL,
 *     crls [1] IMPLICIT RevocationInfoChoices OPTIONAL, signerInfos SET OF SignerInfo }
 *   EncapsulatedContentInfo ::= SEQUENCE { eContentType OBJECT IDENTIFIER, eContent [0] EXPLICIT OCTET STRING OPTIONAL }
 *   SignerInfo ::= SEQUENCE { version CMSVersion, sid SignerIdentifier, digestAlgorithm DigestAlgorithmIdentifier,
 *     signedAttrs [0] IMPLICIT SignedAttributes OPTIONAL, signatureAlgorithm SignatureAlgorithmIdentifier,
 *     signature OCTET STRING, unsignedAttrs [1] IMPLICIT UnsignedAttributes OPTIONAL }
 *   SignerIdentifier ::= CHOICE { issuerAndSerialNumber IssuerAndSerialNumber, subjectKeyIdentifier [0] SubjectKeyIdentifier }
 *   Attribute ::= SEQUENCE { attrType OBJECT IDENTIFIER, attrValues SET OF AttributeValue }
 */
import { createHash } from 'node:crypto';
import { PkiError } from '../errors.js';
import { parseSignatureAlgorithm, type ParsedSignatureAlgorithm } from '../crypto/algorithm-identifier.js';
import { algorithmIdentifier, HASH_OIDS, type HashName, SIGNATURE_ALGORITHMS } from '../crypto/algorithms.js';
import type { Signer } from '../crypto/signer.js';
import { checkDepth, children, content, expectTag, readOid, readRoot, readSmallInteger, sequenceOf, type Tlv, whole } from '../der/reader.js';
import { explicit, octetString, oid, sequence, setOf, smallInteger, TAG, tlv, unsignedInteger } from '../der/writer.js';
import type { Certificate } from '../x509/certificate.js';

export const OID_SIGNED_DATA = '1.2.840.113549.1.7.2';
export const OID_CONTENT_TYPE = '1.2.840.113549.1.9.3';
export const OID_MESSAGE_DIGEST = '1.2.840.113549.1.9.4';
const OID_RSA_ENCRYPTION = '1.2.840.113549.1.1.1';
export const CMS_LIMITS = { maxCertificates: 4, maxSignedAttributes: 16, maxDepth: 16 } as const;

const HASH_BY_OID = new Map(Object.entries(HASH_OIDS).map(([k, v]) => [v, k as HashName]));

/** RFC 5754 2: SHA-2 digest AlgorithmIdentifiers are generated with absent parameters. */
export const digestAlgorithmIdentifier = (h: HashName): Buffer => sequence(oid(HASH_OIDS[h]));

export const digest = (h: HashName, data: Uint8Array): Buffer => createHash(h).update(data).digest();

/** The digest that goes with a signature algorithm: its own hash, SHA-512 for Ed25519 (RFC 8419 3.1). */
export const digestFor = (a: ParsedSignatureAlgorithm): HashName => a.pss?.hash ?? a.algorithm.hash ?? 'sha512';

export interface SignParams {
  readonly eContentType: string;
  readonly eContent: Uint8Array;
  readonly signerCertificate: Certificate;
  readonly signer: Signer;
}

/** RFC 5652 5.4: with signed attributes, the signature covers their DER as a SET OF (tag 0x31). */
function signedAttributes(eContentType: string, messageDigest: Uint8Array): Buffer {
  return setOf(
    sequence(oid(OID_CONTENT_TYPE), setOf(oid(eContentType))),
    sequence(oid(OID_MESSAGE_DIGEST), setOf(octetString(messageDigest))),
  );
}

/** The digest a signer's SignerInfo uses (digestFor of its own algorithm). */
export const signerDigest = (signer: Signer): HashName => digestFor({ algorithm: SIGNATURE_ALGORITHMS[signer.algorithm] });

/**
 * The one SignerInfo of a content whose digest is `messageDigest` (computed with
 * signerDigest(signer)): the signed attributes, signed. Version 1 with
 * issuerAndSerialNumber (RFC 5652 5.3).
 */
export async function signerInfoFor(eContentType: string, messageDigest: Uint8Array, cert: Certificate, signer: Signer): Promise<Buffer> {
  const attrs = signedAttributes(eContentType, messageDigest);
  const signature = await signer.sign(attrs);
  return sequence(
    smallInteger(1), sequence(cert.issuerDer, unsignedInteger(Buffer.from(cert.serial, 'hex'))), digestAlgorithmIdentifier(signerDigest(signer)),
    tlv(0xa0, content(readRoot(attrs))), algorithmIdentifier(signer.algorithm), octetString(signature),
  );
}

export async function signSignedData(p: SignParams): Promise<Buffer> {
  const hash = signerDigest(p.signer);
  const signerInfo = await signerInfoFor(p.eContentType, digest(hash, p.eContent), p.signerCertificate, p.signer);
  // SignedData version 3 because eContentType is not id-data (RFC 5652 5.1).
  const signedData = sequence(
    smallInteger(3), setOf(digestAlgorithmIdentifier(hash)),
    sequence(oid(p.eContentType), explicit(0, octetString(p.eContent))),
    tlv(0xa0, p.signerCertificate.der), setOf(signerInfo),
  );
  return sequence(oid(OID_SIGNED_DATA), explicit(0, signedData));
}

export type SignerId =
  | { readonly kind: 'issuerAndSerialNumber'; readonly issuerDer: Uint8Array; readonly serial: string }
  | { readonly kind: 'subjectKeyIdentifier'; readonly keyId: Uint8Array };

export interface ParsedSignedData {
  readonly eContentType: string;
  /** The eContent octets, unparsed: they are read only once the signature verifies. */
  readonly eContent: Uint8Array;
  readonly certificates: readonly Uint8Array[];
  readonly sid: SignerId;
  readonly digestAlgorithm: HashName;
  readonly contentTypeAttribute: string;
  readonly messageDigest: Uint8Array;
  /** The bytes the signature covers: the signed attributes as a SET OF. */
  readonly signedBytes: Uint8Array;
  readonly signatureAlgorithm: ParsedSignatureAlgorithm;
  readonly signature: Uint8Array;
}

export const bad = (why: string): PkiError => new PkiError('BAD_DER', `CMS SignedData: ${why}`);

function explicitOne(t: Tlv | undefined, tag: number, what: string): Tlv {
  if (!t || t.tag !== tag) throw bad(`${what} missing`);
  const [inner, extra] = children(t);
  if (!inner || extra) throw bad(`${what} must hold one element`);
  return inner;
}

export function readDigestAlgorithm(t: Tlv | undefined): HashName {
  const [o, params] = sequenceOf(t, 'DigestAlgorithmIdentifier', 1, 2);
  const h = HASH_BY_OID.get(readOid(o));
  if (!h) throw bad('digest algorithm is not SHA-256, SHA-384 or SHA-512');
  if (params && (params.tag !== TAG.NULL || params.end !== params.contentStart)) throw bad('digest algorithm parameters must be absent or NULL');
  return h;
}

function readSid(t: Tlv | undefined): SignerId {
  if (t?.tag === 0x80) return { kind: 'subjectKeyIdentifier', keyId: content(t) };
  const [issuer, serialT] = sequenceOf(t, 'IssuerAndSerialNumber', 2, 2);
  const serial = content(expectTag(serialT!, TAG.INTEGER, 'serialNumber'));
  if (serial.length === 0 || serial.length > 21) throw bad('serialNumber length out of range');
  const magnitude = serial[0] === 0 && serial.length > 1 ? serial.subarray(1) : serial;
  return { kind: 'issuerAndSerialNumber', issuerDer: whole(expectTag(issuer!, TAG.SEQUENCE, 'issuer')), serial: Buffer.from(magnitude).toString('hex') };
}

/** RFC 5652 11.1, 11.2: contentType and messageDigest, each exactly once with one value. */
function readSignedAttributes(t: Tlv): { contentType: string; messageDigest: Uint8Array } {
  const attrs = children(t);
  if (attrs.length > CMS_LIMITS.maxSignedAttributes) throw bad('too many signed attributes');
  const one = (type: string): Tlv => {
    const found = attrs.map((a) => sequenceOf(a, 'Attribute', 2, 2)).filter(([o]) => readOid(o) === type);
    if (found.length !== 1) throw bad(`signed attribute ${type} must appear once`);
    const values = children(expectTag(found[0]![1]!, TAG.SET, 'attrValues'));
    if (values.length !== 1) throw bad(`signed attribute ${type} must have one value`);
    return values[0]!;
  };
  return { contentType: readOid(one(OID_CONTENT_TYPE)), messageDigest: content(expectTag(one(OID_MESSAGE_DIGEST), TAG.OCTET_STRING, 'messageDigest')) };
}

/**
 * `openssl cms -sign` writes rsaEncryption as the SignerInfo's signature algorithm (RFC
 * 3370 3.2 allows it); the digest algorithm then names the hash.
 */
function readSignatureAlgorithm(t: Tlv | undefined, digestAlgorithm: HashName): ParsedSignatureAlgorithm {
  const [o] = sequenceOf(t, 'SignatureAlgorithmIdentifier', 1, 2);
  if (readOid(o) === OID_RSA_ENCRYPTION) {
    return { algorithm: SIGNATURE_ALGORITHMS[`${digestAlgorithm}WithRSAEncryption` as 'sha256WithRSAEncryption'] };
  }
  return parseSignatureAlgorithm(t);
}

export type ParsedSignerInfo = Omit<ParsedSignedData, 'eContentType' | 'eContent' | 'certificates'>;

export function parseSignerInfo(t: Tlv): ParsedSignerInfo {
  const f = sequenceOf(t, 'SignerInfo', 6, 7);
  const sid = readSid(f[1]);
  // RFC 5652 5.3: version 1 goes with issuerAndSerialNumber, 3 with subjectKeyIdentifier.
  if (readSmallInteger(f[0], 'SignerInfo version') !== (sid.kind === 'issuerAndSerialNumber' ? 1 : 3)) throw bad('SignerInfo version does not match its sid');
  const digestAlgorithm = readDigestAlgorithm(f[2]);
  const attrsT = f[3]!;
  if (attrsT.tag !== 0xa0) throw bad('signed attributes are required (RFC 5652 5.3: eContentType is not id-data)');
  const sig = expectTag(f[5]!, TAG.OCTET_STRING, 'signature');
  if (f[6] && f[6].tag !== 0xa1) throw bad('unexpected field after signature');
  const { contentType, messageDigest } = readSignedAttributes(attrsT);
  return {
    sid, digestAlgorithm, contentTypeAttribute: contentType, messageDigest,
    signedBytes: tlv(TAG.SET, content(attrsT)), signatureAlgorithm: readSignatureAlgorithm(f[4], digestAlgorithm), signature: content(sig),
  };
}

/** Structure only; the signature is the caller's step. Throws BAD_DER / INPUT_TOO_LARGE / *_ALGORITHM. */
export function parseSignedData(der: Uint8Array, maxBytes: number): ParsedSignedData {
  const root = readRoot(der, maxBytes);
  checkDepth(root, CMS_LIMITS.maxDepth);
  const [typeT, wrapped] = sequenceOf(root, 'ContentInfo', 2, 2);
  if (readOid(typeT) !== OID_SIGNED_DATA) throw bad('contentType is not id-signedData');
  const f = sequenceOf(explicitOne(wrapped, 0xa0, 'content'), 'SignedData', 4, 6);
  // RFC 5652 5.1: version 3, since eContentType is not id-data.
  if (readSmallInteger(f[0], 'SignedData version') !== 3) throw bad('SignedData version is not 3');
  const digestAlgorithms = children(expectTag(f[1]!, TAG.SET, 'digestAlgorithms')).map(readDigestAlgorithm);
  const [eTypeT, eWrapped] = sequenceOf(f[2], 'EncapsulatedContentInfo', 2, 2);
  const eContent = expectTag(explicitOne(eWrapped, 0xa0, 'eContent'), TAG.OCTET_STRING, 'eContent');
  const rest = f.slice(3);
  const certsT = rest[0]?.tag === 0xa0 ? rest.shift() : undefined;
  if (rest[0]?.tag === 0xa1) rest.shift(); // crls: not used by trust bundles, harmless
  if (rest.length !== 1) throw bad('signerInfos missing or followed by data');
  const certificates = certsT ? children(certsT).map(whole) : [];
  if (certificates.length > CMS_LIMITS.maxCertificates) throw bad(`more than ${CMS_LIMITS.maxCertificates} certificates`);
  const signerInfos = children(expectTag(rest[0]!, TAG.SET, 'signerInfos'));
  if (signerInfos.length !== 1) throw bad('a trust bundle has exactly one signer');
  const signerInfo = parseSignerInfo(signerInfos[0]!);
  // Unsigned, but a bundle says exactly one thing: the list names the signer's digest and only it.
  if (digestAlgorithms.length !== 1 || digestAlgorithms[0] !== signerInfo.digestAlgorithm) throw bad('digestAlgorithms must be the signer\'s digest algorithm');
  return { eContentType: readOid(eTypeT), eContent: content(eContent), certificates, ...signerInfo };
}
