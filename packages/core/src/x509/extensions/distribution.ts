/**
 * Where relying parties learn status and issuers.
 *   CRLDistributionPoints ::= SEQUENCE SIZE (1..MAX) OF DistributionPoint    (RFC 5280 4.2.1.13)
 *   DistributionPoint ::= SEQUENCE { distributionPoint [0] DistributionPointName OPTIONAL, ... }
 *   DistributionPointName ::= CHOICE { fullName [0] GeneralNames, ... }
 *   AuthorityInfoAccessSyntax ::= SEQUENCE SIZE (1..MAX) OF AccessDescription  (4.2.2.1)
 *   AccessDescription ::= SEQUENCE { accessMethod OID, accessLocation GeneralName }
 */
import { implicitConstructed, oid, sequence } from '../../der/writer.js';
import { encodeGeneralName } from '../general-name.js';

export const OID_AD_OCSP = '1.3.6.1.5.5.7.48.1';
export const OID_AD_CA_ISSUERS = '1.3.6.1.5.5.7.48.2';

export const encodeCrlDistributionPoints = (urls: readonly string[]): Buffer =>
  sequence(...urls.map((u) => sequence(implicitConstructed(0, implicitConstructed(0, encodeGeneralName({ type: 'uri', value: u }))))));

export function encodeAuthorityInfoAccess(a: { readonly ocsp: readonly string[]; readonly caIssuers: readonly string[] }): Buffer {
  const ad = (method: string, url: string): Buffer => sequence(oid(method), encodeGeneralName({ type: 'uri', value: url }));
  return sequence(...a.ocsp.map((u) => ad(OID_AD_OCSP, u)), ...a.caIssuers.map((u) => ad(OID_AD_CA_ISSUERS, u)));
}

/** id-pkix-ocsp-nocheck (RFC 6960 4.2.2.2.1) and noRevAvail (RFC 9608): both have a NULL value. */
export const NULL_EXTENSION_VALUE = Buffer.from([0x05, 0x00]);
