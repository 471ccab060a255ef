/**
 * recordIssued: issuance cycle step 6. Pending rows become issued, with their DER, in one
 * multi-row UPDATE per chunk; the audit events go into the same transaction. A serial that
 * is not pending (unknown, already issued, or listed twice) fails the whole call. An
 * enrollment's claims are taken first in the same transaction: a certificate whose claim
 * is lost stays pending (enrollment-commit.ts), the others are issued.
 */
import { ServiceError, type AuditEventInput, type IssuedCertificate, type IssuedOutcome } from '@fleetpki/ca';
import { appendAuditEvents } from './audit-log.js';
import { claimEnrollments, writeEnrollments } from './enrollment-commit.js';
import { msOf, str } from './columns.js';
import type { Dialect, SqlExecutor, SqlValue } from './driver.js';

const ROWS_PER_STATEMENT = 500;

function notPending(serials: readonly string[]): ServiceError {
  return new ServiceError('CERTIFICATE_NOT_FOUND', 'no pending certificate with this serial', { serials });
}

/**
 * UPDATE .. FROM (VALUES ..): both engines name VALUES columns column1..n. The casts give
 * PostgreSQL the parameter types it cannot infer inside VALUES; on SQLite they are no-ops.
 */
function updateStatement(d: Dialect, rows: number): string {
  const tuple = `(?, CAST(? AS ${d.bytes}), ?, CAST(? AS BIGINT))`;
  return `UPDATE certificates SET der = v.column2, sha256 = v.column3, issued_at = v.column4, status = 'issued'
    FROM (VALUES ${new Array<string>(rows).fill(tuple).join(', ')}) AS v
    WHERE certificates.serial = v.column1 AND certificates.status = 'pending'
    RETURNING certificates.serial`;
}

export async function markIssued(
  tx: SqlExecutor, d: Dialect, all: readonly IssuedCertificate[], audit: readonly AuditEventInput[],
): Promise<IssuedOutcome[]> {
  const allSerials = all.map((c) => c.serial);
  const seen = new Set<string>();
  const duplicates = allSerials.filter((s) => seen.size === seen.add(s).size);
  if (duplicates.length > 0) throw notPending(duplicates);
  const outcomes = await claimEnrollments(tx, all);
  const issued = all.filter((_, k) => outcomes[k] === 'issued');
  const serials = issued.map((c) => c.serial);
  const updated = new Set<string>();
  for (let i = 0; i < issued.length; i += ROWS_PER_STATEMENT) {
    const chunk = issued.slice(i, i + ROWS_PER_STATEMENT);
    const params: SqlValue[] = chunk.flatMap((c) => [c.serial, c.der, c.sha256, msOf(c.issuedAt)]);
    for (const r of await tx.all(updateStatement(d, chunk.length), params)) updated.add(str(r, 'serial'));
  }
  if (updated.size !== issued.length) throw notPending(serials.filter((s) => !updated.has(s)));
  await appendAuditEvents(tx, d, audit);
  await writeEnrollments(tx, d, issued);
  return outcomes;
}
