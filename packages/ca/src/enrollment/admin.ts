/**
 * Administration of enrollment groups: create, list, show, one-time secrets, and the
 * decision on pending enrollments. Groups are CA configuration (ca.manage, admins);
 * secrets and approvals are issuance decisions (certificate.issue, admins and operators).
 */
import { ServiceError } from '../errors.js';
import type { CaDeps } from '../context.js';
import type { EnrollmentGroupRecord, PendingEnrollmentRecord } from '../ports/enrollment-store.js';
import type { Actor } from '../auth/permissions.js';
import { audited, authorize, authorizeAudited } from '../auth/authorize.js';
import { successEvent } from '../audit/audit-log.js';
import { checkDeviceId } from '@fleetpki/core';
import { DEFAULT_CA_SETTING } from '../issue/issue-certificate.js';
import type { IssuerRegistry } from '../issue/issuer-registry.js';
import { hashSecret } from './authenticate.js';
import { checkGroupProfile, groupRecord, type EnrollmentGroupInput } from './group-input.js';
import { checkDeviceIdAllowed } from './identity.js';

/** 256 bits from the RandomSource, base64url: 43 characters that survive HTTP Basic and shells. */
const SECRET_BYTES = 32;

async function findGroup(deps: CaDeps, label: string): Promise<EnrollmentGroupRecord> {
  const group = await deps.store.getEnrollmentGroup(label);
  if (!group) throw new ServiceError('ENROLLMENT_GROUP_NOT_FOUND', `no enrollment group ${JSON.stringify(label)}`, { label });
  return group;
}

export async function createEnrollmentGroup(deps: CaDeps, issuers: IssuerRegistry, actor: Actor, input: EnrollmentGroupInput): Promise<EnrollmentGroupRecord> {
  return audited(deps, actor, 'enrollment_group.create', typeof input.label === 'string' ? input.label : null, async () => {
    authorize(actor, 'ca.manage');
    checkGroupProfile(deps.settings.profiles.get(input.profile), input.profile);
    const caName = input.caName ?? (await deps.store.getSetting(DEFAULT_CA_SETTING));
    if (!caName) throw new ServiceError('CA_NOT_FOUND', 'no CA named and no default CA configured');
    const ca = await issuers.record(caName);
    if (ca.role === 'root') throw new ServiceError('PROFILE_NOT_ALLOWED', `CA ${caName} is a root: it issues no device certificates`, { ca: caName });
    const now = deps.clock.now();
    const group = groupRecord(input, caName, now);
    await deps.store.createEnrollmentGroup(group, [successEvent(now, actor, 'enrollment_group.create', group.label, {
      ca: caName, profile: group.profile, approval: group.approval, anchors: group.anchorsDer.length,
    })]);
    return group;
  });
}

export async function listEnrollmentGroups(deps: CaDeps, actor: Actor): Promise<EnrollmentGroupRecord[]> {
  await authorizeAudited(deps, actor, 'ca.read', 'enrollment_group.list');
  return deps.store.listEnrollmentGroups();
}

export async function getEnrollmentGroup(deps: CaDeps, actor: Actor, label: string): Promise<EnrollmentGroupRecord> {
  await authorizeAudited(deps, actor, 'ca.read', 'enrollment_group.read', label);
  return findGroup(deps, label);
}

/** A one-time secret for `deviceId` in this group; only its SHA-256 is stored. */
export async function createEnrollmentSecret(deps: CaDeps, actor: Actor, label: string, deviceId: string): Promise<{ secret: string; deviceId: string; label: string }> {
  return audited(deps, actor, 'enrollment_secret.create', label, async () => {
    authorize(actor, 'certificate.issue');
    const group = await findGroup(deps, label);
    if (typeof deviceId !== 'string') throw new ServiceError('REQUEST_INVALID', 'deviceId: a string');
    checkDeviceIdAllowed(group, checkDeviceId(deviceId));
    const secret = Buffer.from(deps.random.bytes(SECRET_BYTES)).toString('base64url');
    const now = deps.clock.now();
    await deps.store.createEnrollmentSecret({ secretHash: hashSecret(secret), label, deviceId, createdAt: now, usedAt: null }, [
      successEvent(now, actor, 'enrollment_secret.create', label, { group: label, deviceId }),
    ]);
    return { secret, deviceId, label };
  });
}

export async function listPendingEnrollments(deps: CaDeps, actor: Actor, label: string): Promise<PendingEnrollmentRecord[]> {
  await authorizeAudited(deps, actor, 'ca.read', 'enrollment_pending.list', label);
  await findGroup(deps, label);
  return deps.store.listPendingEnrollments(label);
}

export async function decidePendingEnrollment(
  deps: CaDeps, actor: Actor, label: string, id: string, decision: 'approved' | 'rejected',
): Promise<PendingEnrollmentRecord> {
  const action = decision === 'approved' ? 'enrollment.approve' : 'enrollment.reject';
  return audited(deps, actor, action, id, async () => {
    authorize(actor, 'certificate.issue');
    await findGroup(deps, label);
    const pending = await deps.store.getPendingEnrollment(id);
    if (!pending || pending.label !== label) throw new ServiceError('ENROLLMENT_PENDING_NOT_FOUND', undefined, { id });
    const now = deps.clock.now();
    const outcome = await deps.store.decidePendingEnrollment(id, decision, now, actor.id, [
      successEvent(now, actor, action, id, { group: label, deviceId: pending.deviceId }),
    ]);
    if (outcome === 'not_found') throw new ServiceError('ENROLLMENT_PENDING_NOT_FOUND', undefined, { id });
    if (outcome === 'not_pending') throw new ServiceError('ENROLLMENT_PENDING_DECIDED', undefined, { id, status: pending.status });
    return { ...pending, status: decision, decidedAt: now, decidedBy: actor.id };
  });
}
