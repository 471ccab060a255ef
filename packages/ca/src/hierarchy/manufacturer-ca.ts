/**
 * A contract manufacturer's sub-CA, signed online by an issuing CA:
 *   1. authorize (admin) and check the parent is an active issuing CA
 *   2. make the key; record the CA as pending (a crash leaves a visible pending CA)
 *   3. certificate from the manufacturer-ca profile: pathLenConstraint 0 and name
 *      constraints on the manufacturer's device namespace (RFC 5280 4.2.1.10), issued
 *      through the issuance cycle so it is recorded and audited like any certificate
 *   4. activate with its quota and attributes
 */
import { formatName, type KeyType, parseNameString, parseSpkiDer, type NameConstraints, type Subtree } from '@fleetpki/core';
import { ServiceError } from '../errors.js';
import type { CaDeps } from '../context.js';
import type { CaRecord } from '../ports/store.js';
import type { Actor } from '../auth/permissions.js';
import { audited, authorize } from '../auth/authorize.js';
import { successEvent } from '../audit/audit-log.js';
import type { IssuerRegistry } from '../issue/issuer-registry.js';
import type { IssuancePipeline } from '../issue/pipeline.js';
import { checkCaName, newCaRecord } from './ca-record.js';

export interface ManufacturerCaInput {
  readonly name: string;
  readonly parent: string;
  readonly subject: string;
  /** The contract manufacturer's name, kept as an attribute. */
  readonly manufacturer: string;
  /** DNS-style host that device ids under this CA live in: device://<namespace>/<id>. */
  readonly namespace: string;
  readonly quota: number | null;
  readonly keyType: KeyType;
  readonly validitySeconds?: number;
  /** Extra permitted subtrees beyond the namespace (e.g. a directoryName). */
  readonly permitted?: readonly Subtree[];
}

const NAMESPACE = /^(?=.{1,200}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** Device URIs are device://<namespace>/<id>: a URI subtree on the host, and DNS for the same zone. */
export function namespaceConstraints(namespace: string, extra: readonly Subtree[] = []): NameConstraints {
  return { permitted: [{ type: 'uri', value: namespace }, { type: 'dns', value: namespace }, ...extra], excluded: [] };
}

function checkInput(input: ManufacturerCaInput): void {
  checkCaName(input.name);
  if (!NAMESPACE.test(input.namespace)) throw new ServiceError('REQUEST_INVALID', 'namespace must be a lower-case DNS name such as cm1.devices.example.com');
  if (input.quota !== null && (!Number.isSafeInteger(input.quota) || input.quota < 1)) throw new ServiceError('REQUEST_INVALID', 'quota must be a positive integer');
  if (!input.manufacturer.trim() || input.manufacturer.length > 128) throw new ServiceError('REQUEST_INVALID', 'manufacturer name: 1-128 characters');
}

export async function createManufacturerCa(
  deps: CaDeps, issuers: IssuerRegistry, pipeline: IssuancePipeline, actor: Actor, input: ManufacturerCaInput,
): Promise<CaRecord> {
  return audited(deps, actor, 'ca.create', input.name, async () => {
    // 1. authorize
    authorize(actor, 'ca.manage');
    checkInput(input);
    const subject = parseNameString(input.subject);
    const parent = await issuers.get(input.parent);
    if (parent.record.role !== 'issuing') throw new ServiceError('PROFILE_NOT_ALLOWED', `manufacturer CAs are signed by an issuing CA, ${input.parent} is ${parent.record.role}`);
    const profile = deps.settings.profiles.get('manufacturer-ca');
    if (!profile) throw new ServiceError('PROFILE_NOT_FOUND', 'profile manufacturer-ca is not configured');
    // 2. key, pending record
    const { key, signer } = await deps.keys.generate(input.keyType);
    const nameConstraints = namespaceConstraints(input.namespace, input.permitted);
    const now = deps.clock.now();
    const attributes = { manufacturer: input.manufacturer.trim(), namespace: input.namespace };
    const pending = newCaRecord({
      name: input.name, role: 'manufacturer', status: 'pending', subject: formatName(subject), createdAt: now,
      parent: input.parent, key, attributes, nameConstraints, quota: input.quota,
    });
    await deps.store.createCa(pending, [successEvent(now, actor, 'ca.create', input.name, { role: 'manufacturer', status: 'pending', ...attributes, quota: input.quota })]);
    // 3. certificate through the issuance cycle
    const issued = await pipeline.run(profile, parent, {
      publicKey: parseSpkiDer(signer.publicKeyDer), subject, subjectAltNames: [], nameConstraints,
      ...(input.validitySeconds !== undefined ? { validitySeconds: input.validitySeconds } : {}),
    }, actor, 'certificate.issue');
    // 4. activate
    const patch = { status: 'active' as const, certificateDer: issued.certificateDer, chainDer: parent.chainDer };
    await deps.store.updateCa(input.name, patch, [successEvent(deps.clock.now(), actor, 'ca.activate', input.name, { serial: issued.serial })]);
    deps.events.publish({ type: 'ca.changed', caName: input.name });
    return { ...pending, ...patch };
  });
}
