/**
 * Certificate statuses the responder looked up, so live signing (a nonce in every request,
 * RFC 8954) does not read the store for every answer. Only good and revoked are kept: an
 * unknown serial may be issued a moment later. A revocation or a hold release drops the
 * serial (the same events that drop pre-signed responses), and an entry lives no longer
 * than a pre-signed response would, which bounds what another process's change can leave
 * stale. Bounded: the least recently stored serial goes first (Map insertion order).
 */
import type { OcspCertStatus } from '@fleetpki/core';

interface Entry { readonly status: OcspCertStatus; readonly untilMs: number }

export class StatusCache {
  readonly #entries = new Map<string, Entry>();
  constructor(private readonly maxSerials: number, private readonly lifetimeMs: number) {}

  get(serialKey: string, nowMs: number): OcspCertStatus | undefined {
    const hit = this.#entries.get(serialKey);
    if (!hit) return undefined;
    if (hit.untilMs <= nowMs) { this.#entries.delete(serialKey); return undefined; }
    return hit.status;
  }

  set(serialKey: string, status: OcspCertStatus, nowMs: number): void {
    if (status.status === 'unknown' || this.maxSerials <= 0) return;
    if (!this.#entries.has(serialKey) && this.#entries.size >= this.maxSerials) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    this.#entries.set(serialKey, { status, untilMs: nowMs + this.lifetimeMs });
  }

  delete(serialKey: string): void { this.#entries.delete(serialKey); }
  clear(): void { this.#entries.clear(); }
  get size(): number { return this.#entries.size; }
}
