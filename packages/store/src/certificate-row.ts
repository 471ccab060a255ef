/**
 * One certificates row <-> CertificateRecord. The intent columns are written by
 * recordIntents; der, sha256 and issued_at by recordIssued; the revocation columns by
 * revokeCertificates and releaseHold (revoke.ts).
 */
import type { CertificateIntent, CertificateRecord } from '@fleetpki/ca';
import type { CrlReason } from '@fleetpki/core';
import { bytes, bytesOrNull, date, dateOrNull, json, jsonText, msOf, num, str, strOrNull } from './columns.js';
import type { Row, SqlValue } from './driver.js';

export const INTENT_COLUMNS = [
  'serial', 'ca_name', 'profile', 'subject', 'device_id', 'subject_alt_names', 'not_before', 'not_after', 'tbs_der',
  'requester', 'created_at', 'status', 'crl_shard', 'attributes',
] as const;

export const CERTIFICATE_COLUMNS = [...INTENT_COLUMNS, 'der', 'sha256', 'issued_at', 'revoked_at', 'revocation_reason', 'invalidity_date'] as const;

export function intentValues(i: CertificateIntent): SqlValue[] {
  return [
    i.serial, i.caName, i.profile, i.subject, i.deviceId, JSON.stringify(i.subjectAltNames), msOf(i.notBefore),
    msOf(i.notAfter), i.tbsDer, i.requester, msOf(i.createdAt), 'pending', i.crlShard ?? 0, jsonText(i.attributes ?? {}),
  ];
}

export function toCertificate(r: Row): CertificateRecord {
  return {
    serial: str(r, 'serial'),
    caName: str(r, 'ca_name'),
    profile: str(r, 'profile'),
    subject: str(r, 'subject'),
    deviceId: strOrNull(r, 'device_id'),
    subjectAltNames: json<string[]>(r, 'subject_alt_names'),
    notBefore: date(r, 'not_before'),
    notAfter: date(r, 'not_after'),
    tbsDer: bytes(r, 'tbs_der'),
    requester: str(r, 'requester'),
    createdAt: date(r, 'created_at'),
    status: str(r, 'status') as CertificateRecord['status'],
    der: bytesOrNull(r, 'der'),
    sha256: strOrNull(r, 'sha256'),
    issuedAt: dateOrNull(r, 'issued_at'),
    revokedAt: dateOrNull(r, 'revoked_at'),
    revocationReason: strOrNull(r, 'revocation_reason') as CrlReason | null,
    invalidityDate: dateOrNull(r, 'invalidity_date'),
    crlShard: num(r, 'crl_shard'),
    attributes: json<Record<string, string>>(r, 'attributes'),
  };
}
