/**
 *   PolicyMappings ::= SEQUENCE SIZE (1..MAX) OF SEQUENCE {
 *        issuerDomainPolicy      CertPolicyId,
 *        subjectDomainPolicy     CertPolicyId }                             (RFC 5280 4.2.1.5)
 */
import { readOid, readRoot, sequenceOf } from '../../der/reader.js';

export const POLICY_MAPPINGS_OID = '2.5.29.33';

export interface PolicyMapping {
  readonly issuerDomainPolicy: string;
  readonly subjectDomainPolicy: string;
}

/** anyPolicy in a mapping is a validation failure (6.1.4 (a)), not a parse error: it is left to the validator. */
export function parsePolicyMappings(der: Uint8Array): PolicyMapping[] {
  return sequenceOf(readRoot(der), 'PolicyMappings', 1).map((m) => {
    const [issuerT, subjectT] = sequenceOf(m, 'PolicyMapping', 2, 2);
    return { issuerDomainPolicy: readOid(issuerT, 'issuerDomainPolicy'), subjectDomainPolicy: readOid(subjectT, 'subjectDomainPolicy') };
  });
}
