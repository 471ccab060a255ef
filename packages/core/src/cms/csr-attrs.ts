/**
 * CSR Attributes (RFC 7030 4.5.2, as corrected by RFC 8951 3.5 and clarified by RFC 9908):
 *   CsrAttrs ::= SEQUENCE SIZE (0..MAX) OF AttrOrOID
 *   AttrOrOID ::= CHOICE { oid OBJECT IDENTIFIER, attribute Attribute }
 *   Attribute ::= SEQUENCE { type OBJECT IDENTIFIER, values SET SIZE(1..MAX) OF ANY }
 * What /csrattrs answers: OIDs the server wants in the CSR (challengePassword asks for
 * proof-of-possession linking, RFC 7030 3.5) and attributes with values it proposes.
 */
import { PkiError } from '../errors.js';
import { children, expectTag, readOid, readRoot, sequenceOf, whole } from '../der/reader.js';
import { oid, sequence, TAG, tlv } from '../der/writer.js';

export type AttrOrOid =
  | { readonly kind: 'oid'; readonly oid: string }
  /** `values` are the DER encodings of the SET's elements. */
  | { readonly kind: 'attribute'; readonly type: string; readonly values: readonly Uint8Array[] };

export const CSR_ATTRS_MAX_BYTES = 16 * 1024;

export function encodeCsrAttrs(items: readonly AttrOrOid[]): Buffer {
  return sequence(...items.map((i) => (i.kind === 'oid' ? oid(i.oid) : sequence(oid(i.type), tlv(TAG.SET, ...i.values)))));
}

export function parseCsrAttrs(der: Uint8Array): AttrOrOid[] {
  const root = expectTag(readRoot(der, CSR_ATTRS_MAX_BYTES), TAG.SEQUENCE, 'CsrAttrs');
  return children(root).map((t): AttrOrOid => {
    if (t.tag === TAG.OID) return { kind: 'oid', oid: readOid(t) };
    const [typeT, valuesT] = sequenceOf(t, 'Attribute', 2, 2);
    const values = children(expectTag(valuesT!, TAG.SET, 'Attribute values')).map(whole);
    if (values.length === 0) throw new PkiError('BAD_DER', 'CsrAttrs: an Attribute needs at least one value');
    return { kind: 'attribute', type: readOid(typeT), values };
  });
}
