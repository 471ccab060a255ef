/**
 * Trust anchors (RFC 5280 6.1.1 (d)). A 'certificate' anchor is trusted as given; a pinned
 * 'certificate-sha256' or 'spki-sha256' anchor is any presented certificate (intermediate or
 * leaf) whose DER or SubjectPublicKeyInfo DER has that SHA-256, so a device can carry backup
 * roots as hashes only. Either way the anchor certificate's own profile, validity and
 * constraints are checked (roles.ts), its signature is not.
 */
import { type CertInfo, certInfo, sha256 } from './cert-info.js';
import type { TrustAnchor } from './types.js';
import type { Certificate } from '../x509/certificate.js';

export interface AnchorSet {
  readonly certificates: readonly CertInfo[];
  readonly certHashes: ReadonlySet<string>;
  readonly spkiHashes: ReadonlySet<string>;
}

const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex');

export function anchorSet(anchors: readonly TrustAnchor[]): AnchorSet {
  const certificates: CertInfo[] = [];
  const certHashes = new Set<string>();
  const spkiHashes = new Set<string>();
  for (const a of anchors) {
    if (a.kind === 'certificate') certificates.push(certInfo(a.certificate));
    else (a.kind === 'certificate-sha256' ? certHashes : spkiHashes).add(hex(a.sha256));
  }
  return { certificates, certHashes, spkiHashes };
}

/** Whether a presented certificate is pinned as an anchor. */
export function isPinned(set: AnchorSet, cert: Certificate): boolean {
  if (set.certHashes.size && set.certHashes.has(hex(sha256(cert.der)))) return true;
  return set.spkiHashes.size > 0 && set.spkiHashes.has(hex(sha256(cert.publicKey.spki)));
}

/** Whether the certificate is one of the anchors (same DER). */
export function isAnchorCertificate(set: AnchorSet, cert: Certificate): boolean {
  return set.certificates.some((a) => a.cert.der.length === cert.der.length && Buffer.compare(a.cert.der, cert.der) === 0) || isPinned(set, cert);
}
