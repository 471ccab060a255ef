/**
 * Device attributes (issue 7): kept apart from certificates, so that changing one stops a
 * device at once on every gateway (the seeds' "instant revocation") without touching its
 * certificate. Replace, not merge: what is PUT is what the rules see.
 *   1. authorize - device.manage (admin, operator) to write; device.read to read
 *   2. validate  - device id (core) and attributes (names, values, count)
 *   3. record    - attributes, audit event and outbox row in one transaction
 *   4. publish   - device.attributes_changed, after the commit (gateways re-check live connections)
 */
import { checkDeviceId } from '@fleetpki/core';
import { ServiceError } from '../errors.js';
import type { CaDeps } from '../context.js';
import type { Actor } from '../auth/permissions.js';
import { audited, authorize, authorizeAudited } from '../auth/authorize.js';
import { successEvent } from '../audit/audit-log.js';
import { checkAttributes } from '../issue/attributes.js';

export interface DeviceAttributesView {
  readonly deviceId: string;
  readonly attributes: Readonly<Record<string, string>>;
}

export async function setDeviceAttributes(deps: CaDeps, actor: Actor, deviceId: string, attributes: Readonly<Record<string, string>>): Promise<DeviceAttributesView> {
  return audited(deps, actor, 'device.attributes', deviceId, async () => {
    // 1. authorize
    authorize(actor, 'device.manage');
    // 2. validate
    const id = checkDeviceId(deviceId);
    const checked = checkAttributes(attributes);
    // 3. record
    const at = deps.clock.now();
    await deps.store.putDeviceAttributes(id, checked, at, (previous) => [successEvent(at, actor, 'device.attributes', id, { attributes: checked, previous })]);
    // 4. publish
    deps.events.publish({ type: 'device.attributes_changed', deviceId: id, attributes: checked });
    return { deviceId: id, attributes: checked };
  });
}

export async function getDeviceAttributes(deps: CaDeps, actor: Actor, deviceId: string): Promise<DeviceAttributesView> {
  await authorizeAudited(deps, actor, 'device.read', 'device.read', deviceId);
  const found = await deps.store.getDeviceAttributes(deviceId);
  if (!found) throw new ServiceError('DEVICE_NOT_FOUND', `no device ${deviceId}`, { deviceId });
  return { deviceId: found.deviceId, attributes: found.attributes };
}
