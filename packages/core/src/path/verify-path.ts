/**
 * verifyPath: RFC 5280 section 6 path validation with path building. Pure and synchronous;
 * never throws for hostile input (a bad certificate is a result with a stable code).
 *
 * Steps: 1. parse and check the leaf; 2. index anchors and intermediates by subject;
 * 3. build depth-first, pruning bad edges; 4. when an anchor is reached, run the whole-path
 * checks (path length, name constraints, policies, revocation); 5. report the success, or
 * the most specific failure of the best candidate path.
 */
import type { Certificate } from '../x509/certificate.js';
import type { KeyObject } from 'node:crypto';
import { anchorSet, isAnchorCertificate, isPinned } from './anchors.js';
import { type CertInfo, certInfo, publicKeyFor } from './cert-info.js';
import { inheritedKeys } from './inherited-keys.js';
import { PATH_ERRORS, type Problem, problem } from './codes.js';
import { extend, type Search } from './build.js';
import { BudgetExceeded } from './failure.js';
import { IssuerIndex } from './issuers.js';
import { checkLeaf, toCertificate } from './leaf.js';
import { checkPathNameConstraints } from './name-constraints.js';
import { checkPathLength } from './path-length.js';
import { processPolicies } from './policy.js';
import { checkRevocation } from './revocation.js';
import { RoleChecks } from './roles.js';
import { SignatureCache } from './signature.js';
import { DEFAULT_PATH_BUDGET, type PathBudget, type PathFailure, type VerifyPathInput, type VerifyPathResult } from './types.js';

const fail = (p: Problem, index?: number): PathFailure =>
  (index === undefined ? { ok: false, code: p.code, message: p.message } : { ok: false, code: p.code, message: p.message, index });

type PathCheck = { problem: Problem; index: number } | null;

interface Completion { policies: readonly string[] }

/** Step 4: checks that need the whole path (leaf first, anchor last). */
function completer(input: VerifyPathInput, pool: readonly Certificate[], done: Completion, depth: number, sigs: SignatureCache) {
  return (path: readonly CertInfo[]): PathCheck => {
    const fixed = checkPathLength(path) ?? checkPathNameConstraints(path);
    if (fixed) return fixed;
    const certs = path.map((i) => i.cert);
    // policy.ts takes RFC 5280 6.1 order: chain[0] issued by the anchor, the leaf last.
    const chain = certs.slice(0, -1).reverse();
    const pol = processPolicies(chain, input.policy ?? {});
    if (!pol.ok) return { problem: problem('POLICY_INVALID', pol.message), index: chain.length - 1 - pol.index };
    if (input.revocation) {
      const rev = checkRevocation({
        path: certs, pool, inputs: input.revocation, now: input.now, validateSigner: signerValidator(input, pool, depth, sigs),
        ...(sigs.legacy ? { algorithms: 'legacy', keyOf: workingKeys(certs) } : {}),
      });
      if (!rev.ok) return { problem: problem(rev.code, rev.message), index: rev.index };
    }
    done.policies = pol.policies;
    return null;
  };
}

/** How many signer validations may nest: the signer's own status is checked, its CRL signer's is not. */
const MAX_SIGNER_DEPTH = 2;

/**
 * RFC 5280 6.3.3 (f): a CRL or OCSP signer must itself validate to the same anchors, with
 * the same revocation inputs (PKITS 4.4.21: a revoked CRL signer), down to MAX_SIGNER_DEPTH.
 */
function signerValidator(input: VerifyPathInput, pool: readonly Certificate[], depth: number, sigs: SignatureCache) {
  return (signer: Certificate): boolean => {
    const nested = depth + 1 < MAX_SIGNER_DEPTH && input.revocation ? { revocation: input.revocation } : {};
    const budget = input.budget ? { budget: input.budget } : {};
    const algorithms = input.algorithms ? { algorithms: input.algorithms } : {};
    return guarded({ leaf: signer, intermediates: pool, anchors: input.anchors, now: input.now, usage: 'any', ...nested, ...budget, ...algorithms }, depth + 1, sigs).ok;
  };
}

function budgetOf(input: VerifyPathInput): PathBudget {
  const b = input.budget;
  if (!b) return DEFAULT_PATH_BUDGET;
  return {
    maxSignatureChecks: b.maxSignatureChecks ?? DEFAULT_PATH_BUDGET.maxSignatureChecks,
    maxDepth: b.maxDepth ?? DEFAULT_PATH_BUDGET.maxDepth,
    maxCandidates: b.maxCandidates ?? DEFAULT_PATH_BUDGET.maxCandidates,
  };
}

function run(input: VerifyPathInput, depth: number, sigs: SignatureCache): VerifyPathResult {
  // Step 1: the leaf.
  const leafCert = toCertificate(input.leaf, input.algorithms);
  if (!('der' in leafCert)) return fail(leafCert, 0);
  const leaf = certInfo(leafCert);
  const nowMs = input.now.getTime();
  const leafProblem = checkLeaf(leaf, input, nowMs);
  if (leafProblem) return fail(leafProblem, 0);
  const anchors = anchorSet(input.anchors);
  if (isAnchorCertificate(anchors, leafCert)) return { ok: true, path: [leafCert], anchor: leafCert, policies: ['2.5.29.32.0'], signatureChecks: 0 };
  // Step 2: the issuer index. Unparseable intermediates are skipped: junk in the pool is not the leaf's fault.
  const index = new IssuerIndex();
  const pool: Certificate[] = [];
  for (const a of anchors.certificates) { index.add(a, true); pool.push(a.cert); }
  for (const raw of input.intermediates) {
    const c = toCertificate(raw, input.algorithms);
    if (!('der' in c)) continue;
    pool.push(c);
    index.add(certInfo(c), isPinned(anchors, c));
  }
  // Steps 3-4.
  const done: Completion = { policies: [] };
  const s: Search = {
    index, roles: new RoleChecks(nowMs, input.usage), sigs, budget: budgetOf(input),
    maxIntermediates: input.maxIntermediates ?? Infinity, complete: completer(input, pool, done, depth, sigs), candidates: 0, best: null,
  };
  const found = extend(s, [leaf]);
  // Step 5.
  if (found) {
    const path = found.map((i) => i.cert);
    return { ok: true, path, anchor: path[path.length - 1] as Certificate, policies: done.policies, signatureChecks: sigs.checks };
  }
  const best = s.best ?? { problem: problem('ISSUER_NOT_FOUND'), index: 0 };
  return fail(best.problem, best.index);
}

export function verifyPath(input: VerifyPathInput): VerifyPathResult {
  return guarded(input, 0, new SignatureCache(input.algorithms === 'legacy'));
}

/** CRL and OCSP signers on the path verify with their working public key (inherited DSA parameters). */
function workingKeys(path: readonly Certificate[]) {
  const inherited = inheritedKeys(path);
  return (c: Certificate): KeyObject | null => {
    const k = inherited.get(c);
    if (k !== undefined) return k;
    try { return publicKeyFor(c); } catch { return null; }
  };
}

/** `sigs` is shared with nested signer validations: the signer's path often repeats ours. */
function guarded(input: VerifyPathInput, depth: number, sigs: SignatureCache): VerifyPathResult {
  try {
    return run(input, depth, sigs);
  } catch (e) {
    if (e instanceof BudgetExceeded) return fail(problem('BUDGET_EXCEEDED', e.limit));
    // Defence in depth: a parser or crypto error we did not map is still a failure, not a crash.
    return fail({ code: 'CERT_MALFORMED', message: `${PATH_ERRORS.CERT_MALFORMED}: ${e instanceof Error ? e.message : String(e)}` });
  }
}
