/**
 * Per-group token buckets: `requests` tokens refilled evenly over `perSeconds`, so a group
 * allows bursts up to `requests` and that rate on average. State is per process and starts
 * full; time comes from the Clock port.
 */
import { ServiceError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { EnrollmentGroupRecord } from '../ports/enrollment-store.js';

interface Bucket { tokens: number; at: number }

export class EnrollmentRateLimiter {
  readonly #buckets = new Map<string, Bucket>();
  constructor(private readonly clock: Clock) {}

  /** Takes one token, or throws ENROLLMENT_RATE_LIMITED with the seconds until the next one. */
  take(group: EnrollmentGroupRecord): void {
    const limit = group.rateLimit;
    if (!limit) return;
    const now = this.clock.now().getTime();
    const perMs = limit.requests / (limit.perSeconds * 1000);
    const bucket = this.#buckets.get(group.label) ?? { tokens: limit.requests, at: now };
    bucket.tokens = Math.min(limit.requests, bucket.tokens + Math.max(0, now - bucket.at) * perMs);
    bucket.at = now;
    this.#buckets.set(group.label, bucket);
    if (bucket.tokens >= 1) { bucket.tokens -= 1; return; }
    const retryAfterSeconds = Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000));
    throw new ServiceError('ENROLLMENT_RATE_LIMITED', `group ${group.label} allows ${limit.requests} requests per ${limit.perSeconds} s`, {
      group: group.label, retryAfterSeconds,
    });
  }
}
