/**
 * The second half of a chunk's life, one chunk at a time and in input order (so a device
 * met twice is always seen after its first record commits). Steps 4-7 of the issuance
 * cycle, batched:
 *   1. decide   - each prepared device against what the store knows (classify.ts)
 *   2. intent   - new devices' serials and TBSs recorded with their batch links, quota
 *                 counted, in one transaction (a quota refusal stops the batch)
 *   3. sign     - exactly the recorded TBSs, and the TBSs of intents a crash left pending
 *   4. issued   - certificates, their audit events and the chunk's refusals in one
 *                 transaction
 *   5. publish  - events, then the outcomes in input order for the sink
 */
import { assembleSigned, certificateSha256, formatGeneralName, issue, type PreparedCertificate } from '@fleetpki/core';
import { ServiceError, type ErrorCode } from '../errors.js';
import { refusalEvent, successEvent } from '../audit/audit-log.js';
import type { EncryptedKey, PrepareOutcome, SignedTbs } from '../ports/batch-preparer.js';
import type { BatchDeviceIntent, BatchDeviceRecord } from '../ports/batch-store.js';
import type { AuditEventInput, IssuedCertificate } from '../ports/store.js';
import { decide, type Decision } from './classify.js';
import { encryptedKeyOf } from './encrypted-key.js';
import type { ChunkEntry } from './prepare-chunk.js';
import type { PreparingRun, RunContext } from './run-context.js';
import type { DeviceOutcome } from './types.js';

type Prepared = PrepareOutcome & { ok: true };
type ToSign = { readonly kind: 'resume'; readonly record: BatchDeviceRecord } | { readonly kind: 'new'; readonly prepared: Prepared };
type Verdict =
  | { readonly kind: 'refused'; readonly code: string; readonly message: string }
  | { readonly kind: 'existing'; readonly record: BatchDeviceRecord }
  | ToSign;

interface Signed { readonly index: number; readonly issued: IssuedCertificate; readonly audit: AuditEventInput; readonly encryptedKey: EncryptedKey | null }

export interface ChunkResult {
  readonly outcomes: readonly DeviceOutcome[];
  readonly issued: number;
  readonly existing: number;
  readonly refused: number;
  readonly quotaExceeded: boolean;
}

const refused = (code: string, message: string): Verdict => ({ kind: 'refused', code, message });
function fromDecision(d: Decision, prepared: Prepared | null): Verdict {
  switch (d.kind) {
    case 'refused': return refused(d.code, d.message);
    case 'new': return { kind: 'new', prepared: prepared! };
    case 'resume': return { kind: 'resume', record: d.record };
    case 'existing': return { kind: 'existing', record: d.record };
  }
}

/**
 * A resumed intent decided before an earlier chunk of this run committed: if that chunk
 * signed it (the device twice in the input), it is no longer pending.
 */
function stillPending(d: Decision, records: readonly BatchDeviceRecord[]): boolean {
  if (d.kind !== 'resume') return true;
  return records.some((r) => r.serial === d.record.serial && r.status === 'pending');
}

/** Step 1: in input order, each device against the store and against the chunk's earlier devices. */
async function decideAll(run: RunContext, entries: readonly ChunkEntry[]): Promise<Verdict[]> {
  const ids = entries.flatMap((e) => (e.outcome?.ok || e.early?.kind === 'resume' ? [e.deviceId!] : []));
  const records = ids.length ? await run.deps.store.findBatchDevices(ids) : [];
  const earlier = new Map<string, string>();
  return entries.map((e): Verdict => {
    let v: Verdict;
    if (e.fault) v = refused(e.fault.code, e.fault.message);
    else if (e.early) {
      const repeated = earlier.has(e.deviceId!) || !stillPending(e.early, records);
      v = repeated ? refused('BATCH_DEVICE_DUPLICATE', `device ${e.deviceId} is earlier in the input`) : fromDecision(e.early, null);
    }
    else if (!e.outcome!.ok) v = refused(e.outcome!.code, e.outcome!.message);
    else {
      const o = e.outcome as Prepared;
      v = fromDecision(decide(run.scope, { deviceId: e.deviceId!, spkiSha256: o.spkiSha256, csrSha256: o.csrSha256 }, records, earlier), o);
    }
    if (v.kind !== 'refused' && !earlier.has(e.deviceId!)) earlier.set(e.deviceId!, v.kind === 'new' ? v.prepared.spkiSha256 : v.record.spkiSha256);
    return v;
  });
}

