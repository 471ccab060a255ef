/** Enrollment groups, their one-time secrets and pending enrollments as the REST API shows them. */
import { type Static, Type } from '@sinclair/typebox';
import { toPem } from '@fleetpki/core';
import type { EnrollmentGroupRecord, PendingEnrollmentRecord } from '@fleetpki/ca';
import { iso, isoOrNull, NullableString, NullableTimestamp, Pem, Timestamp } from './common.js';

const Approval = Type.Union([Type.Literal('automatic'), Type.Literal('manual')]);
const RateLimit = Type.Object({
  requests: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
  perSeconds: Type.Integer({ minimum: 1, maximum: 86_400 }),
}, { additionalProperties: false, description: 'token bucket: bursts up to `requests`, refilled over `perSeconds`' });
const BootstrapReuse = Type.Union([Type.Literal('once'), Type.Literal('until-operational'), Type.Integer({ minimum: 1, maximum: 1_000_000 })], {
  description: "how often one bootstrap certificate may enroll: 'once', N times, or 'until-operational' (while its device holds no valid certificate)",
});
const Webhook = Type.Object({
  url: Type.String({ minLength: 1, maxLength: 2048 }),
  timeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 60_000 })),
}, { additionalProperties: false });
const Attributes = Type.Record(Type.String(), Type.String(), { description: 'attributes every certificate of the group gets, e.g. {"fleet":"north"}' });

const ServerKeygenEncryption = Type.Union([Type.Literal('none'), Type.Literal('required')], {
  description: "serverkeygen: 'required' (default) sends the key only as CMS EnvelopedData for the device's secret or certificate; 'none' as plain PKCS#8 inside TLS",
});

export const CreateGroupBody = Type.Object({
  label: Type.String({ minLength: 1, maxLength: 63, description: 'the EST label: /.well-known/est/<label>/' }),
  profile: Type.String({ minLength: 1, maxLength: 64, description: 'profile to issue, e.g. device-operational' }),
  anchors: Type.Array(Pem, { minItems: 1, maxItems: 32, description: 'PEM CA certificates bootstrap certificates must chain to' }),
  ca: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'issuing CA; the deployment default when absent' })),
  deviceIdPattern: Type.Optional(Type.String({ minLength: 2, maxLength: 512, description: 'anchored regular expression the device id must match' })),
  attributes: Type.Optional(Attributes),
  approval: Type.Optional(Approval),
  rateLimit: Type.Optional(Type.Union([RateLimit, Type.Null()])),
  bootstrapReuse: Type.Optional(BootstrapReuse),
  reenrollWithBootstrap: Type.Optional(Type.Boolean()),
  popLinking: Type.Optional(Type.Boolean({ description: 'csrattrs asks for challengePassword = base64 of the TLS channel binding' })),
  webhook: Type.Optional(Type.Union([Webhook, Type.Null()])),
  retryAfterSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 86_400 })),
  serverKeygenEncryption: Type.Optional(ServerKeygenEncryption),
}, { additionalProperties: false });
export type CreateGroupBody = Static<typeof CreateGroupBody>;

export const GroupView = Type.Object({
  label: Type.String(),
  estPath: Type.String({ description: 'where devices enroll' }),
  ca: Type.String(),
  profile: Type.String(),
  anchors: Type.Array(Pem),
  deviceIdPattern: Type.String(),
  attributes: Attributes,
  approval: Approval,
  rateLimit: Type.Union([RateLimit, Type.Null()]),
  bootstrapReuse: BootstrapReuse,
  reenrollWithBootstrap: Type.Boolean(),
  popLinking: Type.Boolean(),
  webhook: Type.Union([Type.Object({ url: Type.String(), timeoutMs: Type.Integer() }), Type.Null()]),
  retryAfterSeconds: Type.Integer(),
  serverKeygenEncryption: ServerKeygenEncryption,
  createdAt: Timestamp,
});
export type GroupView = Static<typeof GroupView>;
export const GroupList = Type.Object({ items: Type.Array(GroupView) });

export const LabelParams = Type.Object({ label: Type.String({ minLength: 1, maxLength: 63 }) });
export type LabelParams = Static<typeof LabelParams>;
export const PendingParams = Type.Object({ label: Type.String({ minLength: 1, maxLength: 63 }), id: Type.String({ minLength: 1, maxLength: 64 }) });
export type PendingParams = Static<typeof PendingParams>;

export const CreateSecretBody = Type.Object({ deviceId: Type.String({ minLength: 1, maxLength: 128 }) }, { additionalProperties: false });
export type CreateSecretBody = Static<typeof CreateSecretBody>;
export const CreatedSecret = Type.Object({
  secret: Type.String({ description: 'one-time EST HTTP Basic password (username = deviceId); shown only in this response' }),
  deviceId: Type.String(),
  label: Type.String(),
});

export const PendingView = Type.Object({
  id: Type.String(),
  label: Type.String(),
  deviceId: Type.String(),
  subject: Type.String(),
  csrSha256: Type.String(),
  source: Type.String(),
  status: Type.Union([Type.Literal('pending'), Type.Literal('approved'), Type.Literal('rejected')]),
  createdAt: Timestamp,
  decidedAt: NullableTimestamp,
  decidedBy: NullableString,
});
export const PendingList = Type.Object({ items: Type.Array(PendingView) });

const reuseView = (r: EnrollmentGroupRecord['bootstrapReuse']): GroupView['bootstrapReuse'] => (r.kind === 'times' ? r.times : r.kind);

export function groupView(g: EnrollmentGroupRecord): GroupView {
  return {
    label: g.label, estPath: `/.well-known/est/${g.label}/`, ca: g.caName, profile: g.profile, anchors: g.anchorsDer.map((d) => toPem('CERTIFICATE', d)),
    deviceIdPattern: g.deviceIdPattern, attributes: { ...g.attributes }, approval: g.approval, rateLimit: g.rateLimit,
    bootstrapReuse: reuseView(g.bootstrapReuse), reenrollWithBootstrap: g.reenrollWithBootstrap, popLinking: g.popLinking,
    webhook: g.webhook, retryAfterSeconds: g.retryAfterSeconds, serverKeygenEncryption: g.serverKeygenEncryption, createdAt: iso(g.createdAt),
  };
}

export function pendingView(p: PendingEnrollmentRecord): Static<typeof PendingView> {
  return {
    id: p.id, label: p.label, deviceId: p.deviceId, subject: p.subject, csrSha256: p.csrSha256, source: p.source, status: p.status,
    createdAt: iso(p.createdAt), decidedAt: isoOrNull(p.decidedAt), decidedBy: p.decidedBy,
  };
}
