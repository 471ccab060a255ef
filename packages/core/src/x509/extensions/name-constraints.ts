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
export interface NameConstraints { readonly permitted: readonly Subtree[]; readonly excluded: readonly Subtree[] }

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

function parseSubtree(t: Tlv): Subtree {
  const [base] = sequenceOf(t, 'GeneralSubtree', 1, 3);
  if (base!.tag === 0x87) {
    const c = content(base!);
    if (c.length !== 8 && c.length !== 32) throw new PkiError('BAD_DER', 'IP subtree must be address and mask');
    const half = c.length / 2;
    const addr = parseGeneralName({ ...base!, end: base!.contentStart + half });
    return { type: 'ip', value: `${(addr as { value: string }).value}/${maskBits(c.subarray(half))}` };
  }
  return parseGeneralName(base!);
}

export function parseNameConstraints(der: Uint8Array): NameConstraints {
  const nc = { permitted: [] as Subtree[], excluded: [] as Subtree[] };
  for (const t of sequenceOf(readRoot(der), 'NameConstraints', 0, 2)) {
    const list = children(t).map(parseSubtree);
    if (t.tag === 0xa0) nc.permitted = list; else if (t.tag === 0xa1) nc.excluded = list;
    else throw new PkiError('BAD_DER', 'unexpected NameConstraints field');
  }
  return nc;
}
