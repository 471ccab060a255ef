/**
 * SqlStore: the Store port (@fleetpki/ca ports/store.ts) over any SqlDriver. Each write
 * method is one driver transaction, which also carries its audit events; the statements
 * live in one file per table group (cas, intents, issued, search, audit-log, tokens,
 * revoke, revocation-query, revocation-previews, revocation-status, crls, enrollment-*,
 * batches, batch-devices, reconciliation).
 */
import type {
  ApiTokenRecord, AuditEventInput, CaPatch, CaRecord, CertificateIntent, CertificateQuery, CertificateRecord, CertificateStatusRecord,
  CrlKind, CrlRecord, DelegatedSignerRecord, HoldRelease, HoldReleaseResult, IntentOutcome, IssuedCertificate, Page, Revocation,
  RevocationDelta, RevocationMatches, RevocationPreviewRecord, RevocationQuery, RevocationResult, RevokedCertificate, RevokedEntry,
  RevokedListOptions, Store, DeviceEnrollment, DeniedSerial, DeviceAttributesRecord, PresenceRecord, PresenceUpdate, PutAttributesResult,
  SequenceStateRecord, StatusEventRecord, IssuedOutcome, DeviceRecord, EnrollmentGroupRecord, EnrollmentSecretRecord, PendingEnrollmentRecord,
  BatchDeviceIntent, BatchDeviceRecord, BatchPatch, BatchQuery, BatchRecord, ManifestEntry, ReconciliationDevice, ReconciliationListQuery,
  ReconciliationQuery, ReconciliationReport,
} from '@fleetpki/ca';
import type { ChainedAuditEntry } from '@fleetpki/core';
import { appendAuditEvents, readAuditEntries, readAuditHead } from './audit-log.js';
import { insertCa, selectCa, selectCas, selectSigners, updateCaRow, upsertSigner } from './cas.js';
import { CERTIFICATE_COLUMNS, toCertificate } from './certificate-row.js';
import { str } from './columns.js';
import { selectLatestCrl, takeCrlNumber, upsertCrl } from './crls.js';
import type { SqlDriver } from './driver.js';
import { markIssued } from './issued.js';
import { recordIntentBatch } from './intents.js';
import { migrate } from './migrations.js';
import { releaseHoldRow, revokeRows } from './revoke.js';
import { claimPreview, insertPreview } from './revocation-previews.js';
import { pageMatches, previewMatches } from './revocation-query.js';
import { listRevokedRows, selectCertificateStatus, selectChangesSince } from './revocation-status.js';
import { searchCertificateRows } from './search.js';
import { claimSecret, insertGroup, insertSecret, releaseSecret, selectGroup, selectGroups, selectSecret } from './enrollment-groups.js';
import {
  claimUse, decidePending, insertEnrollment, putPending, releaseUse, selectDevice, selectDeviceByBootstrap, selectPending, selectUses,
} from './enrollment-devices.js';
import { insertToken, revokeToken, selectTokenByHash, selectTokens } from './tokens.js';
import {
  casSequenceState, putAttributes, selectAttributes, selectDenied, selectPresence, selectSequenceState, upsertPresence,
} from './device-state.js';
import { STATUS_CHANNEL, deleteStatusEventsBefore, selectStatusEventBounds, selectStatusEventsAfter } from './status-events.js';
import { insertBatch, selectBatch, selectBatches, updateBatchRow } from './batches.js';
import { markBatchIssued, recordBatchIntentRows, selectBatchDevices, selectManifestPage } from './batch-devices.js';
import { listReconciliationDevices, reconcile } from './reconciliation.js';

export class SqlStore implements Store {
  constructor(private readonly driver: SqlDriver) {}

  get dialect(): SqlDriver['dialect'] { return this.driver.dialect; }

  async migrate(): Promise<void> {
    await migrate(this.driver);
    await this.driver.optimize();
  }

  /** Refreshes planner statistics in full; worth it after a bulk load (autovacuum or
   *  PRAGMA optimize at the next open would get there too, later). */
  async analyze(): Promise<void> { await this.driver.analyze(); }

  async close(): Promise<void> { await this.driver.close(); }

  createCa(ca: CaRecord, audit: readonly AuditEventInput[]): Promise<void> {
    return this.driver.transaction((tx) => insertCa(tx, this.dialect, ca, audit));
  }

