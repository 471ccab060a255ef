/**
 *   CRLReason ::= ENUMERATED { unspecified (0), keyCompromise (1), cACompromise (2),
 *     affiliationChanged (3), superseded (4), cessationOfOperation (5), certificateHold (6),
 *     -- value 7 is not used
 *     removeFromCRL (8), privilegeWithdrawn (9), aACompromise (10) }   (RFC 5280 5.3.1)
 * One table for the names the API, the CLI, CRLs and OCSP use.
 */
import { PkiError } from '../errors.js';

export const CRL_REASONS = {
  unspecified: 0, keyCompromise: 1, cACompromise: 2, affiliationChanged: 3, superseded: 4,
  cessationOfOperation: 5, certificateHold: 6, removeFromCRL: 8, privilegeWithdrawn: 9, aACompromise: 10,
} as const;
export type CrlReason = keyof typeof CRL_REASONS;

const BY_CODE: ReadonlyMap<number, CrlReason> = new Map(Object.entries(CRL_REASONS).map(([k, v]) => [v, k as CrlReason]));

/**
 * Reasons an operator may give when revoking. removeFromCRL only appears in delta CRLs
 * when a hold is lifted (5.3.1); the CA chooses it, nobody requests it.
 */
export const REVOCATION_REASONS: readonly CrlReason[] = (Object.keys(CRL_REASONS) as CrlReason[]).filter((r) => r !== 'removeFromCRL');

export function crlReasonCode(reason: CrlReason): number {
  return CRL_REASONS[reason];
}

export function crlReasonFromCode(code: number): CrlReason {
  const r = BY_CODE.get(code);
  if (!r) throw new PkiError('BAD_DER', `CRLReason ${code} is not defined`);
  return r;
}

export function parseRevocationReason(name: string): CrlReason {
  if (!(REVOCATION_REASONS as readonly string[]).includes(name)) {
    throw new PkiError('REVOCATION_REASON_INVALID', `reason must be one of ${REVOCATION_REASONS.join(', ')}`, { detail: { reason: name } });
  }
  return name as CrlReason;
}
