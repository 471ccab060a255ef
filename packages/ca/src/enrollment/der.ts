/** The one DER primitive enrollment writes itself (csr-attrs.ts: a curve OID as an attribute value): OBJECT IDENTIFIER contents (X.690 8.19). */
export const OID_CHALLENGE_PASSWORD_ATTR = '1.2.840.113549.1.9.7';

export function encodeOid(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map((a) => BigInt(a));
  const [first = 0n, second = 0n, ...rest] = arcs;
  const out: number[] = [];
  for (const arc of [first * 40n + second, ...rest]) {
    const bytes = [Number(arc & 0x7fn)];
    for (let v = arc >> 7n; v > 0n; v >>= 7n) bytes.unshift(Number(v & 0x7fn) | 0x80);
    out.push(...bytes);
  }
  return Uint8Array.from(out);
}
