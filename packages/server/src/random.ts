/**
 * RandomSource over the CSPRNG, refilled 4 KiB at a time: one getrandom call per 256
 * serials instead of one per serial (it showed at 3% of issuance time in a profile).
 * Bytes are copied out and never handed out twice.
 */
import { randomFillSync } from 'node:crypto';
import type { RandomSource } from '@fleetpki/ca';

export function pooledRandom(poolBytes = 4096): RandomSource {
  const pool = Buffer.alloc(poolBytes);
  let offset = poolBytes;
  return {
    bytes(n: number): Uint8Array {
      if (n > poolBytes) return randomFillSync(Buffer.alloc(n));
      if (offset + n > poolBytes) { randomFillSync(pool); offset = 0; }
      const out = Buffer.from(pool.subarray(offset, offset + n));
      pool.fill(0, offset, offset + n);
      offset += n;
      return out;
    },
  };
}
