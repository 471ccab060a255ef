/**
 * The Signer port: everything the CA needs from a key, kept narrow so that a PKCS#11
 * token or a KMS fits behind it (step-ca cas/apiv1, x509's "signature provided").
 */
import type { SignatureAlgorithmName } from './algorithms.js';

export interface Signer {
  readonly algorithm: SignatureAlgorithmName;
  /** SubjectPublicKeyInfo DER of the signing key. */
  readonly publicKeyDer: Uint8Array;
  /** Signature over `data` in the encoding X.509 uses (DER ECDSA-Sig-Value for ECDSA). */
  sign(data: Uint8Array): Promise<Uint8Array>;
}
