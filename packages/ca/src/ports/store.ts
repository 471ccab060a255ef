/**
 * The Store port: everything the use cases persist. Adapters: SQLite (embedded default)
 * and PostgreSQL in @fleetpki/store, one contract suite for both.
 *
 * Rules every adapter keeps:
 * - Each method is atomic: it commits everything or nothing.
 * - Audit events passed alongside a change are appended in the same transaction, to a
 *   single hash chain (core/audit/chain.ts), and the chain head is updated with them.
 * - Serials are unique (primary key); a CA's issuedCount never exceeds its quota.
 */
import type { ChainedAuditEntry, CrlReason, NameConstraints } from '@fleetpki/core';
import type { KeyRef } from './keys.js';
import type { RevocationStore } from './revocation-store.js';
import type { EnrollmentCommit, EnrollmentStore } from './enrollment-store.js';
import type { DeviceStore } from './device-store.js';
import type { BatchStore } from './batch-store.js';

export type CaRole = 'root' | 'issuing' | 'manufacturer';
export type CaStatus = 'pending' | 'active' | 'disabled';

export interface CaRecord {
  readonly name: string;
  readonly role: CaRole;
  readonly status: CaStatus;
  /** Name of the issuing CA record in this deployment, null for a root. */
  readonly parent: string | null;
  /** RFC 4514 subject. */
  readonly subject: string;
  /** Null while pending (a CSR waits for the offline ceremony). */
  readonly certificateDer: Uint8Array | null;
  /** Issuer certificates, from the direct issuer up to the root. */
  readonly chainDer: readonly Uint8Array[];
  readonly csrDer: Uint8Array | null;
  /** Null for an offline root: the server never holds its key. */
  readonly key: KeyRef | null;
  /** Free attributes, e.g. { manufacturer: "Contoso" }. */
  readonly attributes: Readonly<Record<string, string>>;
  readonly nameConstraints: NameConstraints | null;
  /** Maximum certificates this CA may issue; null is unlimited. */
  readonly quota: number | null;
  readonly issuedCount: number;
  readonly createdAt: Date;
}

export type CaPatch = Partial<Pick<CaRecord, 'status' | 'parent' | 'certificateDer' | 'chainDer' | 'subject' | 'csrDer' | 'key'>>;

/** A key pair the deployment operates that is not a CA: the delegated OCSP signer. */
export interface DelegatedSignerRecord {
  readonly name: string;
  readonly purpose: 'ocsp';
  readonly caName: string;
  readonly certificateDer: Uint8Array;
  readonly key: KeyRef;
  readonly createdAt: Date;
}

export type CertificateStatus = 'pending' | 'issued' | 'revoked';

/** Recorded before signing (issuance cycle step 4): the serial is spent from here on. */
export interface CertificateIntent {
  /** Lower-case hex, no leading zero octets. */
  readonly serial: string;
  readonly caName: string;
  readonly profile: string;
  readonly subject: string;
  readonly deviceId: string | null;
  /** Formatted SANs ("DNS:x", "URI:y"), for display and search. */
  readonly subjectAltNames: readonly string[];
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly tbsDer: Uint8Array;
  /** Who asked: an API token id, "cli", "system". */
  readonly requester: string;
  readonly createdAt: Date;
  /**
   * The CRL shard whose distribution point the certificate names (crlShardOf), fixed at
   * intent time so a later change of the shard count never moves a certificate. Default 0.
   */
  readonly crlShard?: number;
  /** Free attributes for search and mass revocation, e.g. { batch: "B7", firmware: "2.1" }. */
  readonly attributes?: Readonly<Record<string, string>>;
}

export type IntentOutcome = 'recorded' | 'quota_exceeded' | 'serial_taken';

export interface IssuedCertificate {
  readonly serial: string;
  readonly der: Uint8Array;
  /** Lower-case hex SHA-256 of `der`. */
  readonly sha256: string;
  readonly issuedAt: Date;
  /**
   * An enrollment's claims, device record and links, written in the same transaction as
   * the issued row, so that neither can exist without the other across a crash.
   */
  readonly enrollment?: EnrollmentCommit;
}

/**
 * Per certificate of recordIssued: issued, or left pending because its enrollment's claim
 * was taken by a concurrent enrollment (the one-time secret, or the bootstrap certificate's
 * last allowed use); then nothing of that enrollment is written.
 */
