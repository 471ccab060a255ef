/**
 * What a batch does with a device id the store may already know, as a decision table.
 * A device id is bound to one key: the same id with another key is a conflict, never a
 * second certificate; the same id and key again is a duplicate (in the input, or in
 * another batch), except in this batch's own earlier runs, which a resumed run picks up:
 *
 *   record of the device          | same key                | other key
 *   ------------------------------+-------------------------+---------------------
 *   none                          | new                     | new
 *   earlier in this run (input)   | DUPLICATE               | CONFLICT (keygen: DUPLICATE)
 *   this batch, an earlier run    | existing / resume       | CONFLICT (keygen: existing / resume)
 *   another batch                 | DUPLICATE               | CONFLICT (keygen: DUPLICATE)
 *
 * "resume" is an intent a crash left pending: its recorded TBS is signed now. A station
 * that makes keys never has the "same key" twice, so there the device id alone decides.
 */
import type { BatchDeviceRecord, BatchMode } from '../ports/batch-store.js';

export type Decision =
  | { readonly kind: 'new' }
  | { readonly kind: 'existing' | 'resume'; readonly record: BatchDeviceRecord }
  | { readonly kind: 'refused'; readonly code: 'BATCH_DEVICE_CONFLICT' | 'BATCH_DEVICE_DUPLICATE'; readonly message: string };

export interface RunScope {
  readonly batchId: string;
  readonly mode: BatchMode;
  /** This run's number (BatchRecord.runs): records of it are this run's own. */
  readonly run: number;
}

export interface Claim {
  readonly deviceId: string;
  readonly spkiSha256: string;
  readonly csrSha256: string | null;
}

const pickUp = (record: BatchDeviceRecord): Decision => ({ kind: record.status === 'pending' ? 'resume' : 'existing', record });

function refuse(sameKey: boolean, where: string, deviceId: string, keygen: boolean): Decision {
  if (!sameKey) return { kind: 'refused', code: 'BATCH_DEVICE_CONFLICT', message: `device ${deviceId} is already bound to another key ${where}` };
  return { kind: 'refused', code: 'BATCH_DEVICE_DUPLICATE', message: `device ${deviceId} was already provisioned${keygen ? '' : ' with this key'} ${where}` };
}

/** Before any work on a request: only this batch's earlier runs can decide it (a resumed run skips them). */
export function decideBeforePrepare(scope: RunScope, deviceId: string, csrSha256: string | null, records: readonly BatchDeviceRecord[]): Decision | null {
  const mine = records.find((r) => r.batchId === scope.batchId && r.deviceId === deviceId);
  if (!mine || mine.run === scope.run) return null;
  if (scope.mode === 'keygen' || (csrSha256 !== null && mine.csrSha256 === csrSha256)) return pickUp(mine);
  return null;
}

/** After the request is prepared (its key known): the whole table. `earlier` holds the ids decided earlier in this chunk. */
export function decide(scope: RunScope, claim: Claim, records: readonly BatchDeviceRecord[], earlier: ReadonlyMap<string, string>): Decision {
  const keygen = scope.mode === 'keygen';
  const inChunk = earlier.get(claim.deviceId);
  if (inChunk !== undefined) return refuse(keygen || inChunk === claim.spkiSha256, 'earlier in the input', claim.deviceId, keygen);
  const own = records.filter((r) => r.deviceId === claim.deviceId);
  const mine = own.find((r) => r.batchId === scope.batchId);
  if (mine) {
    const sameKey = keygen || mine.spkiSha256 === claim.spkiSha256;
    if (mine.run === scope.run) return refuse(sameKey, 'earlier in the input', claim.deviceId, keygen);
    return sameKey ? pickUp(mine) : refuse(false, `in this batch (serial ${mine.serial})`, claim.deviceId, keygen);
  }
  const other = own.find((r) => r.status !== 'pending') ?? own[0];
  if (other) return refuse(keygen || other.spkiSha256 === claim.spkiSha256, `in batch ${other.batchId} (serial ${other.serial})`, claim.deviceId, keygen);
  return { kind: 'new' };
}
