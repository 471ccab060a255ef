/**
 * Reading a batch's device requests as a stream, in constant memory whatever the size:
 *   JSON Lines  {"deviceId": "...", "csr": "<PEM or base64 DER>", "attributes": {...}, ...}
 *               every other string field is an attribute too (e.g. "line": "7")
 *   CSV         RFC 4180 with a header row; columns deviceId and csr, every other column an
 *               attribute; quoted fields may span lines (a PEM CSR does)
 * In key-generation mode there is no csr. A record that cannot be read becomes a fault
 * (BATCH_LINE_INVALID, with its line number) and the stream goes on.
 */
import { createReadStream } from 'node:fs';
import { fromPem } from '@fleetpki/core';
import type { BatchInputItem } from '@fleetpki/ca';
import { forEachCsvRecord } from './csv.js';

export type InputFormat = 'jsonl' | 'csv';

export const inputFormatOf = (path: string): InputFormat => (path.toLowerCase().endsWith('.csv') ? 'csv' : 'jsonl');

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function decodeCsr(text: string): Uint8Array {
  const t = text.trim();
  if (t.includes('-----BEGIN')) return fromPem(t, ['CERTIFICATE REQUEST', 'NEW CERTIFICATE REQUEST']);
  if (!BASE64.test(t)) throw new Error('csr is neither PEM nor base64 DER');
  return Buffer.from(t, 'base64');
}

/** A decoded record: fields by name. `withCsr` is false in key-generation mode. */
function toItem(line: number, fields: Readonly<Record<string, unknown>>, withCsr: boolean): BatchInputItem {
  const { deviceId, csr, attributes, ...rest } = fields;
  const id = typeof deviceId === 'string' && deviceId !== '' ? deviceId : null;
  const fault = (message: string): BatchInputItem => ({ kind: 'fault', fault: { line, deviceId: id, message } });
  if (id === null) return fault('deviceId is missing or not a string');
  if (attributes !== undefined && (typeof attributes !== 'object' || attributes === null || Array.isArray(attributes))) return fault('attributes must be an object');
  const all: Record<string, unknown> = { ...(attributes as Record<string, unknown> | undefined), ...rest };
  const bad = Object.entries(all).find(([, v]) => typeof v !== 'string');
  if (bad) return fault(`attribute ${bad[0]} is not a string`);
  if (!withCsr) return csr === undefined || csr === '' ? { kind: 'request', request: { line, deviceId: id, csrDer: null, attributes: all as Record<string, string> } } : fault('a key-generation batch takes no csr');
  if (typeof csr !== 'string') return fault('csr is missing or not a string');
  try {
    return { kind: 'request', request: { line, deviceId: id, csrDer: decodeCsr(csr), attributes: all as Record<string, string> } };
  } catch (e) {
    return fault((e as Error).message);
  }
}

async function* jsonLines(path: string, withCsr: boolean): AsyncGenerator<BatchInputItem> {
  let line = 0;
  for await (const text of lines(path)) {
    line++;
    if (text.trim() === '') continue;
    let parsed: unknown;
    try { parsed = JSON.parse(text); } catch { yield { kind: 'fault', fault: { line, deviceId: null, message: 'the line is not JSON' } }; continue; }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      yield { kind: 'fault', fault: { line, deviceId: null, message: 'the line is not a JSON object' } };
      continue;
    }
    yield toItem(line, parsed as Record<string, unknown>, withCsr);
  }
}

/** The file's lines without their line ends, read in 1 MiB pieces. */
export async function* lines(path: string): AsyncGenerator<string> {
  let rest = '';
  for await (const piece of createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    const text = rest + (piece as string);
    const parts = text.split('\n');
    rest = parts.pop()!;
    for (const p of parts) yield p.endsWith('\r') ? p.slice(0, -1) : p;
  }
  if (rest !== '') yield rest;
}

async function* csvRecords(path: string, withCsr: boolean): AsyncGenerator<BatchInputItem> {
  let header: string[] | null = null;
  for await (const { line, fields } of forEachCsvRecord(createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 }))) {
    if (header === null) { header = fields.map((f) => f.trim()); continue; }
    if (fields.length === 1 && fields[0] === '') continue;
    if (fields.length !== header.length) {
      yield { kind: 'fault', fault: { line, deviceId: null, message: `${fields.length} fields, the header has ${header.length}` } };
      continue;
    }
    yield toItem(line, Object.fromEntries(header.map((h, i) => [h, fields[i]])), withCsr);
  }
}

export function readBatchInput(path: string, format: InputFormat, withCsr: boolean): AsyncIterable<BatchInputItem> {
  return format === 'csv' ? csvRecords(path, withCsr) : jsonLines(path, withCsr);
}

/** Records in the input, for the progress bar's total: one pass that decodes nothing. */
export async function countRecords(path: string, format: InputFormat): Promise<number> {
  let n = 0;
  if (format === 'csv') {
    for await (const r of forEachCsvRecord(createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 }))) if (r.fields.length > 1 || r.fields[0] !== '') n++;
    return Math.max(0, n - 1);
  }
  for await (const l of lines(path)) if (l.trim() !== '') n++;
  return n;
}
