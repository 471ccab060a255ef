/**
 * A CMS SignedData with attached content too large to hold in memory (a manifest of a
 * million devices is over 100 MB): written and read as a frame around the content.
 *
 *   head    ContentInfo, [0], SignedData, version 3, digestAlgorithms, EncapsulatedContentInfo,
 *           eContentType, [0], and the eContent OCTET STRING's tag and length
 *   content the eContent octets, streamed by the caller (its digest goes in messageDigest)
 *   tail    certificates [0] IMPLICIT, signerInfos
 *
 * head + content + tail is ordinary definite-length DER (RFC 5652 5.1, the same profile as
 * trust/cms-signed-data.ts: one signer, signed attributes), which `openssl cms -verify`
 * reads like any other. Lengths are known up front: the caller passes the content's.
 */
import { PkiError } from '../errors.js';
import type { HashName } from '../crypto/algorithms.js';
import type { Signer } from '../crypto/signer.js';
import { children, expectTag, readOid, readSmallInteger, readTlv, type Tlv } from '../der/reader.js';
import { header, oid, setOf, smallInteger, TAG, tlv } from '../der/writer.js';
import type { Certificate } from '../x509/certificate.js';
import {
  bad, digestAlgorithmIdentifier, OID_SIGNED_DATA, parseSignerInfo, readDigestAlgorithm, signerDigest, signerInfoFor, type ParsedSignerInfo,
} from '../trust/cms-signed-data.js';

export interface SignedDataFrame {
  readonly head: Buffer;
  readonly tail: Buffer;
}

export interface FrameParams {
  readonly eContentType: string;
  readonly eContentLength: number;
  /** The content's digest with signerDigest(signer). */
  readonly messageDigest: Uint8Array;
  /** The signer's certificate first, then the chain a verifier needs (not the root). */
  readonly certificates: readonly Certificate[];
  readonly signer: Signer;
}

const concatLength = (parts: readonly Uint8Array[]): number => parts.reduce((n, p) => n + p.length, 0);

export async function frameSignedData(p: FrameParams): Promise<SignedDataFrame> {
  const signerCert = p.certificates[0];
  if (!signerCert) throw new PkiError('CERTIFICATE_INVALID', 'a SignedData frame needs the signer certificate');
  const signerInfo = await signerInfoFor(p.eContentType, p.messageDigest, signerCert, p.signer);
  const tail = Buffer.concat([tlv(0xa0, ...p.certificates.map((c) => c.der)), setOf(signerInfo)]);
  const octetHead = header(TAG.OCTET_STRING, p.eContentLength);
  const eWrapHead = header(0xa0, octetHead.length + p.eContentLength);
  const eType = oid(p.eContentType);
  const encapLength = eType.length + eWrapHead.length + octetHead.length + p.eContentLength;
  const encapHead = header(TAG.SEQUENCE, encapLength);
  const prefix = [smallInteger(3), setOf(digestAlgorithmIdentifier(signerDigest(p.signer)))];
  const sdLength = concatLength(prefix) + encapHead.length + encapLength + tail.length;
  const sdHead = header(TAG.SEQUENCE, sdLength);
  const wrapHead = header(0xa0, sdHead.length + sdLength);
  const typeOid = oid(OID_SIGNED_DATA);
  const ciHead = header(TAG.SEQUENCE, typeOid.length + wrapHead.length + sdHead.length + sdLength);
  const head = Buffer.concat([ciHead, typeOid, wrapHead, sdHead, ...prefix, encapHead, eType, eWrapHead, octetHead]);
  return { head, tail };
}

export interface FrameLayout {
  readonly eContentType: string;
  readonly digestAlgorithm: HashName;
  /** Offsets in the whole encoding: the content is [contentStart, contentEnd), the tail [contentEnd, end). */
  readonly contentStart: number;
  readonly contentEnd: number;
}

