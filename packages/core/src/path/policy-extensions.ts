/**
 * The four policy extensions of one certificate, read from its raw extension list
 * (RFC 5280 4.2.1.4, 4.2.1.5, 4.2.1.11, 4.2.1.14). Malformed DER throws PkiError BAD_DER.
 */
import type { Certificate } from '../x509/certificate.js';
import { CERTIFICATE_POLICIES_OID, parseCertificatePolicies, type PolicyInformation } from '../x509/extensions/certificate-policies.js';
import { INHIBIT_ANY_POLICY_OID, parseInhibitAnyPolicy } from '../x509/extensions/inhibit-any-policy.js';
import { POLICY_CONSTRAINTS_OID, parsePolicyConstraints, type PolicyConstraints } from '../x509/extensions/policy-constraints.js';
import { POLICY_MAPPINGS_OID, parsePolicyMappings, type PolicyMapping } from '../x509/extensions/policy-mappings.js';

/** What policy processing reads of a certificate; a full Certificate fits. */
export type PolicyCertificate = Pick<Certificate, 'issuer' | 'subject' | 'extensions'>;

export interface CertificatePolicyExtensions {
  readonly policies: readonly PolicyInformation[] | null;
  readonly mappings: readonly PolicyMapping[] | null;
  readonly constraints: (PolicyConstraints & { readonly critical: boolean }) | null;
  readonly inhibitAnyPolicy: number | null;
}

export function readPolicyExtensions(cert: PolicyCertificate): CertificatePolicyExtensions {
  const find = (oid: string) => cert.extensions.find((e) => e.oid === oid);
  const policies = find(CERTIFICATE_POLICIES_OID);
  const mappings = find(POLICY_MAPPINGS_OID);
  const constraints = find(POLICY_CONSTRAINTS_OID);
  const inhibit = find(INHIBIT_ANY_POLICY_OID);
  return {
    policies: policies ? parseCertificatePolicies(policies.value) : null,
    mappings: mappings ? parsePolicyMappings(mappings.value) : null,
    constraints: constraints ? { ...parsePolicyConstraints(constraints.value), critical: constraints.critical } : null,
    inhibitAnyPolicy: inhibit ? parseInhibitAnyPolicy(inhibit.value) : null,
  };
}
