/**
 * Starting a run of a batch: the first run creates the batch record, a later one (after a
 * crash, a quota stop, or to add devices) resumes it, provided it is the same batch: the
 * same CA, profile, mode and batch attributes. Either way the start is audited.
 */
import { canonicalJson, type Profile } from '@fleetpki/core';
import { ServiceError } from '../errors.js';
import type { CaDeps } from '../context.js';
import type { Actor } from '../auth/permissions.js';
import { successEvent } from '../audit/audit-log.js';
import { checkAttributes } from '../issue/attributes.js';
import type { OnlineIssuer } from '../issue/issuer-registry.js';
import type { BatchRecord } from '../ports/batch-store.js';
import type { RunContext } from './run-context.js';
import type { BatchSignInput } from './types.js';

/** Batch ids go into file names, attributes and URLs: the device id alphabet, up to 64. */
export const BATCH_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

export function checkBatchId(batchId: string): string {
  if (!BATCH_ID_PATTERN.test(batchId)) throw new ServiceError('REQUEST_INVALID', 'batch id: 1-64 of A-Z a-z 0-9 . _ : - starting with a letter or digit');
  return batchId;
}

function newRecord(input: BatchSignInput, issuer: OnlineIssuer, actor: Actor, attributes: Readonly<Record<string, string>>, now: Date): BatchRecord {
  return {
    batchId: input.batchId, caName: issuer.record.name, manufacturer: issuer.record.attributes['manufacturer'] ?? null, profile: input.profile,
    mode: input.keyGeneration ? 'keygen' : 'csr', status: 'running', attributes, requester: actor.id, createdAt: now, updatedAt: now,
    runs: 1, issued: 0, refused: 0, outcomeCode: null, manifestSha256: null,
  };
}

function checkSameBatch(existing: BatchRecord, wanted: BatchRecord): void {
  const differs: string[] = (['caName', 'profile', 'mode'] as const).filter((k) => existing[k] !== wanted[k]);
  if (canonicalJson(existing.attributes) !== canonicalJson(wanted.attributes)) differs.push('attributes');
  if (differs.length) {
    throw new ServiceError('BATCH_MISMATCH', `batch ${existing.batchId} exists with another ${differs.join(', ')}`, { batch: existing.batchId, fields: differs });
  }
}

export async function openRun(deps: CaDeps, actor: Actor, input: BatchSignInput, issuer: OnlineIssuer, profile: Profile): Promise<{ run: RunContext; batch: BatchRecord }> {
  const attributes = checkAttributes({ ...input.attributes, batch: checkBatchId(input.batchId) });
  const now = deps.clock.now();
  let batch = newRecord(input, issuer, actor, attributes, now);
  const startEvent = (run: number) => successEvent(now, actor, 'batch.start', batch.batchId, { ca: batch.caName, profile: batch.profile, mode: batch.mode, run });
  const created = await deps.store.createBatch(batch, [startEvent(1)]);
  if (created === 'exists') {
    const existing = (await deps.store.getBatch(input.batchId))!;
    checkSameBatch(existing, batch);
    batch = { ...existing, status: 'running', runs: existing.runs + 1, outcomeCode: null, updatedAt: now };
    await deps.store.updateBatch(batch.batchId, { status: 'running', runs: batch.runs, outcomeCode: null, updatedAt: now }, [startEvent(batch.runs)]);
  }
  const run: RunContext = {
    deps, actor, issuer, profile, attributes, resumed: created === 'exists',
    scope: { batchId: batch.batchId, mode: batch.mode, run: batch.runs },
  };
  return { run, batch };
}
