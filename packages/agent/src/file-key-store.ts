/**
 * KeyStore on files: one unencrypted PKCS#8 PEM per key, mode 0600 in a 0700 folder,
 * written atomically. The device's file system permissions are the protection, as for
 * OpenSSH host keys; a TPM or PKCS#11 store replaces this file when the device has one.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign as nodeSign, type KeyObject } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Signer } from '@fleetpki/core';
import { ensureDir, fsyncDir, writeFileAtomic } from './atomic-file.js';
import type { AgentKeyType, KeyHandle, KeyStore } from './ports.js';

const CURVES: Record<AgentKeyType, { curve: string; algorithm: Signer['algorithm']; hash: string }> = {
  'ecdsa-p256': { curve: 'P-256', algorithm: 'ecdsa-with-SHA256', hash: 'sha256' },
  'ecdsa-p384': { curve: 'P-384', algorithm: 'ecdsa-with-SHA384', hash: 'sha384' },
};
const ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;

function typeOf(key: KeyObject): AgentKeyType {
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (curve === 'prime256v1') return 'ecdsa-p256';
  if (curve === 'secp384r1') return 'ecdsa-p384';
  throw new Error(`unsupported key (${key.asymmetricKeyType} ${curve ?? ''})`);
}

/** A Signer over a node KeyObject: DER ECDSA-Sig-Value, as X.509 wants it. */
export function keySigner(key: KeyObject): Signer {
  const c = CURVES[typeOf(key)];
  return {
    algorithm: c.algorithm,
    publicKeyDer: createPublicKey(key).export({ type: 'spki', format: 'der' }),
    sign: async (data) => nodeSign(c.hash, data, key),
  };
}

function handle(id: string, pem: string): KeyHandle {
  return { id, signer: keySigner(createPrivateKey(pem)), tlsKey: pem };
}

export class FileKeyStore implements KeyStore {
  constructor(private readonly dir: string) {}

  private path(id: string): string {
    if (!ID.test(id)) throw new Error(`bad key id ${JSON.stringify(id)}`);
    return join(this.dir, `${id}.key.pem`);
  }

  generate(id: string, type: AgentKeyType): KeyHandle {
    ensureDir(this.dir);
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: CURVES[type].curve });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    writeFileAtomic(this.path(id), pem, 0o600);
    return handle(id, pem);
  }

  load(id: string): KeyHandle | null {
    const p = this.path(id);
    return existsSync(p) ? handle(id, readFileSync(p, 'utf8')) : null;
  }

  remove(id: string): void {
    rmSync(this.path(id), { force: true });
    fsyncDir(this.dir);
  }

  list(): string[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir).filter((n) => n.endsWith('.key.pem')).map((n) => n.slice(0, -'.key.pem'.length));
  }
}
