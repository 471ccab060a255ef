/** Builders for policy-processing tests: only the names and extensions policy processing reads. */
import { oid, sequence, implicitPrimitive, smallInteger, ia5String } from '../src/der/writer.js';
import { parseNameString, type Extension } from '../src/index.js';
import type { PolicyCertificate } from '../src/path/policy-extensions.js';

export const ANY = '2.5.29.32.0';
/** NIST-test-policy-n, as in PKITS. */
export const P = (n: number): string => `2.16.840.1.101.3.2.1.48.${n}`;
export const CPS = '1.3.6.1.5.5.7.2.1';

export const policiesValue = (...oids: readonly string[]): Buffer => sequence(...oids.map((o) => sequence(oid(o))));

export const policies = (...oids: readonly string[]): Extension => ({ oid: '2.5.29.32', critical: false, value: policiesValue(...oids) });

/** One policy with a CPS pointer qualifier (RFC 5280 4.2.1.4). */
export const policyWithCps = (policy: string, uri: string): Extension =>
  ({ oid: '2.5.29.32', critical: false, value: sequence(sequence(oid(policy), sequence(sequence(oid(CPS), ia5String(uri))))) });

export const mappingsValue = (pairs: readonly (readonly [string, string])[]): Buffer =>
  sequence(...pairs.map(([i, s]) => sequence(oid(i), oid(s))));

export const mappings = (...pairs: readonly (readonly [string, string])[]): Extension =>
  ({ oid: '2.5.29.33', critical: true, value: mappingsValue(pairs) });

/** SkipCerts as [n] IMPLICIT INTEGER: the INTEGER's content under a context tag. */
const skip = (tag: number, n: number): Buffer => implicitPrimitive(tag, smallInteger(n).subarray(2));

export function constraintsValue(c: { requireExplicitPolicy?: number; inhibitPolicyMapping?: number }): Buffer {
  const parts: Buffer[] = [];
  if (c.requireExplicitPolicy !== undefined) parts.push(skip(0, c.requireExplicitPolicy));
  if (c.inhibitPolicyMapping !== undefined) parts.push(skip(1, c.inhibitPolicyMapping));
  return sequence(...parts);
}

export const constraints = (c: { requireExplicitPolicy?: number; inhibitPolicyMapping?: number }, critical = true): Extension =>
  ({ oid: '2.5.29.36', critical, value: constraintsValue(c) });

export const inhibitAny = (n: number): Extension => ({ oid: '2.5.29.54', critical: true, value: smallInteger(n) });

export const cert = (issuer: string, subject: string, ...extensions: Extension[]): PolicyCertificate =>
  ({ issuer: parseNameString(issuer), subject: parseNameString(subject), extensions });
