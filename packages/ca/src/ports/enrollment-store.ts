/**
 * The enrollment part of the Store port (store.ts): enrollment groups, one-time enrollment
 * secrets, enrollments waiting for approval, bootstrap certificate uses, and the device
 * records just-in-time provisioning creates.
 *
 * Rules every adapter keeps, beyond those of store.ts:
 * - Claims are atomic: two concurrent claims of one secret, or of the last allowed use of
 *   a bootstrap certificate, never both succeed.
 * - Audit events passed alongside a change are appended in the same transaction.
 */
import type { AuditEventInput } from './store.js';

export type ApprovalMode = 'automatic' | 'manual';

/**
 * serverkeygen (RFC 7030 4.4.2): 'required' sends the generated key only inside CMS
 * EnvelopedData for the device's credential (its one-time secret, or its client
 * certificate's key); 'none' sends the PKCS#8 protected by TLS alone.
 */
export type ServerKeygenEncryption = 'none' | 'required';

/** How often one bootstrap certificate may enroll: once, N times, or until its device holds a valid operational certificate. */
export type BootstrapReuse =
  | { readonly kind: 'once' }
  | { readonly kind: 'times'; readonly times: number }
  | { readonly kind: 'until-operational' };

export interface EnrollmentGroupRecord {
  /** The EST label (RFC 7030 3.2.2): one URL path segment. */
  readonly label: string;
  readonly caName: string;
  readonly profile: string;
  /** DER certificates bootstrap certificates must chain to. */
  readonly anchorsDer: readonly Uint8Array[];
  /** Source of a RegExp the whole device id must match. */
  readonly deviceIdPattern: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly approval: ApprovalMode;
  /** Token bucket: `requests` per `perSeconds`, bursts up to `requests`; null is unlimited. */
  readonly rateLimit: { readonly requests: number; readonly perSeconds: number } | null;
  readonly bootstrapReuse: BootstrapReuse;
  /** A device whose operational certificate expired may re-enroll with its bootstrap certificate. */
  readonly reenrollWithBootstrap: boolean;
  /** csrattrs asks for challengePassword, which must then carry the TLS channel binding. */
  readonly popLinking: boolean;
  readonly webhook: { readonly url: string; readonly timeoutMs: number } | null;
  /** What a pending enrollment tells the device to wait (RFC 7030 4.2.3 Retry-After). */
  readonly retryAfterSeconds: number;
  readonly serverKeygenEncryption: ServerKeygenEncryption;
  readonly createdAt: Date;
}

export interface EnrollmentSecretRecord {
  /** Lower-case hex SHA-256 of the secret; the secret itself is never stored. */
  readonly secretHash: string;
  readonly label: string;
  readonly deviceId: string;
  readonly createdAt: Date;
  readonly usedAt: Date | null;
}

export type PendingStatus = 'pending' | 'approved' | 'rejected';

/** One per (label, deviceId): a new CSR replaces it (the approval was for the old one). */
export interface PendingEnrollmentRecord {
  readonly id: string;
  readonly label: string;
  readonly deviceId: string;
  /** Lower-case hex SHA-256 of the CSR DER that was approved or is waiting. */
  readonly csrSha256: string;
  readonly subject: string;
  readonly source: string;
  readonly status: PendingStatus;
  readonly createdAt: Date;
  readonly decidedAt: Date | null;
  readonly decidedBy: string | null;
}

export type DeviceLinkRole = 'bootstrap' | 'operational';

export interface DeviceLink {
  readonly role: DeviceLinkRole;
  readonly serial: string;
  /** Lower-case hex SHA-256 of the certificate DER. */
  readonly sha256: string;
  readonly at: Date;
}

export interface DeviceRecord {
  readonly deviceId: string;
  readonly label: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly createdAt: Date;
  /** Oldest first. */
  readonly links: readonly DeviceLink[];
}

/** What one enrollment adds: the device (created when new) and its certificate links. */
export interface DeviceEnrollment {
  readonly deviceId: string;
  readonly label: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly at: Date;
  readonly links: readonly DeviceLink[];
}

/**
 * What an enrollment writes in the transaction that records its certificate issued
 * (issuance cycle step 6, IssuedCertificate.enrollment): the one-time secret spent and the
 * bootstrap use counted (both or neither, else the certificate stays pending), the device
 * created or extended with its links (the operational one to this certificate), the
 * approved pending request deleted, and the enrollment's audit events.
 */
export interface EnrollmentCommit {
  readonly device: DeviceEnrollment;
  readonly secretHash: string | null;
  /** One more use of this bootstrap certificate, unless `max` are recorded (null: no limit). */
  readonly bootstrapUse: { readonly sha256: string; readonly label: string; readonly max: number | null } | null;
  readonly pendingId: string | null;
  readonly audit: readonly AuditEventInput[];
}

export interface EnrollmentStore {
  /** Throws ServiceError ENROLLMENT_GROUP_EXISTS when the label is taken. */
  createEnrollmentGroup(group: EnrollmentGroupRecord, audit: readonly AuditEventInput[]): Promise<void>;
  getEnrollmentGroup(label: string): Promise<EnrollmentGroupRecord | null>;
  /** By label. */
  listEnrollmentGroups(): Promise<EnrollmentGroupRecord[]>;

  createEnrollmentSecret(secret: EnrollmentSecretRecord, audit: readonly AuditEventInput[]): Promise<void>;
  getEnrollmentSecret(secretHash: string): Promise<EnrollmentSecretRecord | null>;
  /** Marks an unused secret used; false when it is unknown or already used. */
  claimEnrollmentSecret(secretHash: string, at: Date): Promise<boolean>;
  /** Undoes claimEnrollmentSecret(secretHash, at) (the enrollment it was for was refused). */
  releaseEnrollmentSecret(secretHash: string, at: Date): Promise<void>;

  /** One more use of a bootstrap certificate; false when `max` uses are already recorded (null: no limit). */
  claimBootstrapUse(sha256: string, label: string, max: number | null, at: Date): Promise<boolean>;
  releaseBootstrapUse(sha256: string): Promise<void>;
  bootstrapUses(sha256: string): Promise<number>;

  /** Inserts, or replaces the record of the same (label, deviceId). */
  putPendingEnrollment(pending: PendingEnrollmentRecord, audit: readonly AuditEventInput[]): Promise<void>;
  getPendingEnrollment(id: string): Promise<PendingEnrollmentRecord | null>;
  findPendingEnrollment(label: string, deviceId: string): Promise<PendingEnrollmentRecord | null>;
  listPendingEnrollments(label: string): Promise<PendingEnrollmentRecord[]>;
  /** Decides a pending record; 'not_found', or 'not_pending' when it was decided already (nothing written). */
  decidePendingEnrollment(
    id: string, status: 'approved' | 'rejected', at: Date, by: string, audit: readonly AuditEventInput[],
  ): Promise<'decided' | 'not_found' | 'not_pending'>;
  deletePendingEnrollment(id: string): Promise<void>;

  /** Creates the device on its first enrollment (keeping the first label and attributes) and appends the links. */
  recordDeviceEnrollment(enrollment: DeviceEnrollment, audit: readonly AuditEventInput[]): Promise<void>;
  getDevice(deviceId: string): Promise<DeviceRecord | null>;
  /** The device linked to this bootstrap certificate, if any. */
  findDeviceByBootstrap(sha256: string): Promise<DeviceRecord | null>;
}
