/** Shared rules for CA records: names that fit URLs and files, and a fresh record's defaults. */
import { ServiceError } from '../errors.js';
import type { CaRecord } from '../ports/store.js';

/** CA names appear in URLs (/crl/<name>.crl) and file names. */
export const CA_NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

export function checkCaName(name: string): string {
  if (!CA_NAME_PATTERN.test(name)) throw new ServiceError('REQUEST_INVALID', 'CA name: 1-63 lower-case letters, digits and dashes', { name });
  return name;
}

export function newCaRecord(fields: Pick<CaRecord, 'name' | 'role' | 'status' | 'subject' | 'createdAt'> & Partial<CaRecord>): CaRecord {
  return {
    parent: null, certificateDer: null, chainDer: [], csrDer: null, key: null, attributes: {},
    nameConstraints: null, quota: null, issuedCount: 0, ...fields,
  };
}
