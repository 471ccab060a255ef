/**
 * Distinguished names (RFC 5280 4.1.2.4, string form RFC 4514).
 *   Name ::= SEQUENCE OF RelativeDistinguishedName
 *   RelativeDistinguishedName ::= SET SIZE (1..MAX) OF AttributeTypeAndValue
 *   AttributeTypeAndValue ::= SEQUENCE { type AttributeType, value AttributeValue }
 */
import { PkiError } from '../errors.js';
import { children, content, readOid, readRoot, sequenceOf, type Tlv, whole } from '../der/reader.js';
import { ia5String, oid, printableString, sequence, setOf, TAG, utf8String } from '../der/writer.js';

/** One table: short name <-> OID <-> the string type we write (RFC 5280 appendix A, 4.1.2.4). */
export const NAME_ATTRIBUTES = {
  CN: { oid: '2.5.4.3', encoding: 'utf8', maxLength: 64 },
  SN: { oid: '2.5.4.4', encoding: 'utf8', maxLength: 64 },
  serialNumber: { oid: '2.5.4.5', encoding: 'printable', maxLength: 64 },
  C: { oid: '2.5.4.6', encoding: 'printable', maxLength: 2 },
  L: { oid: '2.5.4.7', encoding: 'utf8', maxLength: 128 },
  ST: { oid: '2.5.4.8', encoding: 'utf8', maxLength: 128 },
  O: { oid: '2.5.4.10', encoding: 'utf8', maxLength: 64 },
  OU: { oid: '2.5.4.11', encoding: 'utf8', maxLength: 64 },
  title: { oid: '2.5.4.12', encoding: 'utf8', maxLength: 64 },
  dnQualifier: { oid: '2.5.4.46', encoding: 'printable', maxLength: 64 },
  DC: { oid: '0.9.2342.19200300.100.1.25', encoding: 'ia5', maxLength: 63 },
  UID: { oid: '0.9.2342.19200300.100.1.1', encoding: 'utf8', maxLength: 64 },
  emailAddress: { oid: '1.2.840.113549.1.9.1', encoding: 'ia5', maxLength: 255 },
} as const;
export type NameAttributeType = keyof typeof NAME_ATTRIBUTES;
const BY_OID: ReadonlyMap<string, NameAttributeType> = new Map(
  Object.entries(NAME_ATTRIBUTES).map(([k, v]) => [v.oid, k as NameAttributeType]),
);

export interface NameAttribute {
  /** Short name when known, otherwise the dotted OID. */
  readonly type: string;
  readonly oid: string;
  readonly value: string;
}
export type Rdn = readonly NameAttribute[];
/** RDNs in DER order (most significant first: C, O, ..., CN). */
export type Name = readonly Rdn[];

const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;

function decodeString(t: Tlv): string {
  const c = Buffer.from(content(t));
  switch (t.tag) {
    case TAG.UTF8_STRING: return c.toString('utf8');
    case TAG.PRINTABLE_STRING: case TAG.IA5_STRING: case 0x14 /* TeletexString */: return c.toString('latin1');
    case 0x1e /* BMPString */:
      if (c.length % 2) throw new PkiError('BAD_DER', 'BMPString of odd length');
      return c.swap16().toString('utf16le');
    case 0x1c /* UniversalString */: {
      if (c.length % 4) throw new PkiError('BAD_DER', 'UniversalString length not a multiple of 4');
      let s = '';
      for (let i = 0; i < c.length; i += 4) {
        const cp = c.readUInt32BE(i);
        if (cp > 0x10ffff) throw new PkiError('BAD_DER', 'UniversalString code point out of range');
        s += String.fromCodePoint(cp);
      }
      return s;
    }
    default: throw new PkiError('NAME_INVALID', `unsupported string type 0x${t.tag.toString(16)} in a name`);
  }
}

export function parseNameTlv(t: Tlv): Name {
  return sequenceOf(t, 'Name').map((rdnT) => {
    if (rdnT.tag !== TAG.SET) throw new PkiError('BAD_DER', 'RDN must be a SET');
    const atvs = children(rdnT);
    if (atvs.length === 0) throw new PkiError('BAD_DER', 'empty RDN');
    return atvs.map((atvT) => {
      const [typeT, valueT] = sequenceOf(atvT, 'AttributeTypeAndValue', 2, 2);
      const attrOid = readOid(typeT);
      return Object.freeze({ type: BY_OID.get(attrOid) ?? attrOid, oid: attrOid, value: decodeString(valueT as Tlv) });
    });
  });
}

export const parseName = (der: Uint8Array): Name => parseNameTlv(readRoot(der));

