/**
 * Extended key usage (RFC 5280 4.2.1.12). The leaf must list the purpose, or
 * anyExtendedKeyUsage, or carry no EKU at all. For CA certificates RFC 5280 says nothing;
 * like Mozilla, Go, webpki and BetterTLS we treat an EKU in a CA certificate as a limit on
 * what it may issue for: when present it must also allow the purpose (or anyExtendedKeyUsage).
 */
import type { Certificate } from '../x509/certificate.js';
import { type Problem, problem } from './codes.js';
import type { PathUsage } from './types.js';

export const ANY_EXTENDED_KEY_USAGE = '2.5.29.37.0';

export const USAGE_EKU: Readonly<Record<PathUsage, string | null>> = {
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  codeSigning: '1.3.6.1.5.5.7.3.3',
  ocspSigning: '1.3.6.1.5.5.7.3.9',
  any: null,
};

function allows(eku: readonly string[], purpose: string, acceptAny: boolean): boolean {
  return eku.includes(purpose) || (acceptAny && eku.includes(ANY_EXTENDED_KEY_USAGE));
}

/** The leaf: `usage` plus every extra OID. RFC 6960 4.2.2.2: an OCSP signer names id-kp-OCSPSigning itself. */
export function checkLeafEku(c: Certificate, usage: PathUsage, extra: readonly string[]): Problem | null {
  const purpose = USAGE_EKU[usage];
  const eku = c.extKeyUsage;
  if (usage === 'ocspSigning' && !eku?.includes(purpose as string)) return problem('EXT_KEY_USAGE_INVALID', 'an OCSP signer must list id-kp-OCSPSigning');
  if (!eku) return null;
  for (const p of purpose ? [purpose, ...extra] : extra) {
    if (!allows(eku, p, true)) return problem('EXT_KEY_USAGE_INVALID', `${p} is not allowed by the leaf`);
  }
  return null;
}

export function checkCaEku(c: Certificate, usage: PathUsage): Problem | null {
  const purpose = USAGE_EKU[usage];
  if (!purpose || !c.extKeyUsage || allows(c.extKeyUsage, purpose, true)) return null;
  return problem('EXT_KEY_USAGE_INVALID', `a CA certificate whose EKU excludes ${purpose}`);
}
