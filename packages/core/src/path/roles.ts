/**
 * Checks of one certificate in one role, independent of the rest of the path, so the
 * builder can prune a bad edge before spending a signature check (as webpki does with
 * check_issuer_independent_properties). Results are cached for the call.
 */
import { checkAnchorBasicConstraints, checkCa, checkHasAki, checkSelfSignedAki } from './ca.js';
import type { CertInfo } from './cert-info.js';
import type { Problem } from './codes.js';
import { checkCriticalExtensions } from './critical-extensions.js';
import { checkCaEku } from './eku.js';
import type { PathUsage } from './types.js';
import { checkValidity } from './validity.js';
import { checkSerial, checkWellFormed } from './well-formed.js';

export type Role = 'intermediate' | 'anchor';

/** Checks every certificate of a path passes, the leaf included. */
export function checkCommon(info: CertInfo, nowMs: number): Problem | null {
  return checkWellFormed(info.cert) ?? checkCriticalExtensions(info.cert) ?? checkValidity(info.cert, nowMs);
}

function checkRole(info: CertInfo, role: Role, nowMs: number, usage: PathUsage): Problem | null {
  // An anchor's AKI is not required even when it is not self-issued: limbo
  // cve::cve-2024-0567 trusts such a certificate (its cross-signed-root-missing-aki says the opposite).
  // RFC 5280 6.1.4 (k) keeps v1 certificates out of the middle of a path, but a v1 root is
  // still a name and a key (6.1.1 (d)): as an anchor it needs only to be within its validity.
  if (role === 'anchor' && info.cert.version === 1) return checkCommon(info, nowMs);
  return checkCommon(info, nowMs) ?? checkCa(info.cert) ?? checkCaEku(info.cert, usage)
    ?? (role === 'anchor' ? checkAnchorBasicConstraints(info.cert) ?? checkSelfSignedAki(info) : checkHasAki(info) ?? checkSerial(info.cert));
}

export class RoleChecks {
  private readonly cache = { intermediate: new Map<CertInfo, Problem | null>(), anchor: new Map<CertInfo, Problem | null>() };
  constructor(private readonly nowMs: number, private readonly usage: PathUsage) {}

  check(info: CertInfo, role: Role): Problem | null {
    const m = this.cache[role];
    let r = m.get(info);
    if (r === undefined) {
      r = checkRole(info, role, this.nowMs, this.usage);
      m.set(info, r);
    }
    return r;
  }
}
