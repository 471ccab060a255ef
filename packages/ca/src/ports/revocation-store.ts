/**
 * The revocation part of the Store port (store.ts): revoking and lifting holds, selecting
 * certificates for a mass revocation, and what CRL and OCSP publishers read.
 *
 * Rules every adapter keeps, beyond those of store.ts:
 * - A revoked certificate is in exactly one of two states: on hold (reason certificateHold)
 *   or revoked for good. A hold may become final (its reason changes, its revocation date
 *   stays: the certificate has been revoked since the hold) or be released (status back to
 *   issued, the release recorded for the next delta CRL's removeFromCRL). Nothing else
 *   changes a revocation (RFC 5280 5.3.1).
 * - Audit events of a revocation are built by the caller's `auditFor` for the certificates
 *   actually changed, and appended in the same transaction; refused serials add none.
 */
import type { CrlReason } from '@fleetpki/core';
import type { AuditEventInput, CertificateRecord, CertificateStatus, Page } from './store.js';

export interface Revocation {
  /** Lower-case hex, as stored. */
  readonly serial: string;
  readonly reason: CrlReason;
  readonly revokedAt: Date;
  readonly invalidityDate: Date | null;
}

/** A certificate whose revocation this call recorded. */
export interface RevokedCertificate {
  readonly serial: string;
  readonly caName: string;
  readonly deviceId: string | null;
  readonly crlShard: number;
  readonly reason: CrlReason;
  /** For a hold made final, the date of the hold. */
  readonly revokedAt: Date;
  readonly invalidityDate: Date | null;
  /** certificateHold when a hold was made final; null for a first revocation. */
  readonly previousReason: CrlReason | null;
}

/**
 * revoked: recorded now. already_revoked: revoked for good, or on hold and asked for a hold
 * again; nothing changed. not_found: no such serial. not_issued: an intent that was never
 * signed (there is nothing to revoke; its serial stays spent).
 */
export type RevocationOutcome = 'revoked' | 'already_revoked' | 'not_found' | 'not_issued';

export type RevocationResult =
  | { readonly serial: string; readonly outcome: 'revoked'; readonly certificate: RevokedCertificate }
  | { readonly serial: string; readonly outcome: Exclude<RevocationOutcome, 'revoked'> };

export interface HoldRelease {
  readonly serial: string;
  readonly caName: string;
  readonly deviceId: string | null;
  readonly crlShard: number;
  readonly heldSince: Date;
  readonly releasedAt: Date;
}

export type HoldReleaseResult =
  | { readonly outcome: 'released'; readonly release: HoldRelease }
  | { readonly outcome: 'not_on_hold' | 'not_found' };

/** Certificates a mass revocation selects; every given field must match. */
export interface RevocationQuery {
  readonly caName?: string;
  readonly profile?: string;
  /** Certificates of the CAs whose attributes.manufacturer equals this. */
  readonly manufacturer?: string;
  readonly deviceId?: string;
  /** Certificate attributes (CertificateIntent.attributes), each equal. */
  readonly attributes?: Readonly<Record<string, string>>;
  /** issuedAt >= issuedAfter. */
  readonly issuedAfter?: Date;
  /** issuedAt < issuedBefore. */
  readonly issuedBefore?: Date;
  readonly status?: CertificateStatus;
}

export interface RevocationMatches {
  readonly count: number;
  /** Distinct device ids among the matches (certificates without one are not counted). */
  readonly devices: number;
  /** The first matches in issuance order. */
  readonly sample: readonly CertificateRecord[];
}

/** A dry run's record: the confirmed run must present the token and the same query. */
export interface RevocationPreviewRecord {
  /** Lower-case hex SHA-256 of the confirmation token; the token itself is never stored. */
  readonly tokenHash: string;
  /** Canonical JSON of the query as previewed. */
  readonly query: string;
  readonly count: number;
  readonly devices: number;
  /** The run takes only certificates issued at or before this instant. */
  readonly asOf: Date;
  readonly actor: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
}

