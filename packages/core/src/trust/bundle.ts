/**
 * Creating a trust bundle (decision 005): the content DER inside a CMS SignedData signed
 * by an anchor's key. Pure given the Signer: no clock (issuedAt is a field), no I/O.
 */
import type { Signer } from '../crypto/signer.js';
import type { Certificate } from '../x509/certificate.js';
import { encodeTrustBundleContent, TRUST_BUNDLE_MAX_ANCHORS, type TrustBundleFields } from './bundle-content.js';
import { signSignedData } from './cms-signed-data.js';
import { TrustError } from './codes.js';
import { MAX_BUNDLE_SEQUENCE } from './store.js';

/**
 * eContentType of a trust bundle: a UUID OID (ITU-T X.667, arc 2.25), which needs no
 * registration and cannot collide, so the signed contentType attribute (RFC 5652 11.1)
 * keeps a root's signature on a bundle from being read as any other signed object.
 */
export const OID_TRUST_BUNDLE = '2.25.187186557921229349311616345953365212245';

/** A device reads the whole bundle into memory: 256 KiB holds 64 anchors of 4 KiB with room to spare. */
export const TRUST_BUNDLE_MAX_BYTES = 256 * 1024;

/** DER times carry whole seconds; the bundle says exactly what was signed. */
const wholeSeconds = (d: Date): Date => new Date(Math.floor(d.getTime() / 1000) * 1000);

function checkFields(f: TrustBundleFields): void {
  const invalid = (why: string): TrustError => new TrustError('BUNDLE_FIELDS_INVALID', `trust bundle: ${why}`);
  if (!Number.isSafeInteger(f.bundleSequence) || f.bundleSequence < 1 || f.bundleSequence > MAX_BUNDLE_SEQUENCE) {
    throw invalid(`bundleSequence must be 1..${MAX_BUNDLE_SEQUENCE}`);
  }
  for (const [name, d] of [['issuedAt', f.issuedAt], ['notBefore', f.notBefore]] as const) {
    if (Number.isNaN(d.getTime()) || d.getUTCFullYear() < 1 || d.getUTCFullYear() > 9999) throw invalid(`${name} is not a valid instant`);
  }
  if (f.add.length > TRUST_BUNDLE_MAX_ANCHORS || f.retire.length > TRUST_BUNDLE_MAX_ANCHORS) {
    throw invalid(`at most ${TRUST_BUNDLE_MAX_ANCHORS} anchors to add and ${TRUST_BUNDLE_MAX_ANCHORS} to retire`);
  }
}

/**
 * Signs `fields` with `signer`, whose key must be `signerCertificate`'s; the certificate
 * travels in the bundle so that `openssl cms -verify` can check it. Throws TrustError
 * BUNDLE_FIELDS_INVALID or BUNDLE_SIGNER_MISMATCH.
 */
export async function createTrustBundle(fields: TrustBundleFields, signerCertificate: Certificate, signer: Signer): Promise<Buffer> {
  checkFields(fields);
  if (!Buffer.from(signer.publicKeyDer).equals(signerCertificate.publicKey.spki)) throw new TrustError('BUNDLE_SIGNER_MISMATCH');
  const eContent = encodeTrustBundleContent({ ...fields, issuedAt: wholeSeconds(fields.issuedAt), notBefore: wholeSeconds(fields.notBefore) });
  const der = await signSignedData({ eContentType: OID_TRUST_BUNDLE, eContent, signerCertificate, signer });
  if (der.length > TRUST_BUNDLE_MAX_BYTES) throw new TrustError('BUNDLE_FIELDS_INVALID', `trust bundle: ${der.length} bytes, over ${TRUST_BUNDLE_MAX_BYTES}`);
  return der;
}
