/**
 * Key files for ceremonies (the offline root): encrypted PKCS#8 PEM, created 0600,
 * written atomically (temporary file + rename), never overwritten.
 */
import { closeSync, fsyncSync, linkSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { KeyObject } from 'node:crypto';
import { randomBytes } from 'node:crypto';
import { ServiceError } from '@fleetpki/ca';
import { decryptPrivateKey, encryptPrivateKey } from './encrypted-pkcs8.js';

/** Writes `content` to `path` with `mode`, atomically; refuses to replace an existing file. */
export function writeFileExclusive(path: string, content: string, mode = 0o600): void {
  const tmp = join(dirname(path), `.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(tmp, 'wx', mode);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(tmp, path); // fails with EEXIST instead of silently replacing a key
  } catch (cause) {
    throw new ServiceError('REQUEST_INVALID', `${path} exists; refusing to overwrite it`, undefined, { cause });
  } finally {
    unlinkSync(tmp);
  }
}

export function writeEncryptedKeyFile(path: string, key: KeyObject, passphrase: string): void {
  writeFileExclusive(path, encryptPrivateKey(key, passphrase));
}

export function readEncryptedKeyFile(path: string, passphrase: string): KeyObject {
  return decryptPrivateKey(readFileSync(path, 'utf8'), passphrase);
}