/** One entry of a CRL's revokedCertificates (RFC 5280 5.1.2.6, 5.3.1, 5.3.2). */
export interface RevokedEntry {
  readonly serial: string;
  readonly revocationDate: Date;
  readonly reason: CrlReason;
  readonly invalidityDate: Date | null;
}

export interface RevokedListOptions {
  /** Certificates whose notAfter is before this are left out (RFC 5280 5: they may leave the CRL). */
  readonly notExpiredAt: Date;
  /** Only this CRL shard (CertificateRecord.crlShard); every shard when absent. */
  readonly shard?: number;
  /** Entries per yielded batch, default 10,000. */
  readonly batchSize?: number;
}

/**
 * A change since a base CRL, for a delta CRL (RFC 5280 5.2.4): the current state of each
 * certificate whose revocation changed. `released` is a hold lifted (removeFromCRL).
 */
export type RevocationDelta =
  | (RevokedEntry & { readonly change: 'revoked' })
  | { readonly serial: string; readonly change: 'released'; readonly revocationDate: Date; readonly releasedAt: Date };

export type CrlKind = 'full' | 'delta';

export interface CrlRecord {
  readonly caName: string;
  readonly shard: number;
  readonly kind: CrlKind;
  readonly crlNumber: number;
  /** The full CRL a delta is based on (RFC 5280 5.2.4 BaseCRLNumber); null for a full CRL. */
  readonly baseCrlNumber: number | null;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date;
  readonly der: Uint8Array;
}

/** What an OCSP responder needs about one serial. */
export interface CertificateStatusRecord {
  readonly caName: string;
  readonly status: CertificateStatus;
  readonly revokedAt: Date | null;
  readonly reason: CrlReason | null;
  readonly invalidityDate: Date | null;
  readonly notAfter: Date;
}

export interface RevocationStore {
  /**
   * One result per revocation, in order, all in one transaction; `auditFor` is called for
   * each certificate actually revoked and its events are appended in that transaction.
   * A serial listed twice is decided as if the calls were made one after the other.
   */
  revokeCertificates(revocations: readonly Revocation[], auditFor: (revoked: RevokedCertificate) => AuditEventInput): Promise<RevocationResult[]>;
  /** Lifts a hold: status back to issued, the release recorded with time `at`. */
  releaseHold(serial: string, at: Date, auditFor: (release: HoldRelease) => AuditEventInput): Promise<HoldReleaseResult>;

  previewRevocationQuery(query: RevocationQuery, sampleSize: number): Promise<RevocationMatches>;
  /** Serials of the matches in issuance order, keyset-paged (limit 1..10,000). */
  pageRevocationQuery(query: RevocationQuery, page: { readonly limit: number; readonly cursor?: string }): Promise<Page<string>>;
  saveRevocationPreview(preview: RevocationPreviewRecord, audit: readonly AuditEventInput[]): Promise<void>;
  /** Marks the preview used and returns it; null if unknown, already used or expired at `at`. */
  claimRevocationPreview(tokenHash: string, at: Date): Promise<RevocationPreviewRecord | null>;

  /**
   * Revoked certificates of a CA, in batches: a batch holds entries of one shard, and every
   * entry of a batch sorts by (shard, serial) after those of earlier batches; within a
   * batch the order is unspecified (a CRL needs none).
   */
  listRevoked(caName: string, options: RevokedListOptions): AsyncIterable<readonly RevokedEntry[]>;
  /** Revocations recorded (or made final) after `since`, and holds released after `since`. */
  revocationChangesSince(caName: string, since: Date, options: RevokedListOptions): Promise<RevocationDelta[]>;
  /** The next number of the CA's one CRL sequence, shared by full and delta CRLs of every shard; from 1. */
  nextCrlNumber(caName: string): Promise<number>;
  /** Keeps the latest CRL per (CA, shard, kind); an older number than the one kept is `superseded`. */
  saveCrl(crl: CrlRecord): Promise<'saved' | 'superseded'>;
  latestCrl(caName: string, shard: number, kind: CrlKind): Promise<CrlRecord | null>;
  /** One primary-key lookup. */
  certificateStatus(serial: string): Promise<CertificateStatusRecord | null>;
}