function intentOf(run: RunContext, p: Prepared, attributes: Readonly<Record<string, string>>): BatchDeviceIntent {
  const c = p.prepared;
  return {
    intent: {
      serial: c.serial, caName: run.issuer.record.name, profile: run.profile.name, subject: c.subject, deviceId: c.deviceId,
      subjectAltNames: c.subjectAltNames.map(formatGeneralName), notBefore: c.notBefore, notAfter: c.notAfter, tbsDer: c.tbs,
      requester: run.actor.id, createdAt: run.deps.clock.now(), crlShard: p.crlShard, attributes,
    },
    csrSha256: p.csrSha256, spkiSha256: p.spkiSha256, ...(p.encryptedKey ? { encryptedKey: p.encryptedKey.der } : {}),
  };
}

/** Step 2: returns whether the CA's quota ran out (the verdicts of the refused intents are replaced). */
async function recordNew(run: RunContext, entries: readonly ChunkEntry[], verdicts: Verdict[]): Promise<boolean> {
  const fresh = verdicts.flatMap((v, i) => (v.kind === 'new' ? [i] : []));
  if (fresh.length === 0) return false;
  const items = fresh.map((i) => intentOf(run, (verdicts[i] as { prepared: Prepared }).prepared, entries[i]!.request!.attributes));
  const outcomes = await run.deps.store.recordBatchIntents(run.scope.batchId, run.scope.run, items);
  let quotaExceeded = false;
  outcomes.forEach((o, k) => {
    if (o === 'recorded') return;
    quotaExceeded ||= o === 'quota_exceeded';
    const q = run.issuer.record.quota;
    verdicts[fresh[k]!] = o === 'quota_exceeded'
      ? refused('QUOTA_EXCEEDED', `CA ${run.issuer.record.name} has issued its quota of ${q} certificates`)
      : refused('SERIAL_EXHAUSTED', 'the serial was taken meanwhile; run the batch again');
  });
  return quotaExceeded;
}

const tbsOf = (v: ToSign): Uint8Array => (v.kind === 'new' ? v.prepared.prepared.tbs : v.record.tbsDer);

/** Step 3 through the CA's Signer (an HSM): the recorded TBS, signed once; a pending intent from an earlier run from its stored TBS. */
async function signOne(run: RunContext, v: ToSign): Promise<SignedTbs> {
  const { signer } = run.issuer;
  const der = v.kind === 'new' ? await issue(v.prepared.prepared, signer) : assembleSigned(v.record.tbsDer, signer.algorithm, await signer.sign(v.record.tbsDer));
  return { der, sha256: certificateSha256(der) };
}

/** Step 3: on the preparer's threads when it holds the CA key (software keys), else one by one through the Signer. */
function signEvery(run: PreparingRun, jobs: readonly ToSign[]): Promise<SignedTbs[]> {
  if (jobs.length === 0) return Promise.resolve([]);
  if (run.preparer.sign) return run.preparer.sign(jobs.map(tbsOf));
  return Promise.all(jobs.map((v) => signOne(run, v)));
}

function issuedEvent(run: RunContext, issued: IssuedCertificate, deviceId: string, prepared: PreparedCertificate | null): AuditEventInput {
  const base = { ca: run.issuer.record.name, profile: run.profile.name, deviceId, sha256: issued.sha256, batch: run.scope.batchId };
  const more = prepared ? { subject: prepared.subject, notAfter: prepared.notAfter.toISOString() } : { resumed: true };
  return successEvent(issued.issuedAt, run.actor, 'certificate.issue', issued.serial, { ...base, ...more });
}

