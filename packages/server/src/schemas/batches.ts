/** Factory batches and their reconciliation as the REST API shows them (issue 8). */
import { type Static, Type } from '@sinclair/typebox';
import type { BatchRecord, ReconciliationDevice, ReconciliationReport } from '@fleetpki/ca';
import { iso, isoOrNull, NullableString, NullableTimestamp, Timestamp } from './common.js';

export const BatchView = Type.Object({
  batchId: Type.String(),
  ca: Type.String(),
  manufacturer: NullableString,
  profile: Type.String(),
  mode: Type.Union([Type.Literal('csr'), Type.Literal('keygen'), Type.Literal('import')]),
  status: Type.Union([Type.Literal('running'), Type.Literal('completed'), Type.Literal('stopped'), Type.Literal('failed')], {
    description: 'running: a run is under way or was cut off (the next run resumes it)',
  }),
  outcomeCode: Type.Union([Type.String(), Type.Null()], { description: 'why the last run stopped or failed, e.g. QUOTA_EXCEEDED' }),
  attributes: Type.Record(Type.String(), Type.String(), { description: 'every certificate of the batch carries these, `batch` included' }),
  issued: Type.Integer({ description: 'certificates issued over all runs' }),
  refused: Type.Integer({ description: 'devices refused by the last run' }),
  runs: Type.Integer(),
  requester: Type.String(),
  manifestSha256: NullableString,
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type BatchView = Static<typeof BatchView>;

export function batchView(b: BatchRecord): BatchView {
  return {
    batchId: b.batchId, ca: b.caName, manufacturer: b.manufacturer, profile: b.profile, mode: b.mode, status: b.status, outcomeCode: b.outcomeCode,
    attributes: b.attributes, issued: b.issued, refused: b.refused, runs: b.runs, requester: b.requester, manifestSha256: b.manifestSha256,
    createdAt: iso(b.createdAt), updatedAt: iso(b.updatedAt),
  };
}

const Cursor = Type.Optional(Type.String({ minLength: 1, maxLength: 512, description: 'nextCursor of the previous page' }));

export const BatchListQuery = Type.Object({
  ca: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 50 }),
  cursor: Cursor,
}, { additionalProperties: false });
export type BatchListQuery = Static<typeof BatchListQuery>;
export const BatchList = Type.Object({ items: Type.Array(BatchView), nextCursor: NullableString });

export const BatchParams = Type.Object({ batchId: Type.String({ minLength: 1, maxLength: 64 }) });
export type BatchParams = Static<typeof BatchParams>;

export const ReconciliationQuery = Type.Object({
  manufacturer: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  batch: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
}, { additionalProperties: false });
export type ReconciliationQuery = Static<typeof ReconciliationQuery>;

export const ReconciliationView = Type.Object({
  batches: Type.Array(Type.Object({
    batchId: Type.String(), ca: Type.String(), manufacturer: NullableString,
    issued: Type.Integer(), seen: Type.Integer({ description: 'enrolled or connected' }), neverSeen: Type.Integer(),
    duplicates: Type.Integer({ description: 'devices holding an issued certificate from another batch too' }),
  })),
  seenNotIssued: Type.Integer({ description: 'device ids enrolled or connected that no certificate of ours names' }),
});

export const reconciliationView = (r: ReconciliationReport): Static<typeof ReconciliationView> => ({
  batches: r.batches.map(({ caName, ...b }) => ({ ...b, ca: caName })), seenNotIssued: r.seenNotIssued,
});

export const ReconciliationDevicesQuery = Type.Object({
  set: Type.Union([Type.Literal('never-seen'), Type.Literal('seen-not-issued'), Type.Literal('duplicates')]),
  manufacturer: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  batch: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
  cursor: Cursor,
}, { additionalProperties: false });
export type ReconciliationDevicesQuery = Static<typeof ReconciliationDevicesQuery>;

const DeviceView = Type.Object({ deviceId: Type.String(), batchId: NullableString, serial: NullableString, lastSeenAt: NullableTimestamp });
export const ReconciliationDevices = Type.Object({ items: Type.Array(DeviceView), nextCursor: NullableString });

export const deviceView = (d: ReconciliationDevice): Static<typeof DeviceView> => ({ deviceId: d.deviceId, batchId: d.batchId, serial: d.serial, lastSeenAt: isoOrNull(d.lastSeenAt) });
