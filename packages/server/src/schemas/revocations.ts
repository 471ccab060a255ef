/**
 * Revocation requests and responses of the REST API. Reasons are RFC 5280 5.3.1 names
 * (keyCompromise, certificateHold...), checked by the use case so a wrong one answers
 * REVOCATION_REASON_INVALID with the list of valid names, not a schema error.
 */
import { type Static, Type } from '@sinclair/typebox';
import { REVOCATION_REASONS } from '@fleetpki/core';
import type { DeviceRevocation, MassRevocationResult, RevocationPreview, RevocationQuery, RevokeInput } from '@fleetpki/ca';
import { CertificateSummary, certificateSummary } from './certificates.js';
import { iso, Timestamp } from './common.js';

const Reason = Type.String({ minLength: 1, maxLength: 64, description: `RFC 5280 5.3.1 reason: ${REVOCATION_REASONS.join(', ')}` });
const InvalidityDate = Type.String({ format: 'date-time', description: 'RFC 5280 5.3.2: when the key was, or may have been, compromised; not in the future' });

export const RevokeBody = Type.Object({
  reason: Reason,
  invalidityDate: Type.Optional(InvalidityDate),
}, { additionalProperties: false });
export type RevokeBody = Static<typeof RevokeBody>;

export const DeviceParams = Type.Object({ deviceId: Type.String({ minLength: 1, maxLength: 128 }) });
export type DeviceParams = Static<typeof DeviceParams>;

const Count = Type.Integer({ minimum: 0 });
const tallyFields = {
  revoked: Type.Integer({ minimum: 0, description: 'certificates revoked by this call (holds made final included)' }),
  alreadyRevoked: Count,
  notIssued: Type.Integer({ minimum: 0, description: 'intents never signed: nothing to revoke' }),
  batches: Type.Integer({ minimum: 0, description: 'transactions the revocations were written in' }),
  serials: Type.Array(Type.String(), { description: 'the revoked serials, the first 1,000' }),
};

export const DeviceRevocationResponse = Type.Object({ deviceId: Type.String(), ...tallyFields });


export const RevocationQueryBody = Type.Object({
  ca: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'issued by this CA' })),
  profile: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  manufacturer: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'issued by the CAs of this contract manufacturer' })),
  deviceId: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  attributes: Type.Optional(Type.Record(Type.String(), Type.String(), { description: 'certificate attributes, each equal, e.g. {"batch": "B7"}' })),
  issuedAfter: Type.Optional(Type.String({ format: 'date-time', description: 'issued at or after' })),
  issuedBefore: Type.Optional(Type.String({ format: 'date-time', description: 'issued before' })),
  status: Type.Optional(Type.Union([Type.Literal('pending'), Type.Literal('issued'), Type.Literal('revoked')],
    { description: 'default issued; revoked selects holds to make final' })),
}, { additionalProperties: false, description: 'every field given must match; at least one of ca, profile, manufacturer, deviceId, attributes, issuedAfter, issuedBefore' });
export type RevocationQueryBody = Static<typeof RevocationQueryBody>;

export const RevocationPreviewResponse = Type.Object({
  query: RevocationQueryBody,
  count: Type.Integer({ minimum: 0, description: 'certificates the confirmed run would revoke' }),
  devices: Type.Integer({ minimum: 0, description: 'distinct devices among them' }),
  sample: Type.Array(CertificateSummary, { description: 'the first matches, in issuance order' }),
  asOf: Type.String({ format: 'date-time', description: 'certificates issued later are not part of the run' }),
  confirmation: Type.String({ description: 'send it with the same query and a reason to POST /revocations' }),
  expiresAt: Timestamp,
});

export const RevocationRunBody = Type.Object({
  query: RevocationQueryBody,
  reason: Reason,
  invalidityDate: Type.Optional(InvalidityDate),
  confirmation: Type.String({ minLength: 1, maxLength: 128, description: 'from POST /revocations/preview' }),
}, { additionalProperties: false });
export type RevocationRunBody = Static<typeof RevocationRunBody>;

export const RevocationRunResponse = Type.Object({
  query: RevocationQueryBody,
  previewed: Count,
  notFound: Count,
  ...tallyFields,
});

export function revokeInput(body: RevokeBody): RevokeInput {
  return { reason: body.reason, ...(body.invalidityDate !== undefined ? { invalidityDate: new Date(body.invalidityDate) } : {}) };
}

export function revocationQuery(b: RevocationQueryBody): RevocationQuery {
  return {
    ...(b.ca !== undefined ? { caName: b.ca } : {}),
    ...(b.profile !== undefined ? { profile: b.profile } : {}),
    ...(b.manufacturer !== undefined ? { manufacturer: b.manufacturer } : {}),
    ...(b.deviceId !== undefined ? { deviceId: b.deviceId } : {}),
    ...(b.attributes !== undefined ? { attributes: b.attributes } : {}),
    ...(b.issuedAfter !== undefined ? { issuedAfter: new Date(b.issuedAfter) } : {}),
    ...(b.issuedBefore !== undefined ? { issuedBefore: new Date(b.issuedBefore) } : {}),
    ...(b.status !== undefined ? { status: b.status } : {}),
  };
}

export function revocationQueryView(q: RevocationQuery): RevocationQueryBody {
  return {
    ...(q.caName !== undefined ? { ca: q.caName } : {}),
    ...(q.profile !== undefined ? { profile: q.profile } : {}),
    ...(q.manufacturer !== undefined ? { manufacturer: q.manufacturer } : {}),
    ...(q.deviceId !== undefined ? { deviceId: q.deviceId } : {}),
    ...(q.attributes !== undefined ? { attributes: { ...q.attributes } } : {}),
    ...(q.issuedAfter !== undefined ? { issuedAfter: iso(q.issuedAfter) } : {}),
    ...(q.issuedBefore !== undefined ? { issuedBefore: iso(q.issuedBefore) } : {}),
    ...(q.status !== undefined ? { status: q.status } : {}),
  };
}

export function previewResponse(p: RevocationPreview): Static<typeof RevocationPreviewResponse> {
  return {
    query: revocationQueryView(p.query), count: p.count, devices: p.devices, sample: p.sample.map(certificateSummary),
    asOf: iso(p.asOf), confirmation: p.confirmation, expiresAt: iso(p.expiresAt),
  };
}

export function deviceRevocationResponse(r: DeviceRevocation): Static<typeof DeviceRevocationResponse> {
  return { deviceId: r.deviceId, revoked: r.revoked, alreadyRevoked: r.alreadyRevoked, notIssued: r.notIssued, batches: r.batches, serials: [...r.serials] };
}

export function runResponse(r: MassRevocationResult): Static<typeof RevocationRunResponse> {
  return {
    query: revocationQueryView(r.query), previewed: r.previewed, revoked: r.revoked, alreadyRevoked: r.alreadyRevoked,
    notIssued: r.notIssued, notFound: r.notFound, batches: r.batches, serials: [...r.serials],
  };
}
