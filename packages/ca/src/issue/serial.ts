/**
 * Serial numbers: 16 octets from the CSPRNG, top bit cleared (positive, RFC 5280 4.1.2.2)
 * and the next bit set so every serial has the same length: 126 bits of entropy, well
 * over the 64 that CA/B BR 7.1 asks for. Uniqueness is enforced by the store.
 */
import type { RandomSource } from '../ports/clock.js';

export const SERIAL_OCTETS = 16;

export function newSerial(random: RandomSource): Uint8Array {
  const b = Uint8Array.from(random.bytes(SERIAL_OCTETS));
  b[0] = ((b[0] as number) & 0x7f) | 0x40;
  return b;
}
