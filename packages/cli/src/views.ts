/**
 * The JSON shapes the CLI prints for CAs and certificates: plain data, dates as ISO 8601,
 * DER as PEM. Human output is rendered from the same views, so the two never disagree.
 */
import type { CaRecord, CertificateRecord } from '@fleetpki/ca';
import { formatGeneralName, parseCertificate, toPem } from '@fleetpki/core';
import { fields, fingerprint } from './output.js';

export interface CaView {
  readonly name: string;
  readonly role: CaRecord['role'];
  readonly status: CaRecord['status'];
  readonly parent: string | null;
  readonly subject: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly nameConstraints: { readonly permitted: string[]; readonly excluded: string[] } | null;
  readonly quota: number | null;
  readonly issuedCount: number;
  readonly notBefore: string | null;
  readonly notAfter: string | null;
  readonly sha256Fingerprint: string | null;
  readonly hasKey: boolean;
  readonly createdAt: string;
  readonly certificate: string | null;
  readonly chain: string[];
  readonly csr: string | null;
}

export function caView(r: CaRecord): CaView {
  const cert = r.certificateDer ? parseCertificate(r.certificateDer) : null;
  return {
    name: r.name, role: r.role, status: r.status, parent: r.parent, subject: r.subject, attributes: r.attributes,
    nameConstraints: r.nameConstraints && {
      permitted: r.nameConstraints.permitted.map(formatGeneralName), excluded: r.nameConstraints.excluded.map(formatGeneralName),
    },
    quota: r.quota, issuedCount: r.issuedCount,
    notBefore: cert?.notBefore.toISOString() ?? null, notAfter: cert?.notAfter.toISOString() ?? null,
    sha256Fingerprint: r.certificateDer ? fingerprint(r.certificateDer) : null,
    hasKey: r.key !== null, createdAt: r.createdAt.toISOString(),
    certificate: r.certificateDer ? toPem('CERTIFICATE', r.certificateDer) : null,
    chain: r.chainDer.map((d) => toPem('CERTIFICATE', d)),
    csr: r.csrDer ? toPem('CERTIFICATE REQUEST', r.csrDer) : null,
  };
}

export const quotaText = (v: Pick<CaView, 'quota' | 'issuedCount'>): string =>
  v.quota === null ? `${v.issuedCount} issued` : `${v.issuedCount}/${v.quota}`;

export function caLines(v: CaView): string[] {
  return fields([
    ['name', v.name], ['role', v.role], ['status', v.status], ['parent', v.parent], ['subject', v.subject],
    ...Object.entries(v.attributes).map(([k, val]) => [k, val] as const),
    ['permitted names', v.nameConstraints?.permitted.join(', ') || undefined],
    ['excluded names', v.nameConstraints?.excluded.join(', ') || undefined],
    ['issued', quotaText(v)], ['not before', v.notBefore], ['not after', v.notAfter],
    ['SHA-256', v.sha256Fingerprint], ['key', v.hasKey ? 'held (encrypted)' : 'offline'], ['created', v.createdAt],
  ]);
}

export interface CertificateView {
  readonly serial: string;
  readonly status: CertificateRecord['status'];
  readonly ca: string;
  readonly profile: string;
  readonly subject: string;
  readonly deviceId: string | null;
  readonly subjectAltNames: readonly string[];
  readonly notBefore: string;
  readonly notAfter: string;
  readonly issuedAt: string | null;
  readonly revokedAt: string | null;
  readonly revocationReason: string | null;
  readonly invalidityDate: string | null;
  readonly attributes: Readonly<Record<string, string>>;
  readonly requester: string;
  readonly sha256: string | null;
  readonly certificate: string | null;
}

export function certificateView(r: CertificateRecord): CertificateView {
  return {
    serial: r.serial, status: r.status, ca: r.caName, profile: r.profile, subject: r.subject, deviceId: r.deviceId,
    subjectAltNames: r.subjectAltNames, notBefore: r.notBefore.toISOString(), notAfter: r.notAfter.toISOString(),
    issuedAt: r.issuedAt?.toISOString() ?? null, revokedAt: r.revokedAt?.toISOString() ?? null,
    revocationReason: r.revocationReason, invalidityDate: r.invalidityDate?.toISOString() ?? null, attributes: r.attributes,
    requester: r.requester, sha256: r.sha256,
    certificate: r.der ? toPem('CERTIFICATE', r.der) : null,
  };
}

export function certificateLines(v: CertificateView): string[] {
  return fields([
    ['serial', v.serial], ['status', v.status], ['CA', v.ca], ['profile', v.profile], ['subject', v.subject || '(empty)'],
    ['device id', v.deviceId], ['SANs', v.subjectAltNames.join(', ') || undefined],
    ['not before', v.notBefore], ['not after', v.notAfter], ['issued', v.issuedAt],
    ['revoked', v.revokedAt ?? undefined], ['reason', v.revocationReason ?? undefined], ['invalidity date', v.invalidityDate ?? undefined],
    ...Object.entries(v.attributes).map(([k, val]) => [`attribute ${k}`, val] as const),
    ['requester', v.requester], ['SHA-256', v.sha256],
  ]);
}

/** The REST API's certificate detail carries every field of the view under the same names. */
export function certificateViewOfApi(d: CertificateView): CertificateView {
  return {
    serial: d.serial, status: d.status, ca: d.ca, profile: d.profile, subject: d.subject, deviceId: d.deviceId,
    subjectAltNames: d.subjectAltNames, notBefore: d.notBefore, notAfter: d.notAfter, issuedAt: d.issuedAt, revokedAt: d.revokedAt,
    revocationReason: d.revocationReason, invalidityDate: d.invalidityDate ?? null, attributes: d.attributes ?? {},
    requester: d.requester, sha256: d.sha256, certificate: d.certificate,
  };
}
