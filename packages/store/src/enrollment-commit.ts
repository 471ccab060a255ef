/**
 * An enrollment's part of recordIssued (IssuedCertificate.enrollment), inside its
 * transaction: the certificate is issued if and only if its one-time secret is spent and
 * its bootstrap use counted, and the device record and links exist exactly when it is
 * issued. A crash before the commit leaves a pending intent and nothing spent (the device
 * retries); after it, all of it. Claims are taken before the issued UPDATE, in list
 * order, so of two enrollments with one secret in a batch (or in concurrent transactions:
 * the UPDATE takes the row lock) the first wins and the second stays pending.
 */
import type { IssuedCertificate, IssuedOutcome } from '@fleetpki/ca';
import { appendAuditEvents } from './audit-log.js';
import type { Dialect, SqlExecutor } from './driver.js';
import { claimUse, insertEnrollment, releaseUse } from './enrollment-devices.js';
import { claimSecret } from './enrollment-groups.js';

async function claimOne(tx: SqlExecutor, c: IssuedCertificate): Promise<IssuedOutcome> {
  const e = c.enrollment;
  if (!e) return 'issued';
  const use = e.bootstrapUse;
  if (use && !(await claimUse(tx, use.sha256, use.label, use.max, c.issuedAt))) return 'bootstrap_used';
  if (e.secretHash !== null && !(await claimSecret(tx, e.secretHash, c.issuedAt))) {
    if (use) await releaseUse(tx, use.sha256);
    return 'secret_used';
  }
  return 'issued';
}

/** One outcome per certificate, in order; the claims of the 'issued' ones are taken. */
export async function claimEnrollments(tx: SqlExecutor, issued: readonly IssuedCertificate[]): Promise<IssuedOutcome[]> {
  const out: IssuedOutcome[] = [];
  for (const c of issued) out.push(await claimOne(tx, c));
  return out;
}

/** Device records, links, approved requests and audit events of the issued enrollments. */
export async function writeEnrollments(tx: SqlExecutor, d: Dialect, issued: readonly IssuedCertificate[]): Promise<void> {
  const audit = [];
  for (const c of issued) {
    const e = c.enrollment;
    if (!e) continue;
    await insertEnrollment(tx, d, e.device, []);
    if (e.pendingId !== null) await tx.run('DELETE FROM pending_enrollments WHERE id = ?', [e.pendingId]);
    audit.push(...e.audit);
  }
  await appendAuditEvents(tx, d, audit);
}