  updateCa(name: string, patch: CaPatch, audit: readonly AuditEventInput[]): Promise<void> {
    return this.driver.transaction((tx) => updateCaRow(tx, this.dialect, name, patch, audit));
  }

  getCa(name: string): Promise<CaRecord | null> { return selectCa(this.driver, name); }
  listCas(): Promise<CaRecord[]> { return selectCas(this.driver); }

  putDelegatedSigner(signer: DelegatedSignerRecord, audit: readonly AuditEventInput[]): Promise<void> {
    return this.driver.transaction((tx) => upsertSigner(tx, this.dialect, signer, audit));
  }

  listDelegatedSigners(caName?: string): Promise<DelegatedSignerRecord[]> { return selectSigners(this.driver, caName); }

  recordIntents(intents: readonly CertificateIntent[]): Promise<IntentOutcome[]> {
    if (intents.length === 0) return Promise.resolve([]);
    return this.driver.transaction((tx) => recordIntentBatch(tx, this.dialect, intents));
  }

  recordIssued(issued: readonly IssuedCertificate[], audit: readonly AuditEventInput[]): Promise<IssuedOutcome[]> {
    return this.driver.transaction((tx) => markIssued(tx, this.dialect, issued, audit));
  }

  async getCertificate(serial: string): Promise<CertificateRecord | null> {
    const [row] = await this.driver.all(`SELECT ${CERTIFICATE_COLUMNS.join(', ')} FROM certificates WHERE serial = ?`, [serial]);
    return row === undefined ? null : toCertificate(row);
  }

  searchCertificates(query: CertificateQuery): Promise<Page<CertificateRecord>> { return searchCertificateRows(this.driver, query); }

  revokeCertificates(revocations: readonly Revocation[], auditFor: (revoked: RevokedCertificate) => AuditEventInput): Promise<RevocationResult[]> {
    if (revocations.length === 0) return Promise.resolve([]);
    return this.driver.transaction((tx) => revokeRows(tx, this.dialect, revocations, auditFor));
  }

  releaseHold(serial: string, at: Date, auditFor: (release: HoldRelease) => AuditEventInput): Promise<HoldReleaseResult> {
    return this.driver.transaction((tx) => releaseHoldRow(tx, this.dialect, serial, at, auditFor));
  }

  previewRevocationQuery(query: RevocationQuery, sampleSize: number): Promise<RevocationMatches> { return previewMatches(this.driver, query, sampleSize); }

  pageRevocationQuery(query: RevocationQuery, page: { readonly limit: number; readonly cursor?: string }): Promise<Page<string>> {
    return pageMatches(this.driver, query, page);
  }

  saveRevocationPreview(preview: RevocationPreviewRecord, audit: readonly AuditEventInput[]): Promise<void> {
    return this.driver.transaction((tx) => insertPreview(tx, this.dialect, preview, audit));
  }

  claimRevocationPreview(tokenHash: string, at: Date): Promise<RevocationPreviewRecord | null> {
    return this.driver.transaction((tx) => claimPreview(tx, tokenHash, at));
  }

  listRevoked(caName: string, options: RevokedListOptions): AsyncIterable<readonly RevokedEntry[]> { return listRevokedRows(this.driver, this.dialect, caName, options); }

  revocationChangesSince(caName: string, since: Date, options: RevokedListOptions): Promise<RevocationDelta[]> {
    return selectChangesSince(this.driver, caName, since, options);
  }

  nextCrlNumber(caName: string): Promise<number> { return this.driver.transaction((tx) => takeCrlNumber(tx, caName)); }
  saveCrl(crl: CrlRecord): Promise<'saved' | 'superseded'> { return this.driver.transaction((tx) => upsertCrl(tx, crl)); }
  latestCrl(caName: string, shard: number, kind: CrlKind): Promise<CrlRecord | null> { return selectLatestCrl(this.driver, caName, shard, kind); }
  certificateStatus(serial: string): Promise<CertificateStatusRecord | null> { return selectCertificateStatus(this.driver, serial); }

  appendAudit(events: readonly AuditEventInput[]): Promise<void> {
    if (events.length === 0) return Promise.resolve();
    return this.driver.transaction((tx) => appendAuditEvents(tx, this.dialect, events));
  }

  readAudit(afterSeq: number, limit: number): Promise<ChainedAuditEntry[]> { return readAuditEntries(this.driver, afterSeq, limit); }
  auditHead(): Promise<{ seq: number; hash: string } | null> { return readAuditHead(this.driver); }

