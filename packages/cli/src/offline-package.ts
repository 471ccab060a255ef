/**
 * The file an offline factory station gets (`fleetpki ca export-offline`): JSON, mode 0600,
 * the CA's certificate and chain as PEM, its constraints and quota allotment, and its key
 * as encrypted PKCS#8 PEM (under the export passphrase, never in clear).
 */
import { readFileSync } from 'node:fs';
import type { OfflineCaPackage } from '@fleetpki/ca';
import { fromPem, toPem, type NameConstraints } from '@fleetpki/core';
import { writeFileExclusive } from '@fleetpki/keys';
import { CliError } from './errors.js';

export const OFFLINE_FORMAT = 'fleetpki-offline-ca/1';
export const OFFLINE_PASSPHRASE_ENV = 'FLEETPKI_OFFLINE_PASSPHRASE';

interface PackageFile {
  readonly format: string;
  readonly name: string;
  readonly subject: string;
  readonly certificate: string;
  readonly chain: readonly string[];
  readonly attributes: Readonly<Record<string, string>>;
  readonly nameConstraints: NameConstraints | null;
  readonly quota: number | null;
  readonly key: string;
}

export function writeOfflinePackage(path: string, p: OfflineCaPackage): void {
  const file: PackageFile = {
    format: OFFLINE_FORMAT, name: p.name, subject: p.subject, certificate: toPem('CERTIFICATE', p.certificateDer),
    chain: p.chainDer.map((d) => toPem('CERTIFICATE', d)), attributes: p.attributes, nameConstraints: p.nameConstraints, quota: p.quota, key: p.keyPem,
  };
  writeFileExclusive(path, `${JSON.stringify(file, null, 2)}\n`);
}

export function readOfflinePackage(path: string): OfflineCaPackage {
  let f: PackageFile;
  try { f = JSON.parse(readFileSync(path, 'utf8')) as PackageFile; } catch (e) { throw new CliError('FILE_UNREADABLE', `cannot read ${path}: ${(e as Error).message}`); }
  if (f.format !== OFFLINE_FORMAT) throw new CliError('FILE_UNREADABLE', `${path} is not a ${OFFLINE_FORMAT} file`);
  return {
    name: f.name, subject: f.subject, certificateDer: fromPem(f.certificate, ['CERTIFICATE']), chainDer: f.chain.map((c) => fromPem(c, ['CERTIFICATE'])),
    attributes: f.attributes, nameConstraints: f.nameConstraints, quota: f.quota, keyPem: f.key,
  };
}
