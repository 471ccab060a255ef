/**
 * The status document: STATE/status.json (rewritten atomically after every tick) and
 * `fleetpki-agent status`. Device software reads it to know whether it has an identity,
 * until when, and what went wrong last.
 */
import { anchorLabel, subjectString, type TrustStore } from '@fleetpki/core';
import type { Identity } from './identity-store.js';

export interface AgentStatus {
  readonly updatedAt: string;
  readonly state: 'no-identity' | 'ok' | 'renewal-due' | 'expired' | 'revoked';
  readonly identity: null | {
    readonly subject: string;
    readonly serial: string;
    readonly notBefore: string;
    readonly notAfter: string;
    readonly generation: number;
    readonly source: string;
    readonly certificateFile: string;
    readonly keyId: string;
    readonly revokedAt: string | null;
  };
  readonly nextRenewalAt: string | null;
  readonly nextWakeAt: string | null;
  readonly lastRenewalAt: string | null;
  readonly failures: number;
  readonly lastError: null | { readonly code: string; readonly message: string; readonly at: string; readonly detail?: Readonly<Record<string, unknown>> };
  readonly lastOcsp: null | { readonly status: string; readonly checkedAt: string; readonly producedAt?: string; readonly reason?: string };
  readonly lastBundle: null | { readonly applied: boolean; readonly at: string; readonly code?: string; readonly sequence?: number };
  readonly trustStore: null | { readonly sequence: number; readonly anchors: readonly string[] };
}

export interface StatusInput {
  readonly now: Date;
  readonly identity: Identity | null;
  readonly trust: TrustStore | null;
  readonly memory: Pick<AgentStatus, 'failures' | 'lastError' | 'lastOcsp' | 'lastBundle' | 'lastRenewalAt'>;
  readonly nextAt: Date | null;
  readonly renewalAt: Date | null;
}

function stateOf(i: StatusInput): AgentStatus['state'] {
  const id = i.identity;
  if (!id) return 'no-identity';
  if (id.pointer.revokedAt) return 'revoked';
  if (i.now > id.certificate.notAfter) return 'expired';
  return i.renewalAt && i.now >= i.renewalAt ? 'renewal-due' : 'ok';
}

export function statusOf(i: StatusInput): AgentStatus {
  const id = i.identity;
  return {
    updatedAt: i.now.toISOString(),
    state: stateOf(i),
    identity: id ? {
      subject: subjectString(id.certificate), serial: id.pointer.serial, notBefore: id.pointer.notBefore, notAfter: id.pointer.notAfter,
      generation: id.pointer.generation, source: id.pointer.source, certificateFile: `generations/${id.pointer.generation}/chain.pem`,
      keyId: id.pointer.keyId, revokedAt: id.pointer.revokedAt ?? null,
    } : null,
    nextRenewalAt: i.renewalAt?.toISOString() ?? null,
    nextWakeAt: i.nextAt?.toISOString() ?? null,
    lastRenewalAt: i.memory.lastRenewalAt,
    failures: i.memory.failures,
    lastError: i.memory.lastError,
    lastOcsp: i.memory.lastOcsp,
    lastBundle: i.memory.lastBundle,
    trustStore: i.trust ? { sequence: i.trust.sequence, anchors: i.trust.anchors().map(anchorLabel) } : null,
  };
}