/** The TLV header at `offset` of an encoding of which `prefix` holds the first bytes; its content may lie beyond. */
function headerAt(prefix: Uint8Array, offset: number, limit: number): Tlv {
  const first = prefix[offset + 1];
  const lengthOctets = first === undefined ? 1 : first < 0x80 ? 0 : first & 0x7f;
  if (offset + 2 + lengthOctets > prefix.length) throw bad('the head does not fit in the bytes read');
  return readTlv(prefix, offset, limit);
}

/** A small TLV of the head (an OID, the version, the digest algorithms): wholly within the bytes read. */
function smallAt(prefix: Uint8Array, offset: number, limit: number): Tlv {
  const t = headerAt(prefix, offset, limit);
  if (t.end > prefix.length) throw bad('the head does not fit in the bytes read');
  return t;
}

/** Reads the head from the first bytes of the encoding (64 KiB is plenty) and where the content lies. */
export function readFrameHead(prefix: Uint8Array, total: number): FrameLayout {
  const ci = expectTag(headerAt(prefix, 0, total), TAG.SEQUENCE, 'ContentInfo');
  if (ci.end !== total) throw bad('trailing data');
  const type = smallAt(prefix, ci.contentStart, ci.end);
  if (readOid(type) !== OID_SIGNED_DATA) throw bad('contentType is not id-signedData');
  const wrap = expectTag(headerAt(prefix, type.end, ci.end), 0xa0, 'content');
  const sd = expectTag(headerAt(prefix, wrap.contentStart, wrap.end), TAG.SEQUENCE, 'SignedData');
  if (wrap.end !== ci.end || sd.end !== wrap.end) throw bad('content [0] must hold exactly the SignedData');
  const version = smallAt(prefix, sd.contentStart, sd.end);
  if (readSmallInteger(version, 'SignedData version') !== 3) throw bad('SignedData version is not 3');
  const algsT = expectTag(smallAt(prefix, version.end, sd.end), TAG.SET, 'digestAlgorithms');
  const algs = children(algsT);
  if (algs.length !== 1) throw bad('one digest algorithm: the signer\'s');
  const encap = expectTag(headerAt(prefix, algsT.end, sd.end), TAG.SEQUENCE, 'EncapsulatedContentInfo');
  const eType = smallAt(prefix, encap.contentStart, encap.end);
  const eWrap = expectTag(headerAt(prefix, eType.end, encap.end), 0xa0, 'eContent');
  const octets = expectTag(headerAt(prefix, eWrap.contentStart, eWrap.end), TAG.OCTET_STRING, 'eContent');
  if (eWrap.end !== encap.end || octets.end !== eWrap.end) throw bad('eContent must be one OCTET STRING');
  return { eContentType: readOid(eType), digestAlgorithm: readDigestAlgorithm(algs[0]), contentStart: octets.contentStart, contentEnd: octets.end };
}

export interface FrameTail {
  readonly certificates: readonly Uint8Array[];
  readonly signerInfo: ParsedSignerInfo;
}

/** The bytes after the content: certificates [0] IMPLICIT (optional) and a SET of exactly one SignerInfo. */
export function readFrameTail(tail: Uint8Array, maxCertificates: number): FrameTail {
  let p = 0;
  let certificates: Uint8Array[] = [];
  const first = readTlv(tail, 0, tail.length);
  if (first.tag === 0xa0) {
    certificates = children(first).map((c) => tail.subarray(c.start, c.end));
    p = first.end;
  }
  if (certificates.length > maxCertificates) throw bad(`more than ${maxCertificates} certificates`);
  const infos = expectTag(readTlv(tail, p, tail.length), TAG.SET, 'signerInfos');
  if (infos.end !== tail.length) throw bad('data after signerInfos');
  const [signerInfo, more] = children(infos);
  if (!signerInfo || more) throw bad('exactly one signer');
  return { certificates, signerInfo: parseSignerInfo(signerInfo) };
}
