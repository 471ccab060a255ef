/**
 * A defensive DER reader (X.690 section 10). Device input is hostile: every length is
 * checked against its container, indefinite and non-minimal lengths are refused (DER),
 * and nesting depth and total size are bounded. Failures are PkiError BAD_DER.
 */
import { PkiError } from '../errors.js';
import { decodeOid } from './oid.js';
import { TAG } from './writer.js';

/** One tag-length-value. Offsets index into `buf`. */
export interface Tlv {
  readonly buf: Uint8Array;
  readonly tag: number;
  readonly start: number;
  readonly contentStart: number;
  readonly end: number;
}

export const DER_LIMITS = { maxInputBytes: 1 << 20, maxDepth: 32 } as const;

const bad = (why: string): PkiError => new PkiError('BAD_DER', `malformed DER: ${why}`);

/** Reads the TLV at `offset`, which must end at or before `limit`. */
export function readTlv(buf: Uint8Array, offset: number, limit: number = buf.length): Tlv {
  if (offset + 2 > limit) throw bad('truncated header');
  const tag = buf[offset] as number;
  if ((tag & 0x1f) === 0x1f) throw bad('high tag numbers are not used in X.509');
  let p = offset + 1;
  const first = buf[p++] as number;
  let len: number;
  if (first < 0x80) len = first;
  else {
    const n = first & 0x7f;
    if (n === 0) throw bad('indefinite length');
    if (n > 4) throw bad('length too large');
    if (p + n > limit) throw bad('truncated length');
    if (buf[p] === 0) throw bad('non-minimal length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + (buf[p++] as number);
    if (len < 0x80) throw bad('non-minimal length');
  }
  const end = p + len;
  if (end > limit) throw bad('content runs past its container');
  return { buf, tag, start: offset, contentStart: p, end };
}

/** Parses a whole buffer as exactly one TLV, with the size limit. */
export function readRoot(buf: Uint8Array, maxBytes: number = DER_LIMITS.maxInputBytes): Tlv {
  if (buf.length > maxBytes) throw new PkiError('INPUT_TOO_LARGE', `DER input over ${maxBytes} bytes`);
  const t = readTlv(buf, 0, buf.length);
  if (t.end !== buf.length) throw bad('trailing data');
  return t;
}

export function children(t: Tlv): Tlv[] {
  if ((t.tag & 0x20) === 0) throw bad('expected a constructed type');
  const out: Tlv[] = [];
  for (let p = t.contentStart; p < t.end;) {
    const c = readTlv(t.buf, p, t.end);
    out.push(c);
    p = c.end;
  }
  return out;
}

export function expectTag(t: Tlv, tag: number, what: string): Tlv {
  if (t.tag !== tag) throw bad(`${what}: expected tag 0x${tag.toString(16)}, got 0x${t.tag.toString(16)}`);
  return t;
}

/** Children of a SEQUENCE, with the expected count range. */
export function sequenceOf(t: Tlv | undefined, what: string, min = 0, max = Infinity): Tlv[] {
  if (!t) throw bad(`${what}: missing`);
  expectTag(t, TAG.SEQUENCE, what);
  const c = children(t);
  if (c.length < min || c.length > max) throw bad(`${what}: ${c.length} elements`);
  return c;
}

export const content = (t: Tlv): Uint8Array => t.buf.subarray(t.contentStart, t.end);
export const whole = (t: Tlv): Uint8Array => t.buf.subarray(t.start, t.end);

export function readOid(t: Tlv | undefined, what = 'OID'): string {
  if (!t) throw bad(`${what}: missing`);
  return decodeOid(content(expectTag(t, TAG.OID, what)));
}

/** Unsigned magnitude of a non-negative INTEGER (minimal encoding enforced). */
export function readUnsignedInteger(t: Tlv | undefined, what = 'INTEGER'): Uint8Array {
  if (!t) throw bad(`${what}: missing`);
  const c = content(expectTag(t, TAG.INTEGER, what));
  if (c.length === 0) throw bad(`${what}: empty`);
  if (c.length > 1 && c[0] === 0 && ((c[1] as number) & 0x80) === 0) throw bad(`${what}: not minimal`);
  if (((c[0] as number) & 0x80) !== 0) throw bad(`${what}: negative`);
  return c[0] === 0 && c.length > 1 ? c.subarray(1) : c;
}

export function readSmallInteger(t: Tlv | undefined, what = 'INTEGER'): number {
  const m = readUnsignedInteger(t, what);
  if (m.length > 4) throw bad(`${what}: too large`);
  return m.reduce((acc, b) => acc * 256 + b, 0);
}

export function readBitString(t: Tlv | undefined, what = 'BIT STRING'): { bytes: Uint8Array; unusedBits: number } {
  if (!t) throw bad(`${what}: missing`);
  const c = content(expectTag(t, TAG.BIT_STRING, what));
  const unusedBits = c[0];
  if (unusedBits === undefined || unusedBits > 7 || (c.length === 1 && unusedBits !== 0)) throw bad(`${what}: bad unused bits`);
  return { bytes: c.subarray(1), unusedBits };
}

/** Walks the whole tree once so that depth is bounded before any semantic parsing. */
export function checkDepth(t: Tlv, maxDepth: number = DER_LIMITS.maxDepth, depth = 0): void {
  if (depth > maxDepth) throw bad('nesting too deep');
  if ((t.tag & 0x20) === 0) return;
  for (const c of children(t)) checkDepth(c, maxDepth, depth + 1);
}
