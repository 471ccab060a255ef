/** EventSink for one process. PostgreSQL deployments will add LISTEN/NOTIFY fan-out (issue 3, 7). */
import type { DomainEvent, EventSink } from '@fleetpki/ca';

export class InProcessEvents implements EventSink {
  readonly #listeners = new Set<(e: DomainEvent) => void>();

  publish(event: DomainEvent): void {
    for (const l of this.#listeners) {
      try { l(event); } catch { /* a subscriber's failure must not fail the issuance that already committed */ }
    }
  }

  subscribe(listener: (e: DomainEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
