/**
 * Reading the files a command is given. PEM is the format in and out; a file without any
 * PEM armour is taken as DER, as `openssl req -inform DER` would read it, and anything
 * malformed ends in the core's BAD_PEM / BAD_DER.
 */
import { readFileSync } from 'node:fs';
import { fromPem, fromPemAll, PkiError } from '@fleetpki/core';
import { CliError } from './errors.js';

export function readInputFile(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new CliError('FILE_UNREADABLE', `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

const isArmoured = (bytes: Buffer): boolean => bytes.includes('-----BEGIN ');

/** One DER object from a PEM file (first block with one of `labels`) or a DER file. */
export function readPemOrDer(path: string, labels: readonly string[]): Buffer {
  const bytes = readInputFile(path);
  return isArmoured(bytes) ? fromPem(bytes.toString('latin1'), labels) : bytes;
}

export const readCsr = (path: string): Buffer => readPemOrDer(path, ['CERTIFICATE REQUEST', 'NEW CERTIFICATE REQUEST']);
export const readCertificate = (path: string): Buffer => readPemOrDer(path, ['CERTIFICATE']);

/** Every certificate of a PEM bundle, in file order; at least one. */
export function readCertificateBundle(path: string): Buffer[] {
  const bytes = readInputFile(path);
  if (!isArmoured(bytes)) return [bytes];
  const ders = fromPemAll(bytes.toString('latin1'), ['CERTIFICATE']).map((b) => b.der);
  if (ders.length === 0) throw new PkiError('BAD_PEM', `${path} holds no CERTIFICATE PEM block`);
  return ders;
}
