/**
 * Certificate policy processing (RFC 5280 6.1.2 (a), (d)-(f), 6.1.3 (d)-(f), 6.1.4 (a)-(b),
 * (g)-(j), 6.1.5). Placeholder until the policy tree lands: accepts every path with anyPolicy.
 */
import type { Certificate } from '../x509/certificate.js';
import type { PolicyInputs } from './types.js';

export type PolicyResult =
  | { readonly ok: true; readonly policies: readonly string[] }
  | { readonly ok: false; readonly code: 'POLICY_INVALID'; readonly message: string; readonly index: number };

/** `chain` in RFC 5280 6.1 order: chain[0] was issued by the trust anchor, the leaf is last. Failure `index` is in that order. */
export function processPolicies(chain: readonly Certificate[], inputs: PolicyInputs): PolicyResult {
  void chain; void inputs;
  return { ok: true, policies: ['2.5.29.32.0'] };
}
