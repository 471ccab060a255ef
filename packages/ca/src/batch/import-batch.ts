/**
 * Importing a batch an offline station signed (docs/batch.md "Offline stations"):
 *   1. authorize  - the caller may issue; the CA exists here, and the manifest was
 *                   signed by this very CA certificate
 *   2. open       - the batch record (mode import), new or resumed: importing twice is
 *                   harmless
 *   3. check      - each certificate: issued by the CA (issuer name and signature), listed
 *                   in the verified manifest with the same device, serial and SHA-256,
 *                   naming the device in its device id URI
 *   4. record     - intents (quota counted here too) and issued rows with an audit event
 *                   each, chunk by chunk; a certificate already here is skipped
 *   5. finish     - the batch's outcome, audited
 */
import { certificateSha256, formatGeneralName, formatName, parseCertificate, publicKeyObject, verifySignature, type Certificate } from '@fleetpki/core';
import { ServiceError, type ErrorCode } from '../errors.js';
import type { CaDeps } from '../context.js';
import type { Actor } from '../auth/permissions.js';
import { audited, authorize } from '../auth/authorize.js';
import { refusalEvent, successEvent } from '../audit/audit-log.js';
import { checkAttributes } from '../issue/attributes.js';
import { deviceUriPrefix } from '../issue/issuer-registry.js';
import { crlShardOf } from '../revocation/crl-shard.js';
import type { BatchDeviceIntent, BatchRecord } from '../ports/batch-store.js';
import type { AuditEventInput, CaRecord, IssuedCertificate } from '../ports/store.js';
import { checkBatchId } from './open-run.js';
import { sha256Hex } from './prepare-request.js';
import type { BatchInputFault } from './types.js';

export interface ImportedCertificate {
  readonly line: number;
  readonly deviceId: string;
  readonly certificateDer: Uint8Array;
  readonly attributes: Readonly<Record<string, string>>;
}

export interface BatchImportInput {
  readonly batchId: string;
  readonly caName: string;
  readonly profile: string;
  /** The certificate that signed the manifest: it must be the CA's own. */
  readonly manifestSigner: Uint8Array;
  /** Serial -> device and certificate SHA-256, from a manifest whose signature the caller verified. */
  readonly listed: ReadonlyMap<string, { readonly deviceId: string; readonly sha256: string }>;
  readonly certificates: AsyncIterable<{ readonly kind: 'certificate'; readonly certificate: ImportedCertificate } | { readonly kind: 'fault'; readonly fault: BatchInputFault }>;
}

export interface BatchImportSummary {
  readonly batch: BatchRecord;
  readonly imported: number;
  readonly existing: number;
  readonly refused: readonly { readonly line: number; readonly deviceId: string | null; readonly code: string; readonly message: string }[];
  readonly stoppedBy: string | null;
}

const CHUNK = 512;

interface Checked { readonly c: ImportedCertificate; readonly cert: Certificate; readonly sha256: string }

/** Step 3 for one certificate: the reason it is refused, or null. */
function mismatch(ca: CaRecord, caCert: Certificate, input: BatchImportInput, c: ImportedCertificate, cert: Certificate, sha256: string): string | null {
  if (!Buffer.from(cert.issuerDer).equals(caCert.subjectDer)) return 'its issuer is not the batch CA';
  if (!verifySignature(cert.signatureAlgorithm.algorithm, publicKeyObject(caCert.publicKey), cert.tbs, cert.signature, cert.signatureAlgorithm.pss)) return 'its signature is not the CA\'s';
  const listed = input.listed.get(cert.serial);
  if (!listed || listed.sha256 !== sha256 || listed.deviceId !== c.deviceId) return 'it is not in the signed manifest as given';
  const uri = `${deviceUriPrefix(ca.attributes['namespace'] ?? '')}${c.deviceId}`;
  if (!cert.subjectAltNames.some((g) => g.type === 'uri' && g.value === uri)) return `it does not name ${uri}`;
  return null;
}

