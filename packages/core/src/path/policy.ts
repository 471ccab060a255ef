/**
 * Certificate policy processing (RFC 5280 6.1.2 (a), (d)-(f), 6.1.3 (d)-(f), 6.1.4 (a)-(b),
 * (h)-(j), 6.1.5 (a)-(b), (g)), with the valid_policy_tree kept as the RFC 9618 policy graph
 * (policy-graph.ts). Pure: reads only the certificates' names and extensions.
 */
import { isPkiError } from '../errors.js';
import { ANY_POLICY } from '../x509/extensions/certificate-policies.js';
import { type Name, rdnEqual } from '../x509/name.js';
import { PolicyGraph, PolicyGraphTooLarge, userConstrainedPolicySet } from './policy-graph.js';
import { type CertificatePolicyExtensions, type PolicyCertificate, readPolicyExtensions } from './policy-extensions.js';
import type { PolicyInputs } from './types.js';

export interface PolicyProcessingInputs extends PolicyInputs {
  /**
   * Refuse a policyConstraints extension that is not critical (RFC 5280 4.2.1.11: "Conforming
   * CAs MUST mark this extension as critical"; x509-limbo rfc5280::pc::ica-noncritical-pc).
   * Off by default: section 6.1 does not ask a validator to check it, and 16 NIST PKITS CA
   * certificates carry a non-critical one in paths PKITS expects to validate.
   */
  readonly requireCriticalPolicyConstraints?: boolean;
}

export type PolicyResult =
  | {
    readonly ok: true;
    /** Authorities-constrained policy set (RFC 9618 4.4; '2.5.29.32.0' for anyPolicy), sorted. */
    readonly policies: readonly string[];
    /** 6.1.6 user-constrained policy set: the above intersected with the user-initial-policy-set, sorted. */
    readonly userConstrainedPolicySet?: readonly string[];
    /** Final explicit_policy (6.1.5 (a)-(b)): 0 means the path had to carry an acceptable policy, and does. */
    readonly explicitPolicy?: number;
  }
  | { readonly ok: false; readonly code: 'POLICY_INVALID'; readonly message: string; readonly index: number };

/** The state variables of 6.1.2. */
interface PolicyState {
  readonly graph: PolicyGraph;
  explicitPolicy: number;
  policyMapping: number;
  inhibitAnyPolicy: number;
}

/** RFC 5280 7.1: names compare RDN by RDN, attribute values case- and space-folded. */
export function namesEqual(a: Name, b: Name): boolean {
  return a.length === b.length && a.every((rdn, i) => rdnEqual(rdn, b[i]!));
}

/** RFC 5280 6.1: self-issued means issuer and subject names match (not that the key signs itself). */
export const isSelfIssued = (cert: PolicyCertificate): boolean => namesEqual(cert.issuer, cert.subject);

/** 6.1.2 (d)-(f): each counter is n+1, or 0 when the matching initial input is set. */
function initialState(n: number, inputs: PolicyInputs): PolicyState {
  return {
    graph: new PolicyGraph(),
    explicitPolicy: inputs.initialExplicitPolicy ? 0 : n + 1,
    policyMapping: inputs.initialPolicyMappingInhibit ? 0 : n + 1,
    inhibitAnyPolicy: inputs.initialAnyPolicyInhibit ? 0 : n + 1,
  };
}

/** 6.1.3 (d)-(f) for certificate i of n. Returns a failure message or null. */
function processCertificate(s: PolicyState, ext: CertificatePolicyExtensions, i: number, n: number, selfIssued: boolean): string | null {
  if (ext.policies && !s.graph.isNull) {
    // (d)(2): anyPolicy counts while inhibit_anyPolicy > 0, or in a self-issued intermediate.
    const anyPolicyAllowed = s.inhibitAnyPolicy > 0 || (i < n && selfIssued);
    s.graph.addCertificateLevel(ext.policies.map((p) => p.policyIdentifier), anyPolicyAllowed);
  } else if (!ext.policies) {
    s.graph.setNull(); // (e)
  }
  // (f)
  if (s.explicitPolicy <= 0 && s.graph.isNull) return 'no valid policy: explicit policy is required and the valid_policy_tree is empty (RFC 5280 6.1.3 (f))';
  return null;
}

/** 6.1.4 (a)-(b): policy mappings of intermediate i. Returns a failure message or null. */
function processMappings(s: PolicyState, ext: CertificatePolicyExtensions): string | null {
  if (!ext.mappings) return null;
  const bySubject = new Map<string, Set<string>>();
  for (const m of ext.mappings) {
    if (m.issuerDomainPolicy === ANY_POLICY || m.subjectDomainPolicy === ANY_POLICY) {
      return 'policyMappings maps to or from anyPolicy (RFC 5280 6.1.4 (a))';
    }
    bySubject.set(m.issuerDomainPolicy, (bySubject.get(m.issuerDomainPolicy) ?? new Set()).add(m.subjectDomainPolicy));
  }
  if (s.graph.isNull) return null;
  if (s.policyMapping > 0) s.graph.applyMappings(bySubject);
  else s.graph.deleteMapped(bySubject.keys());
  return null;
}

