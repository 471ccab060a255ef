/**
 *   Extension ::= SEQUENCE { extnID OBJECT IDENTIFIER, critical BOOLEAN DEFAULT FALSE,
 *                            extnValue OCTET STRING }   (RFC 5280 4.1)
 */
import { PkiError } from '../../errors.js';
import { content, readOid, sequenceOf, type Tlv } from '../../der/reader.js';
import { boolean, octetString, oid, sequence, TAG } from '../../der/writer.js';

export const EXTENSION_OIDS = {
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  nameConstraints: '2.5.29.30',
  crlDistributionPoints: '2.5.29.31',
  certificatePolicies: '2.5.29.32',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  noRevAvail: '2.5.29.56',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
  ocspNoCheck: '1.3.6.1.5.5.7.48.1.5',
} as const;
export type ExtensionName = keyof typeof EXTENSION_OIDS;

export interface Extension {
  readonly oid: string;
  readonly critical: boolean;
  /** The DER inside extnValue. */
  readonly value: Uint8Array;
}

/** DER of one Extension; `critical` FALSE is omitted (DER DEFAULT rule, X.690 11.5). */
export function encodeExtension(extnId: string, critical: boolean, valueDer: Uint8Array): Buffer {
  return critical ? sequence(oid(extnId), boolean(true), octetString(valueDer)) : sequence(oid(extnId), octetString(valueDer));
}

/** Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension; duplicates are refused (RFC 5280 4.2). */
export function parseExtensions(t: Tlv): Extension[] {
  const seen = new Set<string>();
  return sequenceOf(t, 'Extensions', 1).map((e) => {
    const parts = sequenceOf(e, 'Extension', 2, 3);
    const extnId = readOid(parts[0]);
    if (seen.has(extnId)) throw new PkiError('BAD_DER', `duplicate extension ${extnId}`);
    seen.add(extnId);
    let critical = false;
    let valueT = parts[1] as Tlv;
    if (parts.length === 3) {
      if (valueT.tag !== TAG.BOOLEAN || valueT.end - valueT.contentStart !== 1) throw new PkiError('BAD_DER', 'bad critical flag');
      critical = valueT.buf[valueT.contentStart] !== 0;
      valueT = parts[2] as Tlv;
    }
    if (valueT.tag !== TAG.OCTET_STRING) throw new PkiError('BAD_DER', 'extnValue must be an OCTET STRING');
    return { oid: extnId, critical, value: content(valueT) };
  });
}
