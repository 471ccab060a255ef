/**
 * Errors of the use cases: a stable code and a kind that is safe to show a client.
 * One table: every code (ours and core's) has exactly one kind; each server maps kinds to
 * its protocol in its own errors.ts. Anything that is not a ServiceError is a bug or an
 * outage and is shown as a generic internal error.
 */
import { PKI_ERRORS, type PkiErrorCode, isPkiError } from '@fleetpki/core';

export const SERVICE_ERROR_KINDS = [
  'malformed', 'rejected', 'too_large', 'unauthorized', 'forbidden', 'not_found', 'conflict', 'rate_limited', 'unavailable',
] as const;
export type ServiceErrorKind = (typeof SERVICE_ERROR_KINDS)[number];

export const SERVICE_ERRORS = {
  REQUEST_INVALID: { kind: 'malformed', message: 'the request is invalid' },
  UNAUTHENTICATED: { kind: 'unauthorized', message: 'missing or invalid credentials' },
  FORBIDDEN: { kind: 'forbidden', message: 'the caller may not do this' },
  CA_NOT_FOUND: { kind: 'not_found', message: 'no such CA' },
  CA_EXISTS: { kind: 'conflict', message: 'a CA with this name exists' },
  CA_NOT_ACTIVE: { kind: 'conflict', message: 'the CA is not active' },
  CA_CERTIFICATE_MISMATCH: { kind: 'rejected', message: 'the certificate does not belong to this CA' },
  CHAIN_INVALID: { kind: 'rejected', message: 'the certificate chain does not verify' },
  PROFILE_NOT_FOUND: { kind: 'not_found', message: 'no such profile' },
  PROFILE_NOT_ALLOWED: { kind: 'forbidden', message: 'this CA does not issue under this profile' },
  QUOTA_EXCEEDED: { kind: 'forbidden', message: 'the CA issuance quota is exhausted' },
  CERTIFICATE_NOT_FOUND: { kind: 'not_found', message: 'no such certificate' },
  CERTIFICATE_NOT_ISSUED: { kind: 'conflict', message: 'the certificate was never issued' },
  CERTIFICATE_ALREADY_REVOKED: { kind: 'conflict', message: 'the certificate is already revoked' },
  CERTIFICATE_NOT_ON_HOLD: { kind: 'conflict', message: 'the certificate is not on hold' },
  INVALIDITY_DATE_INVALID: { kind: 'malformed', message: 'the invalidity date is not a past instant' },
  REVOCATION_CONFIRMATION_INVALID: { kind: 'rejected', message: 'the revocation confirmation is unknown, used, expired or for another query' },
  REVOCATION_PREVIEW_STALE: { kind: 'conflict', message: 'the certificates matching the query changed since the dry run' },
  TOKEN_NOT_FOUND: { kind: 'not_found', message: 'no such API token' },
  DEVICE_NOT_FOUND: { kind: 'not_found', message: 'no such device' },
  ENROLLMENT_GROUP_NOT_FOUND: { kind: 'not_found', message: 'no such enrollment group' },
  ENROLLMENT_GROUP_EXISTS: { kind: 'conflict', message: 'an enrollment group with this label exists' },
  ENROLLMENT_PENDING_NOT_FOUND: { kind: 'not_found', message: 'no such pending enrollment' },
  ENROLLMENT_PENDING_DECIDED: { kind: 'conflict', message: 'the pending enrollment was already approved or rejected' },
  ENROLLMENT_UNAUTHENTICATED: { kind: 'unauthorized', message: 'enrollment needs a client certificate or an enrollment secret' },
  ENROLLMENT_SECRET_INVALID: { kind: 'unauthorized', message: 'the enrollment secret is unknown or not for this device and group' },
  ENROLLMENT_SECRET_USED: { kind: 'unauthorized', message: 'the enrollment secret was already used' },
  BOOTSTRAP_UNTRUSTED: { kind: 'forbidden', message: 'the bootstrap certificate does not chain to an anchor of this group' },
  BOOTSTRAP_REVOKED: { kind: 'forbidden', message: 'the bootstrap certificate or its issuer is revoked' },
  BOOTSTRAP_EXPIRED: { kind: 'forbidden', message: 'the bootstrap certificate is expired or not yet valid' },
  BOOTSTRAP_ALREADY_USED: { kind: 'forbidden', message: 'the bootstrap certificate was used as often as the group allows' },
  OPERATIONAL_CERTIFICATE_UNKNOWN: { kind: 'forbidden', message: 'the client certificate is not a current certificate of this group' },
  OPERATIONAL_CERTIFICATE_REVOKED: { kind: 'forbidden', message: 'the client certificate is revoked' },
  OPERATIONAL_CERTIFICATE_EXPIRED: { kind: 'forbidden', message: 'the client certificate is expired' },
  DEVICE_ID_NOT_ALLOWED: { kind: 'forbidden', message: 'the device id or the CSR identity is not allowed by the group' },
  REENROLL_IDENTITY_CHANGED: { kind: 'rejected', message: 'a re-enrollment CSR must keep the subject and subjectAltName' },
  CHANNEL_BINDING_MISMATCH: { kind: 'rejected', message: 'the CSR challengePassword does not carry this TLS channel binding' },
  ENROLLMENT_REJECTED: { kind: 'forbidden', message: 'the enrollment was rejected' },
  ENROLLMENT_RATE_LIMITED: { kind: 'rate_limited', message: 'too many enrollment requests for this group' },
  SERVERKEYGEN_NOT_ALLOWED: { kind: 'forbidden', message: 'serverkeygen is not offered in a manual-approval group: generate the key on the device and use simpleenroll' },
  SERVERKEYGEN_ENCRYPTION_UNAVAILABLE: { kind: 'rejected', message: 'the group sends generated keys encrypted, and the client certificate key is neither RSA nor EC P-256 / P-384' },
  BATCH_NOT_FOUND: { kind: 'not_found', message: 'no such batch' },
  BATCH_MISMATCH: { kind: 'conflict', message: 'the batch exists with another CA, profile or mode' },
  BATCH_LINE_INVALID: { kind: 'malformed', message: 'a line of the batch input is not a valid device request' },
  BATCH_DEVICE_CONFLICT: { kind: 'conflict', message: 'the device id is already bound to another key' },
  BATCH_IMPORT_MISMATCH: { kind: 'rejected', message: 'an imported certificate was not issued by the batch CA, or does not match the signed manifest' },
  BATCH_DEVICE_DUPLICATE: { kind: 'conflict', message: 'the device id was already provisioned with this key, in another batch or earlier in the input' },
  SERIAL_EXHAUSTED: { kind: 'unavailable', message: 'could not allocate a unique serial' },
  KEY_UNAVAILABLE: { kind: 'unavailable', message: 'the CA key cannot be used' },
} as const satisfies Record<string, { kind: ServiceErrorKind; message: string }>;
export type ServiceErrorCode = keyof typeof SERVICE_ERRORS;

