/**
 *   KeyUsage ::= BIT STRING { digitalSignature (0), nonRepudiation (1), keyEncipherment (2),
 *     dataEncipherment (3), keyAgreement (4), keyCertSign (5), cRLSign (6),
 *     encipherOnly (7), decipherOnly (8) }   (RFC 5280 4.2.1.3)
 */
import { readBitString, readRoot } from '../../der/reader.js';
import { namedBits } from '../../der/writer.js';

export const KEY_USAGE_BITS = {
  digitalSignature: 0, nonRepudiation: 1, keyEncipherment: 2, dataEncipherment: 3, keyAgreement: 4,
  keyCertSign: 5, cRLSign: 6, encipherOnly: 7, decipherOnly: 8,
} as const;
export type KeyUsageName = keyof typeof KEY_USAGE_BITS;

export const encodeKeyUsage = (usages: readonly KeyUsageName[]): Buffer => namedBits(usages.map((u) => KEY_USAGE_BITS[u]));

export function parseKeyUsage(der: Uint8Array): KeyUsageName[] {
  const { bytes } = readBitString(readRoot(der), 'KeyUsage');
  return (Object.entries(KEY_USAGE_BITS) as [KeyUsageName, number][])
    .filter(([, bit]) => (((bytes[bit >> 3] ?? 0) << (bit & 7)) & 0x80) !== 0)
    .map(([name]) => name);
}
