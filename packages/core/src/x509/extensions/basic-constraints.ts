/**
 *   BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE,
 *                                   pathLenConstraint INTEGER (0..MAX) OPTIONAL }  (RFC 5280 4.2.1.9)
 */
import { readRoot, readSmallInteger, sequenceOf } from '../../der/reader.js';
import { boolean, sequence, smallInteger, TAG } from '../../der/writer.js';

export interface BasicConstraints { readonly cA: boolean; readonly pathLenConstraint: number | null }

export function encodeBasicConstraints(bc: BasicConstraints): Buffer {
  if (!bc.cA) return sequence();
  return bc.pathLenConstraint === null ? sequence(boolean(true)) : sequence(boolean(true), smallInteger(bc.pathLenConstraint));
}

export function parseBasicConstraints(der: Uint8Array): BasicConstraints {
  const parts = sequenceOf(readRoot(der), 'BasicConstraints', 0, 2);
  let i = 0;
  let cA = false;
  if (parts[0]?.tag === TAG.BOOLEAN) { cA = parts[0].buf[parts[0].contentStart] !== 0; i++; }
  const pl = parts[i];
  return { cA, pathLenConstraint: pl ? readSmallInteger(pl, 'pathLenConstraint') : null };
}
