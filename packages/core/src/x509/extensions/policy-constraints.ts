/**
 *   PolicyConstraints ::= SEQUENCE {
 *        requireExplicitPolicy   [0] SkipCerts OPTIONAL,
 *        inhibitPolicyMapping    [1] SkipCerts OPTIONAL }                   (RFC 5280 4.2.1.11)
 *   SkipCerts ::= INTEGER (0..MAX)
 */
import { PkiError } from '../../errors.js';
import { readSmallInteger, readRoot, sequenceOf, type Tlv } from '../../der/reader.js';
import { TAG } from '../../der/writer.js';

export const POLICY_CONSTRAINTS_OID = '2.5.29.36';

export interface PolicyConstraints {
  readonly requireExplicitPolicy: number | null;
  readonly inhibitPolicyMapping: number | null;
}

/** A [n] IMPLICIT INTEGER: same content rules as an INTEGER (minimal, non-negative). */
export const readImplicitSkipCerts = (t: Tlv, what: string): number => readSmallInteger({ ...t, tag: TAG.INTEGER }, what);

export function parsePolicyConstraints(der: Uint8Array): PolicyConstraints {
  const parts = sequenceOf(readRoot(der), 'PolicyConstraints', 0, 2);
  // RFC 5280 4.2.1.11: "Conforming CAs MUST NOT issue certificates where policy constraints is an empty sequence."
  if (parts.length === 0) throw new PkiError('BAD_DER', 'PolicyConstraints is an empty sequence');
  let requireExplicitPolicy: number | null = null;
  let inhibitPolicyMapping: number | null = null;
  let last = -1;
  for (const t of parts) {
    const n = t.tag === 0x80 ? 0 : t.tag === 0x81 ? 1 : -1;
    // DER: fields in order, each at most once.
    if (n <= last) throw new PkiError('BAD_DER', `PolicyConstraints: unexpected tag 0x${t.tag.toString(16)}`);
    last = n;
    if (n === 0) requireExplicitPolicy = readImplicitSkipCerts(t, 'requireExplicitPolicy');
    else inhibitPolicyMapping = readImplicitSkipCerts(t, 'inhibitPolicyMapping');
  }
  return { requireExplicitPolicy, inhibitPolicyMapping };
}