  createApiToken(token: ApiTokenRecord, audit: readonly AuditEventInput[]): Promise<void> {
    return this.driver.transaction((tx) => insertToken(tx, this.dialect, token, audit));
  }

  findApiTokenByHash(tokenHash: string): Promise<ApiTokenRecord | null> { return selectTokenByHash(this.driver, tokenHash); }
  listApiTokens(): Promise<ApiTokenRecord[]> { return selectTokens(this.driver); }

  revokeApiToken(id: string, at: Date, audit: readonly AuditEventInput[]): Promise<void> {
    return this.driver.transaction((tx) => revokeToken(tx, this.dialect, id, at, audit));
  }

  createEnrollmentGroup(group: EnrollmentGroupRecord, audit: readonly AuditEventInput[]): Promise<void> {
    return this.driver.transaction((tx) => insertGroup(tx, this.dialect, group, audit));
  }

  getEnrollmentGroup(label: string): Promise<EnrollmentGroupRecord | null> { return selectGroup(this.driver, label); }
  listEnrollmentGroups(): Promise<EnrollmentGroupRecord[]> { return selectGroups(this.driver); }

  createEnrollmentSecret(secret: EnrollmentSecretRecord, audit: readonly AuditEventInput[]): Promise<void> {
    return this.driver.transaction((tx) => insertSecret(tx, this.dialect, secret, audit));
  }

  getEnrollmentSecret(secretHash: string): Promise<EnrollmentSecretRecord | null> { return selectSecret(this.driver, secretHash); }
  claimEnrollmentSecret(secretHash: string, at: Date): Promise<boolean> { return this.driver.transaction((tx) => claimSecret(tx, secretHash, at)); }
  releaseEnrollmentSecret(secretHash: string, at: Date): Promise<void> { return this.driver.transaction((tx) => releaseSecret(tx, secretHash, at)); }

  claimBootstrapUse(sha256: string, label: string, max: number | null, at: Date): Promise<boolean> {
    return this.driver.transaction((tx) => claimUse(tx, sha256, label, max, at));
  }

  releaseBootstrapUse(sha256: string): Promise<void> { return this.driver.transaction((tx) => releaseUse(tx, sha256)); }
  bootstrapUses(sha256: string): Promise<number> { return selectUses(this.driver, sha256); }

  putPendingEnrollment(pending: PendingEnrollmentRecord, audit: readonly AuditEventInput[]): Promise<void> {
    return this.driver.transaction((tx) => putPending(tx, this.dialect, pending, audit));
  }

  async getPendingEnrollment(id: string): Promise<PendingEnrollmentRecord | null> { return (await selectPending(this.driver, 'id = ?', [id]))[0] ?? null; }

  async findPendingEnrollment(label: string, deviceId: string): Promise<PendingEnrollmentRecord | null> {
    return (await selectPending(this.driver, 'label = ? AND device_id = ?', [label, deviceId]))[0] ?? null;
  }

  listPendingEnrollments(label: string): Promise<PendingEnrollmentRecord[]> { return selectPending(this.driver, 'label = ?', [label]); }

  decidePendingEnrollment(id: string, status: 'approved' | 'rejected', at: Date, by: string, audit: readonly AuditEventInput[]): Promise<'decided' | 'not_found' | 'not_pending'> {
    return this.driver.transaction((tx) => decidePending(tx, this.dialect, id, status, at, by, audit));
  }

  async deletePendingEnrollment(id: string): Promise<void> { await this.driver.run('DELETE FROM pending_enrollments WHERE id = ?', [id]); }

  recordDeviceEnrollment(enrollment: DeviceEnrollment, audit: readonly AuditEventInput[]): Promise<void> {
    return this.driver.transaction((tx) => insertEnrollment(tx, this.dialect, enrollment, audit));
  }

  getDevice(deviceId: string): Promise<DeviceRecord | null> { return selectDevice(this.driver, deviceId); }
  findDeviceByBootstrap(sha256: string): Promise<DeviceRecord | null> { return selectDeviceByBootstrap(this.driver, sha256); }

  createBatch(batch: BatchRecord, audit: readonly AuditEventInput[]): Promise<'created' | 'exists'> {
    return this.driver.transaction((tx) => insertBatch(tx, this.dialect, batch, audit));
  }

