/**
 * Prometheus metrics of one app instance. Each app has its own Registry, so two apps in
 * one process (tests, or REST API and EST side by side) never share or double-register.
 */
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { DomainEvent } from '@fleetpki/ca';

export class AppMetrics {
  readonly registry = new Registry();

  /** Counted from certificate.issued events, so every issuance path in this process is seen. */
  readonly issued = new Counter({
    name: 'fleetpki_certificates_issued_total', help: 'Certificates issued, by profile and issuing CA',
    labelNames: ['profile', 'ca'] as const, registers: [this.registry],
  });

  /** Counted from certificate.revoked events: revocations and holds made final, by reason. */
  readonly revoked = new Counter({
    name: 'fleetpki_certificates_revoked_total', help: 'Certificates revoked (holds made final included), by reason and issuing CA',
    labelNames: ['reason', 'ca'] as const, registers: [this.registry],
  });

  /** Every problem answered with a stable code (refused, malformed, unauthenticated, ...). */
  readonly refusals = new Counter({
    name: 'fleetpki_refusals_total', help: 'Requests refused, by stable error code',
    labelNames: ['code'] as const, registers: [this.registry],
  });

  readonly internalErrors = new Counter({
    name: 'fleetpki_internal_errors_total', help: 'Requests answered 500 because of a bug or an outage',
    registers: [this.registry],
  });

  /** `route` is the route pattern (bounded), never the raw URL; unmatched requests share one label. */
  readonly httpDuration = new Histogram({
    name: 'fleetpki_http_request_duration_seconds', help: 'HTTP request duration',
    labelNames: ['method', 'route', 'status'] as const, registers: [this.registry],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  onEvent(event: DomainEvent): void {
    if (event.type === 'certificate.issued') this.issued.inc({ profile: event.profile, ca: event.caName });
    else if (event.type === 'certificate.revoked') this.revoked.inc({ reason: event.reason, ca: event.caName });
  }
}
