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
import type { AlgorithmPolicy, CertificateInput, VerifyPathInput } from './types.js';
import { InputMemo } from './input-memo.js';
import { refusedByDefault } from './signature.js';

const memos: Readonly<Record<AlgorithmPolicy, InputMemo<Certificate | Problem>>> = { default: new InputMemo(), legacy: new InputMemo() };

/**
 * Parse failures become data: the PkiError's code says which PathErrorCode. DER inputs are
 * parsed once per Uint8Array object (input-memo.ts); a certificate given parsed must not use
 * what the policy refuses, as the parser would have refused it.
 */
export function toCertificate(input: CertificateInput, algorithms: AlgorithmPolicy = 'default'): Certificate | Problem {
  if (!(input instanceof Uint8Array)) return algorithms === 'legacy' ? input : refusedByDefault(input) ?? input;
  return memos[algorithms].get(input, (bytes) => parse(bytes, algorithms));
}

function parse(der: Uint8Array, algorithms: AlgorithmPolicy): Certificate | Problem {
  try {
    return parseCertificate(der, { algorithms });
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
