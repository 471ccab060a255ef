/**
 * The valid_policy_tree of RFC 5280 6.1, kept as the equivalent policy graph of RFC 9618:
 * at each depth there is at most one node per valid_policy, with a set of parents instead of
 * duplicated subtrees. The RFC 5280 tree can grow exponentially with the chain depth (a
 * denial of service, CVE-2023-0464 in OpenSSL); the graph grows with the size of the input,
 * and a budget on nodes plus edges bounds it anyway.
 *
 * Qualifiers are not tracked: the outputs are policy OID sets, and a caller who wants a
 * policy's qualifiers reads them from the parsed certificatePolicies extension.
 */
import { ANY_POLICY } from '../x509/extensions/certificate-policies.js';

/** Nodes plus parent edges over the whole path; far above any real PKI, far below harm. */
export const MAX_POLICY_GRAPH_SIZE = 10_000;

export class PolicyGraphTooLarge extends Error {
  constructor() { super(`the policy graph exceeds ${MAX_POLICY_GRAPH_SIZE} nodes and edges (RFC 9618 section 3 denial-of-service bound)`); }
}

export interface PolicyNode {
  readonly validPolicy: string;
  /** Starts as { validPolicy }; policy mappings of the certificate at this depth replace it (6.1.4 (b)(1)). */
  expectedPolicySet: ReadonlySet<string>;
  /** Nodes at depth - 1; empty only at depth 0. */
  readonly parents: ReadonlySet<PolicyNode>;
}

type Level = Map<string, PolicyNode>;

export class PolicyGraph {
  /** levels[d] holds the nodes of depth d; levels[0] is the anyPolicy root (6.1.2 (a)). */
  private readonly levels: Level[] = [new Map([[ANY_POLICY, { validPolicy: ANY_POLICY, expectedPolicySet: new Set([ANY_POLICY]), parents: new Set() }]])];
  private size = 1;

  get depth(): number { return this.levels.length - 1; }
  get isNull(): boolean { return (this.levels[0]?.size ?? 0) === 0; }

  private addNode(level: Level, validPolicy: string, parents: Iterable<PolicyNode>, expected: ReadonlySet<string> = new Set([validPolicy])): void {
    const node: PolicyNode = { validPolicy, expectedPolicySet: expected, parents: new Set(parents) };
    this.size += 1 + node.parents.size;
    if (this.size > MAX_POLICY_GRAPH_SIZE) throw new PolicyGraphTooLarge();
    level.set(validPolicy, node);
  }

  /** Nodes of `depth` grouped by each OID of their expected_policy_set. */
  private parentsByExpected(depth: number): Map<string, PolicyNode[]> {
    const out = new Map<string, PolicyNode[]>();
    for (const node of this.levels[depth]?.values() ?? []) {
      for (const p of node.expectedPolicySet) {
        const list = out.get(p);
        if (list) list.push(node);
        else out.set(p, [node]);
      }
    }
    return out;
  }

  /**
   * 6.1.3 (d) for the certificate at depth i = this.depth + 1: (1) a node per asserted policy
   * under the nodes expecting it, or under anyPolicy; (2) if anyPolicy is asserted and allowed,
   * a node for each expected policy not yet present; (3) prune.
   */
  addCertificateLevel(policies: readonly string[], anyPolicyAllowed: boolean): void {
    const previous = this.depth;
    const byExpected = this.parentsByExpected(previous);
    const anyParent = this.levels[previous]?.get(ANY_POLICY);
    const level: Level = new Map();
    for (const p of policies) {
      if (p === ANY_POLICY) continue;
      const parents = byExpected.get(p) ?? (anyParent ? [anyParent] : []);
      if (parents.length > 0) this.addNode(level, p, parents);
    }
    if (anyPolicyAllowed && policies.includes(ANY_POLICY)) {
      for (const [p, parents] of byExpected) if (!level.has(p)) this.addNode(level, p, parents);
    }
    this.levels.push(level);
    this.prune();
  }

  /** 6.1.4 (b)(1): policy_mapping > 0, so each issuerDomainPolicy now expects its subjectDomainPolicies. */
  applyMappings(mappings: ReadonlyMap<string, ReadonlySet<string>>): void {
    const level = this.levels[this.depth]!;
    const anyNode = level.get(ANY_POLICY);
    for (const [issuerPolicy, subjectPolicies] of mappings) {
      const node = level.get(issuerPolicy);
      if (node) node.expectedPolicySet = subjectPolicies;
      // A sibling of anyPolicy under anyPolicy's parent (RFC 9618 section 4.2 keeps 5280's rule).
      else if (anyNode) this.addNode(level, issuerPolicy, anyNode.parents, subjectPolicies);
    }
  }

  /** 6.1.4 (b)(2): policy_mapping == 0, so mapped issuerDomainPolicies are dropped. */
  deleteMapped(issuerPolicies: Iterable<string>): void {
    const level = this.levels[this.depth]!;
    for (const p of issuerPolicies) level.delete(p);
    this.prune();
  }

  /** 6.1.3 (e): no certificatePolicies extension. */
  setNull(): void {
    for (const level of this.levels) level.clear();
  }

  /** Deletes nodes above the deepest level that have no children (6.1.3 (d)(3), 6.1.4 (b)(2)). */
  private prune(): void {
    for (let d = this.depth - 1; d >= 0; d--) {
      const referenced = new Set<PolicyNode>();
      for (const child of this.levels[d + 1]!.values()) for (const parent of child.parents) referenced.add(parent);
      const level = this.levels[d]!;
      for (const [p, node] of level) if (!referenced.has(node)) level.delete(p);
    }
    if (this.isNull) this.setNull();
  }

  /**
   * RFC 9618 section 4.4 (6.1.5 (g)): the authorities-constrained policy set is the
   * valid_policy of every non-anyPolicy node whose only parent is anyPolicy, plus anyPolicy
   * when a node of depth n is anyPolicy.
   */
  authoritiesConstrainedPolicySet(): Set<string> {
    const out = new Set<string>();
    for (const level of this.levels) {
      for (const node of level.values()) {
        const [only, ...rest] = [...node.parents];
        if (node.validPolicy !== ANY_POLICY && rest.length === 0 && only?.validPolicy === ANY_POLICY) out.add(node.validPolicy);
      }
    }
    if (this.levels[this.depth]!.has(ANY_POLICY)) out.add(ANY_POLICY);
    return out;
  }
}

/**
 * RFC 9618 section 4.4 step 6 (6.1.5 (g)(iii)): intersect with the user-initial-policy-set;
 * anyPolicy in the authorities' set stands for each of the user's policies. `initial` null
 * means the user set is any-policy.
 */
export function userConstrainedPolicySet(authorities: ReadonlySet<string>, initial: ReadonlySet<string> | null): Set<string> {
  if (initial === null) return new Set(authorities);
  const out = new Set([...authorities].filter((p) => initial.has(p)));
  if (authorities.has(ANY_POLICY)) for (const p of initial) out.add(p);
  return out;
}
