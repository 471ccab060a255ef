/**
 * Path building (RFC 4158 in spirit): depth-first from the leaf towards an anchor over the
 * candidate issuers, backtracking on a bad edge, skipping loops (the same certificate, or the
 * same subject and key, twice), and bounded by a budget of signature checks, depth and
 * candidates examined so hostile pools cannot make it explode. The first path that reaches
 * an anchor and passes the whole-path checks wins; otherwise the best-ranked failure is kept.
 */
import type { CertInfo } from './cert-info.js';
import { type Problem, problem } from './codes.js';
import { better, BudgetExceeded, Rank, type RankedFailure } from './failure.js';
import { anyInherits, inheritedKeys, inheritsParameters } from './inherited-keys.js';
import type { Candidate, IssuerIndex } from './issuers.js';
import { countedIntermediates } from './path-length.js';
import type { RoleChecks } from './roles.js';
import type { SignatureCache } from './signature.js';
import type { PathBudget } from './types.js';

export interface Search {
  readonly index: IssuerIndex;
  readonly roles: RoleChecks;
  readonly sigs: SignatureCache;
  readonly budget: PathBudget;
  readonly maxIntermediates: number;
  /** The whole-path checks once an anchor is reached (path leaf first, anchor last). */
  readonly complete: (path: readonly CertInfo[]) => { problem: Problem; index: number } | null;
  candidates: number;
  best: RankedFailure | null;
}

function record(s: Search, p: Problem, index: number, rank: Rank, depth: number): void {
  s.best = better(s.best, { problem: p, index, rank, depth });
}

function inPath(path: readonly CertInfo[], c: CertInfo): boolean {
  for (const p of path) if (p === c || p.cert.der === c.cert.der || (p.subjectKey === c.subjectKey && p.spkiKey === c.spkiKey)) return true;
  return false;
}

function signedBy(s: Search, child: CertInfo, issuer: CertInfo): Problem | null {
  // A DSA key without parameters: checked once the anchor is reached (inherited-keys.ts).
  if (s.sigs.legacy && inheritsParameters(issuer.cert)) return null;
  const cached = s.sigs.get(child, issuer);
  if (cached !== undefined) return cached;
  if (s.sigs.checks >= s.budget.maxSignatureChecks) throw new BudgetExceeded('maxSignatureChecks');
  return s.sigs.verify(child, issuer);
}

/** The signatures made with keys whose DSA parameters come from above, now that the path is whole. */
function checkInherited(s: Search, path: readonly CertInfo[]): { problem: Problem; index: number } | null {
  if (!s.sigs.legacy || !anyInherits(path)) return null;
  const keys = inheritedKeys(path.map((i) => i.cert));
  for (let i = 1; i < path.length; i++) {
    const issuer = path[i] as CertInfo;
    if (!inheritsParameters(issuer.cert)) continue;
    if (s.sigs.checks >= s.budget.maxSignatureChecks) throw new BudgetExceeded('maxSignatureChecks');
    const bad = s.sigs.verifyWithKey(path[i - 1] as CertInfo, issuer, keys.get(issuer.cert) ?? null);
    if (bad) return { problem: bad, index: i - 1 };
  }
  return null;
}

/** Tries one candidate as the issuer of the top of `path`; returns the full path on success. */
function tryCandidate(s: Search, path: CertInfo[], cand: Candidate): CertInfo[] | null {
  const child = path[path.length - 1] as CertInfo;
  const at = path.length;
  if (!cand.anchor) {
    if (at + 2 > s.budget.maxDepth) {
      record(s, problem('BUDGET_EXCEEDED', `path deeper than ${s.budget.maxDepth}`), at, Rank.Candidate, at);
      return null;
    }
    if (countedIntermediates([...path, cand.info]) > s.maxIntermediates) {
      record(s, problem('PATH_LENGTH_EXCEEDED', `more than ${s.maxIntermediates} intermediates`), at, Rank.Candidate, at);
      return null;
    }
  }
  const bad = s.roles.check(cand.info, cand.anchor ? 'anchor' : 'intermediate') ?? signedBy(s, child, cand.info);
  if (bad) {
    record(s, bad, bad.code === 'SIGNATURE_INVALID' ? at - 1 : at, Rank.Candidate, at);
    return null;
  }
  path.push(cand.info);
  if (cand.anchor) {
    const f = checkInherited(s, path) ?? s.complete(path);
    if (!f) return path;
    record(s, f.problem, f.index, Rank.ReachedAnchor, at);
  } else {
    const found = extend(s, path);
    if (found) return found;
  }
  path.pop();
  return null;
}

export function extend(s: Search, path: CertInfo[]): CertInfo[] | null {
  const child = path[path.length - 1] as CertInfo;
  let tried = 0;
  for (const cand of s.index.candidates(child)) {
    if (inPath(path, cand.info)) continue;
    if (++s.candidates > s.budget.maxCandidates) throw new BudgetExceeded('maxCandidates');
    tried++;
    const found = tryCandidate(s, path, cand);
    if (found) return found;
  }
  if (tried === 0) {
    const code = child.selfIssued ? 'UNTRUSTED_ROOT' : 'ISSUER_NOT_FOUND';
    record(s, problem(code), path.length - 1, Rank.NotFound, path.length - 1);
  }
  return null;
}
