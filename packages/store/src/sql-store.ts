/**
 * SqlStore: the Store port (@fleetpki/ca ports/store.ts) over any SqlDriver. Each write
 * method is one driver transaction, which also carries its audit events; the statements
 * live in one file per table group (cas, intents, issued, search, audit-log, tokens).
 */
import type {
  ApiTokenRecord, AuditEventInput, CaPatch, CaRecord, CertificateIntent, CertificateQuery, CertificateRecord,
  DelegatedSignerRecord, IntentOutcome, IssuedCertificate, Page, Store,
} from '@fleetpki/ca';
import type { ChainedAuditEntry } from '@fleetpki/core';
import { appendAuditEvents, readAuditEntries, readAuditHead } from './audit-log.js';
import { insertCa, selectCa, selectCas, selectSigners, updateCaRow, upsertSigner } from './cas.js';
import { CERTIFICATE_COLUMNS, toCertificate } from './certificate-row.js';
import { str } from './columns.js';
import type { SqlDriver } from './driver.js';
import { markIssued } from './issued.js';
import { recordIntentBatch } from './intents.js';
import { migrate } from './migrations.js';
import { searchCertificateRows } from './search.js';
import { insertToken, revokeToken, selectTokenByHash, selectTokens } from './tokens.js';

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

  recordIssued(issued: readonly IssuedCertificate[], audit: readonly AuditEventInput[]): Promise<void> {
    return this.driver.transaction((tx) => markIssued(tx, this.dialect, issued, audit));
  }

  async getCertificate(serial: string): Promise<CertificateRecord | null> {
    const [row] = await this.driver.all(`SELECT ${CERTIFICATE_COLUMNS.join(', ')} FROM certificates WHERE serial = ?`, [serial]);
    return row === undefined ? null : toCertificate(row);
  }

  searchCertificates(query: CertificateQuery): Promise<Page<CertificateRecord>> { return searchCertificateRows(this.driver, query); }

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

  async getSetting(key: string): Promise<string | null> {
    const [row] = await this.driver.all('SELECT value FROM settings WHERE key = ?', [key]);
    return row === undefined ? null : str(row, 'value');
  }

  async setSetting(key: string, value: string): Promise<void> {
    await this.driver.run('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [key, value]);
  }
}
