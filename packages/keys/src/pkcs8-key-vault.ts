/**
 * KeyVault over encrypted PKCS#8 kept in the store (KeyRef.data is the encrypted PEM).
 * Decrypted keys live only in this process's memory, cached per KeyRef.
 */
import type { KeyObject } from 'node:crypto';
import type { KeyRef, KeyVault } from '@fleetpki/ca';
import { ServiceError } from '@fleetpki/ca';
import type { KeyType, Signer } from '@fleetpki/core';
import { decryptPrivateKey, encryptPrivateKey } from './encrypted-pkcs8.js';
import { generatePrivateKey } from './key-generation.js';
import { softwareSigner } from './software-signer.js';

export const PKCS8_KEY_KIND = 'pkcs8-encrypted';

interface StoredKey { readonly pem: string; readonly rsaPss?: boolean }

export class Pkcs8KeyVault implements KeyVault {
  readonly #passphrase: string;
  readonly #cache = new Map<string, Signer>();

  constructor(passphrase: string) {
    this.#passphrase = passphrase;
  }

  async generate(keyType: KeyType, options: { readonly rsaPss?: boolean } = {}): Promise<{ key: KeyRef; signer: Signer }> {
    const privateKey = generatePrivateKey(keyType);
    const stored: StoredKey = { pem: encryptPrivateKey(privateKey, this.#passphrase), ...(options.rsaPss ? { rsaPss: true } : {}) };
    const key: KeyRef = { kind: PKCS8_KEY_KIND, data: JSON.stringify(stored) };
    const signer = softwareSigner(privateKey, options);
    this.#cache.set(key.data, signer);
    return { key, signer };
  }

  #stored(key: KeyRef): StoredKey {
    if (key.kind !== PKCS8_KEY_KIND) throw new ServiceError('KEY_UNAVAILABLE', `keys of kind ${key.kind} are not available here`);
    try { return JSON.parse(key.data) as StoredKey; } catch (cause) {
      throw new ServiceError('KEY_UNAVAILABLE', 'the key reference is corrupt', undefined, { cause });
    }
  }

  async open(key: KeyRef): Promise<Signer> {
    const hit = this.#cache.get(key.data);
    if (hit) return hit;
    const stored = this.#stored(key);
    const signer = softwareSigner(decryptPrivateKey(stored.pem, this.#passphrase), stored.rsaPss ? { rsaPss: true } : {});
    this.#cache.set(key.data, signer);
    return signer;
  }

  async signingKey(key: KeyRef): Promise<KeyObject> {
    return decryptPrivateKey(this.#stored(key).pem, this.#passphrase);
  }

  async exportEncrypted(key: KeyRef, passphrase: string): Promise<string> {
    return encryptPrivateKey(decryptPrivateKey(this.#stored(key).pem, this.#passphrase), passphrase);
  }

  async importEncrypted(pem: string, passphrase: string): Promise<{ key: KeyRef; signer: Signer }> {
    const privateKey = decryptPrivateKey(pem, passphrase);
    const key: KeyRef = { kind: PKCS8_KEY_KIND, data: JSON.stringify({ pem: encryptPrivateKey(privateKey, this.#passphrase) } satisfies StoredKey) };
    const signer = softwareSigner(privateKey);
    this.#cache.set(key.data, signer);
    return { key, signer };
  }
}
