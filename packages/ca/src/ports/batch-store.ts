/**
 * The factory-provisioning part of the Store port (store.ts): batches, the devices each
 * batch provisioned, and the reconciliation of what was made against what came online.
 *
 * Rules every adapter keeps, beyond those of store.ts:
 * - recordBatchIntents is recordIntents (quota counted, serials unique) plus one
 *   batch_devices row per recorded intent, in the same transaction: a device is linked to
 *   its serial exactly when the serial is spent.
 * - A device id appears at most once per batch.
 * - recordBatchIssued is recordIssued plus the batch's issued counter, in one transaction.
 */
import type { AuditEventInput, CertificateIntent, CertificateStatus, IntentOutcome, IssuedCertificate, Page } from './store.js';

/** How a batch gets its certificates: CSRs from the devices, keys made by the station, or imported from an offline station. */
export type BatchMode = 'csr' | 'keygen' | 'import';
/** running: a run is under way or was cut off (a crash leaves it so); the others are a run's outcome. */
export type BatchStatus = 'running' | 'completed' | 'stopped' | 'failed';

export interface BatchRecord {
  readonly batchId: string;
  readonly caName: string;
  /** The CA's attributes.manufacturer when the batch was made. */
  readonly manufacturer: string | null;
  readonly profile: string;
  readonly mode: BatchMode;
  readonly status: BatchStatus;
  /** Attributes every certificate of the batch carries, e.g. { line: "7" } (batch itself included). */
  readonly attributes: Readonly<Record<string, string>>;
  readonly requester: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  /** Runs started, the first included: a resumed batch has more than one. */
  readonly runs: number;
  /** Certificates issued in this batch over all its runs. */
  readonly issued: number;
  /** Devices refused by the last run. */
  readonly refused: number;
  /** Why the last run stopped or failed (an error code), null otherwise. */
  readonly outcomeCode: string | null;
  /** Lower-case hex SHA-256 of the last signed manifest, null before one is written. */
  readonly manifestSha256: string | null;
}

export type BatchPatch = Partial<Pick<BatchRecord, 'status' | 'refused' | 'outcomeCode' | 'manifestSha256' | 'runs'>> & { readonly updatedAt: Date };

/** A device a batch provisioned: its serial is spent (the intent is recorded). */
export interface BatchDeviceIntent {
  readonly intent: CertificateIntent;
  /** Lower-case hex SHA-256 of the CSR DER; null when the station made the key or the certificate was imported. */
  readonly csrSha256: string | null;
  /** Lower-case hex SHA-256 of the certificate's SubjectPublicKeyInfo DER: the key a device id is bound to. */
  readonly spkiSha256: string;
  /** Key-generation mode: the device's private key as handed out, encrypted for its recipient. */
  readonly encryptedKey?: Uint8Array;
}

/** What the store knows of a device id in some batch, with its certificate's state. */
export interface BatchDeviceRecord {
  readonly batchId: string;
  readonly deviceId: string;
  readonly serial: string;
  readonly csrSha256: string | null;
  readonly spkiSha256: string;
  readonly status: CertificateStatus;
  /** The certificate, once issued. */
  readonly der: Uint8Array | null;
  /** The recorded TBS: what a resumed run signs for an intent a crash left pending. */
  readonly tbsDer: Uint8Array;
  /** The batch run that recorded it (BatchRecord.runs at the time): a run tells its own devices from an earlier run's. */
  readonly run: number;
  readonly encryptedKey: Uint8Array | null;
}

/** One line of a batch manifest: a device, its certificate's serial and SHA-256. */
export interface ManifestEntry {
  readonly deviceId: string;
  readonly serial: string;
  readonly sha256: string;
}

export interface BatchQuery {
  readonly caName?: string;
  /** 1..1000. */
  readonly limit: number;
  readonly cursor?: string;
}

/** Reconciliation (issue 8): what was provisioned against what was seen online. */
export interface ReconciliationQuery {
  /** Only batches of CAs whose attributes.manufacturer equals this. */
  readonly manufacturer?: string;
  readonly batchId?: string;
}

export interface BatchReconciliation {
  readonly batchId: string;
  readonly caName: string;
  readonly manufacturer: string | null;
  /** Issued certificates of the batch. */
  readonly issued: number;
  /** Of those devices: enrolled (device_links) or connected (device_presence). */
  readonly seen: number;
  readonly neverSeen: number;
  /** Devices of the batch that hold an issued certificate from another batch too. */
  readonly duplicates: number;
}

export interface ReconciliationReport {
  readonly batches: readonly BatchReconciliation[];
  /** Device ids enrolled or connected that no certificate of ours names. */
  readonly seenNotIssued: number;
}

export type ReconciliationListKind = 'never-seen' | 'seen-not-issued' | 'duplicates';

export interface ReconciliationDevice {
  readonly deviceId: string;
  /** The batch (never-seen, duplicates) or null (seen-not-issued). */
  readonly batchId: string | null;
  readonly serial: string | null;
  /** When it was last seen online (seen-not-issued), else null. */
  readonly lastSeenAt: Date | null;
}

export interface ReconciliationListQuery extends ReconciliationQuery {
  readonly kind: ReconciliationListKind;
  /** 1..1000. */
  readonly limit: number;
  readonly cursor?: string;
}

export interface BatchStore {
  /** Creates the batch; 'exists' (nothing written) when the id is taken. */
  createBatch(batch: BatchRecord, audit: readonly AuditEventInput[]): Promise<'created' | 'exists'>;
  getBatch(batchId: string): Promise<BatchRecord | null>;
  /** Newest first. */
  listBatches(query: BatchQuery): Promise<Page<BatchRecord>>;
  /** Throws ServiceError BATCH_NOT_FOUND. */
  updateBatch(batchId: string, patch: BatchPatch, audit: readonly AuditEventInput[]): Promise<void>;
  /** Every batch's record of these device ids (a device may be in several batches). */
  findBatchDevices(deviceIds: readonly string[]): Promise<BatchDeviceRecord[]>;
  /** One outcome per intent, in order, as recordIntents; recorded ones are linked to the batch and its run. */
  recordBatchIntents(batchId: string, run: number, items: readonly BatchDeviceIntent[]): Promise<IntentOutcome[]>;
  /** recordIssued for certificates of this batch, counting them in the batch record. */
  recordBatchIssued(batchId: string, issued: readonly IssuedCertificate[], audit: readonly AuditEventInput[]): Promise<void>;
  /** Issued devices of the batch by device id, after `afterDeviceId` (exclusive), at most `limit` (1..10,000). */
  pageBatchManifest(batchId: string, afterDeviceId: string | null, limit: number): Promise<ManifestEntry[]>;
  reconcileBatches(query: ReconciliationQuery): Promise<ReconciliationReport>;
  listReconciliation(query: ReconciliationListQuery): Promise<Page<ReconciliationDevice>>;
}
