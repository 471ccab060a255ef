/**
 * Stable codes of the trust store and the trust bundle. One table: the result types, the
 * default messages and the README's list come from it. Verification returns these as data
 * (a refused bundle is a normal outcome on a device); only creation, which is the
 * operator's own input, throws them as TrustBundleError.
 */
export const TRUST_ERRORS = {
  BUNDLE_MALFORMED: 'the trust bundle is not a well-formed CMS SignedData trust bundle within the size limits',
  BUNDLE_SIGNER_UNTRUSTED: 'the trust bundle is not signed by a currently valid anchor of the trust store',
  BUNDLE_SIGNATURE_INVALID: 'the trust bundle signature or content digest does not verify',
  BUNDLE_STALE: 'the trust bundle sequence number is not newer than the one last applied',
  BUNDLE_NOT_YET_VALID: 'the trust bundle is not to be applied before its notBefore',
  BUNDLE_WOULD_EMPTY_STORE: 'applying the trust bundle would leave the trust store without anchors',
  BUNDLE_FIELDS_INVALID: 'the trust bundle fields are out of range',
  BUNDLE_SIGNER_MISMATCH: 'the signing key is not the key of the signer certificate',
  TRUST_STORE_MALFORMED: 'the serialized trust store is malformed',
} as const;

export type TrustErrorCode = keyof typeof TRUST_ERRORS;
export const TRUST_ERROR_CODES = Object.keys(TRUST_ERRORS) as TrustErrorCode[];

/** Thrown by bundle creation and store parsing helpers that cannot return a result. */
export class TrustError extends Error {
  override readonly name = 'TrustError';
  constructor(readonly code: TrustErrorCode, message?: string) {
    super(message ?? TRUST_ERRORS[code]);
  }
}

export const isTrustError = (e: unknown): e is TrustError => e instanceof TrustError;
