/**
 * Reading the status-event outbox (ports/device-store.ts) in order, for every node that
 * keeps state derived from statuses: gateways' deny-lists and attribute caches, servers'
 * OCSP caches. Timer-free: an adapter decides when to pull (a poll, or a PostgreSQL
 * notification).
 *
 * Start with mark() BEFORE loading the full state, then pull(): a change committed between
 * the mark and the load is seen twice, never missed, and applying a status change twice is
 * harmless. A pull that finds the events after its position pruned answers `reset`: the
 * caller loads the full state again.
 */
import type { CrlReason } from '@fleetpki/core';
import type { DeviceStore, StatusEventRecord } from '../ports/device-store.js';
import type { DomainEvent } from '../ports/events.js';

export type FeedBatch =
  | { readonly reset: true }
  | { readonly reset: false; readonly events: readonly StatusEventRecord[] };

const EMPTY: FeedBatch = Object.freeze({ reset: false, events: Object.freeze([]) });

export class StatusFeed {
  #position: number | null = null;

  constructor(private readonly store: Pick<DeviceStore, 'statusEventsAfter' | 'statusEventBounds'>, private readonly batchSize = 1000) {}

  /** The seq everything later will be pulled after. */
  get position(): number | null { return this.#position; }

  /** Takes the current head as the position. */
  async mark(): Promise<number> {
    this.#position = (await this.store.statusEventBounds()).last;
    return this.#position;
  }

  /** The next events after the position (at most batchSize), advancing it. */
  async pull(): Promise<FeedBatch> {
    if (this.#position === null) throw new Error('StatusFeed.pull before mark');
    const after = this.#position;
    const events = await this.store.statusEventsAfter(after, this.batchSize);
    // Nothing after us, or a hole after us: a rolled-back writer's seq (harmless), or rows
    // pruned before we read them (missed events).
    if ((events.length === 0 || events[0]!.seq > after + 1) && (await this.store.statusEventBounds()).prunedThrough > after) return { reset: true };
    if (events.length === 0) return EMPTY;
    this.#position = events[events.length - 1]!.seq;
    return { reset: false, events };
  }
}

const text = (v: unknown): string => (typeof v === 'string' ? v : '');

/**
 * The domain event an outbox row stands for, so a process can hand changes committed by
 * other processes to the same subscribers as its own (they are idempotent). Null for a row
 * this version does not know.
 */
export function domainEventOf(e: StatusEventRecord): DomainEvent | null {
  const d = e.detail;
  switch (e.type) {
    case 'certificate.revoked':
      return {
        type: e.type, serial: text(e.serial), caName: text(e.caName), deviceId: e.deviceId, crlShard: Number(d['crlShard'] ?? 0),
        reason: d['reason'] as CrlReason, revokedAt: e.at, invalidityDate: typeof d['invalidityDate'] === 'string' ? new Date(d['invalidityDate']) : null,
      };
    case 'certificate.hold_released':
      return { type: e.type, serial: text(e.serial), caName: text(e.caName), deviceId: e.deviceId, crlShard: Number(d['crlShard'] ?? 0), releasedAt: e.at };
    case 'device.attributes_changed':
      return { type: e.type, deviceId: text(e.deviceId), attributes: (d['attributes'] ?? {}) as Record<string, string> };
    default:
      return null;
  }
}
