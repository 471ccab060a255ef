/** CA records as the REST API shows them. The private key reference is never shown. */
import { createHash } from 'node:crypto';
import { type Static, Type } from '@sinclair/typebox';
import { formatGeneralName, parseCertificate, toPem, type NameConstraints } from '@fleetpki/core';
import type { CaRecord } from '@fleetpki/ca';
import { iso, NullableString, NullableTimestamp, Pem, Timestamp } from './common.js';

const Names = Type.Array(Type.String(), { description: 'formatted GeneralNames, e.g. "DNS:.example.com"' });

export const CaView = Type.Object({
  name: Type.String(),
  role: Type.Union([Type.Literal('root'), Type.Literal('issuing'), Type.Literal('manufacturer')]),
  status: Type.Union([Type.Literal('pending'), Type.Literal('active'), Type.Literal('disabled')]),
  parent: NullableString,
  subject: Type.String({ description: 'RFC 4514' }),
  notBefore: NullableTimestamp,
  notAfter: NullableTimestamp,
  fingerprintSha256: Type.Union([Type.String({ description: 'upper-case hex pairs joined by ":", as `openssl x509 -fingerprint -sha256` prints' }), Type.Null()]),
  attributes: Type.Record(Type.String(), Type.String()),
  quota: Type.Union([Type.Integer(), Type.Null()], { description: 'null is unlimited' }),
  issuedCount: Type.Integer(),
  nameConstraints: Type.Union([Type.Object({ permitted: Names, excluded: Names }), Type.Null()]),
  keyOnline: Type.Boolean({ description: 'whether this server holds the key (false for an offline root)' }),
  createdAt: Timestamp,
  certificate: Type.Union([Pem, Type.Null()], { description: 'null while pending (CSR awaiting the offline ceremony)' }),
});
export type CaView = Static<typeof CaView>;

export const CaList = Type.Object({ items: Type.Array(CaView) });
export const CaParams = Type.Object({ name: Type.String({ minLength: 1, maxLength: 64 }) });
export type CaParams = Static<typeof CaParams>;

export function fingerprintSha256(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('hex').toUpperCase().match(/../g)!.join(':');
}

function constraintsView(nc: NameConstraints | null): CaView['nameConstraints'] {
  return nc && { permitted: nc.permitted.map(formatGeneralName), excluded: nc.excluded.map(formatGeneralName) };
}

export function caView(r: CaRecord): CaView {
  const cert = r.certificateDer ? parseCertificate(r.certificateDer) : null;
  return {
    name: r.name, role: r.role, status: r.status, parent: r.parent, subject: r.subject,
    notBefore: cert ? iso(cert.notBefore) : null, notAfter: cert ? iso(cert.notAfter) : null,
    fingerprintSha256: r.certificateDer ? fingerprintSha256(r.certificateDer) : null,
    attributes: { ...r.attributes }, quota: r.quota, issuedCount: r.issuedCount,
    nameConstraints: constraintsView(r.nameConstraints), keyOnline: r.key !== null, createdAt: iso(r.createdAt),
    certificate: r.certificateDer ? toPem('CERTIFICATE', r.certificateDer) : null,
  };
}
