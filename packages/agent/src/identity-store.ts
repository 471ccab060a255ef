/**
 * The device identity on disk, laid out so that a power cut at any moment leaves a usable
 * identity (key + certificate + chain that belong together), never a torn pair:
 *
 *   STATE/keys/op-N.key.pem          keys (KeyStore), written before anything refers to them
 *   STATE/generations/N/chain.pem    the operational certificate then its chain, written whole
 *   STATE/current.json               the pointer: which generation and which key are in use
 *
 * A renewal writes the new key and the new generation first, then replaces current.json
 * atomically (atomic-file.ts). Until that rename the old pointer names the old, complete
 * pair; after it the new one. Leftovers of an interrupted renewal (a key or a generation
 * nobody points to) are removed by prune(), which only ever keeps the current and the
 * previous generation.
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fromPemAll, parseCertificate, toPem, type Certificate } from '@fleetpki/core';
import { ensureDir, fsyncDir, writeFileAtomic } from './atomic-file.js';
import type { KeyHandle, KeyStore } from './ports.js';

/** How the current certificate was obtained. */
export type IdentitySource = 'enroll' | 'reenroll' | 'bootstrap-fallback';

export interface IdentityPointer {
  readonly generation: number;
  readonly keyId: string;
  readonly serial: string;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly source: IdentitySource;
  /** Set when the agent learnt the certificate is revoked: it is then never presented. */
  readonly revokedAt?: string;
}

export interface Identity {
  readonly pointer: IdentityPointer;
  readonly key: KeyHandle;
  readonly certificate: Certificate;
  /** DER, the certificate first, then the intermediates (no root). */
  readonly chain: readonly Uint8Array[];
  readonly chainPem: string;
}

const POINTER = 'current.json';

export class IdentityStore {
  readonly keys: KeyStore;
  constructor(readonly dir: string, keys: KeyStore) {
    this.keys = keys;
  }

  private genDir(n: number): string {
    return join(this.dir, 'generations', String(n));
  }

  pointer(): IdentityPointer | null {
    const p = join(this.dir, POINTER);
    return existsSync(p) ? (JSON.parse(readFileSync(p, 'utf8')) as IdentityPointer) : null;
  }

  /** The identity current.json names; throws when its files are missing (they never are, see above). */
  load(): Identity | null {
    const pointer = this.pointer();
    if (!pointer) return null;
    const chainPem = readFileSync(join(this.genDir(pointer.generation), 'chain.pem'), 'utf8');
    const chain = fromPemAll(chainPem, ['CERTIFICATE']).map((b) => b.der);
    const key = this.keys.load(pointer.keyId);
    if (!key || chain.length === 0) throw new Error(`identity generation ${pointer.generation} is incomplete`);
    return { pointer, key, certificate: parseCertificate(chain[0]!), chain, chainPem };
  }

  /** The next free generation number (above every folder, even an interrupted one). */
  nextGeneration(): number {
    const root = join(this.dir, 'generations');
    const used = existsSync(root) ? readdirSync(root).map(Number).filter(Number.isInteger) : [];
    return Math.max(0, this.pointer()?.generation ?? 0, ...used) + 1;
  }

  /** Steps 1-3 of a commit: the generation's files, durable; then the pointer, atomically. */
  commit(generation: number, key: KeyHandle, chain: readonly Uint8Array[], source: IdentitySource): Identity {
    const dir = this.genDir(generation);
    ensureDir(dir);
    fsyncDir(join(this.dir, 'generations'));
    const chainPem = chain.map((der) => toPem('CERTIFICATE', der)).join('');
    writeFileAtomic(join(dir, 'key-id'), `${key.id}\n`, 0o644);
    writeFileAtomic(join(dir, 'chain.pem'), chainPem, 0o644);
    const certificate = parseCertificate(chain[0]!);
    const pointer: IdentityPointer = {
      generation, keyId: key.id, serial: certificate.serial, source,
      notBefore: certificate.notBefore.toISOString(), notAfter: certificate.notAfter.toISOString(),
    };
    this.writePointer(pointer);
    return { pointer, key, certificate, chain, chainPem };
  }

  /** Marks the current certificate revoked: load() still reads it, the agent never presents it. */
  markRevoked(at: Date): void {
    const p = this.pointer();
    if (p && !p.revokedAt) this.writePointer({ ...p, revokedAt: at.toISOString() });
  }

  private writePointer(p: IdentityPointer): void {
    ensureDir(this.dir);
    writeFileAtomic(join(this.dir, POINTER), `${JSON.stringify(p, null, 2)}\n`, 0o644);
  }

  /** Removes every generation but the current and `keepPrevious`, and keys neither uses. */
  prune(keepPrevious: number | null): void {
    const current = this.pointer();
    const root = join(this.dir, 'generations');
    const keep = new Set([current?.generation, keepPrevious].filter((g): g is number => g !== null && g !== undefined));
    const keepKeys = new Set<string>(current ? [current.keyId] : []);
    if (existsSync(root)) {
      for (const name of readdirSync(root)) {
        const g = Number(name);
        if (keep.has(g)) continue;
        rmSync(join(root, name), { recursive: true, force: true });
      }
      fsyncDir(root);
    }
    for (const g of keep) {
      const chain = join(this.genDir(g), 'chain.pem');
      if (g !== current?.generation && existsSync(chain)) keepKeys.add(this.keyOfGeneration(g));
    }
    for (const id of this.keys.list()) if (id.startsWith('op-') && !keepKeys.has(id)) this.keys.remove(id);
  }

  private keyOfGeneration(g: number): string {
    const p = join(this.genDir(g), 'key-id');
    return existsSync(p) ? readFileSync(p, 'utf8').trim() : `op-${g}`;
  }
}
