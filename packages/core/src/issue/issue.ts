/**
 * issue(): sign exactly the prepared TBS, once.
 *   Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm AlgorithmIdentifier, signatureValue BIT STRING }
 */
import { PkiError } from '../errors.js';
import { algorithmIdentifier, type SignatureAlgorithmName } from '../crypto/algorithms.js';
import type { Signer } from '../crypto/signer.js';
import { bitString, sequence } from '../der/writer.js';
import type { PreparedCertificate } from './prepare.js';

const redeemed = new WeakSet<PreparedCertificate>();

export function assembleSigned(tbs: Uint8Array, alg: SignatureAlgorithmName, signature: Uint8Array): Buffer {
  return sequence(tbs, algorithmIdentifier(alg), bitString(signature));
}

export async function issue(prepared: PreparedCertificate, signer: Signer): Promise<Buffer> {
  if (redeemed.has(prepared)) throw new PkiError('TOKEN_ALREADY_REDEEMED');
  if (signer.algorithm !== prepared.signatureAlgorithm) {
    throw new PkiError('UNSUPPORTED_ALGORITHM', `signer uses ${signer.algorithm}, the TBS names ${prepared.signatureAlgorithm}`);
  }
  redeemed.add(prepared);
  return assembleSigned(prepared.tbs, prepared.signatureAlgorithm, await signer.sign(prepared.tbs));
}
