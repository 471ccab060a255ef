/**
 * Stable error codes of the PKI core. One table: the type, the default messages and
 * docs/errors.md are all derived from it (a test keeps the doc in sync).
 */
export const PKI_ERRORS = {
  BAD_DER: 'DER encoding is malformed',
  BAD_PEM: 'PEM encoding is malformed',
  INPUT_TOO_LARGE: 'input exceeds the size limit',
  UNSUPPORTED_ALGORITHM: 'signature algorithm is not supported',
  WEAK_ALGORITHM: 'signature algorithm is too weak (SHA-1, MD5)',
  UNSUPPORTED_KEY: 'public key type or curve is not supported',
  WEAK_KEY: 'public key is too small',
  CSR_SIGNATURE_INVALID: 'CSR proof-of-possession signature does not verify',
  CSR_INVALID: 'CSR is structurally valid DER but not a valid PKCS#10 request',
  NAME_INVALID: 'distinguished name is invalid',
  PROFILE_INVALID: 'profile specification is invalid',
  PROFILE_VIOLATION: 'request does not satisfy the profile',
  KEY_TYPE_NOT_ALLOWED: 'key type is not allowed by the profile',
  VALIDITY_NOT_ALLOWED: 'requested validity exceeds what the profile allows',
  NAME_CONSTRAINTS_VIOLATED: 'a name is outside the issuing CA name constraints',
  DEVICE_ID_INVALID: 'device identifier is malformed',
  CERTIFICATE_INVALID: 'certificate is structurally valid DER but not a valid X.509 certificate',
  TOKEN_ALREADY_REDEEMED: 'issuance token was already used',
  REVOCATION_REASON_INVALID: 'the revocation reason is not an RFC 5280 reason an operator may give',
  SERIAL_NUMBER_INVALID: 'serial number is not 1-20 octets of lower-case hex',
  CRL_INVALID: 'CRL does not conform to RFC 5280 section 5',
  CRL_UNSUPPORTED_CRITICAL_EXTENSION: 'CRL or CRL entry has a critical extension that is not supported',
  OCSP_REQUEST_MALFORMED: 'OCSP request is structurally valid DER but not a valid RFC 6960 request',
  OCSP_NONCE_INVALID: 'OCSP nonce is not 1 to 32 octets (RFC 8954)',
  OCSP_HASH_UNSUPPORTED: 'OCSP CertID hash algorithm is not supported',
  OCSP_RESPONSE_INVALID: 'OCSP response does not conform to RFC 6960',
  RULE_INVALID: 'rule expression is not valid in the rule language (docs/rules.md)',
  TOPIC_INVALID: 'MQTT topic name or filter is not valid (MQTT 3.1.1 section 4.7)',
  SEQUENCE_OUT_OF_ORDER: 'the station reported is not the current or the next one of the sequence',
  SEQUENCE_UNKNOWN_STATION: 'the station reported is not one of the sequence',
} as const;

export type PkiErrorCode = keyof typeof PKI_ERRORS;
export const PKI_ERROR_CODES = Object.keys(PKI_ERRORS) as PkiErrorCode[];

export interface PkiErrorOptions {
  readonly cause?: unknown;
  readonly detail?: Readonly<Record<string, unknown>>;
}

/** A failure of the core with a stable code; `message` is safe to show a client. */
export class PkiError extends Error {
  override readonly name = 'PkiError';
  readonly detail: Readonly<Record<string, unknown>> | undefined;
  constructor(readonly code: PkiErrorCode, message?: string, options?: PkiErrorOptions) {
    super(message ?? PKI_ERRORS[code], options?.cause === undefined ? undefined : { cause: options.cause });
    this.detail = options?.detail;
  }
}

export function isPkiError(e: unknown): e is PkiError {
  return e instanceof PkiError;
}
