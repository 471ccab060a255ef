/**
 * The revocation use cases over the real adapters (SQLite store, encrypted-PKCS#8 vault),
 * without HTTP: revoke by serial and by device, hold and release, the dry run and the
 * confirmed mass revocation, with exact codes, audit events and domain events.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CertificateAuthority, crlShardOf, SYSTEM_ACTOR, type Actor, type DomainEvent, type ServiceError } from '@fleetpki/ca';
import { buildCsr, parseNameString, verifyAuditChain, type AuditEntry } from '@fleetpki/core';
import { softwareSigner } from '@fleetpki/keys';
import { openDeployment, parseConfig, type Deployment } from '../src/index.js';

interface Fixture { d: Deployment; events: DomainEvent[]; done: () => Promise<void> }

async function open(): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'fleetpki-revocation-'));
  const d = await openDeployment({ config: parseConfig({ dataDir: dir, listen: { port: 0 }, logLevel: 'silent' }), env: {}, initialize: true });
  const events: DomainEvent[] = [];
  d.events.subscribe((e) => { if (e.type === 'certificate.revoked' || e.type === 'certificate.hold_released') events.push(e); });
  return { d, events, done: async () => { await d.close(); rmSync(dir, { recursive: true, force: true }); } };
}

const OPERATOR: Actor = { id: 'token:op', role: 'operator' };
const AUDITOR: Actor = { id: 'token:aud', role: 'auditor' };
const KEY = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
let csrDer: Uint8Array | undefined;

async function issue(d: Deployment, deviceId: string, extra: { caName?: string; attributes?: Record<string, string> } = {}): Promise<string> {
  csrDer ??= await buildCsr({ subject: parseNameString('CN=device') }, softwareSigner(KEY));
  return (await d.ca.issueCertificate(SYSTEM_ACTOR, { csrDer, profile: 'device-operational', deviceId, ...extra }, { prevalidated: true })).serial;
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try { await p; } catch (e) { return (e as ServiceError).code; }
  return 'NO_ERROR';
}

async function audit(d: Deployment, action: string): Promise<AuditEntry[]> {
  return (await d.store.readAudit(0, 100_000)).filter((e) => e.action === action);
}

async function statusOf(d: Deployment, serial: string): Promise<string | undefined> {
  return (await d.store.getCertificate(serial))?.status;
}

test('revoke by serial: revoked with reason and invalidity date; twice is CERTIFICATE_ALREADY_REVOKED with one revocation event', async () => {
  const { d, events, done } = await open();
  try {
    const serial = await issue(d, 'dev-1');
    const compromised = new Date(Date.now() - 3600_000);
    const view = await d.ca.revokeCertificate(OPERATOR, serial.toUpperCase(), { reason: 'keyCompromise', invalidityDate: compromised });
    assert.deepEqual([view.record.status, view.record.revocationReason, view.record.invalidityDate], ['revoked', 'keyCompromise', compromised]);
    assert.equal(view.chainDer.length, 2);
    assert.equal(await codeOf(d.ca.revokeCertificate(OPERATOR, serial, { reason: 'superseded' })), 'CERTIFICATE_ALREADY_REVOKED');
    assert.equal(await codeOf(d.ca.revokeCertificate(OPERATOR, serial, { reason: 'certificateHold' })), 'CERTIFICATE_ALREADY_REVOKED');
    const revokes = await audit(d, 'certificate.revoke');
    assert.deepEqual(revokes.filter((e) => e.outcome === 'success').map((e) => [e.target, e.actor, e.detail?.['reason'], e.detail?.['invalidityDate']]),
      [[serial, 'token:op', 'keyCompromise', compromised.toISOString()]]);
    assert.deepEqual(revokes.filter((e) => e.outcome === 'refused').map((e) => e.code), ['CERTIFICATE_ALREADY_REVOKED', 'CERTIFICATE_ALREADY_REVOKED']);
    assert.deepEqual(events.map((e) => [e.type, 'serial' in e ? e.serial : null]), [['certificate.revoked', serial]]);
    assert.equal((await d.store.getCertificate(serial))?.revocationReason, 'keyCompromise');
    assert.deepEqual(verifyAuditChain(await d.store.readAudit(0, 100_000), await d.store.auditHead()).ok, true);
  } finally { await done(); }
});

test('revoke refusals have exact codes and change nothing', async () => {
  const { d, events, done } = await open();
  try {
    const serial = await issue(d, 'dev-1');
    assert.equal(await codeOf(d.ca.revokeCertificate(OPERATOR, serial, { reason: 'stolen' })), 'REVOCATION_REASON_INVALID');
    assert.equal(await codeOf(d.ca.revokeCertificate(OPERATOR, serial, { reason: 'removeFromCRL' })), 'REVOCATION_REASON_INVALID');
    assert.equal(await codeOf(d.ca.revokeCertificate(OPERATOR, serial, { reason: 'keyCompromise', invalidityDate: new Date(Date.now() + 600_000) })), 'INVALIDITY_DATE_INVALID');
    assert.equal(await codeOf(d.ca.revokeCertificate(OPERATOR, serial, { reason: 'keyCompromise', invalidityDate: new Date(NaN) })), 'INVALIDITY_DATE_INVALID');
    assert.equal(await codeOf(d.ca.revokeCertificate(OPERATOR, '7f00ff', { reason: 'keyCompromise' })), 'CERTIFICATE_NOT_FOUND');
    assert.equal(await codeOf(d.ca.revokeCertificate(OPERATOR, 'not-hex', { reason: 'keyCompromise' })), 'REQUEST_INVALID');
    assert.equal(await codeOf(d.ca.revokeCertificate(AUDITOR, serial, { reason: 'keyCompromise' })), 'FORBIDDEN');
    assert.equal(await codeOf(d.ca.releaseHold(AUDITOR, serial)), 'FORBIDDEN');
    assert.equal(await codeOf(d.ca.previewRevocation(AUDITOR, { deviceId: 'dev-1' })), 'FORBIDDEN');
    assert.equal(await statusOf(d, serial), 'issued');
    assert.deepEqual(events, []);
    assert.equal((await audit(d, 'certificate.revoke')).filter((e) => e.outcome === 'success').length, 0);
  } finally { await done(); }
});

test('hold, release, hold again, made final; only a hold can be released', async () => {
  const { d, events, done } = await open();
  try {
    const serial = await issue(d, 'dev-1');
    assert.equal(await codeOf(d.ca.releaseHold(OPERATOR, serial)), 'CERTIFICATE_NOT_ON_HOLD');
    assert.equal((await d.ca.revokeCertificate(OPERATOR, serial, { reason: 'certificateHold' })).record.revocationReason, 'certificateHold');
    const released = await d.ca.releaseHold(OPERATOR, serial);
    assert.deepEqual([released.record.status, released.record.revokedAt, released.record.revocationReason], ['issued', null, null]);
    assert.equal((await d.store.certificateStatus(serial))?.status, 'issued');
    assert.equal(await codeOf(d.ca.releaseHold(OPERATOR, serial)), 'CERTIFICATE_NOT_ON_HOLD');
    const held = await d.ca.revokeCertificate(OPERATOR, serial, { reason: 'certificateHold' });
    const final = await d.ca.revokeCertificate(OPERATOR, serial, { reason: 'keyCompromise' });
    assert.deepEqual([final.record.status, final.record.revocationReason, final.record.revokedAt], ['revoked', 'keyCompromise', held.record.revokedAt]);
    assert.equal(await codeOf(d.ca.releaseHold(OPERATOR, serial)), 'CERTIFICATE_NOT_ON_HOLD');
    assert.equal(await codeOf(d.ca.releaseHold(OPERATOR, '7f00ff')), 'CERTIFICATE_NOT_FOUND');
    assert.deepEqual(events.map((e) => e.type === 'certificate.revoked' ? `revoked:${e.reason}` : e.type),
      ['revoked:certificateHold', 'certificate.hold_released', 'revoked:certificateHold', 'revoked:keyCompromise']);
    const [change] = await d.store.revocationChangesSince('dev-issuing', new Date(0), { notExpiredAt: new Date() });
    assert.deepEqual([change?.serial, change?.change, change?.change === 'revoked' ? change.reason : null], [serial, 'revoked', 'keyCompromise']);
    assert.equal((await audit(d, 'certificate.release_hold')).filter((e) => e.outcome === 'success').length, 1);
  } finally { await done(); }
});

test('revoke a device: every certificate of it, holds made final, other devices untouched', async () => {
  const { d, events, done } = await open();
  try {
    const mine = [await issue(d, 'dev-A'), await issue(d, 'dev-A'), await issue(d, 'dev-A')];
    const other = await issue(d, 'dev-B');
    await d.ca.revokeCertificate(OPERATOR, mine[1]!, { reason: 'certificateHold' });
    const result = await d.ca.revokeDevice(OPERATOR, 'dev-A', { reason: 'keyCompromise' });
    assert.deepEqual([result.revoked, result.alreadyRevoked, [...result.serials].sort()], [3, 0, [...mine].sort()]);
    for (const s of mine) assert.equal((await d.store.getCertificate(s))?.revocationReason, 'keyCompromise');
    assert.equal(await statusOf(d, other), 'issued');
    assert.equal(await codeOf(d.ca.revokeDevice(OPERATOR, 'dev-A', { reason: 'keyCompromise' })), 'CERTIFICATE_ALREADY_REVOKED');
    assert.equal(await codeOf(d.ca.revokeDevice(OPERATOR, 'dev-none', { reason: 'keyCompromise' })), 'CERTIFICATE_NOT_FOUND');
    assert.equal(events.filter((e) => e.type === 'certificate.revoked').length, 4);
    const summary = (await audit(d, 'device.revoke')).filter((e) => e.outcome === 'success');
    assert.deepEqual(summary.map((e) => [e.target, e.detail?.['revoked']]), [['dev-A', 3]]);
  } finally { await done(); }
});

test('mass revocation: the dry run changes nothing; the confirmed run revokes exactly the previewed set', async () => {
  const { d, events, done } = await open();
  try {
    await d.ca.createManufacturerCa(SYSTEM_ACTOR, {
      name: 'cm1', parent: 'dev-issuing', subject: 'CN=Contoso Device CA,O=Contoso', manufacturer: 'Contoso',
      namespace: 'cm1.devices.example.com', quota: null, keyType: 'ecdsa-p256',
    });
    const b7: string[] = [];
    for (let k = 0; k < 1100; k++) b7.push(await issue(d, `sn-${k % 700}`, { caName: 'cm1', attributes: { batch: 'B7' } }));
    const b8 = await issue(d, 'sn-b8', { caName: 'cm1', attributes: { batch: 'B8' } });
    const elsewhere = await issue(d, 'sn-1', { attributes: { batch: 'B7' } });
    const query = { manufacturer: 'Contoso', attributes: { batch: 'B7' } };
    const auditBefore = (await d.store.readAudit(0, 100_000)).length;

    const preview = await d.ca.previewRevocation(OPERATOR, query);
    assert.deepEqual([preview.count, preview.devices, preview.sample.map((c) => c.serial)], [1100, 700, b7.slice(0, 10)]);
    assert.deepEqual(preview.query, { ...query, status: 'issued' });
    assert.match(preview.confirmation, /^fpr_[A-Za-z0-9_-]{43}$/);
    const auditAfterPreview = await d.store.readAudit(0, 100_000);
    assert.deepEqual(auditAfterPreview.slice(auditBefore).map((e) => e.action), ['revocation.preview']);
    assert.equal((await d.store.previewRevocationQuery({ status: 'revoked' }, 0)).count, 0);
    assert.deepEqual(events, []);

    // Issued after the dry run: not part of the run, and not a reason to call it stale.
    const late = await issue(d, 'sn-late', { caName: 'cm1', attributes: { batch: 'B7' } });
    const reason = 'keyCompromise';
    const result = await d.ca.revokeByQuery(OPERATOR, { query, reason, confirmation: preview.confirmation });
    assert.deepEqual([result.previewed, result.revoked, result.alreadyRevoked, result.batches], [1100, 1100, 0, 3]);
    for (const s of [b7[0]!, b7[549]!, b7[1099]!]) assert.equal((await d.store.getCertificate(s))?.revocationReason, reason);
    const revoked = await d.store.previewRevocationQuery({ status: 'revoked' }, 0);
    assert.equal(revoked.count, 1100);
    for (const s of [b8, elsewhere, late]) assert.equal(await statusOf(d, s), 'issued');
    assert.equal(events.length, 1100);
    const perCertificate = (await audit(d, 'certificate.revoke')).filter((e) => e.outcome === 'success');
    assert.deepEqual(new Set(perCertificate.map((e) => e.target)), new Set(b7));
    const [summary] = (await audit(d, 'revocation.run')).filter((e) => e.outcome === 'success');
    assert.deepEqual([summary?.detail?.['previewed'], summary?.detail?.['revoked']], [1100, 1100]);
    assert.equal(await codeOf(d.ca.revokeByQuery(OPERATOR, { query, reason, confirmation: preview.confirmation })), 'REVOCATION_CONFIRMATION_INVALID');
    assert.deepEqual(verifyAuditChain(await d.store.readAudit(0, 100_000), await d.store.auditHead()).ok, true);
  } finally { await done(); }
});

test('mass revocation refuses a stale dry run, a forged or expired token, and a query without a selector', async () => {
  const { d, done } = await open();
  try {
    const serials = [await issue(d, 'a', { attributes: { batch: 'B9' } }), await issue(d, 'b', { attributes: { batch: 'B9' } })];
    const query = { attributes: { batch: 'B9' } };
    const preview = await d.ca.previewRevocation(OPERATOR, query);
    await d.ca.revokeCertificate(OPERATOR, serials[0]!, { reason: 'superseded' });
    assert.equal(await codeOf(d.ca.revokeByQuery(OPERATOR, { query, reason: 'superseded', confirmation: preview.confirmation })), 'REVOCATION_PREVIEW_STALE');
    assert.equal(await statusOf(d, serials[1]!), 'issued');
    assert.equal(await codeOf(d.ca.revokeByQuery(OPERATOR, { query, reason: 'superseded', confirmation: `fpr_${'A'.repeat(43)}` })), 'REVOCATION_CONFIRMATION_INVALID');
    assert.equal(await codeOf(d.ca.revokeByQuery(OPERATOR, { query, reason: 'superseded', confirmation: 'yes' })), 'REVOCATION_CONFIRMATION_INVALID');
    assert.equal(await codeOf(d.ca.previewRevocation(OPERATOR, {})), 'REQUEST_INVALID');
    assert.equal(await codeOf(d.ca.previewRevocation(OPERATOR, { status: 'issued' })), 'REQUEST_INVALID');
    assert.equal(await codeOf(d.ca.previewRevocation(OPERATOR, { issuedAfter: new Date(2000), issuedBefore: new Date(1000) })), 'REQUEST_INVALID');
    // A dry run 16 minutes old has expired; one confirmed with another query is spent.
    const fresh = await d.ca.previewRevocation(OPERATOR, query);
    const later = new CertificateAuthority({ ...d.ca.deps, clock: { now: () => new Date(Date.now() + 16 * 60_000) } });
    assert.equal(await codeOf(later.revokeByQuery(OPERATOR, { query, reason: 'superseded', confirmation: fresh.confirmation })), 'REVOCATION_CONFIRMATION_INVALID');
    assert.equal(await codeOf(d.ca.revokeByQuery(OPERATOR, { query: { ...query, deviceId: 'b' }, reason: 'superseded', confirmation: fresh.confirmation })),
      'REVOCATION_CONFIRMATION_INVALID');
    assert.equal(await codeOf(d.ca.revokeByQuery(OPERATOR, { query, reason: 'superseded', confirmation: fresh.confirmation })), 'REVOCATION_CONFIRMATION_INVALID');
    assert.equal(await statusOf(d, serials[1]!), 'issued');
    const last = await d.ca.previewRevocation(OPERATOR, query);
    assert.equal(last.count, 1);
    assert.equal((await d.ca.revokeByQuery(OPERATOR, { query, reason: 'superseded', confirmation: last.confirmation })).revoked, 1);
    assert.equal(await statusOf(d, serials[1]!), 'revoked');
  } finally { await done(); }
});

test('with CRL shards configured, each certificate records the shard its serial maps to', async () => {
  const { d, done } = await open();
  try {
    const sharded = new CertificateAuthority({ ...d.ca.deps, settings: { ...d.ca.deps.settings, crlShards: 4 } });
    csrDer ??= await buildCsr({ subject: parseNameString('CN=device') }, softwareSigner(KEY));
    const shards = new Set<number>();
    for (let k = 0; k < 24; k++) {
      const { serial } = await sharded.issueCertificate(SYSTEM_ACTOR, { csrDer, profile: 'device-operational', deviceId: `s-${k}` }, { prevalidated: true });
      const record = await d.store.getCertificate(serial);
      assert.equal(record?.crlShard, crlShardOf(serial, 4));
      shards.add(record!.crlShard);
    }
    assert.ok(shards.size > 1);
    assert.equal(crlShardOf('7f00000000000005', 4), 1);
    assert.equal(crlShardOf('ff', 1), 0);
  } finally { await done(); }
});
