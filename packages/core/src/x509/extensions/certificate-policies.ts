/**
 *   certificatePolicies ::= SEQUENCE SIZE (1..MAX) OF PolicyInformation      (RFC 5280 4.2.1.4)
 *   PolicyInformation ::= SEQUENCE { policyIdentifier CertPolicyId,
 *                                    policyQualifiers SEQUENCE SIZE (1..MAX) OF PolicyQualifierInfo OPTIONAL }
 *   PolicyQualifierInfo ::= SEQUENCE { policyQualifierId PolicyQualifierId,
 *                                      qualifier ANY DEFINED BY policyQualifierId }
 */
import { PkiError } from '../../errors.js';
import { readOid, readRoot, sequenceOf, type Tlv, whole } from '../../der/reader.js';

export const CERTIFICATE_POLICIES_OID = '2.5.29.32';
/** RFC 5280 4.2.1.4: the special policy that stands for every policy. */
export const ANY_POLICY = '2.5.29.32.0';

export interface PolicyQualifier {
  readonly policyQualifierId: string;
  /** DER of the qualifier (CPSuri, UserNotice or unknown): path validation never interprets it. */
  readonly qualifier: Uint8Array;
}

export interface PolicyInformation {
  readonly policyIdentifier: string;
  readonly policyQualifiers: readonly PolicyQualifier[];
}

function parseQualifier(t: Tlv): PolicyQualifier {
  const [idT, valueT] = sequenceOf(t, 'PolicyQualifierInfo', 2, 2);
  return { policyQualifierId: readOid(idT, 'policyQualifierId'), qualifier: whole(valueT!) };
}

function parsePolicyInformation(t: Tlv): PolicyInformation {
  const [idT, qualifiersT] = sequenceOf(t, 'PolicyInformation', 1, 2);
  const policyQualifiers = qualifiersT ? sequenceOf(qualifiersT, 'policyQualifiers', 1).map(parseQualifier) : [];
  return { policyIdentifier: readOid(idT, 'policyIdentifier'), policyQualifiers };
}

/** Refuses a repeated policy OID: RFC 5280 4.2.1.4 "MUST NOT appear more than once". */
export function parseCertificatePolicies(der: Uint8Array): PolicyInformation[] {
  const policies = sequenceOf(readRoot(der), 'certificatePolicies', 1).map(parsePolicyInformation);
  const seen = new Set<string>();
  for (const p of policies) {
    if (seen.has(p.policyIdentifier)) throw new PkiError('BAD_DER', `certificatePolicies repeats ${p.policyIdentifier}`);
    seen.add(p.policyIdentifier);
  }
  return policies;
}
