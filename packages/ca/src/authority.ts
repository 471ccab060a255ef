/**
 * The CA as servers and the CLI see it: one object over the ports, whose methods are
 * the use cases. It holds no logic of its own beyond wiring.
 */
import type { Signer } from '@fleetpki/core';
import type { CaDeps } from './context.js';
import type { CertificateQuery } from './ports/store.js';
import type { RevocationQuery } from './ports/revocation-store.js';
import type { Actor } from './auth/permissions.js';
import type { ServiceError } from './errors.js';
import { refusalEvent } from './audit/audit-log.js';
import { verifyAuditLog } from './audit/verify-audit.js';
import { authenticateToken, createApiToken, listApiTokens, revokeApiToken } from './auth/api-tokens.js';
import { IssuerRegistry } from './issue/issuer-registry.js';
import { IssuancePipeline } from './issue/pipeline.js';
import { CertificateIssuer, type IssueInput } from './issue/issue-certificate.js';
import { createIssuingCaRequest, importCaCertificate, type ImportCaInput, type IssuingCaRequestInput } from './hierarchy/issuing-ca.js';
import { createManufacturerCa, type ManufacturerCaInput } from './hierarchy/manufacturer-ca.js';
import { createDevelopmentHierarchy, hierarchyExists } from './hierarchy/dev-hierarchy.js';
import { getCa, getCertificate, listCas, searchCertificates } from './query/queries.js';
import { revokeCertificate, revokeDevice } from './revocation/revoke-certificate.js';
import { previewRevocation, revokeByQuery, type MassRevocationInput } from './revocation/mass-revocation.js';
import { releaseHold } from './revocation/release-hold.js';
import type { RevokeInput } from './revocation/revocation-input.js';
import { DEFAULT_CRL_SETTINGS, DEFAULT_OCSP_SETTINGS } from './context.js';
import { CrlPublisher } from './status/crl-publisher.js';
import { OcspIssuerIndex } from './status/ocsp-issuers.js';
import { OcspResponder } from './status/ocsp-responder.js';
import { OcspSigners } from './status/ocsp-signers.js';
import { EnrollmentUseCase } from './enrollment/service.js';
import {
  createEnrollmentGroup, createEnrollmentSecret, decidePendingEnrollment, getEnrollmentGroup, listEnrollmentGroups, listPendingEnrollments,
} from './enrollment/admin.js';
import type { EnrollmentGroupInput } from './enrollment/group-input.js';
import { getDeviceAttributes, setDeviceAttributes } from './devices/attributes.js';
import type { BatchQuery, ReconciliationListQuery, ReconciliationQuery } from './ports/batch-store.js';
import { signBatch, type BatchIo } from './batch/sign-batch.js';
import type { BatchSignInput } from './batch/types.js';
import type { ManifestSink } from './batch/batch-manifest.js';
import { getBatch, listBatches, listReconciliation, reconcileBatches, writeBatchManifest } from './batch/batch-queries.js';
import { importBatch, type BatchImportInput } from './batch/import-batch.js';
import { exportOfflineCa, importOfflineCa, type OfflineCaPackage } from './hierarchy/offline-ca.js';

export class CertificateAuthority {
  readonly issuers: IssuerRegistry;
  readonly #pipeline: IssuancePipeline;
  readonly #issuer: CertificateIssuer;
  /** The OCSP responder's use case (status/ocsp-responder.ts). */
  readonly ocsp: OcspResponder;
  /** CRL publication (status/crl-publisher.ts). */
  readonly crls: CrlPublisher;
  /** EST enrollment under enrollment groups (enrollment/service.ts): what the EST server calls. */
  readonly enrollment: EnrollmentUseCase;