/** 6.1.4 (h)-(j): counters for the next certificate. */
function updateCounters(s: PolicyState, ext: CertificatePolicyExtensions, selfIssued: boolean): void {
  if (!selfIssued) {
    if (s.explicitPolicy > 0) s.explicitPolicy--;
    if (s.policyMapping > 0) s.policyMapping--;
    if (s.inhibitAnyPolicy > 0) s.inhibitAnyPolicy--;
  }
  const { requireExplicitPolicy, inhibitPolicyMapping } = ext.constraints ?? { requireExplicitPolicy: null, inhibitPolicyMapping: null };
  if (requireExplicitPolicy !== null) s.explicitPolicy = Math.min(s.explicitPolicy, requireExplicitPolicy);
  if (inhibitPolicyMapping !== null) s.policyMapping = Math.min(s.policyMapping, inhibitPolicyMapping);
  if (ext.inhibitAnyPolicy !== null) s.inhibitAnyPolicy = Math.min(s.inhibitAnyPolicy, ext.inhibitAnyPolicy);
}

/** 6.1.5 (a)-(b), (g) and the final test of 6.1.5 / 6.1.6. */
function wrapUp(s: PolicyState, leaf: CertificatePolicyExtensions | null, inputs: PolicyInputs, n: number): PolicyResult {
  if (s.explicitPolicy > 0) s.explicitPolicy--;
  if (leaf?.constraints?.requireExplicitPolicy === 0) s.explicitPolicy = 0;
  const authorities = s.graph.authoritiesConstrainedPolicySet();
  const initial = inputs.initialPolicySet;
  const user = userConstrainedPolicySet(authorities, !initial || initial.includes(ANY_POLICY) ? null : new Set(initial));
  if (s.explicitPolicy === 0 && user.size === 0) {
    return fail('no valid policy: explicit policy is required and no policy of the path is in the user-initial-policy-set (RFC 5280 6.1.5 (g), 6.1.6)', Math.max(n - 1, 0));
  }
  return { ok: true, policies: [...authorities].sort(), userConstrainedPolicySet: [...user].sort(), explicitPolicy: s.explicitPolicy };
}

const fail = (message: string, index: number): PolicyResult => ({ ok: false, code: 'POLICY_INVALID', message, index });

function readExtensions(cert: PolicyCertificate, inputs: PolicyProcessingInputs): CertificatePolicyExtensions | string {
  let ext: CertificatePolicyExtensions;
  try {
    ext = readPolicyExtensions(cert);
  } catch (e) {
    if (isPkiError(e)) return `malformed policy extension: ${e.message}`;
    throw e;
  }
  if (inputs.requireCriticalPolicyConstraints && ext.constraints && !ext.constraints.critical) {
    return 'policyConstraints is not critical (RFC 5280 4.2.1.11)';
  }
  return ext;
}

/** One certificate: 6.1.3 (d)-(f), then 6.1.4 (a)-(b), (h)-(j) unless it is the leaf. */
function step(s: PolicyState, ext: CertificatePolicyExtensions, cert: PolicyCertificate, i: number, n: number): string | null {
  const selfIssued = isSelfIssued(cert);
  const failure = processCertificate(s, ext, i, n, selfIssued);
  if (failure !== null || i === n) return failure;
  const mapped = processMappings(s, ext);
  if (mapped === null) updateCounters(s, ext, selfIssued);
  return mapped;
}

/** `chain` in RFC 5280 6.1 order: chain[0] was issued by the trust anchor, the leaf is last. Failure `index` is in that order. */
export function processPolicies(chain: readonly PolicyCertificate[], inputs: PolicyProcessingInputs): PolicyResult {
  const n = chain.length;
  const s = initialState(n, inputs);
  let ext: CertificatePolicyExtensions | null = null;
  for (let i = 1; i <= n; i++) {
    const read = readExtensions(chain[i - 1]!, inputs);
    if (typeof read === 'string') return fail(read, i - 1);
    ext = read;
    try {
      const failure = step(s, ext, chain[i - 1]!, i, n);
      if (failure !== null) return fail(failure, i - 1);
    } catch (e) {
      if (e instanceof PolicyGraphTooLarge) return fail(e.message, i - 1);
      throw e;
    }
  }
  return wrapUp(s, ext, inputs, n);
}
