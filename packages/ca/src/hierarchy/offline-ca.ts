/**
 * A manufacturer CA for a factory station without a network path to the CA (issue 8,
 * docs/batch.md "Offline stations"):
 *   export (central)  the CA's certificate, chain, constraints and a quota allotment, with
 *                     its key re-encrypted under a passphrase for the station; audited
 *   import (station)  the CA taken into the station's own data folder, its key encrypted
 *                     again under the station's CA passphrase, active with that quota
 * The station then signs batches as the CA would, and the central store imports what it
 * issued (batch/import-batch.ts), counting it against the CA's quota there.
 */
import { ServiceError } from '../errors.js';
import type { CaDeps } from '../context.js';
import type { Actor } from '../auth/permissions.js';
import { audited, authorize } from '../auth/authorize.js';
import { successEvent } from '../audit/audit-log.js';
import type { CaRecord } from '../ports/store.js';
import { parseCertificate, type NameConstraints } from '@fleetpki/core';
import { checkCaName } from './ca-record.js';

/** What travels to the station. Only `keyPem` is secret, and it is encrypted. */
export interface OfflineCaPackage {
  readonly name: string;
  readonly subject: string;
  readonly certificateDer: Uint8Array;
  /** Issuer first, root last. */
  readonly chainDer: readonly Uint8Array[];
  readonly attributes: Readonly<Record<string, string>>;
  readonly nameConstraints: NameConstraints | null;
  /** Certificates the station may issue; null: no limit. */
  readonly quota: number | null;
  /** Encrypted PKCS#8 (PBES2) under the export passphrase. */
  readonly keyPem: string;
}

function allotment(ca: CaRecord, wanted: number | null): number | null {
  const left = ca.quota === null ? null : ca.quota - ca.issuedCount;
  if (wanted !== null && (!Number.isSafeInteger(wanted) || wanted < 1)) throw new ServiceError('REQUEST_INVALID', 'quota must be a positive integer');
  if (left === null) return wanted;
  if (left < 1) throw new ServiceError('QUOTA_EXCEEDED', `CA ${ca.name} has issued its quota of ${ca.quota} certificates`, { ca: ca.name });
  return wanted === null ? left : Math.min(wanted, left);
}

export async function exportOfflineCa(deps: CaDeps, actor: Actor, name: string, passphrase: string, quota: number | null): Promise<OfflineCaPackage> {
  return audited(deps, actor, 'ca.export_offline', name, async () => {
    authorize(actor, 'ca.manage');
    const ca = await deps.store.getCa(name);
    if (!ca) throw new ServiceError('CA_NOT_FOUND', `no CA named ${name}`, { ca: name });
    if (ca.role !== 'manufacturer') throw new ServiceError('PROFILE_NOT_ALLOWED', `only manufacturer CAs go to offline stations, ${name} is ${ca.role}`);
    if (ca.status !== 'active' || !ca.certificateDer) throw new ServiceError('CA_NOT_ACTIVE', `CA ${name} is ${ca.status}`, { ca: name });
    if (!ca.key || !deps.keys.exportEncrypted) throw new ServiceError('KEY_UNAVAILABLE', `the key of CA ${name} cannot leave its key store`, { ca: name });
    const allotted = allotment(ca, quota);
    const keyPem = await deps.keys.exportEncrypted(ca.key, passphrase);
    await deps.store.appendAudit([successEvent(deps.clock.now(), actor, 'ca.export_offline', name, { quota: allotted })]);
    return {
      name, subject: ca.subject, certificateDer: ca.certificateDer, chainDer: ca.chainDer, attributes: ca.attributes,
      nameConstraints: ca.nameConstraints, quota: allotted, keyPem,
    };
  });
}

export async function importOfflineCa(deps: CaDeps, actor: Actor, pkg: OfflineCaPackage, passphrase: string): Promise<CaRecord> {
  return audited(deps, actor, 'ca.import_offline', pkg.name, async () => {
    authorize(actor, 'ca.manage');
    checkCaName(pkg.name);
    if (!deps.keys.importEncrypted) throw new ServiceError('KEY_UNAVAILABLE', 'this deployment\'s key store cannot take in a software key');
    const { key, signer } = await deps.keys.importEncrypted(pkg.keyPem, passphrase);
    const now = deps.clock.now();
    const record: CaRecord = {
      name: pkg.name, role: 'manufacturer', status: 'active', parent: null, subject: pkg.subject, certificateDer: pkg.certificateDer,
      chainDer: pkg.chainDer, csrDer: null, key, attributes: pkg.attributes, nameConstraints: pkg.nameConstraints, quota: pkg.quota,
      issuedCount: 0, createdAt: now,
    };
    // The key must be the certificate's; IssuerRegistry checks it again whenever it loads the CA.
    if (!Buffer.from(signer.publicKeyDer).equals(parseCertificate(pkg.certificateDer).publicKey.spki)) {
      throw new ServiceError('CA_CERTIFICATE_MISMATCH', 'the exported key is not the key of the exported certificate');
    }
    await deps.store.createCa(record, [successEvent(now, actor, 'ca.import_offline', pkg.name, { quota: pkg.quota, offline: true })]);
    deps.events.publish({ type: 'ca.changed', caName: pkg.name });
    return record;
  });
}
