/**
 * Verifying and applying a trust bundle (decision 005). A refused bundle is a normal
 * outcome on a device, so the result is data with a stable code, and the checks run in a
 * fixed order: envelope, signer, signature, and only then the signed content.
 *   1. the CMS envelope parses within TRUST_BUNDLE_MAX_BYTES         BUNDLE_MALFORMED
 *   2. the signer is an anchor of the store (held as a certificate,
 *      or pinned and carried in the bundle), valid at `now`          BUNDLE_SIGNER_UNTRUSTED
 *   3. messageDigest and the signature over the signed attributes    BUNDLE_SIGNATURE_INVALID
 *   4. the content parses                                            BUNDLE_MALFORMED
 *   5. bundleSequence > the store's                                  BUNDLE_STALE
 *   6. notBefore <= now                                              BUNDLE_NOT_YET_VALID
 *   7. retire, then add; at least one anchor remains                 BUNDLE_WOULD_EMPTY_STORE
 */
import { publicKeyObject } from '../crypto/public-key.js';
import { verifySignature } from '../crypto/verify.js';
import { checkDepth, readRoot } from '../der/reader.js';
import { type Certificate, certificateKeyId, parseCertificate } from '../x509/certificate.js';
import { OID_TRUST_BUNDLE, TRUST_BUNDLE_MAX_BYTES } from './bundle.js';
import { parseTrustBundleContent, type TrustBundleContent } from './bundle-content.js';
import { digest, digestFor, parseSignedData, type ParsedSignedData, type SignerId } from './cms-signed-data.js';
import { TRUST_ERRORS, type TrustErrorCode } from './codes.js';
import type { TrustStore } from './store.js';

export type TrustBundleErrorCode = Extract<TrustErrorCode,
  'BUNDLE_MALFORMED' | 'BUNDLE_SIGNER_UNTRUSTED' | 'BUNDLE_SIGNATURE_INVALID' | 'BUNDLE_STALE' | 'BUNDLE_NOT_YET_VALID' | 'BUNDLE_WOULD_EMPTY_STORE'>;

export interface TrustBundleFailure {
  readonly ok: false;
  readonly code: TrustBundleErrorCode;
  readonly message: string;
  /** The signed content, when the failure came after the signature verified (steps 5-7). */
  readonly bundle?: TrustBundleContent;
}

export interface TrustBundleSuccess {
  readonly ok: true;
  readonly bundle: TrustBundleContent;
  readonly signer: Certificate;
  /** The store with the bundle applied: retired anchors gone, new ones added, its sequence recorded. */
  readonly store: TrustStore;
}

export type TrustBundleResult = TrustBundleSuccess | TrustBundleFailure;

const fail = (code: TrustBundleErrorCode, detail: string, bundle?: TrustBundleContent): TrustBundleFailure =>
  ({ ok: false, code, message: `${TRUST_ERRORS[code]}: ${detail}`, ...(bundle ? { bundle } : {}) });

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export function sidMatches(sid: SignerId, c: Certificate): boolean {
  return sid.kind === 'issuerAndSerialNumber'
    ? c.serial === sid.serial && Buffer.from(c.issuerDer).equals(sid.issuerDer)
    : Buffer.from(certificateKeyId(c)).equals(sid.keyId);
}

/** Step 2: held certificates first; else a carried certificate that satisfies a pin of the store. */
function signerCandidates(store: TrustStore, sd: ParsedSignedData): Certificate[] {
  const held = store.certificates().filter((c) => sidMatches(sd.sid, c));
  if (held.length > 0) return held;
  return sd.certificates.map((der) => parseCertificate(der)).filter((c) => sidMatches(sd.sid, c) && store.findPin(c) !== undefined);
}

/** RFC 5280 4.1.2.5: the validity period is inclusive at both ends. */
const validAt = (c: Certificate, now: Date): boolean => c.notBefore.getTime() <= now.getTime() && now.getTime() <= c.notAfter.getTime();

function signatureVerifies(sd: ParsedSignedData, c: Certificate): boolean {
  try {
    return verifySignature(sd.signatureAlgorithm.algorithm, publicKeyObject(c.publicKey), sd.signedBytes, sd.signature, sd.signatureAlgorithm.pss);
  } catch {
    return false; // a key node:crypto cannot load verifies nothing
  }
}

