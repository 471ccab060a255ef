/** The four policy extension parsers (RFC 5280 4.2.1.4, 4.2.1.5, 4.2.1.11, 4.2.1.14). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ia5String, oid, sequence, smallInteger, implicitPrimitive } from '../src/der/writer.js';
import { parseCertificatePolicies } from '../src/x509/extensions/certificate-policies.js';
import { parsePolicyMappings } from '../src/x509/extensions/policy-mappings.js';
import { parsePolicyConstraints } from '../src/x509/extensions/policy-constraints.js';
import { parseInhibitAnyPolicy } from '../src/x509/extensions/inhibit-any-policy.js';
import { ANY, CPS, P, constraintsValue, mappingsValue, policiesValue } from './path-policy-helpers.js';

const badDer = (re: RegExp) => (e: unknown) => (e as { code?: string }).code === 'BAD_DER' && re.test((e as Error).message);

test('certificatePolicies: OIDs in order, qualifiers kept as DER', () => {
  const cpsQualifier = sequence(oid(CPS), ia5String('http://cps.example/'));
  const der = sequence(sequence(oid(P(1)), sequence(cpsQualifier)), sequence(oid(ANY)));
  const parsed = parseCertificatePolicies(der);
  assert.equal(parsed.length, 2);
  assert.equal(parsed[0]!.policyIdentifier, P(1));
  assert.equal(parsed[0]!.policyQualifiers.length, 1);
  assert.equal(parsed[0]!.policyQualifiers[0]!.policyQualifierId, CPS);
  assert.deepEqual(Buffer.from(parsed[0]!.policyQualifiers[0]!.qualifier), ia5String('http://cps.example/'));
  assert.deepEqual(parsed[1], { policyIdentifier: ANY, policyQualifiers: [] });
});

test('certificatePolicies: a repeated OID, an empty list and empty qualifiers are refused', () => {
  assert.throws(() => parseCertificatePolicies(policiesValue(P(1), P(2), P(1))), badDer(/repeats 2\.16\.840\.1\.101\.3\.2\.1\.48\.1/));
  assert.throws(() => parseCertificatePolicies(sequence()), badDer(/certificatePolicies: 0 elements/));
  assert.throws(() => parseCertificatePolicies(sequence(sequence(oid(P(1)), sequence()))), badDer(/policyQualifiers: 0 elements/));
  assert.throws(() => parseCertificatePolicies(sequence(sequence(smallInteger(1)))), badDer(/policyIdentifier/));
});

test('policyMappings: pairs in order; anyPolicy parses (the validator refuses it)', () => {
  assert.deepEqual(parsePolicyMappings(mappingsValue([[P(1), P(2)], [ANY, P(3)]])), [
    { issuerDomainPolicy: P(1), subjectDomainPolicy: P(2) },
    { issuerDomainPolicy: ANY, subjectDomainPolicy: P(3) },
  ]);
  assert.throws(() => parsePolicyMappings(sequence()), badDer(/PolicyMappings: 0 elements/));
  assert.throws(() => parsePolicyMappings(sequence(sequence(oid(P(1))))), badDer(/PolicyMapping: 1 elements/));
});

test('policyConstraints: either field, both, and the DER rules', () => {
  assert.deepEqual(parsePolicyConstraints(constraintsValue({ requireExplicitPolicy: 0 })), { requireExplicitPolicy: 0, inhibitPolicyMapping: null });
  assert.deepEqual(parsePolicyConstraints(constraintsValue({ inhibitPolicyMapping: 300 })), { requireExplicitPolicy: null, inhibitPolicyMapping: 300 });
  assert.deepEqual(parsePolicyConstraints(constraintsValue({ requireExplicitPolicy: 2, inhibitPolicyMapping: 1 })), { requireExplicitPolicy: 2, inhibitPolicyMapping: 1 });
  // RFC 5280 4.2.1.11: never an empty sequence.
  assert.throws(() => parsePolicyConstraints(sequence()), badDer(/empty sequence/));
  // Out of order, repeated, or a wrong tag.
  assert.throws(() => parsePolicyConstraints(sequence(implicitPrimitive(1, Uint8Array.of(1)), implicitPrimitive(0, Uint8Array.of(1)))), badDer(/unexpected tag 0x80/));
  assert.throws(() => parsePolicyConstraints(sequence(implicitPrimitive(0, Uint8Array.of(1)), implicitPrimitive(0, Uint8Array.of(1)))), badDer(/unexpected tag 0x80/));
  assert.throws(() => parsePolicyConstraints(sequence(smallInteger(1))), badDer(/unexpected tag 0x2/));
  // SkipCerts keeps INTEGER's rules: minimal and non-negative.
  assert.throws(() => parsePolicyConstraints(sequence(implicitPrimitive(0, Uint8Array.of(0, 1)))), badDer(/requireExplicitPolicy: not minimal/));
  assert.throws(() => parsePolicyConstraints(sequence(implicitPrimitive(1, Uint8Array.of(0xff)))), badDer(/inhibitPolicyMapping: negative/));
});

test('inhibitAnyPolicy: a SkipCerts INTEGER', () => {
  assert.equal(parseInhibitAnyPolicy(smallInteger(0)), 0);
  assert.equal(parseInhibitAnyPolicy(smallInteger(5)), 5);
  assert.throws(() => parseInhibitAnyPolicy(Uint8Array.of(0x02, 0x01, 0x80)), badDer(/InhibitAnyPolicy: negative/));
  assert.throws(() => parseInhibitAnyPolicy(sequence()), badDer(/InhibitAnyPolicy: expected tag 0x2/));
});
