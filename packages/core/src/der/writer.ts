/**
 * A minimal DER encoder (X.690 section 10). The ASN.1 object layer costs most of the
 * time of issuing a certificate (DESIGN.md: 1,400/s vs 16,800/s), so the hot paths
 * encode directly; test/der-equivalence.test.ts checks the bytes against @peculiar/asn1-x509.
 */
import { encodeOid } from './oid.js';

export const TAG = {
  BOOLEAN: 0x01, INTEGER: 0x02, BIT_STRING: 0x03, OCTET_STRING: 0x04, NULL: 0x05, OID: 0x06,
  ENUMERATED: 0x0a, UTF8_STRING: 0x0c, PRINTABLE_STRING: 0x13, IA5_STRING: 0x16, UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18, SEQUENCE: 0x30, SET: 0x31,
} as const;

function lengthBytes(n: number): Uint8Array {
  if (n < 0x80) return Uint8Array.of(n);
  const out: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) out.unshift(v & 0xff);
  return Uint8Array.of(0x80 | out.length, ...out);
}

/** The identifier and length octets of a TLV whose content is `length` bytes. */
export function header(tag: number, length: number): Buffer {
  const len = lengthBytes(length);
  const out = Buffer.allocUnsafe(1 + len.length);
  out[0] = tag;
  out.set(len, 1);
  return out;
}

/** Tag-length-value over a list of content parts, written into one allocation. */
export function tlvOf(tag: number, content: readonly Uint8Array[]): Buffer {
  let n = 0;
  for (const c of content) n += c.length;
  const len = lengthBytes(n);
  const out = Buffer.allocUnsafe(1 + len.length + n);
  out[0] = tag;
  out.set(len, 1);
  let p = 1 + len.length;
  for (const c of content) {
    out.set(c, p);
    p += c.length;
  }
  return out;
}

/** Tag-length-value with a single-byte tag. */
export const tlv = (tag: number, ...content: readonly Uint8Array[]): Buffer => tlvOf(tag, content);

export const sequence = (...parts: readonly Uint8Array[]): Buffer => tlv(TAG.SEQUENCE, ...parts);
/** SET OF: DER requires the encodings sorted (X.690 11.6). */
export const setOf = (...parts: readonly Uint8Array[]): Buffer =>
  tlv(TAG.SET, ...[...parts].sort((a, b) => Buffer.compare(a, b)));
export const oid = (dotted: string): Buffer => tlv(TAG.OID, encodeOid(dotted));
export const nullValue = (): Buffer => Buffer.from([0x05, 0x00]);
export const boolean = (v: boolean): Buffer => Buffer.from([0x01, 0x01, v ? 0xff : 0x00]);
export const octetString = (b: Uint8Array): Buffer => tlv(TAG.OCTET_STRING, b);
export const utf8String = (s: string): Buffer => tlv(TAG.UTF8_STRING, Buffer.from(s, 'utf8'));
export const printableString = (s: string): Buffer => tlv(TAG.PRINTABLE_STRING, Buffer.from(s, 'latin1'));
export const ia5String = (s: string): Buffer => tlv(TAG.IA5_STRING, Buffer.from(s, 'latin1'));
export const bitString = (b: Uint8Array, unusedBits = 0): Buffer => tlv(TAG.BIT_STRING, Uint8Array.of(unusedBits), b);

/** [n] EXPLICIT: constructed context-specific wrapper. */
export const explicit = (n: number, ...content: readonly Uint8Array[]): Buffer => tlv(0xa0 | n, ...content);
/** [n] IMPLICIT over a primitive type. */
export const implicitPrimitive = (n: number, content: Uint8Array): Buffer => tlv(0x80 | n, content);
/** [n] IMPLICIT over a constructed type (SEQUENCE): the content of the replaced tag. */
export const implicitConstructed = (n: number, ...content: readonly Uint8Array[]): Buffer => tlv(0xa0 | n, ...content);

/** INTEGER from an unsigned big-endian magnitude: minimal, with a 0x00 pad when the top bit is set. */
export function unsignedInteger(magnitude: Uint8Array): Buffer {
  let i = 0;
  while (i < magnitude.length - 1 && magnitude[i] === 0) i++;
  const m = magnitude.subarray(i);
  const pad = ((m[0] ?? 0) & 0x80) !== 0;
  return tlv(TAG.INTEGER, pad ? Buffer.concat([Uint8Array.of(0), m]) : m);
}

/** INTEGER from a non-negative bigint (CRLNumber, RFC 5280 5.2.3). */
export function bigUnsignedInteger(n: bigint): Buffer {
  if (n < 0n) throw new RangeError('bigUnsignedInteger: negative');
  const hex = n.toString(16);
  return unsignedInteger(Buffer.from(hex.length % 2 === 0 ? hex : `0${hex}`, 'hex'));
}

/** ENUMERATED with a value 0..127 (CRLReason, OCSPResponseStatus): one content octet. */
export function smallEnumerated(n: number): Buffer {
  if (!Number.isInteger(n) || n < 0 || n > 127) throw new RangeError('smallEnumerated: 0..127');
  return Buffer.from([TAG.ENUMERATED, 0x01, n]);
}

export function smallInteger(n: number): Buffer {
  if (!Number.isInteger(n) || n < 0 || n > 0x7fffffff) throw new RangeError('smallInteger: 0..2^31-1');
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  if (bytes.length === 0 || ((bytes[0] as number) & 0x80) !== 0) bytes.unshift(0);
  return tlv(TAG.INTEGER, Uint8Array.from(bytes));
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/**
 * RFC 5280 4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050; always Zulu, with
 * seconds, no fractions.
 */
export function time(d: Date): Buffer {
  const y = d.getUTCFullYear();
  const rest = pad2(d.getUTCMonth() + 1) + pad2(d.getUTCDate()) + pad2(d.getUTCHours()) +
    pad2(d.getUTCMinutes()) + pad2(d.getUTCSeconds()) + 'Z';
  if (y >= 1950 && y < 2050) return tlv(TAG.UTC_TIME, Buffer.from(pad2(y % 100) + rest, 'latin1'));
  return tlv(TAG.GENERALIZED_TIME, Buffer.from(String(y).padStart(4, '0') + rest, 'latin1'));
}

/** GeneralizedTime, Zulu, with seconds and no fractions (RFC 5280 4.1.2.5.2), whatever the year. */
export function generalizedTime(d: Date): Buffer {
  const s = String(d.getUTCFullYear()).padStart(4, '0') + pad2(d.getUTCMonth() + 1) + pad2(d.getUTCDate()) +
    pad2(d.getUTCHours()) + pad2(d.getUTCMinutes()) + pad2(d.getUTCSeconds()) + 'Z';
  return tlv(TAG.GENERALIZED_TIME, Buffer.from(s, 'latin1'));
}

/** BIT STRING for a named-bit list (KeyUsage): trailing zero bits removed (X.690 11.2.2). */
export function namedBits(bits: readonly number[]): Buffer {
  if (bits.length === 0) return bitString(new Uint8Array(0));
  const max = Math.max(...bits);
  const bytes = new Uint8Array(Math.floor(max / 8) + 1);
  for (const b of bits) bytes[b >> 3]! |= 0x80 >> (b & 7);
  const unused = 7 - (max & 7);
  return bitString(bytes, unused);
}
