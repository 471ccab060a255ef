/**
 *   NameConstraints ::= SEQUENCE { permittedSubtrees [0] GeneralSubtrees OPTIONAL,
 *                                  excludedSubtrees  [1] GeneralSubtrees OPTIONAL }  (RFC 5280 4.2.1.10)
 *   GeneralSubtree ::= SEQUENCE { base GeneralName, minimum [0] DEFAULT 0, maximum [1] OPTIONAL }
 * IP subtrees carry address and mask ("10.0.0.0/8" -> 8 octets).
 */
import { PkiError } from '../../errors.js';
import { children, content, readRoot, sequenceOf, type Tlv } from '../../der/reader.js';
import { implicitConstructed, implicitPrimitive, sequence } from '../../der/writer.js';
import { encodeGeneralName, type GeneralName, ipToBytes, parseGeneralName } from '../general-name.js';

/** A subtree base; `ip` uses CIDR text. */
export type Subtree = GeneralName;
export interface NameConstraints {
  readonly permitted: readonly Subtree[];
  readonly excluded: readonly Subtree[];
  /**
   * Set when a subtree is one RFC 5280 4.2.1.10 does not allow (a minimum other than 0, a
   * maximum, an IP mask that is not a prefix); the validator fails closed on it.
   */
  readonly irregular?: boolean;
}

function cidrBytes(cidr: string): Buffer {
  const [addr = '', lenText] = cidr.split('/');
  const a = ipToBytes(addr);
  const len = lenText === undefined ? a.length * 8 : Number(lenText);
  if (!Number.isInteger(len) || len < 0 || len > a.length * 8) throw new PkiError('PROFILE_INVALID', `bad CIDR ${cidr}`);
  const mask = Buffer.alloc(a.length);
  for (let i = 0; i < len; i++) mask[i >> 3]! |= 0x80 >> (i & 7);
  return Buffer.concat([a, mask]);
}

function encodeSubtree(s: Subtree): Buffer {
  const base = s.type === 'ip' ? implicitPrimitive(7, cidrBytes(s.value)) : encodeGeneralName(s);
  return sequence(base);
}

export function encodeNameConstraints(nc: NameConstraints): Buffer {
  const parts: Buffer[] = [];
  if (nc.permitted.length) parts.push(implicitConstructed(0, ...nc.permitted.map(encodeSubtree)));
  if (nc.excluded.length) parts.push(implicitConstructed(1, ...nc.excluded.map(encodeSubtree)));
  return sequence(...parts);
}

function maskBits(mask: Uint8Array): number {
  let n = 0;
  for (const b of mask) n += b.toString(2).replace(/0/g, '').length;
  return n;
}

/** Whether the mask is n one bits followed by zero bits (a CIDR prefix). */
function isPrefixMask(mask: Uint8Array): boolean {
  let zero = false;
  for (const b of mask) {
    for (let bit = 0x80; bit; bit >>= 1) {
      if (b & bit) { if (zero) return false; } else zero = true;
    }
  }
  return true;
}

/** Whether a GeneralSubtree carries a non-default minimum or any maximum. */
function hasBounds(fields: readonly Tlv[]): boolean {
  return fields.slice(1).some((f) => f.tag !== 0x80 || content(f).some((b) => b !== 0));
}

function parseSubtree(t: Tlv, flags: { irregular: boolean }): Subtree {
  const fields = sequenceOf(t, 'GeneralSubtree', 1, 3);
  if (hasBounds(fields)) flags.irregular = true;
  const base = fields[0];
  if (base!.tag === 0x87) {
    const c = content(base!);
    if (c.length !== 8 && c.length !== 32) throw new PkiError('BAD_DER', 'IP subtree must be address and mask');
    const half = c.length / 2;
    if (!isPrefixMask(c.subarray(half))) flags.irregular = true;
    const addr = parseGeneralName({ ...base!, end: base!.contentStart + half });
    return { type: 'ip', value: `${(addr as { value: string }).value}/${maskBits(c.subarray(half))}` };
  }
  return parseGeneralName(base!);
}

export function parseNameConstraints(der: Uint8Array): NameConstraints {
  const nc = { permitted: [] as Subtree[], excluded: [] as Subtree[] };
  const flags = { irregular: false };
  for (const t of sequenceOf(readRoot(der), 'NameConstraints', 0, 2)) {
    const list = children(t).map((s) => parseSubtree(s, flags));
    if (t.tag === 0xa0) nc.permitted = list; else if (t.tag === 0xa1) nc.excluded = list;
    else throw new PkiError('BAD_DER', 'unexpected NameConstraints field');
  }
  return flags.irregular ? { ...nc, irregular: true } : nc;
}