function intentOf(deps: CaDeps, actor: Actor, batch: BatchRecord, k: Checked): BatchDeviceIntent {
  const { cert } = k;
  return {
    intent: {
      serial: cert.serial, caName: batch.caName, profile: batch.profile, subject: formatName(cert.subject), deviceId: k.c.deviceId,
      subjectAltNames: cert.subjectAltNames.map(formatGeneralName), notBefore: cert.notBefore, notAfter: cert.notAfter, tbsDer: cert.tbs,
      requester: actor.id, createdAt: deps.clock.now(), crlShard: crlShardOf(cert.serial, deps.settings.crlShards ?? 1),
      attributes: checkAttributes({ ...k.c.attributes, batch: batch.batchId }),
    },
    csrSha256: null, spkiSha256: sha256Hex(cert.publicKey.spki),
  };
}

type Refusal = BatchImportSummary['refused'][number];

async function openImport(deps: CaDeps, actor: Actor, input: BatchImportInput, ca: CaRecord): Promise<{ batch: BatchRecord; run: number }> {
  const now = deps.clock.now();
  const record: BatchRecord = {
    batchId: checkBatchId(input.batchId), caName: ca.name, manufacturer: ca.attributes['manufacturer'] ?? null, profile: input.profile, mode: 'import',
    status: 'running', attributes: { batch: input.batchId }, requester: actor.id, createdAt: now, updatedAt: now, runs: 1, issued: 0, refused: 0,
    outcomeCode: null, manifestSha256: null,
  };
  const start = (run: number) => [successEvent(now, actor, 'batch.import_start', input.batchId, { ca: ca.name, run })];
  if (await deps.store.createBatch(record, start(1)) === 'created') return { batch: record, run: 1 };
  const existing = (await deps.store.getBatch(input.batchId))!;
  if (existing.mode !== 'import' || existing.caName !== ca.name) {
    throw new ServiceError('BATCH_MISMATCH', `batch ${input.batchId} exists here as a ${existing.mode} batch of CA ${existing.caName}`, { batch: input.batchId });
  }
  const run = existing.runs + 1;
  await deps.store.updateBatch(input.batchId, { status: 'running', runs: run, outcomeCode: null, updatedAt: now }, start(run));
  return { batch: { ...existing, runs: run }, run };
}

/** Steps 3-4 for one chunk: what was imported, skipped (already here) and refused; whether the quota ran out. */
async function importChunk(deps: CaDeps, actor: Actor, ctx: { ca: CaRecord; caCert: Certificate; batch: BatchRecord; run: number; input: BatchImportInput }, chunk: readonly ImportedCertificate[], refused: Refusal[]) {
  const checked: Checked[] = [];
  for (const c of chunk) {
    let cert: Certificate;
    try { cert = parseCertificate(c.certificateDer); } catch (e) { refused.push({ line: c.line, deviceId: c.deviceId, code: 'BATCH_IMPORT_MISMATCH', message: `not a certificate: ${(e as Error).message}` }); continue; }
    const sha256 = certificateSha256(c.certificateDer);
    const why = mismatch(ctx.ca, ctx.caCert, ctx.input, c, cert, sha256);
    if (why) refused.push({ line: c.line, deviceId: c.deviceId, code: 'BATCH_IMPORT_MISMATCH', message: `serial ${cert.serial}: ${why}` });
    else checked.push({ c, cert, sha256 });
  }
  const known = new Set((await deps.store.findBatchDevices(checked.map((k) => k.c.deviceId))).filter((r) => r.batchId === ctx.batch.batchId && r.status !== 'pending').map((r) => r.serial));
  const fresh = checked.filter((k) => !known.has(k.cert.serial));
  const outcomes = await deps.store.recordBatchIntents(ctx.batch.batchId, ctx.run, fresh.map((k) => intentOf(deps, actor, ctx.batch, k)));
  const recorded = fresh.filter((_, i) => outcomes[i] === 'recorded');
  fresh.forEach((k, i) => {
    if (outcomes[i] === 'recorded') return;
    const code = outcomes[i] === 'quota_exceeded' ? 'QUOTA_EXCEEDED' : 'BATCH_IMPORT_MISMATCH';
    refused.push({ line: k.c.line, deviceId: k.c.deviceId, code, message: code === 'QUOTA_EXCEEDED' ? `CA ${ctx.ca.name} has issued its quota` : `serial ${k.cert.serial} is in the store with another certificate` });
  });
  const at = deps.clock.now();
  const issued: IssuedCertificate[] = recorded.map((k) => ({ serial: k.cert.serial, der: k.c.certificateDer, sha256: k.sha256, issuedAt: at }));
  const audit = recorded.map((k) => successEvent(at, actor, 'certificate.import', k.cert.serial, { ca: ctx.ca.name, deviceId: k.c.deviceId, sha256: k.sha256, batch: ctx.batch.batchId }));
  if (issued.length) await deps.store.recordBatchIssued(ctx.batch.batchId, issued, audit);
  return { imported: issued.length, existing: checked.length - fresh.length, quotaExceeded: outcomes.includes('quota_exceeded') };
}

