/**
 * Verifying a signed batch manifest whose content the caller streamed through the digest
 * named in its head (cms/signed-data-frame.ts). The checks run in a fixed order and the
 * result is data with a stable code:
 *   1. the envelope is a batch manifest: eContentType, the signed contentType
 *      attribute, and a digest that goes with the signature algorithm     MANIFEST_MALFORMED
 *   2. messageDigest is the content's digest                              MANIFEST_SIGNATURE_INVALID
 *   3. a carried certificate matches the signer id and its key verifies
 *      the signed attributes                                              MANIFEST_SIGNATURE_INVALID
 *   4. that certificate chains to an anchor (RFC 5280 6, any usage: a CA
 *      certificate signs the manifest)                                    MANIFEST_SIGNER_UNTRUSTED
 */
import { publicKeyObject } from '../crypto/public-key.js';
import { verifySignature } from '../crypto/verify.js';
import type { FrameLayout, FrameTail } from '../cms/signed-data-frame.js';
import { verifyPath } from '../path/verify-path.js';
import type { TrustAnchor } from '../path/types.js';
import { sidMatches } from '../trust/bundle-verify.js';
import { digestFor } from '../trust/cms-signed-data.js';
import { parseCertificate, type Certificate } from '../x509/certificate.js';
import { MANIFEST_ERRORS, type ManifestErrorCode } from './codes.js';
import { OID_BATCH_MANIFEST } from './manifest.js';

export type ManifestVerification =
  | { readonly ok: true; readonly signer: Certificate; readonly path: readonly Certificate[] }
  | { readonly ok: false; readonly code: ManifestErrorCode; readonly message: string };

export interface ManifestVerifyInput {
  readonly layout: FrameLayout;
  readonly tail: FrameTail;
  /** The content's digest with layout.digestAlgorithm. */
  readonly contentDigest: Uint8Array;
  readonly anchors: readonly TrustAnchor[];
  readonly now: Date;
}

const fail = (code: ManifestErrorCode, detail: string): ManifestVerification => ({ ok: false, code, message: `${MANIFEST_ERRORS[code]}: ${detail}` });

function signatureVerifies(tail: FrameTail, c: Certificate): boolean {
  const si = tail.signerInfo;
  try {
    return verifySignature(si.signatureAlgorithm.algorithm, publicKeyObject(c.publicKey), si.signedBytes, si.signature, si.signatureAlgorithm.pss);
  } catch {
    return false; // a key node:crypto cannot load verifies nothing
  }
}

export function verifyManifestSignature(input: ManifestVerifyInput): ManifestVerification {
  const { layout, tail } = input;
  const si = tail.signerInfo;
  // 1. envelope
  if (layout.eContentType !== OID_BATCH_MANIFEST) return fail('MANIFEST_MALFORMED', `eContentType ${layout.eContentType} is not a batch manifest`);
  if (si.contentTypeAttribute !== layout.eContentType) return fail('MANIFEST_MALFORMED', 'the signed contentType attribute differs from eContentType (RFC 5652 11.1)');
  if (si.digestAlgorithm !== layout.digestAlgorithm || digestFor(si.signatureAlgorithm) !== si.digestAlgorithm) {
    return fail('MANIFEST_MALFORMED', 'the digest algorithm does not go with the signature algorithm');
  }
  // 2. content digest
  if (!Buffer.from(si.messageDigest).equals(input.contentDigest)) return fail('MANIFEST_SIGNATURE_INVALID', 'messageDigest does not match the content');
  // 3. signer and signature
  let certificates: Certificate[];
  try {
    certificates = tail.certificates.map((der) => parseCertificate(der));
  } catch (e) {
    return fail('MANIFEST_MALFORMED', `a carried certificate: ${(e as Error).message}`);
  }
  const signer = certificates.find((c) => sidMatches(si.sid, c) && signatureVerifies(tail, c));
  if (!signer) return fail('MANIFEST_SIGNATURE_INVALID', 'no carried certificate matches the signer and verifies the signature');
  // 4. chain
  const path = verifyPath({ leaf: signer, intermediates: certificates.filter((c) => c !== signer), anchors: input.anchors, now: input.now, usage: 'any' });
  if (!path.ok) return fail('MANIFEST_SIGNER_UNTRUSTED', `${path.code}: ${path.message}`);
  return { ok: true, signer, path: path.path };
}
