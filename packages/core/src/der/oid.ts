/** OBJECT IDENTIFIER content octets (X.690 8.19), memoized: profiles reuse a small set. */
import { PkiError } from '../errors.js';

const cache = new Map<string, Buffer>();

export function encodeOid(dotted: string): Buffer {
  const hit = cache.get(dotted);
  if (hit) return hit;
  const arcs = dotted.split('.').map((a) => {
    if (!/^\d+$/.test(a)) throw new PkiError('BAD_DER', `invalid OID ${dotted}`);
    return BigInt(a);
  });
  if (arcs.length < 2) throw new PkiError('BAD_DER', `invalid OID ${dotted}`);
  const out: number[] = [];
  const first = (arcs[0] as bigint) * 40n + (arcs[1] as bigint);
  for (const arc of [first, ...arcs.slice(2)]) {
    const chunk: number[] = [Number(arc & 0x7fn)];
    for (let v = arc >> 7n; v > 0n; v >>= 7n) chunk.unshift(Number((v & 0x7fn) | 0x80n));
    out.push(...chunk);
  }
  const buf = Buffer.from(out);
  if (cache.size < 4096) cache.set(dotted, buf);
  return buf;
}

export function decodeOid(content: Uint8Array): string {
  if (content.length === 0 || content.length > 64) throw new PkiError('BAD_DER', 'OID length out of range');
  const arcs: (number | bigint)[] = [];
  let v = 0;
  let big: bigint | null = null; // only for arcs past 2^53, which real OIDs (UUID arcs) can have
  for (let i = 0; i < content.length; i++) {
    const b = content[i] as number;
    if (v === 0 && big === null && b === 0x80) throw new PkiError('BAD_DER', 'OID arc not minimal');
    if (big !== null) big = (big << 7n) | BigInt(b & 0x7f);
    else if (v >= 2 ** 45) big = (BigInt(v) << 7n) | BigInt(b & 0x7f);
    else v = v * 128 + (b & 0x7f);
    if ((b & 0x80) === 0) { arcs.push(big ?? v); v = 0; big = null; } else if (i === content.length - 1) {
      throw new PkiError('BAD_DER', 'OID truncated');
    }
  }
  const first = arcs[0] as number | bigint;
  const head = typeof first === 'bigint' ? [2n, first - 80n] : first < 40 ? [0, first] : first < 80 ? [1, first - 40] : [2, first - 80];
  return [...head, ...arcs.slice(1)].join('.');
}
