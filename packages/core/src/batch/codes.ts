/**
 * Stable codes of batch manifest verification (`fleetpki batch verify`, batch import).
 * Verification returns them as data; one table gives the messages and docs/errors.md's list.
 */
export const MANIFEST_ERRORS = {
  MANIFEST_MALFORMED: 'the manifest is not a well-formed signed FleetPKI batch manifest',
  MANIFEST_SIGNATURE_INVALID: 'the manifest signature or content digest does not verify',
  MANIFEST_SIGNER_UNTRUSTED: 'the manifest signer does not chain to a trusted root',
  MANIFEST_MISMATCH: 'a certificate does not match the manifest',
} as const;

export type ManifestErrorCode = keyof typeof MANIFEST_ERRORS;
export const MANIFEST_ERROR_CODES = Object.keys(MANIFEST_ERRORS) as ManifestErrorCode[];

/** Thrown by the content parser and the envelope reader; verifyManifestSignature returns the code instead. */
export class ManifestError extends Error {
  override readonly name = 'ManifestError';
  constructor(readonly code: ManifestErrorCode, message?: string) {
    super(message ?? MANIFEST_ERRORS[code]);
  }
}

export const isManifestError = (e: unknown): e is ManifestError => e instanceof ManifestError;
