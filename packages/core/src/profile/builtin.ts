/**
 * The built-in profiles. Each is plain data; compile.ts checks it against RFC 5280.
 * Validity ceilings: devices 397 days (the CA/B ceiling for TLS servers, reused as a
 * sane bound), IDevIDs for the device's life (IEEE 802.1AR 8.5), short-lived 24 hours.
 */
import type { ProfileSpec } from './spec.js';

const EE_KEYS = ['ecdsa-p256', 'ecdsa-p384', 'ed25519', 'rsa'] as const;
const NO_SAN = { dns: 'forbidden', ip: 'forbidden', email: 'forbidden', uri: 'forbidden', hardwareModuleName: 'forbidden', deviceId: 'forbidden' } as const;
const CA_SUBJECT = { allowed: ['CN', 'O', 'OU', 'C', 'ST', 'L', 'serialNumber', 'dnQualifier'], required: ['CN'] };
const STATUS_URLS = { crlDistributionPoints: true, authorityInfoAccess: true } as const;

export const BUILTIN_PROFILES: readonly ProfileSpec[] = [
  {
    name: 'root', kind: 'root', description: 'Self-signed offline root',
    keyTypes: ['ecdsa-p256', 'ecdsa-p384', 'rsa', 'ed25519'],
    validity: { default: '20y', max: '30y' }, subject: CA_SUBJECT, san: NO_SAN,
    keyUsage: ['keyCertSign', 'cRLSign'], pathLenConstraint: null,
  },
  {
    name: 'issuing-ca', kind: 'ca', description: 'Online issuing CA, may certify manufacturer CAs below it',
    keyTypes: ['ecdsa-p256', 'ecdsa-p384', 'rsa', 'ed25519'],
    validity: { default: '10y', max: '15y' }, subject: CA_SUBJECT, san: NO_SAN,
    keyUsage: ['digitalSignature', 'keyCertSign', 'cRLSign'], pathLenConstraint: 1, extensions: STATUS_URLS,
  },
  {
    name: 'manufacturer-ca', kind: 'ca', description: 'Contract manufacturer sub-CA: name constrained, issues devices only',
    keyTypes: ['ecdsa-p256', 'ecdsa-p384', 'rsa', 'ed25519'],
    validity: { default: '5y', max: '10y' }, subject: CA_SUBJECT, san: NO_SAN,
    keyUsage: ['digitalSignature', 'keyCertSign', 'cRLSign'], pathLenConstraint: 0, extensions: STATUS_URLS,
  },
  {
    name: 'device-idevid', kind: 'end-entity', description: 'IEEE 802.1AR initial device identity (IDevID)',
    keyTypes: EE_KEYS, validity: { default: '20y', max: '30y' }, backdate: '1h',
    subject: { allowed: ['serialNumber', 'CN', 'O', 'OU', 'C'], required: ['serialNumber'] },
    san: { ...NO_SAN, hardwareModuleName: 'optional', deviceId: 'optional', maxNames: 4 },
    keyUsage: ['digitalSignature'], extKeyUsage: ['clientAuth'], extensions: STATUS_URLS,
  },
  {
    name: 'device-operational', kind: 'end-entity', description: 'Operational device identity (LDevID) for mutual TLS',
    keyTypes: EE_KEYS, validity: { default: '90d', max: '397d' }, backdate: '1h',
    subject: { allowed: ['CN', 'O', 'OU', 'serialNumber'], required: [] },
    san: { ...NO_SAN, deviceId: 'required', hardwareModuleName: 'optional', dns: 'optional', maxNames: 8 },
    keyUsage: ['digitalSignature'], extKeyUsage: ['clientAuth'], extensions: STATUS_URLS,
  },
  {
    name: 'gateway-server', kind: 'end-entity', description: 'TLS server certificate of a gateway or broker',
    keyTypes: EE_KEYS, validity: { default: '90d', max: '397d' }, backdate: '5m',
    subject: { allowed: ['CN', 'O', 'OU'], required: [] },
    san: { ...NO_SAN, dns: 'required', ip: 'optional', maxNames: 32 },
    keyUsage: ['digitalSignature'], extKeyUsage: ['serverAuth', 'clientAuth'], extensions: STATUS_URLS,
  },
  {
    name: 'ocsp-signer', kind: 'end-entity', description: 'Delegated OCSP responder (RFC 6960 4.2.2.2)',
    keyTypes: ['ecdsa-p256', 'ecdsa-p384', 'ed25519', 'rsa'], validity: { default: '30d', max: '90d' }, backdate: '5m',
    subject: { allowed: ['CN', 'O', 'OU'], required: ['CN'] }, san: NO_SAN,
    keyUsage: ['digitalSignature'], extKeyUsage: ['OCSPSigning'],
    extensions: { ocspNoCheck: true, authorityInfoAccess: true },
  },
  {
    name: 'short-lived', kind: 'end-entity', description: 'Short-lived device credential, never revoked (RFC 9608)',
    keyTypes: EE_KEYS, validity: { default: '1h', max: '24h' }, backdate: '5m',
    subject: { allowed: ['CN', 'O', 'OU', 'serialNumber'], required: [] },
    san: { ...NO_SAN, deviceId: 'optional', dns: 'optional', maxNames: 8 },
    keyUsage: ['digitalSignature'], extKeyUsage: ['clientAuth'], extensions: { noRevAvail: true, authorityInfoAccess: true },
  },
];
