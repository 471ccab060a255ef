/**
 * The enforcement path (issue 7): a change committed by the CA reaches this node and stops
 * the device at once.
 *   outbox row -> StatusTail pull (PostgreSQL NOTIFY, or a poll; the in-process bus too
 *   when the change was made in this process) -> deny-list / attribute cache updated ->
 *   live connections of that serial / device whose rules now fail are closed -> the next
 *   connect is refused by admission.
 * Every change may arrive twice (bus and outbox): applying one is idempotent.
 */
import { domainEventOf, type DomainEvent, type DeviceStore, type StatusEventRecord } from '@fleetpki/ca';
import { StatusTail } from '@fleetpki/server';
import type { Admission } from './admission.js';
import type { AttributeCache, Attributes } from './attribute-cache.js';
import type { DenyList } from './deny-list.js';
import type { LiveConnection, LiveConnections } from './live-connections.js';
import type { GatewayMetrics } from './metrics.js';
import { refusal, type Refusal } from './refusals.js';

export interface EnforcementDeps {
  readonly store: Pick<DeviceStore, 'deniedSerials' | 'statusEventsAfter' | 'statusEventBounds' | 'watchStatusEvents'>;
  readonly denyList: DenyList;
  readonly attributes: AttributeCache;
  readonly live: LiveConnections;
  readonly admission: Admission;
  readonly metrics: GatewayMetrics;
  /** Reloads the trust material (a CA was added or changed). */
  readonly reloadTrust: () => Promise<void>;
  readonly now: () => Date;
  readonly onError: (err: unknown) => void;
}

export class Enforcement {
  #tail: StatusTail | null = null;
  #foreignTimer: NodeJS.Timeout | null = null;

  constructor(private readonly d: EnforcementDeps) {}

  /** Loads the deny-list, then follows the outbox (and the bus, when given). */
  async start(pollMs: number): Promise<void> {
    this.#tail = new StatusTail(this.d.store as DeviceStore, {
      pollMs,
      onEvents: (events) => this.#applyRows(events),
      onReset: () => this.reset(),
      onError: this.d.onError,
    });
    await this.#tail.start();
  }

  /**
   * No outbox tells us about certificates of CAs we do not run: their live connections are
   * asked about again every `everyMs` (answers are cached until nextUpdate or cacheSeconds).
   */
  recheckForeignEvery(everyMs: number): void {
    this.#foreignTimer = setInterval(() => void this.recheckForeign().catch(this.d.onError), everyMs);
    this.#foreignTimer.unref();
  }

  async recheckForeign(): Promise<void> {
    for (const c of [...this.d.live.all()]) {
      if (!c.admitted.foreignPath || c.closedBy) continue;
      const why = await this.d.admission.recheckForeign(c.admitted);
      if (why) this.#close(c, why, null);
    }
  }

  /** For tests and benchmarks: resolves once everything committed before the call is applied. */
  async settle(): Promise<void> { await this.#tail?.settle(); }

  async stop(): Promise<void> {
    if (this.#foreignTimer) clearInterval(this.#foreignTimer);
    await this.#tail?.stop();
  }

  #applyRows(rows: readonly StatusEventRecord[]): void {
    for (const row of rows) {
      const event = domainEventOf(row);
      if (event) this.apply(event, row.at);
    }
  }

  /** One change: `at` is when it was committed (for the latency metric), when known. */
  apply(event: DomainEvent, at: Date | null): void {
    switch (event.type) {
      case 'certificate.revoked':
        // 1. deny-list  2. close what uses the certificate (a CA's serial closes its whole subtree)
        this.d.denyList.add(event.serial);
        this.#closeAll(this.d.live.ofSerial(event.serial), refusal('GATEWAY_CERT_REVOKED'), at ?? event.revokedAt);
        return;
      case 'certificate.hold_released':
        this.d.denyList.delete(event.serial);
        return;
      case 'device.attributes_changed':
        // 1. cache  2. re-evaluate the device's live connections
        this.d.attributes.set(event.deviceId, event.attributes);
        this.#recheckDevice(event.deviceId, event.attributes, at);
        return;
      case 'ca.changed':
        this.d.reloadTrust().catch(this.d.onError);
        return;
      default:
    }
  }

  #recheckDevice(deviceId: string, attributes: Attributes, at: Date | null): void {
    for (const c of [...this.d.live.ofDevice(deviceId)]) {
      c.ctx = { ...c.ctx, device: { ...c.ctx.device, attributes } };
      c.grants = this.d.admission.grants(c.ctx);
      const why = this.d.admission.recheck(c.admitted, attributes);
      if (why) this.#close(c, why, at);
    }
  }

  #closeAll(conns: Iterable<LiveConnection>, why: Refusal, at: Date | null): void {
    for (const c of [...conns]) this.#close(c, why, at);
  }

  #close(c: LiveConnection, why: Refusal, at: Date | null): void {
    if (c.closedBy) return;
    c.closed = true;
    c.closedBy = why;
    this.d.live.remove(c);
    c.close(why);
    this.d.metrics.closedByEnforcement.inc({ code: why.code });
    if (at) this.d.metrics.enforcementSeconds.observe(Math.max(0, this.d.now().getTime() - at.getTime()) / 1000);
  }

  /**
   * Missed events (the outbox was pruned past us) or the first start: reload the deny-list,
   * forget cached attributes, and re-check every live connection against fresh ones.
   */
  async reset(): Promise<void> {
    await this.d.denyList.load(this.d.store, this.d.now());
    this.d.attributes.clear();
    const devices = new Set<string>();
    for (const c of this.d.live.all()) devices.add(c.admitted.deviceId);
    for (const deviceId of devices) {
      this.#recheckDevice(deviceId, await this.d.attributes.get(deviceId), null);
    }
  }
}
