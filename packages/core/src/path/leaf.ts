/**
 * Checks of the end-entity certificate alone (RFC 5280 6.1.3 for certificate n, 6.1.5, and
 * the caller's usage, key usage and peer name), run before any path is built.
 */
import { isPkiError } from '../errors.js';
import { type Certificate, parseCertificate } from '../x509/certificate.js';
import type { KeyUsageName } from '../x509/extensions/key-usage.js';
import { checkHasAki } from './ca.js';
import type { CertInfo } from './cert-info.js';
import { type Problem, problem } from './codes.js';
import { checkLeafEku } from './eku.js';
import { checkPeerName } from './peer-name.js';
import { checkCommon } from './roles.js';
import { checkWebIdentity } from './web-identity.js';
import { checkSerial } from './well-formed.js';
import type { CertificateInput, VerifyPathInput } from './types.js';

/** Parse failures become data: the PkiError's code says which PathErrorCode. */
export function toCertificate(input: CertificateInput): Certificate | Problem {
  if (!(input instanceof Uint8Array)) return input;
  try {
    return parseCertificate(input);
  } catch (e) {
    const code = isPkiError(e) ? e.code : 'BAD_DER';
    const detail = e instanceof Error ? e.message : undefined;
    switch (code) {
      case 'WEAK_ALGORITHM': return problem('WEAK_ALGORITHM', detail);
      case 'WEAK_KEY': return problem('WEAK_KEY', detail);
      case 'UNSUPPORTED_ALGORITHM': case 'UNSUPPORTED_KEY': return problem('UNSUPPORTED_ALGORITHM', detail);
      default: return problem('CERT_MALFORMED', detail);
    }
  }
}

function checkKeyUsage(c: Certificate, required: readonly string[] | undefined): Problem | null {
  if (!required?.length || !c.keyUsage) return null;
  const missing = required.filter((k) => !c.keyUsage!.includes(k as KeyUsageName));
  return missing.length ? problem('KEY_USAGE_INVALID', `the leaf lacks ${missing.join(', ')}`) : null;
}

export function checkLeaf(info: CertInfo, input: VerifyPathInput, nowMs: number): Problem | null {
  const c = info.cert;
  return checkCommon(info, nowMs) ?? checkSerial(c) ?? checkHasAki(info)
    ?? checkLeafEku(c, input.usage, input.extKeyUsage ?? []) ?? checkKeyUsage(c, input.keyUsage)
    ?? (input.peerName ? checkPeerName(c, input.peerName) : null)
    ?? (input.peerName && input.peerName.kind !== 'email' ? checkWebIdentity(c) : null);
}
