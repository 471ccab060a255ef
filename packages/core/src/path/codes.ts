/** One message per PathErrorCode; the Record type makes the compiler catch a missing code. */
import type { PathErrorCode } from './types.js';

export const PATH_ERRORS: Readonly<Record<PathErrorCode, string>> = Object.freeze({
  CERT_MALFORMED: 'a certificate is malformed or violates the RFC 5280 profile',
  ISSUER_NOT_FOUND: 'no issuer certificate was found for a certificate of the path',
  UNTRUSTED_ROOT: 'the path ends at a root that is not a trust anchor',
  SIGNATURE_INVALID: 'a certificate signature does not verify with its issuer key',
  UNSUPPORTED_ALGORITHM: 'a signature or key algorithm is not supported',
  WEAK_ALGORITHM: 'a signature algorithm is too weak (SHA-1, MD5)',
  WEAK_KEY: 'a public key is too weak',
  CERT_EXPIRED: 'a certificate has expired',
  CERT_NOT_YET_VALID: 'a certificate is not yet valid',
  NOT_A_CA: 'an issuer certificate is not a CA certificate',
  PATH_LENGTH_EXCEEDED: 'the path is longer than a pathLenConstraint or the caller allows',
  KEY_USAGE_INVALID: 'a key usage does not allow the certificate role',
  EXT_KEY_USAGE_INVALID: 'an extended key usage does not allow the requested usage',
  NAME_CONSTRAINTS_VIOLATED: 'a name is outside the name constraints of the path',
  UNKNOWN_CRITICAL_EXTENSION: 'a certificate has a critical extension that is not processed',
  POLICY_INVALID: 'the certificate policies of the path do not satisfy the policy inputs',
  PEER_NAME_MISMATCH: 'the leaf does not hold the expected peer name',
  CERT_REVOKED: 'a certificate of the path is revoked',
  REVOCATION_UNKNOWN: 'the revocation status of a certificate could not be determined',
  BUDGET_EXCEEDED: 'path building gave up: the signature, depth or candidate budget ran out',
});

export const PATH_ERROR_CODES = Object.freeze(Object.keys(PATH_ERRORS) as PathErrorCode[]);

/** A failure found about one certificate, before it is placed in a path. */
export interface Problem { readonly code: PathErrorCode; readonly message: string }

export const problem = (code: PathErrorCode, detail?: string): Problem =>
  ({ code, message: detail ? `${PATH_ERRORS[code]}: ${detail}` : PATH_ERRORS[code] });
