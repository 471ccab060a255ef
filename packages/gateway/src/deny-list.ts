/**
 * The local deny-list: serials of the deployment's certificates that are revoked and not
 * yet expired (a certificate on hold included), so the connect path asks no one. It starts
 * from the store (deniedSerials) and is kept current by the status-event outbox
 * (enforcement.ts): certificate.revoked adds, certificate.hold_released removes. An expired
 * certificate fails path validation anyway, so nothing is ever removed by time.
 */
import type { DeviceStore } from '@fleetpki/ca';

const PAGE = 10_000;

export class DenyList {
  #serials = new Set<string>();

  get size(): number { return this.#serials.size; }

  has(serial: string): boolean { return this.#serials.has(serial); }
  add(serial: string): void { this.#serials.add(serial); }
  delete(serial: string): void { this.#serials.delete(serial); }

  /** Replaces the set with the store's, page by page (the outbox tail was marked before). */
  async load(store: Pick<DeviceStore, 'deniedSerials'>, now: Date): Promise<void> {
    const next = new Set<string>();
    let after = '';
    for (;;) {
      const page = await store.deniedSerials(now, after, PAGE);
      for (const d of page) next.add(d.serial);
      if (page.length < PAGE) break;
      after = page[page.length - 1]!.serial;
    }
    this.#serials = next;
  }
}