function encodeValue(a: NameAttribute): Buffer {
  const spec = (NAME_ATTRIBUTES as Record<string, { encoding: string; maxLength: number }>)[a.type];
  if (spec && a.value.length > spec.maxLength) {
    throw new PkiError('NAME_INVALID', `${a.type} is longer than ${spec.maxLength} characters`);
  }
  switch (spec?.encoding) {
    case 'printable':
      if (!PRINTABLE.test(a.value)) throw new PkiError('NAME_INVALID', `${a.type} must be a PrintableString`);
      return printableString(a.value);
    case 'ia5':
      // eslint-disable-next-line no-control-regex -- IA5String is exactly 0x00-0x7f
      if (!/^[\x00-\x7f]*$/.test(a.value)) throw new PkiError('NAME_INVALID', `${a.type} must be ASCII`);
      return ia5String(a.value);
    default: return utf8String(a.value);
  }
}

export function encodeName(name: Name): Buffer {
  return sequence(...name.map((rdn) => setOf(...rdn.map((a) => sequence(oid(a.oid), encodeValue(a))))));
}

export function attribute(type: string, value: string): NameAttribute {
  const known = (NAME_ATTRIBUTES as Record<string, { oid: string }>)[type];
  if (known) return Object.freeze({ type, oid: known.oid, value });
  if (/^\d+(\.\d+)+$/.test(type)) return Object.freeze({ type: BY_OID.get(type) ?? type, oid: type, value });
  throw new PkiError('NAME_INVALID', `unknown name attribute ${type}`);
}

// RFC 4514 2.4: characters escaped in a string representation.
const escapeValue = (v: string): string =>
  v.replace(/[,+"\\<>;=]/g, (c) => `\\${c}`).replace(/^[ #]/, (c) => `\\${c}`).replace(/ $/, '\\ ');

/** RFC 4514 string: RDNs most specific first ("CN=dev-1,O=Acme"). */
export function formatName(name: Name): string {
  return [...name].reverse().map((rdn) => rdn.map((a) => `${a.type}=${escapeValue(a.value)}`).join('+')).join(',');
}

/**
 * Parses "CN=x,O=y" (RFC 4514 order) or OpenSSL's "/O=y/CN=x" (DER order). Multi-valued
 * RDNs are not accepted from strings: nothing in a device hierarchy needs them.
 */
export function parseNameString(s: string): Name {
  const text = s.trim();
  const slash = text.startsWith('/');
  const parts = slash ? text.slice(1).split(/(?<!\\)\//) : text.split(/(?<!\\),/);
  const rdns = parts.filter((p) => p.trim() !== '').map((p) => {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new PkiError('NAME_INVALID', `"${p}" is not TYPE=value`);
    const value = p.slice(eq + 1).trim().replace(/\\(.)/g, '$1');
    return [attribute(p.slice(0, eq).trim(), value)];
  });
  return slash ? rdns : rdns.reverse();
}

/** RFC 5280 7.1 comparison form: case-folded, internal whitespace collapsed. */
const fold = (v: string): string => v.trim().replace(/\s+/g, ' ').toLowerCase();

export function rdnEqual(a: Rdn, b: Rdn): boolean {
  if (a.length !== b.length) return false;
  return a.every((x) => b.some((y) => x.oid === y.oid && fold(x.value) === fold(y.value)));
}

/** RFC 5280 4.2.1.10: a directoryName is within a subtree when the subtree is its prefix. */
export function nameWithin(name: Name, subtree: Name): boolean {
  return subtree.length <= name.length && subtree.every((rdn, i) => rdnEqual(rdn, name[i] as Rdn));
}

export function nameAttributeValues(name: Name, type: string): string[] {
  return name.flatMap((rdn) => rdn.filter((a) => a.type === type).map((a) => a.value));
}

export const nameDer = (t: Tlv): Uint8Array => whole(t);

/**
 * A string equal for two names exactly when RFC 5280 7.1 says they match: RDNs in order,
 * attributes of an RDN in any order, values compared case-insensitively with internal
 * whitespace collapsed (RFC 4518 caseIgnoreMatch, approximated for non-ASCII). Used as
 * the key that links a certificate's issuer to candidate issuers' subjects.
 */
export function nameKey(name: Name): string {
  return name.map((rdn) => (rdn.length === 1
    ? `${rdn[0]!.oid}=${fold(rdn[0]!.value)}`
    : rdn.map((a) => `${a.oid}=${fold(a.value)}`).sort().join('+'))).join(',');
}

/** RFC 5280 7.1 name equality (see nameKey). */
export const nameEqual = (a: Name, b: Name): boolean => a.length === b.length && nameKey(a) === nameKey(b);
