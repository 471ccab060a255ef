/**
 * A rule for a TLS peer identity (applied when the caller asks for a DNS or IP peer name),
 * from the CA/Browser Forum Baseline Requirements 7.1.2.7.12 (x509-limbo
 * webpki::san::san-critical-with-nonempty-subject): the subjectAltName is not critical when
 * the subject is not empty (RFC 5280 4.2.1.6 says SHOULD NOT). The BR 7.1.4.3 rule that a
 * commonName repeats a SAN is not enforced: limbo's rfc5280:: cases issue leaves whose CN
 * differs from their SANs and expect success, so both sets cannot pass.
 */
import type { Certificate } from '../x509/certificate.js';
import { type Problem, problem } from './codes.js';

export function checkWebIdentity(c: Certificate): Problem | null {
  if (c.subject.length && c.extensions.some((e) => e.oid === '2.5.29.17' && e.critical)) {
    return problem('CERT_MALFORMED', 'critical subjectAltName with a non-empty subject (CABF BR 7.1.2.7.12)');
  }
  return null;
}
