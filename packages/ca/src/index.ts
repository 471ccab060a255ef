/**
 * @fleetpki/ca: the use cases (hierarchy, issuance, revocation, search, audit, API tokens) and the
 * ports they need. It knows no HTTP, no SQL and no files.
 */
export type { Clock, RandomSource } from './ports/clock.js';
export type { KeyRef, KeyVault } from './ports/keys.js';
export type { DomainEvent, EventSink } from './ports/events.js';
export type {
  ApiTokenRecord, AuditEventInput, CaPatch, CaRecord, CaRole, CaStatus, CertificateIntent, CertificateQuery, CertificateRecord,
  CertificateStatus, DelegatedSignerRecord, IntentOutcome, IssuedCertificate, IssuedOutcome, Page, Role, Store,
} from './ports/store.js';
export type {
  CertificateStatusRecord, CrlKind, CrlRecord, HoldRelease, HoldReleaseResult, Revocation, RevocationDelta, RevocationMatches,
  RevocationOutcome, RevocationPreviewRecord, RevocationQuery, RevocationResult, RevocationStore, RevokedCertificate, RevokedEntry,
  RevokedListOptions,
} from './ports/revocation-store.js';
export { ERROR_KIND, ERROR_MESSAGES, SERVICE_ERRORS, SERVICE_ERROR_KINDS, ServiceError, toServiceError, type ErrorCode, type ServiceErrorCode, type ServiceErrorKind } from './errors.js';
export { DEFAULT_CRL_SETTINGS, DEFAULT_OCSP_SETTINGS, type CaDeps, type CaSettings } from './context.js';
export { PERMISSIONS, SYSTEM_ACTOR, isAllowed, type Actor, type ActorRole, type Permission } from './auth/permissions.js';
export { hashToken } from './auth/api-tokens.js';
export { CertificateAuthority } from './authority.js';
export type { IssueInput } from './issue/issue-certificate.js';
export { DEFAULT_CA_SETTING } from './issue/issue-certificate.js';
export type { IssuedResult } from './issue/pipeline.js';
export { GroupCommit } from './issue/group-commit.js';
export { newSerial, SERIAL_OCTETS } from './issue/serial.js';
export { statusUrls } from './issue/status-urls.js';
export { deviceUriPrefix } from './issue/issuer-registry.js';
export { createRootCertificate, signSubordinateCa, issuerContextOf, NO_URLS } from './hierarchy/ca-certificates.js';
export { checkCaChain } from './hierarchy/chain.js';
export { CA_NAME_PATTERN } from './hierarchy/ca-record.js';
export { namespaceConstraints, type ManufacturerCaInput } from './hierarchy/manufacturer-ca.js';
export type { ImportCaInput, IssuingCaRequestInput } from './hierarchy/issuing-ca.js';
export { DEV_NAMES } from './hierarchy/dev-hierarchy.js';
export { DEVELOPMENT_HIERARCHY, HIERARCHY_SETTING, PRODUCTION_HIERARCHY } from './hierarchy/settings.js';
export { normalizeSerial, type CertificateView } from './query/queries.js';
export { crlShardOf } from './revocation/crl-shard.js';
export { checkAttributes } from './issue/attributes.js';
export type { RevokeInput } from './revocation/revocation-input.js';
export type { DeviceRevocation } from './revocation/revoke-certificate.js';
export { revokedEvent, REVOCATION_BATCH, type RevocationTally } from './revocation/revoke-batch.js';
export { PREVIEW_SAMPLE_SIZE, PREVIEW_TTL_SECONDS, type MassRevocationInput, type MassRevocationResult, type RevocationPreview } from './revocation/mass-revocation.js';
export { CrlPublisher, type CrlSettings } from './status/crl-publisher.js';
export { OcspResponder, type OcspAnswer, type OcspSettings } from './status/ocsp-responder.js';
export { StatusFeed, domainEventOf, type FeedBatch } from './status/status-feed.js';
export type { CachedResponse } from './status/response-cache.js';
export { crlUrl } from './issue/status-urls.js';
export type { EnrollmentAuth, EnrollOperation, EnrollRequest, EnrollResult, EnrollmentService, KeyEncryption } from './enrollment/types.js';
export type {
  ApprovalMode, BootstrapReuse, ServerKeygenEncryption, DeviceEnrollment, DeviceLink, EnrollmentCommit, DeviceLinkRole, DeviceRecord, EnrollmentGroupRecord, EnrollmentSecretRecord,
  EnrollmentStore, PendingEnrollmentRecord, PendingStatus,
} from './ports/enrollment-store.js';
export type { WebhookAnswer, WebhookClient } from './ports/webhook.js';
export type {
  DeniedSerial, DeviceAttributesRecord, DeviceStore, PresenceRecord, PresenceUpdate, PutAttributesResult, SequenceStateRecord, StatusEventInput, StatusEventRecord, StatusEventType,
} from './ports/device-store.js';
export type { DeviceAttributesView } from './devices/attributes.js';
export type {
  BatchDeviceIntent, BatchDeviceRecord, BatchMode, BatchPatch, BatchQuery, BatchRecord, BatchReconciliation, BatchStatus, BatchStore,
  ManifestEntry, ReconciliationDevice, ReconciliationListKind, ReconciliationListQuery, ReconciliationQuery, ReconciliationReport,
} from './ports/batch-store.js';
export type {
  BatchPrepareContext, BatchPreparer, BatchPreparerFactory, BatchRequest, PrepareRequest, EncryptedKey, KeyGeneration, KeyProtection, PrepareOutcome, SignedTbs,
} from './ports/batch-preparer.js';
export type { BatchInputFault, BatchInputItem, BatchProgress, BatchSignInput, BatchSink, BatchSummary, DeviceOutcome } from './batch/types.js';
export type { BatchIo } from './batch/sign-batch.js';
export type { ManifestSink } from './batch/batch-manifest.js';
export { BATCH_ID_PATTERN, checkBatchId } from './batch/open-run.js';
export { prepareCsrRequest, prepareStationKey, refusedOutcome, sha256Hex } from './batch/prepare-request.js';
export type { BatchImportInput, BatchImportSummary, ImportedCertificate } from './batch/import-batch.js';
export type { OfflineCaPackage } from './hierarchy/offline-ca.js';
export { EnrollmentUseCase, DEFAULT_ENROLLMENT_GROUP_SETTING } from './enrollment/service.js';
export { LABEL_PATTERN, DEFAULT_DEVICE_ID_PATTERN, type EnrollmentGroupInput } from './enrollment/group-input.js';
export { hashSecret } from './enrollment/authenticate.js';
export type { WebhookRequestBody } from './enrollment/webhook.js';
