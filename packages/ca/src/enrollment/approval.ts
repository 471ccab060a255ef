/**
 * Manual approval (RFC 7030 4.2.3): the first request of a device records a pending
 * enrollment for that exact CSR and answers `pending` with a Retry-After; an administrator
 * approves or rejects it; the device sends the same CSR again and gets its certificate. A
 * different CSR replaces the request and waits for a new decision.
 */
import { createHash } from 'node:crypto';
import { formatName, type Csr } from '@fleetpki/core';
import { ServiceError } from '../errors.js';
import type { CaDeps } from '../context.js';
import type { EnrollmentGroupRecord, PendingEnrollmentRecord } from '../ports/enrollment-store.js';
import type { Actor } from '../auth/permissions.js';
import { successEvent } from '../audit/audit-log.js';
import type { EnrollRequest, EnrollResult } from './types.js';

export type ApprovalOutcome =
  | { readonly kind: 'automatic' }
  | { readonly kind: 'approved'; readonly pending: PendingEnrollmentRecord }
  | { readonly kind: 'wait'; readonly result: EnrollResult };

export async function checkApproval(
  deps: CaDeps, group: EnrollmentGroupRecord, actor: Actor, deviceId: string, csr: Csr, request: EnrollRequest,
): Promise<ApprovalOutcome> {
  if (group.approval === 'automatic') return { kind: 'automatic' };
  const csrSha256 = createHash('sha256').update(csr.der).digest('hex');
  const found = await deps.store.findPendingEnrollment(group.label, deviceId);
  if (found && found.csrSha256 === csrSha256) {
    if (found.status === 'approved') return { kind: 'approved', pending: found };
    if (found.status === 'rejected') throw new ServiceError('ENROLLMENT_REJECTED', 'an administrator rejected this request', { by: found.decidedBy, requestId: found.id });
    return wait(group, found.id);
  }
  const now = deps.clock.now();
  const pending: PendingEnrollmentRecord = {
    id: Buffer.from(deps.random.bytes(16)).toString('hex'), label: group.label, deviceId, csrSha256,
    subject: formatName(csr.subject), source: request.source, status: 'pending', createdAt: now, decidedAt: null, decidedBy: null,
  };
  await deps.store.putPendingEnrollment(pending, [successEvent(now, actor, 'enrollment.pending', pending.id, {
    group: group.label, deviceId, source: request.source, operation: request.operation, ...(found ? { replaces: found.id } : {}),
  })]);
  return wait(group, pending.id);
}

const wait = (group: EnrollmentGroupRecord, requestId: string): ApprovalOutcome =>
  ({ kind: 'wait', result: { status: 'pending', retryAfterSeconds: group.retryAfterSeconds, requestId } });
