/**
 * Factory provisioning: sign a batch of device requests (issue 8, docs/batch.md).
 *   1. authorize  - the caller may issue; the CA exists, is active, holds its key and
 *                   issues this profile (a manufacturer CA: device profiles only)
 *   2. open       - create the batch, or resume it (a later run of the same batch)
 *   3. run        - chunk by chunk: verify and prepare ahead on the preparer's threads,
 *                   then record intents (quota), sign, record issued with the audit
 *                   events, hand the outcomes to the sink (chunk-pipeline.ts)
 *   4. manifest   - every issued device of the batch, signed by the CA
 *   5. finish     - the run's outcome on the batch record, audited
 * A run stops early only when the CA's quota runs out: what was recorded is issued and
 * reported, what was not is refused or left unread, and the batch says QUOTA_EXCEEDED.
 */
import { ServiceError } from '../errors.js';
import type { CaDeps } from '../context.js';
import type { Actor } from '../auth/permissions.js';
import { audited, authorize } from '../auth/authorize.js';
import { refusalEvent, successEvent } from '../audit/audit-log.js';
import { MAY_ISSUE } from '../issue/issue-certificate.js';
import type { IssuerRegistry } from '../issue/issuer-registry.js';
import type { BatchPreparerFactory } from '../ports/batch-preparer.js';
import type { BatchRecord } from '../ports/batch-store.js';
import { writeManifest, type ManifestSink } from './batch-manifest.js';
import { runChunks, type Tally } from './chunk-pipeline.js';
import { openRun } from './open-run.js';
import type { RunContext } from './run-context.js';
import type { BatchInputItem, BatchProgress, BatchSignInput, BatchSink, BatchSummary } from './types.js';

export interface BatchIo {
  readonly requests: AsyncIterable<BatchInputItem>;
  readonly preparers: BatchPreparerFactory;
  readonly sink: BatchSink;
  /** Null: no manifest is written by this run (`fleetpki batch manifest` writes one later). */
  readonly manifest: ManifestSink | null;
  /** Requests per chunk (default 256) and chunks prepared ahead of the commits (default 4). */
  readonly chunkSize?: number;
  readonly lookahead?: number;
  readonly onProgress?: (p: BatchProgress) => void;
}

async function resolveIssuer(deps: CaDeps, issuers: IssuerRegistry, input: BatchSignInput) {
  const profile = deps.settings.profiles.get(input.profile);
  if (!profile) throw new ServiceError('PROFILE_NOT_FOUND', `no profile named ${input.profile}`, { profile: input.profile });
  const record = await issuers.record(input.caName);
  if (!MAY_ISSUE[record.role](profile)) {
    throw new ServiceError('PROFILE_NOT_ALLOWED', `CA ${record.name} (${record.role}) does not issue ${profile.name} certificates`, { ca: record.name, profile: profile.name });
  }
  return { profile, issuer: await issuers.get(input.caName) };
}

/** A software CA key signs on the preparer's threads; an HSM's key stays behind the Signer. */
async function signingKeyOf(run: RunContext) {
  const { keys } = run.deps;
  const ref = run.issuer.record.key;
  return keys.signingKey && ref ? keys.signingKey(ref) : null;
}

/** 3. the chunks, with the preparer's threads open only while they run. */
async function runAll(run: RunContext, input: BatchSignInput, io: BatchIo): Promise<Tally> {
  const preparer = await io.preparers.open({
    profile: run.profile, issuer: run.issuer.context, publicUrl: run.deps.settings.publicUrl, crlShards: run.deps.settings.crlShards ?? 1,
    keyGeneration: input.keyGeneration ?? null, signingKey: await signingKeyOf(run),
    ...(input.validitySeconds !== undefined ? { validitySeconds: input.validitySeconds } : {}),
  });
  try {
    return await runChunks({ ...run, preparer }, io.requests, io.sink, {
      chunkSize: io.chunkSize ?? 256, lookahead: io.lookahead ?? 4, ...(io.onProgress ? { onProgress: io.onProgress } : {}),
    });
  } finally {
    await preparer.close();
  }
}

/** 5. completed, or stopped by the quota; the event carries the run's counts and the manifest's hash. */
async function finish(run: RunContext, batch: BatchRecord, tally: Tally, manifestSha256: string | null): Promise<BatchRecord> {
  const { deps, actor } = run;
  const now = deps.clock.now();
  const status = tally.stoppedBy ? 'stopped' : 'completed';
  const detail = { run: run.scope.run, read: tally.read, issued: tally.issued, existing: tally.existing, refused: tally.refused, notProcessed: tally.notProcessed, manifestSha256 };
  const event = tally.stoppedBy
    ? refusalEvent(now, actor, 'batch.finish', batch.batchId, new ServiceError('QUOTA_EXCEEDED', `batch ${batch.batchId} stopped: CA ${batch.caName} has issued its quota`, detail))
    : successEvent(now, actor, 'batch.finish', batch.batchId, detail);
  const patch = { status, refused: tally.refused, outcomeCode: tally.stoppedBy, updatedAt: now, ...(manifestSha256 ? { manifestSha256 } : {}) } as const;
  await deps.store.updateBatch(batch.batchId, patch, [event]);
  return (await deps.store.getBatch(batch.batchId))!;
}

/** A run that broke off (an outage, a bug): the batch says so, and the next run resumes it. */
async function markFailed(run: RunContext, batchId: string, e: unknown): Promise<void> {
  const now = run.deps.clock.now();
  const code = e instanceof ServiceError ? e.code : 'INTERNAL';
  await run.deps.store.updateBatch(batchId, { status: 'failed', outcomeCode: code, updatedAt: now }, [{
    at: now, actor: run.actor.id, action: 'batch.finish', outcome: 'failure', target: batchId, code: null, detail: { run: run.scope.run, error: code },
  }]);
}

export async function signBatch(deps: CaDeps, issuers: IssuerRegistry, actor: Actor, input: BatchSignInput, io: BatchIo): Promise<BatchSummary> {
  return audited(deps, actor, 'batch.sign', input.batchId, async () => {
    // 1. authorize
    authorize(actor, 'certificate.issue');
    const { profile, issuer } = await resolveIssuer(deps, issuers, input);
    // 2. open
    const { run, batch } = await openRun(deps, actor, input, issuer, profile);
    try {
      // 3. run
      const tally = await runAll(run, input, io);
      // 4. manifest
      const manifest = io.manifest ? await writeManifest(deps, issuer, batch, io.manifest) : null;
      // 5. finish
      return { ...tally, batch: await finish(run, batch, tally, manifest?.sha256 ?? null) };
    } catch (e) {
      await markFailed(run, batch.batchId, e).catch(() => undefined);
      throw e;
    }
  });
}