function refusalAudits(deps: CaDeps, actor: Actor, batchId: string, refused: readonly Refusal[]): AuditEventInput[] {
  return refused.map((r) => refusalEvent(deps.clock.now(), actor, 'certificate.import', r.deviceId, new ServiceError(r.code as ErrorCode, r.message, { batch: batchId, line: r.line })));
}

export async function importBatch(deps: CaDeps, actor: Actor, input: BatchImportInput): Promise<BatchImportSummary> {
  return audited(deps, actor, 'batch.import', input.batchId, async () => {
    // 1. authorize
    authorize(actor, 'certificate.issue');
    const ca = await deps.store.getCa(input.caName);
    if (!ca?.certificateDer) throw new ServiceError('CA_NOT_FOUND', `no CA named ${input.caName} with a certificate`, { ca: input.caName });
    if (!Buffer.from(input.manifestSigner).equals(ca.certificateDer)) throw new ServiceError('CA_CERTIFICATE_MISMATCH', `the manifest is not signed by CA ${ca.name}`);
    // 2. open
    const { batch, run } = await openImport(deps, actor, input, ca);
    const ctx = { ca, caCert: parseCertificate(ca.certificateDer), batch, run, input };
    // 3-4. check and record, chunk by chunk
    const refused: Refusal[] = [];
    let imported = 0;
    let existing = 0;
    let stoppedBy: string | null = null;
    let chunk: ImportedCertificate[] = [];
    let audited = 0;
    const auditRefusals = async (): Promise<void> => {
      await deps.store.appendAudit(refusalAudits(deps, actor, batch.batchId, refused.slice(audited)));
      audited = refused.length;
    };
    const flush = async (): Promise<void> => {
      const r = await importChunk(deps, actor, ctx, chunk, refused);
      await auditRefusals();
      imported += r.imported;
      existing += r.existing;
      if (r.quotaExceeded) stoppedBy = 'QUOTA_EXCEEDED';
      chunk = [];
    };
    for await (const item of input.certificates) {
      if (item.kind === 'fault') { refused.push({ ...item.fault, code: 'BATCH_LINE_INVALID' }); continue; }
      chunk.push(item.certificate);
      if (chunk.length >= CHUNK) await flush();
      if (stoppedBy) break;
    }
    if (!stoppedBy && chunk.length) await flush();
    await auditRefusals();
    // 5. finish
    const now = deps.clock.now();
    const detail = { run, imported, existing, refused: refused.length };
    const event = stoppedBy
      ? refusalEvent(now, actor, 'batch.import', batch.batchId, new ServiceError('QUOTA_EXCEEDED', `import of batch ${batch.batchId} stopped: CA ${ca.name} has issued its quota`, detail))
      : successEvent(now, actor, 'batch.import', batch.batchId, detail);
    await deps.store.updateBatch(batch.batchId, { status: stoppedBy ? 'stopped' : 'completed', refused: refused.length, outcomeCode: stoppedBy, updatedAt: now }, [event]);
    return { batch: (await deps.store.getBatch(batch.batchId))!, imported, existing, refused, stoppedBy };
  });
}
