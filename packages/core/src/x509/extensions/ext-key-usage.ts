/**
 *   ExtKeyUsageSyntax ::= SEQUENCE SIZE (1..MAX) OF KeyPurposeId   (RFC 5280 4.2.1.12)
 */
import { readOid, readRoot, sequenceOf } from '../../der/reader.js';
import { oid, sequence } from '../../der/writer.js';

export const KEY_PURPOSES = {
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  codeSigning: '1.3.6.1.5.5.7.3.3',
  emailProtection: '1.3.6.1.5.5.7.3.4',
  timeStamping: '1.3.6.1.5.5.7.3.8',
  OCSPSigning: '1.3.6.1.5.5.7.3.9',
} as const;
export type KeyPurposeName = keyof typeof KEY_PURPOSES;

export const encodeExtKeyUsage = (purposes: readonly KeyPurposeName[]): Buffer => sequence(...purposes.map((p) => oid(KEY_PURPOSES[p])));

export const parseExtKeyUsage = (der: Uint8Array): string[] =>
  sequenceOf(readRoot(der), 'ExtKeyUsageSyntax', 1).map((t) => readOid(t));
