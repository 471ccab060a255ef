/**
 * Revocation checking from supplied CRLs and OCSP responses (RFC 5280 6.3, RFC 6960).
 * Each CRL is read once per input object (memoised across calls), only the entries for the
 * serials asked about are parsed, and each signature is verified at most once per signer key. A revoked status (from
 * either source) wins over a good one; certificateHold counts as revoked.
 */
import type { KeyObject } from 'node:crypto';
import type { Certificate } from '../x509/certificate.js';
import { publicKeyFor } from './cert-info.js';
import { type CertStatus, crlStatus } from './revocation/crl-check.js';
import { storeCrls } from './revocation/crl-store.js';
import { ocspStatus, storeOcspResponses } from './revocation/ocsp-check.js';
import type { AlgorithmPolicy, RevocationInputs } from './types.js';

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
  /** A certificate's working public key; default its own (the driver passes inherited DSA parameters, 6.1.4 (f)). */
  readonly keyOf?: (cert: Certificate) => KeyObject | null;
  /** VerifyPathInput.algorithms: whether SHA-1 and DSA signatures on CRLs are accepted. Default 'default'. */
  readonly algorithms?: AlgorithmPolicy;
}

const ownKey = (c: Certificate): KeyObject | null => { try { return publicKeyFor(c); } catch { return null; } };

export type RevocationResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly code: 'CERT_REVOKED' | 'REVOCATION_UNKNOWN'; readonly message: string; readonly index: number };

const combine = (a: CertStatus, b: CertStatus): CertStatus =>
  a === 'revoked' || b === 'revoked' ? 'revoked' : a === 'unrevoked' || b === 'unrevoked' ? 'unrevoked' : 'undetermined';

export function checkRevocation(ctx: RevocationContext): RevocationResult {
  const crls = storeCrls(ctx.inputs.crls ?? []);
  const ocsp = storeOcspResponses(ctx.inputs.ocspResponses ?? []);
  const signers = new Map<Certificate, boolean>();
  const signerValid = (c: Certificate): boolean => {
    let ok = signers.get(c);
    if (ok === undefined) signers.set(c, (ok = ctx.validateSigner(c)));
    return ok;
  };
  const keyOf = ctx.keyOf ?? ownKey;
  const legacy = ctx.algorithms === 'legacy';
  // The anchor (last) is not checked; 'leaf' scope checks path[0] only.
  const last = ctx.inputs.scope === 'leaf' ? Math.min(1, ctx.path.length - 1) : ctx.path.length - 1;
  let unknown = -1;
  for (let i = 0; i < last; i++) {
    const cert = ctx.path[i]!;
    const issuer = ctx.path[i + 1]!;
    const fromOcsp = ocsp.length > 0 ? ocspStatus(cert, issuer, ocsp, ctx.pool, ctx.now) : 'undetermined';
    const fromCrls = fromOcsp === 'revoked' || crls.length === 0 ? 'undetermined' : crlStatus(cert, issuer, { crls, pool: ctx.pool, now: ctx.now, signerValid, onPath: ctx.path.slice(i), keyOf, legacy });
    const status = combine(fromOcsp, fromCrls);
    if (status === 'revoked') return { ok: false, code: 'CERT_REVOKED', message: `certificate ${i} (serial ${cert.serial}) is revoked`, index: i };
    if (status === 'undetermined' && unknown < 0) unknown = i;
  }
  if (unknown >= 0 && ctx.inputs.mode === 'require') {
    return { ok: false, code: 'REVOCATION_UNKNOWN', message: `no usable CRL or OCSP response covers certificate ${unknown}`, index: unknown };
  }
  return { ok: true };
}
