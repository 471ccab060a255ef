/** Key generation for CA and device keys. RSA CA keys are 3072 bits (NIST SP 800-57 beyond 2030). */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { KeyType } from '@fleetpki/core';

export function generatePrivateKey(keyType: KeyType): KeyObject {
  switch (keyType) {
    case 'ecdsa-p256': return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    case 'ecdsa-p384': return generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey;
    case 'ed25519': return generateKeyPairSync('ed25519').privateKey;
    case 'rsa': return generateKeyPairSync('rsa', { modulusLength: 3072 }).privateKey;
  }
}
