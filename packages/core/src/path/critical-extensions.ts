/**
 * RFC 5280 4.2: "A certificate-using system MUST reject the certificate if it encounters a
 * critical extension it does not recognize". These are the extensions this validator
 * processes (the policy ones in policy.ts, the revocation pointers in revocation.ts).
 */
import type { Certificate } from '../x509/certificate.js';
import { type Problem, problem } from './codes.js';

export const PROCESSED_EXTENSIONS: ReadonlySet<string> = new Set([
  '2.5.29.14', // subjectKeyIdentifier (4.2.1.2)
  '2.5.29.15', // keyUsage (4.2.1.3)
  '2.5.29.17', // subjectAltName (4.2.1.6)
  '2.5.29.19', // basicConstraints (4.2.1.9)
  '2.5.29.30', // nameConstraints (4.2.1.10)
  '2.5.29.31', // cRLDistributionPoints (4.2.1.13), used by revocation
  '2.5.29.32', // certificatePolicies (4.2.1.4)
  '2.5.29.33', // policyMappings (4.2.1.5)
  '2.5.29.35', // authorityKeyIdentifier (4.2.1.1)
  '2.5.29.36', // policyConstraints (4.2.1.11)
  '2.5.29.37', // extKeyUsage (4.2.1.12)
  '2.5.29.46', // freshestCRL (4.2.1.15), used by revocation
  '2.5.29.54', // inhibitAnyPolicy (4.2.1.14)
]);

export function checkCriticalExtensions(cert: Certificate): Problem | null {
  for (const e of cert.extensions) {
    if (e.critical && !PROCESSED_EXTENSIONS.has(e.oid)) return problem('UNKNOWN_CRITICAL_EXTENSION', e.oid);
  }
  return null;
}
