/**
 * Reading batches and reconciling them (issue 8): authorized reads, a refusal audited. The
 * manifest can be written again at any time (the last one's hash is kept on the batch).
 */
import { ServiceError } from '../errors.js';
import type { CaDeps } from '../context.js';
import type { Actor } from '../auth/permissions.js';
import { authorizeAudited, audited, authorize } from '../auth/authorize.js';
import { successEvent } from '../audit/audit-log.js';
import type { IssuerRegistry } from '../issue/issuer-registry.js';
import type { BatchQuery, BatchRecord, ReconciliationListQuery, ReconciliationQuery, ReconciliationReport, ReconciliationDevice } from '../ports/batch-store.js';
import type { Page } from '../ports/store.js';
import { writeManifest, type ManifestSink } from './batch-manifest.js';

export async function getBatch(deps: CaDeps, actor: Actor, batchId: string): Promise<BatchRecord> {
  await authorizeAudited(deps, actor, 'certificate.read', 'batch.read', batchId);
  const batch = await deps.store.getBatch(batchId);
  if (!batch) throw new ServiceError('BATCH_NOT_FOUND', `no batch ${batchId}`, { batch: batchId });
  return batch;
}

export async function listBatches(deps: CaDeps, actor: Actor, query: BatchQuery): Promise<Page<BatchRecord>> {
  await authorizeAudited(deps, actor, 'certificate.read', 'batch.read');
  return deps.store.listBatches(query);
}

export async function reconcileBatches(deps: CaDeps, actor: Actor, query: ReconciliationQuery): Promise<ReconciliationReport> {
  await authorizeAudited(deps, actor, 'certificate.read', 'batch.reconcile');
  return deps.store.reconcileBatches(query);
}

export async function listReconciliation(deps: CaDeps, actor: Actor, query: ReconciliationListQuery): Promise<Page<ReconciliationDevice>> {
  await authorizeAudited(deps, actor, 'certificate.read', 'batch.reconcile');
  return deps.store.listReconciliation(query);
}

/** The batch's manifest, signed by its CA now; its hash is recorded on the batch, audited. */
export async function writeBatchManifest(deps: CaDeps, issuers: IssuerRegistry, actor: Actor, batchId: string, sink: ManifestSink): Promise<{ sha256: string; count: number }> {
  return audited(deps, actor, 'batch.manifest', batchId, async () => {
    authorize(actor, 'certificate.issue');
    const batch = await deps.store.getBatch(batchId);
    if (!batch) throw new ServiceError('BATCH_NOT_FOUND', `no batch ${batchId}`, { batch: batchId });
    const written = await writeManifest(deps, await issuers.get(batch.caName), batch, sink);
    const now = deps.clock.now();
    await deps.store.updateBatch(batchId, { manifestSha256: written.sha256, updatedAt: now }, [successEvent(now, actor, 'batch.manifest', batchId, { ...written })]);
    return written;
  });
}
