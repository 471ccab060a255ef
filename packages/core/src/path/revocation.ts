/**
 * Revocation checking from supplied CRLs and OCSP responses (RFC 5280 6.3, RFC 6960).
 * Placeholder until the CRL and OCSP checks land: reports an unknown status when required.
 */
import type { Certificate } from '../x509/certificate.js';
import type { RevocationInputs } from './types.js';

export interface RevocationContext {
  /** Leaf first, the anchor's certificate last; path[i] was issued by path[i + 1]. */
  readonly path: readonly Certificate[];
  /** Intermediates and anchor certificates, where CRL and OCSP signers are looked for. */
  readonly pool: readonly Certificate[];
  readonly inputs: RevocationInputs;
  readonly now: Date;
  /**
   * Whether a CRL or OCSP signer's own certificate validates to the same anchors
   * (RFC 5280 6.3.3 (f)); the driver runs the validator on it and bounds the recursion.
   */
  readonly validateSigner: (signer: Certificate) => boolean;
}

export type RevocationResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly code: 'CERT_REVOKED' | 'REVOCATION_UNKNOWN'; readonly message: string; readonly index: number };

export function checkRevocation(ctx: RevocationContext): RevocationResult {
  if (ctx.inputs.mode !== 'require') return { ok: true };
  return { ok: false, code: 'REVOCATION_UNKNOWN', message: 'no revocation information checked yet', index: 0 };
}
