/**
 * @fleetpki/ca: the use cases (hierarchy, issuance, search, audit, API tokens) and the
 * ports they need. It knows no HTTP, no SQL and no files.
 */
export type { Clock, RandomSource } from './ports/clock.js';
export type { KeyRef, KeyVault } from './ports/keys.js';
export type { DomainEvent, EventSink } from './ports/events.js';
export type {
  ApiTokenRecord, AuditEventInput, CaPatch, CaRecord, CaRole, CaStatus, CertificateIntent, CertificateQuery, CertificateRecord,
  CertificateStatus, DelegatedSignerRecord, IntentOutcome, IssuedCertificate, Page, Role, Store,
} from './ports/store.js';
export { ERROR_KIND, ERROR_MESSAGES, SERVICE_ERRORS, SERVICE_ERROR_KINDS, ServiceError, toServiceError, type ErrorCode, type ServiceErrorCode, type ServiceErrorKind } from './errors.js';