  getBatch(batchId: string): Promise<BatchRecord | null> { return selectBatch(this.driver, batchId); }
  listBatches(query: BatchQuery): Promise<Page<BatchRecord>> { return selectBatches(this.driver, query); }

  updateBatch(batchId: string, patch: BatchPatch, audit: readonly AuditEventInput[]): Promise<void> {
    return this.driver.transaction((tx) => updateBatchRow(tx, this.dialect, batchId, patch, audit));
  }

  findBatchDevices(deviceIds: readonly string[]): Promise<BatchDeviceRecord[]> { return selectBatchDevices(this.driver, deviceIds); }

  async recordBatchIntents(batchId: string, run: number, items: readonly BatchDeviceIntent[]): Promise<IntentOutcome[]> {
    if (items.length === 0) return [];
    const outcomes = await this.driver.transaction((tx) => recordBatchIntentRows(tx, this.dialect, batchId, run, items));
    // A store migrated on an empty database has planner statistics saying each table holds
    // one row, and SQLite plans lookups by serial or device id as scans: a bulk load turns
    // quadratic (measured: 20,000 devices in 200 s instead of 10 s). optimize() re-analyzes
    // the tables that grew tenfold and costs about 40 us when none did.
    await this.driver.optimize();
    return outcomes;
  }

  recordBatchIssued(batchId: string, issued: readonly IssuedCertificate[], audit: readonly AuditEventInput[]): Promise<void> {
    return this.driver.transaction((tx) => markBatchIssued(tx, this.dialect, batchId, issued, audit));
  }

  pageBatchManifest(batchId: string, afterDeviceId: string | null, limit: number): Promise<ManifestEntry[]> {
    return selectManifestPage(this.driver, batchId, afterDeviceId, limit);
  }

  reconcileBatches(query: ReconciliationQuery): Promise<ReconciliationReport> { return reconcile(this.driver, query); }
  listReconciliation(query: ReconciliationListQuery): Promise<Page<ReconciliationDevice>> { return listReconciliationDevices(this.driver, query); }

  async getSetting(key: string): Promise<string | null> {
    const [row] = await this.driver.all('SELECT value FROM settings WHERE key = ?', [key]);
    return row === undefined ? null : str(row, 'value');
  }

  async setSetting(key: string, value: string): Promise<void> {
    await this.driver.run('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [key, value]);
  }

  putDeviceAttributes(
    deviceId: string, attributes: Readonly<Record<string, string>>, at: Date,
    auditFor: (previous: Readonly<Record<string, string>> | null) => readonly AuditEventInput[],
  ): Promise<PutAttributesResult> {
    return this.driver.transaction((tx) => putAttributes(tx, this.dialect, deviceId, attributes, at, auditFor));
  }

  getDeviceAttributes(deviceId: string): Promise<DeviceAttributesRecord | null> { return selectAttributes(this.driver, deviceId); }
  statusEventsAfter(afterSeq: number, limit: number): Promise<StatusEventRecord[]> { return selectStatusEventsAfter(this.driver, afterSeq, limit); }
  statusEventBounds(): Promise<{ last: number; prunedThrough: number }> { return selectStatusEventBounds(this.driver); }
  pruneStatusEvents(before: Date): Promise<number> { return this.driver.transaction((tx) => deleteStatusEventsBefore(tx, before)); }
  watchStatusEvents(onWake: () => void): Promise<(() => Promise<void>) | null> { return this.driver.listen(STATUS_CHANNEL, onWake); }
  deniedSerials(now: Date, afterSerial: string, limit: number): Promise<DeniedSerial[]> { return selectDenied(this.driver, now, afterSerial, limit); }

  recordPresence(updates: readonly PresenceUpdate[]): Promise<void> {
    if (updates.length === 0) return Promise.resolve();
    return this.driver.transaction((tx) => upsertPresence(tx, updates));
  }

  getPresence(deviceId: string): Promise<PresenceRecord | null> { return selectPresence(this.driver, deviceId); }
  getSequenceState(deviceId: string, rule: string): Promise<SequenceStateRecord | null> { return selectSequenceState(this.driver, deviceId, rule); }

  advanceSequenceState(deviceId: string, rule: string, expected: number | null, next: SequenceStateRecord): Promise<boolean> {
    return this.driver.transaction((tx) => casSequenceState(tx, deviceId, rule, expected, next));
  }
}