  constructor(readonly deps: CaDeps) {
    this.issuers = new IssuerRegistry(deps);
    this.#pipeline = new IssuancePipeline(deps);
    this.#issuer = new CertificateIssuer(deps, this.issuers, this.#pipeline);
    const signers = new OcspSigners(deps, this.issuers, this.#pipeline);
    this.ocsp = new OcspResponder(deps, new OcspIssuerIndex(deps.store), signers, deps.settings.ocsp ?? DEFAULT_OCSP_SETTINGS);
    this.crls = new CrlPublisher(deps, this.issuers, deps.settings.crl ?? DEFAULT_CRL_SETTINGS);
    this.enrollment = new EnrollmentUseCase(deps, this.issuers, this.#pipeline);
  }

  issueCertificate(actor: Actor, input: IssueInput, options?: { prevalidated?: boolean }) { return this.#issuer.issue(actor, input, options); }
  getCertificate(actor: Actor, serial: string) { return getCertificate(this.deps, actor, serial); }
  searchCertificates(actor: Actor, query: CertificateQuery) { return searchCertificates(this.deps, actor, query); }

  revokeCertificate(actor: Actor, serial: string, input: RevokeInput) { return revokeCertificate(this.deps, actor, serial, input); }
  revokeDevice(actor: Actor, deviceId: string, input: RevokeInput) { return revokeDevice(this.deps, actor, deviceId, input); }
  releaseHold(actor: Actor, serial: string) { return releaseHold(this.deps, actor, serial); }
  previewRevocation(actor: Actor, query: RevocationQuery) { return previewRevocation(this.deps, actor, query); }
  revokeByQuery(actor: Actor, input: MassRevocationInput) { return revokeByQuery(this.deps, actor, input); }

  setDeviceAttributes(actor: Actor, deviceId: string, attributes: Readonly<Record<string, string>>) { return setDeviceAttributes(this.deps, actor, deviceId, attributes); }
  getDeviceAttributes(actor: Actor, deviceId: string) { return getDeviceAttributes(this.deps, actor, deviceId); }

  listCas(actor: Actor) { return listCas(this.deps, actor); }
  getCa(actor: Actor, name: string) { return getCa(this.deps, actor, name); }
  createIssuingCaRequest(actor: Actor, input: IssuingCaRequestInput) { return createIssuingCaRequest(this.deps, actor, input); }
  async importCaCertificate(actor: Actor, input: ImportCaInput) {
    const record = await importCaCertificate(this.deps, actor, input);
    this.issuers.invalidate(input.name);
    return record;
  }
  createManufacturerCa(actor: Actor, input: ManufacturerCaInput) { return createManufacturerCa(this.deps, this.issuers, this.#pipeline, actor, input); }
  hierarchyExists() { return hierarchyExists(this.deps); }
  createDevelopmentHierarchy(rootSigner: Signer) { return createDevelopmentHierarchy(this.deps, this.issuers, this.#pipeline, rootSigner); }

  createApiToken(actor: Actor, input: Parameters<typeof createApiToken>[2]) { return createApiToken(this.deps, actor, input); }
  authenticate(token: string | undefined) { return authenticateToken(this.deps, token); }
  listApiTokens(actor: Actor) { return listApiTokens(this.deps, actor); }
  revokeApiToken(actor: Actor, id: string) { return revokeApiToken(this.deps, actor, id); }

  createEnrollmentGroup(actor: Actor, input: EnrollmentGroupInput) { return createEnrollmentGroup(this.deps, this.issuers, actor, input); }
  listEnrollmentGroups(actor: Actor) { return listEnrollmentGroups(this.deps, actor); }
  getEnrollmentGroup(actor: Actor, label: string) { return getEnrollmentGroup(this.deps, actor, label); }
  createEnrollmentSecret(actor: Actor, label: string, deviceId: string) { return createEnrollmentSecret(this.deps, actor, label, deviceId); }
  listPendingEnrollments(actor: Actor, label: string) { return listPendingEnrollments(this.deps, actor, label); }
  approveEnrollment(actor: Actor, label: string, id: string) { return decidePendingEnrollment(this.deps, actor, label, id, 'approved'); }
  rejectEnrollment(actor: Actor, label: string, id: string) { return decidePendingEnrollment(this.deps, actor, label, id, 'rejected'); }

  signBatch(actor: Actor, input: BatchSignInput, io: BatchIo) { return signBatch(this.deps, this.issuers, actor, input, io); }
  writeBatchManifest(actor: Actor, batchId: string, sink: ManifestSink) { return writeBatchManifest(this.deps, this.issuers, actor, batchId, sink); }
  getBatch(actor: Actor, batchId: string) { return getBatch(this.deps, actor, batchId); }
  listBatches(actor: Actor, query: BatchQuery) { return listBatches(this.deps, actor, query); }
  importBatch(actor: Actor, input: BatchImportInput) { return importBatch(this.deps, actor, input); }
  exportOfflineCa(actor: Actor, name: string, passphrase: string, quota: number | null) { return exportOfflineCa(this.deps, actor, name, passphrase, quota); }
  async importOfflineCa(actor: Actor, pkg: OfflineCaPackage, passphrase: string) {
    const record = await importOfflineCa(this.deps, actor, pkg, passphrase);
    this.issuers.invalidate(pkg.name);
    return record;
  }
  reconcileBatches(actor: Actor, query: ReconciliationQuery) { return reconcileBatches(this.deps, actor, query); }
  listReconciliation(actor: Actor, query: ReconciliationListQuery) { return listReconciliation(this.deps, actor, query); }

  /** Cheap liveness check of the store, for /healthz. */
  async checkHealth(): Promise<void> { await this.deps.store.getSetting('hierarchy'); }

  verifyAuditLog(actor: Actor) { return verifyAuditLog(this.deps, actor); }
  /** For servers: audit a refusal that happened before a use case ran (e.g. a bad token). */
  recordRefusal(actor: Actor, action: string, target: string | null, e: ServiceError) {
    return this.deps.store.appendAudit([refusalEvent(this.deps.clock.now(), actor, action, target, e)]);
  }
}
