/** Signature verification over node:crypto, driven by the algorithm table. */
import { verify as nodeVerify, constants, type KeyObject } from 'node:crypto';
import type { SignatureAlgorithm } from './algorithms.js';
import { HASH_LENGTH, type HashName } from './algorithms.js';
import type { LegacySignatureAlgorithm } from './legacy-algorithms.js';

export interface PssParameters { readonly hash: HashName; readonly saltLength: number }

export function verifySignature(
  alg: SignatureAlgorithm | LegacySignatureAlgorithm, key: KeyObject, data: Uint8Array, signature: Uint8Array, pss?: PssParameters,
): boolean {
  try {
    if (alg.pss) {
      const p = pss ?? { hash: alg.hash as HashName, saltLength: HASH_LENGTH[alg.hash as HashName] };
      return nodeVerify(p.hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: p.saltLength }, signature);
    }
    return nodeVerify(alg.hash, data, key, signature);
  } catch {
    // A key/algorithm mismatch or a garbled signature is a failed verification, not a crash.
    return false;
  }
}
