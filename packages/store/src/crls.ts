/**
 * CRL numbers and the CRLs last published. One number sequence per CA (crl_numbers), shared
 * by its full and delta CRLs of every shard, so a number is never reused and a delta's
 * number is always above its base's (RFC 5280 5.2.3, 5.2.4). Only the latest CRL per
 * (CA, shard, kind) is kept: relying parties fetch the current one, and a million-entry
 * CRL is tens of megabytes.
 */
import { ServiceError, type CrlKind, type CrlRecord } from '@fleetpki/ca';
import { bytes, date, msOf, num, numOrNull, str } from './columns.js';
import type { Row, SqlExecutor } from './driver.js';
import { requestInvalid } from './errors.js';

async function requireCa(tx: SqlExecutor, name: string): Promise<void> {
  if ((await tx.all('SELECT name FROM cas WHERE name = ?', [name])).length === 0) throw new ServiceError('CA_NOT_FOUND', undefined, { name });
}

export async function takeCrlNumber(tx: SqlExecutor, caName: string): Promise<number> {
  await requireCa(tx, caName);
  const [row] = await tx.all(
    `INSERT INTO crl_numbers (ca_name, last_number) VALUES (?, 1)
      ON CONFLICT (ca_name) DO UPDATE SET last_number = crl_numbers.last_number + 1 RETURNING last_number`, [caName]);
  return num(row!, 'last_number');
}

const CRL_COLUMNS = ['ca_name', 'shard', 'kind', 'crl_number', 'base_crl_number', 'this_update', 'next_update', 'der'] as const;

function checkCrl(c: CrlRecord): void {
  if (!Number.isInteger(c.shard) || c.shard < 0) throw requestInvalid('shard must be a non-negative integer');
  if (!Number.isSafeInteger(c.crlNumber) || c.crlNumber < 1) throw requestInvalid('crlNumber must be a positive integer');
  if ((c.kind === 'delta') !== (c.baseCrlNumber !== null)) throw requestInvalid('a delta CRL, and only a delta CRL, has a baseCrlNumber');
}

export async function upsertCrl(tx: SqlExecutor, c: CrlRecord): Promise<'saved' | 'superseded'> {
  checkCrl(c);
  await requireCa(tx, c.caName);
  const updates = CRL_COLUMNS.slice(3).map((col) => `${col} = excluded.${col}`).join(', ');
  const { changes } = await tx.run(
    `INSERT INTO crls (${CRL_COLUMNS.join(', ')}) VALUES (${CRL_COLUMNS.map(() => '?').join(', ')})
      ON CONFLICT (ca_name, shard, kind) DO UPDATE SET ${updates} WHERE crls.crl_number < excluded.crl_number`,
    [c.caName, c.shard, c.kind, c.crlNumber, c.baseCrlNumber, msOf(c.thisUpdate), msOf(c.nextUpdate), c.der]);
  return changes > 0 ? 'saved' : 'superseded';
}

function toCrl(r: Row): CrlRecord {
  return {
    caName: str(r, 'ca_name'), shard: num(r, 'shard'), kind: str(r, 'kind') as CrlKind, crlNumber: num(r, 'crl_number'),
    baseCrlNumber: numOrNull(r, 'base_crl_number'), thisUpdate: date(r, 'this_update'), nextUpdate: date(r, 'next_update'), der: bytes(r, 'der'),
  };
}

export async function selectLatestCrl(db: SqlExecutor, caName: string, shard: number, kind: CrlKind): Promise<CrlRecord | null> {
  const [row] = await db.all(`SELECT ${CRL_COLUMNS.join(', ')} FROM crls WHERE ca_name = ? AND shard = ? AND kind = ?`, [caName, shard, kind]);
  return row === undefined ? null : toCrl(row);
}
