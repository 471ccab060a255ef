/**
 * The agent's failures as data: one table of stable codes (STYLE.md 2.4). The status file
 * and the logs carry the code; `detail` carries the server's EST code when there is one.
 */
export const AGENT_ERRORS = {
  CA_UNREACHABLE: 'the CA could not be reached (connection refused, reset or timed out)',
  SERVER_UNTRUSTED: 'the server certificate does not validate against the trust store',
  EST_REFUSED: 'the EST server refused the request',
  EST_PENDING: 'the enrollment awaits approval (202); retrying after Retry-After',
  EST_BAD_RESPONSE: 'the EST answer could not be read',
  NO_BOOTSTRAP: 'no identity and no bootstrap identity (certificate or enrollment secret) configured',
  CERTIFICATE_EXPIRED: 'the operational certificate expired and bootstrap fallback is not allowed or was refused',
  CERTIFICATE_REVOKED: 'the operational certificate is revoked: it is no longer presented',
  CLOCK_UNTRUSTED: 'the clock is before the agent build time, the certificate notBefore or a signed OCSP producedAt',
  CONFIG_INVALID: 'the agent configuration is invalid',
} as const;

export type AgentErrorCode = keyof typeof AGENT_ERRORS;

export class AgentError extends Error {
  override readonly name = 'AgentError';
  constructor(readonly code: AgentErrorCode, message?: string, readonly detail: Readonly<Record<string, unknown>> = {}) {
    super(message ?? AGENT_ERRORS[code]);
  }
}

export const isAgentError = (e: unknown): e is AgentError => e instanceof AgentError;
