/**
 * The development hierarchy made on a server's first start with an empty data folder:
 * a root (its key handed back to the caller, who keeps it encrypted outside the store,
 * as a production root would be), an online issuing CA, and a delegated OCSP signer.
 * Everything is computed before the first write; a crash half-way is detected on the
 * next start and reported instead of patched over.
 */
import { parseNameString, parseSpkiDer, type Signer, formatName } from '@fleetpki/core';
import { ServiceError } from '../errors.js';
import type { CaDeps } from '../context.js';
import { SYSTEM_ACTOR } from '../auth/permissions.js';
import { successEvent } from '../audit/audit-log.js';
import type { IssuerRegistry } from '../issue/issuer-registry.js';
import type { IssuancePipeline } from '../issue/pipeline.js';
import { newSerial } from '../issue/serial.js';
import { statusUrls } from '../issue/status-urls.js';
import { DEFAULT_CA_SETTING } from '../issue/issue-certificate.js';
import { createRootCertificate, signSubordinateCa } from './ca-certificates.js';
import { newCaRecord } from './ca-record.js';
import { DEVELOPMENT_HIERARCHY, HIERARCHY_SETTING } from './settings.js';

export const DEV_NAMES = { root: 'dev-root', issuing: 'dev-issuing', ocsp: 'dev-ocsp' } as const;
const DEV_SUBJECTS = {
  root: 'CN=FleetPKI Development Root,O=FleetPKI Development',
  issuing: 'CN=FleetPKI Development Issuing CA,O=FleetPKI Development',
  ocsp: 'CN=FleetPKI Development OCSP Signer,O=FleetPKI Development',
};

function profile(deps: CaDeps, name: string) {
  const p = deps.settings.profiles.get(name);
  if (!p) throw new ServiceError('PROFILE_NOT_FOUND', `profile ${name} is not configured`);
  return p;
}

/** True when the store already holds a hierarchy; throws when an earlier creation was cut short. */
export async function hierarchyExists(deps: CaDeps): Promise<boolean> {
  if (await deps.store.getSetting(HIERARCHY_SETTING)) return true;
  if ((await deps.store.listCas()).length) {
    throw new ServiceError('CA_EXISTS', 'the store holds CAs but no completed hierarchy: an earlier first start was interrupted; start over with an empty data folder');
  }
  return false;
}

export async function createDevelopmentHierarchy(deps: CaDeps, issuers: IssuerRegistry, pipeline: IssuancePipeline, rootSigner: Signer): Promise<void> {
  const actor = SYSTEM_ACTOR;
  const now = deps.clock.now();
  // 1. root and issuing CA certificates, computed before any write
  const rootDer = await createRootCertificate({ profile: profile(deps, 'root'), subject: parseNameString(DEV_SUBJECTS.root), signer: rootSigner, validitySeconds: 10 * 365 * 86400, now, serial: newSerial(deps.random) });
  const issuing = await deps.keys.generate('ecdsa-p256');
  const issuingDer = await signSubordinateCa({
    profile: profile(deps, 'issuing-ca'), issuerCertificateDer: rootDer, issuerSigner: rootSigner,
    publicKey: parseSpkiDer(issuing.signer.publicKeyDer), subject: parseNameString(DEV_SUBJECTS.issuing),
    validitySeconds: 5 * 365 * 86400, urls: statusUrls(deps.settings.publicUrl, DEV_NAMES.root), now, serial: newSerial(deps.random),
  });
  // 2. CA records
  const subject = (s: string) => formatName(parseNameString(s));
  await deps.store.createCa(newCaRecord({ name: DEV_NAMES.root, role: 'root', status: 'active', subject: subject(DEV_SUBJECTS.root), createdAt: now, certificateDer: rootDer }),
    [successEvent(now, actor, 'ca.create', DEV_NAMES.root, { role: 'root', development: true })]);
  await deps.store.createCa(newCaRecord({
    name: DEV_NAMES.issuing, role: 'issuing', status: 'active', subject: subject(DEV_SUBJECTS.issuing), createdAt: now,
    parent: DEV_NAMES.root, certificateDer: issuingDer, chainDer: [rootDer], key: issuing.key,
  }), [successEvent(now, actor, 'ca.create', DEV_NAMES.issuing, { role: 'issuing', development: true })]);
  // 3. the delegated OCSP signer, issued through the issuance cycle
  const ocsp = await deps.keys.generate('ecdsa-p256');
  const issued = await pipeline.run(profile(deps, 'ocsp-signer'), await issuers.get(DEV_NAMES.issuing),
    { publicKey: parseSpkiDer(ocsp.signer.publicKeyDer), subject: parseNameString(DEV_SUBJECTS.ocsp), subjectAltNames: [] }, actor, 'certificate.issue');
  await deps.store.putDelegatedSigner({ name: DEV_NAMES.ocsp, purpose: 'ocsp', caName: DEV_NAMES.issuing, certificateDer: issued.certificateDer, key: ocsp.key, createdAt: now },
    [successEvent(now, actor, 'signer.create', DEV_NAMES.ocsp, { serial: issued.serial })]);
  // 4. done: the marker is written last
  await deps.store.setSetting(DEFAULT_CA_SETTING, DEV_NAMES.issuing);
  await deps.store.setSetting(HIERARCHY_SETTING, DEVELOPMENT_HIERARCHY);
}
