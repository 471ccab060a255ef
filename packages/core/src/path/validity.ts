/**
 * RFC 5280 6.1.3 (a)(2) and 4.1.2.5: the validity period includes notBefore and notAfter.
 * Certificate times have whole seconds, so `now` is compared truncated to its second: at
 * 00:00:00.005 a certificate whose notAfter is 00:00:00 is still valid (x509-limbo
 * rfc5280::validity::notafter-fractional), at 00:00:00.999 one starting 00:00:01 is not yet.
 */
import type { Certificate } from '../x509/certificate.js';
import { type Problem, problem } from './codes.js';

export function checkValidity(cert: Certificate, nowMs: number): Problem | null {
  const t = Math.floor(nowMs / 1000) * 1000;
  if (t < cert.notBefore.getTime()) return problem('CERT_NOT_YET_VALID', `notBefore ${cert.notBefore.toISOString()}`);
  if (t > cert.notAfter.getTime()) return problem('CERT_EXPIRED', `notAfter ${cert.notAfter.toISOString()}`);
  return null;
}