async function signAll(run: PreparingRun, entries: readonly ChunkEntry[], verdicts: readonly Verdict[]): Promise<Signed[]> {
  const jobs = verdicts.flatMap((v, index) => (v.kind === 'new' || v.kind === 'resume' ? [{ v: v as ToSign, index }] : []));
  const signed = await signEvery(run, jobs.map((j) => j.v));
  const issuedAt = run.deps.clock.now();
  return jobs.map(({ v, index }, k): Signed => {
    const { der, sha256 } = signed[k]!;
    const serial = v.kind === 'new' ? v.prepared.prepared.serial : v.record.serial;
    const issued: IssuedCertificate = { serial, der, sha256, issuedAt };
    const encryptedKey = v.kind === 'new' ? v.prepared.encryptedKey : encryptedKeyOf(v.record.encryptedKey);
    return { index, issued, audit: issuedEvent(run, issued, entries[index]!.deviceId!, v.kind === 'new' ? v.prepared.prepared : null), encryptedKey };
  });
}

function refusalAudit(run: RunContext, e: ChunkEntry, v: Verdict & { kind: 'refused' }): AuditEventInput {
  const detail = { batch: run.scope.batchId, line: e.line, deviceId: e.deviceId };
  return refusalEvent(run.deps.clock.now(), run.actor, 'certificate.issue', e.deviceId, new ServiceError(v.code as ErrorCode, v.message, detail));
}

/** Step 5: what the sink gets, in input order. */
function outcomeOf(e: ChunkEntry, v: Verdict, signed: Signed | undefined): DeviceOutcome {
  if (signed) {
    return {
      kind: 'issued', line: e.line, deviceId: e.deviceId!, serial: signed.issued.serial, certificateDer: signed.issued.der, encryptedKey: signed.encryptedKey,
      attributes: e.request!.attributes,
    };
  }
  if (v.kind === 'existing') {
    return {
      kind: 'existing', line: e.line, deviceId: e.deviceId!, serial: v.record.serial, certificateDer: v.record.der!, encryptedKey: encryptedKeyOf(v.record.encryptedKey),
      attributes: e.request!.attributes,
    };
  }
  const r = v as Verdict & { kind: 'refused' };
  return { kind: 'refused', line: e.line, deviceId: e.deviceId, code: r.code, message: r.message };
}

export async function commitChunk(run: PreparingRun, entries: readonly ChunkEntry[]): Promise<ChunkResult> {
  const verdicts = await decideAll(run, entries);
  const quotaExceeded = await recordNew(run, entries, verdicts);
  const signed = await signAll(run, entries, verdicts);
  const refusals = verdicts.flatMap((v, i) => (v.kind === 'refused' ? [refusalAudit(run, entries[i]!, v)] : []));
  const audit = [...signed.map((s) => s.audit), ...refusals];
  if (signed.length) await run.deps.store.recordBatchIssued(run.scope.batchId, signed.map((s) => s.issued), audit);
  else await run.deps.store.appendAudit(audit);
  for (const s of signed) {
    run.deps.events.publish({ type: 'certificate.issued', serial: s.issued.serial, caName: run.issuer.record.name, profile: run.profile.name, deviceId: entries[s.index]!.deviceId });
  }
  const bySlot = new Map(signed.map((s) => [s.index, s]));
  const outcomes = entries.map((e, i) => outcomeOf(e, verdicts[i]!, bySlot.get(i)));
  const count = (k: DeviceOutcome['kind']): number => outcomes.filter((o) => o.kind === k).length;
  return { outcomes, issued: count('issued'), existing: count('existing'), refused: count('refused'), quotaExceeded };
}
