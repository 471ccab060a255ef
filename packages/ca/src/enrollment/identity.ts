/**
 * Which device a request is for, and whether its CSR claims only that device.
 *
 * The device id comes from, in order: the device URI SAN of the bootstrap certificate
 * (device://<namespace>/<id>), its subject serialNumber (IEEE 802.1AR IDevIDs carry the
 * serial there), its subject CN; with an enrollment secret, from the secret's username.
 * A CSR may name the device only as that id: in a device URI, a subject serialNumber or a
 * subject CN; anything else there is DEVICE_ID_NOT_ALLOWED.
 */
import { formatGeneralName, formatName, type Certificate, type Csr, type GeneralName, type Name } from '@fleetpki/core';
import { ServiceError } from '../errors.js';
import type { EnrollmentGroupRecord } from '../ports/enrollment-store.js';

const DEVICE_URI = /^device:\/\/[^/]+\/(.+)$/;

const values = (name: Name, type: string): string[] => name.flatMap((rdn) => rdn.filter((a) => a.type === type).map((a) => a.value));
const deviceUris = (sans: readonly GeneralName[]): string[] =>
  sans.flatMap((g) => (g.type === 'uri' ? [DEVICE_URI.exec(g.value)?.[1]].filter((v): v is string => v !== undefined) : []));

export function deviceIdOfCertificate(cert: Certificate): string | null {
  return deviceUris(cert.subjectAltNames)[0] ?? values(cert.subject, 'serialNumber')[0] ?? values(cert.subject, 'CN')[0] ?? null;
}

export function checkDeviceIdAllowed(group: EnrollmentGroupRecord, deviceId: string | null): string {
  if (deviceId === null || !new RegExp(group.deviceIdPattern, 'u').test(deviceId)) {
    throw new ServiceError('DEVICE_ID_NOT_ALLOWED', `device id ${JSON.stringify(deviceId)} is not allowed in group ${group.label}`, {
      pattern: group.deviceIdPattern,
    });
  }
  return deviceId;
}

/** The CSR names no device but `deviceId`. */
export function checkCsrClaims(csr: Csr, deviceId: string): void {
  const claims = [...deviceUris(csr.subjectAltNames), ...values(csr.subject, 'serialNumber'), ...values(csr.subject, 'CN')];
  const other = claims.find((c) => c !== deviceId);
  if (other !== undefined) {
    throw new ServiceError('DEVICE_ID_NOT_ALLOWED', `the CSR names ${JSON.stringify(other)}, not the device ${deviceId}`, { claimed: other });
  }
}

const otherSans = (sans: readonly GeneralName[]): string[] =>
  sans.filter((g) => !(g.type === 'uri' && DEVICE_URI.test(g.value))).map(formatGeneralName).sort();

/** RFC 7030 4.2.2: a re-enrollment keeps the Subject and SubjectAltName of the current certificate. */
export function checkSameIdentity(csr: Csr, current: Certificate, deviceId: string): void {
  checkCsrClaims(csr, deviceId);
  const subject = formatName(csr.subject);
  const was = formatName(current.subject);
  const sans = otherSans(csr.subjectAltNames);
  const wasSans = otherSans(current.subjectAltNames);
  if (subject !== was || sans.join('\n') !== wasSans.join('\n')) {
    throw new ServiceError('REENROLL_IDENTITY_CHANGED', undefined, { subject, expectedSubject: was, subjectAltNames: sans, expectedSubjectAltNames: wasSans });
  }
}
