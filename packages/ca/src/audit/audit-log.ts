/** Builds audit events; every use case records success and refusal the same way. */
import type { AuditEventInput } from '../ports/store.js';
import type { Actor } from '../auth/permissions.js';
import type { ServiceError } from '../errors.js';

export function successEvent(at: Date, actor: Actor, action: string, target: string | null, detail?: Record<string, unknown>): AuditEventInput {
  return { at, actor: actor.id, action, outcome: 'success', target, code: null, detail: detail ?? null };
}

export function refusalEvent(at: Date, actor: Actor, action: string, target: string | null, e: ServiceError): AuditEventInput {
  return {
    at, actor: actor.id, action, outcome: e.kind === 'unavailable' ? 'failure' : 'refused', target, code: e.code,
    detail: { message: e.message, ...(e.detail ?? {}) },
  };
}
