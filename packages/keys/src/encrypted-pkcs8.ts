/**
 * Encrypted PKCS#8 (RFC 5958 EncryptedPrivateKeyInfo, PBES2 / PBKDF2-HMAC-SHA256 with
 * AES-256-CBC as OpenSSL writes it). This is the only form in which a key touches disk.
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { ServiceError } from '@fleetpki/ca';

export const ENCRYPTED_PEM_LABEL = 'ENCRYPTED PRIVATE KEY';
/** A passphrase shorter than this is refused: the KDF cannot make up for it. */
export const MIN_PASSPHRASE_LENGTH = 12;

export function encryptPrivateKey(key: KeyObject, passphrase: string): string {
  if (passphrase.length < MIN_PASSPHRASE_LENGTH) {
    throw new ServiceError('REQUEST_INVALID', `the key passphrase must have at least ${MIN_PASSPHRASE_LENGTH} characters`);
  }
  return key.export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase }).toString();
}

/** Throws KEY_UNAVAILABLE for a wrong passphrase or anything but an encrypted PKCS#8 PEM. */
export function decryptPrivateKey(pem: string, passphrase: string): KeyObject {
  if (!pem.includes(`-----BEGIN ${ENCRYPTED_PEM_LABEL}-----`)) {
    throw new ServiceError('KEY_UNAVAILABLE', 'the key is not an encrypted PKCS#8 PEM');
  }
  try {
    return createPrivateKey({ key: pem, format: 'pem', passphrase });
  } catch (cause) {
    throw new ServiceError('KEY_UNAVAILABLE', 'the key cannot be decrypted (wrong passphrase?)', undefined, { cause });
  }
}
