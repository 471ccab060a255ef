/**
 * GeneralName (RFC 5280 4.2.1.6) and the IEEE 802.1AR hardwareModuleName (RFC 4108 5).
 *   GeneralName ::= CHOICE { otherName [0] OtherName, rfc822Name [1] IA5String,
 *     dNSName [2] IA5String, x400Address [3], directoryName [4] Name, ediPartyName [5],
 *     uniformResourceIdentifier [6] IA5String, iPAddress [7] OCTET STRING, registeredID [8] OID }
 *   OtherName ::= SEQUENCE { type-id OBJECT IDENTIFIER, value [0] EXPLICIT ANY DEFINED BY type-id }
 *   HardwareModuleName ::= SEQUENCE { hwType OBJECT IDENTIFIER, hwSerialNum OCTET STRING }
 */
import { isIP } from 'node:net';
import { PkiError } from '../errors.js';
import { children, content, readOid, sequenceOf, type Tlv, whole } from '../der/reader.js';
import { explicit, implicitPrimitive, oid, octetString, sequence, TAG } from '../der/writer.js';
import { encodeName, formatName, type Name, parseNameTlv } from './name.js';

export const OID_ON_HARDWARE_MODULE_NAME = '1.3.6.1.5.5.7.8.4';

export type GeneralName =
  | { readonly type: 'dns'; readonly value: string }
  | { readonly type: 'email'; readonly value: string }
  | { readonly type: 'uri'; readonly value: string }
  | { readonly type: 'ip'; readonly value: string }
  | { readonly type: 'dn'; readonly value: Name }
  | { readonly type: 'hardwareModuleName'; readonly hwType: string; readonly hwSerialNum: string }
  | { readonly type: 'otherName'; readonly typeId: string }
  | { readonly type: 'registeredID'; readonly value: string };

export type GeneralNameType = GeneralName['type'];

const ascii = (t: Tlv): string => {
  const s = Buffer.from(content(t)).toString('latin1');
  if (!/^[\x21-\x7e]*$/.test(s)) throw new PkiError('BAD_DER', 'IA5String name with control or non-ASCII characters');
  return s;
};

function ipToText(b: Uint8Array): string {
  if (b.length === 4) return Array.from(b).join('.');
  if (b.length === 16) return Array.from({ length: 8 }, (_, i) => ((b[2 * i]! << 8) | b[2 * i + 1]!).toString(16)).join(':');
  throw new PkiError('BAD_DER', 'iPAddress must be 4 or 16 octets');
}

export function ipToBytes(text: string): Buffer {
  const v = isIP(text);
  if (v === 4) return Buffer.from(text.split('.').map(Number));
  if (v === 6) {
    const [head = '', tail = ''] = text.includes('::') ? text.split('::') : [text, ''];
    const h = head ? head.split(':') : [];
    const t = tail ? tail.split(':') : [];
    const groups = [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
    return Buffer.from(groups.flatMap((g) => { const n = parseInt(g, 16); return [n >> 8, n & 0xff]; }));
  }
  throw new PkiError('PROFILE_VIOLATION', `"${text}" is not an IP address`);
}

export function parseGeneralName(t: Tlv): GeneralName {
  switch (t.tag) {
    case 0x81: return { type: 'email', value: ascii(t) };
    case 0x82: return { type: 'dns', value: ascii(t) };
    case 0x86: return { type: 'uri', value: ascii(t) };
    case 0x87: return { type: 'ip', value: ipToText(content(t)) };
    case 0xa4: return { type: 'dn', value: parseNameTlv(children(t)[0] as Tlv) };
    case 0x88: return { type: 'registeredID', value: readOid({ ...t, tag: TAG.OID }) };
    case 0xa0: {
      const [typeT, valueT] = children(t);
      const typeId = readOid(typeT, 'OtherName type-id');
      if (typeId !== OID_ON_HARDWARE_MODULE_NAME || !valueT) return { type: 'otherName', typeId };
      const [hwTypeT, hwSerialT] = sequenceOf(children(valueT)[0], 'HardwareModuleName', 2, 2);
      if (hwSerialT?.tag !== TAG.OCTET_STRING) throw new PkiError('BAD_DER', 'hwSerialNum must be an OCTET STRING');
      return { type: 'hardwareModuleName', hwType: readOid(hwTypeT), hwSerialNum: Buffer.from(content(hwSerialT)).toString('hex') };
    }
    default: throw new PkiError('PROFILE_VIOLATION', `GeneralName [${t.tag & 0x1f}] is not supported`);
  }
}

export function encodeGeneralName(g: GeneralName): Buffer {
  switch (g.type) {
    case 'email': return implicitPrimitive(1, Buffer.from(g.value, 'latin1'));
    case 'dns': return implicitPrimitive(2, Buffer.from(g.value, 'latin1'));
    case 'uri': return implicitPrimitive(6, Buffer.from(g.value, 'latin1'));
    case 'ip': return implicitPrimitive(7, ipToBytes(g.value));
    case 'dn': return explicit(4, encodeName(g.value));
    case 'registeredID': return implicitPrimitive(8, oid(g.value).subarray(2));
    case 'hardwareModuleName':
      return explicit(0, oid(OID_ON_HARDWARE_MODULE_NAME),
        explicit(0, sequence(oid(g.hwType), octetString(Buffer.from(g.hwSerialNum, 'hex')))));
    case 'otherName': throw new PkiError('PROFILE_VIOLATION', `otherName ${g.typeId} cannot be issued`);
  }
}

export const parseGeneralNames = (t: Tlv): GeneralName[] => sequenceOf(t, 'GeneralNames').map(parseGeneralName);
export const encodeGeneralNames = (names: readonly GeneralName[]): Buffer => sequence(...names.map(encodeGeneralName));

export function formatGeneralName(g: GeneralName): string {
  switch (g.type) {
    case 'dn': return `DirName:${formatName(g.value)}`;
    case 'hardwareModuleName': return `HardwareModuleName:${g.hwType}:${g.hwSerialNum}`;
    case 'otherName': return `otherName:${g.typeId}`;
    default: return `${g.type.toUpperCase()}:${g.value}`;
  }
}

export { whole };