type Step<T> = { ok: true; value: T } | TrustBundleFailure;

function readEnvelope(der: Uint8Array): Step<ParsedSignedData> {
  let sd: ParsedSignedData;
  try {
    sd = parseSignedData(der, TRUST_BUNDLE_MAX_BYTES);
  } catch (e) {
    return fail('BUNDLE_MALFORMED', errorText(e));
  }
  if (sd.eContentType !== OID_TRUST_BUNDLE) return fail('BUNDLE_MALFORMED', `eContentType ${sd.eContentType} is not a trust bundle`);
  if (sd.contentTypeAttribute !== sd.eContentType) return fail('BUNDLE_MALFORMED', 'the signed contentType attribute differs from eContentType (RFC 5652 11.1)');
  if (digestFor(sd.signatureAlgorithm) !== sd.digestAlgorithm) return fail('BUNDLE_MALFORMED', 'the digest algorithm does not go with the signature algorithm');
  return { ok: true, value: sd };
}

function authenticate(store: TrustStore, sd: ParsedSignedData, now: Date): Step<Certificate> {
  let candidates: Certificate[];
  try {
    candidates = signerCandidates(store, sd);
  } catch (e) {
    return fail('BUNDLE_MALFORMED', `a carried certificate: ${errorText(e)}`);
  }
  if (candidates.length === 0) return fail('BUNDLE_SIGNER_UNTRUSTED', 'the signer is neither a certificate nor a pin of the trust store');
  const current = candidates.filter((c) => validAt(c, now));
  if (current.length === 0) return fail('BUNDLE_SIGNER_UNTRUSTED', `the signer certificate is not valid at ${now.toISOString()}`);
  if (!Buffer.from(sd.messageDigest).equals(digest(sd.digestAlgorithm, sd.eContent))) return fail('BUNDLE_SIGNATURE_INVALID', 'messageDigest does not match the content');
  const signer = current.find((c) => signatureVerifies(sd, c));
  return signer ? { ok: true, value: signer } : fail('BUNDLE_SIGNATURE_INVALID', 'the signature does not verify with the signer key');
}

function readContent(eContent: Uint8Array): Step<TrustBundleContent> {
  try {
    const root = readRoot(eContent, TRUST_BUNDLE_MAX_BYTES);
    checkDepth(root);
    return { ok: true, value: parseTrustBundleContent(root) };
  } catch (e) {
    return fail('BUNDLE_MALFORMED', errorText(e));
  }
}

/** Steps 5-7 on authenticated content. */
function apply(store: TrustStore, b: TrustBundleContent, now: Date): Step<TrustStore> {
  if (b.bundleSequence <= store.sequence) return fail('BUNDLE_STALE', `bundle ${b.bundleSequence}, store already at ${store.sequence}`, b);
  if (b.notBefore.getTime() > now.getTime()) return fail('BUNDLE_NOT_YET_VALID', `notBefore ${b.notBefore.toISOString()} is after ${now.toISOString()}`, b);
  const retired = b.retire.reduce((s, r) => s.retire(r), store);
  const next = b.add.reduce((s, a) => s.add(a), retired);
  if (next.size === 0) return fail('BUNDLE_WOULD_EMPTY_STORE', 'every anchor would be retired and none added', b);
  return { ok: true, value: next.withSequence(b.bundleSequence) };
}

/**
 * Verifies `der` against `store` at `now` and, when it is acceptable, applies it. The
 * caller persists `result.store` (and nothing else) to commit the change.
 */
export function verifyTrustBundle(store: TrustStore, der: Uint8Array, now: Date): TrustBundleResult {
  const envelope = readEnvelope(der);
  if (!envelope.ok) return envelope;
  const signer = authenticate(store, envelope.value, now);
  if (!signer.ok) return signer;
  const bundle = readContent(envelope.value.eContent);
  if (!bundle.ok) return bundle;
  const next = apply(store, bundle.value, now);
  if (!next.ok) return next;
  return { ok: true, bundle: bundle.value, signer: signer.value, store: next.value };
}
