/**
 * The most specific failure wins (webpki's rule): a path that reached an anchor and failed a
 * whole-path check beats a certificate that failed as a candidate issuer, which beats "no
 * issuer found"; within a rank, the failure found further from the leaf wins, then the first.
 */
import type { Problem } from './codes.js';

export const Rank = { NotFound: 0, Candidate: 1, ReachedAnchor: 2 } as const;
export type Rank = (typeof Rank)[keyof typeof Rank];

export interface RankedFailure {
  readonly problem: Problem;
  readonly index: number;
  readonly rank: Rank;
  readonly depth: number;
}

export function better(a: RankedFailure | null, b: RankedFailure): RankedFailure {
  if (!a) return b;
  if (b.rank !== a.rank) return b.rank > a.rank ? b : a;
  return b.depth > a.depth ? b : a;
}

/** Thrown inside the search when a budget runs out; caught by verifyPath. */
export class BudgetExceeded extends Error {
  constructor(readonly limit: 'maxSignatureChecks' | 'maxCandidates') { super(limit); }
}
