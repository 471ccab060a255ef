/**
 * The agent's small state files beside the identity: the trust store (core's JSON format,
 * decision 005), the status document device software reads, and a pending enrollment
 * (the key and CSR to send again after a 202, RFC 7030 4.2.3). All written atomically.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { encodeTrustStore, fromPemAll, parseCertificate, parseTrustStore, certificateAnchor, TrustStore } from '@fleetpki/core';
import { writeFileAtomic } from './atomic-file.js';
import { AgentError } from './errors.js';

export interface PendingEnrollment {
  readonly generation: number;
  readonly keyId: string;
  readonly csr: string;
  readonly operation: 'simpleenroll' | 'simplereenroll';
}

export class StateFiles {
  constructor(readonly dir: string) {}

  get trustPath(): string { return join(this.dir, 'trust.json'); }
  get statusPath(): string { return join(this.dir, 'status.json'); }
  private get pendingPath(): string { return join(this.dir, 'pending.json'); }

  /** STATE/trust.json, created from `anchorsPem` (the provisioned roots) on first use. */
  trust(anchorsPem: string | null): TrustStore {
    if (existsSync(this.trustPath)) {
      const r = parseTrustStore(readFileSync(this.trustPath, 'utf8'));
      if (!r.ok) throw new AgentError('CONFIG_INVALID', `${this.trustPath}: ${r.message}`);
      return r.store;
    }
    if (!anchorsPem) throw new AgentError('CONFIG_INVALID', 'no trust store and no trustAnchorsFile');
    const store = TrustStore.of(fromPemAll(anchorsPem, ['CERTIFICATE']).map((b) => certificateAnchor(parseCertificate(b.der))));
    if (store.size === 0) throw new AgentError('CONFIG_INVALID', 'trustAnchorsFile holds no certificate');
    this.saveTrust(store);
    return store;
  }

  saveTrust(store: TrustStore): void {
    writeFileAtomic(this.trustPath, encodeTrustStore(store), 0o644);
  }

  readStatus<T>(): T | null {
    try {
      return existsSync(this.statusPath) ? (JSON.parse(readFileSync(this.statusPath, 'utf8')) as T) : null;
    } catch {
      return null; // never torn (atomic), but a hand-edited file must not stop the agent
    }
  }

  saveStatus(status: unknown): void {
    writeFileAtomic(this.statusPath, `${JSON.stringify(status, null, 2)}\n`, 0o644);
  }

  pending(): PendingEnrollment | null {
    return existsSync(this.pendingPath) ? (JSON.parse(readFileSync(this.pendingPath, 'utf8')) as PendingEnrollment) : null;
  }

  savePending(p: PendingEnrollment): void {
    writeFileAtomic(this.pendingPath, JSON.stringify(p), 0o600);
  }

  clearPending(): void {
    rmSync(this.pendingPath, { force: true });
  }
}
