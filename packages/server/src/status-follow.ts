/**
 * A server node follows the status-event outbox so that changes committed elsewhere (the
 * CLI on the same data folder, other nodes on PostgreSQL) reach its OCSP caches, CRL
 * scheduler and gateways as they would have had they been made here: each row is
 * published on the in-process bus as its domain event. Subscribers are idempotent, so the
 * node's own changes, which were published directly as well, do no harm when they come back.
 */
import { domainEventOf } from '@fleetpki/ca';
import { parseDuration } from '@fleetpki/core';
import type { Deployment } from './deployment.js';
import { DEFAULT_POLL_MS, StatusTail } from './status-tail.js';

export async function followStatusEvents(d: Pick<Deployment, 'store' | 'ca' | 'events' | 'config'>, onError: (err: unknown) => void, pollMs?: number): Promise<StatusTail> {
  const tail = new StatusTail(d.store, {
    pollMs: pollMs ?? DEFAULT_POLL_MS[d.config.database.kind],
    onEvents: (events) => {
      for (const e of events) {
        const event = domainEventOf(e);
        if (event) d.events.publish(event);
      }
    },
    // Missed rows (pruned before this node read them): every cached status may be stale.
    onReset: async () => { d.ca.ocsp.forgetAll(); },
    onError,
  });
  await tail.start();
  return tail;
}

const PRUNE_EVERY_MS = 3600_000;

/** Deletes outbox rows older than status.eventRetention, hourly; a failure waits for the next hour. */
export function pruneStatusEventsHourly(d: Pick<Deployment, 'store' | 'ca' | 'config'>, onError: (err: unknown) => void): () => void {
  const retentionMs = (parseDuration(d.config.status.eventRetention) ?? 7 * 86400) * 1000;
  const prune = (): void => { d.store.pruneStatusEvents(new Date(d.ca.deps.clock.now().getTime() - retentionMs)).catch(onError); };
  prune();
  const timer = setInterval(prune, PRUNE_EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
