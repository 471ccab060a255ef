/**
 * Keeps every online CA's CRLs fresh: a full CRL well before its nextUpdate (on a timer),
 * and a delta shortly after revocations (debounced, so a burst of a thousand revocations
 * makes one delta, not a thousand). Failures are logged and retried on the next tick;
 * they never stop the server.
 */
import type { CertificateAuthority, DomainEvent } from '@fleetpki/ca';
import type { InProcessEvents } from './events.js';

export interface CrlSchedule {
  /** How often the scheduler looks at every CA's CRLs. */
  readonly tickMs: number;
  /** A revocation is published in a delta CRL this long after it (the debounce). */
  readonly debounceMs: number;
  /** A full CRL is re-issued when less than this is left before its nextUpdate. */
  readonly fullRefreshBeforeMs: number;
  /** The same for a delta CRL. */
  readonly deltaRefreshBeforeMs: number;
}

/** Looks every minute; deltas 1 s after a revocation; full CRLs (valid a day) re-issued 6 h early, deltas 15 min early. */
export const DEFAULT_CRL_SCHEDULE: CrlSchedule = Object.freeze({ tickMs: 60_000, debounceMs: 1000, fullRefreshBeforeMs: 6 * 3600_000, deltaRefreshBeforeMs: 15 * 60_000 });

export class CrlScheduler {
  readonly #dirty = new Set<string>();
  #timer: NodeJS.Timeout | undefined;
  #debounce: NodeJS.Timeout | undefined;
  #running: Promise<void> = Promise.resolve();
  #unsubscribe: (() => void) | undefined;

  constructor(private readonly ca: CertificateAuthority, private readonly events: InProcessEvents, private readonly schedule: CrlSchedule,
    private readonly log: (msg: string, err?: unknown) => void) {}

  start(): void {
    this.#unsubscribe = this.events.subscribe((e) => this.#onEvent(e));
    this.#timer = setInterval(() => this.#enqueue(() => this.refresh()), this.schedule.tickMs);
    this.#timer.unref();
    this.#enqueue(() => this.refresh());
  }

  async stop(): Promise<void> {
    this.#unsubscribe?.();
    clearInterval(this.#timer);
    clearTimeout(this.#debounce);
    await this.#running;
  }

  /** Waits for publications under way (tests, shutdown). */
  idle(): Promise<void> { return this.#running; }

  #onEvent(e: DomainEvent): void {
    if (e.type !== 'certificate.revoked' && e.type !== 'certificate.hold_released') return;
    this.#dirty.add(`${e.caName}\u0000${e.crlShard}`);
    if (this.#debounce) return;
    this.#debounce = setTimeout(() => { this.#debounce = undefined; this.#enqueue(() => this.#publishDeltas()); }, this.schedule.debounceMs);
    this.#debounce.unref();
  }

  #enqueue(job: () => Promise<void>): void {
    this.#running = this.#running.then(job).catch((err) => this.log('CRL publication failed', err));
  }

  async #publishDeltas(): Promise<void> {
    const dirty = [...this.#dirty];
    this.#dirty.clear();
    for (const key of dirty) {
      const [caName, shard] = key.split('\u0000') as [string, string];
      await this.ca.crls.publish(caName, 'delta', Number(shard));
    }
  }

  /** Full CRLs (and their first delta) for every online CA whose CRL is missing or due. */
  async refresh(): Promise<void> {
    const crls = this.ca.crls;
    // The CA's clock, as the publisher dates CRLs with it (tests inject one).
    const now = this.ca.deps.clock.now().getTime();
    for (const name of await crls.publishingCas()) {
      for (let shard = 0; shard < crls.shards; shard++) {
        const full = await crls.latest(name, shard, 'full');
        if (!full || full.nextUpdate.getTime() - now < this.schedule.fullRefreshBeforeMs) {
          await crls.publish(name, 'full', shard);
          await crls.publish(name, 'delta', shard);
          continue;
        }
        const delta = await crls.latest(name, shard, 'delta');
        if (!delta || delta.nextUpdate.getTime() - now < this.schedule.deltaRefreshBeforeMs) await crls.publish(name, 'delta', shard);
      }
    }
  }
}
