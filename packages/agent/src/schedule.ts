/**
 * When to renew and when to retry. Renewal at a fraction of the lifetime (two thirds by
 * default, as step-ca and cert-manager do) plus a random jitter, so a fleet enrolled in
 * one batch does not come back in one burst. Retries back off exponentially up to a cap,
 * with "full jitter" (half to all of the delay) against synchronised retries.
 */
import type { Random } from './ports.js';

export interface RenewalPolicy {
  /** Point of the lifetime, 0 < renewAt < 1. */
  readonly renewAt: number;
  /** Jitter as a fraction of the lifetime, applied +/- around renewAt. */
  readonly jitter: number;
}

export interface BackoffPolicy {
  readonly initialSeconds: number;
  readonly maxSeconds: number;
}

/** notBefore + life * (renewAt +/- jitter), never after notAfter minus a twentieth of the life. */
export function renewalTime(notBefore: Date, notAfter: Date, p: RenewalPolicy, random: Random): Date {
  const life = notAfter.getTime() - notBefore.getTime();
  const fraction = Math.min(0.95, Math.max(0.05, p.renewAt + (2 * random() - 1) * p.jitter));
  return new Date(notBefore.getTime() + Math.round(life * fraction));
}

/** The delay before retry `attempt` (1, 2, ...). */
export function backoffMs(attempt: number, p: BackoffPolicy, random: Random): number {
  const ceiling = Math.min(p.maxSeconds, p.initialSeconds * 2 ** Math.min(30, attempt - 1)) * 1000;
  return Math.round(ceiling * (0.5 + 0.5 * random()));
}
