/** The enrollment_groups and enrollment_secrets tables. */
import { ServiceError, type AuditEventInput, type EnrollmentGroupRecord, type EnrollmentSecretRecord } from '@fleetpki/ca';
import { appendAuditEvents } from './audit-log.js';
import { date, dateOrNull, json, jsonText, msOf, msOrNull, str } from './columns.js';
import type { Dialect, Row, SqlExecutor } from './driver.js';

/** The group's policy beyond its keys, as stored in `spec`. */
type GroupSpec = Omit<EnrollmentGroupRecord, 'label' | 'caName' | 'profile' | 'createdAt' | 'anchorsDer' | 'serverKeygenEncryption'>
  & { anchors: string[]; serverKeygenEncryption?: EnrollmentGroupRecord['serverKeygenEncryption'] };

const GROUP_SELECT = 'SELECT label, ca_name, profile, spec, created_at FROM enrollment_groups';

function toGroup(r: Row): EnrollmentGroupRecord {
  const { anchors, ...spec } = json<GroupSpec>(r, 'spec');
  return {
    label: str(r, 'label'), caName: str(r, 'ca_name'), profile: str(r, 'profile'),
    anchorsDer: anchors.map((b64) => new Uint8Array(Buffer.from(b64, 'base64'))),
    deviceIdPattern: spec.deviceIdPattern, attributes: spec.attributes, approval: spec.approval, rateLimit: spec.rateLimit,
    bootstrapReuse: spec.bootstrapReuse, reenrollWithBootstrap: spec.reenrollWithBootstrap, popLinking: spec.popLinking,
    webhook: spec.webhook, retryAfterSeconds: spec.retryAfterSeconds,
    // Groups stored before the option existed get its default.
    serverKeygenEncryption: spec.serverKeygenEncryption ?? 'required', createdAt: date(r, 'created_at'),
  };
}

function specOf(g: EnrollmentGroupRecord): GroupSpec {
  return {
    anchors: g.anchorsDer.map((d) => Buffer.from(d).toString('base64')), deviceIdPattern: g.deviceIdPattern, attributes: g.attributes,
    approval: g.approval, rateLimit: g.rateLimit, bootstrapReuse: g.bootstrapReuse, reenrollWithBootstrap: g.reenrollWithBootstrap,
    popLinking: g.popLinking, webhook: g.webhook, retryAfterSeconds: g.retryAfterSeconds, serverKeygenEncryption: g.serverKeygenEncryption,
  };
}

export async function insertGroup(tx: SqlExecutor, d: Dialect, g: EnrollmentGroupRecord, audit: readonly AuditEventInput[]): Promise<void> {
  const { changes } = await tx.run(
    'INSERT INTO enrollment_groups (label, ca_name, profile, spec, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (label) DO NOTHING',
    [g.label, g.caName, g.profile, jsonText(specOf(g)), msOf(g.createdAt)],
  );
  if (changes === 0) throw new ServiceError('ENROLLMENT_GROUP_EXISTS', undefined, { label: g.label });
  await appendAuditEvents(tx, d, audit);
}

export async function selectGroup(db: SqlExecutor, label: string): Promise<EnrollmentGroupRecord | null> {
  const [row] = await db.all(`${GROUP_SELECT} WHERE label = ?`, [label]);
  return row === undefined ? null : toGroup(row);
}

export async function selectGroups(db: SqlExecutor): Promise<EnrollmentGroupRecord[]> {
  return (await db.all(`${GROUP_SELECT} ORDER BY label`)).map(toGroup);
}

function toSecret(r: Row): EnrollmentSecretRecord {
  return {
    secretHash: str(r, 'secret_hash'), label: str(r, 'label'), deviceId: str(r, 'device_id'),
    createdAt: date(r, 'created_at'), usedAt: dateOrNull(r, 'used_at'),
  };
}

export async function insertSecret(tx: SqlExecutor, d: Dialect, s: EnrollmentSecretRecord, audit: readonly AuditEventInput[]): Promise<void> {
  await tx.run('INSERT INTO enrollment_secrets (secret_hash, label, device_id, created_at, used_at) VALUES (?, ?, ?, ?, ?)',
    [s.secretHash, s.label, s.deviceId, msOf(s.createdAt), msOrNull(s.usedAt)]);
  await appendAuditEvents(tx, d, audit);
}

export async function selectSecret(db: SqlExecutor, secretHash: string): Promise<EnrollmentSecretRecord | null> {
  const [row] = await db.all('SELECT secret_hash, label, device_id, created_at, used_at FROM enrollment_secrets WHERE secret_hash = ?', [secretHash]);
  return row === undefined ? null : toSecret(row);
}

/** One statement, so two claims of one secret never both see it unused. */
export async function claimSecret(db: SqlExecutor, secretHash: string, at: Date): Promise<boolean> {
  const { changes } = await db.run('UPDATE enrollment_secrets SET used_at = ? WHERE secret_hash = ? AND used_at IS NULL', [msOf(at), secretHash]);
  return changes === 1;
}

export async function releaseSecret(db: SqlExecutor, secretHash: string, at: Date): Promise<void> {
  await db.run('UPDATE enrollment_secrets SET used_at = NULL WHERE secret_hash = ? AND used_at = ?', [secretHash, msOf(at)]);
}
