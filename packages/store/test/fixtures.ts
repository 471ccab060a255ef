/**
 * Records for the contract suite, at fixed instants far from today (no time bombs), each
 * with only the fields a test cares about overridden.
 */
import type { AuditEventInput, CaRecord, CertificateIntent, IssuedCertificate } from '@fleetpki/ca';

export const T0 = new Date('2031-03-04T05:06:07.089Z');

export function at(offsetSeconds: number): Date {
  return new Date(T0.getTime() + offsetSeconds * 1000);
}

export function caRecord(name: string, overrides: Partial<CaRecord> = {}): CaRecord {
  return {
    name, role: 'issuing', status: 'active', parent: 'root', subject: `CN=${name},O=FleetPKI Test`,
    certificateDer: new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]), chainDer: [new Uint8Array([0x30, 0x00]), new Uint8Array([0x30, 0x01, 0x05])],
    csrDer: null, key: { kind: 'pkcs8-encrypted', data: '-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----' },
    attributes: { manufacturer: 'Contoso', line: '7' },
    nameConstraints: {
      permitted: [{ type: 'dns', value: '.devices.example' }, { type: 'dn', value: [[{ type: 'O', oid: '2.5.4.10', value: 'Contoso' }]] }],
      excluded: [{ type: 'ip', value: '10.0.0.0/8' }],
    },
    quota: null, issuedCount: 0, createdAt: T0, ...overrides,
  };
}

export function intent(serial: string, overrides: Partial<CertificateIntent> = {}): CertificateIntent {
  return {
    serial, caName: 'issuing-1', profile: 'device', subject: `CN=device-${serial}`, deviceId: `dev-${serial}`,
    subjectAltNames: [`URI:urn:dev:${serial}`, 'DNS:device.example'], notBefore: T0, notAfter: at(86400),
    tbsDer: new Uint8Array([0x30, 0x02, 0x04, serial.length]), requester: 'cli', createdAt: T0, ...overrides,
  };
}

export function issued(serial: string, offsetSeconds = 1): IssuedCertificate {
  return { serial, der: new Uint8Array([0x30, 0x03, 0x04, 0x01, serial.length]), sha256: 'ab'.repeat(32), issuedAt: at(offsetSeconds) };
}

export function event(action: string, overrides: Partial<AuditEventInput> = {}): AuditEventInput {
  return { at: T0, actor: 'token:admin-1', action, outcome: 'success', target: null, code: null, detail: null, ...overrides };
}

/** Serials as core makes them: lower-case hex, no leading zero octet. */
export function serialOf(n: number): string {
  return `7f${n.toString(16).padStart(14, '0')}`;
}
