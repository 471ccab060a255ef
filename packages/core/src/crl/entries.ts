/**
 * The revokedCertificates list, the hot path of CRL generation (issue 3: 1,000,000 entries
 * well under 3 s). Entries stream from an Iterable straight into 1 MiB chunks, each written
 * in place with no per-entry allocation; the total length is known at the end, so the
 * caller writes the enclosing headers once. test/crl.test.ts checks the bytes against the
 * general writer and @peculiar/asn1-x509.
 *   revokedCertificates SEQUENCE OF SEQUENCE {
 *     userCertificate     CertificateSerialNumber,
 *     revocationDate      Time,
 *     crlEntryExtensions  Extensions OPTIONAL }   -- if present, version MUST be v2
 */
import { PkiError } from '../errors.js';
import { generalizedTime, TAG } from '../der/writer.js';
import { CRL_REASONS, type CrlReason } from '../revocation/reason.js';
import { encodeExtension } from '../x509/extensions/extension.js';
import { SERIAL_MAX_TLV_BYTES, writeSerialNumber } from '../x509/serial.js';
import { CRL_ENTRY_EXTENSION_OIDS, encodeReasonCode } from './extensions.js';

export interface CrlEntry {
  /** Lower-case hex of the serial's magnitude, as Certificate.serial. */
  readonly serial: string;
  readonly revocationDate: Date;
  /** null or 'unspecified': no reasonCode extension (RFC 5280 5.3.1). */
  readonly reason: CrlReason | null;
  readonly invalidityDate: Date | null;
}

const CHUNK_BYTES = 1 << 20;
/** Extension DER per reason, built once: the reasonCode is one of ten constant strings. */
const REASON_EXTENSIONS: ReadonlyMap<CrlReason, Buffer> = new Map((Object.keys(CRL_REASONS) as CrlReason[])
  .map((r) => [r, encodeExtension(CRL_ENTRY_EXTENSION_OIDS.reasonCode, false, encodeReasonCode(r))]));
/** invalidityDate Extension up to its GeneralizedTime (30 18 06 03 55 1d 18 04 11), then 17 octets of time. */
const INVALIDITY_DATE_PREFIX = encodeExtension(CRL_ENTRY_EXTENSION_OIDS.invalidityDate, false, generalizedTime(new Date(0))).subarray(0, 9);
const INVALIDITY_DATE_BYTES = INVALIDITY_DATE_PREFIX.length + 17;
const LARGEST_REASON = Math.max(...[...REASON_EXTENSIONS.values()].map((b) => b.length));
/** Serial, Time, reason and invalidity date: always under 128 octets, so every length is one octet. */
const MAX_ENTRY_BYTES = 2 + SERIAL_MAX_TLV_BYTES + 17 + 2 + LARGEST_REASON + INVALIDITY_DATE_BYTES;

const invalid = (message: string, detail?: Record<string, unknown>): PkiError =>
  new PkiError('CRL_INVALID', message, detail ? { detail } : undefined);

function write2(out: Buffer, p: number, v: number): void {
  out[p] = 0x30 + ((v / 10) | 0);
  out[p + 1] = 0x30 + (v % 10);
}

/**
 * Writes a Time at out[p]: UTCTime through 2049, GeneralizedTime from 2050 (RFC 5280
 * 5.1.2.6 via 5.1.2.4), or always GeneralizedTime (`generalized`, RFC 5280 5.3.2).
 */
function writeTime(out: Buffer, p: number, d: Date, generalized: boolean): number {
  const y = d.getUTCFullYear();
  if (!Number.isFinite(y) || y < 1 || y > 9999) throw invalid('a CRL entry date is not a valid date');
  const utc = !generalized && y >= 1950 && y < 2050;
  out[p++] = utc ? TAG.UTC_TIME : TAG.GENERALIZED_TIME;
  out[p++] = utc ? 13 : 15;
  if (!utc) { write2(out, p, (y / 100) | 0); p += 2; }
  write2(out, p, y % 100);
  write2(out, p + 2, d.getUTCMonth() + 1);
  write2(out, p + 4, d.getUTCDate());
  write2(out, p + 6, d.getUTCHours());
  write2(out, p + 8, d.getUTCMinutes());
  write2(out, p + 10, d.getUTCSeconds());
  out[p + 12] = 0x5a; // 'Z'
  return p + 13;
}

function reasonExtension(e: CrlEntry, delta: boolean): Buffer | null {
  if (e.reason === null || e.reason === 'unspecified') return null; // 5.3.1: SHOULD be absent for unspecified
  const ext = REASON_EXTENSIONS.get(e.reason);
  if (!ext) throw invalid(`"${String(e.reason)}" is not a CRLReason`, { serial: e.serial });
  // 5.3.1: removeFromCRL "is for use with delta CRLs only".
  if (e.reason === 'removeFromCRL' && !delta) throw invalid('removeFromCRL entries are allowed in delta CRLs only', { serial: e.serial });
  return ext;
}

/** Writes one CRLEntry at out[p] (which has MAX_ENTRY_BYTES free) and returns the offset after it. */
function writeEntry(out: Buffer, p: number, e: CrlEntry, delta: boolean): number {
  const reason = reasonExtension(e, delta);
  const extBytes = (reason ? reason.length : 0) + (e.invalidityDate ? INVALIDITY_DATE_BYTES : 0);
  out[p] = TAG.SEQUENCE;
  let q = writeSerialNumber(out, p + 2, e.serial);
  q = writeTime(out, q, e.revocationDate, false);
  if (extBytes > 0) {
    out[q++] = TAG.SEQUENCE;
    out[q++] = extBytes;
    if (reason) { reason.copy(out, q); q += reason.length; }
    if (e.invalidityDate) {
      INVALIDITY_DATE_PREFIX.copy(out, q);
      q = writeTime(out, q + INVALIDITY_DATE_PREFIX.length, e.invalidityDate, true);
    }
  }
  out[p + 1] = q - p - 2;
  return q;
}

/** The encoded entries, in chunks, and their total length. */
export interface EncodedEntries {
  readonly chunks: readonly Buffer[];
  readonly length: number;
  readonly count: number;
}

/** Encodes every entry of `entries` (consumed once, so a generator streams). */
export function encodeEntries(entries: Iterable<CrlEntry>, delta: boolean): EncodedEntries {
  const chunks: Buffer[] = [];
  let chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  let p = 0;
  let length = 0;
  let count = 0;
  for (const e of entries) {
    if (p + MAX_ENTRY_BYTES > CHUNK_BYTES) {
      chunks.push(chunk.subarray(0, p));
      length += p;
      chunk = Buffer.allocUnsafe(CHUNK_BYTES);
      p = 0;
    }
    p = writeEntry(chunk, p, e, delta);
    count++;
  }
  if (p > 0) chunks.push(chunk.subarray(0, p));
  return { chunks, length: length + p, count };
}

/** Several encoded pages as one list, in order (a store yields revoked entries in batches). */
export function concatEncodedEntries(parts: readonly EncodedEntries[]): EncodedEntries {
  let length = 0;
  let count = 0;
  const chunks: Buffer[] = [];
  for (const p of parts) { chunks.push(...p.chunks); length += p.length; count += p.count; }
  return { chunks, length, count };
}
