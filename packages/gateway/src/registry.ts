/**
 * The registry's record of a certificate of one of our CAs (device id, profile), read once
 * per serial and kept: what the record says never changes after issuance, and its status
 * is the deny-list's business. A serial our CA never recorded as issued (a pending intent
 * whose certificate was never returned, or a forgery with a stolen key) has no entry.
 */
import type { Store } from '@fleetpki/ca';

export interface RegistryEntry {
  readonly deviceId: string | null;
  readonly profile: string;
}

export class CertificateRegistry {
  readonly #entries = new Map<string, RegistryEntry>();

  constructor(private readonly store: Pick<Store, 'getCertificate'>, private readonly maxEntries: number) {}

  async get(serial: string): Promise<RegistryEntry | null> {
    const hit = this.#entries.get(serial);
    if (hit) return hit;
    const record = await this.store.getCertificate(serial);
    if (!record || record.status === 'pending') return null;
    const entry = Object.freeze({ deviceId: record.deviceId, profile: record.profile });
    this.#entries.set(serial, entry);
    if (this.#entries.size > this.maxEntries) this.#entries.delete(this.#entries.keys().next().value!);
    return entry;
  }
}
