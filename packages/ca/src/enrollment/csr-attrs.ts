/**
 * CSR Attributes (RFC 7030 4.5.2) of a group:
 *   CsrAttrs ::= SEQUENCE SIZE (0..MAX) OF AttrOrOID
 *   AttrOrOID ::= CHOICE { oid OBJECT IDENTIFIER, attribute Attribute }
 *   Attribute { ATTRIBUTE:IOSet } ::= SEQUENCE { type ATTRIBUTE.&id, values SET SIZE(1..MAX) OF ATTRIBUTE.&Type }
 * challengePassword when the group links proof-of-possession to TLS (RFC 7030 3.5), and
 * the curve the profile prefers as id-ecPublicKey { curve }, as RFC 7030 4.5.2's example.
 * Core does not export its DER writer, so the three TLVs this needs are written here.
 */
import { OID_CHALLENGE_PASSWORD_ATTR, encodeOid } from './der.js';
import type { Profile } from '@fleetpki/core';

const OID_EC_PUBLIC_KEY = '1.2.840.10045.2.1';
const CURVE_OIDS: Readonly<Record<string, string>> = {
  'ecdsa-p256': '1.2.840.10045.3.1.7', // prime256v1 (RFC 5480 2.1.1.1)
  'ecdsa-p384': '1.3.132.0.34', // secp384r1
};

const tlv = (tag: number, ...parts: readonly Uint8Array[]): Uint8Array => {
  const body = Buffer.concat(parts);
  const len = body.length < 0x80 ? [body.length] : body.length < 0x100 ? [0x81, body.length] : [0x82, body.length >> 8, body.length & 0xff];
  return Buffer.concat([Uint8Array.of(tag, ...len), body]);
};
const oid = (dotted: string): Uint8Array => tlv(0x06, encodeOid(dotted));

export function csrAttrs(profile: Profile, popLinking: boolean): Uint8Array | null {
  const items: Uint8Array[] = [];
  if (popLinking) items.push(oid(OID_CHALLENGE_PASSWORD_ATTR));
  const preferred = [...profile.keyTypes][0];
  const curve = preferred === undefined ? undefined : CURVE_OIDS[preferred];
  if (curve) items.push(tlv(0x30, oid(OID_EC_PUBLIC_KEY), tlv(0x31, oid(curve))));
  return items.length === 0 ? null : tlv(0x30, ...items);
}
