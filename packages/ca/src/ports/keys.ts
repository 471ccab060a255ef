/**
 * KeyVault: where CA and delegated-signer keys live. The software adapter keeps encrypted
 * PKCS#8 in the store (KeyRef.data); a PKCS#11 adapter keeps a token label there instead.
 * The store never interprets a KeyRef.
 */
import type { KeyObject } from 'node:crypto';
import type { KeyType, Signer } from '@fleetpki/core';

export interface KeyRef {
  /** Adapter name, e.g. "pkcs8-encrypted" or "pkcs11". */
  readonly kind: string;
  /** Adapter data: encrypted PEM, or a token URI. Never a plaintext key. */
  readonly data: string;
}

export interface KeyVault {
  generate(keyType: KeyType, options?: { readonly rsaPss?: boolean }): Promise<{ readonly key: KeyRef; readonly signer: Signer }>;
  open(key: KeyRef): Promise<Signer>;
  /**
   * Software keys only (an HSM key never leaves its token): the key as encrypted PKCS#8
   * PEM under `passphrase`, for an offline factory station. Absent when the vault cannot.
   */
  exportEncrypted?(key: KeyRef, passphrase: string): Promise<string>;
  /**
   * Software keys only: the decrypted key, for signing on the batch preparer's threads of
   * this process (ports/batch-preparer.ts). It never leaves the process; absent for HSMs.
   */
  signingKey?(key: KeyRef): Promise<KeyObject>;
  /** The inverse, on the station: an encrypted PKCS#8 PEM taken under this vault's own protection. */
  importEncrypted?(pem: string, passphrase: string): Promise<{ readonly key: KeyRef; readonly signer: Signer }>;
}
