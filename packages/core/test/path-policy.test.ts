/**
 * processPolicies on hand-built chains (RFC 5280 6.1 order: chain[0] issued by the anchor,
 * leaf last). Each case states the exact verdict, index, sets and final explicit_policy.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { processPolicies, MAX_POLICY_GRAPH_SIZE } from '../src/index.js';
import { isSelfIssued } from '../src/path/policy.js';
import { oid, sequence } from '../src/der/writer.js';
import { ANY, P, cert, constraints, inhibitAny, mappings, policies, policyWithCps } from './path-policy-helpers.js';

const ok = (policiesSet: string[], user: string[], explicitPolicy: number) =>
  ({ ok: true, policies: policiesSet, userConstrainedPolicySet: user, explicitPolicy });
const invalid = (index: number, message: RegExp) => (r: ReturnType<typeof processPolicies>) => {
  assert.equal(r.ok, false);
  if (r.ok) return;
  assert.equal(r.code, 'POLICY_INVALID');
  assert.equal(r.index, index);
  assert.match(r.message, message);
};

const TREE_EMPTY = /RFC 5280 6\.1\.3 \(f\)/;
const NO_USER_POLICY = /RFC 5280 6\.1\.5 \(g\)/;

test('no policies anywhere: valid without explicit policy, refused with it at the first certificate', () => {
  const chain = [cert('CN=Root', 'CN=CA'), cert('CN=CA', 'CN=leaf')];
  // explicit_policy: 3, then 2 after the CA (6.1.4 (h)), then 1 (6.1.5 (a)).
  assert.deepEqual(processPolicies(chain, {}), ok([], [], 1));
  invalid(0, TREE_EMPTY)(processPolicies(chain, { initialExplicitPolicy: true }));
});

test('same policy down the chain: the user set is its intersection with the initial set', () => {
  const chain = [cert('CN=Root', 'CN=CA', policies(P(1), P(2))), cert('CN=CA', 'CN=leaf', policyWithCps(P(1), 'http://cps.example/'))];
  assert.deepEqual(processPolicies(chain, {}), ok([P(1)], [P(1)], 1));
  assert.deepEqual(processPolicies(chain, { initialPolicySet: [P(1), P(3)] }), ok([P(1)], [P(1)], 1));
  // Not in the initial set: the user set is empty, which only fails when policy is required.
  assert.deepEqual(processPolicies(chain, { initialPolicySet: [P(2)] }), ok([P(1)], [], 1));
  invalid(1, NO_USER_POLICY)(processPolicies(chain, { initialPolicySet: [P(2)], initialExplicitPolicy: true }));
});

test('anyPolicy throughout stands for every policy the user asks for', () => {
  const chain = [cert('CN=Root', 'CN=CA', policies(ANY)), cert('CN=CA', 'CN=leaf', policies(ANY))];
  assert.deepEqual(processPolicies(chain, {}), ok([ANY], [ANY], 1));
  assert.deepEqual(processPolicies(chain, { initialPolicySet: [P(2), P(1)] }), ok([ANY], [P(1), P(2)], 1));
  // A leaf policy under anyPolicy CAs is the authorities' policy.
  const leafP3 = [chain[0]!, cert('CN=CA', 'CN=leaf', policies(P(3)))];
  assert.deepEqual(processPolicies(leafP3, { initialExplicitPolicy: true }), ok([P(3)], [P(3)], 0));
});

test('a missing certificatePolicies extension empties the tree (6.1.3 (e))', () => {
  const chain = [cert('CN=Root', 'CN=CA', policies(P(1))), cert('CN=CA', 'CN=leaf')];
  assert.deepEqual(processPolicies(chain, {}), ok([], [], 1));
  invalid(1, TREE_EMPTY)(processPolicies(chain, { initialExplicitPolicy: true }));
});

test('requireExplicitPolicy counts non-self-issued certificates after the one that carries it', () => {
  const root = (skip: number) => cert('CN=Root', 'CN=CA1', policies(P(1)), constraints({ requireExplicitPolicy: skip }));
  const mid = cert('CN=CA1', 'CN=CA2', policies(P(1)));
  const leafNone = cert('CN=CA2', 'CN=leaf');
  // skip 1: CA2 may lack the policy... here it has it, and the leaf has none: explicit_policy reaches 0 at the leaf.
  invalid(2, TREE_EMPTY)(processPolicies([root(1), mid, leafNone], {}));
  // skip 2: explicit_policy is 1 at the leaf, 0 after wrap-up, so the empty tree fails there.
  invalid(2, NO_USER_POLICY)(processPolicies([root(2), mid, leafNone], {}));
  // skip 3: not reached.
  assert.deepEqual(processPolicies([root(3), mid, leafNone], {}), ok([], [], 1));
});

test('self-issued intermediates do not decrement the counters (6.1.4 (h))', () => {
  const ca1 = cert('CN=Root', 'CN=CA', policies(P(1)), constraints({ requireExplicitPolicy: 2 }));
  const rollover = cert('CN=CA', 'CN=ca', policies(P(1))); // RFC 5280 7.1: same name, other case
  const other = cert('CN=CA', 'CN=CA2', policies(P(1)));
  const leaf = (issuer: string) => cert(issuer, 'CN=leaf');
  assert.equal(isSelfIssued(rollover), true);
  assert.equal(isSelfIssued(other), false);
  assert.deepEqual(processPolicies([ca1, rollover, leaf('CN=CA')], {}), ok([], [], 1));
  invalid(2, NO_USER_POLICY)(processPolicies([ca1, other, leaf('CN=CA2')], {}));
});

test('the leaf\'s own requireExplicitPolicy 0 applies (6.1.5 (b))', () => {
  const ca = cert('CN=Root', 'CN=CA', policies(P(1)));
  assert.deepEqual(processPolicies([ca, cert('CN=CA', 'CN=leaf', policies(P(1)), constraints({ requireExplicitPolicy: 0 }))], {}), ok([P(1)], [P(1)], 0));
  invalid(1, NO_USER_POLICY)(processPolicies([ca, cert('CN=CA', 'CN=leaf', policies(P(2)), constraints({ requireExplicitPolicy: 0 }))], {}));
});

test('policy mappings: the issuer-domain policy is what the user set is matched against', () => {
  const ca = cert('CN=Root', 'CN=CA', policies(P(1)), mappings([P(1), P(2)], [P(1), P(3)]));
  const leaf = cert('CN=CA', 'CN=leaf', policies(P(3)));
  assert.deepEqual(processPolicies([ca, leaf], { initialPolicySet: [P(1)], initialExplicitPolicy: true }), ok([P(1)], [P(1)], 0));
  invalid(1, NO_USER_POLICY)(processPolicies([ca, leaf], { initialPolicySet: [P(3)], initialExplicitPolicy: true }));
  // A CA asserting anyPolicy still maps: P1 appears under the root's anyPolicy (6.1.4 (b)(1)).
  const anyCa = cert('CN=Root', 'CN=CA', policies(ANY), mappings([P(1), P(2)]));
  assert.deepEqual(processPolicies([anyCa, cert('CN=CA', 'CN=leaf', policies(P(2)))], {}), ok([P(1)], [P(1)], 1));
});

test('inhibited mapping deletes the mapped policy (6.1.4 (b)(2)); inhibitPolicyMapping counts like requireExplicitPolicy', () => {
  const ca = cert('CN=Root', 'CN=CA', policies(P(1)), mappings([P(1), P(2)]));
  const leaf = cert('CN=CA', 'CN=leaf', policies(P(2)));
  invalid(1, TREE_EMPTY)(processPolicies([ca, leaf], { initialPolicyMappingInhibit: true, initialExplicitPolicy: true }));
  assert.deepEqual(processPolicies([ca, leaf], { initialPolicyMappingInhibit: true }), ok([], [], 1));
  const inhibitor = cert('CN=Root', 'CN=CA0', policies(P(1)), constraints({ inhibitPolicyMapping: 0 }));
  const ca2 = cert('CN=CA0', 'CN=CA', policies(P(1)), mappings([P(1), P(2)]));
  assert.deepEqual(processPolicies([inhibitor, ca2, leaf], {}), ok([], [], 1));
  const inhibitor1 = cert('CN=Root', 'CN=CA0', policies(P(1)), constraints({ inhibitPolicyMapping: 1 }));
  assert.deepEqual(processPolicies([inhibitor1, ca2, leaf], {}), ok([P(1)], [P(1)], 1));
});

test('anyPolicy in a mapping is refused, even when mapping is inhibited (6.1.4 (a))', () => {
  const leaf = cert('CN=CA', 'CN=leaf', policies(P(1)));
  for (const pair of [[ANY, P(1)], [P(1), ANY]] as const) {
    const ca = cert('CN=Root', 'CN=CA', policies(P(1)), mappings(pair));
    invalid(0, /anyPolicy \(RFC 5280 6\.1\.4 \(a\)\)/)(processPolicies([ca, leaf], {}));
    invalid(0, /anyPolicy/)(processPolicies([ca, leaf], { initialPolicyMappingInhibit: true }));
  }
});

test('inhibitAnyPolicy: anyPolicy stops counting, except in self-issued intermediates (6.1.3 (d)(2))', () => {
  const ca1 = cert('CN=Root', 'CN=CA1', policies(ANY), inhibitAny(0));
  const leaf = (issuer: string) => cert(issuer, 'CN=leaf', policies(P(1)));
  // The next CA's anyPolicy is ignored, so its level is empty.
  const ca2 = cert('CN=CA1', 'CN=CA2', policies(ANY));
  assert.deepEqual(processPolicies([ca1, ca2, leaf('CN=CA2')], {}), ok([], [], 1));
  invalid(1, TREE_EMPTY)(processPolicies([ca1, ca2, leaf('CN=CA2')], { initialExplicitPolicy: true }));
  // A self-issued CA's anyPolicy still counts; the leaf's own policy hangs under it.
  const selfIssued = cert('CN=CA1', 'CN=CA1', policies(ANY));
  assert.deepEqual(processPolicies([ca1, selfIssued, leaf('CN=CA1')], { initialExplicitPolicy: true }), ok([P(1)], [P(1)], 0));
  // The leaf's anyPolicy is not honoured once inhibited, self-issued or not.
  const anyLeaf = cert('CN=CA1', 'CN=CA1', policies(ANY));
  invalid(1, TREE_EMPTY)(processPolicies([ca1, anyLeaf], { initialExplicitPolicy: true }));
  // The initial input inhibits from the first certificate.
  invalid(0, TREE_EMPTY)(processPolicies([cert('CN=Root', 'CN=CA', policies(ANY)), leaf('CN=CA')], { initialAnyPolicyInhibit: true, initialExplicitPolicy: true }));
});

test('malformed policy extensions fail as POLICY_INVALID at their certificate', () => {
  const bad = { oid: '2.5.29.32', critical: false, value: sequence(sequence(oid(P(1))), sequence(oid(P(1)))) };
  invalid(1, /malformed policy extension: certificatePolicies repeats/)(processPolicies([cert('CN=Root', 'CN=CA', policies(P(1))), cert('CN=CA', 'CN=leaf', bad)], {}));
  const empty = { oid: '2.5.29.36', critical: true, value: sequence() };
  invalid(0, /malformed policy extension: PolicyConstraints is an empty sequence/)(processPolicies([cert('CN=Root', 'CN=CA', empty)], {}));
});

test('a non-critical policyConstraints is refused only on request (RFC 5280 4.2.1.11)', () => {
  const chain = [cert('CN=Root', 'CN=CA', policies(P(1)), constraints({ requireExplicitPolicy: 0 }, false)), cert('CN=CA', 'CN=leaf', policies(P(1)))];
  assert.deepEqual(processPolicies(chain, {}), ok([P(1)], [P(1)], 0));
  invalid(0, /policyConstraints is not critical/)(processPolicies(chain, { requireCriticalPolicyConstraints: true }));
});

/** k policies per CA, each mapped to all k: the RFC 5280 tree has k^depth nodes, the graph k + k^2 per level. */
function meshChain(k: number, depth: number) {
  const ids = Array.from({ length: k }, (_, i) => `1.3.6.1.4.1.55555.${i + 1}`);
  const mesh = mappings(...ids.flatMap((a) => ids.map((b) => [a, b] as const)));
  const cas = Array.from({ length: depth }, (_, i) => cert(i === 0 ? 'CN=Root' : `CN=CA${i - 1}`, `CN=CA${i}`, policies(...ids), mesh));
  return { ids, chain: [...cas, cert(`CN=CA${depth - 1}`, 'CN=leaf', policies(...ids))] };
}

test('policy mapping mesh: linear in the input, no exponential tree', () => {
  const { ids, chain } = meshChain(20, 12); // the tree would hold 20^12 nodes
  const started = performance.now();
  const r = processPolicies(chain, { initialExplicitPolicy: true });
  assert.deepEqual(r, ok([...ids].sort(), [...ids].sort(), 0));
  assert.ok(performance.now() - started < 2000, 'bounded time');
});

test('a policy graph past the bound fails with POLICY_INVALID at the certificate that crossed it', () => {
  const { chain } = meshChain(30, 12); // 930 nodes and edges per level: the 12th CA crosses 10,000
  const r = processPolicies(chain, {});
  invalid(11, new RegExp(`exceeds ${MAX_POLICY_GRAPH_SIZE} nodes and edges`))(r);
});