/** Core codes by kind: malformed input, too large, or a policy refusal. */
const PKI_ERROR_KIND: Record<PkiErrorCode, ServiceErrorKind> = {
  BAD_DER: 'malformed', BAD_PEM: 'malformed', INPUT_TOO_LARGE: 'too_large', CSR_INVALID: 'malformed',
  CERTIFICATE_INVALID: 'malformed', NAME_INVALID: 'malformed', DEVICE_ID_INVALID: 'malformed',
  UNSUPPORTED_ALGORITHM: 'rejected', WEAK_ALGORITHM: 'rejected', UNSUPPORTED_KEY: 'rejected', WEAK_KEY: 'rejected',
  CSR_SIGNATURE_INVALID: 'rejected', PROFILE_INVALID: 'malformed', PROFILE_VIOLATION: 'rejected',
  KEY_TYPE_NOT_ALLOWED: 'rejected', VALIDITY_NOT_ALLOWED: 'rejected', NAME_CONSTRAINTS_VIOLATED: 'rejected',
  TOKEN_ALREADY_REDEEMED: 'conflict', REVOCATION_REASON_INVALID: 'malformed',
  SERIAL_NUMBER_INVALID: 'malformed', CRL_INVALID: 'malformed', CRL_UNSUPPORTED_CRITICAL_EXTENSION: 'rejected',
  OCSP_REQUEST_MALFORMED: 'malformed', OCSP_NONCE_INVALID: 'malformed', OCSP_HASH_UNSUPPORTED: 'rejected',
  OCSP_RESPONSE_INVALID: 'malformed', RULE_INVALID: 'malformed', TOPIC_INVALID: 'malformed',
  SEQUENCE_OUT_OF_ORDER: 'conflict', SEQUENCE_UNKNOWN_STATION: 'rejected',
};

export type ErrorCode = ServiceErrorCode | PkiErrorCode;
export const ERROR_KIND: Readonly<Record<ErrorCode, ServiceErrorKind>> = Object.freeze({
  ...PKI_ERROR_KIND,
  ...(Object.fromEntries(Object.entries(SERVICE_ERRORS).map(([k, v]) => [k, v.kind])) as Record<ServiceErrorCode, ServiceErrorKind>),
});
export const ERROR_MESSAGES: Readonly<Record<ErrorCode, string>> = Object.freeze({
  ...PKI_ERRORS,
  ...(Object.fromEntries(Object.entries(SERVICE_ERRORS).map(([k, v]) => [k, v.message])) as Record<ServiceErrorCode, string>),
});

export class ServiceError extends Error {
  override readonly name = 'ServiceError';
  readonly kind: ServiceErrorKind;
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly detail?: Readonly<Record<string, unknown>>,
    options?: { cause?: unknown },
  ) {
    super(message ?? ERROR_MESSAGES[code], options);
    this.kind = ERROR_KIND[code];
  }
}

/** A core PkiError becomes a ServiceError with the same code; anything else is rethrown as is. */
export function toServiceError(e: unknown): ServiceError {
  if (e instanceof ServiceError) return e;
  if (isPkiError(e)) return new ServiceError(e.code, e.message, e.detail, { cause: e });
  throw e;
}
