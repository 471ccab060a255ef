/**
 * CSR Attributes (RFC 7030 4.5.2) of a group, encoded by core's encodeCsrAttrs:
 * challengePassword when the group links proof-of-possession to TLS (RFC 7030 3.5), and
 * the curve the profile prefers as the attribute id-ecPublicKey { curve }, as in RFC 7030
 * 4.5.2's example.
 */
import { encodeCsrAttrs, type AttrOrOid, type Profile } from '@fleetpki/core';
import { encodeOid, OID_CHALLENGE_PASSWORD_ATTR } from './der.js';

const OID_EC_PUBLIC_KEY = '1.2.840.10045.2.1';
const CURVE_OIDS: Readonly<Record<string, string>> = {
  'ecdsa-p256': '1.2.840.10045.3.1.7', // prime256v1 (RFC 5480 2.1.1.1)
  'ecdsa-p384': '1.3.132.0.34', // secp384r1
};

/** An OBJECT IDENTIFIER TLV (X.690 8.19); curve OIDs are far below 128 content octets. */
const oidTlv = (dotted: string): Uint8Array => {
  const body = encodeOid(dotted);
  return Uint8Array.of(0x06, body.length, ...body);
};

export function csrAttrs(profile: Profile, popLinking: boolean): Uint8Array | null {
  const items: AttrOrOid[] = [];
  if (popLinking) items.push({ kind: 'oid', oid: OID_CHALLENGE_PASSWORD_ATTR });
  const preferred = [...profile.keyTypes][0];
  const curve = preferred === undefined ? undefined : CURVE_OIDS[preferred];
  if (curve) items.push({ kind: 'attribute', type: OID_EC_PUBLIC_KEY, values: [oidTlv(curve)] });
  return items.length === 0 ? null : new Uint8Array(encodeCsrAttrs(items));
}
