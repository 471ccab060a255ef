/** The JSON shapes the CLI prints for batches and reconciliation: plain data, dates as ISO 8601. */
import type { BatchRecord, ReconciliationDevice, ReconciliationReport } from '@fleetpki/ca';
import { fields, table } from './output.js';

export interface BatchView extends Omit<BatchRecord, 'createdAt' | 'updatedAt'> {
  readonly createdAt: string;
  readonly updatedAt: string;
}

export const batchView = (b: BatchRecord): BatchView => ({ ...b, createdAt: b.createdAt.toISOString(), updatedAt: b.updatedAt.toISOString() });

export function batchLines(v: BatchView): string[] {
  return fields([
    ['batch', v.batchId], ['CA', v.caName], ['manufacturer', v.manufacturer], ['profile', v.profile], ['mode', v.mode], ['status', v.status],
    ['outcome', v.outcomeCode], ['issued', v.issued], ['refused (last run)', v.refused], ['runs', v.runs],
    ['attributes', Object.entries(v.attributes).map(([k, x]) => `${k}=${x}`).join(' ')], ['requester', v.requester],
    ['created', v.createdAt], ['updated', v.updatedAt], ['manifest sha256', v.manifestSha256],
  ]);
}

export function batchTable(views: readonly BatchView[]): string[] {
  return table(['BATCH', 'CA', 'STATUS', 'ISSUED', 'RUNS', 'CREATED'], views.map((v) => [v.batchId, v.caName, v.outcomeCode ? `${v.status} (${v.outcomeCode})` : v.status, String(v.issued), String(v.runs), v.createdAt]));
}

export function reconciliationLines(r: ReconciliationReport): string[] {
  return [
    ...table(['BATCH', 'CA', 'MANUFACTURER', 'ISSUED', 'SEEN', 'NEVER SEEN', 'DUPLICATES'],
      r.batches.map((b) => [b.batchId, b.caName, b.manufacturer ?? '-', String(b.issued), String(b.seen), String(b.neverSeen), String(b.duplicates)])),
    `seen online but never issued by us: ${r.seenNotIssued}`,
  ];
}

export interface ReconciliationDeviceView extends Omit<ReconciliationDevice, 'lastSeenAt'> { readonly lastSeenAt: string | null }

export const reconciliationDeviceView = (d: ReconciliationDevice): ReconciliationDeviceView => ({ ...d, lastSeenAt: d.lastSeenAt?.toISOString() ?? null });

export function reconciliationDeviceTable(items: readonly ReconciliationDeviceView[]): string[] {
  return table(['DEVICE', 'BATCH', 'SERIAL', 'LAST SEEN'], items.map((d) => [d.deviceId, d.batchId ?? '-', d.serial ?? '-', d.lastSeenAt ?? '-']));
}