export type IssuedOutcome = 'issued' | 'secret_used' | 'bootstrap_used';

export interface CertificateRecord extends CertificateIntent {
  readonly status: CertificateStatus;
  readonly der: Uint8Array | null;
  readonly sha256: string | null;
  readonly issuedAt: Date | null;
  readonly revokedAt: Date | null;
  readonly revocationReason: CrlReason | null;
  /** RFC 5280 5.3.2: when the key is known or suspected to have been compromised. */
  readonly invalidityDate: Date | null;
  readonly crlShard: number;
  readonly attributes: Readonly<Record<string, string>>;
}

export interface CertificateQuery {
  readonly caName?: string;
  readonly status?: CertificateStatus;
  readonly profile?: string;
  /** Exact RFC 4514 subject. */
  readonly subject?: string;
  /** Subject starts with (byte-wise). */
  readonly subjectPrefix?: string;
  readonly deviceId?: string;
  /** notAfter strictly before; results then come soonest-expiring first. */
  readonly expiresBefore?: Date;
  /** 1..1000. */
  readonly limit: number;
  /** Opaque, from a previous page. */
  readonly cursor?: string;
}

export interface Page<T> { readonly items: readonly T[]; readonly nextCursor: string | null }

export interface AuditEventInput {
  readonly at: Date;
  readonly actor: string;
  readonly action: string;
  readonly outcome: 'success' | 'refused' | 'failure';
  readonly target?: string | null;
  readonly code?: string | null;
  readonly detail?: Readonly<Record<string, unknown>> | null;
}

export type Role = 'admin' | 'operator' | 'auditor';

export interface ApiTokenRecord {
  /** Public part of the token, also its primary key. */
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  /** Lower-case hex SHA-256 of the whole token; the token itself is never stored. */
  readonly tokenHash: string;
  readonly createdAt: Date;
  readonly revokedAt: Date | null;
}

export interface Store extends RevocationStore, EnrollmentStore, DeviceStore, BatchStore {
  /** Creates or upgrades the schema; idempotent. */
  migrate(): Promise<void>;
  close(): Promise<void>;

  /** Throws ServiceError CA_EXISTS when the name is taken. */
  createCa(ca: CaRecord, audit: readonly AuditEventInput[]): Promise<void>;
  /** Throws ServiceError CA_NOT_FOUND. */
  updateCa(name: string, patch: CaPatch, audit: readonly AuditEventInput[]): Promise<void>;
  getCa(name: string): Promise<CaRecord | null>;
  listCas(): Promise<CaRecord[]>;

  putDelegatedSigner(signer: DelegatedSignerRecord, audit: readonly AuditEventInput[]): Promise<void>;
  listDelegatedSigners(caName?: string): Promise<DelegatedSignerRecord[]>;

  /** One outcome per intent, in order; quota is counted per CA in the same transaction. */
  recordIntents(intents: readonly CertificateIntent[]): Promise<IntentOutcome[]>;
  /**
   * Marks pending certificates issued, with their enrollments (IssuedCertificate.enrollment),
   * one outcome per certificate in order; throws if a serial is not pending.
   */
  recordIssued(issued: readonly IssuedCertificate[], audit: readonly AuditEventInput[]): Promise<IssuedOutcome[]>;
  getCertificate(serial: string): Promise<CertificateRecord | null>;
  searchCertificates(query: CertificateQuery): Promise<Page<CertificateRecord>>;

  appendAudit(events: readonly AuditEventInput[]): Promise<void>;
  /** Events with seq > afterSeq, ascending, at most `limit`. */
  readAudit(afterSeq: number, limit: number): Promise<ChainedAuditEntry[]>;
  auditHead(): Promise<{ seq: number; hash: string } | null>;

  createApiToken(token: ApiTokenRecord, audit: readonly AuditEventInput[]): Promise<void>;
  findApiTokenByHash(tokenHash: string): Promise<ApiTokenRecord | null>;
  listApiTokens(): Promise<ApiTokenRecord[]>;
  revokeApiToken(id: string, at: Date, audit: readonly AuditEventInput[]): Promise<void>;

  getSetting(key: string): Promise<string | null>;
  setSetting(key: string, value: string): Promise<void>;
}
