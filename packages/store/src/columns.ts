/**
 * How domain values are kept in columns, the same on both engines:
 * - instants as integer milliseconds since the epoch (BIGINT), so they sort and compare as
 *   numbers and round-trip a Date exactly (Date has millisecond precision);
 * - DER as bytes; lists of DER as a JSON array of base64 strings;
 * - structured values as canonical JSON text (core's canonicalJson: sorted keys), so what
 *   is read back is what was hashed into the audit chain.
 * Readers check the type they get: a wrong type here means schema drift, not bad input.
 */
import { canonicalJson } from '@fleetpki/core';
import type { Row } from './driver.js';

export function msOf(d: Date): number {
  const ms = d.getTime();
  if (!Number.isFinite(ms)) throw new RangeError('invalid Date');
  return ms;
}

export function msOrNull(d: Date | null): number | null {
  return d === null ? null : msOf(d);
}

export function jsonText(v: unknown): string {
  return canonicalJson(v);
}

export function derListText(list: readonly Uint8Array[]): string {
  return JSON.stringify(list.map((d) => Buffer.from(d.buffer, d.byteOffset, d.byteLength).toString('base64')));
}

function fail(row: Row, column: string, want: string): never {
  throw new TypeError(`column ${column} is not ${want} (got ${typeof row[column]})`);
}

export function str(row: Row, column: string): string {
  const v = row[column];
  return typeof v === 'string' ? v : fail(row, column, 'text');
}

export function strOrNull(row: Row, column: string): string | null {
  return row[column] === null ? null : str(row, column);
}

export function num(row: Row, column: string): number {
  const v = row[column];
  return typeof v === 'number' ? v : fail(row, column, 'a number');
}

export function numOrNull(row: Row, column: string): number | null {
  return row[column] === null ? null : num(row, column);
}

export function date(row: Row, column: string): Date {
  return new Date(num(row, column));
}

export function dateOrNull(row: Row, column: string): Date | null {
  return row[column] === null ? null : date(row, column);
}

export function bytes(row: Row, column: string): Uint8Array {
  const v = row[column];
  return v instanceof Uint8Array ? v : fail(row, column, 'bytes');
}

export function bytesOrNull(row: Row, column: string): Uint8Array | null {
  return row[column] === null ? null : bytes(row, column);
}

export function json<T>(row: Row, column: string): T {
  return JSON.parse(str(row, column)) as T;
}

export function jsonOrNull<T>(row: Row, column: string): T | null {
  return row[column] === null ? null : json<T>(row, column);
}

export function derList(row: Row, column: string): Uint8Array[] {
  return json<string[]>(row, column).map((b64) => new Uint8Array(Buffer.from(b64, 'base64')));
}
