/**
 * GeneralName (RFC 5280 4.2.1.6) and the IEEE 802.1AR hardwareModuleName (RFC 4108 5).
 *   GeneralName ::= CHOICE { otherName [0] OtherName, rfc822Name [1] IA5String,
 *     dNSName [2] IA5String, x400Address [3], directoryName [4] Name, ediPartyName [5],
 *     uniformResourceIdentifier [6] IA5String, iPAddress [7] OCTET STRING, registeredID [8] OID }
 *   OtherName ::= SEQUENCE { type-id OBJECT IDENTIFIER, value [0] EXPLICIT ANY DEFINED BY type-id }
 *   HardwareModuleName ::= SEQUENCE { hwType OBJECT IDENTIFIER, hwSerialNum OCTET STRING }
 */
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

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

function ipv6Groups(text: string): number[] | null {
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const parse = (h: string): number[] | null => {
    if (h === '') return [];
    const groups: number[] = [];
    for (const g of h.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
      groups.push(parseInt(g, 16));
    }
    return groups;
  };
  const head = parse(halves[0] ?? '');
  const tail = halves.length === 2 ? parse(halves[1] ?? '') : [];
  if (!head || !tail) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  return [...head, ...Array<number>(Math.max(missing, 0)).fill(0), ...tail];
}

/** Text form to the 4 or 16 octets of an iPAddress (RFC 5280 4.2.1.6). */
export function ipToBytes(text: string): Buffer {
  if (IPV4.test(text)) return Buffer.from(text.split('.').map(Number));
  const groups = ipv6Groups(text);
  if (groups) return Buffer.from(groups.flatMap((n) => [n >> 8, n & 0xff]));
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

const LDH_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i;

/**
 * RFC 5280 4.2.1.6 / RFC 1034 3.5 preferred name syntax (LDH labels, at most 253 octets, a
 * final dot tolerated). With `wildcard`, a left-most label of exactly "*" is allowed when at
 * least two labels follow it (RFC 6125 6.4.3; "*.com" is refused).
 */
export function isDnsName(name: string, wildcard = false): boolean {
  const n = name.endsWith('.') ? name.slice(0, -1) : name;
  if (n.length === 0 || n.length > 253) return false;
  const labels = n.split('.');
  const start = wildcard && labels[0] === '*' ? 1 : 0;
  if (start === 1 && labels.length < 3) return false;
  for (let i = start; i < labels.length; i++) if (!LDH_LABEL.test(labels[i] as string)) return false;
  return true;
}

/** RFC 5321 4.1.2 Mailbox, loosely: one "@", a non-empty local part, a DNS domain. */
export function isMailbox(email: string): boolean {
  const at = email.indexOf('@');
  return at > 0 && at === email.lastIndexOf('@') && isDnsName(email.slice(at + 1));
}
