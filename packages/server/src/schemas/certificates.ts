/**
 * Certificate requests and responses of the REST API, and the one place records become
 * JSON. A pending certificate (intent recorded, not yet signed, or a signing that never
 * completed) has status "pending" and certificate null: its serial is spent either way.
 */
import { type Static, Type } from '@sinclair/typebox';
import { toPem } from '@fleetpki/core';
import type { CertificateRecord, IssuedResult } from '@fleetpki/ca';
import { iso, isoOrNull, NullableString, NullableTimestamp, Pem, Timestamp } from './common.js';

export const IssueBody = Type.Object({
  csr: Type.String({ minLength: 1, description: 'PKCS#10 request: PEM, or base64 DER without armour' }),
  profile: Type.String({ minLength: 1, maxLength: 64 }),
  ca: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'issuing CA; the deployment default when absent' })),
  deviceId: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  validitySeconds: Type.Optional(Type.Integer({ minimum: 1 })),
  attributes: Type.Optional(Type.Record(Type.String(), Type.String(), { description: 'kept with the certificate for search and mass revocation, e.g. {"batch": "B7"}' })),
}, { additionalProperties: false });
export type IssueBody = Static<typeof IssueBody>;

const Serial = Type.String({ description: 'lower-case hexadecimal, no leading zero octets' });

export const IssueResponse = Type.Object({
  serial: Serial,
  certificate: Pem,
  chain: Type.Array(Pem, { description: 'issuing CA first, root last' }),
  notBefore: Timestamp,
  notAfter: Timestamp,
  profile: Type.String(),
  ca: Type.String(),
  deviceId: NullableString,
});
export type IssueResponse = Static<typeof IssueResponse>;

const summaryFields = {
  serial: Serial,
  status: Type.Union([Type.Literal('pending'), Type.Literal('issued'), Type.Literal('revoked')]),
  ca: Type.String(),
  profile: Type.String(),
  subject: Type.String({ description: 'RFC 4514' }),
  subjectAltNames: Type.Array(Type.String(), { description: 'e.g. "DNS:gw1.example.com", "URI:device://…"' }),
  deviceId: NullableString,
  notBefore: Timestamp,
  notAfter: Timestamp,
  createdAt: Timestamp,
  issuedAt: NullableTimestamp,
  revokedAt: NullableTimestamp,
  revocationReason: Type.Union([Type.String({ description: 'RFC 5280 5.3.1 name, e.g. keyCompromise; certificateHold is a suspension' }), Type.Null()]),
  invalidityDate: NullableTimestamp,
  attributes: Type.Record(Type.String(), Type.String(), { description: 'e.g. {"batch": "B7"}' }),
  sha256: Type.Union([Type.String({ description: 'lower-case hex SHA-256 of the DER' }), Type.Null()]),
  requester: Type.String(),
};

export const CertificateSummary = Type.Object(summaryFields);
export type CertificateSummary = Static<typeof CertificateSummary>;
export const CertificateDetail = Type.Object({
  ...summaryFields,
  certificate: Type.Union([Pem, Type.Null()], { description: 'null while pending' }),
  chain: Type.Array(Pem, { description: 'issuing CA first, root last' }),
});
export type CertificateDetail = Static<typeof CertificateDetail>;

export const SerialParams = Type.Object({ serial: Type.String({ minLength: 1, maxLength: 128 }) });
export type SerialParams = Static<typeof SerialParams>;

export const SearchQuery = Type.Object({
  ca: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  status: Type.Optional(Type.Union([Type.Literal('pending'), Type.Literal('issued'), Type.Literal('revoked')])),
  profile: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  subject: Type.Optional(Type.String({ minLength: 1, maxLength: 1024, description: 'exact RFC 4514 subject' })),
  subjectPrefix: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
  deviceId: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  expiresBefore: Type.Optional(Type.String({ format: 'date-time', description: 'notAfter strictly before; soonest first' })),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 512, description: 'nextCursor of the previous page' })),
}, { additionalProperties: false });
export type SearchQuery = Static<typeof SearchQuery>;

export const SearchResponse = Type.Object({
  items: Type.Array(CertificateSummary),
  nextCursor: NullableString,
});
export type SearchResponse = Static<typeof SearchResponse>;

const pem = (der: Uint8Array): string => toPem('CERTIFICATE', der);

export function issueResponse(r: IssuedResult): IssueResponse {
  const p = r.prepared;
  return {
    serial: r.serial, certificate: pem(r.certificateDer), chain: r.chainDer.map(pem),
    notBefore: iso(p.notBefore), notAfter: iso(p.notAfter), profile: p.profile, ca: p.issuer, deviceId: p.deviceId,
  };
}

export function certificateSummary(r: CertificateRecord): CertificateSummary {
  return {
    serial: r.serial, status: r.status, ca: r.caName, profile: r.profile, subject: r.subject,
    subjectAltNames: [...r.subjectAltNames], deviceId: r.deviceId, notBefore: iso(r.notBefore), notAfter: iso(r.notAfter),
    createdAt: iso(r.createdAt), issuedAt: isoOrNull(r.issuedAt), revokedAt: isoOrNull(r.revokedAt),
    revocationReason: r.revocationReason, invalidityDate: isoOrNull(r.invalidityDate), attributes: { ...r.attributes },
    sha256: r.sha256, requester: r.requester,
  };
}

export function certificateDetail(r: CertificateRecord, chainDer: readonly Uint8Array[]): CertificateDetail {
  return { ...certificateSummary(r), certificate: r.der ? pem(r.der) : null, chain: chainDer.map(pem) };
}
