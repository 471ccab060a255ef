/**
 * A Signer over a node:crypto private key. The signature algorithm follows the key:
 * P-256 -> ecdsa-with-SHA256, P-384 -> ecdsa-with-SHA384 (RFC 5758 3.2 pairs hash and
 * curve strength), Ed25519 -> Ed25519 (RFC 8410), RSA -> PKCS#1 v1.5 SHA-256 or PSS.
 */
import { constants, createPublicKey, type KeyObject, sign } from 'node:crypto';
import { parseSpkiDer, type Signer, type SignatureAlgorithmName, type KeyType } from '@fleetpki/core';

export interface SignerOptions { readonly rsaPss?: boolean }

const ALGORITHM: Readonly<Record<KeyType, SignatureAlgorithmName>> = {
  'ecdsa-p256': 'ecdsa-with-SHA256', 'ecdsa-p384': 'ecdsa-with-SHA384', ed25519: 'Ed25519', rsa: 'sha256WithRSAEncryption',
};

export function signatureAlgorithmFor(keyType: KeyType, options: SignerOptions = {}): SignatureAlgorithmName {
  return keyType === 'rsa' && options.rsaPss ? 'RSASSA-PSS-SHA256' : ALGORITHM[keyType];
}

export function softwareSigner(privateKey: KeyObject, options: SignerOptions = {}): Signer {
  const publicKeyDer = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  const { keyType } = parseSpkiDer(publicKeyDer);
  const algorithm = signatureAlgorithmFor(keyType, options);
  const hash = algorithm === 'Ed25519' ? null : algorithm.includes('384') ? 'sha384' : 'sha256';
  const key = algorithm === 'RSASSA-PSS-SHA256'
    ? { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }
    : privateKey;
  return Object.freeze({
    algorithm,
    publicKeyDer: new Uint8Array(publicKeyDer),
    // On libuv's thread pool (node:crypto's callback form), not on the event loop: a P-256
    // signature is 20-40 us that the loop spends on parsing and I/O meanwhile, and the work
    // spreads over the cores (docs/benchmarks.md measures both forms).
    sign: (data: Uint8Array) => new Promise<Buffer>((resolve, reject) => {
      sign(hash, data, key, (err, signature) => { if (err) reject(err); else resolve(signature); });
    }),
  });
}
