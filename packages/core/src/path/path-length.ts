/**
 * RFC 5280 6.1.2 (k), 6.1.4 (l)-(m): max_path_length starts at the anchor's
 * pathLenConstraint (or unbounded), each non-self-issued intermediate uses one, and each
 * pathLenConstraint can only lower it. The leaf's own basicConstraints does not count.
 */
import type { CertInfo } from './cert-info.js';
import { type Problem, problem } from './codes.js';

export function checkPathLength(path: readonly CertInfo[]): { problem: Problem; index: number } | null {
  const anchor = path[path.length - 1] as CertInfo;
  let max = anchor.cert.basicConstraints?.pathLenConstraint ?? Infinity;
  for (let i = path.length - 2; i >= 1; i--) {
    const info = path[i] as CertInfo;
    if (!info.selfIssued) {
      if (max <= 0) return { problem: problem('PATH_LENGTH_EXCEEDED', 'a pathLenConstraint is exceeded'), index: i };
      max--;
    }
    const pl = info.cert.basicConstraints?.pathLenConstraint;
    if (pl != null && pl < max) max = pl;
  }
  return null;
}

/** Intermediates that count against the caller's limit: self-issued ones do not (6.1.4 (l)). */
export function countedIntermediates(path: readonly CertInfo[]): number {
  let n = 0;
  for (let i = 1; i < path.length; i++) if (!(path[i] as CertInfo).selfIssued) n++;
  return n;
}
