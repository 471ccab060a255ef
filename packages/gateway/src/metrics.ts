/**
 * The gateway's Prometheus metrics, on their own Registry (served on the plain-HTTP
 * `--metrics` listener, metrics-server.ts). Labels are bounded: protocol, refusal code,
 * alert kind; never a device id or topic.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Protocol } from './live-connections.js';
import type { RefusalCode } from './refusals.js';

export type AlertKind = 'clone' | 'sequence';

export class GatewayMetrics {
  readonly registry = new Registry();

  readonly connections = new Counter({
    name: 'fleetpki_gateway_connections_total', help: 'Connections admitted, by protocol and whether TLS resumed a session',
    labelNames: ['protocol', 'resumed'] as const, registers: [this.registry],
  });

  /** Read from the live index at each scrape (liveCount). */
  readonly live = new Gauge({
    name: 'fleetpki_gateway_connections_live', help: 'Admitted connections open now, by protocol',
    labelNames: ['protocol'] as const, registers: [this.registry],
    collect: () => { for (const p of ['https', 'mqtt'] as const) this.live.set({ protocol: p }, this.liveCount(p)); },
  });

  /** Set by the gateway to its live index. */
  liveCount: (protocol: Protocol) => number = () => 0;

  readonly refusals = new Counter({
    name: 'fleetpki_gateway_refusals_total', help: 'Connections and messages refused, by protocol and stable code',
    labelNames: ['protocol', 'code'] as const, registers: [this.registry],
  });

  readonly messages = new Counter({
    name: 'fleetpki_gateway_messages_total', help: 'Messages accepted (MQTT PUBLISH, HTTPS POST), by protocol',
    labelNames: ['protocol'] as const, registers: [this.registry],
  });

  readonly closedByEnforcement = new Counter({
    name: 'fleetpki_gateway_enforced_closes_total', help: 'Live connections closed because a revocation or an attribute change made them fail',
    labelNames: ['code'] as const, registers: [this.registry],
  });

  /** From the change's commit (its outbox row's time) to the live connection closed. */
  readonly enforcementSeconds = new Histogram({
    name: 'fleetpki_gateway_enforcement_seconds', help: 'Time from a revocation or attribute change to the close of a connection it stops',
    registers: [this.registry], buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  });

  readonly alerts = new Counter({
    name: 'fleetpki_gateway_alerts_total', help: 'Alerts raised: clone (one certificate live from two addresses), sequence (a way station out of order)',
    labelNames: ['kind'] as const, registers: [this.registry],
  });

  readonly staplingAgeSeconds = new Gauge({
    name: 'fleetpki_gateway_ocsp_staple_age_seconds', help: 'Age of the stapled OCSP response (since its thisUpdate); absent before the first one',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  refused(protocol: Protocol, code: RefusalCode): void {
    this.refusals.inc({ protocol, code });
  }
}
