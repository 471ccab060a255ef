/** The authorize step of every use case: permitted, or refused (and the refusal audited). */
import { ServiceError, toServiceError } from '../errors.js';
import type { CaDeps } from '../context.js';
import { refusalEvent } from '../audit/audit-log.js';
import { type Actor, isAllowed, type Permission } from './permissions.js';

export function authorize(actor: Actor, permission: Permission): void {
  if (!isAllowed(actor, permission)) {
    throw new ServiceError('FORBIDDEN', `role ${actor.role} may not ${permission}`, { permission });
  }
}

/** authorize() for reads: a refusal is audited too (reads that succeed are not). */
export async function authorizeAudited(deps: CaDeps, actor: Actor, permission: Permission, action: string, target: string | null = null): Promise<void> {
  try {
    authorize(actor, permission);
  } catch (e) {
    await deps.store.appendAudit([refusalEvent(deps.clock.now(), actor, action, target, e as ServiceError)]);
    throw e;
  }
}

/**
 * Runs a use case; any ServiceError (or core PkiError) it throws is audited as a refusal
 * under `action` and rethrown. Other errors are bugs or outages and propagate untouched.
 */
export async function audited<T>(deps: CaDeps, actor: Actor, action: string, target: string | null, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    let se: ServiceError;
    try { se = toServiceError(e); } catch { throw e; }
    await deps.store.appendAudit([refusalEvent(deps.clock.now(), actor, action, target, se)]);
    throw se;
  }
}
