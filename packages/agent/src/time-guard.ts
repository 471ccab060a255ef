/**
 * When the agent trusts its clock (issue 6, "Time"). A device without an RTC battery boots
 * in 1970; one with a drifting RTC may be years off. Deciding expiry or renewal on such a
 * clock would throw away a good certificate or keep a dead one, so the clock is refused
 * when it is before any of:
 *   - AGENT_BUILD_TIME: this release cannot run before it was built;
 *   - the current certificate's notBefore: the CA, whose clock is maintained, issued it then;
 *   - the newest OCSP producedAt the agent has verified (a signed statement of the CA's time),
 *     less a tolerance for the CA's own skew.
 * With an untrusted clock the agent keeps presenting its current identity, renews nothing,
 * applies no bundle, reports CLOCK_UNTRUSTED and retries with backoff (docs/agent.md).
 */
export const AGENT_BUILD_TIME = new Date('2026-11-22T00:00:00Z');
/** RFC 5019 responders pre-sign; a response a few minutes "ahead" of a fine device clock is normal. */
export const PRODUCED_AT_TOLERANCE_MS = 10 * 60 * 1000;

export interface TimeBounds {
  readonly notBefore?: Date | undefined;
  readonly lastProducedAt?: Date | undefined;
}

/** null when `now` is plausible, else why not. */
export function clockProblem(now: Date, b: TimeBounds, buildTime: Date = AGENT_BUILD_TIME): string | null {
  if (now < buildTime) return `the clock (${now.toISOString()}) is before the agent build time ${buildTime.toISOString()}`;
  if (b.notBefore && now < b.notBefore) return `the clock (${now.toISOString()}) is before the certificate notBefore ${b.notBefore.toISOString()}`;
  if (b.lastProducedAt && now.getTime() < b.lastProducedAt.getTime() - PRODUCED_AT_TOLERANCE_MS) {
    return `the clock (${now.toISOString()}) is before a verified OCSP producedAt ${b.lastProducedAt.toISOString()}`;
  }
  return null;
}
